# METADATA
# title: Image is too old
# description: >-
#   An image built long ago carries every vulnerability fixed since in its operating
#   system packages and runtime, and a tag that has not been rebuilt for that long is
#   usually no longer maintained. The limit is
#   `data.portcullis.config.max_image_age_days` (365 by default), measured from the
#   creation time in the image's configuration when Portcullis looked it up. Creation
#   times before 2013 (Docker's first release) are the placeholder of reproducible builds
#   (distroless, ko, Bazel and Nix write 1970-01-01), not an age, and are ignored.
#   Applies to every image reference the registry was asked about, a Dockerfile's `FROM`
#   lines included.
# custom:
#   id: PC-IMG-007
#   severity: warn
#   remediation: >-
#     Move to a maintained tag (a current release of the same image), or rebuild and
#     republish the image if it is your own.
package portcullis.rules.image_too_old

import rego.v1

import data.portcullis.lib.images

max_age := data.portcullis.config.max_image_age_days

warn contains finding if {
	is_number(max_age)
	some ref in images.references
	facts := images.facts(ref)
	is_number(facts.age_days)
	facts.age_days > max_age
	not placeholder_time(facts.created)
	finding := {
		"msg": sprintf("Image %s was built %d days ago%s, more than the %d days allowed: move to a maintained tag, or rebuild it.", [images.label(ref), facts.age_days, created(facts), max_age]),
		"line": ref.line,
	}
}

# 1970-01-01T00:00:00Z and the like: the image does not say when it was built.
placeholder_time(created) if {
	is_string(created)
	substring(created, 0, 4) < "2013"
}

created(facts) := sprintf(" (%s)", [substring(facts.created, 0, 10)]) if {
	is_string(facts.created)
	count(facts.created) >= 10
} else := ""
