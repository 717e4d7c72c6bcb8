package portcullis.rules.label_missing_test

import rego.v1

import data.portcullis.lib.test_inputs
import data.portcullis.rules.label_missing

# One finding per label the final image does not set, on the final FROM. Tricky: the
# title is set only in a stage the image is not built on (line 2), so it is missing; the
# labels of stage "base", which the final stage is built FROM, count.
test_missing_labels_are_reported if {
	label_missing.warn == {
		{"msg": "The image has no label \"org.opencontainers.image.description\", which label_schema requires (text): add LABEL org.opencontainers.image.description=… to stage #2.", "line": 13},
		{"msg": "The image has no label \"org.opencontainers.image.title\", which label_schema requires (text): add LABEL org.opencontainers.image.title=… to stage #2.", "line": 13},
	} with input as labelled with data.portcullis.config.label_schema as schema
}

test_present_labels_pass if {
	count(label_missing.warn) == 0 with input as labelled
		with data.portcullis.config.label_schema as {"org.opencontainers.image.source": "url", "com.example.when": "rfc3339"}
}

# Without label_schema the rule is off.
test_off_without_a_schema if {
	count(label_missing.warn) == 0 with input as labelled with data.portcullis.config.label_schema as {}
}

test_other_targets_are_ignored if {
	count(label_missing.warn) == 0 with input as test_inputs.other_kind(labelled) with data.portcullis.config.label_schema as schema
}

schema := {"org.opencontainers.image.source": "url", "org.opencontainers.image.version": "semver", "org.opencontainers.image.revision": "hash", "org.opencontainers.image.created": "rfc3339", "org.opencontainers.image.licenses": "spdx", "org.opencontainers.image.authors": "email", "org.opencontainers.image.vendor": "text", "org.opencontainers.image.title": "text", "org.opencontainers.image.url": "url", "com.example.hash": "hash", "com.example.version": "semver", "com.example.license": "spdx", "com.example.bad-license": "spdx", "com.example.when": "rfc3339", "org.opencontainers.image.description": "text"}

