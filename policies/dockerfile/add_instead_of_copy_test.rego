package portcullis.rules.add_instead_of_copy_test

import rego.v1

import data.portcullis.lib.test_inputs
import data.portcullis.rules.add_instead_of_copy

test_local_file_is_warned_with_a_copy_fix if {
	test_inputs.at(add_instead_of_copy.warn, 2) == {{
		"msg": "ADD of \"config.yaml\" does nothing COPY would not: use COPY, which only copies (ADD also unpacks archives and downloads URLs).",
		"line": 2,
		"fix": {
			"line": 2,
			"end_line": 2,
			"replacement": "COPY config.yaml /etc/app/config.yaml",
			"description": "Replace ADD with COPY",
		},
	}} with input as local
}

test_fix_keeps_flags_case_and_indentation if {
	fixes := test_inputs.fixes(add_instead_of_copy.warn) with input as local
	fixes == {
		{"line": 2, "end_line": 2, "replacement": "COPY config.yaml /etc/app/config.yaml", "description": "Replace ADD with COPY"},
		{"line": 3, "end_line": 3, "replacement": "copy --chown=app:app --chmod=644 a.json b.json /srv/", "description": "Replace ADD with COPY"},
		{"line": 4, "end_line": 4, "replacement": "  COPY --link site/*.html \\", "description": "Replace ADD with COPY"},
		{"line": 6, "end_line": 6, "replacement": "COPY [\"my notes.txt\", \"/srv/\"]", "description": "Replace ADD with COPY"},
		{"line": 7, "end_line": 7, "replacement": "COPY release.zip /opt/", "description": "Replace ADD with COPY"},
	}
}

test_exec_form_names_the_file_with_its_spaces if {
	findings := add_instead_of_copy.warn with input as local
	some finding in test_inputs.at(findings, 6)
	contains(finding.msg, "\"my notes.txt\"")
}

test_archives_patterns_and_variables_may_need_add if {
	count(add_instead_of_copy.warn) == 0 with input as archives
}

test_heredoc_is_warned_with_a_copy_fix if {
	findings := add_instead_of_copy.warn with input as heredoc
	findings == {{
		"msg": "ADD of the here-document <<EOF does nothing COPY would not: use COPY, which only copies (ADD also unpacks archives and downloads URLs).",
		"line": 2,
		"fix": {"line": 2, "end_line": 2, "replacement": "COPY <<EOF /etc/motd", "description": "Replace ADD with COPY"},
	}}
}

test_remote_without_checksum_is_warned_without_fix if {
	findings := add_instead_of_copy.warn with input as remote
	findings == {
		{
			"msg": "ADD downloads \"https://github.com/krallin/tini/releases/download/v0.19.0/tini\" without --checksum, so the build trusts whatever the server returns: add --checksum=sha256:<digest>.",
			"line": 2,
		},
		{
			"msg": "ADD clones \"git@github.com:moby/buildkit.git#v0.13.0\" without --checksum, so the build takes whatever the ref points to at the time: pin the commit with --checksum=<commit sha>.",
			"line": 4,
		},
		{
			"msg": "ADD clones \"https://github.com/docker/buildx.git#v0.16.0\" without --checksum, so the build takes whatever the ref points to at the time: pin the commit with --checksum=<commit sha>.",
			"line": 5,
		},
	}
}

test_remote_with_checksum_passes if {
	not 3 in test_inputs.lines(add_instead_of_copy.warn) with input as remote
}

test_local_file_with_an_add_only_flag_gets_no_fix if {
	findings := add_instead_of_copy.warn with input as add_only_flag
	test_inputs.lines(findings) == {2}
	count(test_inputs.fixes(findings)) == 0
}

test_other_targets_are_ignored if {
	count(add_instead_of_copy.warn) == 0 with input as test_inputs.other_kind(local)
}

