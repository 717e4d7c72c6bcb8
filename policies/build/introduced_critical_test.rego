package portcullis.rules.build_introduced_critical_test

import rego.v1

import data.portcullis.lib.build_test_inputs as inputs
import data.portcullis.lib.test_inputs
import data.portcullis.rules.build_image_root_user
import data.portcullis.rules.build_image_secrets
import data.portcullis.rules.build_image_size
import data.portcullis.rules.build_introduced_critical

test_introduced_fixable_critical_is_denied_on_the_line_that_brought_it if {
	build_introduced_critical.deny == {{
		"msg": "CVE-2024-0003 (ALPINE-CVE-2024-0003), critical, CVSS 9.8, in zlib 1.0-r0 (Alpine:v3.19) comes in with the layer of line 3 (ADD): fixed in 1.3.1-r0. Upgrade the package (or the base image) to the fixed version, or remove it.",
		"line": 3,
	}} with input as inputs.doc
}

test_inputs_without_image_facts_and_other_kinds_are_ignored if {
	doc := json.remove(inputs.doc, ["image"])
	count(build_introduced_critical.deny) == 0 with input as doc
	count(build_image_root_user.deny) == 0 with input as doc
	count(build_image_size.info) == 0 with input as doc
	count(build_introduced_critical.deny) == 0 with input as test_inputs.other_kind(inputs.doc)
	count(build_image_secrets.deny) == 0 with input as test_inputs.other_kind(inputs.doc)
}
