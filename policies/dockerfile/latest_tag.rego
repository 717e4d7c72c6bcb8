# METADATA
# title: Base image uses latest or no tag
# description: >-
#   A base image without a tag, or tagged `latest`, changes under you: the same
#   Dockerfile builds a different image tomorrow, and nobody reviewed the change.
#   Global ARG defaults are substituted first, so `FROM node:${TAG}` with
#   `ARG TAG=latest` is caught too; a digest-only reference is pinned and fine. A variable
#   that no global ARG declares expands to the empty string, as BuildKit does, so
#   `FROM alpine$TAG` is `alpine`, untagged; one declared without a default is left to
#   `--build-arg`.
# custom:
#   id: PC-DF-001
#   severity: deny
#   related: [hadolint:DL3006, hadolint:DL3007, trivy:DS001]
#   remediation: Name an explicit version tag (for example `node:20.11-alpine`), and pin its digest.
package portcullis.rules.latest_tag

import rego.v1

import data.portcullis.lib.dockerfile
import data.portcullis.lib.images

deny contains finding if {
	some stage in dockerfile.stages
	image := stage.base.image
	image.digest == null
	object.get(image, "tag", null) in {null, "latest"}
	finding := object.union(
		{
			"msg": sprintf("Stage %s uses %s, which has no fixed version: name an explicit tag.", [dockerfile.stage_label(stage), dockerfile.base_label(stage)]),
			"line": stage.line,
		},
		tag_fix(stage),
	)
}

# `FROM alpine$TAG` where no global ARG declares TAG: the parser could not resolve it, but
# BuildKit builds `alpine`. (When the parser itself gives that image, the rule above has it.)
deny contains finding if {
	some stage in dockerfile.stages
	stage.base.image == null
	stage.base.stage == null
	variables := dockerfile.from_variables(stage)
	count(variables) > 0
	count(variables & dockerfile.global_arg_names) == 0
	image := dockerfile.default_base(stage)
	regex.match(`^[a-z0-9][a-z0-9./_-]*$`, image)
	not lower(image) in {"scratch", "context"}
	not image in {s.name | some s in dockerfile.stages}
	finding := {
		"msg": sprintf("Stage %s uses %q, which is %q: no global ARG declares %s, so it expands to the empty string and the image has no fixed version. Name an explicit tag.", [dockerfile.stage_label(stage), stage.base.raw, image, concat(", ", sort(variables))]),
		"line": stage.line,
	}
}

# With registry facts, the fix names the version `latest` points at now.
tag_fix(stage) := images.explicit_tag_fix(stage.base.raw, {"number": stage.line, "text": ref.source}, stage.base.registry_facts) if {
	some ref in input.references
	ref.field == "FROM"
	ref.line == stage.line
} else := {}
