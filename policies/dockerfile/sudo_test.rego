package portcullis.rules.sudo_test

import rego.v1

import data.portcullis.lib.test_inputs
import data.portcullis.rules.sudo

test_sudo_command_is_denied_on_its_own_line if {
	findings := sudo.deny with input as chain
	findings == {{
		"msg": "\"sudo chown -R app:app /srv\" runs sudo: build steps already run as root unless USER changed it. Remove sudo and use USER root around the step that needs it.",
		"line": 4,
	}}
}

test_sudo_in_a_pipeline_and_a_heredoc_are_denied if {
	lines := test_inputs.lines(sudo.deny) with input as heredoc
	lines == {2, 5}
}

test_exec_form_sudo_is_denied if {
	findings := sudo.deny with input as exec_form
	findings == {{
		"msg": "RUN [\"sudo\", …] runs sudo: build steps already run as root unless USER changed it. Remove sudo and use USER root around the step that needs it.",
		"line": 3,
	}}
}

test_installing_or_mentioning_sudo_passes if {
	count(sudo.deny) == 0 with input as mentions
}

test_other_targets_are_ignored if {
	count(sudo.deny) == 0 with input as test_inputs.other_kind(chain)
}

#  1 | FROM ubuntu:24.04
#  2 | USER app
#  3 | RUN mkdir -p /srv && \
#  4 |     sudo chown -R app:app /srv
chain := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 4,
				"base": {"raw": "ubuntu:24.04", "resolved": "ubuntu:24.04", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/ubuntu", "tag": "24.04", "digest": null, "name": "docker.io/library/ubuntu", "normalized": "docker.io/library/ubuntu:24.04"}, "error": null},
				"instructions": [
					{"keyword": "USER", "line": 2, "end_line": 2, "flags": [], "arguments": ["app"], "value": "app", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "USER app"},
					{
						"keyword": "RUN", "line": 3, "end_line": 4, "flags": [], "arguments": ["mkdir", "-p", "/srv", "&&", "sudo", "chown", "-R", "app:app", "/srv"], "value": "mkdir -p /srv && sudo chown -R app:app /srv", "form": "shell", "properties": [], "heredocs": [], "source": "RUN mkdir -p /srv && \\\n    sudo chown -R app:app /srv",
						"commands": [
							{"argv": ["mkdir", "-p", "/srv"], "assignments": [], "text": "mkdir -p /srv", "line": 3, "pipeline": 0, "position": 0},
							{"argv": ["sudo", "chown", "-R", "app:app", "/srv"], "assignments": [], "text": "sudo chown -R app:app /srv", "line": 4, "pipeline": 1, "position": 0},
						],
					},
				],
			},
		],
	},
}

#  1 | FROM ubuntu:24.04
#  2 | RUN curl -fsSL https://deb.nodesource.com/setup_20.x | sudo -E bash -
#  3 | RUN <<EOF
#  4 | set -e
#  5 | sudo apt-get update
#  6 | EOF
heredoc := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 6,
				"base": {"raw": "ubuntu:24.04", "resolved": "ubuntu:24.04", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/ubuntu", "tag": "24.04", "digest": null, "name": "docker.io/library/ubuntu", "normalized": "docker.io/library/ubuntu:24.04"}, "error": null},
				"instructions": [
					{
						"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["curl", "-fsSL", "https://deb.nodesource.com/setup_20.x", "|", "sudo", "-E", "bash", "-"], "value": "curl -fsSL https://deb.nodesource.com/setup_20.x | sudo -E bash -", "form": "shell", "properties": [], "heredocs": [], "source": "RUN curl -fsSL https://deb.nodesource.com/setup_20.x | sudo -E bash -",
						"commands": [
							{"argv": ["curl", "-fsSL", "https://deb.nodesource.com/setup_20.x"], "assignments": [], "text": "curl -fsSL https://deb.nodesource.com/setup_20.x", "line": 2, "pipeline": 0, "position": 0},
							{"argv": ["sudo", "-E", "bash", "-"], "assignments": [], "text": "sudo -E bash -", "line": 2, "pipeline": 0, "position": 1},
						],
					},
					{
						"keyword": "RUN", "line": 3, "end_line": 6, "flags": [], "arguments": ["<<EOF", "set", "-e", "sudo", "apt-get", "update", "EOF"], "value": "<<EOF\nset -e\nsudo apt-get update\nEOF", "form": "shell", "properties": [], "heredocs": [{"name": "EOF", "body": "set -e\nsudo apt-get update", "line": 4, "end_line": 6}], "source": "RUN <<EOF\nset -e\nsudo apt-get update\nEOF",
						"commands": [
							{"argv": ["set", "-e"], "assignments": [], "text": "set -e", "line": 4, "pipeline": 0, "position": 0},
							{"argv": ["sudo", "apt-get", "update"], "assignments": [], "text": "sudo apt-get update", "line": 5, "pipeline": 1, "position": 0},
						],
					},
				],
			},
		],
	},
}

