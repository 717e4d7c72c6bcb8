# METADATA
# title: Instruction keywords in mixed case
# description: >-
#   Keywords are case-insensitive, but a file that mixes `RUN` and `run` is harder to
#   read and to search. Each keyword is expected in the case most of the file's keywords
#   use (upper case on a tie), as BuildKit's ConsistentInstructionCasing does; a keyword
#   in mixed case (`Run`) is always reported.
# custom:
#   id: PC-DF-068
#   severity: info
#   related: [docker:ConsistentInstructionCasing]
#   remediation: Write every keyword in upper case (or every one in lower case).
package portcullis.rules.instruction_casing

import rego.v1

import data.portcullis.lib.dockerfile

info contains finding if {
	some keyword in keywords
	not keyword.word == expected_case(keyword.word)
	finding := {
		"msg": sprintf("%s should be written %s, like most of this file's instructions.", [keyword.word, expected_case(keyword.word)]),
		"line": keyword.line,
	}
}

# Each instruction's keyword as written, with its line; FROM lines when their text is known.
keywords := array.concat(
	[{"word": word, "line": item.instruction.line} |
		some item in dockerfile.instructions
		word := first_word(item.instruction.source)
	],
	[{"word": word, "line": stage.line} |
		some stage in dockerfile.stages
		word := first_word(dockerfile.from_source(stage))
	],
)

# (split, not a regular expression: regex.find_n calls out of WebAssembly to the host.)
first_word(source) := split(split(trim_left(source, " \t"), " ")[0], "\t")[0]

lower_count := count([1 | some keyword in keywords; keyword.word == lower(keyword.word)])

upper_count := count([1 | some keyword in keywords; keyword.word == upper(keyword.word)])

expected_case(word) := lower(word) if lower_count > upper_count

expected_case(word) := upper(word) if lower_count <= upper_count
