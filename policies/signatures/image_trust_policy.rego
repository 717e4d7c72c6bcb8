# METADATA
# title: Image covered by no trust policy
# description: >-
#   With trust policies configured, an image whose name matches none of their `images`
#   patterns has its signatures checked by nobody. How that is reported is the
#   configuration's `unmatched` level: `info` (the default), `warn`, `deny`, or `ignore`
#   for silence; the finding lands in the result set of that name. Without any trust
#   policy configured, this rule says nothing.
# custom:
#   id: PC-SIG-002
#   severity: info
#   remediation: >-
#     Add a trust policy whose `images` pattern covers the image, naming the keys or
#     identities that sign it; or set `unmatched` to the level you want.
package portcullis.rules.image_trust_policy

import rego.v1

import data.portcullis.lib.images

info contains finding if some finding in findings("info")

warn contains finding if some finding in findings("warn")

deny contains finding if some finding in findings("deny")

findings(level) := {finding |
	some ref in images.references
	not images.bare_word(ref)
	policy := ref.registry_facts.trust_policy
	policy.matched == false
	policy.unmatched == level
	finding := {
		"msg": sprintf("Image %s is covered by no trust policy, so nobody checks who signed it: add a trust policy for %s.", [images.label(ref), ref.image.name]),
		"line": ref.line,
	}
}
