package portcullis.rules.update_alone_test

import rego.v1

import data.portcullis.lib.test_inputs
import data.portcullis.rules.update_alone

test_refresh_without_install_is_warned if {
	findings := update_alone.warn with input as alone
	test_inputs.lines(findings) == {2, 4, 5, 6}
	test_inputs.at(findings, 2) == {{
		"msg": "\"apt-get update\" is not followed by an install in the same RUN: the cached layer keeps an outdated package index. Refresh and install in one RUN.",
		"line": 2,
	}}
}

# The install must be of the same family and come after the refresh.
test_install_of_another_tool_or_before_does_not_count if {
	lines := test_inputs.lines(update_alone.warn) with input as mismatched
	lines == {2, 3}
}

test_refresh_with_install_passes if {
	count(update_alone.warn) == 0 with input as together
}

#  1 | FROM debian:12-slim
#  2 | RUN apt-get update
#  3 | RUN apt-get install -y curl
#  4 | RUN apk update
#  5 | RUN zypper --non-interactive refresh
#  6 | RUN dnf makecache
alone := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 6,
				"base": {"raw": "debian:12-slim", "resolved": "debian:12-slim", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/debian", "tag": "12-slim", "digest": null, "name": "docker.io/library/debian", "normalized": "docker.io/library/debian:12-slim"}, "error": null},
				"instructions": [
					{
						"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["apt-get", "update"], "value": "apt-get update", "form": "shell", "properties": [], "heredocs": [], "source": "RUN apt-get update",
						"commands": [
							{"argv": ["apt-get", "update"], "assignments": [], "text": "apt-get update", "line": 2, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 3, "end_line": 3, "flags": [], "arguments": ["apt-get", "install", "-y", "curl"], "value": "apt-get install -y curl", "form": "shell", "properties": [], "heredocs": [], "source": "RUN apt-get install -y curl",
						"commands": [
							{"argv": ["apt-get", "install", "-y", "curl"], "assignments": [], "text": "apt-get install -y curl", "line": 3, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 4, "end_line": 4, "flags": [], "arguments": ["apk", "update"], "value": "apk update", "form": "shell", "properties": [], "heredocs": [], "source": "RUN apk update",
						"commands": [
							{"argv": ["apk", "update"], "assignments": [], "text": "apk update", "line": 4, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 5, "end_line": 5, "flags": [], "arguments": ["zypper", "--non-interactive", "refresh"], "value": "zypper --non-interactive refresh", "form": "shell", "properties": [], "heredocs": [], "source": "RUN zypper --non-interactive refresh",
						"commands": [
							{"argv": ["zypper", "--non-interactive", "refresh"], "assignments": [], "text": "zypper --non-interactive refresh", "line": 5, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 6, "end_line": 6, "flags": [], "arguments": ["dnf", "makecache"], "value": "dnf makecache", "form": "shell", "properties": [], "heredocs": [], "source": "RUN dnf makecache",
						"commands": [
							{"argv": ["dnf", "makecache"], "assignments": [], "text": "dnf makecache", "line": 6, "pipeline": 0, "position": 0},
						],
					},
				],
			},
		],
	},
}

#  1 | FROM debian:12-slim
#  2 | RUN apt-get update && apk add curl
#  3 | RUN apt-get install -y jq && apt-get update
mismatched := {
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
						"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["apt-get", "update", "&&", "apk", "add", "curl"], "value": "apt-get update && apk add curl", "form": "shell", "properties": [], "heredocs": [], "source": "RUN apt-get update && apk add curl",
						"commands": [
							{"argv": ["apt-get", "update"], "assignments": [], "text": "apt-get update", "line": 2, "pipeline": 0, "position": 0},
							{"argv": ["apk", "add", "curl"], "assignments": [], "text": "apk add curl", "line": 2, "pipeline": 1, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 3, "end_line": 3, "flags": [], "arguments": ["apt-get", "install", "-y", "jq", "&&", "apt-get", "update"], "value": "apt-get install -y jq && apt-get update", "form": "shell", "properties": [], "heredocs": [], "source": "RUN apt-get install -y jq && apt-get update",
						"commands": [
							{"argv": ["apt-get", "install", "-y", "jq"], "assignments": [], "text": "apt-get install -y jq", "line": 3, "pipeline": 0, "position": 0},
							{"argv": ["apt-get", "update"], "assignments": [], "text": "apt-get update", "line": 3, "pipeline": 1, "position": 0},
						],
					},
				],
			},
		],
	},
}

#  1 | FROM debian:12-slim
#  2 | RUN apt-get update && apt install -y curl
#  3 | RUN apk update && apk add --no-cache jq
#  4 | RUN zypper ref && zypper -n in git
#  5 | RUN yum makecache && dnf install -y vim
#  6 | RUN yum update -y
together := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 6,
				"base": {"raw": "debian:12-slim", "resolved": "debian:12-slim", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/debian", "tag": "12-slim", "digest": null, "name": "docker.io/library/debian", "normalized": "docker.io/library/debian:12-slim"}, "error": null},
				"instructions": [
					{
						"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["apt-get", "update", "&&", "apt", "install", "-y", "curl"], "value": "apt-get update && apt install -y curl", "form": "shell", "properties": [], "heredocs": [], "source": "RUN apt-get update && apt install -y curl",
						"commands": [
							{"argv": ["apt-get", "update"], "assignments": [], "text": "apt-get update", "line": 2, "pipeline": 0, "position": 0},
							{"argv": ["apt", "install", "-y", "curl"], "assignments": [], "text": "apt install -y curl", "line": 2, "pipeline": 1, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 3, "end_line": 3, "flags": [], "arguments": ["apk", "update", "&&", "apk", "add", "--no-cache", "jq"], "value": "apk update && apk add --no-cache jq", "form": "shell", "properties": [], "heredocs": [], "source": "RUN apk update && apk add --no-cache jq",
						"commands": [
							{"argv": ["apk", "update"], "assignments": [], "text": "apk update", "line": 3, "pipeline": 0, "position": 0},
							{"argv": ["apk", "add", "--no-cache", "jq"], "assignments": [], "text": "apk add --no-cache jq", "line": 3, "pipeline": 1, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 4, "end_line": 4, "flags": [], "arguments": ["zypper", "ref", "&&", "zypper", "-n", "in", "git"], "value": "zypper ref && zypper -n in git", "form": "shell", "properties": [], "heredocs": [], "source": "RUN zypper ref && zypper -n in git",
						"commands": [
							{"argv": ["zypper", "ref"], "assignments": [], "text": "zypper ref", "line": 4, "pipeline": 0, "position": 0},
							{"argv": ["zypper", "-n", "in", "git"], "assignments": [], "text": "zypper -n in git", "line": 4, "pipeline": 1, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 5, "end_line": 5, "flags": [], "arguments": ["yum", "makecache", "&&", "dnf", "install", "-y", "vim"], "value": "yum makecache && dnf install -y vim", "form": "shell", "properties": [], "heredocs": [], "source": "RUN yum makecache && dnf install -y vim",
						"commands": [
							{"argv": ["yum", "makecache"], "assignments": [], "text": "yum makecache", "line": 5, "pipeline": 0, "position": 0},
							{"argv": ["dnf", "install", "-y", "vim"], "assignments": [], "text": "dnf install -y vim", "line": 5, "pipeline": 1, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 6, "end_line": 6, "flags": [], "arguments": ["yum", "update", "-y"], "value": "yum update -y", "form": "shell", "properties": [], "heredocs": [], "source": "RUN yum update -y",
						"commands": [
							{"argv": ["yum", "update", "-y"], "assignments": [], "text": "yum update -y", "line": 6, "pipeline": 0, "position": 0},
						],
					},
				],
			},
		],
	},
}
