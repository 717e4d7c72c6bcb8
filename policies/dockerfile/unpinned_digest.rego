# METADATA
# title: Base image not pinned by digest
# description: >-
#   Tags move: `python:3.12-slim` is rebuilt every few weeks, so two builds of the
#   same commit can ship different bases. A digest (`@sha256:…`) names exactly one
#   image; tools such as Renovate or Dependabot keep it current through reviewed
#   pull requests. Applies to every stage built on a real image. When the registry was
#   consulted, the finding offers to pin the digest the tag points at now.
# custom:
#   id: PC-DF-003
#   severity: warn
#   remediation: >-
#     Append the image's digest, keeping the tag for readability:
#     `FROM python:3.12-slim@sha256:<digest>` (`docker buildx imagetools inspect python:3.12-slim` prints it).
package portcullis.rules.unpinned_digest

import rego.v1

import data.portcullis.lib.dockerfile
import data.portcullis.lib.images

warn contains finding if {
	some stage in dockerfile.stages
	stage.base.image.digest == null
	finding := object.union(
		{
			"msg": concat("", ["Stage ", dockerfile.stage_label(stage), " uses ", dockerfile.base_label(stage), " without a digest, so the image can change between builds: pin it as ", stage.base.resolved, "@sha256:<digest>."]),
			"line": stage.line,
		},
		fix(stage),
	)
}

# Pins the digest the registry reports now, on the FROM line as written (not when the
# image is written with a variable: the ARG default is what would need the digest).
fix(stage) := {"fix": {
	"line": stage.line,
	"end_line": stage.line,
	"replacement": replacement,
	"description": "Pin the current digest",
}} if {
	replacement := images.pinned_line(images.source_of(stage.line), stage.base.raw, "FROM", stage.base.registry_facts.digest)
} else := {}
