package portcullis.rules.build_image_growth_test

import rego.v1

import data.portcullis.lib.build_test_inputs as inputs
import data.portcullis.rules.build_image_growth

test_growth_over_the_threshold_warns if {
	build_image_growth.warn == {{
		"msg": "The image grows by 2.5 MB (25%, more than 10%) to 12.5 MB: check what the change adds (build tools, caches, files .dockerignore should leave out).",
		"line": 1,
	}} with input as inputs.doc
	count(build_image_growth.warn) == 0 with input as inputs.doc with data.portcullis.config.image_growth_warn_percent as 30
}