#  1 | FROM alpine:3.20
#  2 | ADD config.yaml /etc/app/config.yaml
#  3 | add --chown=app:app --chmod=644 a.json b.json /srv/
#  4 |   ADD --link site/*.html \
#  5 |       /usr/share/nginx/html/
#  6 | ADD ["my notes.txt", "/srv/"]
#  7 | ADD release.zip /opt/
local := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 7,
				"base": {"raw": "alpine:3.20", "resolved": "alpine:3.20", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/alpine", "tag": "3.20", "digest": null, "name": "docker.io/library/alpine", "normalized": "docker.io/library/alpine:3.20"}, "error": null},
				"instructions": [
					{"keyword": "ADD", "line": 2, "end_line": 2, "flags": [], "arguments": ["config.yaml", "/etc/app/config.yaml"], "value": "config.yaml /etc/app/config.yaml", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "ADD config.yaml /etc/app/config.yaml", "copy": {"sources": ["config.yaml"], "heredoc_sources": [], "destination": "/etc/app/config.yaml"}},
					{"keyword": "ADD", "line": 3, "end_line": 3, "flags": [{"name": "chown", "value": "app:app"}, {"name": "chmod", "value": "644"}], "arguments": ["a.json", "b.json", "/srv/"], "value": "a.json b.json /srv/", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "add --chown=app:app --chmod=644 a.json b.json /srv/", "copy": {"sources": ["a.json", "b.json"], "heredoc_sources": [], "destination": "/srv/"}},
					{"keyword": "ADD", "line": 4, "end_line": 5, "flags": [{"name": "link", "value": null}], "arguments": ["site/*.html", "/usr/share/nginx/html/"], "value": "site/*.html /usr/share/nginx/html/", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "  ADD --link site/*.html \\\n      /usr/share/nginx/html/", "copy": {"sources": ["site/*.html"], "heredoc_sources": [], "destination": "/usr/share/nginx/html/"}},
					{"keyword": "ADD", "line": 6, "end_line": 6, "flags": [], "arguments": ["my notes.txt", "/srv/"], "value": "[\"my notes.txt\", \"/srv/\"]", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "ADD [\"my notes.txt\", \"/srv/\"]", "copy": {"sources": ["my notes.txt"], "heredoc_sources": [], "destination": "/srv/"}},
					{"keyword": "ADD", "line": 7, "end_line": 7, "flags": [], "arguments": ["release.zip", "/opt/"], "value": "release.zip /opt/", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "ADD release.zip /opt/", "copy": {"sources": ["release.zip"], "heredoc_sources": [], "destination": "/opt/"}},
				],
			},
		],
	},
}

#  1 | FROM debian:12-slim
#  2 | ADD rootfs.tar.xz /
#  3 | ADD --chown=1000 vendor.tgz app.tar.gz /srv/
#  4 | ADD dist/* /srv/
#  5 | ADD ${ARTIFACT} /opt/
#  6 | ADD data.json.gz /data/
archives := {
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
					{"keyword": "ADD", "line": 2, "end_line": 2, "flags": [], "arguments": ["rootfs.tar.xz", "/"], "value": "rootfs.tar.xz /", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "ADD rootfs.tar.xz /", "copy": {"sources": ["rootfs.tar.xz"], "heredoc_sources": [], "destination": "/"}},
					{"keyword": "ADD", "line": 3, "end_line": 3, "flags": [{"name": "chown", "value": "1000"}], "arguments": ["vendor.tgz", "app.tar.gz", "/srv/"], "value": "vendor.tgz app.tar.gz /srv/", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "ADD --chown=1000 vendor.tgz app.tar.gz /srv/", "copy": {"sources": ["vendor.tgz", "app.tar.gz"], "heredoc_sources": [], "destination": "/srv/"}},
					{"keyword": "ADD", "line": 4, "end_line": 4, "flags": [], "arguments": ["dist/*", "/srv/"], "value": "dist/* /srv/", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "ADD dist/* /srv/", "copy": {"sources": ["dist/*"], "heredoc_sources": [], "destination": "/srv/"}},
					{"keyword": "ADD", "line": 5, "end_line": 5, "flags": [], "arguments": ["${ARTIFACT}", "/opt/"], "value": "${ARTIFACT} /opt/", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "ADD ${ARTIFACT} /opt/", "copy": {"sources": ["${ARTIFACT}"], "heredoc_sources": [], "destination": "/opt/"}},
					{"keyword": "ADD", "line": 6, "end_line": 6, "flags": [], "arguments": ["data.json.gz", "/data/"], "value": "data.json.gz /data/", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "ADD data.json.gz /data/", "copy": {"sources": ["data.json.gz"], "heredoc_sources": [], "destination": "/data/"}},
				],
			},
		],
	},
}

