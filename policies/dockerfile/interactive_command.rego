# METADATA
# title: RUN uses a command meant for a running system
# description: >-
#   A build step has no running services, no terminal and no login session: `service
#   nginx start`, `shutdown`, `kill`, `mount`, `ps`, `top`, `free`, `ssh` and `vim`
#   either do nothing useful in a layer or hang the build (Hadolint's list).
# custom:
#   id: PC-DF-071
#   severity: info
#   related: [hadolint:DL3001]
#   remediation: >-
#     Remove the command; start services from the container's ENTRYPOINT or CMD, and
#     edit files with sed or COPY instead of an editor.
package portcullis.rules.interactive_command

import rego.v1

import data.portcullis.lib.dockerfile

info contains finding if {
	some item in dockerfile.commands
	item.program in {"free", "kill", "mount", "ps", "service", "shutdown", "ssh", "top", "vim"}
	finding := {
		"msg": sprintf("\"%s\" runs %s, which does nothing useful in a build step: remove it.", [dockerfile.command_label(item.command), item.program]),
		"line": item.command.line,
	}
}
