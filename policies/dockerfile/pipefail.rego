# METADATA
# title: Piped RUN without pipefail
# description: >-
#   A shell reports the status of a pipeline's last command only: `RUN curl -fsSL $URL |
#   tar -xz` succeeds when curl fails, and the image is built without what it should
#   contain. `SHELL ["/bin/bash", "-o", "pipefail", "-c"]` (or `/bin/ash` on Alpine and
#   BusyBox) before the RUN makes any failing command fail the step. A RUN is fine when the
#   stage, or a stage it builds on, set such a SHELL before it, when only `yes` feeds the
#   pipe (`yes | apt-get install …`: under pipefail, yes killed by SIGPIPE would fail it), when it runs `set -o
#   pipefail` (also `set -euo pipefail`) before its first pipe, or when the SHELL is not a
#   POSIX shell (PowerShell, cmd). Windows images, whose default shell is cmd, are left alone.
# custom:
#   id: PC-DF-051
#   severity: warn
#   related: [hadolint:DL4006, trivy:DS032]
#   remediation: >-
#     Add `SHELL ["/bin/bash", "-o", "pipefail", "-c"]` (`/bin/ash` on Alpine) before the
#     first RUN with a pipe, or start the RUN with `set -o pipefail &&`.
package portcullis.rules.pipefail

import rego.v1

import data.portcullis.lib.dockerfile

warn contains finding if {
	count(unprotected) > 0
	some item in dockerfile.instructions
	item.instruction.keyword == "RUN"
	[item.stage.index, item.instruction.line] in unprotected
	finding := object.union(
		{
			"msg": "RUN pipes commands without pipefail: only the last command's failure fails the step. Set SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"] before it (/bin/ash on Alpine).",
			"line": item.instruction.line,
		},
		fix(item.stage),
	)
}

# The piped RUNs that nothing protects, as [stage index, line] (small elements: a set
# hashes each element it holds).
unprotected contains [item.stage.index, item.instruction.line] if {
	some item in dockerfile.commands
	item.program != "yes"
	next := item.instruction.commands[item.index + 1]
	next.pipeline == item.command.pipeline
	not windows(item.stage)
	not protected_by_shell(item.stage, item.instruction)
	not set_pipefail_before(item.instruction, item.command.pipeline)
}

shell_before(stage, instruction) if {
	some shell in shells[stage.index]
	shell.line < instruction.line
}

# The SHELL in effect for a RUN (the last one before it in its stage or the stages it
# builds on) sets pipefail, or is not a POSIX shell.
protected_by_shell(stage, instruction) if {
	before := [shell | some shell in shells[stage.index]; shell.line < instruction.line]
	count(before) > 0
	shell_protects(before[count(before) - 1].arguments)
}

# By stage index: the SHELL instructions the stage sets or inherits, oldest first.
# Computed once per stage, not once per piped command.
shells[stage.index] := [other |
	some other in dockerfile.chain_instructions(stage)
	other.keyword == "SHELL"
] if {
	some stage in dockerfile.stages
}

shell_protects(args) if {
	dockerfile.basename(args[0]) in {"bash", "zsh", "ash", "ksh", "mksh"}
	some i, arg in args
	i > 0
	sets_pipefail_option(args, i)
}

shell_protects(args) if {
	some prefix in {"pwsh", "powershell", "cmd"}
	startswith(lower(dockerfile.basename(args[0])), prefix)
}

# `-o pipefail`, `-eo pipefail`, `-euxo pipefail`.
sets_pipefail_option(args, i) if {
	regex.match(`^-[a-z]*o$`, args[i])
	args[i + 1] == "pipefail"
}

# `set -o pipefail` (or `set -euo pipefail`) runs before the pipeline.
set_pipefail_before(instruction, pipeline) if {
	some set in pipefail_sets
	set.line == instruction.line
	set.pipeline < pipeline
}

# Where a RUN sets pipefail, as {line of the RUN, pipeline}: found once, not by looking
# through the RUN's commands again for each pipe (quadratic in a long RUN).
pipefail_sets := [{"line": item.instruction.line, "pipeline": item.command.pipeline} |
	some item in dockerfile.commands
	argv := item.command.argv
	argv[0] == "set"
	some i, _ in argv
	sets_pipefail_option(argv, i)
]

# cmd, the default shell of Windows images, has no pipefail.
windows(stage) if {
	some index in dockerfile.stage_chain(stage)
	base := dockerfile.stages[index].base
	base.image
	regex.match(`(?i)(windows|servercore|nanoserver)`, base.image.name)
}

# One fix for the stage, repeated on each of its findings: a SHELL line inserted before the
# stage's first unprotected piped RUN, when no SHELL is set before it and the base image
# is known to have the shell (ash on Alpine and BusyBox, bash elsewhere; none on
# distroless images and scratch).
fix(stage) := {"fix": {
	"line": first.line,
	"end_line": first.line,
	"replacement": concat("", [indent, shell_line, "\n", line]),
	"description": concat(" ", ["Add", shell_line]),
}} if {
	lines := [line | some [index, line] in unprotected; index == stage.index]
	some first in stage.instructions
	first.line == min(lines)
	not shell_before(stage, first)
	shell_line := sprintf("SHELL [%q, \"-o\", \"pipefail\", \"-c\"]", [shell_for(stage)])
	line := dockerfile.source_line(first, first.line)
	indent := dockerfile.leading_blanks(line)
} else := {}

shell_for(stage) := "/bin/ash" if {
	image := root_image(stage)
	regex.match(`(^|/)(alpine|busybox)$`, image.repository)
} else := "/bin/ash" if {
	image := root_image(stage)
	is_string(image.tag)
	contains(image.tag, "alpine")
} else := "/bin/bash" if {
	image := root_image(stage)
	not contains(image.name, "distroless")
}

root_image(stage) := image if {
	some index in dockerfile.stage_chain(stage)
	image := dockerfile.stages[index].base.image
	image != null
}
