# METADATA
# title: Instruction before the first FROM
# description: >-
#   Only parser directives, comments and `ARG` may come before the first `FROM`: BuildKit
#   refuses any other instruction there ("no build stage in current context"), so the file
#   does not build. A file without any `FROM` has every instruction reported (Hadolint
#   DL3061).
# custom:
#   id: PC-DF-075
#   severity: deny
#   related: [hadolint:DL3061]
#   remediation: >-
#     Start the file with `FROM` (after any `ARG`s the `FROM` line uses), and move the
#     instruction into the stage it belongs to.
package portcullis.rules.instruction_before_from

import rego.v1

import data.portcullis.lib.dockerfile

deny contains finding if {
	dockerfile.is_dockerfile
	some instruction in object.get(input.dockerfile, "preamble", [])
	finding := {
		"msg": sprintf("%s on line %d comes before any FROM: only ARG may, and BuildKit refuses the file (no build stage in current context).", [instruction.keyword, instruction.line]),
		"line": instruction.line,
	}
}
