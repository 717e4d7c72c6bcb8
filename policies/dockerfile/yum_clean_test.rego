package portcullis.rules.yum_clean_test

import rego.v1

import data.portcullis.lib.test_inputs
import data.portcullis.rules.yum_clean

test_yum_install_without_clean_is_warned_with_a_fix if {
	findings := yum_clean.warn with input as yum
	findings == {{
		"msg": "\"yum install -y httpd\" leaves its package cache in the layer: end the RUN with yum clean all.",
		"line": 3,
		"fix": {"line": 3, "end_line": 3, "replacement": "    yum install -y httpd && yum clean all", "description": "Add yum clean all"},
	}}
}

# One finding per RUN, on its last download; a clean before the install does not count.
test_one_finding_per_run_and_clean_must_come_last if {
	lines := test_inputs.lines(yum_clean.warn) with input as yum_order
	lines == {2, 3}
}

test_clean_all_cache_removal_and_cache_mount_pass if {
	count(yum_clean.warn) == 0 with input as yum_clean_forms
}

# A builder stage that is only copied from ships nothing of its cache.
test_stages_that_do_not_ship_are_ignored if {
	lines := test_inputs.lines(yum_clean.warn) with input as yum_stages
	lines == {5}
}

# A trailing comment or continuation leaves no safe place to append to: no fix.
test_no_fix_after_a_trailing_operator if {
	findings := yum_clean.warn with input as yum_no_fix
	count(findings) == 1
	test_inputs.fixes(findings) == set()
}

test_other_targets_are_ignored if {
	count(yum_clean.warn) == 0 with input as test_inputs.other_kind(yum)
}

#  1 | FROM centos:7
#  2 | RUN yum update -y && \
#  3 |     yum install -y httpd
yum := {
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
						"keyword": "RUN", "line": 2, "end_line": 3, "flags": [], "arguments": ["yum", "update", "-y", "&&", "yum", "install", "-y", "httpd"], "value": "yum update -y && yum install -y httpd", "form": "shell", "properties": [], "heredocs": [], "source": "RUN yum update -y && \\\n    yum install -y httpd",
						"commands": [
							{"argv": ["yum", "update", "-y"], "assignments": [], "text": "yum update -y", "line": 2, "pipeline": 0, "position": 0},
							{"argv": ["yum", "install", "-y", "httpd"], "assignments": [], "text": "yum install -y httpd", "line": 3, "pipeline": 1, "position": 0},
						],
					},
				],
			},
		],
	},
}

#  1 | FROM centos:7
#  2 | RUN yum install -y a && yum install -y b
#  3 | RUN yum clean all && yum install -y c
yum_order := {
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
						"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["yum", "install", "-y", "a", "&&", "yum", "install", "-y", "b"], "value": "yum install -y a && yum install -y b", "form": "shell", "properties": [], "heredocs": [], "source": "RUN yum install -y a && yum install -y b",
						"commands": [
							{"argv": ["yum", "install", "-y", "a"], "assignments": [], "text": "yum install -y a", "line": 2, "pipeline": 0, "position": 0},
							{"argv": ["yum", "install", "-y", "b"], "assignments": [], "text": "yum install -y b", "line": 2, "pipeline": 1, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 3, "end_line": 3, "flags": [], "arguments": ["yum", "clean", "all", "&&", "yum", "install", "-y", "c"], "value": "yum clean all && yum install -y c", "form": "shell", "properties": [], "heredocs": [], "source": "RUN yum clean all && yum install -y c",
						"commands": [
							{"argv": ["yum", "clean", "all"], "assignments": [], "text": "yum clean all", "line": 3, "pipeline": 0, "position": 0},
							{"argv": ["yum", "install", "-y", "c"], "assignments": [], "text": "yum install -y c", "line": 3, "pipeline": 1, "position": 0},
						],
					},
				],
			},
		],
	},
}

