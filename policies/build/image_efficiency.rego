# METADATA
# title: Built image wastes space
# description: >-
#   The image's efficiency score, as dive computes it (over every path of every layer, the
#   sum of each path's smallest size over the sum of all its sizes), is below
#   `data.portcullis.config.min_image_efficiency` (0.95 by default; `wasted_space.min_efficiency`
#   in .github/portcullis.yml): files are shipped in one layer and deleted or replaced in a
#   later one. Also reported when the layers could not be read, so the score is unknown.
# custom:
#   id: PC-BLD-014
#   severity: warn
#   remediation: >-
#     Delete temporary files in the RUN that creates them, install and clean package caches
#     in one RUN, and copy each file once: the per-layer chart in the check run shows where.
#   related: [dive:lowestEfficiency]
package portcullis.rules.build_image_efficiency

import rego.v1

import data.portcullis.lib.build
import data.portcullis.lib.dockerfile

minimum := object.get(data.portcullis.config, "min_image_efficiency", 0.95)

warn contains finding if {
	build.image.built
	is_number(build.image.efficiency)
	build.image.efficiency < minimum
	finding := {
		"msg": sprintf("The image's efficiency is %v%% (dive's score), below %v%%: %s of its files are deleted or overwritten by later layers%s.", [percent(build.image.efficiency), percent(minimum), build.megabytes(build.image.wasted_bytes), worst_layer]),
		"line": dockerfile.final_stage.line,
	}
}

warn contains finding if {
	build.image.built
	is_string(build.image.layers_error)
	finding := {
		"msg": sprintf("The image's layers could not be read, so its wasted space is unknown: %s", [build.image.layers_error]),
		"line": dockerfile.final_stage.line,
	}
}

percent(score) := round(score * 1000) / 10

# The layer of this Dockerfile that wastes most, named in the message.
worst_layer := sprintf(" (most from line %d)", [top.line]) if {
	own := [layer |
		some layer in build.image.layers
		not layer.in_base_image
		is_number(layer.line)
		layer.wasted_bytes > 0
	]
	count(own) > 0
	most := max([layer.wasted_bytes | some layer in own])
	top := [layer | some layer in own; layer.wasted_bytes == most][0]
} else := ""
