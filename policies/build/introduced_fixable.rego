# METADATA
# title: Change introduces a fixable vulnerability
# description: >-
#   The image built from the pull request's head has a medium, low or unrated
#   vulnerability that the merge base's image does not have, and a fixed version exists.
# custom:
#   id: PC-BLD-002
#   severity: warn
#   remediation: Upgrade the package (or the base image) to the fixed version.
package portcullis.rules.build_introduced_fixable

import rego.v1

import data.portcullis.lib.build

warn contains finding if {
	some v in build.introduced
	not v.severity in {"CRITICAL", "HIGH"}
	build.fixable(v)
	finding := {
		"msg": sprintf("%s, %s, in %s comes in with %s: fixed in %s.", [build.vulnerability_label(v), build.severity_label(v), build.package_label(v), build.origin_label(v), v.fixed_version]),
		"line": build.vulnerability_line(v),
	}
}
