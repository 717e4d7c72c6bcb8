# METADATA
# title: Built image runs as root
# description: >-
#   The configuration of the image actually built names no user, or root: whatever the
#   Dockerfile's text suggests (a USER in a stage not built, a base image's own user),
#   a container from it runs as root.
# custom:
#   id: PC-BLD-008
#   severity: deny
#   remediation: >-
#     Add `USER <non-root user>` (for example `USER 65532:65532`) to the final stage,
#     after the last step that needs root.
package portcullis.rules.build_image_root_user

import rego.v1

import data.portcullis.lib.build
import data.portcullis.lib.dockerfile
import data.portcullis.lib.images

deny contains finding if {
	build.image.built
	images.root_user(build.image.user)
	finding := {
		"msg": sprintf("The built image runs as root (its configuration sets %s): add a USER instruction with a non-root user (for example USER 65532:65532) to the final stage.", [user_label]),
		"line": line,
	}
}

user_label := "no user" if build.image.user == ""

else := sprintf("User %q", [build.image.user])

users := [i | some i in dockerfile.chain_instructions(dockerfile.final_stage); i.keyword == "USER"]

line := users[count(users) - 1].line if count(users) > 0

else := dockerfile.final_stage.line
