package portcullis.rules.relative_workdir_test

import rego.v1

import data.portcullis.lib.test_inputs
import data.portcullis.rules.relative_workdir

test_relative_workdir_is_warned if {
	findings := relative_workdir.warn with input as relative
	test_inputs.at(findings, 2) == {{
		"msg": "WORKDIR \"app\" is relative, so it depends on the previous WORKDIR: use an absolute path such as \"/app\".",
		"line": 2,
	}}
}

test_dot_slash_and_quoted_paths_are_warned if {
	findings := relative_workdir.warn with input as relative
	findings == {
		{"msg": "WORKDIR \"app\" is relative, so it depends on the previous WORKDIR: use an absolute path such as \"/app\".", "line": 2},
		{"msg": "WORKDIR \"./src\" is relative, so it depends on the previous WORKDIR: use an absolute path such as \"/src\".", "line": 3},
		{"msg": "WORKDIR \"my app\" is relative, so it depends on the previous WORKDIR: use an absolute path such as \"/my app\".", "line": 4},
	}
}

test_absolute_variable_and_windows_paths_pass if {
	count(relative_workdir.warn) == 0 with input as absolute
}

test_other_targets_are_ignored if {
	count(relative_workdir.warn) == 0 with input as test_inputs.other_kind(relative)
}

#  1 | FROM node:20-alpine
#  2 | WORKDIR app
#  3 | WORKDIR ./src
#  4 | WORKDIR "my app"
relative := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 4,
				"base": {"raw": "node:20-alpine", "resolved": "node:20-alpine", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/node", "tag": "20-alpine", "digest": null, "name": "docker.io/library/node", "normalized": "docker.io/library/node:20-alpine"}, "error": null},
				"instructions": [
					{"keyword": "WORKDIR", "line": 2, "end_line": 2, "flags": [], "arguments": ["app"], "value": "app", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "WORKDIR app"},
					{"keyword": "WORKDIR", "line": 3, "end_line": 3, "flags": [], "arguments": ["./src"], "value": "./src", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "WORKDIR ./src"},
					{"keyword": "WORKDIR", "line": 4, "end_line": 4, "flags": [], "arguments": ["\"my", "app\""], "value": "\"my app\"", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "WORKDIR \"my app\""},
				],
			},
		],
	},
}

#  1 | FROM node:20-alpine
#  2 | WORKDIR /usr/src/app
#  3 | WORKDIR "/srv/my app"
#  4 | WORKDIR $HOME/app
#  5 | WORKDIR ${APP_DIR}
#  6 | WORKDIR C:\\app
#  7 | WORKDIR D:/build
absolute := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 7,
				"base": {"raw": "node:20-alpine", "resolved": "node:20-alpine", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/node", "tag": "20-alpine", "digest": null, "name": "docker.io/library/node", "normalized": "docker.io/library/node:20-alpine"}, "error": null},
				"instructions": [
					{"keyword": "WORKDIR", "line": 2, "end_line": 2, "flags": [], "arguments": ["/usr/src/app"], "value": "/usr/src/app", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "WORKDIR /usr/src/app"},
					{"keyword": "WORKDIR", "line": 3, "end_line": 3, "flags": [], "arguments": ["\"/srv/my", "app\""], "value": "\"/srv/my app\"", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "WORKDIR \"/srv/my app\""},
					{"keyword": "WORKDIR", "line": 4, "end_line": 4, "flags": [], "arguments": ["$HOME/app"], "value": "$HOME/app", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "WORKDIR $HOME/app"},
					{"keyword": "WORKDIR", "line": 5, "end_line": 5, "flags": [], "arguments": ["${APP_DIR}"], "value": "${APP_DIR}", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "WORKDIR ${APP_DIR}"},
					{"keyword": "WORKDIR", "line": 6, "end_line": 6, "flags": [], "arguments": ["C:\\app"], "value": "C:\\\\app", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "WORKDIR C:\\\\app"},
					{"keyword": "WORKDIR", "line": 7, "end_line": 7, "flags": [], "arguments": ["D:/build"], "value": "D:/build", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "WORKDIR D:/build"},
				],
			},
		],
	},
}
