# METADATA
# title: Image could not be scanned
# description: >-
#   The image was built but the vulnerability scan did not run to the end (for example
#   the OSV database has no data for the image's distribution), so its vulnerabilities
#   are unknown. Not knowing is not the same as none: the check fails.
# custom:
#   id: PC-BLD-012
#   severity: deny
#   remediation: >-
#     The operator refreshes the vulnerability database (docs/build-and-scan.md) with the
#     ecosystems the image uses; then re-run the check.
package portcullis.rules.build_scan_failed

import rego.v1

import data.portcullis.lib.build
import data.portcullis.lib.dockerfile

deny contains finding if {
	build.image.built
	is_string(build.image.scan_error)
	finding := {
		"msg": sprintf("The built image could not be scanned: %s", [build.image.scan_error]),
		"line": dockerfile.final_stage.line,
	}
}
