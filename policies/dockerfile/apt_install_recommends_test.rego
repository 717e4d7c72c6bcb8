package portcullis.rules.apt_install_recommends_test

import rego.v1

import data.portcullis.lib.test_inputs
import data.portcullis.rules.apt_install_recommends

test_install_without_flag_is_warned_on_its_own_line_with_a_fix if {
	findings := apt_install_recommends.warn with input as chain
	findings == {{
		"msg": "\"apt-get install -y curl ca-certificates\" also installs recommended packages, which bloats the image: add --no-install-recommends.",
		"line": 3,
		"fix": {
			"line": 3,
			"end_line": 3,
			"replacement": "    apt-get install --no-install-recommends -y curl ca-certificates && \\",
			"description": "Add --no-install-recommends",
		},
	}}
}

test_flag_and_apt_option_pass if {
	count(apt_install_recommends.warn) == 0 with input as disabled
}

test_apt_configuration_written_earlier_in_the_stage_passes if {
	count(apt_install_recommends.warn) == 0 with input as configured
}

test_apt_sudo_options_before_install_and_heredoc_are_found if {
	fixes := test_inputs.fixes(apt_install_recommends.warn) with input as variants
	fixes == {
		{"line": 2, "end_line": 2, "replacement": "RUN apt install --no-install-recommends -y git", "description": "Add --no-install-recommends"},
		{"line": 3, "end_line": 3, "replacement": "RUN sudo -E apt-get -q -y install --no-install-recommends make", "description": "Add --no-install-recommends"},
		{"line": 6, "end_line": 6, "replacement": "apt-get install --no-install-recommends -y python3", "description": "Add --no-install-recommends"},
	}
}

# Two installs on one line: each fix edits its own command.
test_fixes_target_their_own_command_on_a_shared_line if {
	fixes := test_inputs.fixes(apt_install_recommends.warn) with input as same_line
	fixes == {
		{"line": 2, "end_line": 2, "replacement": "RUN apt-get install --no-install-recommends -y a && apt-get install -y a-doc", "description": "Add --no-install-recommends"},
		{"line": 2, "end_line": 2, "replacement": "RUN apt-get install -y a && apt-get install --no-install-recommends -y a-doc", "description": "Add --no-install-recommends"},
	}
}

# The command continues on the next line: the insertion still lands after `install`.
test_multi_line_command_is_fixed_on_its_first_line if {
	findings := apt_install_recommends.warn with input as continued
	findings == {{
		"msg": "\"apt-get install -y curl\" also installs recommended packages, which bloats the image: add --no-install-recommends.",
		"line": 2,
		"fix": {"line": 2, "end_line": 2, "replacement": "RUN apt-get update && apt-get install --no-install-recommends \\", "description": "Add --no-install-recommends"},
	}}
}

# `install` itself is on a later line than the command's first word: no safe fix.
test_install_on_a_later_line_gets_no_fix if {
	findings := apt_install_recommends.warn with input as split_subcommand
	test_inputs.lines(findings) == {2}
	count(test_inputs.fixes(findings)) == 0
}

test_other_targets_are_ignored if {
	count(apt_install_recommends.warn) == 0 with input as test_inputs.other_kind(chain)
}

#  1 | FROM debian:12-slim
#  2 | RUN apt-get update && \
#  3 |     apt-get install -y curl ca-certificates && \
#  4 |     rm -rf /var/lib/apt/lists/*
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
				"base": {"raw": "debian:12-slim", "resolved": "debian:12-slim", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/debian", "tag": "12-slim", "digest": null, "name": "docker.io/library/debian", "normalized": "docker.io/library/debian:12-slim"}, "error": null},
				"instructions": [
					{
						"keyword": "RUN", "line": 2, "end_line": 4, "flags": [], "arguments": ["apt-get", "update", "&&", "apt-get", "install", "-y", "curl", "ca-certificates", "&&", "rm", "-rf", "/var/lib/apt/lists/*"], "value": "apt-get update && apt-get install -y curl ca-certificates && rm -rf /var/lib/apt/lists/*", "form": "shell", "properties": [], "heredocs": [], "source": "RUN apt-get update && \\\n    apt-get install -y curl ca-certificates && \\\n    rm -rf /var/lib/apt/lists/*",
						"commands": [
							{"argv": ["apt-get", "update"], "assignments": [], "text": "apt-get update", "line": 2, "pipeline": 0, "position": 0},
							{"argv": ["apt-get", "install", "-y", "curl", "ca-certificates"], "assignments": [], "text": "apt-get install -y curl ca-certificates", "line": 3, "pipeline": 1, "position": 0},
							{"argv": ["rm", "-rf", "/var/lib/apt/lists/*"], "assignments": [], "text": "rm -rf /var/lib/apt/lists/*", "line": 4, "pipeline": 2, "position": 0},
						],
					},
				],
			},
		],
	},
}

