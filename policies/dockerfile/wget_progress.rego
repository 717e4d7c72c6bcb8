# METADATA
# title: wget without --progress
# description: >-
#   Without a terminal, wget prints a line of dots for every few kilobytes it fetches: a
#   large download fills the build log with thousands of lines that hide what matters.
#   `--progress=dot:giga` prints one line per 32 MB. As in Hadolint, wget is fine with
#   `--progress=…`, `-q`/`--quiet`, `-nv`/`--no-verbose`, or a log file (`-o`, `-a`,
#   `--output-file`, `--append-output`); short options may be combined (`-qO-`).
# custom:
#   id: PC-DF-053
#   severity: info
#   related: [hadolint:DL3047]
#   remediation: Add `--progress=dot:giga` (or `-q`) to the wget command.
package portcullis.rules.wget_progress

import rego.v1

import data.portcullis.lib.dockerfile

info contains finding if {
	some item in dockerfile.commands
	item.program == "wget"
	not quiet(item.args)
	finding := object.union(
		{
			"msg": sprintf("\"%s\" prints a progress line every few kilobytes into the build log: add --progress=dot:giga or -q.", [dockerfile.command_label(item.command)]),
			"line": item.command.line,
		},
		fix(item),
	)
}

quiet(args) if {
	some arg in args
	regex.match(`^--(progress|output-file|append-output)(=|$)|^--(quiet|no-verbose)$|^-nv$`, arg)
}

# Combined short options with q (quiet), o (log file) or a (append to a log file): `-qO-`.
quiet(args) if {
	some arg in args
	regex.match(`^-[A-Za-z0-9]*[qoa]`, arg)
	not startswith(arg, "-n")
}

fix(item) := {"fix": {
	"line": item.command.line,
	"end_line": item.command.line,
	"replacement": replacement,
	"description": "Add --progress=dot:giga",
}} if {
	replacement := dockerfile.line_with_program_option(item.instruction, item.command, " --progress=dot:giga")
} else := {}
