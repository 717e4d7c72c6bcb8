package portcullis.rules.dist_upgrade_test

import rego.v1

import data.portcullis.lib.test_inputs
import data.portcullis.rules.dist_upgrade

test_distribution_upgrades_are_reported if {
	lines := test_inputs.lines(dist_upgrade.info) with input as upgrades
	lines == {2, 3, 4}
}

test_plain_upgrades_pass if {
	count(dist_upgrade.info) == 0 with input as plain
}

#  1 | FROM debian:12-slim
#  2 | RUN apt-get update && apt-get -y dist-upgrade
#  3 | RUN apt full-upgrade -y
#  4 | RUN zypper -n dup
upgrades := {
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
						"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["apt-get", "update", "&&", "apt-get", "-y", "dist-upgrade"], "value": "apt-get update && apt-get -y dist-upgrade", "form": "shell", "properties": [], "heredocs": [], "source": "RUN apt-get update && apt-get -y dist-upgrade",
						"commands": [
							{"argv": ["apt-get", "update"], "assignments": [], "text": "apt-get update", "line": 2, "pipeline": 0, "position": 0},
							{"argv": ["apt-get", "-y", "dist-upgrade"], "assignments": [], "text": "apt-get -y dist-upgrade", "line": 2, "pipeline": 1, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 3, "end_line": 3, "flags": [], "arguments": ["apt", "full-upgrade", "-y"], "value": "apt full-upgrade -y", "form": "shell", "properties": [], "heredocs": [], "source": "RUN apt full-upgrade -y",
						"commands": [
							{"argv": ["apt", "full-upgrade", "-y"], "assignments": [], "text": "apt full-upgrade -y", "line": 3, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 4, "end_line": 4, "flags": [], "arguments": ["zypper", "-n", "dup"], "value": "zypper -n dup", "form": "shell", "properties": [], "heredocs": [], "source": "RUN zypper -n dup",
						"commands": [
							{"argv": ["zypper", "-n", "dup"], "assignments": [], "text": "zypper -n dup", "line": 4, "pipeline": 0, "position": 0},
						],
					},
				],
			},
		],
	},
}

#  1 | FROM debian:12-slim
#  2 | RUN apt-get update && apt-get upgrade -y && apk upgrade && zypper -n update && echo dist-upgrade
plain := {
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
						"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["apt-get", "update", "&&", "apt-get", "upgrade", "-y", "&&", "apk", "upgrade", "&&", "zypper", "-n", "update", "&&", "echo", "dist-upgrade"], "value": "apt-get update && apt-get upgrade -y && apk upgrade && zypper -n update && echo dist-upgrade", "form": "shell", "properties": [], "heredocs": [], "source": "RUN apt-get update && apt-get upgrade -y && apk upgrade && zypper -n update && echo dist-upgrade",
						"commands": [
							{"argv": ["apt-get", "update"], "assignments": [], "text": "apt-get update", "line": 2, "pipeline": 0, "position": 0},
							{"argv": ["apt-get", "upgrade", "-y"], "assignments": [], "text": "apt-get upgrade -y", "line": 2, "pipeline": 1, "position": 0},
							{"argv": ["apk", "upgrade"], "assignments": [], "text": "apk upgrade", "line": 2, "pipeline": 2, "position": 0},
							{"argv": ["zypper", "-n", "update"], "assignments": [], "text": "zypper -n update", "line": 2, "pipeline": 3, "position": 0},
							{"argv": ["echo", "dist-upgrade"], "assignments": [], "text": "echo dist-upgrade", "line": 2, "pipeline": 4, "position": 0},
						],
					},
				],
			},
		],
	},
}
