package portcullis.rules.image_provenance_test

import rego.v1

import data.portcullis.lib.image_test_inputs as inputs
import data.portcullis.rules.image_provenance

hosted := "https://github.com/actions/runner/github-hosted"

required := {"builders": ["https://github.com/actions/runner/*"], "source_repositories": ["https://github.com/acme/*"]}

policy(provenance) := {"matched": true, "pattern": "ghcr.io/acme/**", "signers": [], "unmatched": "info", "provenance": provenance, "require_sbom": false, "require_tlog": false}

provenance(overrides) := object.union(
	{
		"predicate_type": "https://slsa.dev/provenance/v1", "format": "dsse", "verified": true,
		"signer": "sha256:5d82a331e6dc548535a1acfe4411c26d713fd02127ce216da3746d503e0a8117", "issuer": null, "reason": null,
		"builder_id": hosted, "source_repository": "https://github.com/acme/web", "source_ref": "refs/tags/v1",
		"build_type": "https://actions.github.io/buildtypes/workflow/v1", "materials": [],
	},
	overrides,
)

# Line 19 (`ghcr.io/acme/shop-web:2.3.1`) covered by a policy asking for provenance.
kubernetes(requirement, attestations) := inputs.with_facts(inputs.kubernetes, object.union(
	inputs.kubernetes_facts,
	{19: object.union(inputs.kubernetes_facts[19], {"trust_policy": policy(requirement), "signatures": [], "attestations": attestations})},
))

label := "Image \"ghcr.io/acme/shop-web:2.3.1\" (spec.template.spec.containers[0].image) has no SLSA provenance from a trusted builder (https://github.com/actions/runner/*): "

test_provenance_from_a_trusted_builder_passes if {
	count(image_provenance.deny) == 0 with input as kubernetes(required, [provenance({})])
	count(image_provenance.deny) == 0 with input as kubernetes(required, [provenance({"builder_id": "https://evil.example/builder"}), provenance({"predicate_type": "https://slsa.dev/provenance/v0.2"})])
	count(image_provenance.deny) == 0 with input as kubernetes(object.union(required, {"source_repositories": []}), [provenance({"source_repository": null})])
}

test_another_builder_fails if {
	findings := image_provenance.deny with input as kubernetes(required, [provenance({"builder_id": "https://evil.example/builder"})])
	findings == {{"msg": concat("", [label, "one built by https://evil.example/builder, not a trusted builder."]), "line": 19}}
}

test_another_source_repository_fails if {
	findings := image_provenance.deny with input as kubernetes(required, [provenance({"source_repository": "https://github.com/mallory/web"})])
	findings == {{"msg": concat("", [label, "one built from https://github.com/mallory/web, not a trusted source repository (https://github.com/acme/*)."]), "line": 19}}
}

test_unverified_or_missing_provenance_fails if {
	unverified := provenance({"verified": false, "reason": {"code": "wrong_signer", "message": "another key"}})
	findings := image_provenance.deny with input as kubernetes(required, [unverified])
	findings == {{"msg": concat("", [label, "an attestation that does not count (wrong_signer: another key)."]), "line": 19}}
	sbom := provenance({"predicate_type": "https://spdx.dev/Document"})
	{f.msg | some f in image_provenance.deny} == {concat("", [label, "it has no provenance attestation."])} with input as kubernetes(required, [sbom])
}

test_off_unless_required if {
	count(image_provenance.deny) == 0 with input as kubernetes(null, [])
	count(image_provenance.deny) == 0 with input as inputs.with_facts(inputs.kubernetes, inputs.kubernetes_facts)
	count(image_provenance.deny) == 0 with input as inputs.kubernetes
}
