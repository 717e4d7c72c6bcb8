package portcullis.rules.image_unpinned_digest_test

import rego.v1

import data.portcullis.lib.image_test_inputs as inputs
import data.portcullis.lib.test_inputs
import data.portcullis.rules.image_unpinned_digest

# Offline (no registry facts): a warning with a placeholder, and no fix.
test_references_without_a_digest_are_warned if {
	findings := image_unpinned_digest.warn with input as inputs.compose
	findings == {
		{
			"msg": "Image \"ghcr.io/acme/shop-web:2.3.1\" (services.web.image) has no digest, so the image can change between runs: pin it as ghcr.io/acme/shop-web:2.3.1@sha256:<digest>.",
			"line": 3,
		},
		{
			"msg": "Image \"redis:latest\" (services.cache.image) has no digest, so the image can change between runs: pin it as redis:latest@sha256:<digest>.",
			"line": 8,
		},
		{
			"msg": "Image \"my.registry.local/legacy/app:0.9\" (services.legacy.image) has no digest, so the image can change between runs: pin it as my.registry.local/legacy/app:0.9@sha256:<digest>.",
			"line": 12,
		},
	}
}

test_every_kind_is_judged if {
	lines_k8s := test_inputs.lines(image_unpinned_digest.warn) with input as inputs.kubernetes
	lines_k8s == {16, 19, 21, 22, 24}
	lines_workflow := test_inputs.lines(image_unpinned_digest.warn) with input as inputs.workflow
	lines_workflow == {14, 17, 24, 36}
	lines_helm := test_inputs.lines(image_unpinned_digest.warn) with input as inputs.helm
	lines_helm == {23, 30, 34, 44}
	lines_kustomize := test_inputs.lines(image_unpinned_digest.warn) with input as inputs.kustomize
	lines_kustomize == {10, 12}
}

# FROM lines are PC-DF-003's; `COPY --from=buildr` is PC-DF-013's.
test_dockerfile_copy_and_mount_sources_only if {
	lines := test_inputs.lines(image_unpinned_digest.warn) with input as inputs.dockerfile
	lines == {3, 5}
}

test_no_fix_offline if {
	fixes := test_inputs.fixes(image_unpinned_digest.warn) with input as inputs.kubernetes
	count(fixes) == 0
}

# With the registry's digest: quoted values keep their quotes, a comment after the value
# stays, and a tag is kept.
test_known_digest_is_offered_as_a_fix if {
	findings := image_unpinned_digest.warn with input as inputs.with_facts(inputs.kubernetes, inputs.kubernetes_facts)
	test_inputs.at(findings, 19) == {{
		"msg": "Image \"ghcr.io/acme/shop-web:2.3.1\" (spec.template.spec.containers[0].image) has no digest, so the image can change between runs: pin it as ghcr.io/acme/shop-web:2.3.1@sha256:3e1c5a7b9d2f4e6a8c0b1d3f5a7c9e2b4d6f8a0c1e3b5d7f9a2c4e6b8d0f1a3c.",
		"line": 19,
		"fix": {
			"line": 19,
			"end_line": 19,
			"replacement": "          image: \"ghcr.io/acme/shop-web:2.3.1@sha256:3e1c5a7b9d2f4e6a8c0b1d3f5a7c9e2b4d6f8a0c1e3b5d7f9a2c4e6b8d0f1a3c\"",
			"description": "Pin the current digest",
		},
	}}
	fixes := test_inputs.fixes(findings)
	fixes == {
		{"line": 19, "end_line": 19, "replacement": "          image: \"ghcr.io/acme/shop-web:2.3.1@sha256:3e1c5a7b9d2f4e6a8c0b1d3f5a7c9e2b4d6f8a0c1e3b5d7f9a2c4e6b8d0f1a3c\"", "description": "Pin the current digest"},
		{"line": 21, "end_line": 21, "replacement": "          image: nginx@sha256:56b388b0d79c738f4cf51bbaf184a14fab19337f4819ceb2cae7d94100262de8 # nginx:latest, in effect", "description": "Pin the current digest"},
		{"line": 24, "end_line": 24, "replacement": "          image: quay.io/prometheus/node-exporter:latest@sha256:8f2a4c6e0b1d3f5a7c9e2b4d6f8a0c1e3b5d7f9a2c4e6b8d0f1a3c5e7b9d2f4a", "description": "Pin the current digest"},
	}
}

