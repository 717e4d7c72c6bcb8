# METADATA
# title: COPY --from names no earlier stage
# description: >-
#   `COPY --from=<name>` copies from an earlier stage, by name or by 0-based index.
#   A bare word that matches no earlier stage is most often a typo (`buildr`) or a
#   stage defined later; BuildKit then pulls an image of that name from Docker Hub,
#   which may be someone else's. An image reference should be explicit (`nginx:1.25`,
#   `ghcr.io/org/tool`): a reference with `/`, `:` or `@` is accepted as one. The same
#   applies to `RUN --mount=from=<name>`.
# custom:
#   id: PC-DF-013
#   severity: deny
#   related: [hadolint:DL3022, hadolint:DL3023, trivy:DS006]
#   remediation: >-
#     Correct the name to an earlier stage (`FROM … AS <name>` above this one), or
#     write the image with a tag, such as `--from=nginx:1.25`.
package portcullis.rules.copy_from_unknown_stage

import rego.v1

import data.portcullis.lib.dockerfile

deny contains finding if {
	some item in references
	not contains(item.from, "$")
	not regex.match(`[/:@]`, item.from)
	not earlier_stage(item.from, item.stage)
	finding := {
		"msg": sprintf("%s names %q, which is not a stage before this one%s: use an earlier stage's name, or an image reference with a tag such as nginx:1.25.", [item.what, item.from, hint(item.from, item.stage)]),
		"line": item.instruction.line,
	}
}

# COPY --from=X and RUN --mount=…,from=X, with the stage they are in.
references contains {"stage": item.stage, "instruction": item.instruction, "from": flag.value, "what": concat("", ["COPY --from=", flag.value])} if {
	some item in dockerfile.instructions
	item.instruction.keyword == "COPY"
	some flag in item.instruction.flags
	flag.name == "from"
	is_string(flag.value)
}

references contains {"stage": item.stage, "instruction": item.instruction, "from": mount.from, "what": sprintf("RUN --mount=…from=%s", [mount.from])} if {
	some item in dockerfile.instructions
	item.instruction.keyword == "RUN"
	some mount in dockerfile.mounts(item.instruction)
	mount.from
}

earlier_stage(from, stage) if {
	some other in dockerfile.stages
	other.index < stage.index
	other.name == lower(from)
}

earlier_stage(from, stage) if {
	regex.match(`^[0-9]+$`, from)
	to_number(from) < stage.index
}

# Why it does not match, when there is more to say than "not found".
hint(from, stage) := " (it is this stage)" if {
	stage.name == lower(from)
} else := sprintf(" (stage %s is defined later, on line %d)", [dockerfile.stage_label(other), other.line]) if {
	some other in dockerfile.stages
	other.index > stage.index
	other.name == lower(from)
} else := sprintf(" (stages are numbered from 0; this one is #%d)", [stage.index]) if {
	regex.match(`^[0-9]+$`, from)
} else := sprintf(" (earlier stages: %s)", [concat(", ", names)]) if {
	names := [sprintf("%q", [other.name]) | some other in dockerfile.stages; other.index < stage.index; other.name != null]
	count(names) > 0
} else := ""
