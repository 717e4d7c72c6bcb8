# METADATA
# title: Base image uses latest or no tag
# description: >-
#   A base image without a tag, or tagged `latest`, changes under you: the same
#   Dockerfile builds a different image tomorrow, and nobody reviewed the change.
#   Global ARG defaults are substituted first, so `FROM node:${TAG}` with
#   `ARG TAG=latest` is caught too; a digest-only reference is pinned and fine.
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

# With registry facts, the fix names the version `latest` points at now.
tag_fix(stage) := images.explicit_tag_fix(stage.base.raw, {"number": stage.line, "text": ref.source}, stage.base.registry_facts) if {
	some ref in input.references
	ref.field == "FROM"
	ref.line == stage.line
} else := {}
