# METADATA
# title: Image could not be looked up
# description: >-
#   Portcullis asked the image's registry for its digest, user, age and size, and the
#   registry did not answer (it refused the credentials, could not be reached, timed
#   out …), so the rules that need those facts could not judge the image. A missing
#   image is PC-IMG-009's.
# custom:
#   id: PC-IMG-010
#   severity: warn
#   remediation: >-
#     Give Portcullis read access to the registry (see the registry credentials
#     configuration), or check that the registry is up.
package portcullis.rules.image_lookup_failed

import rego.v1

import data.portcullis.lib.images

warn contains finding if {
	some ref in images.references
	error := ref.registry_facts.error
	is_string(error.code)
	error.code != "not_found"
	not images.bare_word(ref)
	finding := {
		"msg": sprintf("Image %s could not be looked up (%s): %s. The rules that need its registry facts could not judge it.", [images.label(ref), error.code, error.message]),
		"line": ref.line,
	}
}