#  1 | FROM alpine:3.20
#  2 | ADD <<EOF /etc/motd
#  3 | Welcome
#  4 | EOF
heredoc := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 4,
				"base": {"raw": "alpine:3.20", "resolved": "alpine:3.20", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/alpine", "tag": "3.20", "digest": null, "name": "docker.io/library/alpine", "normalized": "docker.io/library/alpine:3.20"}, "error": null},
				"instructions": [
					{"keyword": "ADD", "line": 2, "end_line": 4, "flags": [], "arguments": ["<<EOF", "/etc/motd", "Welcome", "EOF"], "value": "<<EOF /etc/motd\nWelcome\nEOF", "form": null, "properties": [], "heredocs": [{"name": "EOF", "body": "Welcome", "line": 3, "end_line": 4}], "commands": [], "source": "ADD <<EOF /etc/motd\nWelcome\nEOF", "copy": {"sources": [], "heredoc_sources": ["EOF"], "destination": "/etc/motd"}},
				],
			},
		],
	},
}

#  1 | FROM alpine:3.20
#  2 | ADD https://github.com/krallin/tini/releases/download/v0.19.0/tini /tini
#  3 | ADD --checksum=sha256:93dcc18adc78c65a028a84799ecf8ad40c936fdfc5f2a57b1acda5a8117fa82c https://github.com/krallin/tini/releases/download/v0.19.0/tini /tini2
#  4 | ADD git@github.com:moby/buildkit.git#v0.13.0 /src/buildkit
#  5 | ADD https://github.com/docker/buildx.git#v0.16.0 /src/buildx
remote := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 5,
				"base": {"raw": "alpine:3.20", "resolved": "alpine:3.20", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/alpine", "tag": "3.20", "digest": null, "name": "docker.io/library/alpine", "normalized": "docker.io/library/alpine:3.20"}, "error": null},
				"instructions": [
					{"keyword": "ADD", "line": 2, "end_line": 2, "flags": [], "arguments": ["https://github.com/krallin/tini/releases/download/v0.19.0/tini", "/tini"], "value": "https://github.com/krallin/tini/releases/download/v0.19.0/tini /tini", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "ADD https://github.com/krallin/tini/releases/download/v0.19.0/tini /tini", "copy": {"sources": ["https://github.com/krallin/tini/releases/download/v0.19.0/tini"], "heredoc_sources": [], "destination": "/tini"}},
					{"keyword": "ADD", "line": 3, "end_line": 3, "flags": [{"name": "checksum", "value": "sha256:93dcc18adc78c65a028a84799ecf8ad40c936fdfc5f2a57b1acda5a8117fa82c"}], "arguments": ["https://github.com/krallin/tini/releases/download/v0.19.0/tini", "/tini2"], "value": "https://github.com/krallin/tini/releases/download/v0.19.0/tini /tini2", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "ADD --checksum=sha256:93dcc18adc78c65a028a84799ecf8ad40c936fdfc5f2a57b1acda5a8117fa82c https://github.com/krallin/tini/releases/download/v0.19.0/tini /tini2", "copy": {"sources": ["https://github.com/krallin/tini/releases/download/v0.19.0/tini"], "heredoc_sources": [], "destination": "/tini2"}},
					{"keyword": "ADD", "line": 4, "end_line": 4, "flags": [], "arguments": ["git@github.com:moby/buildkit.git#v0.13.0", "/src/buildkit"], "value": "git@github.com:moby/buildkit.git#v0.13.0 /src/buildkit", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "ADD git@github.com:moby/buildkit.git#v0.13.0 /src/buildkit", "copy": {"sources": ["git@github.com:moby/buildkit.git#v0.13.0"], "heredoc_sources": [], "destination": "/src/buildkit"}},
					{"keyword": "ADD", "line": 5, "end_line": 5, "flags": [], "arguments": ["https://github.com/docker/buildx.git#v0.16.0", "/src/buildx"], "value": "https://github.com/docker/buildx.git#v0.16.0 /src/buildx", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "ADD https://github.com/docker/buildx.git#v0.16.0 /src/buildx", "copy": {"sources": ["https://github.com/docker/buildx.git#v0.16.0"], "heredoc_sources": [], "destination": "/src/buildx"}},
				],
			},
		],
	},
}

