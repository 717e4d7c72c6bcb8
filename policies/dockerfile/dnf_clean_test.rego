package portcullis.rules.dnf_clean_test

import rego.v1

import data.portcullis.lib.test_inputs
import data.portcullis.rules.dnf_clean

test_dnf_and_microdnf_without_clean_are_warned_with_fixes if {
	fixes := test_inputs.fixes(dnf_clean.warn) with input as dnf
	fixes == {
		{"line": 2, "end_line": 2, "replacement": "RUN dnf install -y httpd && dnf clean all", "description": "Add dnf clean all"},
		{"line": 3, "end_line": 3, "replacement": "RUN microdnf install -y tzdata && microdnf clean all", "description": "Add microdnf clean all"},
	}
}

test_message_names_the_clean_command_of_the_tool if {
	findings := dnf_clean.warn with input as dnf
	some finding in findings
	finding.msg == "\"microdnf install -y tzdata\" leaves its package cache in the layer: end the RUN with microdnf clean all."
}

test_clean_all_removal_and_cache_mount_pass if {
	count(dnf_clean.warn) == 0 with input as dnf_clean_forms
}

# `dnf clean packages` keeps the metadata; yum's install is PC-DF-018's.
test_partial_clean_and_yum_are_not_enough if {
	lines := test_inputs.lines(dnf_clean.warn) with input as dnf_partial
	lines == {2}
}

#  1 | FROM fedora:40
#  2 | RUN dnf install -y httpd
#  3 | RUN microdnf install -y tzdata
dnf := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 3,
				"base": {"raw": "fedora:40", "resolved": "fedora:40", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/fedora", "tag": "40", "digest": null, "name": "docker.io/library/fedora", "normalized": "docker.io/library/fedora:40"}, "error": null},
				"instructions": [
					{
						"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["dnf", "install", "-y", "httpd"], "value": "dnf install -y httpd", "form": "shell", "properties": [], "heredocs": [], "source": "RUN dnf install -y httpd",
						"commands": [
							{"argv": ["dnf", "install", "-y", "httpd"], "assignments": [], "text": "dnf install -y httpd", "line": 2, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 3, "end_line": 3, "flags": [], "arguments": ["microdnf", "install", "-y", "tzdata"], "value": "microdnf install -y tzdata", "form": "shell", "properties": [], "heredocs": [], "source": "RUN microdnf install -y tzdata",
						"commands": [
							{"argv": ["microdnf", "install", "-y", "tzdata"], "assignments": [], "text": "microdnf install -y tzdata", "line": 3, "pipeline": 0, "position": 0},
						],
					},
				],
			},
		],
	},
}

#  1 | FROM fedora:40
#  2 | RUN dnf install -y a && dnf clean all
#  3 | RUN microdnf install -y b && microdnf clean all
#  4 | RUN dnf5 install -y c && rm -rf /var/cache/libdnf5
#  5 | RUN --mount=type=cache,target=/var/cache/dnf dnf upgrade -y
dnf_clean_forms := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 5,
				"base": {"raw": "fedora:40", "resolved": "fedora:40", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/fedora", "tag": "40", "digest": null, "name": "docker.io/library/fedora", "normalized": "docker.io/library/fedora:40"}, "error": null},
				"instructions": [
					{
						"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["dnf", "install", "-y", "a", "&&", "dnf", "clean", "all"], "value": "dnf install -y a && dnf clean all", "form": "shell", "properties": [], "heredocs": [], "source": "RUN dnf install -y a && dnf clean all",
						"commands": [
							{"argv": ["dnf", "install", "-y", "a"], "assignments": [], "text": "dnf install -y a", "line": 2, "pipeline": 0, "position": 0},
							{"argv": ["dnf", "clean", "all"], "assignments": [], "text": "dnf clean all", "line": 2, "pipeline": 1, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 3, "end_line": 3, "flags": [], "arguments": ["microdnf", "install", "-y", "b", "&&", "microdnf", "clean", "all"], "value": "microdnf install -y b && microdnf clean all", "form": "shell", "properties": [], "heredocs": [], "source": "RUN microdnf install -y b && microdnf clean all",
						"commands": [
							{"argv": ["microdnf", "install", "-y", "b"], "assignments": [], "text": "microdnf install -y b", "line": 3, "pipeline": 0, "position": 0},
							{"argv": ["microdnf", "clean", "all"], "assignments": [], "text": "microdnf clean all", "line": 3, "pipeline": 1, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 4, "end_line": 4, "flags": [], "arguments": ["dnf5", "install", "-y", "c", "&&", "rm", "-rf", "/var/cache/libdnf5"], "value": "dnf5 install -y c && rm -rf /var/cache/libdnf5", "form": "shell", "properties": [], "heredocs": [], "source": "RUN dnf5 install -y c && rm -rf /var/cache/libdnf5",
						"commands": [
							{"argv": ["dnf5", "install", "-y", "c"], "assignments": [], "text": "dnf5 install -y c", "line": 4, "pipeline": 0, "position": 0},
							{"argv": ["rm", "-rf", "/var/cache/libdnf5"], "assignments": [], "text": "rm -rf /var/cache/libdnf5", "line": 4, "pipeline": 1, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 5, "end_line": 5, "flags": [{"name": "mount", "value": "type=cache,target=/var/cache/dnf"}], "arguments": ["dnf", "upgrade", "-y"], "value": "dnf upgrade -y", "form": "shell", "properties": [], "heredocs": [], "source": "RUN --mount=type=cache,target=/var/cache/dnf dnf upgrade -y",
						"commands": [
							{"argv": ["dnf", "upgrade", "-y"], "assignments": [], "text": "dnf upgrade -y", "line": 5, "pipeline": 0, "position": 0},
						],
					},
				],
			},
		],
	},
}

#  1 | FROM fedora:40
#  2 | RUN dnf install -y a && dnf clean packages
#  3 | RUN yum install -y b
dnf_partial := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 3,
				"base": {"raw": "fedora:40", "resolved": "fedora:40", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/fedora", "tag": "40", "digest": null, "name": "docker.io/library/fedora", "normalized": "docker.io/library/fedora:40"}, "error": null},
				"instructions": [
					{
						"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["dnf", "install", "-y", "a", "&&", "dnf", "clean", "packages"], "value": "dnf install -y a && dnf clean packages", "form": "shell", "properties": [], "heredocs": [], "source": "RUN dnf install -y a && dnf clean packages",
						"commands": [
							{"argv": ["dnf", "install", "-y", "a"], "assignments": [], "text": "dnf install -y a", "line": 2, "pipeline": 0, "position": 0},
							{"argv": ["dnf", "clean", "packages"], "assignments": [], "text": "dnf clean packages", "line": 2, "pipeline": 1, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 3, "end_line": 3, "flags": [], "arguments": ["yum", "install", "-y", "b"], "value": "yum install -y b", "form": "shell", "properties": [], "heredocs": [], "source": "RUN yum install -y b",
						"commands": [
							{"argv": ["yum", "install", "-y", "b"], "assignments": [], "text": "yum install -y b", "line": 3, "pipeline": 0, "position": 0},
						],
					},
				],
			},
		],
	},
}
