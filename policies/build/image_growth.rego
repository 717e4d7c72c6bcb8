# METADATA
# title: Built image grows too much
# description: >-
#   The head's image is larger than the merge base's by more than
#   `data.portcullis.config.image_growth_warn_percent` percent (10 by default).
# custom:
#   id: PC-BLD-006
#   severity: warn
#   remediation: >-
#     Look at what the change adds: build tools left in the final stage, package caches,
#     copied folders that `.dockerignore` should leave out.
package portcullis.rules.build_image_growth

import rego.v1

import data.portcullis.lib.build
import data.portcullis.lib.dockerfile

threshold := object.get(data.portcullis.config, "image_growth_warn_percent", 10)

warn contains finding if {
	build.image.built
	base := build.image.base.size
	base > 0
	growth := (build.image.delta.size * 100) / base
	growth > threshold
	finding := {
		"msg": sprintf("The image grows by %s (%v%%, more than %v%%) to %s: check what the change adds (build tools, caches, files .dockerignore should leave out).", [build.megabytes(build.image.delta.size), round(growth * 10) / 10, threshold, build.megabytes(build.image.size)]),
		"line": dockerfile.final_stage.line,
	}
}
