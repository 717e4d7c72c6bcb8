# METADATA
# title: Stage name or AS keyword casing
# description: >-
#   Stage names are case-insensitive, so `AS Build` and `--from=build` name the same stage;
#   writing them in lower case everywhere keeps them searchable (BuildKit's
#   StageNameCasing). The `AS` keyword is written in the case of its `FROM`: `FROM … AS …`
#   or `from … as …` (FromAsCasing).
# custom:
#   id: PC-DF-062
#   severity: info
#   related: [docker:StageNameCasing, docker:FromAsCasing]
#   remediation: Write stage names in lower case, and `AS` in the case of `FROM`.
package portcullis.rules.stage_name_casing

import rego.v1

import data.portcullis.lib.dockerfile

info contains finding if {
	some stage in dockerfile.stages
	stage.name != null
	words := from_words(stage)
	words.name != lower(words.name)
	finding := {
		"msg": sprintf("Stage name %q should be lower case (%q): stage names are case-insensitive.", [words.name, lower(words.name)]),
		"line": stage.line,
	}
}

info contains finding if {
	some stage in dockerfile.stages
	stage.name != null
	words := from_words(stage)
	not same_case(words.from, words.as)
	finding := {
		"msg": sprintf("%q and %q are in different cases: write AS in the case of FROM.", [words.from, words.as]),
		"line": stage.line,
	}
}

# The FROM and AS keywords and the stage name as written.
from_words(stage) := {"from": match[1], "as": match[2], "name": match[3]} if {
	source := dockerfile.from_source(stage)
	match := regex.find_all_string_submatch_n(`^\s*(?i:(from))\s.*\s(?i:(as))\s+(\S+)\s*$`, source, 1)[0]
}

same_case(from, as_word) if {
	from == upper(from)
	as_word == upper(as_word)
}

same_case(from, as_word) if {
	from == lower(from)
	as_word == lower(as_word)
}

# Mixed-case FROM (`From`): no case to match.
same_case(from, _) if {
	from != upper(from)
	from != lower(from)
}
