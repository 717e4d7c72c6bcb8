# METADATA
# title: CMD, ENTRYPOINT or HEALTHCHECK repeated in a stage
# description: >-
#   A stage has one CMD, one ENTRYPOINT and one HEALTHCHECK: only the last of each takes
#   effect, so an earlier one is dead text that a reader takes for what the image runs.
#   Every one but the last in its stage is reported (BuildKit's
#   MultipleInstructionsDisallowed; Hadolint DL4003, DL4004 and DL3012; Trivy DS016, DS007
#   and DS023). Stages are judged apart: each stage's own CMD is expected.
# custom:
#   id: PC-DF-057
#   severity: warn
#   related: [hadolint:DL4003, hadolint:DL4004, hadolint:DL3012, trivy:DS016, trivy:DS007, trivy:DS023, docker:MultipleInstructionsDisallowed]
#   remediation: Delete all but the last CMD (ENTRYPOINT, HEALTHCHECK) of the stage.
package portcullis.rules.repeated_instruction

import rego.v1

import data.portcullis.lib.dockerfile

warn contains finding if {
	some stage in dockerfile.stages
	found := [[instruction.keyword, instruction.line] |
		some instruction in stage.instructions
		instruction.keyword in {"CMD", "ENTRYPOINT", "HEALTHCHECK"}
	]
	count(found) > 1
	some [keyword, line] in found
	later := [other | some [k, other] in found; k == keyword; other > line]
	count(later) > 0
	last := max(later)
	finding := {
		"msg": sprintf("%s is overridden by the %s on line %d: only the last %s of a stage takes effect. Delete this one.", [keyword, keyword, last, keyword]),
		"line": line,
	}
}
