# METADATA
# title: Image without a valid signature from a required signer
# description: >-
#   When a trust policy covers an image (its `images` pattern matches the image's name),
#   the image must carry a signature, for the very digest it resolves to, by one of the
#   keys or keyless identities the policy names, or a Notary Project (Notation) signature
#   whose certificate chains to the policy's `notation` trust store with a trusted
#   identity. Portcullis looks for both formats cosign writes (a Sigstore bundle found
#   through the referrers API or its `sha256-<hex>` tag, and the `sha256-<hex>.sig` tag)
#   and for Notation's JWS and COSE signatures (referrers of artifact type
#   `application/vnd.cncf.notary.signature`), and verifies them before the policies run;
#   this rule reads the result from `registry_facts.signatures` and says why the image
#   fails: unsigned, signed with another key or under another CA, an expired certificate,
#   a signature for another digest, a payload changed after signing, or signatures that
#   could not be looked up. A Notation policy at level `skip` needs no signature.
#   Applies to every image reference, a Dockerfile's `FROM` lines included.
# custom:
#   id: PC-SIG-001
#   severity: deny
#   remediation: >-
#     Sign the image's digest with a key or identity the trust policy accepts
#     (`cosign sign --key cosign.key IMAGE@sha256:…`, or `notation sign` with a certificate
#     from the trust store's CA), or use an image that is signed by one.
package portcullis.rules.image_signature

import rego.v1

import data.portcullis.lib.images

deny contains finding if {
	some ref in images.references
	not images.bare_word(ref)
	facts := ref.registry_facts
	facts.trust_policy.matched == true
	not verified(facts)
	not missing(facts)
	finding := {
		"msg": sprintf("Image %s has no valid signature from a signer its trust policy (%s) requires (%s): %s.", [images.label(ref), facts.trust_policy.pattern, signers(facts.trust_policy), reason(facts)]),
		"line": ref.line,
	}
}

verified(facts) if {
	some signature in facts.signatures
	signature.verified == true
}

# Notation's `skip` level: the policy's images need no signature.
verified(facts) if {
	some s in facts.trust_policy.signers
	s.kind == "notation"
	s.level == "skip"
}

# An image that does not exist is PC-IMG-009's.
missing(facts) if facts.error.code == "not_found"

reason(facts) := sprintf("its signatures could not be checked, since the image could not be looked up (%s): %s", [facts.error.code, facts.error.message]) if {
	is_object(facts.error)
} else := "it is unsigned (no cosign or Notation signature; Docker Content Trust signatures are not read: DCT is retired)" if {
	facts.signatures == []
} else := concat("; ", sort({problem(signature) | some signature in facts.signatures})) if {
	count(facts.signatures) > 0
} else := "its signatures were not checked"

problem(signature) := sprintf("%s (%s): %s", [word(signature.error.code), format(signature), signature.error.message]) if {
	signature.format != null
} else := sprintf("%s: %s", [word(signature.error.code), signature.error.message])

format(signature) := "Sigstore bundle" if signature.format == "bundle"

format(signature) := ".sig signature" if signature.format == "simplesigning"

format(signature) := "Notation JWS signature" if signature.format == "jws"

format(signature) := "Notation COSE signature" if signature.format == "cose"

word(code) := object.get(
	{
		"wrong_signer": "wrong key or signer",
		"tampered": "tampered payload",
		"digest_mismatch": "digest mismatch",
		"untrusted_certificate": "untrusted certificate",
		"expired": "expired",
		"malformed": "malformed signature",
		"unsupported": "unsupported signature",
		"lookup_failed": "lookup failed",
	},
	code,
	code,
)

signers(policy) := concat(", ", [signer(s) | some s in policy.signers])

signer(s) := sprintf("key %s…", [substring(s.key, 0, 19)]) if {
	is_string(s.key)
} else := sprintf("Notation signer %s under %s", [s.subject, s.issuer]) if {
	s.kind == "notation"
} else := sprintf("%s from %s", [s.subject, s.issuer])
