package portcullis.rules.build_wasted_layer_test

import rego.v1

import data.portcullis.lib.build
import data.portcullis.lib.build_test_inputs as inputs
import data.portcullis.rules.build_wasted_layer

layer(index, instruction, line, size, wasted, removed_at) := {
	"index": index, "history_index": index, "instruction": instruction, "line": line, "end_line": line,
	"in_base_image": line == null, "size": size, "wasted_bytes": wasted,
	"removed_by_layer": removed_by(removed_at, index), "removed_at_line": removed_at,
}

removed_by(null, _) := null

removed_by(line, index) := index + 1 if line != null

# Line 3 adds 60 MB, of which 50 MB a later RUN (line 5) deletes; the base layer's waste is the base's.
wasteful := json.patch(inputs.doc, [
	{"op": "add", "path": "/image/layers", "value": [
		layer(0, null, null, 8000000, 20000000, null),
		layer(1, "RUN", 3, 60000000, 50000000, 5),
		layer(2, "RUN", 5, 2000, 0, null),
	]},
	{"op": "add", "path": "/image/efficiency", "value": 0.55},
	{"op": "add", "path": "/image/wasted_bytes", "value": 70000000},
])

test_a_layer_whose_bytes_a_later_layer_deletes_is_reported_on_its_line if {
	findings := build_wasted_layer.warn with input as wasteful
	findings == {{
		"msg": "RUN at line 3 adds 60 MB; 50 MB of it (50000000 bytes) is deleted or overwritten at line 5 and still ships: delete it in the same RUN that creates it.",
		"line": 3,
		"end_line": 3,
	}}
}

test_the_threshold_is_configurable if {
	count(build_wasted_layer.warn) == 0 with input as wasteful with data.portcullis.config.wasted_layer_bytes as 50000000
	count(build_wasted_layer.warn) == 1 with input as wasteful with data.portcullis.config.wasted_layer_bytes as 49999999
}

test_a_copy_overwritten_later_gets_copy_advice if {
	copied := json.patch(wasteful, [{"op": "replace", "path": "/image/layers/1/instruction", "value": "COPY"}])
	some f in build_wasted_layer.warn with input as copied
	f.msg == "COPY at line 3 adds 60 MB; 50 MB of it (50000000 bytes) is deleted or overwritten at line 5 and still ships: copy or download it in the step that uses it, or in a builder stage whose result you COPY --from."
}

test_small_waste_no_layers_and_unbuilt_images_pass if {
	count(build_wasted_layer.warn) == 0 with input as json.patch(wasteful, [{"op": "replace", "path": "/image/layers/1/wasted_bytes", "value": 10000000}])
	count(build_wasted_layer.warn) == 0 with input as json.patch(inputs.doc, [{"op": "add", "path": "/image/layers", "value": []}])
	count(build_wasted_layer.warn) == 0 with input as inputs.awaiting
}

# Under a megabyte, sizes are kilobytes: a 42 kB layer is not "0 MB".
test_small_sizes_in_kilobytes if {
	build.size_label(42150) == "42.2 kB"
	build.size_label(180000000) == "180 MB"
}
