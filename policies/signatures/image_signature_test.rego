package portcullis.rules.image_signature_test

import rego.v1

import data.portcullis.lib.image_test_inputs as inputs
import data.portcullis.lib.test_inputs
import data.portcullis.rules.image_signature

# The digest the look-up found for line 19 (`ghcr.io/acme/shop-web:2.3.1`).
digest := "sha256:3e1c5a7b9d2f4e6a8c0b1d3f5a7c9e2b4d6f8a0c1e3b5d7f9a2c4e6b8d0f1a3c"

key := "sha256:5d82a331e6dc548535a1acfe4411c26d713fd02127ce216da3746d503e0a8117"

policy := {
	"matched": true,
	"pattern": "ghcr.io/acme/**",
	"signers": [
		{"key": key, "issuer": null, "subject": null},
		{"key": null, "issuer": "https://token.actions.githubusercontent.com", "subject": "https://github.com/acme/*/.github/workflows/release.yml@refs/tags/*"},
	],
	"unmatched": "info",
}

unmatched := {"matched": false, "pattern": null, "signers": [], "unmatched": "info"}

signature(overrides) := object.union(
	{"verified": true, "format": "bundle", "signer": key, "issuer": null, "digest": digest, "error": null},
	overrides,
)

rejected(code, message) := signature({"verified": false, "error": {"code": code, "message": message}})

# Kubernetes facts with trust-policy facts on line 19, and no policy for the other images.
kubernetes(signatures) := inputs.with_facts(inputs.kubernetes, object.union(
	{line: object.union(facts, {"trust_policy": unmatched, "signatures": null}) | some line, facts in inputs.kubernetes_facts},
	{19: object.union(inputs.kubernetes_facts[19], {"trust_policy": policy, "signatures": signatures})},
))

prefix := "Image \"ghcr.io/acme/shop-web:2.3.1\" (spec.template.spec.containers[0].image) has no valid signature from a signer its trust policy (ghcr.io/acme/**) requires (key sha256:5d82a331e6dc…, https://github.com/acme/*/.github/workflows/release.yml@refs/tags/* from https://token.actions.githubusercontent.com): "

test_unsigned_image_is_denied if {
	findings := image_signature.deny with input as kubernetes([])
	findings == {{"msg": concat("", [prefix, "it is unsigned (no cosign or Notation signature; Docker Content Trust signatures are not read: DCT is retired)."]), "line": 19}}
}

test_signature_by_a_required_signer_passes if {
	count(image_signature.deny) == 0 with input as kubernetes([signature({})])
	count(image_signature.deny) == 0 with input as kubernetes([rejected("wrong_signer", "another key"), signature({"format": "simplesigning"})])
}

test_each_reason_is_given if {
	findings := image_signature.deny with input as kubernetes([
		rejected("wrong_signer", "the signature verifies with none of the keys the trust policy accepts"),
		object.union(rejected("digest_mismatch", "the signature is for sha256:aaaa, not for this image"), {"format": "simplesigning"}),
		rejected("tampered", "the signature does not verify with the key it names"),
	])
	findings == {{
		"msg": concat("", [prefix, "digest mismatch (.sig signature): the signature is for sha256:aaaa, not for this image; tampered payload (Sigstore bundle): the signature does not verify with the key it names; wrong key or signer (Sigstore bundle): the signature verifies with none of the keys the trust policy accepts."]),
		"line": 19,
	}}
}

test_signatures_that_could_not_be_looked_up_are_denied if {
	findings := image_signature.deny with input as kubernetes([{"verified": false, "format": null, "signer": null, "issuer": null, "digest": null, "error": {"code": "lookup_failed", "message": "its signatures could not be looked up: Registry ghcr.io answered 503"}}])
	findings == {{"msg": concat("", [prefix, "lookup failed: its signatures could not be looked up: Registry ghcr.io answered 503."]), "line": 19}}
}

# Fail closed: a covered image that could not be looked up cannot be shown to be signed.
test_image_that_could_not_be_looked_up_is_denied if {
	facts := object.union(inputs.failed("unauthorized", "Registry ghcr.io answered 401"), {"trust_policy": policy, "signatures": null})
	findings := image_signature.deny with input as inputs.with_facts(inputs.kubernetes, {19: facts})
	findings == {{"msg": concat("", [prefix, "its signatures could not be checked, since the image could not be looked up (unauthorized): Registry ghcr.io answered 401."]), "line": 19}}
}

