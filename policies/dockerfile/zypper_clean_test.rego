package portcullis.rules.zypper_clean_test

import rego.v1

import data.portcullis.lib.test_inputs
import data.portcullis.rules.zypper_clean

test_zypper_install_without_clean_is_warned_with_a_fix if {
	findings := zypper_clean.warn with input as zypper
	findings == {{
		"msg": "\"zypper -n install curl\" leaves its package cache in the layer: end the RUN with zypper clean --all.",
		"line": 2,
		"fix": {"line": 2, "end_line": 2, "replacement": "RUN zypper -n install curl && zypper clean --all", "description": "Add zypper clean --all"},
	}}
}

test_clean_cc_removal_and_cache_mount_pass if {
	count(zypper_clean.warn) == 0 with input as zypper_clean_forms
}

test_other_targets_are_ignored if {
	count(zypper_clean.warn) == 0 with input as test_inputs.other_kind(zypper)
}

#  1 | FROM opensuse/leap:15.6
#  2 | RUN zypper -n install curl
#  3 | RUN zypper search curl
zypper := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 3,
				"base": {"raw": "opensuse/leap:15.6", "resolved": "opensuse/leap:15.6", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "opensuse/leap", "tag": "15.6", "digest": null, "name": "docker.io/opensuse/leap", "normalized": "docker.io/opensuse/leap:15.6"}, "error": null},
				"instructions": [
					{
						"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["zypper", "-n", "install", "curl"], "value": "zypper -n install curl", "form": "shell", "properties": [], "heredocs": [], "source": "RUN zypper -n install curl",
						"commands": [
							{"argv": ["zypper", "-n", "install", "curl"], "assignments": [], "text": "zypper -n install curl", "line": 2, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 3, "end_line": 3, "flags": [], "arguments": ["zypper", "search", "curl"], "value": "zypper search curl", "form": "shell", "properties": [], "heredocs": [], "source": "RUN zypper search curl",
						"commands": [
							{"argv": ["zypper", "search", "curl"], "assignments": [], "text": "zypper search curl", "line": 3, "pipeline": 0, "position": 0},
						],
					},
				],
			},
		],
	},
}

#  1 | FROM opensuse/leap:15.6
#  2 | RUN zypper -n in curl && zypper clean
#  3 | RUN zypper -n ref && zypper -n in git && zypper cc -a
#  4 | RUN zypper -n in jq && rm -rf /var/cache/zypp/*
#  5 | RUN --mount=type=cache,target=/var/cache/zypp zypper -n dup
zypper_clean_forms := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 5,
				"base": {"raw": "opensuse/leap:15.6", "resolved": "opensuse/leap:15.6", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "opensuse/leap", "tag": "15.6", "digest": null, "name": "docker.io/opensuse/leap", "normalized": "docker.io/opensuse/leap:15.6"}, "error": null},
				"instructions": [
					{
						"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["zypper", "-n", "in", "curl", "&&", "zypper", "clean"], "value": "zypper -n in curl && zypper clean", "form": "shell", "properties": [], "heredocs": [], "source": "RUN zypper -n in curl && zypper clean",
						"commands": [
							{"argv": ["zypper", "-n", "in", "curl"], "assignments": [], "text": "zypper -n in curl", "line": 2, "pipeline": 0, "position": 0},
							{"argv": ["zypper", "clean"], "assignments": [], "text": "zypper clean", "line": 2, "pipeline": 1, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 3, "end_line": 3, "flags": [], "arguments": ["zypper", "-n", "ref", "&&", "zypper", "-n", "in", "git", "&&", "zypper", "cc", "-a"], "value": "zypper -n ref && zypper -n in git && zypper cc -a", "form": "shell", "properties": [], "heredocs": [], "source": "RUN zypper -n ref && zypper -n in git && zypper cc -a",
						"commands": [
							{"argv": ["zypper", "-n", "ref"], "assignments": [], "text": "zypper -n ref", "line": 3, "pipeline": 0, "position": 0},
							{"argv": ["zypper", "-n", "in", "git"], "assignments": [], "text": "zypper -n in git", "line": 3, "pipeline": 1, "position": 0},
							{"argv": ["zypper", "cc", "-a"], "assignments": [], "text": "zypper cc -a", "line": 3, "pipeline": 2, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 4, "end_line": 4, "flags": [], "arguments": ["zypper", "-n", "in", "jq", "&&", "rm", "-rf", "/var/cache/zypp/*"], "value": "zypper -n in jq && rm -rf /var/cache/zypp/*", "form": "shell", "properties": [], "heredocs": [], "source": "RUN zypper -n in jq && rm -rf /var/cache/zypp/*",
						"commands": [
							{"argv": ["zypper", "-n", "in", "jq"], "assignments": [], "text": "zypper -n in jq", "line": 4, "pipeline": 0, "position": 0},
							{"argv": ["rm", "-rf", "/var/cache/zypp/*"], "assignments": [], "text": "rm -rf /var/cache/zypp/*", "line": 4, "pipeline": 1, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 5, "end_line": 5, "flags": [{"name": "mount", "value": "type=cache,target=/var/cache/zypp"}], "arguments": ["zypper", "-n", "dup"], "value": "zypper -n dup", "form": "shell", "properties": [], "heredocs": [], "source": "RUN --mount=type=cache,target=/var/cache/zypp zypper -n dup",
						"commands": [
							{"argv": ["zypper", "-n", "dup"], "assignments": [], "text": "zypper -n dup", "line": 5, "pipeline": 0, "position": 0},
						],
					},
				],
			},
		],
	},
}
