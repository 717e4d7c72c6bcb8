# METADATA
# title: Consecutive RUN instructions
# description: >-
#   Each RUN adds a layer. Two short RUNs in a row (two commands or fewer each, with the
#   same flags, such as the same `--mount`) are usually one step written twice, and
#   joining them with `&&` saves a layer and a cache entry. As in Hadolint, a RUN of more
#   than two commands is taken as a deliberate split, and so is a RUN whose flags differ.
# custom:
#   id: PC-DF-052
#   severity: info
#   related: [hadolint:DL3059]
#   remediation: Join the two RUN instructions with `&&` (and `\` line continuations).
package portcullis.rules.consecutive_run

import rego.v1

import data.portcullis.lib.dockerfile

info contains finding if {
	some stage in dockerfile.stages
	some i, instruction in stage.instructions
	i > 0
	instruction.keyword == "RUN"
	previous := stage.instructions[i - 1]
	previous.keyword == "RUN"
	previous.flags == instruction.flags
	size(previous) <= 2
	size(instruction) <= 2
	finding := {
		"msg": concat("", ["RUN follows the RUN on line ", format_int(previous.line, 10), ": join short consecutive RUNs with && to save a layer."]),
		"line": instruction.line,
	}
}

# The number of commands; an exec-form RUN runs one.
size(instruction) := count(instruction.commands) if instruction.form == "shell"

size(instruction) := 1 if instruction.form != "shell"