test_missing_image_is_left_to_pc_img_009 if {
	facts := object.union(inputs.failed("not_found", "Registry ghcr.io answered 404"), {"trust_policy": policy, "signatures": null})
	count(image_signature.deny) == 0 with input as inputs.with_facts(inputs.kubernetes, {19: facts})
}

# Line 2 is `FROM python:${PY}-slim`, resolved with the ARG default to python:3.12-slim.
test_dockerfile_from_lines_are_judged_with_arg_defaults if {
	covered := object.union(inputs.found({}), {"trust_policy": object.union(policy, {"pattern": "docker.io/library/*"}), "signatures": []})
	findings := image_signature.deny with input as inputs.with_facts(inputs.dockerfile, {2: covered})
	test_inputs.lines(findings) == {2}
	some finding in findings
	startswith(finding.msg, "Image \"python:${PY}-slim\" (FROM) has no valid signature")
}

test_images_without_a_policy_or_offline_are_not_judged if {
	uncovered := inputs.with_facts(inputs.kubernetes, {19: object.union(inputs.kubernetes_facts[19], {"trust_policy": unmatched, "signatures": null})})
	count(image_signature.deny) == 0 with input as uncovered
	count(image_signature.deny) == 0 with input as inputs.kubernetes
	count(image_signature.deny) == 0 with input as inputs.with_facts(inputs.kubernetes, inputs.kubernetes_facts)
}

# A policy that names Notation signers: a CA trust store and a trusted identity.
notation_signer := {"kind": "notation", "key": null, "issuer": "C=US, ST=WA, O=Acme, CN=Acme Root", "subject": "x509.subject: C=US, O=Acme, CN=release", "level": "strict"}

notation_policy := object.union(policy, {"signers": [notation_signer]})

notation_prefix := "Image \"ghcr.io/acme/shop-web:2.3.1\" (spec.template.spec.containers[0].image) has no valid signature from a signer its trust policy (ghcr.io/acme/**) requires (Notation signer x509.subject: C=US, O=Acme, CN=release under C=US, ST=WA, O=Acme, CN=Acme Root): "

notation(signatures, trust) := inputs.with_facts(inputs.kubernetes, {19: object.union(inputs.kubernetes_facts[19], {"trust_policy": trust, "signatures": signatures})})

notary(overrides) := object.union(
	{"kind": "notation", "verified": true, "format": "jws", "signer": "C=US, ST=WA, O=Acme, CN=release", "issuer": "C=US, ST=WA, O=Acme, CN=Acme Root", "digest": digest, "error": null, "level": "strict", "logged": []},
	overrides,
)

test_notation_signature_satisfies_a_policy_that_names_notation if {
	count(image_signature.deny) == 0 with input as notation([notary({})], notation_policy)
	count(image_signature.deny) == 0 with input as notation([notary({"format": "cose"})], notation_policy)
}

test_notation_failures_say_why if {
	findings := image_signature.deny with input as notation(
		[
			notary({"verified": false, "issuer": "CN=Other CA", "error": {"code": "untrusted_certificate", "message": "its certificate chain (issued by CN=Other CA) leads to no CA in the trust policy's trust store (C=US, ST=WA, O=Acme, CN=Acme Root): it was signed under another CA"}}),
			notary({"verified": false, "format": "cose", "error": {"code": "expired", "message": "its certificate C=US, ST=WA, O=Acme, CN=release expired on 2025-01-01T00:00:00Z, and no verified timestamp shows the signature was made while it was valid"}}),
		],
		notation_policy,
	)
	findings == {{
		"msg": concat("", [notation_prefix, "expired (Notation COSE signature): its certificate C=US, ST=WA, O=Acme, CN=release expired on 2025-01-01T00:00:00Z, and no verified timestamp shows the signature was made while it was valid; untrusted certificate (Notation JWS signature): its certificate chain (issued by CN=Other CA) leads to no CA in the trust policy's trust store (C=US, ST=WA, O=Acme, CN=Acme Root): it was signed under another CA."]),
		"line": 19,
	}}
}

test_notation_level_skip_needs_no_signature if {
	skip := object.union(policy, {"signers": [object.union(notation_signer, {"level": "skip"})]})
	count(image_signature.deny) == 0 with input as notation([], skip)
	count(image_signature.deny) == 1 with input as notation([], notation_policy)
}
