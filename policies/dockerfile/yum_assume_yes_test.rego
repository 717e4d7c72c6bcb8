package portcullis.rules.yum_assume_yes_test

import rego.v1

import data.portcullis.lib.test_inputs
import data.portcullis.rules.yum_assume_yes

test_yum_install_without_yes_is_warned_with_a_fix if {
	findings := yum_assume_yes.warn with input as yum
	findings == {{
		"msg": "\"yum install httpd\" has no -y: it asks for a confirmation the build cannot give, and aborts. Add -y.",
		"line": 2,
		"fix": {"line": 2, "end_line": 2, "replacement": "RUN yum install -y httpd && yum clean all", "description": "Add -y"},
	}}
}

test_every_way_of_answering_yes_passes if {
	count(yum_assume_yes.warn) == 0 with input as yum_yes
}

# dnf is PC-DF-026's; `yum -q` does not answer.
test_quiet_is_not_yes if {
	lines := test_inputs.lines(yum_assume_yes.warn) with input as yum_quiet
	lines == {2}
}

#  1 | FROM centos:7
#  2 | RUN yum install httpd && yum clean all
yum := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 2,
				"base": {"raw": "centos:7", "resolved": "centos:7", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/centos", "tag": "7", "digest": null, "name": "docker.io/library/centos", "normalized": "docker.io/library/centos:7"}, "error": null},
				"instructions": [
					{
						"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["yum", "install", "httpd", "&&", "yum", "clean", "all"], "value": "yum install httpd && yum clean all", "form": "shell", "properties": [], "heredocs": [], "source": "RUN yum install httpd && yum clean all",
						"commands": [
							{"argv": ["yum", "install", "httpd"], "assignments": [], "text": "yum install httpd", "line": 2, "pipeline": 0, "position": 0},
							{"argv": ["yum", "clean", "all"], "assignments": [], "text": "yum clean all", "line": 2, "pipeline": 1, "position": 0},
						],
					},
				],
			},
		],
	},
}

#  1 | FROM centos:7
#  2 | RUN yum install -y a
#  3 | RUN yum -y install b
#  4 | RUN yum --assumeyes install c
#  5 | RUN yum install -qy d
#  6 | RUN yum --setopt=assumeyes=1 install e
#  7 | RUN yes | yum install f
#  8 | RUN yum search g && yum clean all
yum_yes := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 8,
				"base": {"raw": "centos:7", "resolved": "centos:7", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/centos", "tag": "7", "digest": null, "name": "docker.io/library/centos", "normalized": "docker.io/library/centos:7"}, "error": null},
				"instructions": [
					{
						"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["yum", "install", "-y", "a"], "value": "yum install -y a", "form": "shell", "properties": [], "heredocs": [], "source": "RUN yum install -y a",
						"commands": [
							{"argv": ["yum", "install", "-y", "a"], "assignments": [], "text": "yum install -y a", "line": 2, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 3, "end_line": 3, "flags": [], "arguments": ["yum", "-y", "install", "b"], "value": "yum -y install b", "form": "shell", "properties": [], "heredocs": [], "source": "RUN yum -y install b",
						"commands": [
							{"argv": ["yum", "-y", "install", "b"], "assignments": [], "text": "yum -y install b", "line": 3, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 4, "end_line": 4, "flags": [], "arguments": ["yum", "--assumeyes", "install", "c"], "value": "yum --assumeyes install c", "form": "shell", "properties": [], "heredocs": [], "source": "RUN yum --assumeyes install c",
						"commands": [
							{"argv": ["yum", "--assumeyes", "install", "c"], "assignments": [], "text": "yum --assumeyes install c", "line": 4, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 5, "end_line": 5, "flags": [], "arguments": ["yum", "install", "-qy", "d"], "value": "yum install -qy d", "form": "shell", "properties": [], "heredocs": [], "source": "RUN yum install -qy d",
						"commands": [
							{"argv": ["yum", "install", "-qy", "d"], "assignments": [], "text": "yum install -qy d", "line": 5, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 6, "end_line": 6, "flags": [], "arguments": ["yum", "--setopt=assumeyes=1", "install", "e"], "value": "yum --setopt=assumeyes=1 install e", "form": "shell", "properties": [], "heredocs": [], "source": "RUN yum --setopt=assumeyes=1 install e",
						"commands": [
							{"argv": ["yum", "--setopt=assumeyes=1", "install", "e"], "assignments": [], "text": "yum --setopt=assumeyes=1 install e", "line": 6, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 7, "end_line": 7, "flags": [], "arguments": ["yes", "|", "yum", "install", "f"], "value": "yes | yum install f", "form": "shell", "properties": [], "heredocs": [], "source": "RUN yes | yum install f",
						"commands": [
							{"argv": ["yes"], "assignments": [], "text": "yes", "line": 7, "pipeline": 0, "position": 0},
							{"argv": ["yum", "install", "f"], "assignments": [], "text": "yum install f", "line": 7, "pipeline": 0, "position": 1},
						],
					},
					{
						"keyword": "RUN", "line": 8, "end_line": 8, "flags": [], "arguments": ["yum", "search", "g", "&&", "yum", "clean", "all"], "value": "yum search g && yum clean all", "form": "shell", "properties": [], "heredocs": [], "source": "RUN yum search g && yum clean all",
						"commands": [
							{"argv": ["yum", "search", "g"], "assignments": [], "text": "yum search g", "line": 8, "pipeline": 0, "position": 0},
							{"argv": ["yum", "clean", "all"], "assignments": [], "text": "yum clean all", "line": 8, "pipeline": 1, "position": 0},
						],
					},
				],
			},
		],
	},
}

#  1 | FROM centos:7
#  2 | RUN yum -q remove a
#  3 | RUN dnf install b
yum_quiet := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 3,
				"base": {"raw": "centos:7", "resolved": "centos:7", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/centos", "tag": "7", "digest": null, "name": "docker.io/library/centos", "normalized": "docker.io/library/centos:7"}, "error": null},
				"instructions": [
					{
						"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["yum", "-q", "remove", "a"], "value": "yum -q remove a", "form": "shell", "properties": [], "heredocs": [], "source": "RUN yum -q remove a",
						"commands": [
							{"argv": ["yum", "-q", "remove", "a"], "assignments": [], "text": "yum -q remove a", "line": 2, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 3, "end_line": 3, "flags": [], "arguments": ["dnf", "install", "b"], "value": "dnf install b", "form": "shell", "properties": [], "heredocs": [], "source": "RUN dnf install b",
						"commands": [
							{"argv": ["dnf", "install", "b"], "assignments": [], "text": "dnf install b", "line": 3, "pipeline": 0, "position": 0},
						],
					},
				],
			},
		],
	},
}
