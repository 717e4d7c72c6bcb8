package portcullis.rules.base_image_platform_test

import rego.v1

import data.portcullis.lib.test_inputs
import data.portcullis.rules.base_image_platform

facts(platforms) := {"digest": "sha256:aaaa", "platform_digest": null, "media_type": null, "platforms": platforms, "user": null, "created": null, "age_days": null, "size": null, "layer_count": null, "error": null}

with_facts := json.patch(platformed, [
	{"op": "replace", "path": "/dockerfile/stages/0/base/registry_facts", "value": facts(["linux/amd64"])},
	{"op": "replace", "path": "/dockerfile/stages/1/base/registry_facts", "value": facts(["linux/amd64", "linux/arm64/v8"])},
	{"op": "replace", "path": "/dockerfile/stages/2/base/registry_facts", "value": facts(["linux/amd64"])},
	{"op": "replace", "path": "/dockerfile/stages/3/base/registry_facts", "value": facts(["linux/amd64"])},
])

# linux/arm64 matches linux/arm64/v8; a variable platform and no --platform pass.
test_platform_the_image_does_not_offer_is_warned if {
	findings := base_image_platform.warn with input as with_facts
	findings == {{"msg": "\"acme/tool:1.0\" is published for linux/amd64, not for --platform=linux/arm64.", "line": 1}}
}

# Offline: no registry facts, no finding.
test_without_registry_facts_nothing_is_said if {
	count(base_image_platform.warn) == 0 with input as platformed
}

test_other_targets_are_ignored if {
	count(base_image_platform.warn) == 0 with input as test_inputs.other_kind(with_facts)
}

#  1 | FROM --platform=linux/arm64 acme/tool:1.0 AS a
#  2 | FROM --platform=linux/arm64 acme/multi:1.0 AS b
#  3 | FROM --platform=$BUILDPLATFORM acme/tool:1.0 AS c
#  4 | FROM acme/tool:1.0
platformed := {"input_version": 1, "target": {"kind": "dockerfile", "path": "Dockerfile"}, "dockerfile": {"directives": [], "global_args": [], "escape": "\\", "stages": [{"index": 0, "name": "a", "final": false, "line": 1, "end_line": 1, "base": {"raw": "acme/tool:1.0", "resolved": "acme/tool:1.0", "unresolved_variables": [], "platform": "linux/arm64", "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "acme/tool", "tag": "1.0", "digest": null, "name": "docker.io/acme/tool", "normalized": "docker.io/acme/tool:1.0"}, "error": null, "registry_facts": null}, "instructions": []}, {"index": 1, "name": "b", "final": false, "line": 2, "end_line": 2, "base": {"raw": "acme/multi:1.0", "resolved": "acme/multi:1.0", "unresolved_variables": [], "platform": "linux/arm64", "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "acme/multi", "tag": "1.0", "digest": null, "name": "docker.io/acme/multi", "normalized": "docker.io/acme/multi:1.0"}, "error": null, "registry_facts": null}, "instructions": []}, {"index": 2, "name": "c", "final": false, "line": 3, "end_line": 3, "base": {"raw": "acme/tool:1.0", "resolved": "acme/tool:1.0", "unresolved_variables": [], "platform": "$BUILDPLATFORM", "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "acme/tool", "tag": "1.0", "digest": null, "name": "docker.io/acme/tool", "normalized": "docker.io/acme/tool:1.0"}, "error": null, "registry_facts": null}, "instructions": []}, {"index": 3, "name": null, "final": true, "line": 4, "end_line": 4, "base": {"raw": "acme/tool:1.0", "resolved": "acme/tool:1.0", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "acme/tool", "tag": "1.0", "digest": null, "name": "docker.io/acme/tool", "normalized": "docker.io/acme/tool:1.0"}, "error": null, "registry_facts": null}, "instructions": []}]}, "references": [{"line": 1, "field": "FROM", "raw": "acme/tool:1.0", "source": "FROM --platform=linux/arm64 acme/tool:1.0 AS a", "platform": "linux/arm64", "image": {"registry": "docker.io", "repository": "acme/tool", "tag": "1.0", "digest": null, "name": "docker.io/acme/tool", "normalized": "docker.io/acme/tool:1.0"}, "problem": null, "registry_facts": null}, {"line": 2, "field": "FROM", "raw": "acme/multi:1.0", "source": "FROM --platform=linux/arm64 acme/multi:1.0 AS b", "platform": "linux/arm64", "image": {"registry": "docker.io", "repository": "acme/multi", "tag": "1.0", "digest": null, "name": "docker.io/acme/multi", "normalized": "docker.io/acme/multi:1.0"}, "problem": null, "registry_facts": null}, {"line": 3, "field": "FROM", "raw": "acme/tool:1.0", "source": "FROM --platform=$BUILDPLATFORM acme/tool:1.0 AS c", "platform": "$BUILDPLATFORM", "image": {"registry": "docker.io", "repository": "acme/tool", "tag": "1.0", "digest": null, "name": "docker.io/acme/tool", "normalized": "docker.io/acme/tool:1.0"}, "problem": null, "registry_facts": null}, {"line": 4, "field": "FROM", "raw": "acme/tool:1.0", "source": "FROM acme/tool:1.0", "platform": null, "image": {"registry": "docker.io", "repository": "acme/tool", "tag": "1.0", "digest": null, "name": "docker.io/acme/tool", "normalized": "docker.io/acme/tool:1.0"}, "problem": null, "registry_facts": null}]}
