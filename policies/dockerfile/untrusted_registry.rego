# METADATA
# title: Base image from an untrusted registry
# description: >-
#   Base images are code that runs in every container built on them. Only registries
#   listed in `data.portcullis.config.trusted_registries` may provide them; an entry
#   such as `*.pkg.dev` also trusts every subdomain. Docker Hub names without a
#   registry (`node:20`) are `docker.io`.
# custom:
#   id: PC-DF-014
#   severity: deny
#   related: [hadolint:DL3026]
#   remediation: >-
#     Use an image from a trusted registry (mirror it there if needed), or add the
#     registry to `portcullis.config.trusted_registries` once it has been vetted.
package portcullis.rules.untrusted_registry

import rego.v1

import data.portcullis.lib.dockerfile
import data.portcullis.lib.images

trusted := data.portcullis.config.trusted_registries

deny contains finding if {
	is_array(trusted)
	some stage in dockerfile.stages
	registry := lower(stage.base.image.registry)
	not images.trusted_registry(registry)
	finding := {
		"msg": sprintf("Stage %s pulls %s from %s, which is not a trusted registry (%s): use an image from a trusted registry, or have %s added to the trusted registries.", [dockerfile.stage_label(stage), dockerfile.base_label(stage), registry, concat(", ", trusted), registry]),
		"line": stage.line,
	}
}
