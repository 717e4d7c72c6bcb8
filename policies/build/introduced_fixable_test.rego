package portcullis.rules.build_introduced_fixable_test

import rego.v1

import data.portcullis.lib.build_test_inputs as inputs
import data.portcullis.rules.build_introduced_fixable

test_introduced_fixable_medium_warns_and_names_the_source_package if {
	build_introduced_fixable.warn == {{
		"msg": "CVE-2024-0004 (ALPINE-CVE-2024-0004), medium, in libcurl 1.0-r0 (source package curl, Alpine:v3.19) comes in with the layer of line 3 (ADD): fixed in 8.5.0-r0.",
		"line": 3,
	}} with input as inputs.doc
}
