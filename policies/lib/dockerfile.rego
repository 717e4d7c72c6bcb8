# METADATA
# title: Dockerfile helpers
# description: Shared views of input.dockerfile for the rule packages.
package portcullis.lib.dockerfile

import rego.v1

is_dockerfile if input.target.kind == "dockerfile"

stages := input.dockerfile.stages if is_dockerfile

final_stage := stages[count(stages) - 1]

# Every instruction, with the stage it belongs to.
instructions contains {"stage": stage, "instruction": instruction} if {
	some stage in stages
	some instruction in stage.instructions
}

# Every shell command of every RUN, with its instruction and stage.
commands contains {"stage": stage, "instruction": instruction, "command": command} if {
	some stage in stages
	some instruction in stage.instructions
	some command in instruction.commands
}

# A readable name for a stage in messages: `"builder"` or `#2`.
stage_label(stage) := sprintf("%q", [stage.name]) if stage.name != null

stage_label(stage) := sprintf("#%d", [stage.index]) if stage.name == null

# The program a command runs and its arguments, looking through `sudo` and `env`
# wrappers (with their options and VAR=value assignments).
program_args(command) := array.slice(command.argv, i, count(command.argv)) if {
	starts := [j |
		some j, word in command.argv
		not word in {"sudo", "env"}
		not startswith(word, "-")
		not contains(word, "=")
	]
	i := starts[0]
} else := []

# The text of one source line of an instruction.
source_line(instruction, line) := split(instruction.source, "\n")[line - instruction.line]

# Replaces the first occurrence of old in s.
replace_first(s, old, new) := concat("", [substring(s, 0, i), new, substring(s, i + count(old), -1)]) if {
	i := indexof(s, old)
	i >= 0
}
