# PC-DF-011 (info, as warn): MAINTAINER is deprecated.
package main

import rego.v1

warn contains sprintf("PC-DF-011: MAINTAINER is deprecated (instruction %d)", [i]) if {
	some i, c in cmds
	c.Cmd == "maintainer"
}
