# PC-DF-013 (deny): COPY --from names no earlier stage.
package main

import rego.v1

deny contains sprintf("PC-DF-013: COPY --from=%s names no earlier stage (instruction %d)", [from, i]) if {
	some i, c in cmds
	c.Cmd == "copy"
	some flag in c.Flags
	startswith(flag, "--from=")
	from := substring(flag, 7, -1)
	not contains(from, "$")
	not regex.match(`[/:@]`, from)
	not earlier_stage(from, c.Stage)
}

earlier_stage(from, stage) if {
	some s in stages
	s.index < stage
	s.name == lower(from)
}

earlier_stage(from, stage) if {
	regex.match(`^[0-9]+$`, from)
	to_number(from) < stage
}
