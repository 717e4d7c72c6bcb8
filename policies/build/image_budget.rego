# METADATA
# title: Built image crosses the size budget
# description: >-
#   The head's image is larger than `data.portcullis.config.built_image_size_budget_bytes`
#   (1 GB by default) and the merge base's image was not.
# custom:
#   id: PC-BLD-007
#   severity: warn
#   remediation: >-
#     Build in stages so that only what runs ships, use a slimmer base image, and clean
#     package caches in the same RUN that fills them.
package portcullis.rules.build_image_budget

import rego.v1

import data.portcullis.lib.build
import data.portcullis.lib.dockerfile

budget := object.get(data.portcullis.config, "built_image_size_budget_bytes", 1000000000)

warn contains finding if {
	build.image.built
	build.image.size > budget
	not base_over_budget
	finding := {
		"msg": sprintf("The image is %s, over the budget of %s: build in stages, use a slimmer base image, clean package caches.", [build.megabytes(build.image.size), build.megabytes(budget)]),
		"line": dockerfile.final_stage.line,
	}
}

base_over_budget if build.image.base.size > budget
