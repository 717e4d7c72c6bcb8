# METADATA
# title: Label value not in its schema's format
# description: >-
#   The configuration's `label_schema` gives each listed label a format: `text` (not
#   empty), `url`, `semver`, `hash` (a git commit: 40 or 64 hexadecimal digits), `rfc3339`
#   (a time), `spdx` (a license expression; the ids' shape is checked, not the SPDX list)
#   or `email` (Hadolint DL3051–DL3056, DL3058). Reported on the label's line, for the
#   LABELs of the final stage and the stages it is built `FROM`. A value built from a
#   variable (`$GIT_SHA`) is known at build time only: it is judged for emptiness alone.
#   Off without `label_schema`.
# custom:
#   id: PC-DF-080
#   severity: warn
#   related: [hadolint:DL3051, hadolint:DL3052, hadolint:DL3053, hadolint:DL3054, hadolint:DL3055, hadolint:DL3056, hadolint:DL3058]
#   remediation: >-
#     Write the value in the format `label_schema` gives (docs/configuration.md, Label
#     schema), or pass it as a build argument (`LABEL org.opencontainers.image.revision=$GIT_SHA`).
package portcullis.rules.label_format

import rego.v1

import data.portcullis.lib.dockerfile

default schema := {}

# The configuration's label_schema (src/policy/policy-set.ts puts it in data).
schema := data.portcullis.config.label_schema

warn contains finding if {
	count(schema) > 0
	some instruction in dockerfile.chain_instructions(dockerfile.final_stage)
	instruction.keyword == "LABEL"
	not instruction.onbuild
	some property in instruction.properties
	format := schema[property.name]
	value := _value(property)
	problem := _problem(format, value)
	finding := {
		"msg": sprintf("LABEL %s=%q %s.", [property.name, value, problem]),
		"line": property.line,
	}
}

_value(property) := property.value if is_string(property.value)

_value(property) := "" if not is_string(property.value)

_problem(_, value) := "is empty, and label_schema requires a value" if trim_space(value) == ""

_problem(format, value) := sprintf("%s, as label_schema requires", [_format_problem[format]]) if {
	trim_space(value) != ""
	not contains(value, "$")
	pattern := _formats[format]
	not regex.match(pattern, value)
}

_formats := {
	"url": `^[A-Za-z][A-Za-z0-9+.-]*://[^\s/?#]+\S*$`,
	"semver": `^v?(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$`,
	"hash": `^([0-9a-f]{40}|[0-9a-f]{64})$`,
	"rfc3339": `^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])[Tt ]([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$`,
	"spdx": `^\(?\s*[A-Za-z0-9.-]+\+?(\s+(WITH|with)\s+[A-Za-z0-9.-]+)?\s*\)?(\s+(AND|OR|and|or)\s+\(?\s*[A-Za-z0-9.-]+\+?(\s+(WITH|with)\s+[A-Za-z0-9.-]+)?\s*\)?)*$`,
	"email": `^[^@\s]+@[^@\s]+\.[^@\s]+$`,
}

_format_problem := {
	"url": "is not a URL with a scheme (https://…)",
	"semver": "is not a semantic version (1.4.0, 2.0.0-rc.1)",
	"hash": "is not a git commit id (40 or 64 hexadecimal digits)",
	"rfc3339": "is not an RFC 3339 time (2024-05-01T12:00:00Z)",
	"spdx": "is not an SPDX license expression (MIT, Apache-2.0 OR MIT)",
	"email": "is not an e-mail address",
}
