package portcullis.rules.apt_install_yes_test

import rego.v1

import data.portcullis.lib.test_inputs
import data.portcullis.rules.apt_install_recommends
import data.portcullis.rules.apt_install_yes

test_install_without_yes_is_warned_with_a_fix if {
	findings := apt_install_yes.warn with input as no_yes
	findings == {{
		"msg": "\"apt-get install --no-install-recommends curl\" has no -y: apt asks for a confirmation the build cannot give, and aborts. Add -y.",
		"line": 3,
		"fix": {
			"line": 3,
			"end_line": 3,
			"replacement": " && apt-get install -y --no-install-recommends curl \\",
			"description": "Add -y",
		},
	}}
}

test_every_way_of_answering_yes_passes if {
	count(apt_install_yes.warn) == 0 with input as yes_forms
}

test_options_before_install_and_apt_are_fixed_after_install if {
	fixes := test_inputs.fixes(apt_install_yes.warn) with input as option_first
	fixes == {
		{"line": 2, "end_line": 2, "replacement": "RUN apt-get -q install -y --no-install-recommends tini", "description": "Add -y"},
		{"line": 3, "end_line": 3, "replacement": "RUN apt install -y --no-install-recommends jq", "description": "Add -y"},
		{"line": 4, "end_line": 4, "replacement": "RUN apt-get -o Dpkg::Options::=--force-confold install -y --no-install-recommends nginx", "description": "Add -y"},
	}
}

# Only `yes` answers the prompt; other input piped into apt-get does not.
test_other_pipes_into_apt_get_are_warned if {
	lines := test_inputs.lines(apt_install_yes.warn) with input as piped
	lines == {2}
}

# Long commands are shortened in messages.
test_long_commands_are_shortened_in_the_message if {
	findings := apt_install_yes.warn with input as long_command
	some finding in findings
	startswith(finding.msg, "\"apt-get install --no-install-recommends build-essential lib…\" has no -y")
}

# PC-DF-005 and PC-DF-016 on the same command: two independent fixes of the original line.
test_fix_is_independent_of_the_recommends_fix if {
	yes := test_inputs.fixes(apt_install_yes.warn) with input as both
	recommends := test_inputs.fixes(apt_install_recommends.warn) with input as both
	yes == {{"line": 2, "end_line": 2, "replacement": "RUN apt-get update && apt-get install -y curl", "description": "Add -y"}}
	recommends == {{"line": 2, "end_line": 2, "replacement": "RUN apt-get update && apt-get install --no-install-recommends curl", "description": "Add --no-install-recommends"}}
}

test_other_targets_are_ignored if {
	count(apt_install_yes.warn) == 0 with input as test_inputs.other_kind(no_yes)
}

#  1 | FROM debian:12-slim
#  2 | RUN apt-get update \
#  3 |  && apt-get install --no-install-recommends curl \
#  4 |  && rm -rf /var/lib/apt/lists/*
no_yes := {
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
						"keyword": "RUN", "line": 2, "end_line": 4, "flags": [], "arguments": ["apt-get", "update", "&&", "apt-get", "install", "--no-install-recommends", "curl", "&&", "rm", "-rf", "/var/lib/apt/lists/*"], "value": "apt-get update && apt-get install --no-install-recommends curl && rm -rf /var/lib/apt/lists/*", "form": "shell", "properties": [], "heredocs": [], "source": "RUN apt-get update \\\n && apt-get install --no-install-recommends curl \\\n && rm -rf /var/lib/apt/lists/*",
						"commands": [
							{"argv": ["apt-get", "update"], "assignments": [], "text": "apt-get update", "line": 2, "pipeline": 0, "position": 0},
							{"argv": ["apt-get", "install", "--no-install-recommends", "curl"], "assignments": [], "text": "apt-get install --no-install-recommends curl", "line": 3, "pipeline": 1, "position": 0},
							{"argv": ["rm", "-rf", "/var/lib/apt/lists/*"], "assignments": [], "text": "rm -rf /var/lib/apt/lists/*", "line": 4, "pipeline": 2, "position": 0},
						],
					},
				],
			},
		],
	},
}

