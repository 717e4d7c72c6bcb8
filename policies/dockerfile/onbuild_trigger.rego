# METADATA
# title: ONBUILD with ONBUILD, FROM or MAINTAINER
# description: >-
#   `ONBUILD ONBUILD …`, `ONBUILD FROM …` and `ONBUILD MAINTAINER …` are refused by the
#   builder: the image that carries the trigger builds, and every image built on it
#   fails.
# custom:
#   id: PC-DF-065
#   severity: warn
#   related: [hadolint:DL3043]
#   remediation: Remove the trigger; use a LABEL instead of MAINTAINER.
package portcullis.rules.onbuild_trigger

import rego.v1

import data.portcullis.lib.dockerfile

warn contains finding if {
	some item in dockerfile.instructions

	# Only ONBUILD lines carry `onbuild: true`: the split below is not made for every instruction.
	item.instruction.onbuild == true

	# The parser describes `ONBUILD RUN …` as the RUN it carries (`onbuild: true`), so the
	# trigger is read from the line as written.
	words := dockerfile.words(trim_space(item.instruction.source))
	upper(words[0]) == "ONBUILD"
	trigger := upper(words[1])
	trigger in {"ONBUILD", "FROM", "MAINTAINER"}
	finding := {
		"msg": sprintf("ONBUILD %s is not allowed as a trigger: every image built on this one fails to build.", [trigger]),
		"line": item.instruction.line,
	}
}
