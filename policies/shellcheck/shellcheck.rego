# METADATA
# title: ShellCheck finding in RUN
# description: >-
#   ShellCheck's analysis of the shell of every `RUN` (shell form and heredoc scripts, when
#   the RUN's SHELL is sh, bash, dash or ksh), on the Dockerfile line and column it points
#   at: unquoted variables that split and glob, `cd` without a check, pipes that hide a
#   failure, syntax a POSIX sh does not have. Hadolint runs ShellCheck the same way, so its
#   SC findings carry over. Severity follows ShellCheck's level: `error` and `warning` warn,
#   `info` and `style` are info. Change that mapping (or turn a level off with `ignore`) in a
#   policy data file under `portcullis.config.shellcheck.levels`, and drop codes with
#   `portcullis.config.shellcheck.ignore` (["SC2086"]); `# shellcheck disable=SC2086` in the
#   comment above a RUN drops it for that RUN. Needs `shellcheck` installed: without it the
#   facts are absent and this rule finds nothing (the CLI and the App say so).
# custom:
#   id: PC-SH-001
#   severity: warn
#   related: [shellcheck:SC2086, shellcheck:SC2046, shellcheck:SC2164, shellcheck:SC2035, shellcheck:SC2039]
#   remediation: >-
#     Fix the script as ShellCheck's wiki page for the code says (https://www.shellcheck.net/wiki/SCxxxx),
#     or, when the finding is intended, put `# shellcheck disable=SCxxxx` on the line above the RUN.
package portcullis.rules.shellcheck

import rego.v1

import data.portcullis.lib.dockerfile

default_levels := {"error": "warn", "warning": "warn", "info": "info", "style": "info"}

# policies/data.json holds the defaults; a repository's data file may replace them.
default _config := {}

_config := data.portcullis.config.shellcheck

# The result set each ShellCheck level goes to: deny, warn, info, or ignore.
levels := object.union(default_levels, object.get(_config, "levels", {}))

ignored := {code | some code in object.get(_config, "ignore", [])}

# Every ShellCheck finding of every RUN, with the result set it goes to; one pass over the instructions.
reported := [{"set": set, "finding": finding} |
	some item in dockerfile.instructions
	some found in object.get(item.instruction, "shellcheck", [])
	not found.code in ignored
	set := levels[found.level]
	finding := {
		"msg": message(found),
		"line": found.line,
		"end_line": found.end_line,
	}
]

# concat, not sprintf: sprintf calls out to JavaScript, once per finding. The facts' code,
# level and message are strings, and the column an integer (src/facts/shellcheck.ts).
message(found) := found.message if found.code == "limit"

else := concat("", [
	found.code, " (", found.level, ") at column ", format_int(found.column, 10), ": ",
	found.message, " See https://www.shellcheck.net/wiki/", found.code,
])

deny contains entry.finding if {
	some entry in reported
	entry.set == "deny"
}

warn contains entry.finding if {
	some entry in reported
	entry.set == "warn"
}

info contains entry.finding if {
	some entry in reported
	entry.set == "info"
}
