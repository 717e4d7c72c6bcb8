package portcullis.lib.packages_test

import rego.v1

import data.portcullis.lib.dockerfile
import data.portcullis.lib.packages

# The parsed view of each command, in a form short enough to read.
parsed := [{"manager": item.manager, "subcommand": item.subcommand, "operands": item.operands, "options": options} |
	some item in packages.invocations
	options := [[option.name, option.value, option.global] | some option in item.options]
]

test_options_are_parsed_the_way_each_tool_parses_them if {
	result := parsed with input as commands
	result == [
		# sudo with its -u value, -o with its value, combined -qy, an option after the subcommand
		{"manager": "apt-get", "subcommand": "install", "operands": ["curl=7.88.1-10"], "options": [["-o", "Dpkg::Options::=--force-confold", true], ["-q", null, true], ["-y", null, true], ["--no-install-recommends", null, false]]},
		# -q=2 is one option with a value
		{"manager": "apt-get", "subcommand": "install", "operands": ["jq"], "options": [["-q", "2", true]]},
		# python3 -m pip is pip; -r takes a value
		{"manager": "pip", "subcommand": "install", "operands": ["flask==3.0.3"], "options": [["--no-cache-dir", null, true], ["-r", "requirements.txt", false]]},
		# zypper's global -n, then -t with its value after the subcommand
		{"manager": "zypper", "subcommand": "in", "operands": ["devel_basis"], "options": [["-n", null, true], ["-t", "pattern", false]]},
		# go's flags are single-dash long names
		{"manager": "go", "subcommand": "install", "operands": ["example.com/tool@v1.2.3"], "options": [["-ldflags", "-s -w", false], ["-tags", "netgo", false]]},
		# apk's -t takes the rest of the word as its value
		{"manager": "apk", "subcommand": "add", "operands": ["gcc"], "options": [["-t", ".deps", false], ["--no-cache", null, false]]},
		# after gem's --, the words belong to the extension build
		{"manager": "gem", "subcommand": "install", "operands": ["pg"], "options": [["-v", "1.5.6", false]]},
		# a bare yarn installs: no subcommand
		{"manager": "yarn", "subcommand": "", "operands": [], "options": [["--frozen-lockfile", null, true]]},
		# after --, words are operands even when they look like options
		{"manager": "npm", "subcommand": "install", "operands": ["-weird-name"], "options": []},
	]
}

test_quiet_level_follows_apt_get if {
	levels := [packages.apt_quiet_level(item) | some item in packages.invocations] with input as quiet
	levels == [1, 2, 2, 2, 2, 0]
}

# The final stage and the stages it builds on ship; a stage only copied from does not.
test_shipped_stages_follow_from_not_copy_from if {
	dockerfile.shipped_stages == {1, 2} with input as stages
}

test_programs_that_are_no_package_manager_are_left_out if {
	count(packages.invocations) == 0 with input as others
}

