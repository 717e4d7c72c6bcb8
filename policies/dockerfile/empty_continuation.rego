# METADATA
# title: Empty line inside a continued instruction
# description: >-
#   An empty (or blank) line after a line ending in `\` does not end the instruction: the
#   builder skips it and joins the next line on, so `RUN apt-get install -y curl \`, an
#   empty line, then `USER app` runs `apt-get install -y curl USER app`. BuildKit warns
#   that empty continuation lines are deprecated and will become an error (Docker build
#   check NoEmptyContinuation). Lines of here-document bodies are the document's own and
#   are not reported.
# custom:
#   id: PC-DF-077
#   severity: warn
#   related: [docker:NoEmptyContinuation]
#   remediation: >-
#     Delete the empty lines inside the instruction; to end it, remove the `\` from the
#     line before.
package portcullis.rules.empty_continuation

import rego.v1

import data.portcullis.lib.dockerfile

warn contains finding if {
	some item in dockerfile.instructions
	instruction := item.instruction
	instruction.end_line > instruction.line
	empty := empty_lines(instruction)
	count(empty) > 0
	finding := object.union(
		{
			"msg": sprintf("%s continues over %s: the builder skips %s and joins the next line to this instruction (deprecated; BuildKit will refuse it).", [instruction.keyword, _lines_label(empty), _pronoun(empty)]),
			"line": empty[0],
		},
		fix(instruction, empty),
	)
}

# The blank lines of a continued instruction, outside its here-document bodies, in order.
empty_lines(instruction) := [n |
	some n in numbers.range(instruction.line + 1, instruction.end_line)
	trim_space(dockerfile.source_line(instruction, n)) == ""
	not _in_heredoc(instruction, n)
]

_in_heredoc(instruction, n) if {
	some heredoc in instruction.heredocs
	heredoc.line <= n
	n <= heredoc.end_line
}

_lines_label(empty) := sprintf("an empty line (line %d)", [empty[0]]) if count(empty) == 1

_lines_label(empty) := sprintf("%d empty lines (lines %s)", [count(empty), concat(", ", [sprintf("%d", [n]) | some n in empty])]) if {
	count(empty) > 1
}

_pronoun(empty) := "it" if count(empty) == 1

_pronoun(empty) := "them" if count(empty) > 1

# The instruction without its blank lines: the same instruction, as the builder reads it.
fix(instruction, empty) := {"fix": {
	"line": instruction.line,
	"end_line": instruction.end_line,
	"replacement": concat("\n", [dockerfile.source_line(instruction, n) |
		some n in numbers.range(instruction.line, instruction.end_line)
		not n in skipped
	]),
	"description": "Delete the empty lines inside the instruction",
}} if {
	skipped := {n | some n in empty}
}
