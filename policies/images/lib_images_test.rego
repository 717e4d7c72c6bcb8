package portcullis.lib.images_test

import rego.v1

import data.portcullis.lib.images

digest := "sha256:82d1e9d7ed48a7523bdebc18cf6290bdb97b82302a8a9c27d4fe885949ea94d1"

test_pinned_line_keeps_the_tag_and_the_rest_of_the_line if {
	images.pinned_line(`    image: "redis:7.2" # cache`, "redis:7.2", "services.cache.image", digest) == concat("", [`    image: "redis:7.2@`, digest, `" # cache`])
	images.pinned_line("  - image: nginx", "nginx", "spec.containers[0].image", digest) == concat("", ["  - image: nginx@", digest])
}

# Only whole references count: `nginx` inside `nginx-exporter`, `my-nginx` or
# `/etc/nginx` is no place to put the digest.
test_pinned_line_matches_whole_references_only if {
	images.pinned_line("  image: nginx # not my-nginx, nor nginx-exporter", "nginx", "f", digest) == concat("", ["  image: nginx@", digest, " # not my-nginx, nor nginx-exporter"])
	images.pinned_line("COPY --from=alpine /etc/alpine /alpine/", "alpine", "COPY --from", digest) == concat("", ["COPY --from=alpine@", digest, " /etc/alpine /alpine/"])
	not images.pinned_line("  image: nginx-exporter", "nginx", "f", digest)
}

# Twice on one line: which one is meant is not certain, except for FROM, whose image
# comes before `AS <name>`.
test_pinned_line_needs_a_single_place if {
	not images.pinned_line("{name: redis, image: redis}", "redis", "f", digest)
	images.pinned_line("FROM node AS node", "node", "FROM", digest) == concat("", ["FROM node@", digest, " AS node"])
}

test_pinned_line_refuses_what_it_cannot_pin if {
	# not on the line (composed from several keys)
	not images.pinned_line("  repository: bitnami/nginx", "docker.io/bitnami/nginx:1.25", "image", digest)

	# a variable, an existing digest, a bad digest
	not images.pinned_line("FROM ${BASE}", "${BASE}", "FROM", digest)
	not images.pinned_line("  image: redis@sha256:0a4a", "redis@sha256:0a4a", "f", digest)
	not images.pinned_line("  image: redis:7", "redis:7", "f", "latest")
	not images.pinned_line("  image: redis:7", "redis:7", "f", null)
}

test_trusted_registry_matching if {
	images.trusted_registry("docker.io") with data.portcullis.config.trusted_registries as ["Docker.io"]
	images.trusted_registry("GHCR.io") with data.portcullis.config.trusted_registries as ["ghcr.io"]
	images.trusted_registry("europe-docker.pkg.dev") with data.portcullis.config.trusted_registries as ["*.pkg.dev"]
	not images.trusted_registry("notdocker.io") with data.portcullis.config.trusted_registries as ["docker.io"]
	not images.trusted_registry("pkg.dev") with data.portcullis.config.trusted_registries as ["*.pkg.dev"]
	not images.trusted_registry("docker.io") with data.portcullis.config as {}
}

test_root_user_spellings if {
	every user in ["", "0", "root", "0:0", "root:wheel"] {
		images.root_user(user)
	}
	every user in ["1000", "nobody", "65532:0", "nonroot", "rootless", null] {
		not images.root_user(user)
	}
}