#  1 | FROM debian:12-slim
#  2 | RUN apt-get install -y --no-install-recommends a
#  3 | RUN apt-get install --yes --no-install-recommends b
#  4 | RUN apt-get install --assume-yes --no-install-recommends c
#  5 | RUN apt-get -qy install --no-install-recommends d
#  6 | RUN apt-get install -yq --no-install-recommends e
#  7 | RUN apt-get -o APT::Get::Assume-Yes=true install --no-install-recommends f
#  8 | RUN yes | apt-get install --no-install-recommends g
yes_forms := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 8,
				"base": {"raw": "debian:12-slim", "resolved": "debian:12-slim", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/debian", "tag": "12-slim", "digest": null, "name": "docker.io/library/debian", "normalized": "docker.io/library/debian:12-slim"}, "error": null},
				"instructions": [
					{
						"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["apt-get", "install", "-y", "--no-install-recommends", "a"], "value": "apt-get install -y --no-install-recommends a", "form": "shell", "properties": [], "heredocs": [], "source": "RUN apt-get install -y --no-install-recommends a",
						"commands": [
							{"argv": ["apt-get", "install", "-y", "--no-install-recommends", "a"], "assignments": [], "text": "apt-get install -y --no-install-recommends a", "line": 2, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 3, "end_line": 3, "flags": [], "arguments": ["apt-get", "install", "--yes", "--no-install-recommends", "b"], "value": "apt-get install --yes --no-install-recommends b", "form": "shell", "properties": [], "heredocs": [], "source": "RUN apt-get install --yes --no-install-recommends b",
						"commands": [
							{"argv": ["apt-get", "install", "--yes", "--no-install-recommends", "b"], "assignments": [], "text": "apt-get install --yes --no-install-recommends b", "line": 3, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 4, "end_line": 4, "flags": [], "arguments": ["apt-get", "install", "--assume-yes", "--no-install-recommends", "c"], "value": "apt-get install --assume-yes --no-install-recommends c", "form": "shell", "properties": [], "heredocs": [], "source": "RUN apt-get install --assume-yes --no-install-recommends c",
						"commands": [
							{"argv": ["apt-get", "install", "--assume-yes", "--no-install-recommends", "c"], "assignments": [], "text": "apt-get install --assume-yes --no-install-recommends c", "line": 4, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 5, "end_line": 5, "flags": [], "arguments": ["apt-get", "-qy", "install", "--no-install-recommends", "d"], "value": "apt-get -qy install --no-install-recommends d", "form": "shell", "properties": [], "heredocs": [], "source": "RUN apt-get -qy install --no-install-recommends d",
						"commands": [
							{"argv": ["apt-get", "-qy", "install", "--no-install-recommends", "d"], "assignments": [], "text": "apt-get -qy install --no-install-recommends d", "line": 5, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 6, "end_line": 6, "flags": [], "arguments": ["apt-get", "install", "-yq", "--no-install-recommends", "e"], "value": "apt-get install -yq --no-install-recommends e", "form": "shell", "properties": [], "heredocs": [], "source": "RUN apt-get install -yq --no-install-recommends e",
						"commands": [
							{"argv": ["apt-get", "install", "-yq", "--no-install-recommends", "e"], "assignments": [], "text": "apt-get install -yq --no-install-recommends e", "line": 6, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 7, "end_line": 7, "flags": [], "arguments": ["apt-get", "-o", "APT::Get::Assume-Yes=true", "install", "--no-install-recommends", "f"], "value": "apt-get -o APT::Get::Assume-Yes=true install --no-install-recommends f", "form": "shell", "properties": [], "heredocs": [], "source": "RUN apt-get -o APT::Get::Assume-Yes=true install --no-install-recommends f",
						"commands": [
							{"argv": ["apt-get", "-o", "APT::Get::Assume-Yes=true", "install", "--no-install-recommends", "f"], "assignments": [], "text": "apt-get -o APT::Get::Assume-Yes=true install --no-install-recommends f", "line": 7, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 8, "end_line": 8, "flags": [], "arguments": ["yes", "|", "apt-get", "install", "--no-install-recommends", "g"], "value": "yes | apt-get install --no-install-recommends g", "form": "shell", "properties": [], "heredocs": [], "source": "RUN yes | apt-get install --no-install-recommends g",
						"commands": [
							{"argv": ["yes"], "assignments": [], "text": "yes", "line": 8, "pipeline": 0, "position": 0},
							{"argv": ["apt-get", "install", "--no-install-recommends", "g"], "assignments": [], "text": "apt-get install --no-install-recommends g", "line": 8, "pipeline": 0, "position": 1},
						],
					},
				],
			},
		],
	},
}

#  1 | FROM debian:12-slim
#  2 | RUN apt-get -q install --no-install-recommends tini
#  3 | RUN apt install --no-install-recommends jq
#  4 | RUN apt-get -o Dpkg::Options::=--force-confold install --no-install-recommends nginx
option_first := {
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
						"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["apt-get", "-q", "install", "--no-install-recommends", "tini"], "value": "apt-get -q install --no-install-recommends tini", "form": "shell", "properties": [], "heredocs": [], "source": "RUN apt-get -q install --no-install-recommends tini",
						"commands": [
							{"argv": ["apt-get", "-q", "install", "--no-install-recommends", "tini"], "assignments": [], "text": "apt-get -q install --no-install-recommends tini", "line": 2, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 3, "end_line": 3, "flags": [], "arguments": ["apt", "install", "--no-install-recommends", "jq"], "value": "apt install --no-install-recommends jq", "form": "shell", "properties": [], "heredocs": [], "source": "RUN apt install --no-install-recommends jq",
						"commands": [
							{"argv": ["apt", "install", "--no-install-recommends", "jq"], "assignments": [], "text": "apt install --no-install-recommends jq", "line": 3, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 4, "end_line": 4, "flags": [], "arguments": ["apt-get", "-o", "Dpkg::Options::=--force-confold", "install", "--no-install-recommends", "nginx"], "value": "apt-get -o Dpkg::Options::=--force-confold install --no-install-recommends nginx", "form": "shell", "properties": [], "heredocs": [], "source": "RUN apt-get -o Dpkg::Options::=--force-confold install --no-install-recommends nginx",
						"commands": [
							{"argv": ["apt-get", "-o", "Dpkg::Options::=--force-confold", "install", "--no-install-recommends", "nginx"], "assignments": [], "text": "apt-get -o Dpkg::Options::=--force-confold install --no-install-recommends nginx", "line": 4, "pipeline": 0, "position": 0},
						],
					},
				],
			},
		],
	},
}

#  1 | FROM debian:12-slim
#  2 | RUN cat /tmp/answers | apt-get install --no-install-recommends tzdata
#  3 | RUN yes | apt-get install --no-install-recommends keyboard-configuration
piped := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 3,
				"base": {"raw": "debian:12-slim", "resolved": "debian:12-slim", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/debian", "tag": "12-slim", "digest": null, "name": "docker.io/library/debian", "normalized": "docker.io/library/debian:12-slim"}, "error": null},
				"instructions": [
					{
						"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["cat", "/tmp/answers", "|", "apt-get", "install", "--no-install-recommends", "tzdata"], "value": "cat /tmp/answers | apt-get install --no-install-recommends tzdata", "form": "shell", "properties": [], "heredocs": [], "source": "RUN cat /tmp/answers | apt-get install --no-install-recommends tzdata",
						"commands": [
							{"argv": ["cat", "/tmp/answers"], "assignments": [], "text": "cat /tmp/answers", "line": 2, "pipeline": 0, "position": 0},
							{"argv": ["apt-get", "install", "--no-install-recommends", "tzdata"], "assignments": [], "text": "apt-get install --no-install-recommends tzdata", "line": 2, "pipeline": 0, "position": 1},
						],
					},
					{
						"keyword": "RUN", "line": 3, "end_line": 3, "flags": [], "arguments": ["yes", "|", "apt-get", "install", "--no-install-recommends", "keyboard-configuration"], "value": "yes | apt-get install --no-install-recommends keyboard-configuration", "form": "shell", "properties": [], "heredocs": [], "source": "RUN yes | apt-get install --no-install-recommends keyboard-configuration",
						"commands": [
							{"argv": ["yes"], "assignments": [], "text": "yes", "line": 3, "pipeline": 0, "position": 0},
							{"argv": ["apt-get", "install", "--no-install-recommends", "keyboard-configuration"], "assignments": [], "text": "apt-get install --no-install-recommends keyboard-configuration", "line": 3, "pipeline": 0, "position": 1},
						],
					},
				],
			},
		],
	},
}

#  1 | FROM debian:12-slim
#  2 | RUN apt-get install --no-install-recommends build-essential libssl-dev libffi-dev python3-dev
long_command := {
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
						"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["apt-get", "install", "--no-install-recommends", "build-essential", "libssl-dev", "libffi-dev", "python3-dev"], "value": "apt-get install --no-install-recommends build-essential libssl-dev libffi-dev python3-dev", "form": "shell", "properties": [], "heredocs": [], "source": "RUN apt-get install --no-install-recommends build-essential libssl-dev libffi-dev python3-dev",
						"commands": [
							{"argv": ["apt-get", "install", "--no-install-recommends", "build-essential", "libssl-dev", "libffi-dev", "python3-dev"], "assignments": [], "text": "apt-get install --no-install-recommends build-essential libssl-dev libffi-dev python3-dev", "line": 2, "pipeline": 0, "position": 0},
						],
					},
				],
			},
		],
	},
}

