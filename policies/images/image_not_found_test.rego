package portcullis.rules.image_not_found_test

import rego.v1

import data.portcullis.lib.image_test_inputs as inputs
import data.portcullis.lib.test_inputs
import data.portcullis.rules.image_not_found

test_missing_image_is_denied if {
	findings := image_not_found.deny with input as inputs.with_facts(inputs.kustomize, inputs.kustomize_facts)
	findings == {{
		"msg": "Image \"ghcr.io/acme/shop-web:v2.4.0\" (images[0]) does not exist: Registry ghcr.io answered 404 (MANIFEST_UNKNOWN: manifest unknown) for acme/shop-web:v2.4.0: check the repository name, tag or digest.",
		"line": 10,
	}}
}

# Other failures (line 16: unreachable) are PC-IMG-010's.
test_other_failures_are_not_denied if {
	count(image_not_found.deny) == 0 with input as inputs.with_facts(inputs.kubernetes, inputs.kubernetes_facts)
}

test_dockerfile_from_lines_are_judged if {
	facts := object.union(inputs.dockerfile_facts, {4: inputs.failed("not_found", "Registry docker.io answered 404 (MANIFEST_UNKNOWN: manifest unknown) for library/node:20-alpine: check the repository name, tag or digest")})
	lines := test_inputs.lines(image_not_found.deny) with input as inputs.with_facts(inputs.dockerfile, facts)
	lines == {4}
}

# `COPY --from=buildr` is most likely a misspelt stage, which PC-DF-013 reports.
test_bare_words_are_left_to_pc_df_013 if {
	facts := object.union(inputs.dockerfile_facts, {6: inputs.failed("not_found", "Registry docker.io answered 404 (NAME_UNKNOWN: repository name not known to registry) for library/buildr:latest: check the repository name, tag or digest")})
	count(image_not_found.deny) == 0 with input as inputs.with_facts(inputs.dockerfile, facts)
}

test_nothing_without_registry_facts if {
	count(image_not_found.deny) == 0 with input as inputs.kustomize
}
