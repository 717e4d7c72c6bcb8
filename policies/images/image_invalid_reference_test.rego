package portcullis.rules.image_invalid_reference_test

import rego.v1

import data.portcullis.lib.image_test_inputs as inputs
import data.portcullis.lib.test_inputs
import data.portcullis.rules.image_invalid_reference

test_invalid_reference_is_denied_with_the_reason if {
	findings := image_invalid_reference.deny with input as inputs.kubernetes
	findings == {{
		"msg": "Image \"Nginx:1.25\" (spec.template.spec.containers[5].image) is not a valid image reference: repository names must be lower-case.",
		"line": 28,
	}}
}

# YAML numbers where a string belongs: the extractors explain what went wrong.
test_numbers_in_helm_values_and_kustomizations_are_denied if {
	helm := image_invalid_reference.deny with input as inputs.helm
	helm == {{
		"msg": "Image \"redis:7.10\" (redis.image) is not a valid image reference: redis.image.tag is the number 7.10 in YAML, which Helm renders as 7.1: quote it.",
		"line": 39,
	}}
	kustomize := image_invalid_reference.deny with input as inputs.kustomize
	kustomize == {{
		"msg": "Image \"nginx:1.25\" (images[5]) is not a valid image reference: images[5].newTag is the number 1.25 in YAML, not a string.",
		"line": 22,
	}}
}

# No Dockerfile rule judges an invalid FROM, so this one does. `COPY --from=Builder` is
# PC-DF-013's (a bare word: most likely a stage name).
test_dockerfile_from_and_copy_sources_are_judged if {
	findings := image_invalid_reference.deny with input as inputs.dockerfile_problems
	findings == {
		{
			"msg": "Image \"Alpine:3.20\" (FROM) is not a valid image reference: repository names must be lower-case.",
			"line": 3,
		},
		{
			"msg": "Image \"ghcr.io/acme/Tools:1.0\" (COPY --from) is not a valid image reference: repository names must be lower-case.",
			"line": 5,
		},
	}
}

test_valid_and_unresolvable_references_pass if {
	count(image_invalid_reference.deny) == 0 with input as inputs.compose
	count(image_invalid_reference.deny) == 0 with input as inputs.workflow
	count(image_invalid_reference.deny) == 0 with input as inputs.dockerfile
}

test_lines if {
	lines := test_inputs.lines(image_invalid_reference.deny) with input as inputs.dockerfile_problems
	lines == {3, 5}
}
