# PC-DF-002 (deny): the final stage runs as root.
package main

import rego.v1

users := [c | some c in chain_cmds(final_stage); c.Cmd == "user"]

deny contains "PC-DF-002: the final stage sets no USER" if {
	count(from_index) > 0
	count(users) == 0
	not nonroot_base
}

deny contains sprintf("PC-DF-002: the final stage runs as root because of USER %s", [users[count(users) - 1].Value[0]]) if {
	split(trim_space(users[count(users) - 1].Value[0]), ":")[0] in {"root", "0"}
}

nonroot_base if {
	some s in stages
	s.index in chain(final_stage)
	is_string(s.image.tag)
	regex.match(`(^|-)nonroot($|-)`, s.image.tag)
}
