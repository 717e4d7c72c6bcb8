# PC-DF-010 (warn): EXPOSE of port 22.
package main

import rego.v1

warn contains sprintf("PC-DF-010: EXPOSE %s opens the SSH port (instruction %d)", [port, i]) if {
	some i, c in cmds
	c.Cmd == "expose"
	some port in c.Value
	includes_ssh(port)
}

includes_ssh(port) if regex.match(`^22(/(?i:tcp))?$`, port)

includes_ssh(port) if {
	parts := regex.find_all_string_submatch_n(`^(\d+)-(\d+)(/(?i:tcp))?$`, port, 1)[0]
	to_number(parts[1]) <= 22
	to_number(parts[2]) >= 22
}
