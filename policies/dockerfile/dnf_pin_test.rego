package portcullis.rules.dnf_pin_test

import rego.v1

import data.portcullis.lib.test_inputs
import data.portcullis.rules.dnf_pin

test_unpinned_packages_are_reported if {
	lines := test_inputs.lines(dnf_pin.info) with input as dnf
	lines == {2, 3}
}

test_pinned_forms_pass if {
	count(dnf_pin.info) == 0 with input as dnf_pinned
}

test_other_targets_are_ignored if {
	count(dnf_pin.info) == 0 with input as test_inputs.other_kind(dnf)
}

#  1 | FROM fedora:40
#  2 | RUN dnf install -y httpd
#  3 | RUN microdnf install -y --setopt install_weak_deps=0 tzdata
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
						"keyword": "RUN", "line": 3, "end_line": 3, "flags": [], "arguments": ["microdnf", "install", "-y", "--setopt", "install_weak_deps=0", "tzdata"], "value": "microdnf install -y --setopt install_weak_deps=0 tzdata", "form": "shell", "properties": [], "heredocs": [], "source": "RUN microdnf install -y --setopt install_weak_deps=0 tzdata",
						"commands": [
							{"argv": ["microdnf", "install", "-y", "--setopt", "install_weak_deps=0", "tzdata"], "assignments": [], "text": "microdnf install -y --setopt install_weak_deps=0 tzdata", "line": 3, "pipeline": 0, "position": 0},
						],
					},
				],
			},
		],
	},
}

#  1 | FROM fedora:40
#  2 | RUN dnf install -y httpd-2.4.62-1.fc40 nginx-1:1.26.2-1.fc40 && microdnf install -y ./local.rpm
#  3 | RUN yum install -y vim
dnf_pinned := {
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
						"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["dnf", "install", "-y", "httpd-2.4.62-1.fc40", "nginx-1:1.26.2-1.fc40", "&&", "microdnf", "install", "-y", "./local.rpm"], "value": "dnf install -y httpd-2.4.62-1.fc40 nginx-1:1.26.2-1.fc40 && microdnf install -y ./local.rpm", "form": "shell", "properties": [], "heredocs": [], "source": "RUN dnf install -y httpd-2.4.62-1.fc40 nginx-1:1.26.2-1.fc40 && microdnf install -y ./local.rpm",
						"commands": [
							{"argv": ["dnf", "install", "-y", "httpd-2.4.62-1.fc40", "nginx-1:1.26.2-1.fc40"], "assignments": [], "text": "dnf install -y httpd-2.4.62-1.fc40 nginx-1:1.26.2-1.fc40", "line": 2, "pipeline": 0, "position": 0},
							{"argv": ["microdnf", "install", "-y", "./local.rpm"], "assignments": [], "text": "microdnf install -y ./local.rpm", "line": 2, "pipeline": 1, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 3, "end_line": 3, "flags": [], "arguments": ["yum", "install", "-y", "vim"], "value": "yum install -y vim", "form": "shell", "properties": [], "heredocs": [], "source": "RUN yum install -y vim",
						"commands": [
							{"argv": ["yum", "install", "-y", "vim"], "assignments": [], "text": "yum install -y vim", "line": 3, "pipeline": 0, "position": 0},
						],
					},
				],
			},
		],
	},
}
