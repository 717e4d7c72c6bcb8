package portcullis.rules.image_lookup_failed_test

import rego.v1

import data.portcullis.lib.image_test_inputs as inputs
import data.portcullis.lib.test_inputs
import data.portcullis.rules.image_lookup_failed

test_unreachable_registry_is_warned if {
	findings := image_lookup_failed.warn with input as inputs.with_facts(inputs.kubernetes, inputs.kubernetes_facts)
	findings == {{
		"msg": "Image \"registry.example.com:5000/shop/migrate:1.4\" (spec.template.spec.initContainers[0].image) could not be looked up (unreachable): Could not reach the registry registry.example.com:5000 at https://registry.example.com:5000 (ECONNREFUSED, 3 attempts): check the host name and port. The rules that need its registry facts could not judge it.",
		"line": 16,
	}}
}

# Line 12 is refused without credentials; line 10 does not exist, which is PC-IMG-009's.
test_not_found_is_left_to_pc_img_009 if {
	findings := image_lookup_failed.warn with input as inputs.with_facts(inputs.kustomize, inputs.kustomize_facts)
	findings == {{
		"msg": "Image \"registry.acme.internal/mirror/postgres:16.1\" (images[1]) could not be looked up (unauthorized): Registry registry.acme.internal answered 401 (UNAUTHORIZED: authentication required) for mirror/postgres:16.1: add credentials for registry.acme.internal (PORTCULLIS_REGISTRY_AUTH). The rules that need its registry facts could not judge it.",
		"line": 12,
	}}
}

test_dockerfile_from_lines_are_judged if {
	facts := object.union(inputs.dockerfile_facts, {2: inputs.failed("timeout", "The registry docker.io did not answer within 10000 ms (3 attempts, https://registry-1.docker.io)")})
	lines := test_inputs.lines(image_lookup_failed.warn) with input as inputs.with_facts(inputs.dockerfile, facts)
	lines == {2}
}

# Line 6, `COPY --from=buildr`, failed too: PC-DF-013 reports it as a misspelt stage.
test_bare_words_are_left_to_pc_df_013 if {
	count(image_lookup_failed.warn) == 0 with input as inputs.with_facts(inputs.dockerfile, inputs.dockerfile_facts)
}

test_successful_look_ups_and_offline_runs_pass if {
	count(image_lookup_failed.warn) == 0 with input as inputs.with_facts(inputs.compose, inputs.compose_facts)
	count(image_lookup_failed.warn) == 0 with input as inputs.compose
}
