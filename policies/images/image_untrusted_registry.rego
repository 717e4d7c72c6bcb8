# METADATA
# title: Image reference from an untrusted registry
# description: >-
#   Images are code that runs with the workload's access. Only registries listed in
#   `data.portcullis.config.trusted_registries` may provide them; an entry such as
#   `*.pkg.dev` also trusts every subdomain. Docker Hub names without a registry
#   (`nginx:1.27`) are `docker.io`. Applies to every image reference; a Dockerfile's
#   `FROM` lines are PC-DF-014's.
# custom:
#   id: PC-IMG-003
#   severity: deny
#   remediation: >-
#     Use an image from a trusted registry (mirror it there if needed), or add the
#     registry to `portcullis.config.trusted_registries` once it has been vetted.
package portcullis.rules.image_untrusted_registry

import rego.v1

import data.portcullis.lib.images

deny contains finding if {
	trusted := images.trusted_registries
	some ref in images.judged
	registry := lower(ref.image.registry)
	not images.trusted_registry(registry)
	finding := {
		"msg": sprintf("Image %s comes from %s, which is not a trusted registry (%s): use an image from a trusted registry, or have %s added to the trusted registries.", [images.label(ref), registry, concat(", ", trusted), registry]),
		"line": ref.line,
	}
}
