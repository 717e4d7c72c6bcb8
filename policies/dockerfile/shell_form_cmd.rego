# METADATA
# title: CMD or ENTRYPOINT in shell form
# description: >-
#   In shell form (`CMD node server.js`) the process is started by `/bin/sh -c`, which
#   becomes PID 1 and does not pass on SIGTERM: `docker stop` waits its timeout and
#   kills the application without a clean shutdown. A shell-form ENTRYPOINT also
#   ignores CMD and `docker run` arguments. The exec (JSON array) form starts the
#   program directly.
# custom:
#   id: PC-DF-012
#   severity: info
#   related: [hadolint:DL3025, docker:JSONArgsRecommended]
#   remediation: >-
#     Write `CMD ["node", "server.js"]`; if you need shell features, use
#     `CMD ["sh", "-c", "exec node server.js"]` so the program replaces the shell.
package portcullis.rules.shell_form_cmd

import rego.v1

import data.portcullis.lib.dockerfile

info contains finding if {
	some item in dockerfile.instructions
	instruction := item.instruction
	instruction.keyword in {"CMD", "ENTRYPOINT"}
	instruction.form == "shell"
	finding := object.union(
		{
			"msg": concat("", [instruction.keyword, " ", label(instruction.value), " uses the shell form: /bin/sh becomes PID 1 and does not forward SIGTERM to the program. Use the exec form, ", instruction.keyword, " [\"…\", \"…\"]."]),
			"line": instruction.line,
		},
		fix(item.stage, instruction),
	)
}

label(value) := value if count(value) <= 60

label(value) := concat("", [substring(value, 0, 59), "…"]) if count(value) > 60

# The exec form, when the value is plain words a shell would pass on unchanged and the
# first names a program (not a builtin such as `cd`, nor `VAR=value`); for ENTRYPOINT,
# only when the stage has no CMD, which the exec form would start appending as
# arguments; and only under the default shell, since after SHELL the words may be, say,
# PowerShell cmdlets.
fix(stage, instruction) := {"fix": {
	"line": instruction.line,
	"end_line": instruction.line,
	"replacement": replacement,
	"description": sprintf("Rewrite in exec form: %s", [replacement]),
}} if {
	instruction.line == instruction.end_line
	not regex.match(shell_syntax, instruction.value)
	not cmd_overridden(stage, instruction)
	not shell_replaced(stage, instruction)
	line := dockerfile.source_line(instruction, instruction.line)
	keyword := dockerfile.first_word(line)
	words := program_words(dockerfile.words(trim_space(instruction.value)))
	count(words) > 0
	runs_as_program(words[0])
	replacement := sprintf("%s [%s]", [keyword, concat(", ", [json.marshal(word) | some word in words])])
} else := {}

# `exec node server.js` asks the shell for what the exec form does anyway: drop `exec`.
program_words(words) := array.slice(words, 1, count(words)) if words[0] == "exec"

program_words(words) := words if words[0] != "exec"

# A word the exec form can start: not a shell builtin or keyword without a program of
# the same name, not an option (`exec -a name …`), not a `VAR=value` assignment.
runs_as_program(word) if {
	not word in shell_builtins
	not startswith(word, "-")
	not regex.match(`^[A-Za-z_][A-Za-z0-9_]*=`, word)
}

shell_builtins := {
	".", ":", "alias", "break", "case", "cd", "command", "continue", "eval", "exec", "exit",
	"export", "for", "function", "if", "local", "read", "readonly", "return", "select", "set",
	"shift", "source", "time", "trap", "ulimit", "umask", "unset", "until", "wait", "while",
}

shell_replaced(stage, instruction) if {
	some other in dockerfile.chain_instructions(stage)
	other.keyword == "SHELL"
	other.line < instruction.line
}

# Characters a shell would interpret: variables, pipes, lists, redirections, quotes,
# command substitution, globs, escapes, comments, `~`, subshells, groups, `!`.
shell_syntax := "[$|&;<>\"'`*?\\\\#~(){}\\[\\]!]"

cmd_overridden(stage, instruction) if {
	instruction.keyword == "ENTRYPOINT"
	some other in stage.instructions
	other.keyword == "CMD"
}
