# METADATA
# title: zypper install without versions
# description: >-
#   `zypper install curl` installs the newest version in the repositories on the day of
#   the build. A package is pinned by `curl=8.6.0`, a constraint (`curl>=8`, `curl<9`), or
#   an `.rpm` file. Version pinning is controversial, so this rule is `info`: exact
#   versions make a rebuild install what was reviewed, but they also hold back security
#   updates until someone bumps them, and distributions drop old versions from their
#   mirrors, which breaks the build. Teams that pin raise it to `warn`; others turn it
#   off. Arguments with a shell variable are not judged.
# custom:
#   id: PC-DF-036
#   severity: info
#   remediation: >-
#     Pin each package: `zypper install -y curl=<version>`.
#   related: [hadolint:DL3037]
package portcullis.rules.zypper_pin

import rego.v1

import data.portcullis.lib.packages

info contains finding if {
	some item in packages.invocations
	item.manager == "zypper"
	item.subcommand in {"install", "in"}
	unpinned := [word | some word in packages.literal_operands(item); not pinned(word)]
	count(unpinned) > 0
	finding := {
		"msg": packages.unpinned_message(item, unpinned, "name=version"),
		"line": item.command.line,
	}
}

pinned(word) if regex.match(`[=<>]`, word)

pinned(word) if endswith(word, ".rpm")
