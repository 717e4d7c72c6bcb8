# METADATA
# title: ENV or LABEL in the legacy `key value` form
# description: >-
#   `ENV NAME value` (without `=`) is the legacy form: it sets one variable to the rest of
#   the line, so `ENV PATH /opt/bin:$PATH LANG C.UTF-8` makes one variable named PATH,
#   silently. The `NAME=value` form says where each value ends, and can set several
#   (BuildKit's LegacyKeyValueFormat).
# custom:
#   id: PC-DF-067
#   severity: info
#   related: [docker:LegacyKeyValueFormat]
#   remediation: Write `ENV NAME=value` (quote a value with spaces, `ENV NAME="a b"`).
package portcullis.rules.legacy_key_value

import rego.v1

import data.portcullis.lib.dockerfile

info contains finding if {
	some item in dockerfile.instructions
	instruction := item.instruction
	instruction.keyword in {"ENV", "LABEL"}
	count(instruction.arguments) > 0
	not contains(instruction.arguments[0], "=")
	count(instruction.properties) == 1
	property := instruction.properties[0]
	finding := object.union(
		{
			"msg": sprintf("%s %s uses the legacy \"key value\" form: write %s %s=…", [instruction.keyword, property.name, instruction.keyword, property.name]),
			"line": instruction.line,
		},
		fix(instruction, property),
	)
}

# One line, and a value without quotes or escapes to re-quote.
fix(instruction, property) := {"fix": {
	"line": instruction.line,
	"end_line": instruction.line,
	"replacement": replacement,
	"description": sprintf("Write %s", [replacement]),
}} if {
	instruction.line == instruction.end_line
	is_string(property.value)
	property.value != ""
	not regex.match("[\"'\\\\`]", property.value)

	# Variables expand alike in both forms, unless single quotes kept one literal.
	not single_quoted_variable(instruction, property.value)
	keyword := dockerfile.first_word(instruction.source)
	replacement := sprintf("%s %s=%s", [keyword, property.name, quoted(property.value)])
} else := {}

quoted(value) := value if not regex.match(`\s`, value)

quoted(value) := sprintf("\"%s\"", [value]) if regex.match(`\s`, value)

single_quoted_variable(instruction, value) if {
	contains(value, "$")
	contains(instruction.source, "'")
}
