# METADATA
# title: Secret visible in the built image
# description: >-
#   The built image's configuration (Env) or history (build args recorded with RUN
#   steps, ENV and ARG steps) holds a value that looks like a secret: anyone who can
#   pull the image reads it with `docker inspect` or `docker history`. The value itself
#   never reaches the policy or the check run.
# custom:
#   id: PC-BLD-009
#   severity: deny
#   remediation: >-
#     Remove the value and rotate the credential; pass secrets with
#     `RUN --mount=type=secret` at build time or through the environment at run time.
package portcullis.rules.build_image_secrets

import rego.v1

import data.portcullis.lib.build
import data.portcullis.lib.dockerfile

deny contains finding if {
	build.image.built
	some env in build.image.env
	env.secret
	finding := {
		"msg": sprintf("The image's configuration sets %s to what looks like a secret, readable by anyone who pulls the image: remove it, rotate it, and pass it at run time instead.", [env.name]),
		"line": line_or_final(env.line),
	}
}

deny contains finding if {
	build.image.built
	some step in build.image.history
	count(step.secrets) > 0
	finding := {
		"msg": sprintf("The image's history (step %d%s) records %s with what looks like a secret, readable with docker history: remove it, rotate it, and use RUN --mount=type=secret.", [step.index, where(step), concat(", ", step.secrets)]),
		"line": line_or_final(step.line),
	}
}

line_or_final(line) := line if is_number(line)

else := dockerfile.final_stage.line

where(step) := " of the base image" if step.in_base_image

else := sprintf(", %s", [step.keyword]) if is_string(step.keyword)

else := ""