#  1 | FROM ubuntu:24.04
#  2 | RUN apt-get update && apt-get install -y --no-install-recommends curl
#  3 | RUN apt-get -o APT::Install-Recommends=false install -y wget
disabled := {
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
					{
						"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["apt-get", "update", "&&", "apt-get", "install", "-y", "--no-install-recommends", "curl"], "value": "apt-get update && apt-get install -y --no-install-recommends curl", "form": "shell", "properties": [], "heredocs": [], "source": "RUN apt-get update && apt-get install -y --no-install-recommends curl",
						"commands": [
							{"argv": ["apt-get", "update"], "assignments": [], "text": "apt-get update", "line": 2, "pipeline": 0, "position": 0},
							{"argv": ["apt-get", "install", "-y", "--no-install-recommends", "curl"], "assignments": [], "text": "apt-get install -y --no-install-recommends curl", "line": 2, "pipeline": 1, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 3, "end_line": 3, "flags": [], "arguments": ["apt-get", "-o", "APT::Install-Recommends=false", "install", "-y", "wget"], "value": "apt-get -o APT::Install-Recommends=false install -y wget", "form": "shell", "properties": [], "heredocs": [], "source": "RUN apt-get -o APT::Install-Recommends=false install -y wget",
						"commands": [
							{"argv": ["apt-get", "-o", "APT::Install-Recommends=false", "install", "-y", "wget"], "assignments": [], "text": "apt-get -o APT::Install-Recommends=false install -y wget", "line": 3, "pipeline": 0, "position": 0},
						],
					},
				],
			},
		],
	},
}

#  1 | FROM ubuntu:24.04
#  2 | RUN echo 'APT::Install-Recommends "0";' > /etc/apt/apt.conf.d/99norecommends
#  3 | RUN apt-get update && apt-get install -y curl
configured := {
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
					{
						"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["echo", "'APT::Install-Recommends", "\"0\";'", ">", "/etc/apt/apt.conf.d/99norecommends"], "value": "echo 'APT::Install-Recommends \"0\";' > /etc/apt/apt.conf.d/99norecommends", "form": "shell", "properties": [], "heredocs": [], "source": "RUN echo 'APT::Install-Recommends \"0\";' > /etc/apt/apt.conf.d/99norecommends",
						"commands": [
							{"argv": ["echo", "APT::Install-Recommends \"0\";"], "assignments": [], "text": "echo 'APT::Install-Recommends \"0\";'", "line": 2, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 3, "end_line": 3, "flags": [], "arguments": ["apt-get", "update", "&&", "apt-get", "install", "-y", "curl"], "value": "apt-get update && apt-get install -y curl", "form": "shell", "properties": [], "heredocs": [], "source": "RUN apt-get update && apt-get install -y curl",
						"commands": [
							{"argv": ["apt-get", "update"], "assignments": [], "text": "apt-get update", "line": 3, "pipeline": 0, "position": 0},
							{"argv": ["apt-get", "install", "-y", "curl"], "assignments": [], "text": "apt-get install -y curl", "line": 3, "pipeline": 1, "position": 0},
						],
					},
				],
			},
		],
	},
}