#  1 | FROM ubuntu:24.04
#  2 | USER app
#  3 | RUN ["sudo", "apt-get", "update"]
exec_form := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 3,
				"base": {"raw": "ubuntu:24.04", "resolved": "ubuntu:24.04", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/ubuntu", "tag": "24.04", "digest": null, "name": "docker.io/library/ubuntu", "normalized": "docker.io/library/ubuntu:24.04"}, "error": null},
				"instructions": [
					{"keyword": "USER", "line": 2, "end_line": 2, "flags": [], "arguments": ["app"], "value": "app", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "USER app"},
					{"keyword": "RUN", "line": 3, "end_line": 3, "flags": [], "arguments": ["sudo", "apt-get", "update"], "value": "[\"sudo\", \"apt-get\", \"update\"]", "form": "exec", "properties": [], "heredocs": [], "commands": [], "source": "RUN [\"sudo\", \"apt-get\", \"update\"]"},
				],
			},
		],
	},
}

#  1 | FROM ubuntu:24.04
#  2 | RUN apt-get update && apt-get install -y --no-install-recommends sudo
#  3 | RUN echo "app ALL=(ALL) NOPASSWD:ALL" > /etc/sudoers.d/app
#  4 | RUN ["apt-get", "update"]
#  5 | CMD ["sudo", "-u", "app", "server"]
mentions := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 5,
				"base": {"raw": "ubuntu:24.04", "resolved": "ubuntu:24.04", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/ubuntu", "tag": "24.04", "digest": null, "name": "docker.io/library/ubuntu", "normalized": "docker.io/library/ubuntu:24.04"}, "error": null},
				"instructions": [
					{
						"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["apt-get", "update", "&&", "apt-get", "install", "-y", "--no-install-recommends", "sudo"], "value": "apt-get update && apt-get install -y --no-install-recommends sudo", "form": "shell", "properties": [], "heredocs": [], "source": "RUN apt-get update && apt-get install -y --no-install-recommends sudo",
						"commands": [
							{"argv": ["apt-get", "update"], "assignments": [], "text": "apt-get update", "line": 2, "pipeline": 0, "position": 0},
							{"argv": ["apt-get", "install", "-y", "--no-install-recommends", "sudo"], "assignments": [], "text": "apt-get install -y --no-install-recommends sudo", "line": 2, "pipeline": 1, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 3, "end_line": 3, "flags": [], "arguments": ["echo", "\"app", "ALL=(ALL)", "NOPASSWD:ALL\"", ">", "/etc/sudoers.d/app"], "value": "echo \"app ALL=(ALL) NOPASSWD:ALL\" > /etc/sudoers.d/app", "form": "shell", "properties": [], "heredocs": [], "source": "RUN echo \"app ALL=(ALL) NOPASSWD:ALL\" > /etc/sudoers.d/app",
						"commands": [
							{"argv": ["echo", "app ALL=(ALL) NOPASSWD:ALL"], "assignments": [], "text": "echo \"app ALL=(ALL) NOPASSWD:ALL\"", "line": 3, "pipeline": 0, "position": 0},
						],
					},
					{"keyword": "RUN", "line": 4, "end_line": 4, "flags": [], "arguments": ["apt-get", "update"], "value": "[\"apt-get\", \"update\"]", "form": "exec", "properties": [], "heredocs": [], "commands": [], "source": "RUN [\"apt-get\", \"update\"]"},
					{"keyword": "CMD", "line": 5, "end_line": 5, "flags": [], "arguments": ["sudo", "-u", "app", "server"], "value": "[\"sudo\", \"-u\", \"app\", \"server\"]", "form": "exec", "properties": [], "heredocs": [], "commands": [], "source": "CMD [\"sudo\", \"-u\", \"app\", \"server\"]"},
				],
			},
		],
	},
}
