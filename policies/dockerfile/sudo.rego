# METADATA
# title: sudo in RUN
# description: >-
#   Build steps run as root unless a USER instruction changed that, so `sudo` is not
#   needed; installing it leaves a setuid binary and a sudoers policy in the image that
#   an attacker can use to regain root, and its TTY and environment handling makes builds
#   behave unpredictably.
# custom:
#   id: PC-DF-008
#   severity: deny
#   related: [hadolint:DL3004, trivy:DS010]
#   remediation: >-
#     Drop `sudo`: run the step before `USER`, or switch with `USER root` for that
#     step and back to the unprivileged user afterwards.
package portcullis.rules.sudo

import rego.v1

import data.portcullis.lib.dockerfile

deny contains finding if {
	some item in dockerfile.commands

	# A native check first: the basename splits the word, for every command of the file.
	endswith(item.command.argv[0], "sudo")
	dockerfile.basename(item.command.argv[0]) == "sudo"
	finding := {
		"msg": concat("", ["\"", dockerfile.command_label(item.command), "\" runs sudo: build steps already run as root unless USER changed it. Remove sudo and use USER root around the step that needs it."]),
		"line": item.command.line,
	}
}

# Exec form: RUN ["sudo", …] has no shell commands.
deny contains finding if {
	some item in dockerfile.instructions
	item.instruction.keyword == "RUN"
	item.instruction.form == "exec"
	dockerfile.basename(item.instruction.arguments[0]) == "sudo"
	finding := {
		"msg": "RUN [\"sudo\", …] runs sudo: build steps already run as root unless USER changed it. Remove sudo and use USER root around the step that needs it.",
		"line": item.instruction.line,
	}
}
