package portcullis.rules.undefined_variable_test

import rego.v1

import data.portcullis.lib.test_inputs
import data.portcullis.rules.undefined_variable

# Certain without the base image: a global ARG not declared in the stage, a variable used
# before its ARG, a platform ARG not declared; after FROM scratch, anything undefined.
test_undefined_variables_are_reported if {
	findings := undefined_variable.warn with input as offline
	test_inputs.lines(findings) == {4, 5, 7, 8, 21}
	test_inputs.at(findings, 4) == {{"msg": "WORKDIR uses $APP_DIR: the global ARG on line 2 is not visible inside a stage that does not declare `ARG APP_DIR`, so it expands to the empty string.", "line": 4}}
	test_inputs.at(findings, 5) == {{"msg": "COPY uses $APP_USER: it is declared on line 6, after this use, so it expands to the empty string.", "line": 5}}
	test_inputs.at(findings, 21) == {{"msg": "USER uses $UID: no ARG or ENV of stage #2 defines it, and FROM scratch has no environment, so it expands to the empty string.", "line": 21}}
}

# Tricky: ENV's own earlier key (PC-DF-069's case), ${PORT:-8080}, single quotes, an escaped
# dollar, RUN (the shell expands it), a variable an unknown base image may define
# (NODE_VERSION, offline), and what a stage inherits from the stage it is built FROM.
test_defined_defaulted_and_unexpanded_variables_pass if {
	findings := undefined_variable.warn with input as offline
	every line in [9, 10, 11, 12, 13, 16, 20] {
		count(test_inputs.at(findings, line)) == 0
	}
}

# With the registry's answer, the base image's environment is known: NODE_VERSION is
# defined, HOME is not (BuildKit expands only the image config's Env); PATH always is.
test_known_base_environment if {
	undefined_variable.warn == {{"msg": "COPY uses $HOME: no ARG or ENV of stage #0 defines it, nor does the environment of \"node:20-alpine\", so it expands to the empty string.", "line": 3}} with input as with_registry
}

test_other_targets_are_ignored if {
	count(undefined_variable.warn) == 0 with input as test_inputs.other_kind(offline)
}

