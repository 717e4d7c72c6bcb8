package portcullis.rules.image_too_old_test

import rego.v1

import data.portcullis.lib.image_test_inputs as inputs
import data.portcullis.lib.test_inputs
import data.portcullis.rules.image_too_old

test_image_older_than_the_limit_is_warned if {
	findings := image_too_old.warn with input as inputs.with_facts(inputs.kubernetes, inputs.kubernetes_facts)
	findings == {{
		"msg": "Image \"quay.io/prometheus/node-exporter:latest\" (spec.template.spec.containers[3].image) was built 425 days ago (2023-04-27), more than the 365 days allowed: move to a maintained tag, or rebuild it.",
		"line": 24,
	}}
}

test_every_kind_is_judged if {
	compose := test_inputs.lines(image_too_old.warn) with input as inputs.with_facts(inputs.compose, inputs.compose_facts)
	compose == {12}
	workflow := test_inputs.lines(image_too_old.warn) with input as inputs.with_facts(inputs.workflow, inputs.workflow_facts)
	workflow == {36}
}

# FROM lines too (alpine, line 7); distroless (line 8) says 1970-01-01, which is no age.
test_dockerfile_from_lines_are_judged_and_reproducible_build_times_ignored if {
	findings := image_too_old.warn with input as inputs.with_facts(inputs.dockerfile, inputs.dockerfile_facts)
	findings == {{
		"msg": "Image \"alpine\" (FROM) was built 533 days ago (2023-01-09), more than the 365 days allowed: move to a maintained tag, or rebuild it.",
		"line": 7,
	}}
}

test_limit_is_configurable if {
	lines := test_inputs.lines(image_too_old.warn) with input as inputs.with_facts(inputs.helm, inputs.helm_facts)
		with data.portcullis.config.max_image_age_days as 180
	lines == {23, 30}
	count(image_too_old.warn) == 0 with input as inputs.with_facts(inputs.helm, inputs.helm_facts)
}

# Exactly the limit is allowed.
test_limit_is_inclusive if {
	facts := {24: inputs.found({"age_days": 365})}
	count(image_too_old.warn) == 0 with input as inputs.with_facts(inputs.kubernetes, facts)
}

test_unknown_creation_time if {
	facts := {24: inputs.found({"age_days": 800, "created": null})}
	findings := image_too_old.warn with input as inputs.with_facts(inputs.kubernetes, facts)
	findings == {{
		"msg": "Image \"quay.io/prometheus/node-exporter:latest\" (spec.template.spec.containers[3].image) was built 800 days ago, more than the 365 days allowed: move to a maintained tag, or rebuild it.",
		"line": 24,
	}}
	count(image_too_old.warn) == 0 with input as inputs.with_facts(inputs.kubernetes, {24: inputs.found({"age_days": null, "created": null})})
}

test_nothing_without_registry_facts_or_configuration if {
	count(image_too_old.warn) == 0 with input as inputs.kubernetes
	count(image_too_old.warn) == 0 with input as inputs.with_facts(inputs.kubernetes, inputs.kubernetes_facts)
		with data.portcullis.config as {}
}
