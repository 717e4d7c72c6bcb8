package portcullis.rules.stage_name_test

import rego.v1

import data.portcullis.lib.test_inputs
import data.portcullis.rules.stage_name

# Names compare case-insensitively: `Build` and `build` clash.
test_duplicate_and_reserved_names_are_warned if {
	findings := stage_name.warn with input as names
	findings == {
		{"msg": "Stage name \"build\" is already used by the stage on line 1: stage names are case-insensitive and must be unique.", "line": 2},
		{"msg": "Stage name \"context\" is a reserved word: choose another name.", "line": 3},
		{"msg": "Stage name \"scratch\" is a reserved word: choose another name.", "line": 4},
	}
}

test_other_targets_are_ignored if {
	count(stage_name.warn) == 0 with input as test_inputs.other_kind(names)
}

#  1 | FROM golang:1.22 AS Build
#  2 | FROM golang:1.22 as build
#  3 | from alpine:3.20 AS context
#  4 | FROM build AS scratch
#  5 | From alpine:3.20 as ok
#  6 | FROM alpine:3.20 AS final
names := {"input_version": 1, "target": {"kind": "dockerfile", "path": "Dockerfile"}, "dockerfile": {"directives": [], "global_args": [], "escape": "\\", "stages": [{"index": 0, "name": "build", "final": false, "line": 1, "end_line": 1, "base": {"raw": "golang:1.22", "resolved": "golang:1.22", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/golang", "tag": "1.22", "digest": null, "name": "docker.io/library/golang", "normalized": "docker.io/library/golang:1.22"}, "error": null, "registry_facts": null}, "instructions": []}, {"index": 1, "name": "build", "final": false, "line": 2, "end_line": 2, "base": {"raw": "golang:1.22", "resolved": "golang:1.22", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/golang", "tag": "1.22", "digest": null, "name": "docker.io/library/golang", "normalized": "docker.io/library/golang:1.22"}, "error": null, "registry_facts": null}, "instructions": []}, {"index": 2, "name": "context", "final": false, "line": 3, "end_line": 3, "base": {"raw": "alpine:3.20", "resolved": "alpine:3.20", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/alpine", "tag": "3.20", "digest": null, "name": "docker.io/library/alpine", "normalized": "docker.io/library/alpine:3.20"}, "error": null, "registry_facts": null}, "instructions": []}, {"index": 3, "name": "scratch", "final": false, "line": 4, "end_line": 4, "base": {"raw": "build", "resolved": "build", "unresolved_variables": [], "platform": null, "stage": 0, "scratch": false, "image": null, "error": null, "registry_facts": null}, "instructions": []}, {"index": 4, "name": "ok", "final": false, "line": 5, "end_line": 5, "base": {"raw": "alpine:3.20", "resolved": "alpine:3.20", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/alpine", "tag": "3.20", "digest": null, "name": "docker.io/library/alpine", "normalized": "docker.io/library/alpine:3.20"}, "error": null, "registry_facts": null}, "instructions": []}, {"index": 5, "name": "final", "final": true, "line": 6, "end_line": 6, "base": {"raw": "alpine:3.20", "resolved": "alpine:3.20", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/alpine", "tag": "3.20", "digest": null, "name": "docker.io/library/alpine", "normalized": "docker.io/library/alpine:3.20"}, "error": null, "registry_facts": null}, "instructions": []}]}, "references": [{"line": 1, "field": "FROM", "raw": "golang:1.22", "source": "FROM golang:1.22 AS Build", "platform": null, "image": {"registry": "docker.io", "repository": "library/golang", "tag": "1.22", "digest": null, "name": "docker.io/library/golang", "normalized": "docker.io/library/golang:1.22"}, "problem": null, "registry_facts": null}, {"line": 2, "field": "FROM", "raw": "golang:1.22", "source": "FROM golang:1.22 as build", "platform": null, "image": {"registry": "docker.io", "repository": "library/golang", "tag": "1.22", "digest": null, "name": "docker.io/library/golang", "normalized": "docker.io/library/golang:1.22"}, "problem": null, "registry_facts": null}, {"line": 3, "field": "FROM", "raw": "alpine:3.20", "source": "from alpine:3.20 AS context", "platform": null, "image": {"registry": "docker.io", "repository": "library/alpine", "tag": "3.20", "digest": null, "name": "docker.io/library/alpine", "normalized": "docker.io/library/alpine:3.20"}, "problem": null, "registry_facts": null}, {"line": 5, "field": "FROM", "raw": "alpine:3.20", "source": "From alpine:3.20 as ok", "platform": null, "image": {"registry": "docker.io", "repository": "library/alpine", "tag": "3.20", "digest": null, "name": "docker.io/library/alpine", "normalized": "docker.io/library/alpine:3.20"}, "problem": null, "registry_facts": null}, {"line": 6, "field": "FROM", "raw": "alpine:3.20", "source": "FROM alpine:3.20 AS final", "platform": null, "image": {"registry": "docker.io", "repository": "library/alpine", "tag": "3.20", "digest": null, "name": "docker.io/library/alpine", "normalized": "docker.io/library/alpine:3.20"}, "problem": null, "registry_facts": null}]}