#  1 | FROM centos:7
#  2 | RUN yum install -y a && yum clean all
#  3 | RUN yum -y install b && rm -rf /var/cache/yum
#  4 | RUN --mount=type=cache,target=/var/cache/yum yum install -y c
#  5 | RUN yum install -y d && dnf clean all
#  6 | RUN yum clean all
yum_clean_forms := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 6,
				"base": {"raw": "centos:7", "resolved": "centos:7", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/centos", "tag": "7", "digest": null, "name": "docker.io/library/centos", "normalized": "docker.io/library/centos:7"}, "error": null},
				"instructions": [
					{
						"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["yum", "install", "-y", "a", "&&", "yum", "clean", "all"], "value": "yum install -y a && yum clean all", "form": "shell", "properties": [], "heredocs": [], "source": "RUN yum install -y a && yum clean all",
						"commands": [
							{"argv": ["yum", "install", "-y", "a"], "assignments": [], "text": "yum install -y a", "line": 2, "pipeline": 0, "position": 0},
							{"argv": ["yum", "clean", "all"], "assignments": [], "text": "yum clean all", "line": 2, "pipeline": 1, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 3, "end_line": 3, "flags": [], "arguments": ["yum", "-y", "install", "b", "&&", "rm", "-rf", "/var/cache/yum"], "value": "yum -y install b && rm -rf /var/cache/yum", "form": "shell", "properties": [], "heredocs": [], "source": "RUN yum -y install b && rm -rf /var/cache/yum",
						"commands": [
							{"argv": ["yum", "-y", "install", "b"], "assignments": [], "text": "yum -y install b", "line": 3, "pipeline": 0, "position": 0},
							{"argv": ["rm", "-rf", "/var/cache/yum"], "assignments": [], "text": "rm -rf /var/cache/yum", "line": 3, "pipeline": 1, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 4, "end_line": 4, "flags": [{"name": "mount", "value": "type=cache,target=/var/cache/yum"}], "arguments": ["yum", "install", "-y", "c"], "value": "yum install -y c", "form": "shell", "properties": [], "heredocs": [], "source": "RUN --mount=type=cache,target=/var/cache/yum yum install -y c",
						"commands": [
							{"argv": ["yum", "install", "-y", "c"], "assignments": [], "text": "yum install -y c", "line": 4, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 5, "end_line": 5, "flags": [], "arguments": ["yum", "install", "-y", "d", "&&", "dnf", "clean", "all"], "value": "yum install -y d && dnf clean all", "form": "shell", "properties": [], "heredocs": [], "source": "RUN yum install -y d && dnf clean all",
						"commands": [
							{"argv": ["yum", "install", "-y", "d"], "assignments": [], "text": "yum install -y d", "line": 5, "pipeline": 0, "position": 0},
							{"argv": ["dnf", "clean", "all"], "assignments": [], "text": "dnf clean all", "line": 5, "pipeline": 1, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 6, "end_line": 6, "flags": [], "arguments": ["yum", "clean", "all"], "value": "yum clean all", "form": "shell", "properties": [], "heredocs": [], "source": "RUN yum clean all",
						"commands": [
							{"argv": ["yum", "clean", "all"], "assignments": [], "text": "yum clean all", "line": 6, "pipeline": 0, "position": 0},
						],
					},
				],
			},
		],
	},
}

#  1 | FROM centos:7 AS build
#  2 | RUN yum install -y gcc
#  3 | FROM centos:7 AS base
#  4 | FROM base
#  5 | RUN yum install -y httpd
#  6 | COPY --from=build /out /out
yum_stages := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": "build", "final": false, "line": 1, "end_line": 2,
				"base": {"raw": "centos:7", "resolved": "centos:7", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/centos", "tag": "7", "digest": null, "name": "docker.io/library/centos", "normalized": "docker.io/library/centos:7"}, "error": null},
				"instructions": [
					{
						"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["yum", "install", "-y", "gcc"], "value": "yum install -y gcc", "form": "shell", "properties": [], "heredocs": [], "source": "RUN yum install -y gcc",
						"commands": [
							{"argv": ["yum", "install", "-y", "gcc"], "assignments": [], "text": "yum install -y gcc", "line": 2, "pipeline": 0, "position": 0},
						],
					},
				],
			},
			{
				"index": 1, "name": "base", "final": false, "line": 3, "end_line": 3,
				"base": {"raw": "centos:7", "resolved": "centos:7", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/centos", "tag": "7", "digest": null, "name": "docker.io/library/centos", "normalized": "docker.io/library/centos:7"}, "error": null},
				"instructions": [],
			},
			{
				"index": 2, "name": null, "final": true, "line": 4, "end_line": 6,
				"base": {"raw": "base", "resolved": "base", "unresolved_variables": [], "platform": null, "stage": 1, "scratch": false, "image": null, "error": null},
				"instructions": [
					{
						"keyword": "RUN", "line": 5, "end_line": 5, "flags": [], "arguments": ["yum", "install", "-y", "httpd"], "value": "yum install -y httpd", "form": "shell", "properties": [], "heredocs": [], "source": "RUN yum install -y httpd",
						"commands": [
							{"argv": ["yum", "install", "-y", "httpd"], "assignments": [], "text": "yum install -y httpd", "line": 5, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "COPY", "line": 6, "end_line": 6, "flags": [{"name": "from", "value": "build"}], "arguments": ["/out", "/out"], "value": "/out /out", "form": null, "properties": [], "heredocs": [], "source": "COPY --from=build /out /out",
						"commands": [],
					},
				],
			},
		],
	},
}

#  1 | FROM centos:7
#  2 | RUN yum install -y httpd; \
#  3 |     true || \
#  4 |     false ;
yum_no_fix := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 4,
				"base": {"raw": "centos:7", "resolved": "centos:7", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/centos", "tag": "7", "digest": null, "name": "docker.io/library/centos", "normalized": "docker.io/library/centos:7"}, "error": null},
				"instructions": [
					{
						"keyword": "RUN", "line": 2, "end_line": 4, "flags": [], "arguments": ["yum", "install", "-y", "httpd;", "true", "||", "false", ";"], "value": "yum install -y httpd; true || false ;", "form": "shell", "properties": [], "heredocs": [], "source": "RUN yum install -y httpd; \\\n    true || \\\n    false ;",
						"commands": [
							{"argv": ["yum", "install", "-y", "httpd"], "assignments": [], "text": "yum install -y httpd", "line": 2, "pipeline": 0, "position": 0},
							{"argv": ["true"], "assignments": [], "text": "true", "line": 3, "pipeline": 1, "position": 0},
							{"argv": ["false"], "assignments": [], "text": "false", "line": 4, "pipeline": 2, "position": 0},
						],
					},
				],
			},
		],
	},
}
