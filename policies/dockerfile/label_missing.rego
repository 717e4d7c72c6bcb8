# METADATA
# title: Required label missing
# description: >-
#   The configuration's `label_schema` lists labels every image must carry (Hadolint's
#   `label-schema`). Reported once per label that no `LABEL` of the final stage, or of the
#   stages it is built `FROM`, sets; labels of the base image are not counted, as in
#   Hadolint (they describe the base, not this image). Off without `label_schema`.
# custom:
#   id: PC-DF-079
#   severity: warn
#   related: [hadolint:DL3049]
#   remediation: >-
#     Add `LABEL <key>=<value>` to the final stage, in the format `label_schema` gives
#     (docs/configuration.md, Label schema).
package portcullis.rules.label_missing

import rego.v1

import data.portcullis.lib.dockerfile

default schema := {}

# The configuration's label_schema (src/policy/policy-set.ts puts it in data).
schema := data.portcullis.config.label_schema

warn contains finding if {
	count(schema) > 0
	stage := dockerfile.final_stage
	some key, format in schema
	not key in _set
	finding := {
		"msg": sprintf("The image has no label %q, which label_schema requires (%s): add LABEL %s=… to stage %s.", [key, format, key, dockerfile.stage_label(stage)]),
		"line": stage.line,
	}
}

# The label keys the final image's own LABELs set.
_set contains property.name if {
	some instruction in dockerfile.chain_instructions(dockerfile.final_stage)
	instruction.keyword == "LABEL"
	not instruction.onbuild
	some property in instruction.properties
}
