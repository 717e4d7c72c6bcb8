package portcullis.rules.image_untrusted_registry_test

import rego.v1

import data.portcullis.lib.image_test_inputs as inputs
import data.portcullis.lib.test_inputs
import data.portcullis.rules.image_untrusted_registry

trusted := ["docker.io", "ghcr.io", "quay.io", "*.acme.internal"]

test_image_from_an_unlisted_registry_is_denied if {
	findings := image_untrusted_registry.deny with input as inputs.kubernetes with data.portcullis.config.trusted_registries as trusted
	findings == {{
		"msg": "Image \"registry.example.com:5000/shop/migrate:1.4\" (spec.template.spec.initContainers[0].image) comes from registry.example.com:5000, which is not a trusted registry (docker.io, ghcr.io, quay.io, *.acme.internal): use an image from a trusted registry, or have registry.example.com:5000 added to the trusted registries.",
		"line": 16,
	}}
}

test_default_configuration_trusts_the_big_public_registries_only if {
	lines_compose := test_inputs.lines(image_untrusted_registry.deny) with input as inputs.compose
	lines_compose == {12}
	lines_kustomize := test_inputs.lines(image_untrusted_registry.deny) with input as inputs.kustomize
	lines_kustomize == {12}
	count(image_untrusted_registry.deny) == 0 with input as inputs.workflow
	count(image_untrusted_registry.deny) == 0 with input as inputs.helm
}

# `*.acme.internal` trusts registry.acme.internal (Kustomize's newName).
test_wildcard_entries_trust_subdomains if {
	count(image_untrusted_registry.deny) == 0 with input as inputs.kustomize with data.portcullis.config.trusted_registries as trusted
}

# registry.k8s.io is not in the list: Helm's composed references are judged too.
test_composed_helm_references_are_judged if {
	lines := test_inputs.lines(image_untrusted_registry.deny) with input as inputs.helm with data.portcullis.config.trusted_registries as trusted
	lines == {15, 23}
}

# FROM lines (gcr.io/distroless on line 8) are PC-DF-014's; COPY --from and RUN --mount
# sources are judged here (ghcr.io on line 3).
test_dockerfile_from_lines_are_left_to_pc_df_014 if {
	count(image_untrusted_registry.deny) == 0 with input as inputs.dockerfile with data.portcullis.config.trusted_registries as ["docker.io", "ghcr.io"]
	lines := test_inputs.lines(image_untrusted_registry.deny) with input as inputs.dockerfile with data.portcullis.config.trusted_registries as ["docker.io"]
	lines == {3}
}

test_nothing_is_denied_without_configuration if {
	count(image_untrusted_registry.deny) == 0 with input as inputs.compose with data.portcullis.config as {}
}
