package portcullis.rules.image_trust_policy_test

import rego.v1

import data.portcullis.lib.image_test_inputs as inputs
import data.portcullis.lib.test_inputs
import data.portcullis.rules.image_trust_policy

covered := {"matched": true, "pattern": "ghcr.io/acme/**", "signers": [{"key": "sha256:5d82a331e6dc548535a1acfe4411c26d713fd02127ce216da3746d503e0a8117", "issuer": null, "subject": null}], "unmatched": "info"}

# Compose facts, line 3 (`ghcr.io/acme/shop-web`) covered by a policy, the others not.
compose(level) := inputs.with_facts(inputs.compose, object.union(
	{line: object.union(facts, {"trust_policy": {"matched": false, "pattern": null, "signers": [], "unmatched": level}, "signatures": null}) | some line, facts in inputs.compose_facts},
	{3: object.union(inputs.compose_facts[3], {"trust_policy": object.union(covered, {"unmatched": level}), "signatures": []})},
))

test_uncovered_images_are_info_by_default if {
	findings := image_trust_policy.info with input as compose("info")
	test_inputs.lines(findings) == {6, 8, 12}
	test_inputs.at(findings, 8) == {{
		"msg": "Image \"redis:latest\" (services.cache.image) is covered by no trust policy, so nobody checks who signed it: add a trust policy for docker.io/library/redis.",
		"line": 8,
	}}
	count(image_trust_policy.warn) == 0 with input as compose("info")
	count(image_trust_policy.deny) == 0 with input as compose("info")
}

test_the_level_is_configurable if {
	test_inputs.lines(image_trust_policy.warn) == {6, 8, 12} with input as compose("warn")
	test_inputs.lines(image_trust_policy.deny) == {6, 8, 12} with input as compose("deny")
	count(image_trust_policy.info) == 0 with input as compose("deny")
}

test_ignore_says_nothing if {
	count(((image_trust_policy.info | image_trust_policy.warn) | image_trust_policy.deny)) == 0 with input as compose("ignore")
}

# Without a trust policy configured, the facts have no trust_policy at all.
test_without_trust_policies_nothing_is_reported if {
	count(image_trust_policy.info) == 0 with input as inputs.with_facts(inputs.compose, inputs.compose_facts)
	count(image_trust_policy.info) == 0 with input as inputs.compose
}
