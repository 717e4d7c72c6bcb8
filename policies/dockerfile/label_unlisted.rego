# METADATA
# title: Label not in the label schema
# description: >-
#   With `strict_labels: true`, only the labels `label_schema` lists may be set (Hadolint's
#   `strict-labels`, DL3050): a misspelt key (`org.opencontainers.image.sources`) is
#   reported instead of silently missing from what tools read. Looks at the LABELs of the
#   final stage and the stages it is built `FROM`. Off unless `strict_labels` is true.
# custom:
#   id: PC-DF-081
#   severity: info
#   related: [hadolint:DL3050]
#   remediation: >-
#     Remove the label, correct its key, or add it to `label_schema` in
#     .github/portcullis.yml.
package portcullis.rules.label_unlisted

import rego.v1

import data.portcullis.lib.dockerfile

default schema := {}

# The configuration's label_schema (src/policy/policy-set.ts puts it in data).
schema := data.portcullis.config.label_schema

info contains finding if {
	data.portcullis.config.strict_labels == true
	some instruction in dockerfile.chain_instructions(dockerfile.final_stage)
	instruction.keyword == "LABEL"
	not instruction.onbuild
	some property in instruction.properties
	not schema[property.name]
	finding := {
		"msg": sprintf("LABEL %s is not in label_schema, and strict_labels allows no other: remove it, correct its key, or add it to label_schema.", [property.name]),
		"line": property.line,
	}
}
