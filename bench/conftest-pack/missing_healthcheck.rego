# PC-DF-017 (info, as warn): no HEALTHCHECK in the final stage or the stages it builds on.
package main

import rego.v1

warn contains "PC-DF-017: the final stage has no HEALTHCHECK" if {
	count(from_index) > 0
	not has_healthcheck
}

has_healthcheck if {
	some c in chain_cmds(final_stage)
	c.Cmd == "healthcheck"
}
