# METADATA
# title: apt-get install without --no-install-recommends
# description: >-
#   By default apt also installs every package the requested ones merely recommend:
#   documentation, helpers, often hundreds of megabytes nobody asked for, each one more
#   thing to patch. `--no-install-recommends` installs what was named and its real
#   dependencies. Setting `APT::Install-Recommends` to false (with `-o` or in an apt
#   configuration file written by a RUN in the same stage) counts as well, and so does
#   aptitude's `--without-recommends` (`-R`). Only stages whose filesystem reaches the
#   final image are judged: the final stage and the stages it builds on with
#   `FROM <stage>`; a builder stage that is only copied from ships none of it.
# custom:
#   id: PC-DF-005
#   severity: warn
#   remediation: Add `--no-install-recommends` to `apt-get install`, and name any recommended package you do need.
#   related: [hadolint:DL3015, trivy:DS029]
package portcullis.rules.apt_install_recommends

import rego.v1

import data.portcullis.lib.dockerfile
import data.portcullis.lib.packages

warn contains finding if {
	some item in packages.apt_installs
	packages.ships(item)
	not recommends_disabled(item)
	finding := object.union(
		{
			"msg": concat("", ["\"", dockerfile.command_label(item.command), "\" also installs recommended packages, which bloats the image: add ", trim_space(flag(item)), "."]),
			"line": item.command.line,
		},
		fix(item),
	)
}

recommends_disabled(item) if packages.has_option(item, {"--no-install-recommends"})

recommends_disabled(item) if {
	item.manager == "aptitude"
	packages.has_option(item, {"--without-recommends", "-R"})
}

recommends_disabled(item) if {
	some value in packages.option_values(item, {"-o", "--option"})
	regex.match(disabled, value)
}

# An apt configuration written by a RUN of the stage (`echo 'APT::Install-Recommends "0";' > …`).
recommends_disabled(item) if {
	some run in disabling_runs
	run.stage in dockerfile.stage_chain(item.stage)
	run.line <= item.instruction.line
}

# The RUNs that write such a configuration, found once: matching every RUN of the stage
# again for each install was quadratic in a long RUN.
disabling_runs := [{"stage": entry.stage.index, "line": instruction.line} |
	some entry in dockerfile.instructions
	instruction := entry.instruction
	instruction.keyword == "RUN"

	# The setting's name, found natively first: OPA's WebAssembly compiles a pattern again on every call.
	contains(lower(instruction.value), "apt::install-recommends")
	regex.match(disabled, instruction.value)
]

disabled := `(?i)APT::Install-Recommends[\s"'=]*(false|0|no|off)\b`

fix(item) := {"fix": {
	"line": item.command.line,
	"end_line": item.command.line,
	"replacement": replacement,
	"description": concat(" ", ["Add", trim_space(flag(item))]),
}} if {
	replacement := dockerfile.line_with_insertion(item.instruction, item.command, item.subcommand, flag(item))
} else := {}

flag(item) := " --without-recommends" if item.manager == "aptitude"

flag(item) := " --no-install-recommends" if item.manager != "aptitude"
