package portcullis.rules.apt_front_end_test

import rego.v1

import data.portcullis.lib.test_inputs
import data.portcullis.rules.apt_front_end

test_apt_is_reported_with_a_fix_to_apt_get if {
	findings := apt_front_end.info with input as apt
	test_inputs.at(findings, 2) == {
		{
			"msg": "\"apt update\" uses apt, whose command line is not stable for scripts: use apt-get.",
			"line": 2,
			"fix": {"line": 2, "end_line": 2, "replacement": "RUN apt-get update && apt install -y --no-install-recommends curl \\", "description": "Use apt-get"},
		},
		{
			"msg": "\"apt install -y --no-install-recommends curl\" uses apt, whose command line is not stable for scripts: use apt-get.",
			"line": 2,
			"fix": {"line": 2, "end_line": 2, "replacement": "RUN apt update && apt-get install -y --no-install-recommends curl \\", "description": "Use apt-get"},
		},
	}
}

# `apt list` has no apt-get equivalent, and aptitude's options differ: reported, not fixed.
test_apt_only_subcommands_and_aptitude_are_not_fixed if {
	findings := apt_front_end.info with input as apt
	test_inputs.lines(findings) == {2, 3, 4}
	test_inputs.fixes(test_inputs.at(findings, 3)) == set()
	test_inputs.fixes(test_inputs.at(findings, 4)) == set()
}

# Two commands on one line: the fix edits the one reported (apt-get's "apt" is not a word).
test_fix_of_the_second_command_on_a_line if {
	fixes := test_inputs.fixes(apt_front_end.info) with input as apt_twice
	fixes == {
		{"line": 2, "end_line": 2, "replacement": "RUN apt-get update && apt-get install -y jq && apt install -y git", "description": "Use apt-get"},
		{"line": 2, "end_line": 2, "replacement": "RUN apt-get update && apt install -y jq && apt-get install -y git", "description": "Use apt-get"},
	}
}

test_apt_get_and_apt_cache_pass if {
	count(apt_front_end.info) == 0 with input as apt_get
}

#  1 | FROM debian:12-slim
#  2 | RUN apt update && apt install -y --no-install-recommends curl \
#  3 |  && apt list --installed \
#  4 |  && aptitude install -y vim
apt := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 4,
				"base": {"raw": "debian:12-slim", "resolved": "debian:12-slim", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/debian", "tag": "12-slim", "digest": null, "name": "docker.io/library/debian", "normalized": "docker.io/library/debian:12-slim"}, "error": null},
				"instructions": [
					{
						"keyword": "RUN", "line": 2, "end_line": 4, "flags": [], "arguments": ["apt", "update", "&&", "apt", "install", "-y", "--no-install-recommends", "curl", "&&", "apt", "list", "--installed", "&&", "aptitude", "install", "-y", "vim"], "value": "apt update && apt install -y --no-install-recommends curl && apt list --installed && aptitude install -y vim", "form": "shell", "properties": [], "heredocs": [], "source": "RUN apt update && apt install -y --no-install-recommends curl \\\n && apt list --installed \\\n && aptitude install -y vim",
						"commands": [
							{"argv": ["apt", "update"], "assignments": [], "text": "apt update", "line": 2, "pipeline": 0, "position": 0},
							{"argv": ["apt", "install", "-y", "--no-install-recommends", "curl"], "assignments": [], "text": "apt install -y --no-install-recommends curl", "line": 2, "pipeline": 1, "position": 0},
							{"argv": ["apt", "list", "--installed"], "assignments": [], "text": "apt list --installed", "line": 3, "pipeline": 2, "position": 0},
							{"argv": ["aptitude", "install", "-y", "vim"], "assignments": [], "text": "aptitude install -y vim", "line": 4, "pipeline": 3, "position": 0},
						],
					},
				],
			},
		],
	},
}

#  1 | FROM debian:12-slim
#  2 | RUN apt-get update && apt install -y jq && apt install -y git
apt_twice := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 2,
				"base": {"raw": "debian:12-slim", "resolved": "debian:12-slim", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/debian", "tag": "12-slim", "digest": null, "name": "docker.io/library/debian", "normalized": "docker.io/library/debian:12-slim"}, "error": null},
				"instructions": [
					{
						"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["apt-get", "update", "&&", "apt", "install", "-y", "jq", "&&", "apt", "install", "-y", "git"], "value": "apt-get update && apt install -y jq && apt install -y git", "form": "shell", "properties": [], "heredocs": [], "source": "RUN apt-get update && apt install -y jq && apt install -y git",
						"commands": [
							{"argv": ["apt-get", "update"], "assignments": [], "text": "apt-get update", "line": 2, "pipeline": 0, "position": 0},
							{"argv": ["apt", "install", "-y", "jq"], "assignments": [], "text": "apt install -y jq", "line": 2, "pipeline": 1, "position": 0},
							{"argv": ["apt", "install", "-y", "git"], "assignments": [], "text": "apt install -y git", "line": 2, "pipeline": 2, "position": 0},
						],
					},
				],
			},
		],
	},
}

#  1 | FROM debian:12-slim
#  2 | RUN apt-get update && apt-cache policy curl && /usr/bin/apt-get install -y curl && echo apt
apt_get := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 2,
				"base": {"raw": "debian:12-slim", "resolved": "debian:12-slim", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/debian", "tag": "12-slim", "digest": null, "name": "docker.io/library/debian", "normalized": "docker.io/library/debian:12-slim"}, "error": null},
				"instructions": [
					{
						"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["apt-get", "update", "&&", "apt-cache", "policy", "curl", "&&", "/usr/bin/apt-get", "install", "-y", "curl", "&&", "echo", "apt"], "value": "apt-get update && apt-cache policy curl && /usr/bin/apt-get install -y curl && echo apt", "form": "shell", "properties": [], "heredocs": [], "source": "RUN apt-get update && apt-cache policy curl && /usr/bin/apt-get install -y curl && echo apt",
						"commands": [
							{"argv": ["apt-get", "update"], "assignments": [], "text": "apt-get update", "line": 2, "pipeline": 0, "position": 0},
							{"argv": ["apt-cache", "policy", "curl"], "assignments": [], "text": "apt-cache policy curl", "line": 2, "pipeline": 1, "position": 0},
							{"argv": ["/usr/bin/apt-get", "install", "-y", "curl"], "assignments": [], "text": "/usr/bin/apt-get install -y curl", "line": 2, "pipeline": 2, "position": 0},
							{"argv": ["echo", "apt"], "assignments": [], "text": "echo apt", "line": 2, "pipeline": 3, "position": 0},
						],
					},
				],
			},
		],
	},
}
