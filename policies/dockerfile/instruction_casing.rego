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

# Keywords in upper case are the rule in most files, and the cheap case: only the keywords
# written otherwise are collected, and the upper-case ones are counted.
info contains finding if {
	some keyword in not_upper
	expected := expected_case(keyword.word)
	keyword.word != expected
	finding := message(keyword.word, expected, keyword.line)
}

# When most keywords are in lower case, the upper-case ones are the exceptions.
info contains finding if {
	lower_count > upper_count
	some keyword in upper_keywords
	finding := message(keyword.word, lower(keyword.word), keyword.line)
}

message(word, expected, line) := {
	"msg": sprintf("%s should be written %s, like most of this file's instructions.", [word, expected]),
	"line": line,
}

# Each keyword as written, with its line (FROM lines when their text is known), split into
# those in upper case and the others.
not_upper := array.concat(
	[{"word": word, "line": item.instruction.line} |
		some item in dockerfile.instructions
		not startswith(item.instruction.source, item.instruction.keyword)
		word := written(item.instruction.source, item.instruction.keyword)
		word != item.instruction.keyword
	],
	[{"word": word, "line": stage.line} |
		some stage in dockerfile.stages
		word := written(dockerfile.from_source(stage), "FROM")
		word != "FROM"
	],
)

upper_keywords := [{"word": word, "line": line} |
	some [word, line] in array.concat(
		[[item.instruction.keyword, item.instruction.line] |
			some item in dockerfile.instructions
			written(item.instruction.source, item.instruction.keyword) == item.instruction.keyword
		],
		[["FROM", stage.line] |
			some stage in dockerfile.stages
			written(dockerfile.from_source(stage), "FROM") == "FROM"
		],
	)
]

# The keyword as written: as long as the upper-cased keyword the parser gives, at the start
# of the source (after indentation). A prefix, not a split of the whole source: sources of
# long RUNs are large, and this runs for every instruction.
written(source, keyword) := keyword if {
	startswith(source, keyword)
} else := word if {
	word := substring(source, 0, count(keyword))
	upper(word) == keyword
} else := substring(trim_left(source, " \t"), 0, count(keyword))

written_count := count(dockerfile.instructions) + count([1 | some stage in dockerfile.stages; dockerfile.from_source(stage)])

lower_count := count([1 | some keyword in not_upper; keyword.word == lower(keyword.word)])

upper_count := written_count - count(not_upper)

expected_case(word) := lower(word) if lower_count > upper_count

expected_case(word) := upper(word) if lower_count <= upper_count
