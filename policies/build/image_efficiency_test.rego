package portcullis.rules.build_image_efficiency_test

import rego.v1

import data.portcullis.lib.build_test_inputs as inputs
import data.portcullis.rules.build_image_efficiency
import data.portcullis.rules.build_wasted_layer_test as wasted

test_an_image_below_the_minimum_efficiency_is_reported_on_the_final_from if {
	findings := build_image_efficiency.warn with input as wasted.wasteful
	findings == {{
		"msg": "The image's efficiency is 55% (dive's score), below 95%: 70 MB of its files are deleted or overwritten by later layers (most from line 3).",
		"line": 1,
	}}
}

test_the_minimum_is_configurable if {
	count(build_image_efficiency.warn) == 0 with input as wasted.wasteful with data.portcullis.config.min_image_efficiency as 0.5
}

test_an_efficient_image_passes if {
	count(build_image_efficiency.warn) == 0 with input as json.patch(wasted.wasteful, [{"op": "replace", "path": "/image/efficiency", "value": 0.99}])
	count(build_image_efficiency.warn) == 0 with input as inputs.awaiting
}

# Fail closed: a score that could not be computed is said, not taken as a pass.
test_unreadable_layers_are_reported if {
	unreadable := json.patch(inputs.doc, [
		{"op": "add", "path": "/image/efficiency", "value": null},
		{"op": "add", "path": "/image/layers_error", "value": "layer 1 is zstd-compressed, which this Node cannot read"},
	])
	findings := build_image_efficiency.warn with input as unreadable
	[f.msg | some f in findings] == ["The image's layers could not be read, so its wasted space is unknown: layer 1 is zstd-compressed, which this Node cannot read"]
}
