# METADATA
# title: Both wget and curl in one stage
# description: >-
#   A stage that downloads with both wget and curl installs and keeps two tools that do the
#   same job, and two sets of proxy, certificate and retry behaviour to get right. As in
#   Hadolint, once a stage has used both, every later RUN that uses either is reported;
#   stages are judged apart, since a builder's tools do not reach the final image.
# custom:
#   id: PC-DF-054
#   severity: info
#   related: [hadolint:DL4001, trivy:DS014]
#   remediation: Use one of the two for every download in the stage (curl -fsSL, or wget -q).
package portcullis.rules.wget_and_curl

import rego.v1

import data.portcullis.lib.dockerfile

info contains finding if {
	some item in dockerfile.commands
	item.program in {"wget", "curl"}
	first := first_use[item.stage.index]
	count(first) == 2
	item.instruction.line >= max({line | some line in first})
	finding := {
		"msg": "RUN downloads with wget or curl in a stage that uses both: pick one.",
		"line": item.instruction.line,
	}
}

# By stage index: the line of the first RUN using each tool, from one pass over the
# commands.
first_use[index] := {tool: min(lines) |
	some tool in {stage_tool[1] | some stage_tool in uses; stage_tool[0] == index}
	lines := [use[2] | some use in uses; use[0] == index; use[1] == tool]
} if {
	some index in {use[0] | some use in uses}
}

# [stage index, tool, line] of every wget and curl.
uses := [[item.stage.index, item.program, item.instruction.line] |
	some item in dockerfile.commands
	item.program in {"wget", "curl"}
]
