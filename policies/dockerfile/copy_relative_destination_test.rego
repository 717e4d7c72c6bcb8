package portcullis.rules.copy_relative_destination_test

import rego.v1

import data.portcullis.lib.test_inputs
import data.portcullis.rules.copy_relative_destination

# A WORKDIR before the COPY, in the stage or one it builds on, settles it; each other stage
# starts over.
test_relative_destinations_without_workdir_are_reported if {
	findings := copy_relative_destination.info with input as relative
	test_inputs.lines(findings) == {2, 3, 11}
	some finding in test_inputs.at(findings, 2)
	finding.msg == "COPY to \".\", a relative path, before any WORKDIR: where it lands depends on the base image. Set WORKDIR first or use an absolute path."
}

test_other_targets_are_ignored if {
	count(copy_relative_destination.info) == 0 with input as test_inputs.other_kind(relative)
}

#  1 | FROM node:20-alpine AS base
#  2 | COPY package.json .
#  3 | ADD app.tgz app/
#  4 | COPY --from=0 /x /abs
#  5 | COPY a $APP/
#  6 | WORKDIR /app
#  7 | COPY . .
#  8 | FROM base
#  9 | COPY b .
# 10 | FROM node:20-alpine
# 11 | COPY c ./
# 12 | COPY ["d", "C:\\app"]
relative := {"input_version": 1, "target": {"kind": "dockerfile", "path": "Dockerfile"}, "dockerfile": {"directives": [], "global_args": [], "escape": "\\", "stages": [{"index": 0, "name": "base", "final": false, "line": 1, "end_line": 7, "base": {"raw": "node:20-alpine", "resolved": "node:20-alpine", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/node", "tag": "20-alpine", "digest": null, "name": "docker.io/library/node", "normalized": "docker.io/library/node:20-alpine"}, "error": null, "registry_facts": null}, "instructions": [{"keyword": "COPY", "line": 2, "end_line": 2, "flags": [], "arguments": ["package.json", "."], "value": "package.json .", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "COPY package.json .", "copy": {"sources": ["package.json"], "heredoc_sources": [], "destination": "."}}, {"keyword": "ADD", "line": 3, "end_line": 3, "flags": [], "arguments": ["app.tgz", "app/"], "value": "app.tgz app/", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "ADD app.tgz app/", "copy": {"sources": ["app.tgz"], "heredoc_sources": [], "destination": "app/"}}, {"keyword": "COPY", "line": 4, "end_line": 4, "flags": [{"name": "from", "value": "0"}], "arguments": ["/x", "/abs"], "value": "/x /abs", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "COPY --from=0 /x /abs", "copy": {"sources": ["/x"], "heredoc_sources": [], "destination": "/abs"}}, {"keyword": "COPY", "line": 5, "end_line": 5, "flags": [], "arguments": ["a", "$APP/"], "value": "a $APP/", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "COPY a $APP/", "copy": {"sources": ["a"], "heredoc_sources": [], "destination": "$APP/"}}, {"keyword": "WORKDIR", "line": 6, "end_line": 6, "flags": [], "arguments": ["/app"], "value": "/app", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "WORKDIR /app"}, {"keyword": "COPY", "line": 7, "end_line": 7, "flags": [], "arguments": [".", "."], "value": ". .", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "COPY . .", "copy": {"sources": ["."], "heredoc_sources": [], "destination": "."}}]}, {"index": 1, "name": null, "final": false, "line": 8, "end_line": 9, "base": {"raw": "base", "resolved": "base", "unresolved_variables": [], "platform": null, "stage": 0, "scratch": false, "image": null, "error": null, "registry_facts": null}, "instructions": [{"keyword": "COPY", "line": 9, "end_line": 9, "flags": [], "arguments": ["b", "."], "value": "b .", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "COPY b .", "copy": {"sources": ["b"], "heredoc_sources": [], "destination": "."}}]}, {"index": 2, "name": null, "final": true, "line": 10, "end_line": 12, "base": {"raw": "node:20-alpine", "resolved": "node:20-alpine", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/node", "tag": "20-alpine", "digest": null, "name": "docker.io/library/node", "normalized": "docker.io/library/node:20-alpine"}, "error": null, "registry_facts": null}, "instructions": [{"keyword": "COPY", "line": 11, "end_line": 11, "flags": [], "arguments": ["c", "./"], "value": "c ./", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "COPY c ./", "copy": {"sources": ["c"], "heredoc_sources": [], "destination": "./"}}, {"keyword": "COPY", "line": 12, "end_line": 12, "flags": [], "arguments": ["d", "C:\\app"], "value": "[\"d\", \"C:\\\\app\"]", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "COPY [\"d\", \"C:\\\\app\"]", "copy": {"sources": ["d"], "heredoc_sources": [], "destination": "C:\\app"}}]}]}, "references": [{"line": 1, "field": "FROM", "raw": "node:20-alpine", "source": "FROM node:20-alpine AS base", "platform": null, "image": {"registry": "docker.io", "repository": "library/node", "tag": "20-alpine", "digest": null, "name": "docker.io/library/node", "normalized": "docker.io/library/node:20-alpine"}, "problem": null, "registry_facts": null}, {"line": 10, "field": "FROM", "raw": "node:20-alpine", "source": "FROM node:20-alpine", "platform": null, "image": {"registry": "docker.io", "repository": "library/node", "tag": "20-alpine", "digest": null, "name": "docker.io/library/node", "normalized": "docker.io/library/node:20-alpine"}, "problem": null, "registry_facts": null}]}

