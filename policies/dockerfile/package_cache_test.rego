package portcullis.rules.package_cache_test

import rego.v1

import data.portcullis.lib.test_inputs
import data.portcullis.rules.package_cache

# apk

# `apk update` writes the index too: --no-cache on the later `apk add` does not remove it.
test_apk_add_without_no_cache_is_warned_with_a_fix if {
	findings := package_cache.warn with input as apk
	findings == {
		{
			"msg": "\"apk add curl git\" keeps the package index in /var/cache/apk in the layer: add --no-cache.",
			"line": 3,
			"fix": {"line": 3, "end_line": 3, "replacement": "    apk add --no-cache curl git", "description": "Add --no-cache"},
		},
		{
			"msg": "\"apk update\" leaves the package index in /var/cache/apk in the layer: drop it and use apk add --no-cache.",
			"line": 2,
		},
	}
}

test_apk_no_cache_removal_and_cache_mount_pass if {
	count(package_cache.warn) == 0 with input as apk_clean
}

# apt

# The lists come from `apt-get update`: the finding is on it, the fix ends its RUN.
test_apt_lists_left_behind_are_warned_once_per_run_with_a_fix if {
	findings := package_cache.warn with input as apt
	findings == {{
		"msg": "\"apt-get update\" leaves the package lists of /var/lib/apt/lists in the layer: end the same RUN with rm -rf /var/lib/apt/lists/* (or mount a cache there).",
		"line": 2,
		"fix": {"line": 5, "end_line": 5, "replacement": "    apt-get clean && rm -rf /var/lib/apt/lists/*", "description": "Remove the apt lists"},
	}}
}

# Removing the lists in a later RUN does not shrink the earlier layer; removing
# something else, or only looking at them, does not count either.
test_apt_lists_removed_in_another_run_still_warn if {
	lines := test_inputs.lines(package_cache.warn) with input as apt_later_cleanup
	lines == {2, 4, 5}
}

test_apt_lists_removed_or_cache_mounted_pass if {
	count(package_cache.warn) == 0 with input as apt_clean
}

# pip

test_pip_install_without_no_cache_dir_is_warned_with_fixes if {
	fixes := test_inputs.fixes(package_cache.warn) with input as pip
	fixes == {
		{"line": 2, "end_line": 2, "replacement": "RUN pip install --no-cache-dir --upgrade pip setuptools", "description": "Add --no-cache-dir"},
		{"line": 3, "end_line": 3, "replacement": "RUN python3 -m pip install --no-cache-dir -r requirements.txt", "description": "Add --no-cache-dir"},
		{"line": 4, "end_line": 4, "replacement": "RUN pip3.12 install --no-cache-dir --user poetry", "description": "Add --no-cache-dir"},
	}
}

test_pip_message_names_the_command if {
	findings := package_cache.warn with input as pip
	test_inputs.at(findings, 3) == {{
		"msg": "\"python3 -m pip install -r requirements.txt\" keeps downloaded packages in pip's cache in the layer: add --no-cache-dir.",
		"line": 3,
		"fix": {"line": 3, "end_line": 3, "replacement": "RUN python3 -m pip install --no-cache-dir -r requirements.txt", "description": "Add --no-cache-dir"},
	}}
}

# An npm cache mount or an unrelated export does not stop pip's cache.
test_pip_with_unrelated_mount_or_export_is_warned if {
	lines := test_inputs.lines(package_cache.warn) with input as pip_unrelated
	lines == {2, 3}
}

test_pip_no_cache_dir_and_cache_mount_pass if {
	count(package_cache.warn) == 0 with input as pip_clean
}

# The ENV is inherited from the stage the final stage builds on; the one set after the
# RUN does not apply to it.
test_pip_no_cache_env_applies_to_later_runs_and_child_stages if {
	lines := test_inputs.lines(package_cache.warn) with input as pip_env
	lines == {2}
}

test_other_targets_are_ignored if {
	count(package_cache.warn) == 0 with input as test_inputs.other_kind(apk)
}

