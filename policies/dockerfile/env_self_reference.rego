# METADATA
# title: ENV refers to a variable it sets itself
# description: >-
#   All values of one ENV instruction are expanded before any is set: in
#   `ENV DIR=/opt/app BIN=$DIR/bin`, BIN gets the DIR from before the instruction (often
#   empty), not `/opt/app`. Reported when a value refers to a variable that the same ENV
#   sets earlier on its line, as Hadolint does.
# custom:
#   id: PC-DF-069
#   severity: warn
#   related: [hadolint:DL3044]
#   remediation: Set the variable in its own ENV instruction before the one that uses it.
package portcullis.rules.env_self_reference

import rego.v1

import data.portcullis.lib.dockerfile

warn contains finding if {
	some item in dockerfile.instructions
	item.instruction.keyword == "ENV"
	count(item.instruction.properties) > 1
	some i, property in item.instruction.properties
	is_string(property.value)
	contains(property.value, "$")
	some j, earlier in item.instruction.properties
	j < i
	regex.match(sprintf(`\$(%s\b|\{%s[}:+-])`, [earlier.name, earlier.name]), property.value)
	finding := {
		"msg": sprintf("ENV %s refers to $%s, which the same ENV sets: it gets the value from before this instruction. Set %s in an ENV of its own first.", [property.name, earlier.name, earlier.name]),
		"line": property.line,
	}
}
