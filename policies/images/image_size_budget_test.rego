package portcullis.rules.image_size_budget_test

import rego.v1

import data.portcullis.lib.image_test_inputs as inputs
import data.portcullis.lib.test_inputs
import data.portcullis.rules.image_size_budget

test_image_over_the_budget_is_warned if {
	findings := image_size_budget.warn with input as inputs.with_facts(inputs.compose, inputs.compose_facts)
	findings == {{
		"msg": "Image \"my.registry.local/legacy/app:0.9\" (services.legacy.image) is 2416 MB compressed, over the budget of 1074 MB: use a slimmer variant, or build it in stages so that build tools stay out of it.",
		"line": 12,
	}}
}

# Any reference the registry was asked about, a Dockerfile's build sources too.
test_dockerfile_mount_source_is_judged if {
	lines := test_inputs.lines(image_size_budget.warn) with input as inputs.with_facts(inputs.dockerfile, inputs.dockerfile_facts)
	lines == {3}
}

test_budget_is_configurable if {
	findings := image_size_budget.warn with input as inputs.with_facts(inputs.workflow, inputs.workflow_facts)
		with data.portcullis.config.image_size_budget_bytes as 150000000
	test_inputs.lines(findings) == {14, 17}
	test_inputs.at(findings, 17) == {{
		"msg": "Image \"postgres:16\" (jobs.test.services.postgres.image) is 152 MB compressed, over the budget of 150 MB: use a slimmer variant, or build it in stages so that build tools stay out of it.",
		"line": 17,
	}}
}

# Exactly the budget is allowed.
test_budget_is_inclusive if {
	facts := {12: inputs.found({"size": 1073741824})}
	count(image_size_budget.warn) == 0 with input as inputs.with_facts(inputs.compose, facts)
}

test_nothing_without_registry_facts_or_configuration if {
	count(image_size_budget.warn) == 0 with input as inputs.compose
	count(image_size_budget.warn) == 0 with input as inputs.with_facts(inputs.compose, inputs.compose_facts)
		with data.portcullis.config as {}
	count(image_size_budget.warn) == 0 with input as inputs.with_facts(inputs.compose, {12: inputs.found({"size": null})})
}
