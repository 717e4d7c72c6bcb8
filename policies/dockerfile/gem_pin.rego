# METADATA
# title: gem install without versions
# description: >-
#   `gem install rails` installs the newest release on the day of the build. A gem is
#   pinned by `rails:7.1.3`, by `-v`/`--version`, or as a `.gem` file. Words after `--`
#   are build options, not gems. Version pinning is controversial, so this rule is `info`:
#   exact versions make a rebuild install what was reviewed, but they also hold back
#   security updates until someone bumps them, and distributions drop old versions from
#   their mirrors, which breaks the build. Teams that pin raise it to `warn`; others turn
#   it off. Arguments with a shell variable are not judged.
# custom:
#   id: PC-DF-032
#   severity: info
#   remediation: >-
#     Pin each gem: `gem install rails:<version>` or `gem install rails -v <version>`.
#   related: [hadolint:DL3028]
package portcullis.rules.gem_pin

import rego.v1

import data.portcullis.lib.packages

info contains finding if {
	some item in packages.invocations
	item.manager == "gem"
	item.subcommand in {"install", "i"}
	not packages.has_option(item, {"-v", "--version"})
	unpinned := [word | some word in packages.literal_operands(item); not pinned(word)]
	count(unpinned) > 0
	finding := {
		"msg": packages.unpinned_message(item, unpinned, "name:version"),
		"line": item.command.line,
	}
}

pinned(word) if contains(word, ":")

pinned(word) if endswith(word, ".gem")
