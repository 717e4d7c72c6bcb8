# METADATA
# title: Image without an SBOM attestation
# description: >-
#   When the trust policy that covers an image sets `require_sbom: true`, the image must
#   carry an SPDX (`https://spdx.dev/Document…`) or CycloneDX (`https://cyclonedx.org/bom…`)
#   attestation (`cosign attest --type spdxjson|cyclonedx`), signed by one of the policy's
#   signers, about the very digest it resolves to. Portcullis verifies the attestations
#   before the policies run; this rule reads `registry_facts.attestations`. Off unless the
#   trust policy requires it.
# custom:
#   id: PC-SIG-004
#   severity: deny
#   remediation: >-
#     Generate an SBOM when building the image (e.g. `syft IMAGE -o spdx-json`) and attach it
#     with `cosign attest --type spdxjson --predicate sbom.spdx.json IMAGE@sha256:…`, with a key or
#     identity the trust policy accepts.
package portcullis.rules.image_sbom

import rego.v1

import data.portcullis.lib.images

deny contains finding if {
	some ref in images.references
	not images.bare_word(ref)
	facts := ref.registry_facts
	facts.trust_policy.require_sbom == true
	is_array(facts.attestations)
	not attested(facts.attestations)
	finding := {
		"msg": sprintf("Image %s has no SBOM attestation (SPDX or CycloneDX) from a signer its trust policy (%s) accepts: %s.", [images.label(ref), facts.trust_policy.pattern, reason(facts.attestations)]),
		"line": ref.line,
	}
}

attested(attestations) if {
	some attestation in attestations
	attestation.verified == true
	sbom(attestation)
}

sbom(attestation) if startswith(attestation.predicate_type, "https://spdx.dev/Document")

sbom(attestation) if startswith(attestation.predicate_type, "https://cyclonedx.org/bom")

reason(attestations) := concat("; ", sort({sprintf("%s: %s", [a.reason.code, a.reason.message]) |
	some a in attestations
	is_string(a.predicate_type)
	sbom(a)
	is_object(a.reason)
})) if {
	some a in attestations
	is_string(a.predicate_type)
	sbom(a)
} else := "it has none"
