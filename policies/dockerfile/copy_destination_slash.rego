# METADATA
# title: COPY of several sources to a destination without a trailing slash
# description: >-
#   When COPY or ADD names more than one source, the destination must be a directory
#   written with a trailing `/`: the classic builder fails the build, and BuildKit quietly
#   creates the directory, so the same line means different things to different builders.
#   `.` is no exception. A destination with a variable is left alone (its value is not
#   known here), as are heredoc sources.
# custom:
#   id: PC-DF-056
#   severity: warn
#   related: [hadolint:DL3021, trivy:DS011]
#   remediation: End the destination with `/`, such as `COPY package.json package-lock.json ./`.
package portcullis.rules.copy_destination_slash

import rego.v1

import data.portcullis.lib.dockerfile

warn contains finding if {
	some item in dockerfile.instructions
	instruction := item.instruction
	instruction.keyword in {"COPY", "ADD"}
	count(instruction.heredocs) == 0
	count(instruction.arguments) > 2
	destination := instruction.arguments[count(instruction.arguments) - 1]
	not regex.match(`[/\\]$`, destination)
	not contains(destination, "$")
	finding := object.union(
		{
			"msg": sprintf("%s copies %d sources to %q: with several sources the destination must end with /, as in %q.", [instruction.keyword, count(instruction.arguments) - 1, destination, concat("", [destination, "/"])]),
			"line": instruction.line,
		},
		fix(instruction, destination),
	)
}

# The destination ends the line: shell form on one line.
fix(instruction, destination) := {"fix": {
	"line": instruction.line,
	"end_line": instruction.line,
	"replacement": replacement,
	"description": sprintf("Write the destination as %s/", [destination]),
}} if {
	instruction.form != "exec"
	instruction.line == instruction.end_line
	line := trim_right(instruction.source, " \t")
	endswith(line, concat("", [" ", destination]))
	replacement := concat("", [line, "/"])
} else := {}
