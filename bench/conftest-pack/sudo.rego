# PC-DF-008 (deny): sudo in a RUN.
package main

import rego.v1

deny contains sprintf("PC-DF-008: %q runs sudo", [label(x)]) if {
	some x in run_commands
	basename(x.words[0]) == "sudo"
}

deny contains sprintf("PC-DF-008: RUN [\"sudo\", …] runs sudo (instruction %d)", [i]) if {
	some i, c in cmds
	c.Cmd == "run"
	c.JSON
	basename(c.Value[0]) == "sudo"
}
