# PC-DF-005 (warn): apt install without --no-install-recommends.
# PC-DF-016 (warn): apt install without -y.
package main

import rego.v1

warn contains sprintf("PC-DF-005: %q also installs recommended packages", [label(x)]) if {
	some x in apt_installs
	not "--no-install-recommends" in x.args
	not recommends_disabled(x)
}

recommends_disabled(x) if {
	some arg in x.args
	regex.match(apt_recommends_disabled, arg)
}

recommends_disabled(x) if {
	some i, c in cmds
	i <= x.i
	c.Cmd == "run"
	c.Stage in chain(x.stage)
	regex.match(apt_recommends_disabled, concat(" ", c.Value))
}

apt_recommends_disabled := `(?i)APT::Install-Recommends[\s"'=]*(false|0|no|off)\b`

warn contains sprintf("PC-DF-016: %q has no -y", [label(x)]) if {
	some x in apt_installs
	not assumes_yes(x)
}

assumes_yes(x) if {
	some arg in x.args
	arg in {"--yes", "--assume-yes", "--yes=true", "--assume-yes=true"}
}

assumes_yes(x) if {
	some arg in x.args
	regex.match(`^-[a-zA-Z]*y[a-zA-Z]*$`, arg)
}

assumes_yes(x) if {
	some arg in x.args
	regex.match(`(?i)APT::Get::Assume-Yes=(true|1|yes)$`, arg)
}

assumes_yes(x) if {
	some other in run_commands
	other.i == x.i
	other.pipeline == x.pipeline
	other.position == x.position - 1
	count(other.args) > 0
	program(other) == "yes"
}
