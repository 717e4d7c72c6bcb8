# PC-DF-015 (warn): a relative WORKDIR.
package main

import rego.v1

warn contains sprintf("PC-DF-015: WORKDIR %q is relative (instruction %d)", [path, i]) if {
	some i, c in cmds
	c.Cmd == "workdir"
	path := workdir_unquoted(trim_space(concat(" ", c.Value)))
	path != ""
	not startswith(path, "/")
	not startswith(path, "$")
	not regex.match(`^([A-Za-z]:)?[\\/]`, path)
}

workdir_unquoted(value) := substring(value, 1, count(value) - 2) if {
	regex.match(`^("[^"]*"|'[^']*')$`, value)
} else := value
