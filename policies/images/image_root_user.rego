# METADATA
# title: Image runs as root
# description: >-
#   The image's configuration (what its registry reports) names no user, or root, so a
#   container started from it runs as root unless the deployment overrides the user
#   (`securityContext.runAsUser`, Compose `user:`, `docker run --user`). Any escape from
#   the application is then root on the host's kernel interface. Workflows are left
#   alone: GitHub runs Docker actions and job containers as root by design, and needs it
#   to write the workspace. In a Dockerfile only
#   the image the final stage builds on runs, and PC-DF-002 judges its `USER`; this rule
#   adds the case where the tag claims `nonroot` but the image's configuration says root.
# custom:
#   id: PC-IMG-006
#   severity: warn
#   remediation: >-
#     Use a variant of the image that runs as an unprivileged user (many publish a
#     `nonroot` or `-rootless` tag), or set a non-root user where it is deployed
#     (`runAsNonRoot: true` and `runAsUser`, Compose `user:`).
package portcullis.rules.image_root_user

import rego.v1

import data.portcullis.lib.dockerfile
import data.portcullis.lib.images

warn contains finding if {
	not input.target.kind in {"dockerfile", "workflow"}
	some ref in images.references
	user := images.facts(ref).user
	images.root_user(user)
	finding := {
		"msg": sprintf("Image %s runs as root (its configuration sets %s): use a variant that runs as an unprivileged user, or set a non-root user where it is deployed.", [images.label(ref), user_label(user)]),
		"line": ref.line,
	}
}

# A Dockerfile whose final stage sets no USER and builds on an image whose tag claims
# `nonroot` (which PC-DF-002 takes at its word), but whose configuration is root.
warn contains finding if {
	final := dockerfile.final_stage
	count([i | some i in dockerfile.chain_instructions(final); i.keyword == "USER"]) == 0
	some stage in dockerfile.stages
	stage.index in dockerfile.stage_chain(final)
	is_string(stage.base.image.tag)
	regex.match(`(^|-)nonroot($|-)`, stage.base.image.tag)
	some ref in images.references
	ref.field == "FROM"
	ref.line == stage.line
	user := images.facts(ref).user
	images.root_user(user)
	finding := {
		"msg": sprintf("Stage %s builds on %s, whose tag says nonroot but whose configuration sets %s, and no stage sets a USER: the container runs as root. Add a USER instruction with a non-root user (for example USER 65532:65532).", [dockerfile.stage_label(stage), dockerfile.base_label(stage), user_label(user)]),
		"line": ref.line,
	}
}

user_label(user) := "no user" if user == ""

user_label(user) := sprintf("User %q", [user]) if user != ""
