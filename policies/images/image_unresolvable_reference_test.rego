package portcullis.rules.image_unresolvable_reference_test

import rego.v1

import data.portcullis.lib.image_test_inputs as inputs
import data.portcullis.lib.test_inputs
import data.portcullis.rules.image_unresolvable_reference

test_workflow_expressions_are_reported if {
	findings := image_unresolvable_reference.info with input as inputs.workflow
	findings == {
		{
			"msg": "Image \"${{ matrix.image }}\" (jobs.integration.container.image) cannot be checked: \"${{ matrix.image }}\" uses the GitHub Actions expression ${{ matrix.image }}, known only when the workflow runs.",
			"line": 48,
		},
		{
			"msg": "Image \"ghcr.io/${{ github.repository_owner }}/registry-mirror:2\" (jobs.integration.services.registry.image) cannot be checked: \"ghcr.io/${{ github.repository_owner }}/registry-mirror:2\" uses the GitHub Actions expression ${{ github.repository_owner }}, known only when the workflow runs.",
			"line": 55,
		},
	}
}

# Helm: a tag left to the chart, and a template expression.
test_helm_values_left_to_the_chart_are_reported if {
	findings := image_unresolvable_reference.info with input as inputs.helm
	findings == {
		{
			"msg": "Image \"ghcr.io/acme/shop-web\" (image) cannot be checked: image sets no tag: the chart's templates choose it, often from the chart's appVersion.",
			"line": 5,
		},
		{
			"msg": "Image \"{{ .Values.global.registry }}/custom:1.0\" (sidecars[1].image) cannot be checked: \"{{ .Values.global.registry }}/custom:1.0\" uses the template expression {{ .Values.global.registry }}, known only when the template is rendered.",
			"line": 46,
		},
	}
}

test_variables_are_reported_in_every_kind if {
	lines_k8s := test_inputs.lines(image_unresolvable_reference.info) with input as inputs.kubernetes
	lines_k8s == {30}
	lines_compose := test_inputs.lines(image_unresolvable_reference.info) with input as inputs.compose
	lines_compose == {10}
	lines_kustomize := test_inputs.lines(image_unresolvable_reference.info) with input as inputs.kustomize
	lines_kustomize == {20}
}

# An ARG without a default in FROM: no Dockerfile rule reports it.
test_dockerfile_from_without_a_value_is_reported if {
	findings := image_unresolvable_reference.info with input as inputs.dockerfile_problems
	findings == {{
		"msg": "Image \"${BASE_IMAGE}\" (FROM) cannot be checked: the base image \"${BASE_IMAGE}\" uses $BASE_IMAGE without a default value.",
		"line": 2,
	}}
}

# `FROM python:${PY}-slim` has a default for PY: resolved, nothing to report.
test_resolved_references_pass if {
	count(image_unresolvable_reference.info) == 0 with input as inputs.dockerfile
}