#  1 | FROM debian:12-slim
#  2 | RUN apt-get update && apt-get install curl
both := {
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
						"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["apt-get", "update", "&&", "apt-get", "install", "curl"], "value": "apt-get update && apt-get install curl", "form": "shell", "properties": [], "heredocs": [], "source": "RUN apt-get update && apt-get install curl",
						"commands": [
							{"argv": ["apt-get", "update"], "assignments": [], "text": "apt-get update", "line": 2, "pipeline": 0, "position": 0},
							{"argv": ["apt-get", "install", "curl"], "assignments": [], "text": "apt-get install curl", "line": 2, "pipeline": 1, "position": 0},
						],
					},
				],
			},
		],
	},
}

# ---- #13

# apt-get's manual: quiet level 2 implies -y; one -q does not (Hadolint's DL3014 accepts it).
test_quiet_level_two_answers_yes if {
	lines := test_inputs.lines(apt_install_yes.warn) with input as quiet_forms
	lines == {2, 7}
}

#  1 | FROM debian:12-slim
#  2 | RUN apt-get -q install --no-install-recommends a
#  3 | RUN apt-get -qq install --no-install-recommends b
#  4 | RUN apt-get -q=2 install --no-install-recommends c
#  5 | RUN apt-get --quiet --quiet install --no-install-recommends d
#  6 | RUN apt-get -q -q install --no-install-recommends e
#  7 | RUN aptitude -q=2 install --without-recommends f
#  8 | RUN aptitude install -y --without-recommends g
quiet_forms := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 8,
				"base": {"raw": "debian:12-slim", "resolved": "debian:12-slim", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/debian", "tag": "12-slim", "digest": null, "name": "docker.io/library/debian", "normalized": "docker.io/library/debian:12-slim"}, "error": null},
				"instructions": [
					{
						"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["apt-get", "-q", "install", "--no-install-recommends", "a"], "value": "apt-get -q install --no-install-recommends a", "form": "shell", "properties": [], "heredocs": [], "source": "RUN apt-get -q install --no-install-recommends a",
						"commands": [
							{"argv": ["apt-get", "-q", "install", "--no-install-recommends", "a"], "assignments": [], "text": "apt-get -q install --no-install-recommends a", "line": 2, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 3, "end_line": 3, "flags": [], "arguments": ["apt-get", "-qq", "install", "--no-install-recommends", "b"], "value": "apt-get -qq install --no-install-recommends b", "form": "shell", "properties": [], "heredocs": [], "source": "RUN apt-get -qq install --no-install-recommends b",
						"commands": [
							{"argv": ["apt-get", "-qq", "install", "--no-install-recommends", "b"], "assignments": [], "text": "apt-get -qq install --no-install-recommends b", "line": 3, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 4, "end_line": 4, "flags": [], "arguments": ["apt-get", "-q=2", "install", "--no-install-recommends", "c"], "value": "apt-get -q=2 install --no-install-recommends c", "form": "shell", "properties": [], "heredocs": [], "source": "RUN apt-get -q=2 install --no-install-recommends c",
						"commands": [
							{"argv": ["apt-get", "-q=2", "install", "--no-install-recommends", "c"], "assignments": [], "text": "apt-get -q=2 install --no-install-recommends c", "line": 4, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 5, "end_line": 5, "flags": [], "arguments": ["apt-get", "--quiet", "--quiet", "install", "--no-install-recommends", "d"], "value": "apt-get --quiet --quiet install --no-install-recommends d", "form": "shell", "properties": [], "heredocs": [], "source": "RUN apt-get --quiet --quiet install --no-install-recommends d",
						"commands": [
							{"argv": ["apt-get", "--quiet", "--quiet", "install", "--no-install-recommends", "d"], "assignments": [], "text": "apt-get --quiet --quiet install --no-install-recommends d", "line": 5, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 6, "end_line": 6, "flags": [], "arguments": ["apt-get", "-q", "-q", "install", "--no-install-recommends", "e"], "value": "apt-get -q -q install --no-install-recommends e", "form": "shell", "properties": [], "heredocs": [], "source": "RUN apt-get -q -q install --no-install-recommends e",
						"commands": [
							{"argv": ["apt-get", "-q", "-q", "install", "--no-install-recommends", "e"], "assignments": [], "text": "apt-get -q -q install --no-install-recommends e", "line": 6, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 7, "end_line": 7, "flags": [], "arguments": ["aptitude", "-q=2", "install", "--without-recommends", "f"], "value": "aptitude -q=2 install --without-recommends f", "form": "shell", "properties": [], "heredocs": [], "source": "RUN aptitude -q=2 install --without-recommends f",
						"commands": [
							{"argv": ["aptitude", "-q=2", "install", "--without-recommends", "f"], "assignments": [], "text": "aptitude -q=2 install --without-recommends f", "line": 7, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 8, "end_line": 8, "flags": [], "arguments": ["aptitude", "install", "-y", "--without-recommends", "g"], "value": "aptitude install -y --without-recommends g", "form": "shell", "properties": [], "heredocs": [], "source": "RUN aptitude install -y --without-recommends g",
						"commands": [
							{"argv": ["aptitude", "install", "-y", "--without-recommends", "g"], "assignments": [], "text": "aptitude install -y --without-recommends g", "line": 8, "pipeline": 0, "position": 0},
						],
					},
				],
			},
		],
	},
}
