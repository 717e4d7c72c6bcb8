# METADATA
# title: Build awaits a maintainer's approval
# description: >-
#   The pull request comes from a fork, or its author cannot write to the repository,
#   so its code is not built until a maintainer approves this head commit with the
#   approval label. The static checks ran; the image checks have not. This blocks the
#   check so that an unbuilt image is never taken for a clean one.
# custom:
#   id: PC-BLD-010
#   severity: deny
#   remediation: >-
#     A maintainer reviews the change and applies the approval label; the approval holds
#     for this head commit only and lapses on the next push.
package portcullis.rules.build_awaiting_approval

import rego.v1

import data.portcullis.lib.build
import data.portcullis.lib.dockerfile

deny contains finding if {
	build.image.status == "awaiting_approval"
	finding := {
		"msg": sprintf("Static checks ran; the image build awaits approval: %s, so its code is not built until a maintainer applies the label %q to this commit. The approval lapses on the next push.", [reason, build.image.approval.label]),
		"line": dockerfile.final_stage.line,
	}
}

reason := "the pull request comes from a fork" if build.image.approval.reason == "fork"

else := "its author has no write access to the repository"
