# METADATA
# title: /bin/sh replaced with ln
# description: >-
#   `RUN ln -sf /bin/bash /bin/sh` changes the shell of every later RUN, and of anything
#   in the container that runs `/bin/sh`, without the Dockerfile saying so where it
#   matters; system scripts written for dash or BusyBox then run under another shell. The
#   SHELL instruction changes the shell of the Dockerfile's own instructions only, visibly.
#   Reported when `/bin/sh` is the link being made (the last argument of `ln`), not when
#   it is only the target (`ln -s /bin/sh /usr/local/bin/sh`).
# custom:
#   id: PC-DF-058
#   severity: info
#   related: [hadolint:DL4005]
#   remediation: Remove the `ln` and add `SHELL ["/bin/bash", "-c"]` (or the shell you need) before the RUN instructions that need it.
package portcullis.rules.relink_bin_sh

import rego.v1

import data.portcullis.lib.dockerfile

info contains finding if {
	some item in dockerfile.commands
	item.program == "ln"
	item.args[count(item.args) - 1] in {"/bin/sh", "/usr/bin/sh"}
	finding := {
		"msg": sprintf("\"%s\" replaces /bin/sh for every later RUN and for the container: use the SHELL instruction instead.", [dockerfile.command_label(item.command)]),
		"line": item.command.line,
	}
}