#  1 | FROM debian:12-slim
#  2 | RUN sudo -u root apt-get -o Dpkg::Options::=--force-confold -qy install --no-install-recommends curl=7.88.1-10
#  3 | RUN apt-get -q=2 install jq
#  4 | RUN python3 -m pip --no-cache-dir install -r requirements.txt flask==3.0.3
#  5 | RUN zypper -n in -t pattern devel_basis
#  6 | RUN go install -ldflags "-s -w" -tags netgo example.com/tool@v1.2.3
#  7 | RUN apk add -t.deps --no-cache gcc
#  8 | RUN gem install pg -v 1.5.6 -- --with-pg-config=/usr/bin/pg_config
#  9 | RUN yarn --frozen-lockfile
# 10 | RUN npm install -- -weird-name
commands := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 10,
				"base": {"raw": "debian:12-slim", "resolved": "debian:12-slim", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/debian", "tag": "12-slim", "digest": null, "name": "docker.io/library/debian", "normalized": "docker.io/library/debian:12-slim"}, "error": null},
				"instructions": [
					{
						"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["sudo", "-u", "root", "apt-get", "-o", "Dpkg::Options::=--force-confold", "-qy", "install", "--no-install-recommends", "curl=7.88.1-10"], "value": "sudo -u root apt-get -o Dpkg::Options::=--force-confold -qy install --no-install-recommends curl=7.88.1-10", "form": "shell", "properties": [], "heredocs": [], "source": "RUN sudo -u root apt-get -o Dpkg::Options::=--force-confold -qy install --no-install-recommends curl=7.88.1-10",
						"commands": [
							{"argv": ["sudo", "-u", "root", "apt-get", "-o", "Dpkg::Options::=--force-confold", "-qy", "install", "--no-install-recommends", "curl=7.88.1-10"], "assignments": [], "text": "sudo -u root apt-get -o Dpkg::Options::=--force-confold -qy install --no-install-recommends curl=7.88.1-10", "line": 2, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 3, "end_line": 3, "flags": [], "arguments": ["apt-get", "-q=2", "install", "jq"], "value": "apt-get -q=2 install jq", "form": "shell", "properties": [], "heredocs": [], "source": "RUN apt-get -q=2 install jq",
						"commands": [
							{"argv": ["apt-get", "-q=2", "install", "jq"], "assignments": [], "text": "apt-get -q=2 install jq", "line": 3, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 4, "end_line": 4, "flags": [], "arguments": ["python3", "-m", "pip", "--no-cache-dir", "install", "-r", "requirements.txt", "flask==3.0.3"], "value": "python3 -m pip --no-cache-dir install -r requirements.txt flask==3.0.3", "form": "shell", "properties": [], "heredocs": [], "source": "RUN python3 -m pip --no-cache-dir install -r requirements.txt flask==3.0.3",
						"commands": [
							{"argv": ["python3", "-m", "pip", "--no-cache-dir", "install", "-r", "requirements.txt", "flask==3.0.3"], "assignments": [], "text": "python3 -m pip --no-cache-dir install -r requirements.txt flask==3.0.3", "line": 4, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 5, "end_line": 5, "flags": [], "arguments": ["zypper", "-n", "in", "-t", "pattern", "devel_basis"], "value": "zypper -n in -t pattern devel_basis", "form": "shell", "properties": [], "heredocs": [], "source": "RUN zypper -n in -t pattern devel_basis",
						"commands": [
							{"argv": ["zypper", "-n", "in", "-t", "pattern", "devel_basis"], "assignments": [], "text": "zypper -n in -t pattern devel_basis", "line": 5, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 6, "end_line": 6, "flags": [], "arguments": ["go", "install", "-ldflags", "\"-s", "-w\"", "-tags", "netgo", "example.com/tool@v1.2.3"], "value": "go install -ldflags \"-s -w\" -tags netgo example.com/tool@v1.2.3", "form": "shell", "properties": [], "heredocs": [], "source": "RUN go install -ldflags \"-s -w\" -tags netgo example.com/tool@v1.2.3",
						"commands": [
							{"argv": ["go", "install", "-ldflags", "-s -w", "-tags", "netgo", "example.com/tool@v1.2.3"], "assignments": [], "text": "go install -ldflags \"-s -w\" -tags netgo example.com/tool@v1.2.3", "line": 6, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 7, "end_line": 7, "flags": [], "arguments": ["apk", "add", "-t.deps", "--no-cache", "gcc"], "value": "apk add -t.deps --no-cache gcc", "form": "shell", "properties": [], "heredocs": [], "source": "RUN apk add -t.deps --no-cache gcc",
						"commands": [
							{"argv": ["apk", "add", "-t.deps", "--no-cache", "gcc"], "assignments": [], "text": "apk add -t.deps --no-cache gcc", "line": 7, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 8, "end_line": 8, "flags": [], "arguments": ["gem", "install", "pg", "-v", "1.5.6", "--", "--with-pg-config=/usr/bin/pg_config"], "value": "gem install pg -v 1.5.6 -- --with-pg-config=/usr/bin/pg_config", "form": "shell", "properties": [], "heredocs": [], "source": "RUN gem install pg -v 1.5.6 -- --with-pg-config=/usr/bin/pg_config",
						"commands": [
							{"argv": ["gem", "install", "pg", "-v", "1.5.6", "--", "--with-pg-config=/usr/bin/pg_config"], "assignments": [], "text": "gem install pg -v 1.5.6 -- --with-pg-config=/usr/bin/pg_config", "line": 8, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 9, "end_line": 9, "flags": [], "arguments": ["yarn", "--frozen-lockfile"], "value": "yarn --frozen-lockfile", "form": "shell", "properties": [], "heredocs": [], "source": "RUN yarn --frozen-lockfile",
						"commands": [
							{"argv": ["yarn", "--frozen-lockfile"], "assignments": [], "text": "yarn --frozen-lockfile", "line": 9, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 10, "end_line": 10, "flags": [], "arguments": ["npm", "install", "--", "-weird-name"], "value": "npm install -- -weird-name", "form": "shell", "properties": [], "heredocs": [], "source": "RUN npm install -- -weird-name",
						"commands": [
							{"argv": ["npm", "install", "--", "-weird-name"], "assignments": [], "text": "npm install -- -weird-name", "line": 10, "pipeline": 0, "position": 0},
						],
					},
				],
			},
		],
	},
}

#  1 | FROM debian:12-slim
#  2 | RUN apt-get -q install a
#  3 | RUN apt-get -qq install b
#  4 | RUN apt-get -q -q install c
#  5 | RUN apt-get --quiet --quiet install d
#  6 | RUN apt-get -q=2 install e
#  7 | RUN apt-get install f
quiet := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 7,
				"base": {"raw": "debian:12-slim", "resolved": "debian:12-slim", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/debian", "tag": "12-slim", "digest": null, "name": "docker.io/library/debian", "normalized": "docker.io/library/debian:12-slim"}, "error": null},
				"instructions": [
					{
						"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["apt-get", "-q", "install", "a"], "value": "apt-get -q install a", "form": "shell", "properties": [], "heredocs": [], "source": "RUN apt-get -q install a",
						"commands": [
							{"argv": ["apt-get", "-q", "install", "a"], "assignments": [], "text": "apt-get -q install a", "line": 2, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 3, "end_line": 3, "flags": [], "arguments": ["apt-get", "-qq", "install", "b"], "value": "apt-get -qq install b", "form": "shell", "properties": [], "heredocs": [], "source": "RUN apt-get -qq install b",
						"commands": [
							{"argv": ["apt-get", "-qq", "install", "b"], "assignments": [], "text": "apt-get -qq install b", "line": 3, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 4, "end_line": 4, "flags": [], "arguments": ["apt-get", "-q", "-q", "install", "c"], "value": "apt-get -q -q install c", "form": "shell", "properties": [], "heredocs": [], "source": "RUN apt-get -q -q install c",
						"commands": [
							{"argv": ["apt-get", "-q", "-q", "install", "c"], "assignments": [], "text": "apt-get -q -q install c", "line": 4, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 5, "end_line": 5, "flags": [], "arguments": ["apt-get", "--quiet", "--quiet", "install", "d"], "value": "apt-get --quiet --quiet install d", "form": "shell", "properties": [], "heredocs": [], "source": "RUN apt-get --quiet --quiet install d",
						"commands": [
							{"argv": ["apt-get", "--quiet", "--quiet", "install", "d"], "assignments": [], "text": "apt-get --quiet --quiet install d", "line": 5, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 6, "end_line": 6, "flags": [], "arguments": ["apt-get", "-q=2", "install", "e"], "value": "apt-get -q=2 install e", "form": "shell", "properties": [], "heredocs": [], "source": "RUN apt-get -q=2 install e",
						"commands": [
							{"argv": ["apt-get", "-q=2", "install", "e"], "assignments": [], "text": "apt-get -q=2 install e", "line": 6, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 7, "end_line": 7, "flags": [], "arguments": ["apt-get", "install", "f"], "value": "apt-get install f", "form": "shell", "properties": [], "heredocs": [], "source": "RUN apt-get install f",
						"commands": [
							{"argv": ["apt-get", "install", "f"], "assignments": [], "text": "apt-get install f", "line": 7, "pipeline": 0, "position": 0},
						],
					},
				],
			},
		],
	},
}

#  1 | FROM golang:1.22 AS build
#  2 | RUN go build -o /app .
#  3 | FROM debian:12-slim AS base
#  4 | RUN apt-get update
#  5 | FROM base
#  6 | COPY --from=build /app /app
stages := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": "build", "final": false, "line": 1, "end_line": 2,
				"base": {"raw": "golang:1.22", "resolved": "golang:1.22", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/golang", "tag": "1.22", "digest": null, "name": "docker.io/library/golang", "normalized": "docker.io/library/golang:1.22"}, "error": null},
				"instructions": [
					{
						"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["go", "build", "-o", "/app", "."], "value": "go build -o /app .", "form": "shell", "properties": [], "heredocs": [], "source": "RUN go build -o /app .",
						"commands": [
							{"argv": ["go", "build", "-o", "/app", "."], "assignments": [], "text": "go build -o /app .", "line": 2, "pipeline": 0, "position": 0},
						],
					},
				],
			},
			{
				"index": 1, "name": "base", "final": false, "line": 3, "end_line": 4,
				"base": {"raw": "debian:12-slim", "resolved": "debian:12-slim", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/debian", "tag": "12-slim", "digest": null, "name": "docker.io/library/debian", "normalized": "docker.io/library/debian:12-slim"}, "error": null},
				"instructions": [
					{
						"keyword": "RUN", "line": 4, "end_line": 4, "flags": [], "arguments": ["apt-get", "update"], "value": "apt-get update", "form": "shell", "properties": [], "heredocs": [], "source": "RUN apt-get update",
						"commands": [
							{"argv": ["apt-get", "update"], "assignments": [], "text": "apt-get update", "line": 4, "pipeline": 0, "position": 0},
						],
					},
				],
			},
			{
				"index": 2, "name": null, "final": true, "line": 5, "end_line": 6,
				"base": {"raw": "base", "resolved": "base", "unresolved_variables": [], "platform": null, "stage": 1, "scratch": false, "image": null, "error": null},
				"instructions": [
					{
						"keyword": "COPY", "line": 6, "end_line": 6, "flags": [{"name": "from", "value": "build"}], "arguments": ["/app", "/app"], "value": "/app /app", "form": null, "properties": [], "heredocs": [], "source": "COPY --from=build /app /app",
						"commands": [],
					},
				],
			},
		],
	},
}

#  1 | FROM debian:12-slim
#  2 | RUN echo apt-get install x && pipx install black && python3 -m venv /venv && ./apt-get.sh
others := {
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
						"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["echo", "apt-get", "install", "x", "&&", "pipx", "install", "black", "&&", "python3", "-m", "venv", "/venv", "&&", "./apt-get.sh"], "value": "echo apt-get install x && pipx install black && python3 -m venv /venv && ./apt-get.sh", "form": "shell", "properties": [], "heredocs": [], "source": "RUN echo apt-get install x && pipx install black && python3 -m venv /venv && ./apt-get.sh",
						"commands": [
							{"argv": ["echo", "apt-get", "install", "x"], "assignments": [], "text": "echo apt-get install x", "line": 2, "pipeline": 0, "position": 0},
							{"argv": ["pipx", "install", "black"], "assignments": [], "text": "pipx install black", "line": 2, "pipeline": 1, "position": 0},
							{"argv": ["python3", "-m", "venv", "/venv"], "assignments": [], "text": "python3 -m venv /venv", "line": 2, "pipeline": 2, "position": 0},
							{"argv": ["./apt-get.sh"], "assignments": [], "text": "./apt-get.sh", "line": 2, "pipeline": 3, "position": 0},
						],
					},
				],
			},
		],
	},
}
