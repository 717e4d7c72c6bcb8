# METADATA
# title: Change introduces a fixable critical or high vulnerability
# description: >-
#   The image built from the pull request's head has a critical or high vulnerability
#   (by CVSS score, or the advisory's own rating) that the image built from the merge
#   base does not have, and a fixed version of the package exists. The finding points at
#   the instruction whose layer brought the package in.
# custom:
#   id: PC-BLD-001
#   severity: deny
#   remediation: >-
#     Upgrade the package to the fixed version (or a base image that ships it), or
#     remove the package from the image.
package portcullis.rules.build_introduced_critical

import rego.v1

import data.portcullis.lib.build

deny contains finding if {
	some v in build.introduced
	v.severity in {"CRITICAL", "HIGH"}
	build.fixable(v)
	finding := {
		"msg": sprintf("%s, %s, in %s comes in with %s: fixed in %s. Upgrade the package (or the base image) to the fixed version, or remove it.", [build.vulnerability_label(v), build.severity_label(v), build.package_label(v), build.origin_label(v), v.fixed_version]),
		"line": build.vulnerability_line(v),
	}
}