# BuildKit heredoc sources: the destination is the word after `<<EOF`, never the delimiter
# or a word of the body, so `/etc/motd` is absolute and `motd.txt` relative.
test_heredoc_copies_are_judged_by_their_destination if {
	findings := copy_relative_destination.info with input as heredoc
	test_inputs.lines(findings) == {5}
	some finding in findings
	contains(finding.msg, "\"motd.txt\"")
}

#  1 | FROM alpine:3.20
#  2 | COPY <<EOF /etc/motd
#  3 | Welcome
#  4 | EOF
#  5 | COPY <<-"EOF" motd.txt
#  6 | 	hi
#  7 | 	EOF
heredoc := {"input_version": 1, "target": {"kind": "dockerfile", "path": "Dockerfile"}, "dockerfile": {"directives": [], "global_args": [], "preamble": [], "escape": "\\", "stages": [{"index": 0, "name": null, "final": true, "line": 1, "end_line": 7, "source": "FROM alpine:3.20", "base": {"raw": "alpine:3.20", "resolved": "alpine:3.20", "unresolved_variables": [], "undefined_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/alpine", "tag": "3.20", "digest": null, "name": "docker.io/library/alpine", "normalized": "docker.io/library/alpine:3.20"}, "error": null, "registry_facts": null}, "instructions": [{"keyword": "COPY", "line": 2, "end_line": 4, "flags": [], "arguments": ["<<EOF", "/etc/motd", "Welcome", "EOF"], "value": "<<EOF /etc/motd\nWelcome\nEOF", "form": null, "properties": [], "heredocs": [{"name": "EOF", "body": "Welcome", "line": 3, "end_line": 4}], "commands": [], "shell": ["/bin/sh", "-c"], "source": "COPY <<EOF /etc/motd\nWelcome\nEOF", "copy": {"sources": [], "heredoc_sources": ["EOF"], "destination": "/etc/motd"}}, {"keyword": "COPY", "line": 5, "end_line": 7, "flags": [], "arguments": ["<<-\"EOF\"", "motd.txt", "hi", "EOF"], "value": "<<-\"EOF\" motd.txt\n\thi\n\tEOF", "form": null, "properties": [], "heredocs": [{"name": "EOF", "body": "\thi", "line": 6, "end_line": 7}], "commands": [], "shell": ["/bin/sh", "-c"], "source": "COPY <<-\"EOF\" motd.txt\n\thi\n\tEOF", "copy": {"sources": [], "heredoc_sources": ["EOF"], "destination": "motd.txt"}}]}]}, "references": [{"line": 1, "field": "FROM", "raw": "alpine:3.20", "source": "FROM alpine:3.20", "platform": null, "image": {"registry": "docker.io", "repository": "library/alpine", "tag": "3.20", "digest": null, "name": "docker.io/library/alpine", "normalized": "docker.io/library/alpine:3.20"}, "problem": null, "registry_facts": null}]}