#  1 | FROM alpine:3.20
#  2 | RUN apk update && \
#  3 |     apk add curl git
apk := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 3,
				"base": {"raw": "alpine:3.20", "resolved": "alpine:3.20", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/alpine", "tag": "3.20", "digest": null, "name": "docker.io/library/alpine", "normalized": "docker.io/library/alpine:3.20"}, "error": null},
				"instructions": [
					{
						"keyword": "RUN", "line": 2, "end_line": 3, "flags": [], "arguments": ["apk", "update", "&&", "apk", "add", "curl", "git"], "value": "apk update && apk add curl git", "form": "shell", "properties": [], "heredocs": [], "source": "RUN apk update && \\\n    apk add curl git",
						"commands": [
							{"argv": ["apk", "update"], "assignments": [], "text": "apk update", "line": 2, "pipeline": 0, "position": 0},
							{"argv": ["apk", "add", "curl", "git"], "assignments": [], "text": "apk add curl git", "line": 3, "pipeline": 1, "position": 0},
						],
					},
				],
			},
		],
	},
}

#  1 | FROM alpine:3.20
#  2 | RUN apk add --no-cache curl
#  3 | RUN apk --no-cache add git
#  4 | RUN apk add tini && rm -rf /var/cache/apk/*
#  5 | RUN --mount=type=cache,target=/var/cache/apk apk add jq
#  6 | RUN yarn add left-pad && git add .
apk_clean := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 6,
				"base": {"raw": "alpine:3.20", "resolved": "alpine:3.20", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/alpine", "tag": "3.20", "digest": null, "name": "docker.io/library/alpine", "normalized": "docker.io/library/alpine:3.20"}, "error": null},
				"instructions": [
					{
						"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["apk", "add", "--no-cache", "curl"], "value": "apk add --no-cache curl", "form": "shell", "properties": [], "heredocs": [], "source": "RUN apk add --no-cache curl",
						"commands": [
							{"argv": ["apk", "add", "--no-cache", "curl"], "assignments": [], "text": "apk add --no-cache curl", "line": 2, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 3, "end_line": 3, "flags": [], "arguments": ["apk", "--no-cache", "add", "git"], "value": "apk --no-cache add git", "form": "shell", "properties": [], "heredocs": [], "source": "RUN apk --no-cache add git",
						"commands": [
							{"argv": ["apk", "--no-cache", "add", "git"], "assignments": [], "text": "apk --no-cache add git", "line": 3, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 4, "end_line": 4, "flags": [], "arguments": ["apk", "add", "tini", "&&", "rm", "-rf", "/var/cache/apk/*"], "value": "apk add tini && rm -rf /var/cache/apk/*", "form": "shell", "properties": [], "heredocs": [], "source": "RUN apk add tini && rm -rf /var/cache/apk/*",
						"commands": [
							{"argv": ["apk", "add", "tini"], "assignments": [], "text": "apk add tini", "line": 4, "pipeline": 0, "position": 0},
							{"argv": ["rm", "-rf", "/var/cache/apk/*"], "assignments": [], "text": "rm -rf /var/cache/apk/*", "line": 4, "pipeline": 1, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 5, "end_line": 5, "flags": [{"name": "mount", "value": "type=cache,target=/var/cache/apk"}], "arguments": ["apk", "add", "jq"], "value": "apk add jq", "form": "shell", "properties": [], "heredocs": [], "source": "RUN --mount=type=cache,target=/var/cache/apk apk add jq",
						"commands": [
							{"argv": ["apk", "add", "jq"], "assignments": [], "text": "apk add jq", "line": 5, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 6, "end_line": 6, "flags": [], "arguments": ["yarn", "add", "left-pad", "&&", "git", "add", "."], "value": "yarn add left-pad && git add .", "form": "shell", "properties": [], "heredocs": [], "source": "RUN yarn add left-pad && git add .",
						"commands": [
							{"argv": ["yarn", "add", "left-pad"], "assignments": [], "text": "yarn add left-pad", "line": 6, "pipeline": 0, "position": 0},
							{"argv": ["git", "add", "."], "assignments": [], "text": "git add .", "line": 6, "pipeline": 1, "position": 0},
						],
					},
				],
			},
		],
	},
}

#  1 | FROM debian:12-slim
#  2 | RUN apt-get update && \
#  3 |     apt-get install -y --no-install-recommends curl && \
#  4 |     apt-get install -y --no-install-recommends git && \
#  5 |     apt-get clean
apt := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 5,
				"base": {"raw": "debian:12-slim", "resolved": "debian:12-slim", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/debian", "tag": "12-slim", "digest": null, "name": "docker.io/library/debian", "normalized": "docker.io/library/debian:12-slim"}, "error": null},
				"instructions": [
					{
						"keyword": "RUN", "line": 2, "end_line": 5, "flags": [], "arguments": ["apt-get", "update", "&&", "apt-get", "install", "-y", "--no-install-recommends", "curl", "&&", "apt-get", "install", "-y", "--no-install-recommends", "git", "&&", "apt-get", "clean"], "value": "apt-get update && apt-get install -y --no-install-recommends curl && apt-get install -y --no-install-recommends git && apt-get clean", "form": "shell", "properties": [], "heredocs": [], "source": "RUN apt-get update && \\\n    apt-get install -y --no-install-recommends curl && \\\n    apt-get install -y --no-install-recommends git && \\\n    apt-get clean",
						"commands": [
							{"argv": ["apt-get", "update"], "assignments": [], "text": "apt-get update", "line": 2, "pipeline": 0, "position": 0},
							{"argv": ["apt-get", "install", "-y", "--no-install-recommends", "curl"], "assignments": [], "text": "apt-get install -y --no-install-recommends curl", "line": 3, "pipeline": 1, "position": 0},
							{"argv": ["apt-get", "install", "-y", "--no-install-recommends", "git"], "assignments": [], "text": "apt-get install -y --no-install-recommends git", "line": 4, "pipeline": 2, "position": 0},
							{"argv": ["apt-get", "clean"], "assignments": [], "text": "apt-get clean", "line": 5, "pipeline": 3, "position": 0},
						],
					},
				],
			},
		],
	},
}

#  1 | FROM debian:12-slim
#  2 | RUN apt-get update && apt-get install -y --no-install-recommends curl
#  3 | RUN rm -rf /var/lib/apt/lists/*
#  4 | RUN apt-get update && apt-get install -y --no-install-recommends git && rm -rf /tmp/*
#  5 | RUN apt-get update && apt-get install -y --no-install-recommends jq && du -sh /var/lib/apt/lists
apt_later_cleanup := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 5,
				"base": {"raw": "debian:12-slim", "resolved": "debian:12-slim", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/debian", "tag": "12-slim", "digest": null, "name": "docker.io/library/debian", "normalized": "docker.io/library/debian:12-slim"}, "error": null},
				"instructions": [
					{
						"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["apt-get", "update", "&&", "apt-get", "install", "-y", "--no-install-recommends", "curl"], "value": "apt-get update && apt-get install -y --no-install-recommends curl", "form": "shell", "properties": [], "heredocs": [], "source": "RUN apt-get update && apt-get install -y --no-install-recommends curl",
						"commands": [
							{"argv": ["apt-get", "update"], "assignments": [], "text": "apt-get update", "line": 2, "pipeline": 0, "position": 0},
							{"argv": ["apt-get", "install", "-y", "--no-install-recommends", "curl"], "assignments": [], "text": "apt-get install -y --no-install-recommends curl", "line": 2, "pipeline": 1, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 3, "end_line": 3, "flags": [], "arguments": ["rm", "-rf", "/var/lib/apt/lists/*"], "value": "rm -rf /var/lib/apt/lists/*", "form": "shell", "properties": [], "heredocs": [], "source": "RUN rm -rf /var/lib/apt/lists/*",
						"commands": [
							{"argv": ["rm", "-rf", "/var/lib/apt/lists/*"], "assignments": [], "text": "rm -rf /var/lib/apt/lists/*", "line": 3, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 4, "end_line": 4, "flags": [], "arguments": ["apt-get", "update", "&&", "apt-get", "install", "-y", "--no-install-recommends", "git", "&&", "rm", "-rf", "/tmp/*"], "value": "apt-get update && apt-get install -y --no-install-recommends git && rm -rf /tmp/*", "form": "shell", "properties": [], "heredocs": [], "source": "RUN apt-get update && apt-get install -y --no-install-recommends git && rm -rf /tmp/*",
						"commands": [
							{"argv": ["apt-get", "update"], "assignments": [], "text": "apt-get update", "line": 4, "pipeline": 0, "position": 0},
							{"argv": ["apt-get", "install", "-y", "--no-install-recommends", "git"], "assignments": [], "text": "apt-get install -y --no-install-recommends git", "line": 4, "pipeline": 1, "position": 0},
							{"argv": ["rm", "-rf", "/tmp/*"], "assignments": [], "text": "rm -rf /tmp/*", "line": 4, "pipeline": 2, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 5, "end_line": 5, "flags": [], "arguments": ["apt-get", "update", "&&", "apt-get", "install", "-y", "--no-install-recommends", "jq", "&&", "du", "-sh", "/var/lib/apt/lists"], "value": "apt-get update && apt-get install -y --no-install-recommends jq && du -sh /var/lib/apt/lists", "form": "shell", "properties": [], "heredocs": [], "source": "RUN apt-get update && apt-get install -y --no-install-recommends jq && du -sh /var/lib/apt/lists",
						"commands": [
							{"argv": ["apt-get", "update"], "assignments": [], "text": "apt-get update", "line": 5, "pipeline": 0, "position": 0},
							{"argv": ["apt-get", "install", "-y", "--no-install-recommends", "jq"], "assignments": [], "text": "apt-get install -y --no-install-recommends jq", "line": 5, "pipeline": 1, "position": 0},
							{"argv": ["du", "-sh", "/var/lib/apt/lists"], "assignments": [], "text": "du -sh /var/lib/apt/lists", "line": 5, "pipeline": 2, "position": 0},
						],
					},
				],
			},
		],
	},
}

#  1 | FROM debian:12-slim
#  2 | RUN apt-get update \
#  3 |  && apt-get install -y --no-install-recommends curl \
#  4 |  && rm -rf /var/lib/apt/lists/*
#  5 | RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \
#  6 |     --mount=type=cache,target=/var/lib/apt,sharing=locked \
#  7 |     apt-get update && apt-get install -y --no-install-recommends git
#  8 | RUN <<EOF
#  9 | apt-get update
# 10 | apt-get install -y --no-install-recommends make
# 11 | rm -rf /var/lib/apt/lists/*
# 12 | EOF
apt_clean := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 12,
				"base": {"raw": "debian:12-slim", "resolved": "debian:12-slim", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/debian", "tag": "12-slim", "digest": null, "name": "docker.io/library/debian", "normalized": "docker.io/library/debian:12-slim"}, "error": null},
				"instructions": [
					{
						"keyword": "RUN", "line": 2, "end_line": 4, "flags": [], "arguments": ["apt-get", "update", "&&", "apt-get", "install", "-y", "--no-install-recommends", "curl", "&&", "rm", "-rf", "/var/lib/apt/lists/*"], "value": "apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*", "form": "shell", "properties": [], "heredocs": [], "source": "RUN apt-get update \\\n && apt-get install -y --no-install-recommends curl \\\n && rm -rf /var/lib/apt/lists/*",
						"commands": [
							{"argv": ["apt-get", "update"], "assignments": [], "text": "apt-get update", "line": 2, "pipeline": 0, "position": 0},
							{"argv": ["apt-get", "install", "-y", "--no-install-recommends", "curl"], "assignments": [], "text": "apt-get install -y --no-install-recommends curl", "line": 3, "pipeline": 1, "position": 0},
							{"argv": ["rm", "-rf", "/var/lib/apt/lists/*"], "assignments": [], "text": "rm -rf /var/lib/apt/lists/*", "line": 4, "pipeline": 2, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 5, "end_line": 7, "flags": [{"name": "mount", "value": "type=cache,target=/var/cache/apt,sharing=locked"}, {"name": "mount", "value": "type=cache,target=/var/lib/apt,sharing=locked"}], "arguments": ["apt-get", "update", "&&", "apt-get", "install", "-y", "--no-install-recommends", "git"], "value": "apt-get update && apt-get install -y --no-install-recommends git", "form": "shell", "properties": [], "heredocs": [], "source": "RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \\\n    --mount=type=cache,target=/var/lib/apt,sharing=locked \\\n    apt-get update && apt-get install -y --no-install-recommends git",
						"commands": [
							{"argv": ["apt-get", "update"], "assignments": [], "text": "apt-get update", "line": 7, "pipeline": 0, "position": 0},
							{"argv": ["apt-get", "install", "-y", "--no-install-recommends", "git"], "assignments": [], "text": "apt-get install -y --no-install-recommends git", "line": 7, "pipeline": 1, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 8, "end_line": 12, "flags": [], "arguments": ["<<EOF", "apt-get", "update", "apt-get", "install", "-y", "--no-install-recommends", "make", "rm", "-rf", "/var/lib/apt/lists/*", "EOF"], "value": "<<EOF\napt-get update\napt-get install -y --no-install-recommends make\nrm -rf /var/lib/apt/lists/*\nEOF", "form": "shell", "properties": [], "heredocs": [{"name": "EOF", "body": "apt-get update\napt-get install -y --no-install-recommends make\nrm -rf /var/lib/apt/lists/*", "line": 9, "end_line": 12}], "source": "RUN <<EOF\napt-get update\napt-get install -y --no-install-recommends make\nrm -rf /var/lib/apt/lists/*\nEOF",
						"commands": [
							{"argv": ["apt-get", "update"], "assignments": [], "text": "apt-get update", "line": 9, "pipeline": 0, "position": 0},
							{"argv": ["apt-get", "install", "-y", "--no-install-recommends", "make"], "assignments": [], "text": "apt-get install -y --no-install-recommends make", "line": 10, "pipeline": 1, "position": 0},
							{"argv": ["rm", "-rf", "/var/lib/apt/lists/*"], "assignments": [], "text": "rm -rf /var/lib/apt/lists/*", "line": 11, "pipeline": 2, "position": 0},
						],
					},
				],
			},
		],
	},
}

#  1 | FROM python:3.12-slim
#  2 | RUN pip install --upgrade pip setuptools
#  3 | RUN python3 -m pip install -r requirements.txt
#  4 | RUN pip3.12 install --user poetry
pip := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 4,
				"base": {"raw": "python:3.12-slim", "resolved": "python:3.12-slim", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/python", "tag": "3.12-slim", "digest": null, "name": "docker.io/library/python", "normalized": "docker.io/library/python:3.12-slim"}, "error": null},
				"instructions": [
					{
						"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["pip", "install", "--upgrade", "pip", "setuptools"], "value": "pip install --upgrade pip setuptools", "form": "shell", "properties": [], "heredocs": [], "source": "RUN pip install --upgrade pip setuptools",
						"commands": [
							{"argv": ["pip", "install", "--upgrade", "pip", "setuptools"], "assignments": [], "text": "pip install --upgrade pip setuptools", "line": 2, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 3, "end_line": 3, "flags": [], "arguments": ["python3", "-m", "pip", "install", "-r", "requirements.txt"], "value": "python3 -m pip install -r requirements.txt", "form": "shell", "properties": [], "heredocs": [], "source": "RUN python3 -m pip install -r requirements.txt",
						"commands": [
							{"argv": ["python3", "-m", "pip", "install", "-r", "requirements.txt"], "assignments": [], "text": "python3 -m pip install -r requirements.txt", "line": 3, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 4, "end_line": 4, "flags": [], "arguments": ["pip3.12", "install", "--user", "poetry"], "value": "pip3.12 install --user poetry", "form": "shell", "properties": [], "heredocs": [], "source": "RUN pip3.12 install --user poetry",
						"commands": [
							{"argv": ["pip3.12", "install", "--user", "poetry"], "assignments": [], "text": "pip3.12 install --user poetry", "line": 4, "pipeline": 0, "position": 0},
						],
					},
				],
			},
		],
	},
}

#  1 | FROM python:3.12-slim
#  2 | RUN pip install --no-cache-dir -r requirements.txt
#  3 | RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt
#  4 | RUN PIP_NO_CACHE_DIR=1 pip install gunicorn
#  5 | RUN export PIP_NO_CACHE_DIR=off && pip install uvicorn
#  6 | RUN pip freeze > requirements.lock && pip download -d /wheels flask
pip_clean := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 6,
				"base": {"raw": "python:3.12-slim", "resolved": "python:3.12-slim", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/python", "tag": "3.12-slim", "digest": null, "name": "docker.io/library/python", "normalized": "docker.io/library/python:3.12-slim"}, "error": null},
				"instructions": [
					{
						"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["pip", "install", "--no-cache-dir", "-r", "requirements.txt"], "value": "pip install --no-cache-dir -r requirements.txt", "form": "shell", "properties": [], "heredocs": [], "source": "RUN pip install --no-cache-dir -r requirements.txt",
						"commands": [
							{"argv": ["pip", "install", "--no-cache-dir", "-r", "requirements.txt"], "assignments": [], "text": "pip install --no-cache-dir -r requirements.txt", "line": 2, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 3, "end_line": 3, "flags": [{"name": "mount", "value": "type=cache,target=/root/.cache/pip"}], "arguments": ["pip", "install", "-r", "requirements.txt"], "value": "pip install -r requirements.txt", "form": "shell", "properties": [], "heredocs": [], "source": "RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt",
						"commands": [
							{"argv": ["pip", "install", "-r", "requirements.txt"], "assignments": [], "text": "pip install -r requirements.txt", "line": 3, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 4, "end_line": 4, "flags": [], "arguments": ["PIP_NO_CACHE_DIR=1", "pip", "install", "gunicorn"], "value": "PIP_NO_CACHE_DIR=1 pip install gunicorn", "form": "shell", "properties": [], "heredocs": [], "source": "RUN PIP_NO_CACHE_DIR=1 pip install gunicorn",
						"commands": [
							{"argv": ["pip", "install", "gunicorn"], "assignments": ["PIP_NO_CACHE_DIR=1"], "text": "pip install gunicorn", "line": 4, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 5, "end_line": 5, "flags": [], "arguments": ["export", "PIP_NO_CACHE_DIR=off", "&&", "pip", "install", "uvicorn"], "value": "export PIP_NO_CACHE_DIR=off && pip install uvicorn", "form": "shell", "properties": [], "heredocs": [], "source": "RUN export PIP_NO_CACHE_DIR=off && pip install uvicorn",
						"commands": [
							{"argv": ["export", "PIP_NO_CACHE_DIR=off"], "assignments": [], "text": "export PIP_NO_CACHE_DIR=off", "line": 5, "pipeline": 0, "position": 0},
							{"argv": ["pip", "install", "uvicorn"], "assignments": [], "text": "pip install uvicorn", "line": 5, "pipeline": 1, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 6, "end_line": 6, "flags": [], "arguments": ["pip", "freeze", ">", "requirements.lock", "&&", "pip", "download", "-d", "/wheels", "flask"], "value": "pip freeze > requirements.lock && pip download -d /wheels flask", "form": "shell", "properties": [], "heredocs": [], "source": "RUN pip freeze > requirements.lock && pip download -d /wheels flask",
						"commands": [
							{"argv": ["pip", "freeze"], "assignments": [], "text": "pip freeze", "line": 6, "pipeline": 0, "position": 0},
							{"argv": ["pip", "download", "-d", "/wheels", "flask"], "assignments": [], "text": "pip download -d /wheels flask", "line": 6, "pipeline": 1, "position": 0},
						],
					},
				],
			},
		],
	},
}

#  1 | FROM python:3.12-slim
#  2 | RUN --mount=type=cache,target=/root/.npm pip install -r requirements.txt
#  3 | RUN export PATH=/opt/venv/bin:$PATH && pip install gunicorn
pip_unrelated := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 3,
				"base": {"raw": "python:3.12-slim", "resolved": "python:3.12-slim", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/python", "tag": "3.12-slim", "digest": null, "name": "docker.io/library/python", "normalized": "docker.io/library/python:3.12-slim"}, "error": null},
				"instructions": [
					{
						"keyword": "RUN", "line": 2, "end_line": 2, "flags": [{"name": "mount", "value": "type=cache,target=/root/.npm"}], "arguments": ["pip", "install", "-r", "requirements.txt"], "value": "pip install -r requirements.txt", "form": "shell", "properties": [], "heredocs": [], "source": "RUN --mount=type=cache,target=/root/.npm pip install -r requirements.txt",
						"commands": [
							{"argv": ["pip", "install", "-r", "requirements.txt"], "assignments": [], "text": "pip install -r requirements.txt", "line": 2, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 3, "end_line": 3, "flags": [], "arguments": ["export", "PATH=/opt/venv/bin:$PATH", "&&", "pip", "install", "gunicorn"], "value": "export PATH=/opt/venv/bin:$PATH && pip install gunicorn", "form": "shell", "properties": [], "heredocs": [], "source": "RUN export PATH=/opt/venv/bin:$PATH && pip install gunicorn",
						"commands": [
							{"argv": ["export", "PATH=/opt/venv/bin:$PATH"], "assignments": [], "text": "export PATH=/opt/venv/bin:$PATH", "line": 3, "pipeline": 0, "position": 0},
							{"argv": ["pip", "install", "gunicorn"], "assignments": [], "text": "pip install gunicorn", "line": 3, "pipeline": 1, "position": 0},
						],
					},
				],
			},
		],
	},
}

#  1 | FROM python:3.12-slim AS base
#  2 | RUN pip install wheel
#  3 | ENV PIP_NO_CACHE_DIR=1
#  4 | RUN pip install -r requirements.txt
#  5 | FROM base
#  6 | RUN pip install gunicorn
pip_env := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": "base", "final": false, "line": 1, "end_line": 4,
				"base": {"raw": "python:3.12-slim", "resolved": "python:3.12-slim", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/python", "tag": "3.12-slim", "digest": null, "name": "docker.io/library/python", "normalized": "docker.io/library/python:3.12-slim"}, "error": null},
				"instructions": [
					{
						"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["pip", "install", "wheel"], "value": "pip install wheel", "form": "shell", "properties": [], "heredocs": [], "source": "RUN pip install wheel",
						"commands": [
							{"argv": ["pip", "install", "wheel"], "assignments": [], "text": "pip install wheel", "line": 2, "pipeline": 0, "position": 0},
						],
					},
					{"keyword": "ENV", "line": 3, "end_line": 3, "flags": [], "arguments": ["PIP_NO_CACHE_DIR=1"], "value": "PIP_NO_CACHE_DIR=1", "form": null, "properties": [{"name": "PIP_NO_CACHE_DIR", "value": "1", "line": 3}], "heredocs": [], "commands": [], "source": "ENV PIP_NO_CACHE_DIR=1"},
					{
						"keyword": "RUN", "line": 4, "end_line": 4, "flags": [], "arguments": ["pip", "install", "-r", "requirements.txt"], "value": "pip install -r requirements.txt", "form": "shell", "properties": [], "heredocs": [], "source": "RUN pip install -r requirements.txt",
						"commands": [
							{"argv": ["pip", "install", "-r", "requirements.txt"], "assignments": [], "text": "pip install -r requirements.txt", "line": 4, "pipeline": 0, "position": 0},
						],
					},
				],
			},
			{
				"index": 1, "name": null, "final": true, "line": 5, "end_line": 6,
				"base": {"raw": "base", "resolved": "base", "unresolved_variables": [], "platform": null, "stage": 0, "scratch": false, "image": null, "error": null},
				"instructions": [
					{
						"keyword": "RUN", "line": 6, "end_line": 6, "flags": [], "arguments": ["pip", "install", "gunicorn"], "value": "pip install gunicorn", "form": "shell", "properties": [], "heredocs": [], "source": "RUN pip install gunicorn",
						"commands": [
							{"argv": ["pip", "install", "gunicorn"], "assignments": [], "text": "pip install gunicorn", "line": 6, "pipeline": 0, "position": 0},
						],
					},
				],
			},
		],
	},
}

# ---- #13

# Caches of a builder stage that is only copied from do not reach the image.
test_only_shipped_stages_are_judged if {
	lines := test_inputs.lines(package_cache.warn) with input as stages
	lines == {6}
}

# apt and aptitude fetch lists too; a RUN ending in a comment or `\\` gets no fix.
test_apt_and_aptitude_update_and_fix_placement if {
	findings := package_cache.warn with input as update_forms
	test_inputs.lines(findings) == {2, 3, 4}
	test_inputs.fixes(findings) == {
		{"line": 2, "end_line": 2, "replacement": "RUN apt update && apt install -y jq && rm -rf /var/lib/apt/lists/*", "description": "Remove the apt lists"},
		{"line": 3, "end_line": 3, "replacement": "RUN aptitude update && aptitude install -y vim && rm -rf /var/lib/apt/lists/*", "description": "Remove the apt lists"},
	}
}

#  1 | FROM python:3.12-alpine AS build
#  2 | RUN apk add build-base && pip install wheel
#  3 | RUN apt-get update
#  4 | FROM python:3.12-alpine AS base
#  5 | FROM base
#  6 | RUN apk add libffi
#  7 | COPY --from=build /wheels /wheels
stages := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": "build", "final": false, "line": 1, "end_line": 3,
				"base": {"raw": "python:3.12-alpine", "resolved": "python:3.12-alpine", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/python", "tag": "3.12-alpine", "digest": null, "name": "docker.io/library/python", "normalized": "docker.io/library/python:3.12-alpine"}, "error": null},
				"instructions": [
					{
						"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["apk", "add", "build-base", "&&", "pip", "install", "wheel"], "value": "apk add build-base && pip install wheel", "form": "shell", "properties": [], "heredocs": [], "source": "RUN apk add build-base && pip install wheel",
						"commands": [
							{"argv": ["apk", "add", "build-base"], "assignments": [], "text": "apk add build-base", "line": 2, "pipeline": 0, "position": 0},
							{"argv": ["pip", "install", "wheel"], "assignments": [], "text": "pip install wheel", "line": 2, "pipeline": 1, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 3, "end_line": 3, "flags": [], "arguments": ["apt-get", "update"], "value": "apt-get update", "form": "shell", "properties": [], "heredocs": [], "source": "RUN apt-get update",
						"commands": [
							{"argv": ["apt-get", "update"], "assignments": [], "text": "apt-get update", "line": 3, "pipeline": 0, "position": 0},
						],
					},
				],
			},
			{
				"index": 1, "name": "base", "final": false, "line": 4, "end_line": 4,
				"base": {"raw": "python:3.12-alpine", "resolved": "python:3.12-alpine", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/python", "tag": "3.12-alpine", "digest": null, "name": "docker.io/library/python", "normalized": "docker.io/library/python:3.12-alpine"}, "error": null},
				"instructions": [],
			},
			{
				"index": 2, "name": null, "final": true, "line": 5, "end_line": 7,
				"base": {"raw": "base", "resolved": "base", "unresolved_variables": [], "platform": null, "stage": 1, "scratch": false, "image": null, "error": null},
				"instructions": [
					{
						"keyword": "RUN", "line": 6, "end_line": 6, "flags": [], "arguments": ["apk", "add", "libffi"], "value": "apk add libffi", "form": "shell", "properties": [], "heredocs": [], "source": "RUN apk add libffi",
						"commands": [
							{"argv": ["apk", "add", "libffi"], "assignments": [], "text": "apk add libffi", "line": 6, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "COPY", "line": 7, "end_line": 7, "flags": [{"name": "from", "value": "build"}], "arguments": ["/wheels", "/wheels"], "value": "/wheels /wheels", "form": null, "properties": [], "heredocs": [], "source": "COPY --from=build /wheels /wheels",
						"commands": [],
					},
				],
			},
		],
	},
}

#  1 | FROM debian:12-slim
#  2 | RUN apt update && apt install -y jq
#  3 | RUN aptitude update && aptitude install -y vim
#  4 | RUN apt-get update && apt-get install -y curl # the lists stay
update_forms := {
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
						"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["apt", "update", "&&", "apt", "install", "-y", "jq"], "value": "apt update && apt install -y jq", "form": "shell", "properties": [], "heredocs": [], "source": "RUN apt update && apt install -y jq",
						"commands": [
							{"argv": ["apt", "update"], "assignments": [], "text": "apt update", "line": 2, "pipeline": 0, "position": 0},
							{"argv": ["apt", "install", "-y", "jq"], "assignments": [], "text": "apt install -y jq", "line": 2, "pipeline": 1, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 3, "end_line": 3, "flags": [], "arguments": ["aptitude", "update", "&&", "aptitude", "install", "-y", "vim"], "value": "aptitude update && aptitude install -y vim", "form": "shell", "properties": [], "heredocs": [], "source": "RUN aptitude update && aptitude install -y vim",
						"commands": [
							{"argv": ["aptitude", "update"], "assignments": [], "text": "aptitude update", "line": 3, "pipeline": 0, "position": 0},
							{"argv": ["aptitude", "install", "-y", "vim"], "assignments": [], "text": "aptitude install -y vim", "line": 3, "pipeline": 1, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 4, "end_line": 4, "flags": [], "arguments": ["apt-get", "update", "&&", "apt-get", "install", "-y", "curl", "#", "the", "lists", "stay"], "value": "apt-get update && apt-get install -y curl # the lists stay", "form": "shell", "properties": [], "heredocs": [], "source": "RUN apt-get update && apt-get install -y curl # the lists stay",
						"commands": [
							{"argv": ["apt-get", "update"], "assignments": [], "text": "apt-get update", "line": 4, "pipeline": 0, "position": 0},
							{"argv": ["apt-get", "install", "-y", "curl"], "assignments": [], "text": "apt-get install -y curl", "line": 4, "pipeline": 1, "position": 0},
						],
					},
				],
			},
		],
	},
}
