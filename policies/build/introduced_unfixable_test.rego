package portcullis.rules.build_introduced_unfixable_test

import rego.v1

import data.portcullis.lib.build_test_inputs as inputs
import data.portcullis.rules.build_introduced_unfixable

test_introduced_unfixable_is_info_and_unchanged_ones_are_not_reported if {
	build_introduced_unfixable.info == {{
		"msg": "CVE-2024-0005 (ALPINE-CVE-2024-0005), low, CVSS 3.1, in tar 1.0-r0 (Alpine:v3.19) comes in with the layer of line 3 (ADD): no fixed version is known.",
		"line": 3,
	}} with input as inputs.doc
}
