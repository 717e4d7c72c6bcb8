package portcullis.rules.label_key_test

import rego.v1

import data.portcullis.lib.test_inputs
import data.portcullis.rules.label_key

# One finding per key, on the key's own line.
test_invalid_keys_are_reported if {
	findings := label_key.info with input as labels
	findings == {
		{"msg": "LABEL key \"Maintainer\" is not lower-case reverse-DNS (a-z, 0-9, . and -, starting with a letter, ending with a letter or digit).", "line": 3},
		{"msg": "LABEL key \"com.docker.extension\" is in a namespace reserved for Docker.", "line": 5},
		{"msg": "LABEL key \"org..example\" has an empty part (.. or --).", "line": 6},
		{"msg": "LABEL key \"build_date\" is not lower-case reverse-DNS (a-z, 0-9, . and -, starting with a letter, ending with a letter or digit).", "line": 7},
		{"msg": "LABEL key \"9lives\" is not lower-case reverse-DNS (a-z, 0-9, . and -, starting with a letter, ending with a letter or digit).", "line": 8},
	}
}

test_other_targets_are_ignored if {
	count(label_key.info) == 0 with input as test_inputs.other_kind(labels)
}

#  1 | FROM alpine:3.20
#  2 | LABEL org.opencontainers.image.source="https://example.com" \
#  3 |       Maintainer="me" \
#  4 |       version=1 \
#  5 |       com.docker.extension="x" \
#  6 |       org..example=1 \
#  7 |       build_date=now \
#  8 |       9lives=x
labels := {"input_version": 1, "target": {"kind": "dockerfile", "path": "Dockerfile"}, "dockerfile": {"directives": [], "global_args": [], "escape": "\\", "stages": [{"index": 0, "name": null, "final": true, "line": 1, "end_line": 8, "base": {"raw": "alpine:3.20", "resolved": "alpine:3.20", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/alpine", "tag": "3.20", "digest": null, "name": "docker.io/library/alpine", "normalized": "docker.io/library/alpine:3.20"}, "error": null, "registry_facts": null}, "instructions": [{"keyword": "LABEL", "line": 2, "end_line": 8, "flags": [], "arguments": ["org.opencontainers.image.source=\"https://example.com\"", "Maintainer=\"me\"", "version=1", "com.docker.extension=\"x\"", "org..example=1", "build_date=now", "9lives=x"], "value": "org.opencontainers.image.source=\"https://example.com\" Maintainer=\"me\" version=1 com.docker.extension=\"x\" org..example=1 build_date=now 9lives=x", "form": null, "properties": [{"name": "org.opencontainers.image.source", "value": "https://example.com", "line": 2}, {"name": "Maintainer", "value": "me", "line": 3}, {"name": "version", "value": "1", "line": 4}, {"name": "com.docker.extension", "value": "x", "line": 5}, {"name": "org..example", "value": "1", "line": 6}, {"name": "build_date", "value": "now", "line": 7}, {"name": "9lives", "value": "x", "line": 8}], "heredocs": [], "commands": [], "source": "LABEL org.opencontainers.image.source=\"https://example.com\" \\\n      Maintainer=\"me\" \\\n      version=1 \\\n      com.docker.extension=\"x\" \\\n      org..example=1 \\\n      build_date=now \\\n      9lives=x"}]}]}, "references": [{"line": 1, "field": "FROM", "raw": "alpine:3.20", "source": "FROM alpine:3.20", "platform": null, "image": {"registry": "docker.io", "repository": "library/alpine", "tag": "3.20", "digest": null, "name": "docker.io/library/alpine", "normalized": "docker.io/library/alpine:3.20"}, "problem": null, "registry_facts": null}]}
