package portcullis.rules.build_image_budget_test

import rego.v1

import data.portcullis.lib.build_test_inputs as inputs
import data.portcullis.rules.build_image_budget

test_crossing_the_budget_warns_but_staying_over_it_does_not if {
	findings := build_image_budget.warn with input as inputs.doc with data.portcullis.config.built_image_size_budget_bytes as 11000000
	[f.msg | some f in findings] == ["The image is 12.5 MB, over the budget of 11 MB: build in stages, use a slimmer base image, clean package caches."]
	count(build_image_budget.warn) == 0 with input as inputs.doc with data.portcullis.config.built_image_size_budget_bytes as 9000000
	count(build_image_budget.warn) == 0 with input as inputs.doc
}
