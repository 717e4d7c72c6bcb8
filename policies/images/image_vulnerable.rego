# METADATA
# title: Referenced image has fixable critical or high vulnerabilities
# description: >-
#   Only when Portcullis scans referenced images (`PORTCULLIS_SCAN_REFERENCES=1` with an
#   OSV database in `PORTCULLIS_OSV_DB`): the image a reference names was pulled from its
#   registry and scanned, and packages in it have CRITICAL or HIGH vulnerabilities that a
#   newer version of the package fixes. Unfixable ones are not reported here: there is
#   nothing to update to. Applies to every image reference the registry was asked about,
#   a Dockerfile's `FROM` lines included.
# custom:
#   id: PC-IMG-011
#   severity: warn
#   remediation: >-
#     Update to a tag or digest of the image that was rebuilt with the fixed packages (a
#     current patch release), or rebuild and republish the image if it is your own.
package portcullis.rules.image_vulnerable

import rego.v1

import data.portcullis.lib.images

# At most this many ids are named in a message.
shown := 5

warn contains finding if {
	some ref in images.references
	facts := images.facts(ref)
	ids := fixable_ids(facts)
	count(ids) > 0
	finding := {
		"msg": sprintf("Image %s has %d fixable critical/high %s (%s): update it to a version with the fixes.", [images.label(ref), count(ids), noun(count(ids)), listed(ids)]),
		"line": ref.line,
	}
}

# Sorted distinct ids of the fixable CRITICAL/HIGH vulnerabilities.
fixable_ids(facts) := sort({v.id |
	some v in object.get(facts, "vulnerabilities", [])
	v.severity in {"CRITICAL", "HIGH"}
	is_string(v.fixed_version)
	v.fixed_version != ""
})

noun(1) := "vulnerability"

noun(n) := "vulnerabilities" if n != 1

listed(ids) := concat(", ", ids) if count(ids) <= shown

listed(ids) := sprintf("%s and %d more", [concat(", ", array.slice(ids, 0, shown)), count(ids) - shown]) if count(ids) > shown