#  1 | FROM golang:1.22 AS build
#  2 | LABEL org.opencontainers.image.title="builder only"
#  3 |
#  4 | FROM alpine:3.20 AS base
#  5 | LABEL org.opencontainers.image.source="github.com/acme/app" \
#  6 |       org.opencontainers.image.version="v1.4.0" \
#  7 |       org.opencontainers.image.revision=$GIT_SHA \
#  8 |       org.opencontainers.image.created="2024-05-01 12:00" \
#  9 |       org.opencontainers.image.licenses="Apache-2.0 OR MIT" \
# 10 |       org.opencontainers.image.authors="team at example.com" \
# 11 |       org.opencontainers.image.vendor=""
# 12 |
# 13 | FROM base
# 14 | ARG GIT_SHA
# 15 | LABEL org.opencontainers.image.sources="https://github.com/acme/app" \
# 16 |       org.opencontainers.image.url="https://acme.example/app" \
# 17 |       com.example.hash="0123456789abcdef0123456789abcdef01234567" \
# 18 |       com.example.version="1.4" \
# 19 |       com.example.license="GPL-2.0-only WITH Classpath-exception-2.0" \
# 20 |       com.example.bad-license="MIT/Apache" \
# 21 |       com.example.when="2024-05-01T12:00:00+02:00"
labelled := {"input_version": 1, "target": {"kind": "dockerfile", "path": "Dockerfile"}, "dockerfile": {"directives": [], "global_args": [], "preamble": [], "escape": "\\", "stages": [{"index": 0, "name": "build", "final": false, "line": 1, "end_line": 2, "source": "FROM golang:1.22 AS build", "base": {"raw": "golang:1.22", "resolved": "golang:1.22", "unresolved_variables": [], "undefined_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/golang", "tag": "1.22", "digest": null, "name": "docker.io/library/golang", "normalized": "docker.io/library/golang:1.22"}, "error": null, "registry_facts": null}, "instructions": [{"keyword": "LABEL", "line": 2, "end_line": 2, "flags": [], "arguments": ["org.opencontainers.image.title=\"builder", "only\""], "value": "org.opencontainers.image.title=\"builder only\"", "form": null, "properties": [{"name": "org.opencontainers.image.title", "value": "builder only", "line": 2}], "heredocs": [], "commands": [], "shell": ["/bin/sh", "-c"], "source": "LABEL org.opencontainers.image.title=\"builder only\""}]}, {"index": 1, "name": "base", "final": false, "line": 4, "end_line": 11, "source": "FROM alpine:3.20 AS base", "base": {"raw": "alpine:3.20", "resolved": "alpine:3.20", "unresolved_variables": [], "undefined_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/alpine", "tag": "3.20", "digest": null, "name": "docker.io/library/alpine", "normalized": "docker.io/library/alpine:3.20"}, "error": null, "registry_facts": null}, "instructions": [{"keyword": "LABEL", "line": 5, "end_line": 11, "flags": [], "arguments": ["org.opencontainers.image.source=\"github.com/acme/app\"", "org.opencontainers.image.version=\"v1.4.0\"", "org.opencontainers.image.revision=$GIT_SHA", "org.opencontainers.image.created=\"2024-05-01", "12:00\"", "org.opencontainers.image.licenses=\"Apache-2.0", "OR", "MIT\"", "org.opencontainers.image.authors=\"team", "at", "example.com\"", "org.opencontainers.image.vendor=\"\""], "value": "org.opencontainers.image.source=\"github.com/acme/app\" org.opencontainers.image.version=\"v1.4.0\" org.opencontainers.image.revision=$GIT_SHA org.opencontainers.image.created=\"2024-05-01 12:00\" org.opencontainers.image.licenses=\"Apache-2.0 OR MIT\" org.opencontainers.image.authors=\"team at example.com\" org.opencontainers.image.vendor=\"\"", "form": null, "properties": [{"name": "org.opencontainers.image.source", "value": "github.com/acme/app", "line": 5}, {"name": "org.opencontainers.image.version", "value": "v1.4.0", "line": 6}, {"name": "org.opencontainers.image.revision", "value": "$GIT_SHA", "line": 7}, {"name": "org.opencontainers.image.created", "value": "2024-05-01 12:00", "line": 8}, {"name": "org.opencontainers.image.licenses", "value": "Apache-2.0 OR MIT", "line": 9}, {"name": "org.opencontainers.image.authors", "value": "team at example.com", "line": 10}, {"name": "org.opencontainers.image.vendor", "value": "", "line": 11}], "heredocs": [], "commands": [], "shell": ["/bin/sh", "-c"], "source": "LABEL org.opencontainers.image.source=\"github.com/acme/app\" \\\n      org.opencontainers.image.version=\"v1.4.0\" \\\n      org.opencontainers.image.revision=$GIT_SHA \\\n      org.opencontainers.image.created=\"2024-05-01 12:00\" \\\n      org.opencontainers.image.licenses=\"Apache-2.0 OR MIT\" \\\n      org.opencontainers.image.authors=\"team at example.com\" \\\n      org.opencontainers.image.vendor=\"\""}]}, {"index": 2, "name": null, "final": true, "line": 13, "end_line": 21, "source": "FROM base", "base": {"raw": "base", "resolved": "base", "unresolved_variables": [], "undefined_variables": [], "platform": null, "stage": 1, "scratch": false, "image": null, "error": null, "registry_facts": null}, "instructions": [{"keyword": "ARG", "line": 14, "end_line": 14, "flags": [], "arguments": ["GIT_SHA"], "value": "GIT_SHA", "form": null, "properties": [{"name": "GIT_SHA", "value": null, "line": 14}], "heredocs": [], "commands": [], "shell": ["/bin/sh", "-c"], "source": "ARG GIT_SHA"}, {"keyword": "LABEL", "line": 15, "end_line": 21, "flags": [], "arguments": ["org.opencontainers.image.sources=\"https://github.com/acme/app\"", "org.opencontainers.image.url=\"https://acme.example/app\"", "com.example.hash=\"0123456789abcdef0123456789abcdef01234567\"", "com.example.version=\"1.4\"", "com.example.license=\"GPL-2.0-only", "WITH", "Classpath-exception-2.0\"", "com.example.bad-license=\"MIT/Apache\"", "com.example.when=\"2024-05-01T12:00:00+02:00\""], "value": "org.opencontainers.image.sources=\"https://github.com/acme/app\" org.opencontainers.image.url=\"https://acme.example/app\" com.example.hash=\"0123456789abcdef0123456789abcdef01234567\" com.example.version=\"1.4\" com.example.license=\"GPL-2.0-only WITH Classpath-exception-2.0\" com.example.bad-license=\"MIT/Apache\" com.example.when=\"2024-05-01T12:00:00+02:00\"", "form": null, "properties": [{"name": "org.opencontainers.image.sources", "value": "https://github.com/acme/app", "line": 15}, {"name": "org.opencontainers.image.url", "value": "https://acme.example/app", "line": 16}, {"name": "com.example.hash", "value": "0123456789abcdef0123456789abcdef01234567", "line": 17}, {"name": "com.example.version", "value": "1.4", "line": 18}, {"name": "com.example.license", "value": "GPL-2.0-only WITH Classpath-exception-2.0", "line": 19}, {"name": "com.example.bad-license", "value": "MIT/Apache", "line": 20}, {"name": "com.example.when", "value": "2024-05-01T12:00:00+02:00", "line": 21}], "heredocs": [], "commands": [], "shell": ["/bin/sh", "-c"], "source": "LABEL org.opencontainers.image.sources=\"https://github.com/acme/app\" \\\n      org.opencontainers.image.url=\"https://acme.example/app\" \\\n      com.example.hash=\"0123456789abcdef0123456789abcdef01234567\" \\\n      com.example.version=\"1.4\" \\\n      com.example.license=\"GPL-2.0-only WITH Classpath-exception-2.0\" \\\n      com.example.bad-license=\"MIT/Apache\" \\\n      com.example.when=\"2024-05-01T12:00:00+02:00\""}]}]}, "references": [{"line": 1, "field": "FROM", "raw": "golang:1.22", "source": "FROM golang:1.22 AS build", "platform": null, "image": {"registry": "docker.io", "repository": "library/golang", "tag": "1.22", "digest": null, "name": "docker.io/library/golang", "normalized": "docker.io/library/golang:1.22"}, "problem": null, "registry_facts": null}, {"line": 4, "field": "FROM", "raw": "alpine:3.20", "source": "FROM alpine:3.20 AS base", "platform": null, "image": {"registry": "docker.io", "repository": "library/alpine", "tag": "3.20", "digest": null, "name": "docker.io/library/alpine", "normalized": "docker.io/library/alpine:3.20"}, "problem": null, "registry_facts": null}]}