#  1 | FROM ubuntu:24.04
#  2 | RUN apt install -y git
#  3 | RUN sudo -E apt-get -q -y install make
#  4 | RUN <<EOF
#  5 | set -eux
#  6 | apt-get install -y python3
#  7 | EOF
#  8 | RUN apt-get download make && apt-cache policy curl
variants := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 8,
				"base": {"raw": "ubuntu:24.04", "resolved": "ubuntu:24.04", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/ubuntu", "tag": "24.04", "digest": null, "name": "docker.io/library/ubuntu", "normalized": "docker.io/library/ubuntu:24.04"}, "error": null},
				"instructions": [
					{
						"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["apt", "install", "-y", "git"], "value": "apt install -y git", "form": "shell", "properties": [], "heredocs": [], "source": "RUN apt install -y git",
						"commands": [
							{"argv": ["apt", "install", "-y", "git"], "assignments": [], "text": "apt install -y git", "line": 2, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 3, "end_line": 3, "flags": [], "arguments": ["sudo", "-E", "apt-get", "-q", "-y", "install", "make"], "value": "sudo -E apt-get -q -y install make", "form": "shell", "properties": [], "heredocs": [], "source": "RUN sudo -E apt-get -q -y install make",
						"commands": [
							{"argv": ["sudo", "-E", "apt-get", "-q", "-y", "install", "make"], "assignments": [], "text": "sudo -E apt-get -q -y install make", "line": 3, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 4, "end_line": 7, "flags": [], "arguments": ["<<EOF", "set", "-eux", "apt-get", "install", "-y", "python3", "EOF"], "value": "<<EOF\nset -eux\napt-get install -y python3\nEOF", "form": "shell", "properties": [], "heredocs": [{"name": "EOF", "body": "set -eux\napt-get install -y python3", "line": 5, "end_line": 7}], "source": "RUN <<EOF\nset -eux\napt-get install -y python3\nEOF",
						"commands": [
							{"argv": ["set", "-eux"], "assignments": [], "text": "set -eux", "line": 5, "pipeline": 0, "position": 0},
							{"argv": ["apt-get", "install", "-y", "python3"], "assignments": [], "text": "apt-get install -y python3", "line": 6, "pipeline": 1, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 8, "end_line": 8, "flags": [], "arguments": ["apt-get", "download", "make", "&&", "apt-cache", "policy", "curl"], "value": "apt-get download make && apt-cache policy curl", "form": "shell", "properties": [], "heredocs": [], "source": "RUN apt-get download make && apt-cache policy curl",
						"commands": [
							{"argv": ["apt-get", "download", "make"], "assignments": [], "text": "apt-get download make", "line": 8, "pipeline": 0, "position": 0},
							{"argv": ["apt-cache", "policy", "curl"], "assignments": [], "text": "apt-cache policy curl", "line": 8, "pipeline": 1, "position": 0},
						],
					},
				],
			},
		],
	},
}

#  1 | FROM debian:12-slim
#  2 | RUN apt-get install -y a && apt-get install -y a-doc
same_line := {
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
						"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["apt-get", "install", "-y", "a", "&&", "apt-get", "install", "-y", "a-doc"], "value": "apt-get install -y a && apt-get install -y a-doc", "form": "shell", "properties": [], "heredocs": [], "source": "RUN apt-get install -y a && apt-get install -y a-doc",
						"commands": [
							{"argv": ["apt-get", "install", "-y", "a"], "assignments": [], "text": "apt-get install -y a", "line": 2, "pipeline": 0, "position": 0},
							{"argv": ["apt-get", "install", "-y", "a-doc"], "assignments": [], "text": "apt-get install -y a-doc", "line": 2, "pipeline": 1, "position": 0},
						],
					},
				],
			},
		],
	},
}

#  1 | FROM debian:12-slim
#  2 | RUN apt-get update && apt-get install \
#  3 |       -y curl
continued := {
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
						"keyword": "RUN", "line": 2, "end_line": 3, "flags": [], "arguments": ["apt-get", "update", "&&", "apt-get", "install", "-y", "curl"], "value": "apt-get update && apt-get install -y curl", "form": "shell", "properties": [], "heredocs": [], "source": "RUN apt-get update && apt-get install \\\n      -y curl",
						"commands": [
							{"argv": ["apt-get", "update"], "assignments": [], "text": "apt-get update", "line": 2, "pipeline": 0, "position": 0},
							{"argv": ["apt-get", "install", "-y", "curl"], "assignments": [], "text": "apt-get install -y curl", "line": 2, "pipeline": 1, "position": 0},
						],
					},
				],
			},
		],
	},
}

#  1 | FROM debian:12-slim
#  2 | RUN apt-get \
#  3 |       install -y curl
split_subcommand := {
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
						"keyword": "RUN", "line": 2, "end_line": 3, "flags": [], "arguments": ["apt-get", "install", "-y", "curl"], "value": "apt-get install -y curl", "form": "shell", "properties": [], "heredocs": [], "source": "RUN apt-get \\\n      install -y curl",
						"commands": [
							{"argv": ["apt-get", "install", "-y", "curl"], "assignments": [], "text": "apt-get install -y curl", "line": 2, "pipeline": 0, "position": 0},
						],
					},
				],
			},
		],
	},
}

# ---- #13

# A builder stage only copied from ships nothing; the stages the final one builds on do.
test_only_shipped_stages_are_judged if {
	lines := test_inputs.lines(apt_install_recommends.warn) with input as stages
	lines == {4}
}

