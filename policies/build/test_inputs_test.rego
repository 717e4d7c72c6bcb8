# METADATA
# title: Test inputs for the built-image rules
# description: >-
#   A Dockerfile input (scripts/print-input.mjs output, shortened to the fields the rules
#   read) with the `image` facts of a build at the head and at the merge base, as
#   src/facts/image-facts.ts gathers them. Variants are made with json.patch.
package portcullis.lib.build_test_inputs

import rego.v1

#  1 | FROM registry.example/base/alpine:3.19
#  2 | ENV API_TOKEN=$TOKEN
#  3 | ADD app.tar /
#  4 | USER 0
dockerfile := {
	"directives": [],
	"global_args": [],
	"escape": "\\",
	"stages": [{
		"index": 0, "name": null, "final": true, "line": 1, "end_line": 4,
		"base": {"raw": "registry.example/base/alpine:3.19", "resolved": "registry.example/base/alpine:3.19", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": null, "error": null, "registry_facts": null},
		"instructions": [
			{"keyword": "ENV", "line": 2, "end_line": 2, "flags": [], "arguments": ["API_TOKEN=$TOKEN"], "value": "API_TOKEN=$TOKEN", "form": null, "properties": [{"name": "API_TOKEN", "value": "$TOKEN", "line": 2}], "heredocs": [], "commands": [], "source": "ENV API_TOKEN=$TOKEN"},
			{"keyword": "ADD", "line": 3, "end_line": 3, "flags": [], "arguments": ["app.tar", "/"], "value": "app.tar /", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "ADD app.tar /"},
			{"keyword": "USER", "line": 4, "end_line": 4, "flags": [], "arguments": ["0"], "value": "0", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "USER 0"},
		],
	}],
}

vulnerability(id, name, source, severity, cvss, fixed, layer, status) := {
	"id": id,
	"aliases": [concat("", ["CVE-", substring(id, 11, -1)])],
	"summary": null,
	"package": {"name": name, "version": "1.0-r0", "ecosystem": "Alpine:v3.19", "source_package": source},
	"severity": severity,
	"cvss_score": cvss,
	"fixed_version": fixed,
	"layer": layer,
	"status": status,
}

base_layer := {"history_index": 0, "created_by": "COPY layer-0 /", "keyword": null, "line": null, "end_line": null, "in_base_image": true}

add_layer := {"history_index": 3, "created_by": "/bin/sh -c #(nop) ADD file:abc in / ", "keyword": "ADD", "line": 3, "end_line": 3, "in_base_image": false}

history := [
	{"index": 0, "created_by": "COPY layer-0 /", "empty_layer": false, "layer_index": null, "keyword": null, "line": null, "end_line": null, "in_base_image": true, "secrets": []},
	{"index": 1, "created_by": "/bin/sh -c #(nop) ENV API_TOKEN=***", "empty_layer": true, "layer_index": null, "keyword": "ENV", "line": 2, "end_line": 2, "in_base_image": false, "secrets": ["API_TOKEN"]},
	{"index": 2, "created_by": "/bin/sh -c #(nop) ADD file:abc in / ", "empty_layer": false, "layer_index": null, "keyword": "ADD", "line": 3, "end_line": 3, "in_base_image": false, "secrets": []},
	{"index": 3, "created_by": "/bin/sh -c #(nop) USER 0", "empty_layer": true, "layer_index": null, "keyword": "USER", "line": 4, "end_line": 4, "in_base_image": false, "secrets": []},
]

built_base := {
	"built": true, "error": null, "log_excerpt": null, "id": "sha256:base",
	"size": 10000000, "layer_count": 1, "user": "", "env": [{"name": "PATH", "secret": false, "line": null}],
	"history": [history[0]],
	"vulnerabilities": [
		vulnerability("ALPINE-CVE-2024-0002", "busybox", "busybox", "MEDIUM", 5.4, null, base_layer, "unchanged"),
		vulnerability("ALPINE-CVE-2024-0009", "musl", "musl", "HIGH", 7.5, "1.2.5-r0", base_layer, "fixed"),
	],
	"scan_error": null,
}

# The head: zlib (critical, fixed upstream) and curl (medium, fixed) and tar (low, no fix)
# come in with line 3; busybox (medium, no fix) was already there.
doc := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "app/Dockerfile"},
	"references": [],
	"dockerfile": dockerfile,
	"image": {
		"status": "built",
		"approval": {"required": false, "approved": true, "label": null, "reason": null},
		"builder": "buildah",
		"scanner": {"name": "osv-scanner", "version": "2.5.0", "database": "sha256:db"},
		"built": true, "error": null, "log_excerpt": null, "id": "sha256:head",
		"size": 12500000, "layer_count": 2, "user": "0",
		"env": [{"name": "PATH", "secret": false, "line": null}, {"name": "API_TOKEN", "secret": true, "line": 2}],
		"history": history,
		"vulnerabilities": [
			vulnerability("ALPINE-CVE-2024-0002", "busybox", "busybox", "MEDIUM", 5.4, null, base_layer, "unchanged"),
			vulnerability("ALPINE-CVE-2024-0003", "zlib", "zlib", "CRITICAL", 9.8, "1.3.1-r0", add_layer, "introduced"),
			vulnerability("ALPINE-CVE-2024-0004", "libcurl", "curl", "MEDIUM", null, "8.5.0-r0", add_layer, "introduced"),
			vulnerability("ALPINE-CVE-2024-0005", "tar", "tar", "LOW", 3.1, null, add_layer, "introduced"),
		],
		"scan_error": null,
		"base": built_base,
		"delta": {"size": 2500000, "layers": 1},
	},
}

with_image(patch) := json.patch(doc, patch)

awaiting := with_image([{"op": "replace", "path": "/image", "value": {
	"status": "awaiting_approval",
	"approval": {"required": true, "approved": false, "label": "portcullis/build-approved", "reason": "fork"},
	"builder": null, "scanner": null,
	"built": false, "error": "not built", "log_excerpt": null, "id": null,
	"size": null, "layer_count": null, "user": null, "env": [], "history": [], "vulnerabilities": [],
	"scan_error": null, "base": null, "delta": null,
}}])

failed := json.patch(awaiting, [
	{"op": "replace", "path": "/image/status", "value": "failed"},
	{"op": "replace", "path": "/image/approval", "value": doc.image.approval},
	{"op": "replace", "path": "/image/error", "value": "buildah bud failed (exit 1)"},
	{"op": "replace", "path": "/image/log_excerpt", "value": "STEP 2/3: RUN apk add curl\nERROR: unable to select packages"},
])
