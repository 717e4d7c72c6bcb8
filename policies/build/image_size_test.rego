package portcullis.rules.build_image_size_test

import rego.v1

import data.portcullis.lib.build_test_inputs as inputs
import data.portcullis.rules.build_image_size

test_size_line_with_delta_and_counts if {
	build_image_size.info == {{
		"msg": "Built image: 12.5 MB in 2 layers (+2.5 MB, 1 layers, against the merge base); 3 vulnerabilities introduced, 1 fixed, 4 in all.",
		"line": 1,
	}} with input as inputs.doc
}

test_size_line_without_base if {
	findings := build_image_size.info with input as inputs.with_image([
		{"op": "replace", "path": "/image/base", "value": null},
		{"op": "replace", "path": "/image/delta", "value": null},
	])
	[f.msg | some f in findings] == ["Built image: 12.5 MB in 2 layers (no merge-base image to compare with); 3 vulnerabilities introduced, 0 fixed, 4 in all."]
}