#  1 | ARG VERSION=1.2
#  2 | ARG APP_DIR=/srv
#  3 | FROM alpine:3.20 AS build
#  4 | WORKDIR /opt/$APP_DIR
#  5 | COPY --chown=${APP_USER} x /x
#  6 | ARG APP_USER=app
#  7 | LABEL org.opencontainers.image.version="$VERSION"
#  8 | COPY a /a/$TARGETARCH
#  9 | ENV A=1 B=$A
# 10 | EXPOSE ${PORT:-8080}
# 11 | LABEL org.example.note='$NOT_EXPANDED' org.example.esc=\$ALSO_NOT
# 12 | RUN echo $UNDEFINED_IN_RUN
# 13 | COPY b /b/$NODE_VERSION
# 14 |
# 15 | FROM build AS child
# 16 | COPY c /c/$APP_USER/$A
# 17 |
# 18 | FROM scratch
# 19 | ARG VERSION
# 20 | COPY --from=build /opt /opt/$VERSION
# 21 | USER $UID
offline := {"input_version": 1, "target": {"kind": "dockerfile", "path": "Dockerfile"}, "dockerfile": {"directives": [], "global_args": [{"name": "VERSION", "default": "1.2", "line": 1}, {"name": "APP_DIR", "default": "/srv", "line": 2}], "preamble": [], "escape": "\\", "stages": [{"index": 0, "name": "build", "final": false, "line": 3, "end_line": 13, "source": "FROM alpine:3.20 AS build", "base": {"raw": "alpine:3.20", "resolved": "alpine:3.20", "unresolved_variables": [], "undefined_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/alpine", "tag": "3.20", "digest": null, "name": "docker.io/library/alpine", "normalized": "docker.io/library/alpine:3.20"}, "error": null, "registry_facts": null}, "instructions": [{"keyword": "WORKDIR", "line": 4, "end_line": 4, "flags": [], "arguments": ["/opt/$APP_DIR"], "value": "/opt/$APP_DIR", "form": null, "properties": [], "heredocs": [], "commands": [], "shell": ["/bin/sh", "-c"], "source": "WORKDIR /opt/$APP_DIR"}, {"keyword": "COPY", "line": 5, "end_line": 5, "flags": [{"name": "chown", "value": "${APP_USER}"}], "arguments": ["x", "/x"], "value": "x /x", "form": null, "properties": [], "heredocs": [], "commands": [], "shell": ["/bin/sh", "-c"], "source": "COPY --chown=${APP_USER} x /x"}, {"keyword": "ARG", "line": 6, "end_line": 6, "flags": [], "arguments": ["APP_USER=app"], "value": "APP_USER=app", "form": null, "properties": [{"name": "APP_USER", "value": "app", "line": 6}], "heredocs": [], "commands": [], "shell": ["/bin/sh", "-c"], "source": "ARG APP_USER=app"}, {"keyword": "LABEL", "line": 7, "end_line": 7, "flags": [], "arguments": ["org.opencontainers.image.version=\"$VERSION\""], "value": "org.opencontainers.image.version=\"$VERSION\"", "form": null, "properties": [{"name": "org.opencontainers.image.version", "value": "$VERSION", "line": 7}], "heredocs": [], "commands": [], "shell": ["/bin/sh", "-c"], "source": "LABEL org.opencontainers.image.version=\"$VERSION\""}, {"keyword": "COPY", "line": 8, "end_line": 8, "flags": [], "arguments": ["a", "/a/$TARGETARCH"], "value": "a /a/$TARGETARCH", "form": null, "properties": [], "heredocs": [], "commands": [], "shell": ["/bin/sh", "-c"], "source": "COPY a /a/$TARGETARCH"}, {"keyword": "ENV", "line": 9, "end_line": 9, "flags": [], "arguments": ["A=1", "B=$A"], "value": "A=1 B=$A", "form": null, "properties": [{"name": "A", "value": "1", "line": 9}, {"name": "B", "value": "$A", "line": 9}], "heredocs": [], "commands": [], "shell": ["/bin/sh", "-c"], "source": "ENV A=1 B=$A"}, {"keyword": "EXPOSE", "line": 10, "end_line": 10, "flags": [], "arguments": ["${PORT:-8080}"], "value": "${PORT:-8080}", "form": null, "properties": [], "heredocs": [], "commands": [], "shell": ["/bin/sh", "-c"], "source": "EXPOSE ${PORT:-8080}"}, {"keyword": "LABEL", "line": 11, "end_line": 11, "flags": [], "arguments": ["org.example.note='$NOT_EXPANDED'", "org.example.esc=\\$ALSO_NOT"], "value": "org.example.note='$NOT_EXPANDED' org.example.esc=\\$ALSO_NOT", "form": null, "properties": [{"name": "org.example.note", "value": "$NOT_EXPANDED", "line": 11}, {"name": "org.example.esc", "value": "$ALSO_NOT", "line": 11}], "heredocs": [], "commands": [], "shell": ["/bin/sh", "-c"], "source": "LABEL org.example.note='$NOT_EXPANDED' org.example.esc=\\$ALSO_NOT"}, {"keyword": "RUN", "line": 12, "end_line": 12, "flags": [], "arguments": ["echo", "$UNDEFINED_IN_RUN"], "value": "echo $UNDEFINED_IN_RUN", "form": "shell", "properties": [], "heredocs": [], "commands": [{"argv": ["echo", "$UNDEFINED_IN_RUN"], "assignments": [], "text": "echo $UNDEFINED_IN_RUN", "line": 12, "pipeline": 0, "position": 0}], "shell": ["/bin/sh", "-c"], "source": "RUN echo $UNDEFINED_IN_RUN"}, {"keyword": "COPY", "line": 13, "end_line": 13, "flags": [], "arguments": ["b", "/b/$NODE_VERSION"], "value": "b /b/$NODE_VERSION", "form": null, "properties": [], "heredocs": [], "commands": [], "shell": ["/bin/sh", "-c"], "source": "COPY b /b/$NODE_VERSION"}]}, {"index": 1, "name": "child", "final": false, "line": 15, "end_line": 16, "source": "FROM build AS child", "base": {"raw": "build", "resolved": "build", "unresolved_variables": [], "undefined_variables": [], "platform": null, "stage": 0, "scratch": false, "image": null, "error": null, "registry_facts": null}, "instructions": [{"keyword": "COPY", "line": 16, "end_line": 16, "flags": [], "arguments": ["c", "/c/$APP_USER/$A"], "value": "c /c/$APP_USER/$A", "form": null, "properties": [], "heredocs": [], "commands": [], "shell": ["/bin/sh", "-c"], "source": "COPY c /c/$APP_USER/$A"}]}, {"index": 2, "name": null, "final": true, "line": 18, "end_line": 21, "source": "FROM scratch", "base": {"raw": "scratch", "resolved": "scratch", "unresolved_variables": [], "undefined_variables": [], "platform": null, "stage": null, "scratch": true, "image": null, "error": null, "registry_facts": null}, "instructions": [{"keyword": "ARG", "line": 19, "end_line": 19, "flags": [], "arguments": ["VERSION"], "value": "VERSION", "form": null, "properties": [{"name": "VERSION", "value": null, "line": 19}], "heredocs": [], "commands": [], "shell": ["/bin/sh", "-c"], "source": "ARG VERSION"}, {"keyword": "COPY", "line": 20, "end_line": 20, "flags": [{"name": "from", "value": "build"}], "arguments": ["/opt", "/opt/$VERSION"], "value": "/opt /opt/$VERSION", "form": null, "properties": [], "heredocs": [], "commands": [], "shell": ["/bin/sh", "-c"], "source": "COPY --from=build /opt /opt/$VERSION"}, {"keyword": "USER", "line": 21, "end_line": 21, "flags": [], "arguments": ["$UID"], "value": "$UID", "form": null, "properties": [], "heredocs": [], "commands": [], "shell": ["/bin/sh", "-c"], "source": "USER $UID"}]}]}, "references": [{"line": 3, "field": "FROM", "raw": "alpine:3.20", "source": "FROM alpine:3.20 AS build", "platform": null, "image": {"registry": "docker.io", "repository": "library/alpine", "tag": "3.20", "digest": null, "name": "docker.io/library/alpine", "normalized": "docker.io/library/alpine:3.20"}, "problem": null, "registry_facts": null}]}

