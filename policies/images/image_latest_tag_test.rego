package portcullis.rules.image_latest_tag_test

import rego.v1

import data.portcullis.lib.image_test_inputs as inputs
import data.portcullis.lib.test_inputs
import data.portcullis.rules.image_latest_tag

test_untagged_and_latest_images_are_denied if {
	findings := image_latest_tag.deny with input as inputs.kubernetes
	findings == {
		{
			"msg": "Image \"nginx\" (spec.template.spec.containers[1].image) has no tag and means the moving latest, so it can change from one run to the next: name an explicit version tag.",
			"line": 21,
		},
		{
			"msg": "Image \"redis\" (spec.template.spec.containers[2].image) has no tag and means the moving latest, so it can change from one run to the next: name an explicit version tag.",
			"line": 22,
		},
		{
			"msg": "Image \"quay.io/prometheus/node-exporter:latest\" (spec.template.spec.containers[3].image) is tagged latest, so it can change from one run to the next: name an explicit version tag.",
			"line": 24,
		},
	}
}

test_compose_latest_is_denied if {
	lines := test_inputs.lines(image_latest_tag.deny) with input as inputs.compose
	lines == {8}
}

# Digest-only references (`redis@sha256:…`) are pinned; template expressions and
# composed references without a tag are PC-IMG-005's, invalid ones PC-IMG-004's.
test_pinned_unresolvable_and_invalid_references_pass if {
	count(image_latest_tag.deny) == 0 with input as inputs.kustomize
	count(image_latest_tag.deny) == 0 with input as inputs.helm
	count(image_latest_tag.deny) == 0 with input as inputs.workflow
}

# `FROM alpine` is PC-DF-001's, `COPY --from=buildr` PC-DF-013's.
test_dockerfile_from_lines_and_bare_words_are_left_to_the_dockerfile_rules if {
	count(image_latest_tag.deny) == 0 with input as inputs.dockerfile
}

test_registry_facts_change_nothing if {
	findings := image_latest_tag.deny with input as inputs.kubernetes
	with_facts := image_latest_tag.deny with input as inputs.with_facts(inputs.kubernetes, inputs.kubernetes_facts)
	with_facts == findings
}
