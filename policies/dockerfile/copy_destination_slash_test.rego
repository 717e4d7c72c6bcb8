package portcullis.rules.copy_destination_slash_test

import rego.v1

import data.portcullis.lib.test_inputs
import data.portcullis.rules.copy_destination_slash

test_several_sources_need_a_directory_destination if {
	findings := copy_destination_slash.warn with input as several
	test_inputs.lines(findings) == {2, 3, 4, 5}
	some finding in test_inputs.at(findings, 2)
	finding.msg == "COPY copies 2 sources to \".\": with several sources the destination must end with /, as in \"./\"."
}

# Fixed when the destination ends a one-line shell-form instruction.
test_fix_appends_the_slash if {
	fixes := test_inputs.fixes(copy_destination_slash.warn) with input as several
	fixes == {
		{"line": 2, "end_line": 2, "replacement": "COPY package.json package-lock.json ./", "description": "Write the destination as ./"},
		{"line": 3, "end_line": 3, "replacement": "ADD --chown=node a.txt b.txt /srv/app/", "description": "Write the destination as /srv/app/"},
	}
}

# One source, a slash, a variable destination, and heredocs pass.
test_directory_destinations_pass if {
	count(copy_destination_slash.warn) == 0 with input as fine
}

test_other_targets_are_ignored if {
	count(copy_destination_slash.warn) == 0 with input as test_inputs.other_kind(several)
}

#  1 | FROM node:20-alpine
#  2 | COPY package.json package-lock.json .
#  3 | ADD --chown=node a.txt b.txt /srv/app
#  4 | COPY ["a", "b", "/dest"]
#  5 | COPY x \
#  6 |      y /opt
several := {"input_version": 1, "target": {"kind": "dockerfile", "path": "Dockerfile"}, "dockerfile": {"directives": [], "global_args": [], "escape": "\\", "stages": [{"index": 0, "name": null, "final": true, "line": 1, "end_line": 6, "base": {"raw": "node:20-alpine", "resolved": "node:20-alpine", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/node", "tag": "20-alpine", "digest": null, "name": "docker.io/library/node", "normalized": "docker.io/library/node:20-alpine"}, "error": null, "registry_facts": null}, "instructions": [{"keyword": "COPY", "line": 2, "end_line": 2, "flags": [], "arguments": ["package.json", "package-lock.json", "."], "value": "package.json package-lock.json .", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "COPY package.json package-lock.json ."}, {"keyword": "ADD", "line": 3, "end_line": 3, "flags": [{"name": "chown", "value": "node"}], "arguments": ["a.txt", "b.txt", "/srv/app"], "value": "a.txt b.txt /srv/app", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "ADD --chown=node a.txt b.txt /srv/app"}, {"keyword": "COPY", "line": 4, "end_line": 4, "flags": [], "arguments": ["a", "b", "/dest"], "value": "[\"a\", \"b\", \"/dest\"]", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "COPY [\"a\", \"b\", \"/dest\"]"}, {"keyword": "COPY", "line": 5, "end_line": 6, "flags": [], "arguments": ["x", "y", "/opt"], "value": "x y /opt", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "COPY x \\\n     y /opt"}]}]}, "references": [{"line": 1, "field": "FROM", "raw": "node:20-alpine", "source": "FROM node:20-alpine", "platform": null, "image": {"registry": "docker.io", "repository": "library/node", "tag": "20-alpine", "digest": null, "name": "docker.io/library/node", "normalized": "docker.io/library/node:20-alpine"}, "problem": null, "registry_facts": null}]}

#  1 | FROM node:20-alpine
#  2 | COPY package.json package-lock.json ./
#  3 | COPY a.txt /srv/app
#  4 | COPY a b $APP_HOME
#  5 | COPY ["a", "b", "/dest/"]
#  6 | COPY --from=build /a /b /out/
#  7 | COPY <<EOF /etc/a.conf
#  8 | x
#  9 | EOF
fine := {"input_version": 1, "target": {"kind": "dockerfile", "path": "Dockerfile"}, "dockerfile": {"directives": [], "global_args": [], "escape": "\\", "stages": [{"index": 0, "name": null, "final": true, "line": 1, "end_line": 9, "base": {"raw": "node:20-alpine", "resolved": "node:20-alpine", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/node", "tag": "20-alpine", "digest": null, "name": "docker.io/library/node", "normalized": "docker.io/library/node:20-alpine"}, "error": null, "registry_facts": null}, "instructions": [{"keyword": "COPY", "line": 2, "end_line": 2, "flags": [], "arguments": ["package.json", "package-lock.json", "./"], "value": "package.json package-lock.json ./", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "COPY package.json package-lock.json ./"}, {"keyword": "COPY", "line": 3, "end_line": 3, "flags": [], "arguments": ["a.txt", "/srv/app"], "value": "a.txt /srv/app", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "COPY a.txt /srv/app"}, {"keyword": "COPY", "line": 4, "end_line": 4, "flags": [], "arguments": ["a", "b", "$APP_HOME"], "value": "a b $APP_HOME", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "COPY a b $APP_HOME"}, {"keyword": "COPY", "line": 5, "end_line": 5, "flags": [], "arguments": ["a", "b", "/dest/"], "value": "[\"a\", \"b\", \"/dest/\"]", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "COPY [\"a\", \"b\", \"/dest/\"]"}, {"keyword": "COPY", "line": 6, "end_line": 6, "flags": [{"name": "from", "value": "build"}], "arguments": ["/a", "/b", "/out/"], "value": "/a /b /out/", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "COPY --from=build /a /b /out/"}, {"keyword": "COPY", "line": 7, "end_line": 9, "flags": [], "arguments": ["<<EOF", "/etc/a.conf", "x", "EOF"], "value": "<<EOF /etc/a.conf\nx\nEOF", "form": null, "properties": [], "heredocs": [{"name": "EOF", "body": "x", "line": 8, "end_line": 9}], "commands": [], "source": "COPY <<EOF /etc/a.conf\nx\nEOF"}]}]}, "references": [{"line": 1, "field": "FROM", "raw": "node:20-alpine", "source": "FROM node:20-alpine", "platform": null, "image": {"registry": "docker.io", "repository": "library/node", "tag": "20-alpine", "digest": null, "name": "docker.io/library/node", "normalized": "docker.io/library/node:20-alpine"}, "problem": null, "registry_facts": null}, {"line": 6, "field": "COPY --from", "raw": "build", "source": "COPY --from=build /a /b /out/", "platform": null, "image": {"registry": "docker.io", "repository": "library/build", "tag": null, "digest": null, "name": "docker.io/library/build", "normalized": "docker.io/library/build:latest"}, "problem": null, "registry_facts": null}]}
