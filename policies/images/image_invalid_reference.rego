# METADATA
# title: Invalid image reference
# description: >-
#   A value where an image belongs that is no valid image reference (upper-case
#   letters in the repository, a malformed digest, a YAML number such as `1.25` where a
#   string belongs) fails when the image is pulled, or pulls something other than
#   intended. Applies to every image reference, a Dockerfile's `FROM` lines included.
# custom:
#   id: PC-IMG-004
#   severity: deny
#   remediation: >-
#     Write the reference as `[registry/]repository[:tag][@sha256:<digest>]`, with a
#     lower-case repository, and quote YAML values that look like numbers.
package portcullis.rules.image_invalid_reference

import rego.v1

import data.portcullis.lib.images

deny contains finding if {
	some ref in images.references
	ref.problem.kind == "invalid"
	not images.bare_word(ref)
	finding := {
		"msg": sprintf("Image %s is not a valid image reference: %s.", [images.label(ref), why(ref)]),
		"line": ref.line,
	}
}

# The parser's message without its `invalid image reference "<raw>": ` preamble, which
# the finding already says.
why(ref) := trim_prefix(ref.problem.message, sprintf("invalid image reference %q: ", [ref.raw]))