#  1 | FROM alpine:3.20
#  2 | ADD --unpack=false notes.txt /srv/
add_only_flag := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 2,
				"base": {"raw": "alpine:3.20", "resolved": "alpine:3.20", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/alpine", "tag": "3.20", "digest": null, "name": "docker.io/library/alpine", "normalized": "docker.io/library/alpine:3.20"}, "error": null},
				"instructions": [
					{"keyword": "ADD", "line": 2, "end_line": 2, "flags": [{"name": "unpack", "value": "false"}], "arguments": ["notes.txt", "/srv/"], "value": "notes.txt /srv/", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "ADD --unpack=false notes.txt /srv/", "copy": {"sources": ["notes.txt"], "heredoc_sources": [], "destination": "/srv/"}},
				],
			},
		],
	},
}

# A heredoc beside a URL: the download is what matters (no checksum), and ADD is not
# replaceable by COPY, which cannot download.
test_heredoc_beside_a_url_is_a_download if {
	findings := add_instead_of_copy.warn with input as heredoc_and_url
	count(findings) == 1
	some finding in findings
	finding.line == 2
	startswith(finding.msg, "ADD downloads \"https://example.com/app.conf\" without --checksum")
}

#  1 | FROM alpine:3.20
#  2 | ADD <<EOF https://example.com/app.conf /etc/app/
#  3 | Welcome
#  4 | EOF
heredoc_and_url := {"input_version": 1, "target": {"kind": "dockerfile", "path": "Dockerfile"}, "dockerfile": {"directives": [], "global_args": [], "preamble": [], "escape": "\\", "stages": [{"index": 0, "name": null, "final": true, "line": 1, "end_line": 4, "source": "FROM alpine:3.20", "base": {"raw": "alpine:3.20", "resolved": "alpine:3.20", "unresolved_variables": [], "undefined_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/alpine", "tag": "3.20", "digest": null, "name": "docker.io/library/alpine", "normalized": "docker.io/library/alpine:3.20"}, "error": null, "registry_facts": null}, "instructions": [{"keyword": "ADD", "line": 2, "end_line": 4, "flags": [], "arguments": ["<<EOF", "https://example.com/app.conf", "/etc/app/", "Welcome", "EOF"], "value": "<<EOF https://example.com/app.conf /etc/app/\nWelcome\nEOF", "form": null, "properties": [], "heredocs": [{"name": "EOF", "body": "Welcome", "line": 3, "end_line": 4}], "commands": [], "shell": ["/bin/sh", "-c"], "source": "ADD <<EOF https://example.com/app.conf /etc/app/\nWelcome\nEOF", "copy": {"sources": ["https://example.com/app.conf"], "heredoc_sources": ["EOF"], "destination": "/etc/app/"}}]}]}, "references": [{"line": 1, "field": "FROM", "raw": "alpine:3.20", "source": "FROM alpine:3.20", "platform": null, "image": {"registry": "docker.io", "repository": "library/alpine", "tag": "3.20", "digest": null, "name": "docker.io/library/alpine", "normalized": "docker.io/library/alpine:3.20"}, "problem": null, "registry_facts": null}]}
