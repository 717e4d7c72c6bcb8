# METADATA
# title: Image does not build
# description: >-
#   Building the Dockerfile at the pull request's head failed or ran out of time, so
#   none of the image checks could run. The end of the build log, with secrets cut out,
#   is in the message. RUN steps have no network by default (docs/build-and-scan.md).
# custom:
#   id: PC-BLD-011
#   severity: deny
#   remediation: >-
#     Fix the build (see the log excerpt); a step that needs the network fails by design
#     unless the operator allows it.
package portcullis.rules.build_failed

import rego.v1

import data.portcullis.lib.build
import data.portcullis.lib.dockerfile

deny contains finding if {
	build.image.status in {"failed", "timed_out"}
	finding := {
		"msg": sprintf("The image could not be built: %s.%s", [build.image.error, excerpt]),
		"line": dockerfile.final_stage.line,
	}
}

excerpt := sprintf("\n\nEnd of the build log:\n%s", [build.image.log_excerpt]) if {
	is_string(build.image.log_excerpt)
	build.image.log_excerpt != ""
} else := ""
