package portcullis.rules.image_root_user_test

import rego.v1

import data.portcullis.lib.image_test_inputs as inputs
import data.portcullis.lib.test_inputs
import data.portcullis.rules.image_root_user

# nginx and redis set no User (root); shop-web runs as 65532:65532, node-exporter as
# nobody; line 16's look-up failed, so its user is unknown.
test_images_that_run_as_root_are_warned if {
	findings := image_root_user.warn with input as inputs.with_facts(inputs.kubernetes, inputs.kubernetes_facts)
	test_inputs.at(findings, 21) == {{
		"msg": "Image \"nginx\" (spec.template.spec.containers[1].image) runs as root (its configuration sets no user): use a variant that runs as an unprivileged user, or set a non-root user where it is deployed.",
		"line": 21,
	}}
	test_inputs.lines(findings) == {21, 22, 26}
}

test_explicit_root_user_is_named if {
	findings := image_root_user.warn with input as inputs.with_facts(inputs.compose, inputs.compose_facts)
	test_inputs.at(findings, 12) == {{
		"msg": "Image \"my.registry.local/legacy/app:0.9\" (services.legacy.image) runs as root (its configuration sets User \"root\"): use a variant that runs as an unprivileged user, or set a non-root user where it is deployed.",
		"line": 12,
	}}
	test_inputs.lines(findings) == {6, 8, 12}
}

test_helm_and_kustomize_references_are_judged if {
	helm := test_inputs.lines(image_root_user.warn) with input as inputs.with_facts(inputs.helm, inputs.helm_facts)
	helm == {34, 44}
	kustomize := test_inputs.lines(image_root_user.warn) with input as inputs.with_facts(inputs.kustomize, inputs.kustomize_facts)
	kustomize == {15, 17}
}

# "0", "0:0", "root:root" are root; "1000", "nobody", "65532:0" and an unknown user are not.
test_root_user_spellings if {
	facts := {
		16: inputs.found({"user": "0"}),
		19: inputs.found({"user": "0:0"}),
		21: inputs.found({"user": "root:root"}),
		22: inputs.found({"user": "1000"}),
		24: inputs.found({"user": "65532:0"}),
		26: inputs.found({"user": null}),
	}
	lines := test_inputs.lines(image_root_user.warn) with input as inputs.with_facts(inputs.kubernetes, facts)
	lines == {16, 19, 21}
}

test_nothing_without_registry_facts if {
	count(image_root_user.warn) == 0 with input as inputs.kubernetes
}

# GitHub runs Docker actions and job containers as root by design.
test_workflows_are_left_alone if {
	count(image_root_user.warn) == 0 with input as inputs.with_facts(inputs.workflow, inputs.workflow_facts)
}

# Build stages (python, alpine) and COPY --from sources never run; the final stage's
# distroless image runs as 65532.
test_dockerfile_build_stages_and_copy_sources_are_left_alone if {
	count(image_root_user.warn) == 0 with input as inputs.with_facts(inputs.dockerfile, inputs.dockerfile_facts)
}

# PC-DF-002 trusts a `nonroot` tag; the registry may know better.
test_dockerfile_nonroot_tag_that_is_root_is_warned if {
	facts := object.union(inputs.dockerfile_facts, {8: inputs.found({"user": "0"})})
	findings := image_root_user.warn with input as inputs.with_facts(inputs.dockerfile, facts)
	findings == {{
		"msg": "Stage #3 builds on \"gcr.io/distroless/static-debian12:nonroot\", whose tag says nonroot but whose configuration sets User \"0\", and no stage sets a USER: the container runs as root. Add a USER instruction with a non-root user (for example USER 65532:65532).",
		"line": 8,
	}}
}

test_dockerfile_user_instruction_wins if {
	facts := object.union(inputs.dockerfile_facts, {8: inputs.found({"user": "0"})})
	doc := json.patch(inputs.with_facts(inputs.dockerfile, facts), [{"op": "add", "path": "/dockerfile/stages/3/instructions/-", "value": {
		"keyword": "USER", "line": 10, "end_line": 10, "flags": [], "arguments": ["65532"], "value": "65532", "form": null,
		"properties": [], "heredocs": [], "commands": [], "source": "USER 65532",
	}}])
	count(image_root_user.warn) == 0 with input as doc
}
