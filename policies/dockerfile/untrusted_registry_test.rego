package portcullis.rules.untrusted_registry_test

import rego.v1

import data.portcullis.lib.test_inputs
import data.portcullis.rules.untrusted_registry

trusted := ["docker.io", "ghcr.io", "gcr.io", "*.pkg.dev"]

test_image_from_an_unlisted_registry_is_denied if {
	findings := untrusted_registry.deny with input as registries with data.portcullis.config.trusted_registries as trusted
	findings == {{
		"msg": "Stage #4 pulls \"registry.example.com:5000/team/app:1.4\" from registry.example.com:5000, which is not a trusted registry (docker.io, ghcr.io, gcr.io, *.pkg.dev): use an image from a trusted registry, or have registry.example.com:5000 added to the trusted registries.",
		"line": 5,
	}}
}

# Docker Hub short names, upper-case hosts and wildcard entries are trusted.
test_listed_registries_and_wildcards_pass if {
	lines := test_inputs.lines(untrusted_registry.deny) with input as registries with data.portcullis.config.trusted_registries as trusted
	lines == {5}
}

test_default_configuration_trusts_the_big_public_registries if {
	lines := test_inputs.lines(untrusted_registry.deny) with input as registries
	lines == {4, 5}
}

# Only `*.` entries match subdomains: notdocker.io is not docker.io.
test_lookalike_host_is_denied if {
	lines := test_inputs.lines(untrusted_registry.deny) with input as lookalike with data.portcullis.config.trusted_registries as trusted
	lines == {1}
}

test_nothing_is_denied_without_configuration if {
	count(untrusted_registry.deny) == 0 with input as registries with data.portcullis.config as {}
}

test_other_targets_are_ignored if {
	count(untrusted_registry.deny) == 0 with input as test_inputs.other_kind(registries)
}

#  1 | FROM node:20-alpine AS web
#  2 | FROM GHCR.io/org/tool:1.0 AS tool
#  3 | FROM gcr.io/distroless/static:nonroot AS distroless
#  4 | FROM europe-docker.pkg.dev/project/repo/image:2 AS artifact
#  5 | FROM registry.example.com:5000/team/app:1.4
registries := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": "web", "final": false, "line": 1, "end_line": 1,
				"base": {"raw": "node:20-alpine", "resolved": "node:20-alpine", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/node", "tag": "20-alpine", "digest": null, "name": "docker.io/library/node", "normalized": "docker.io/library/node:20-alpine"}, "error": null},
				"instructions": [],
			},
			{
				"index": 1, "name": "tool", "final": false, "line": 2, "end_line": 2,
				"base": {"raw": "GHCR.io/org/tool:1.0", "resolved": "GHCR.io/org/tool:1.0", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "GHCR.io", "repository": "org/tool", "tag": "1.0", "digest": null, "name": "GHCR.io/org/tool", "normalized": "GHCR.io/org/tool:1.0"}, "error": null},
				"instructions": [],
			},
			{
				"index": 2, "name": "distroless", "final": false, "line": 3, "end_line": 3,
				"base": {"raw": "gcr.io/distroless/static:nonroot", "resolved": "gcr.io/distroless/static:nonroot", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "gcr.io", "repository": "distroless/static", "tag": "nonroot", "digest": null, "name": "gcr.io/distroless/static", "normalized": "gcr.io/distroless/static:nonroot"}, "error": null},
				"instructions": [],
			},
			{
				"index": 3, "name": "artifact", "final": false, "line": 4, "end_line": 4,
				"base": {"raw": "europe-docker.pkg.dev/project/repo/image:2", "resolved": "europe-docker.pkg.dev/project/repo/image:2", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "europe-docker.pkg.dev", "repository": "project/repo/image", "tag": "2", "digest": null, "name": "europe-docker.pkg.dev/project/repo/image", "normalized": "europe-docker.pkg.dev/project/repo/image:2"}, "error": null},
				"instructions": [],
			},
			{
				"index": 4, "name": null, "final": true, "line": 5, "end_line": 5,
				"base": {"raw": "registry.example.com:5000/team/app:1.4", "resolved": "registry.example.com:5000/team/app:1.4", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "registry.example.com:5000", "repository": "team/app", "tag": "1.4", "digest": null, "name": "registry.example.com:5000/team/app", "normalized": "registry.example.com:5000/team/app:1.4"}, "error": null},
				"instructions": [],
			},
		],
	},
}

#  1 | FROM notdocker.io/library/node:20
lookalike := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 1,
				"base": {"raw": "notdocker.io/library/node:20", "resolved": "notdocker.io/library/node:20", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "notdocker.io", "repository": "library/node", "tag": "20", "digest": null, "name": "notdocker.io/library/node", "normalized": "notdocker.io/library/node:20"}, "error": null},
				"instructions": [],
			},
		],
	},
}
