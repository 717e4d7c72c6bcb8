# METADATA
# title: Image does not exist
# description: >-
#   The registry says there is no such image (or no such tag): pulling it fails, so the
#   deployment, job or build fails too, or a misspelt name lets someone else publish
#   the image later. Applies to every image reference the registry was asked about,
#   a Dockerfile's `FROM` lines included.
# custom:
#   id: PC-IMG-009
#   severity: deny
#   remediation: >-
#     Correct the repository or the tag (`docker buildx imagetools inspect <image>`
#     checks it), or publish the image before the change that uses it.
package portcullis.rules.image_not_found

import rego.v1

import data.portcullis.lib.images

deny contains finding if {
	some ref in images.references
	ref.registry_facts.error.code == "not_found"
	not images.bare_word(ref)
	finding := {
		"msg": sprintf("Image %s does not exist: %s.", [images.label(ref), ref.registry_facts.error.message]),
		"line": ref.line,
	}
}
