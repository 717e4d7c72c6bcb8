package portcullis.rules.image_sbom_test

import rego.v1

import data.portcullis.lib.image_test_inputs as inputs
import data.portcullis.rules.image_sbom

policy(required) := {"matched": true, "pattern": "ghcr.io/acme/**", "signers": [], "unmatched": "info", "provenance": null, "require_sbom": required, "require_tlog": false}

attestation(type, overrides) := object.union(
	{
		"predicate_type": type, "format": "bundle", "verified": true, "signer": "sha256:5d82", "issuer": null, "reason": null,
		"builder_id": null, "source_repository": null, "source_ref": null, "build_type": null, "materials": [],
	},
	overrides,
)

kubernetes(required, attestations) := inputs.with_facts(inputs.kubernetes, object.union(
	inputs.kubernetes_facts,
	{19: object.union(inputs.kubernetes_facts[19], {"trust_policy": policy(required), "signatures": [], "attestations": attestations})},
))

label := "Image \"ghcr.io/acme/shop-web:2.3.1\" (spec.template.spec.containers[0].image) has no SBOM attestation (SPDX or CycloneDX) from a signer its trust policy (ghcr.io/acme/**) accepts: "

test_spdx_or_cyclonedx_passes if {
	count(image_sbom.deny) == 0 with input as kubernetes(true, [attestation("https://spdx.dev/Document", {})])
	count(image_sbom.deny) == 0 with input as kubernetes(true, [attestation("https://cyclonedx.org/bom/v1.5", {})])
}

test_missing_or_unverified_sbom_fails if {
	{f.msg | some f in image_sbom.deny} == {concat("", [label, "it has none."])} with input as kubernetes(true, [attestation("https://slsa.dev/provenance/v1", {})])
	unverified := attestation("https://spdx.dev/Document", {"verified": false, "reason": {"code": "digest_mismatch", "message": "about another image"}})
	{f.msg | some f in image_sbom.deny} == {concat("", [label, "digest_mismatch: about another image."])} with input as kubernetes(true, [unverified])
}

test_off_unless_required if {
	count(image_sbom.deny) == 0 with input as kubernetes(false, [])
	count(image_sbom.deny) == 0 with input as inputs.with_facts(inputs.kubernetes, inputs.kubernetes_facts)
}
