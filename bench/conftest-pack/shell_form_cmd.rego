# PC-DF-012 (info, as warn): CMD or ENTRYPOINT in shell form.
package main

import rego.v1

warn contains sprintf("PC-DF-012: %s uses the shell form (instruction %d)", [upper(c.Cmd), i]) if {
	some i, c in cmds
	c.Cmd in {"cmd", "entrypoint"}
	not c.JSON
}
