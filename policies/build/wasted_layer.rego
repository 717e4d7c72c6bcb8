# METADATA
# title: A layer ships bytes a later layer deletes
# description: >-
#   A layer this Dockerfile builds adds more than `data.portcullis.config.wasted_layer_bytes`
#   (10 MB by default; `wasted_space.layer_bytes` in .github/portcullis.yml) of files that a
#   later layer deletes or overwrites. Layers only add: the deleted files still ship in the
#   image, and every node that runs it pulls them.
# custom:
#   id: PC-BLD-013
#   severity: warn
#   remediation: >-
#     Delete temporary files in the same RUN that creates them (`curl -o x.tgz … && tar xzf
#     x.tgz && rm x.tgz`), or do the work in a builder stage and `COPY --from` only the result.
#   related: [dive:highestWastedBytes]
package portcullis.rules.build_wasted_layer

import rego.v1

import data.portcullis.lib.build

threshold := object.get(data.portcullis.config, "wasted_layer_bytes", 10000000)

warn contains finding if {
	build.image.built
	some layer in build.image.layers
	not layer.in_base_image
	is_number(layer.line)
	layer.wasted_bytes > threshold
	finding := {
		"msg": sprintf("%s at line %d adds %s; %s of it (%d bytes) is %s and still ships: %s.", [instruction(layer), layer.line, build.size_label(layer.size), build.size_label(layer.wasted_bytes), layer.wasted_bytes, removal(layer), advice(layer)]),
		"line": layer.line,
		"end_line": layer.end_line,
	}
}

instruction(layer) := layer.instruction if is_string(layer.instruction)

else := "The step"

removal(layer) := sprintf("deleted or overwritten at line %d", [layer.removed_at_line]) if {
	is_number(layer.removed_at_line)
} else := "deleted or overwritten by a later layer"

advice(layer) := "delete it in the same RUN that creates it" if layer.instruction == "RUN"

else := "copy or download it in the step that uses it, or in a builder stage whose result you COPY --from"