test_aptitude_is_told_its_own_flag if {
	findings := apt_install_recommends.warn with input as aptitude
	findings == {{
		"msg": "\"aptitude install -y vim\" also installs recommended packages, which bloats the image: add --without-recommends.",
		"line": 2,
		"fix": {"line": 2, "end_line": 2, "replacement": "RUN aptitude install --without-recommends -y vim && aptitude install -R -y less", "description": "Add --without-recommends"},
	}}
}

#  1 | FROM debian:12-slim AS build
#  2 | RUN apt-get update && apt-get install -y gcc && rm -rf /var/lib/apt/lists/*
#  3 | FROM debian:12-slim AS base
#  4 | RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*
#  5 | FROM base
#  6 | COPY --from=build /out /out
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
				"base": {"raw": "debian:12-slim", "resolved": "debian:12-slim", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/debian", "tag": "12-slim", "digest": null, "name": "docker.io/library/debian", "normalized": "docker.io/library/debian:12-slim"}, "error": null},
				"instructions": [
					{
						"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["apt-get", "update", "&&", "apt-get", "install", "-y", "gcc", "&&", "rm", "-rf", "/var/lib/apt/lists/*"], "value": "apt-get update && apt-get install -y gcc && rm -rf /var/lib/apt/lists/*", "form": "shell", "properties": [], "heredocs": [], "source": "RUN apt-get update && apt-get install -y gcc && rm -rf /var/lib/apt/lists/*",
						"commands": [
							{"argv": ["apt-get", "update"], "assignments": [], "text": "apt-get update", "line": 2, "pipeline": 0, "position": 0},
							{"argv": ["apt-get", "install", "-y", "gcc"], "assignments": [], "text": "apt-get install -y gcc", "line": 2, "pipeline": 1, "position": 0},
							{"argv": ["rm", "-rf", "/var/lib/apt/lists/*"], "assignments": [], "text": "rm -rf /var/lib/apt/lists/*", "line": 2, "pipeline": 2, "position": 0},
						],
					},
				],
			},
			{
				"index": 1, "name": "base", "final": false, "line": 3, "end_line": 4,
				"base": {"raw": "debian:12-slim", "resolved": "debian:12-slim", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/debian", "tag": "12-slim", "digest": null, "name": "docker.io/library/debian", "normalized": "docker.io/library/debian:12-slim"}, "error": null},
				"instructions": [
					{
						"keyword": "RUN", "line": 4, "end_line": 4, "flags": [], "arguments": ["apt-get", "update", "&&", "apt-get", "install", "-y", "curl", "&&", "rm", "-rf", "/var/lib/apt/lists/*"], "value": "apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*", "form": "shell", "properties": [], "heredocs": [], "source": "RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*",
						"commands": [
							{"argv": ["apt-get", "update"], "assignments": [], "text": "apt-get update", "line": 4, "pipeline": 0, "position": 0},
							{"argv": ["apt-get", "install", "-y", "curl"], "assignments": [], "text": "apt-get install -y curl", "line": 4, "pipeline": 1, "position": 0},
							{"argv": ["rm", "-rf", "/var/lib/apt/lists/*"], "assignments": [], "text": "rm -rf /var/lib/apt/lists/*", "line": 4, "pipeline": 2, "position": 0},
						],
					},
				],
			},
			{
				"index": 2, "name": null, "final": true, "line": 5, "end_line": 6,
				"base": {"raw": "base", "resolved": "base", "unresolved_variables": [], "platform": null, "stage": 1, "scratch": false, "image": null, "error": null},
				"instructions": [
					{
						"keyword": "COPY", "line": 6, "end_line": 6, "flags": [{"name": "from", "value": "build"}], "arguments": ["/out", "/out"], "value": "/out /out", "form": null, "properties": [], "heredocs": [], "source": "COPY --from=build /out /out",
						"commands": [],
					},
				],
			},
		],
	},
}

#  1 | FROM debian:12-slim
#  2 | RUN aptitude install -y vim && aptitude install -R -y less
aptitude := {
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
						"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["aptitude", "install", "-y", "vim", "&&", "aptitude", "install", "-R", "-y", "less"], "value": "aptitude install -y vim && aptitude install -R -y less", "form": "shell", "properties": [], "heredocs": [], "source": "RUN aptitude install -y vim && aptitude install -R -y less",
						"commands": [
							{"argv": ["aptitude", "install", "-y", "vim"], "assignments": [], "text": "aptitude install -y vim", "line": 2, "pipeline": 0, "position": 0},
							{"argv": ["aptitude", "install", "-R", "-y", "less"], "assignments": [], "text": "aptitude install -R -y less", "line": 2, "pipeline": 1, "position": 0},
						],
					},
				],
			},
		],
	},
}
