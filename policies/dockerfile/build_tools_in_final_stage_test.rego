package portcullis.rules.build_tools_in_final_stage_test

import rego.v1

import data.portcullis.rules.build_tools_in_final_stage as rule

# scripts/print-input.mjs of:
#  1 | FROM debian:12 AS build
#  2 | RUN apt-get update && apt-get install -y gcc make
#  3 | FROM debian:12
#  4 | RUN apt-get update && apt-get install -y --no-install-recommends build-essential libpq-dev=15.1 curl
#  5 | RUN apk add --virtual .deps gcc && make && apk del .deps
#  6 | COPY . /src
#  7 | RUN go build -o /app ./cmd && \
#  8 |     make install
#  9 | RUN apt-get install -y git
doc := {"input_version": 1, "target": {"kind": "dockerfile", "path": "/tmp/pc14/Dockerfile"}, "dockerfile": {"directives": [], "global_args": [], "escape": "\\", "stages": [{"index": 0, "name": "build", "final": false, "line": 1, "end_line": 2, "base": {"raw": "debian:12", "resolved": "debian:12", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/debian", "tag": "12", "digest": null, "name": "docker.io/library/debian", "normalized": "docker.io/library/debian:12"}, "error": null, "registry_facts": null}, "instructions": [{"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["apt-get", "update", "&&", "apt-get", "install", "-y", "gcc", "make"], "value": "apt-get update && apt-get install -y gcc make", "form": "shell", "properties": [], "heredocs": [], "commands": [{"argv": ["apt-get", "update"], "assignments": [], "text": "apt-get update", "line": 2, "pipeline": 0, "position": 0}, {"argv": ["apt-get", "install", "-y", "gcc", "make"], "assignments": [], "text": "apt-get install -y gcc make", "line": 2, "pipeline": 1, "position": 0}], "source": "RUN apt-get update && apt-get install -y gcc make"}]}, {"index": 1, "name": null, "final": true, "line": 3, "end_line": 9, "base": {"raw": "debian:12", "resolved": "debian:12", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/debian", "tag": "12", "digest": null, "name": "docker.io/library/debian", "normalized": "docker.io/library/debian:12"}, "error": null, "registry_facts": null}, "instructions": [{"keyword": "RUN", "line": 4, "end_line": 4, "flags": [], "arguments": ["apt-get", "update", "&&", "apt-get", "install", "-y", "--no-install-recommends", "build-essential", "libpq-dev=15.1", "curl"], "value": "apt-get update && apt-get install -y --no-install-recommends build-essential libpq-dev=15.1 curl", "form": "shell", "properties": [], "heredocs": [], "commands": [{"argv": ["apt-get", "update"], "assignments": [], "text": "apt-get update", "line": 4, "pipeline": 0, "position": 0}, {"argv": ["apt-get", "install", "-y", "--no-install-recommends", "build-essential", "libpq-dev=15.1", "curl"], "assignments": [], "text": "apt-get install -y --no-install-recommends build-essential libpq-dev=15.1 curl", "line": 4, "pipeline": 1, "position": 0}], "source": "RUN apt-get update && apt-get install -y --no-install-recommends build-essential libpq-dev=15.1 curl"}, {"keyword": "RUN", "line": 5, "end_line": 5, "flags": [], "arguments": ["apk", "add", "--virtual", ".deps", "gcc", "&&", "make", "&&", "apk", "del", ".deps"], "value": "apk add --virtual .deps gcc && make && apk del .deps", "form": "shell", "properties": [], "heredocs": [], "commands": [{"argv": ["apk", "add", "--virtual", ".deps", "gcc"], "assignments": [], "text": "apk add --virtual .deps gcc", "line": 5, "pipeline": 0, "position": 0}, {"argv": ["make"], "assignments": [], "text": "make", "line": 5, "pipeline": 1, "position": 0}, {"argv": ["apk", "del", ".deps"], "assignments": [], "text": "apk del .deps", "line": 5, "pipeline": 2, "position": 0}], "source": "RUN apk add --virtual .deps gcc && make && apk del .deps"}, {"keyword": "COPY", "line": 6, "end_line": 6, "flags": [], "arguments": [".", "/src"], "value": ". /src", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "COPY . /src"}, {"keyword": "RUN", "line": 7, "end_line": 8, "flags": [], "arguments": ["go", "build", "-o", "/app", "./cmd", "&&", "make", "install"], "value": "go build -o /app ./cmd && make install", "form": "shell", "properties": [], "heredocs": [], "commands": [{"argv": ["go", "build", "-o", "/app", "./cmd"], "assignments": [], "text": "go build -o /app ./cmd", "line": 7, "pipeline": 0, "position": 0}, {"argv": ["make", "install"], "assignments": [], "text": "make install", "line": 8, "pipeline": 1, "position": 0}], "source": "RUN go build -o /app ./cmd && \\\n    make install"}, {"keyword": "RUN", "line": 9, "end_line": 9, "flags": [], "arguments": ["apt-get", "install", "-y", "git"], "value": "apt-get install -y git", "form": "shell", "properties": [], "heredocs": [], "commands": [{"argv": ["apt-get", "install", "-y", "git"], "assignments": [], "text": "apt-get install -y git", "line": 9, "pipeline": 0, "position": 0}], "source": "RUN apt-get install -y git"}]}]}}

test_tools_installed_or_built_in_the_final_stage_are_reported_on_their_lines if {
	findings := rule.warn with input as doc
	{f.line: f.msg | some f in findings} == {
		4: "Line 4 installs build tools in the final image (build-essential, libpq-dev): build in a builder stage and COPY --from only the result.",
		7: "Line 7 builds in the final image (go build): the sources and the toolchain ship with the result. Build in a builder stage and COPY --from only the result.",
		8: "Line 8 builds in the final image (make): the sources and the toolchain ship with the result. Build in a builder stage and COPY --from only the result.",
		9: "Line 9 installs build tools in the final image (git): build in a builder stage and COPY --from only the result.",
	}
	rule.reported_lines == {4, 7, 8, 9} with input as doc
}

# Line 2 is a builder stage's (only copied from); line 5 removes its build dependencies in the same RUN.
test_builder_stages_and_removed_build_dependencies_pass if {
	findings := rule.warn with input as doc
	every f in findings { not f.line in {1, 2, 5} }
}

# A built image confirms with the files the layer of the line added (caches are another rule's).
test_a_built_image_names_the_files_it_has if {
	tools := [
		{"path": "/usr/bin/gcc", "tool": "gcc", "kind": "compiler", "bytes": 1000, "layer_index": 1, "line": 4, "in_base_image": false},
		{"path": "/usr/bin/make", "tool": "make", "kind": "build", "bytes": 1000, "layer_index": 1, "line": 4, "in_base_image": false},
		{"path": "/var/lib/apt/lists", "tool": "apt lists", "kind": "package-cache", "bytes": 1000, "layer_index": 1, "line": 4, "in_base_image": false},
	]
	findings := rule.warn with input as object.union(doc, {"image": {"build_tools": tools}})
	some f in findings
	f.line == 4
	f.msg == "Line 4 installs build tools in the final image (build-essential, libpq-dev); the built image has /usr/bin/gcc, /usr/bin/make: build in a builder stage and COPY --from only the result."
}

test_a_builder_stage_that_is_final_is_judged if {
	single := json.patch(doc, [{"op": "replace", "path": "/dockerfile/stages", "value": [doc.dockerfile.stages[0]]}])

	# The builder stage alone is now final: its install of gcc and make is reported.
	findings := rule.warn with input as object.union(single, {"dockerfile": {"stages": [object.union(doc.dockerfile.stages[0], {"final": true})]}})
	{f.line | some f in findings} == {2}
}