# Line 16's look-up failed: no digest to offer. Line 22 (`{ name: redis, image: redis }`)
# names `redis` twice: which one to pin is not certain.
test_no_fix_without_a_digest_or_a_single_place_to_put_it if {
	findings := image_unpinned_digest.warn with input as inputs.with_facts(inputs.kubernetes, inputs.kubernetes_facts)
	test_inputs.at(findings, 16) == {{
		"msg": "Image \"registry.example.com:5000/shop/migrate:1.4\" (spec.template.spec.initContainers[0].image) has no digest, so the image can change between runs: pin it as registry.example.com:5000/shop/migrate:1.4@sha256:<digest>.",
		"line": 16,
	}}
	test_inputs.at(findings, 22) == {{
		"msg": "Image \"redis\" (spec.template.spec.containers[2].image) has no digest, so the image can change between runs: pin it as redis@sha256:0ee34b7b4d3b0b1b2f3e6a2f7d1c5e9a4b8c2d6f0a3e7b1c5d9f2a6e0b4c8d1f.",
		"line": 22,
	}}
}

test_workflow_docker_uses_keeps_its_scheme if {
	findings := image_unpinned_digest.warn with input as inputs.with_facts(inputs.workflow, inputs.workflow_facts)
	fixes := test_inputs.fixes(test_inputs.at(findings, 36))
	fixes == {{"line": 36, "end_line": 36, "replacement": "        uses: docker://hadolint/hadolint:v2.12.0-debian@sha256:27086352fd5e1907ea2b934eb1023f217c5ae087992eb59fde121dce9c9ff21e", "description": "Pin the current digest"}}
	count(test_inputs.fixes(findings)) == 4
}

# Helm and Kustomize references composed from several keys are not written on one line:
# the message names the digest, but there is no line to rewrite.
test_composed_references_get_no_fix if {
	helm := image_unpinned_digest.warn with input as inputs.with_facts(inputs.helm, inputs.helm_facts)
	{f.line | some f in test_inputs.fixes(helm)} == {30, 44}
	test_inputs.fixes(test_inputs.at(helm, 30)) == {{"line": 30, "end_line": 30, "replacement": "    image: \"quay.io/prometheus/node-exporter:v1.7.0@sha256:4cb2b9019f1757be8482419002cb7afe028fdba35d47958829e4cfeaf6246d80\"", "description": "Pin the current digest"}}
	kustomize := image_unpinned_digest.warn with input as inputs.with_facts(inputs.kustomize, inputs.kustomize_facts)
	count(test_inputs.fixes(kustomize)) == 0
}

test_dockerfile_copy_and_mount_sources_are_pinned_in_place if {
	findings := image_unpinned_digest.warn with input as inputs.with_facts(inputs.dockerfile, inputs.dockerfile_facts)
	fixes := test_inputs.fixes(findings)
	fixes == {
		{"line": 3, "end_line": 3, "replacement": "RUN --mount=type=cache,target=/root/.cache/pip,from=ghcr.io/acme/wheels:2024.05@sha256:77aa55cc33ee11ff99dd77bb55993311ffddbb9977553311eeccaa8866442200 pip install -r requirements.txt", "description": "Pin the current digest"},
		{"line": 5, "end_line": 5, "replacement": "COPY --from=node:20-alpine@sha256:df01469346db2bf1cfc1f7261aeab86b2960efa840fe2bd46d83ff339f463665 /usr/local/bin/node /usr/local/bin/node", "description": "Pin the current digest"},
	}
}

# A digest that does not look like one is never written into a file.
test_malformed_digest_is_not_offered if {
	facts := {24: inputs.found({"digest": "sha256:not-a-digest"})}
	findings := image_unpinned_digest.warn with input as inputs.with_facts(inputs.kubernetes, facts)
	count(test_inputs.fixes(findings)) == 0
}

test_pinned_references_pass if {
	count(image_unpinned_digest.warn) == 0 with input as json.patch(inputs.kustomize, [{"op": "remove", "path": "/references/0"}, {"op": "remove", "path": "/references/0"}])
}
