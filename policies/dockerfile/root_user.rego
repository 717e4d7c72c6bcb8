# METADATA
# title: Final stage runs as root
# description: >-
#   A container whose process runs as root turns any escape from the application into
#   root on the host's kernel interface. The final stage (the image that ships) should
#   switch to an unprivileged user with `USER`; builder stages may stay root. A `USER`
#   in an earlier stage the final stage builds on (`FROM base`) carries over. Base
#   images whose tag says `nonroot` (distroless) already default to a non-root user.
# custom:
#   id: PC-DF-002
#   severity: deny
#   related: [hadolint:DL3002, trivy:DS002]
#   remediation: >-
#     Add `USER <non-root user>` (for example `USER 65532:65532`, or a user you create
#     with `useradd`) to the final stage, after the last step that needs root.
package portcullis.rules.root_user

import rego.v1

import data.portcullis.lib.dockerfile

# The USER instructions the final image ends up with, in order; the last one wins.
users := [instruction |
	some instruction in dockerfile.chain_instructions(dockerfile.final_stage)
	instruction.keyword == "USER"
]

deny contains finding if {
	count(users) == 0
	not nonroot_base_image
	stage := dockerfile.final_stage
	finding := object.union(
		{
			"msg": sprintf("The final stage %s sets no USER, so its container runs as root: add a USER instruction with a non-root user (for example USER 65532:65532) after the last step that needs root.", [dockerfile.stage_label(stage)]),
			"line": stage.line,
		},
		user_fix(stage),
	)
}

# The fix inserts `USER 65532:65532` (distroless' nonroot) just before the stage's first
# CMD or ENTRYPOINT that follows its last RUN, so every step that may need root runs first.
# Without such an instruction there is no safe place to put it: no fix.
user_fix(stage) := {"fix": {
	"line": start.line,
	"end_line": start.line,
	"replacement": concat("\n", [sprintf("%sUSER 65532:65532", [indent]), line]),
	"description": "Run as the unprivileged user 65532 from here on",
}} if {
	not windows_container
	last_run := max(array.concat([i.line | some i in stage.instructions; i.keyword == "RUN"], [stage.line]))
	starts := [i | some i in stage.instructions; i.keyword in {"CMD", "ENTRYPOINT"}; i.line > last_run]
	start := starts[0]
	line := dockerfile.source_line(start, start.line)
	indent := dockerfile.leading_space(line)
} else := {}

deny contains finding if {
	user := users[count(users) - 1]
	is_root(user.value)
	stage := dockerfile.final_stage
	finding := {
		"msg": sprintf("The final stage %s runs as root because of \"USER %s\"%s: switch to a non-root user (for example USER 65532:65532) after the steps that need root.", [dockerfile.stage_label(stage), user.value, inherited(user, stage)]),
		"line": user.line,
	}
}

# `root`, `0`, `root:group`, `0:0` …
is_root(value) if split(trim_space(value), ":")[0] in {"root", "0"}

inherited(user, stage) := "" if user.line > stage.line

inherited(user, stage) := sprintf(", which it inherits from stage %s", [dockerfile.stage_label(origin)]) if {
	user.line < stage.line
	some origin in dockerfile.stages
	origin.line < user.line
	user.line <= origin.end_line
}

# Windows containers name their users differently (ContainerUser): no fix to offer there.
windows_container if input.dockerfile.escape == "`"

windows_container if {
	some stage in dockerfile.stages
	regex.match(`(^|/)windows(/|$)|nanoserver|servercore`, stage.base.image.repository)
}

# The image at the root of the final stage's FROM chain is a distroless-style
# `nonroot` tag (`gcr.io/distroless/static:nonroot`, `…:debug-nonroot`).
nonroot_base_image if {
	some stage in dockerfile.stages
	stage.index in dockerfile.stage_chain(dockerfile.final_stage)

	# null for an untagged reference: regex.match on it is a built-in error, which fails
	# the evaluation (src/policy/strict-builtins.ts).
	is_string(stage.base.image.tag)
	regex.match(`(^|-)nonroot($|-)`, stage.base.image.tag)
}
