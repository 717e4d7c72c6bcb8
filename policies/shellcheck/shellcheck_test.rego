package portcullis.rules.shellcheck_test

import rego.v1

import data.portcullis.lib.test_inputs
import data.portcullis.rules.shellcheck

test_each_finding_is_reported_on_its_line_by_level if {
	shellcheck.info == {{
		"msg": "SC2086 (info) at column 24: Double quote to prevent globbing and word splitting. See https://www.shellcheck.net/wiki/SC2086",
		"line": 5,
		"end_line": 5,
	}} with input as scripts
	test_inputs.lines(shellcheck.warn) == {5, 10} with input as scripts
	count(shellcheck.deny) == 0 with input as scripts
}

test_a_heredoc_finding_keeps_its_body_line if {
	at_ten := test_inputs.at(shellcheck.warn, 10) with input as scripts
	at_ten == {{
		"msg": "SC2164 (warning) at column 1: Use 'cd ... || exit' or 'cd ... || return' in case cd fails. See https://www.shellcheck.net/wiki/SC2164",
		"line": 10,
		"end_line": 10,
	}}
}

test_levels_map_to_result_sets_from_data if {
	levels := {"error": "deny", "warning": "deny", "info": "ignore", "style": "ignore"}
	test_inputs.lines(shellcheck.deny) == {5, 10} with input as scripts
		with data.portcullis.config.shellcheck.levels as levels
	count(shellcheck.info) == 0 with input as scripts with data.portcullis.config.shellcheck.levels as levels
	count(shellcheck.warn) == 0 with input as scripts with data.portcullis.config.shellcheck.levels as levels
}

test_ignored_codes_are_dropped if {
	count(shellcheck.warn) == 0 with input as scripts with data.portcullis.config.shellcheck.ignore as ["SC2164"]
	count(shellcheck.info) == 1 with input as scripts with data.portcullis.config.shellcheck.ignore as ["SC2164"]
}

test_without_shellcheck_facts_nothing_is_reported if {
	count(shellcheck.warn) + count(shellcheck.info) == 0 with input as json.remove(scripts, ["dockerfile/stages/0/instructions/0/shellcheck", "dockerfile/stages/0/instructions/2/shellcheck"])
}

test_other_targets_are_ignored if {
	count(shellcheck.warn) == 0 with input as test_inputs.other_kind(scripts)
}

# The instructions' shellcheck facts as src/facts/shellcheck.ts gathered them with ShellCheck 0.9.0
# (other instruction fields left out):
#  1 | FROM debian
#  2 | RUN --mount=type=cache,target=/var/cache/apt \
#  3 |     apt-get update && \
#  4 |     # a comment
#  5 |     apt-get install -y $PKGS && cd /app
#  6 | # shellcheck disable=SC2164
#  7 | RUN cd /x
#  8 | RUN <<EOF
#  9 | echo "$A" | grep x
# 10 | cd /y
# 11 | EOF
scripts := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"references": [],
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [{
			"index": 0, "name": null, "final": true, "line": 1, "end_line": 11,
			"instructions": [
				{"keyword": "RUN", "line": 2, "end_line": 5, "shellcheck": [
					{"code": "SC2086", "level": "info", "message": "Double quote to prevent globbing and word splitting.", "line": 5, "column": 24, "end_line": 5, "end_column": 29},
					{"code": "SC2164", "level": "warning", "message": "Use 'cd ... || exit' or 'cd ... || return' in case cd fails.", "line": 5, "column": 33, "end_line": 5, "end_column": 40},
				]},
				{"keyword": "RUN", "line": 7, "end_line": 7, "shellcheck": []},
				{"keyword": "RUN", "line": 8, "end_line": 11, "shellcheck": [{"code": "SC2164", "level": "warning", "message": "Use 'cd ... || exit' or 'cd ... || return' in case cd fails.", "line": 10, "column": 1, "end_line": 10, "end_column": 6}]},
			],
		}],
	},
}
