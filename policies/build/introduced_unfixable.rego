# METADATA
# title: Change introduces a vulnerability without a fix
# description: >-
#   The head image has a vulnerability the merge base's image does not have, and no
#   fixed version is known yet. Nothing to upgrade to: reported so that it is seen.
# custom:
#   id: PC-BLD-003
#   severity: info
#   remediation: >-
#     Consider whether the image needs the package at all; watch for a fix.
package portcullis.rules.build_introduced_unfixable

import rego.v1

import data.portcullis.lib.build

info contains finding if {
	some v in build.introduced
	not build.fixable(v)
	finding := {
		"msg": sprintf("%s, %s, in %s comes in with %s: no fixed version is known.", [build.vulnerability_label(v), build.severity_label(v), build.package_label(v), build.origin_label(v)]),
		"line": build.vulnerability_line(v),
	}
}
