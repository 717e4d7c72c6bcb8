# METADATA
# title: Image without provenance from a trusted builder
# description: >-
#   When the trust policy that covers an image asks for provenance (`provenance:
#   {builders: [...], source_repositories: [...]}` in `trust:`), the image must carry a
#   SLSA provenance attestation (`https://slsa.dev/provenance/v1` or `v0.2`, attached by
#   `cosign attest`), signed by one of the policy's signers, about the very digest it
#   resolves to, whose builder id matches one of `builders` and, when
#   `source_repositories` is given, whose source repository matches one of those.
#   Patterns are globs in which `*` matches any run of characters, `/` included. Portcullis
#   verifies the attestations before the policies run; this rule reads
#   `registry_facts.attestations`. Off unless the trust policy asks for provenance.
# custom:
#   id: PC-SIG-003
#   severity: deny
#   remediation: >-
#     Build the image on a trusted builder that attests provenance (for GitHub Actions,
#     `actions/attest-build-provenance`, or `cosign attest --type slsaprovenance1`), signed by
#     a key or identity the trust policy accepts; or add the builder to `trust.provenance.builders`.
package portcullis.rules.image_provenance

import rego.v1

import data.portcullis.lib.images

slsa_types := {"https://slsa.dev/provenance/v1", "https://slsa.dev/provenance/v0.2"}

deny contains finding if {
	some ref in images.references
	not images.bare_word(ref)
	facts := ref.registry_facts
	required := facts.trust_policy.provenance
	is_object(required)
	is_array(facts.attestations)
	not trusted(facts.attestations, required)
	finding := {
		"msg": sprintf("Image %s has no SLSA provenance from a trusted builder (%s): %s.", [images.label(ref), concat(", ", required.builders), reason(facts.attestations, required)]),
		"line": ref.line,
	}
}

trusted(attestations, required) if {
	some attestation in attestations
	acceptable(attestation, required)
}

acceptable(attestation, required) if {
	attestation.verified == true
	attestation.predicate_type in slsa_types
	matches_any(required.builders, attestation.builder_id)
	from_source(attestation, required)
}

from_source(_, required) if count(required.source_repositories) == 0

from_source(attestation, required) if matches_any(required.source_repositories, attestation.source_repository)

matches_any(patterns, value) if {
	is_string(value)
	some pattern in patterns
	glob.match(pattern, [], value)
}

provenance(attestations) := [a | some a in attestations; a.predicate_type in slsa_types]

reason(attestations, required) := "it has no provenance attestation" if {
	count(provenance(attestations)) == 0
} else := concat("; ", sort({problem(a, required) | some a in provenance(attestations)}))

problem(a, required) := sprintf("an attestation that does not count (%s: %s)", [a.reason.code, a.reason.message]) if {
	a.verified != true
	is_object(a.reason)
} else := sprintf("one built by %v, not a trusted builder", [a.builder_id]) if {
	not matches_any(required.builders, a.builder_id)
} else := sprintf("one built from %v, not a trusted source repository (%s)", [a.source_repository, concat(", ", required.source_repositories)])
