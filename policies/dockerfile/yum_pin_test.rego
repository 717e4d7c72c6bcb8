package portcullis.rules.yum_pin_test

import rego.v1

import data.portcullis.lib.test_inputs
import data.portcullis.rules.yum_pin

test_unpinned_packages_are_reported if {
	findings := yum_pin.info with input as yum
	findings == {{
		"msg": "\"yum install -y httpd python3-devel java-17-openjdk\" installs httpd, python3-devel, java-17-openjdk without a version: pin it (name-version).",
		"line": 2,
	}}
}

test_pinned_forms_pass if {
	count(yum_pin.info) == 0 with input as yum_pinned
}

test_other_targets_are_ignored if {
	count(yum_pin.info) == 0 with input as test_inputs.other_kind(yum)
}

#  1 | FROM centos:7
#  2 | RUN yum install -y httpd python3-devel java-17-openjdk && yum clean all
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
						"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["yum", "install", "-y", "httpd", "python3-devel", "java-17-openjdk", "&&", "yum", "clean", "all"], "value": "yum install -y httpd python3-devel java-17-openjdk && yum clean all", "form": "shell", "properties": [], "heredocs": [], "source": "RUN yum install -y httpd python3-devel java-17-openjdk && yum clean all",
						"commands": [
							{"argv": ["yum", "install", "-y", "httpd", "python3-devel", "java-17-openjdk"], "assignments": [], "text": "yum install -y httpd python3-devel java-17-openjdk", "line": 2, "pipeline": 0, "position": 0},
							{"argv": ["yum", "clean", "all"], "assignments": [], "text": "yum clean all", "line": 2, "pipeline": 1, "position": 0},
						],
					},
				],
			},
		],
	},
}

#  1 | FROM centos:7
#  2 | RUN yum install -y --enablerepo epel httpd-2.4.6 tzdata-2024a https://example.com/x.rpm @development && yum clean all
yum_pinned := {
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
						"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["yum", "install", "-y", "--enablerepo", "epel", "httpd-2.4.6", "tzdata-2024a", "https://example.com/x.rpm", "@development", "&&", "yum", "clean", "all"], "value": "yum install -y --enablerepo epel httpd-2.4.6 tzdata-2024a https://example.com/x.rpm @development && yum clean all", "form": "shell", "properties": [], "heredocs": [], "source": "RUN yum install -y --enablerepo epel httpd-2.4.6 tzdata-2024a https://example.com/x.rpm @development && yum clean all",
						"commands": [
							{"argv": ["yum", "install", "-y", "--enablerepo", "epel", "httpd-2.4.6", "tzdata-2024a", "https://example.com/x.rpm", "@development"], "assignments": [], "text": "yum install -y --enablerepo epel httpd-2.4.6 tzdata-2024a https://example.com/x.rpm @development", "line": 2, "pipeline": 0, "position": 0},
							{"argv": ["yum", "clean", "all"], "assignments": [], "text": "yum clean all", "line": 2, "pipeline": 1, "position": 0},
						],
					},
				],
			},
		],
	},
}