#  1 | FROM node:20-alpine
#  2 | WORKDIR /app/$NODE_VERSION
#  3 | COPY . /app/$HOME
#  4 | ENV PATH=/app/bin:$PATH
with_registry := {"input_version": 1, "target": {"kind": "dockerfile", "path": "Dockerfile"}, "dockerfile": {"directives": [], "global_args": [], "preamble": [], "escape": "\\", "stages": [{"index": 0, "name": null, "final": true, "line": 1, "end_line": 4, "source": "FROM node:20-alpine", "base": {"raw": "node:20-alpine", "resolved": "node:20-alpine", "unresolved_variables": [], "undefined_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/node", "tag": "20-alpine", "digest": null, "name": "docker.io/library/node", "normalized": "docker.io/library/node:20-alpine"}, "error": null, "registry_facts": {"digest": null, "platform_digest": null, "media_type": null, "platforms": [], "user": "", "env_names": ["PATH", "NODE_VERSION", "YARN_VERSION"], "created": null, "age_days": null, "size": null, "layer_count": null, "error": null}}, "instructions": [{"keyword": "WORKDIR", "line": 2, "end_line": 2, "flags": [], "arguments": ["/app/$NODE_VERSION"], "value": "/app/$NODE_VERSION", "form": null, "properties": [], "heredocs": [], "commands": [], "shell": ["/bin/sh", "-c"], "source": "WORKDIR /app/$NODE_VERSION"}, {"keyword": "COPY", "line": 3, "end_line": 3, "flags": [], "arguments": [".", "/app/$HOME"], "value": ". /app/$HOME", "form": null, "properties": [], "heredocs": [], "commands": [], "shell": ["/bin/sh", "-c"], "source": "COPY . /app/$HOME"}, {"keyword": "ENV", "line": 4, "end_line": 4, "flags": [], "arguments": ["PATH=/app/bin:$PATH"], "value": "PATH=/app/bin:$PATH", "form": null, "properties": [{"name": "PATH", "value": "/app/bin:$PATH", "line": 4}], "heredocs": [], "commands": [], "shell": ["/bin/sh", "-c"], "source": "ENV PATH=/app/bin:$PATH"}]}]}, "references": [{"line": 1, "field": "FROM", "raw": "node:20-alpine", "source": "FROM node:20-alpine", "platform": null, "image": {"registry": "docker.io", "repository": "library/node", "tag": "20-alpine", "digest": null, "name": "docker.io/library/node", "normalized": "docker.io/library/node:20-alpine"}, "problem": null, "registry_facts": null}]}
