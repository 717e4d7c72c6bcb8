package portcullis.rules.dnf_assume_yes_test

import rego.v1

import data.portcullis.lib.test_inputs
import data.portcullis.rules.dnf_assume_yes

test_dnf_and_microdnf_without_yes_are_warned_with_fixes if {
	fixes := test_inputs.fixes(dnf_assume_yes.warn) with input as dnf
	fixes == {
		{"line": 2, "end_line": 2, "replacement": "RUN dnf install -y --setopt=install_weak_deps=False httpd", "description": "Add -y"},
		{"line": 3, "end_line": 3, "replacement": "RUN microdnf --nodocs install -y tzdata", "description": "Add -y"},
	}
}

test_every_way_of_answering_yes_passes if {
	count(dnf_assume_yes.warn) == 0 with input as dnf_yes
}

#  1 | FROM fedora:40
#  2 | RUN dnf install --setopt=install_weak_deps=False httpd
#  3 | RUN microdnf --nodocs install tzdata
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
						"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["dnf", "install", "--setopt=install_weak_deps=False", "httpd"], "value": "dnf install --setopt=install_weak_deps=False httpd", "form": "shell", "properties": [], "heredocs": [], "source": "RUN dnf install --setopt=install_weak_deps=False httpd",
						"commands": [
							{"argv": ["dnf", "install", "--setopt=install_weak_deps=False", "httpd"], "assignments": [], "text": "dnf install --setopt=install_weak_deps=False httpd", "line": 2, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 3, "end_line": 3, "flags": [], "arguments": ["microdnf", "--nodocs", "install", "tzdata"], "value": "microdnf --nodocs install tzdata", "form": "shell", "properties": [], "heredocs": [], "source": "RUN microdnf --nodocs install tzdata",
						"commands": [
							{"argv": ["microdnf", "--nodocs", "install", "tzdata"], "assignments": [], "text": "microdnf --nodocs install tzdata", "line": 3, "pipeline": 0, "position": 0},
						],
					},
				],
			},
		],
	},
}

#  1 | FROM fedora:40
#  2 | RUN dnf install -y a
#  3 | RUN microdnf -y install b
#  4 | RUN dnf5 --assumeyes upgrade
#  5 | RUN yes | dnf remove c
#  6 | RUN dnf --setopt assumeyes=True install d
#  7 | RUN dnf makecache && dnf clean all
dnf_yes := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 7,
				"base": {"raw": "fedora:40", "resolved": "fedora:40", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/fedora", "tag": "40", "digest": null, "name": "docker.io/library/fedora", "normalized": "docker.io/library/fedora:40"}, "error": null},
				"instructions": [
					{
						"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["dnf", "install", "-y", "a"], "value": "dnf install -y a", "form": "shell", "properties": [], "heredocs": [], "source": "RUN dnf install -y a",
						"commands": [
							{"argv": ["dnf", "install", "-y", "a"], "assignments": [], "text": "dnf install -y a", "line": 2, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 3, "end_line": 3, "flags": [], "arguments": ["microdnf", "-y", "install", "b"], "value": "microdnf -y install b", "form": "shell", "properties": [], "heredocs": [], "source": "RUN microdnf -y install b",
						"commands": [
							{"argv": ["microdnf", "-y", "install", "b"], "assignments": [], "text": "microdnf -y install b", "line": 3, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 4, "end_line": 4, "flags": [], "arguments": ["dnf5", "--assumeyes", "upgrade"], "value": "dnf5 --assumeyes upgrade", "form": "shell", "properties": [], "heredocs": [], "source": "RUN dnf5 --assumeyes upgrade",
						"commands": [
							{"argv": ["dnf5", "--assumeyes", "upgrade"], "assignments": [], "text": "dnf5 --assumeyes upgrade", "line": 4, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 5, "end_line": 5, "flags": [], "arguments": ["yes", "|", "dnf", "remove", "c"], "value": "yes | dnf remove c", "form": "shell", "properties": [], "heredocs": [], "source": "RUN yes | dnf remove c",
						"commands": [
							{"argv": ["yes"], "assignments": [], "text": "yes", "line": 5, "pipeline": 0, "position": 0},
							{"argv": ["dnf", "remove", "c"], "assignments": [], "text": "dnf remove c", "line": 5, "pipeline": 0, "position": 1},
						],
					},
					{
						"keyword": "RUN", "line": 6, "end_line": 6, "flags": [], "arguments": ["dnf", "--setopt", "assumeyes=True", "install", "d"], "value": "dnf --setopt assumeyes=True install d", "form": "shell", "properties": [], "heredocs": [], "source": "RUN dnf --setopt assumeyes=True install d",
						"commands": [
							{"argv": ["dnf", "--setopt", "assumeyes=True", "install", "d"], "assignments": [], "text": "dnf --setopt assumeyes=True install d", "line": 6, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 7, "end_line": 7, "flags": [], "arguments": ["dnf", "makecache", "&&", "dnf", "clean", "all"], "value": "dnf makecache && dnf clean all", "form": "shell", "properties": [], "heredocs": [], "source": "RUN dnf makecache && dnf clean all",
						"commands": [
							{"argv": ["dnf", "makecache"], "assignments": [], "text": "dnf makecache", "line": 7, "pipeline": 0, "position": 0},
							{"argv": ["dnf", "clean", "all"], "assignments": [], "text": "dnf clean all", "line": 7, "pipeline": 1, "position": 0},
						],
					},
				],
			},
		],
	},
}
