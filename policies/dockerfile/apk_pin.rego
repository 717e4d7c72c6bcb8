# METADATA
# title: apk add without versions
# description: >-
#   `apk add curl` installs whatever version the repository offers on the day of the
#   build. A package is pinned by `curl=8.9.1-r0`, a constraint (`curl~8.9`, `curl>=8`),
#   or an `.apk` file. The name given to `--virtual` (`-t`) is not a package. Version
#   pinning is controversial, so this rule is `info`: exact versions make a rebuild
#   install what was reviewed, but they also hold back security updates until someone
#   bumps them, and distributions drop old versions from their mirrors, which breaks the
#   build. Teams that pin raise it to `warn`; others turn it off. Arguments with a shell
#   variable are not judged.
# custom:
#   id: PC-DF-029
#   severity: info
#   remediation: >-
#     Pin each package: `apk add curl=<version>` or `curl~<major.minor>`.
#   related: [hadolint:DL3018]
package portcullis.rules.apk_pin

import rego.v1

import data.portcullis.lib.packages

info contains finding if {
	some item in packages.invocations
	item.manager == "apk"
	item.subcommand == "add"
	unpinned := [word | some word in packages.literal_operands(item); not pinned(word)]
	count(unpinned) > 0
	finding := {
		"msg": packages.unpinned_message(item, unpinned, "name=version"),
		"line": item.command.line,
	}
}

pinned(word) if {
	some operator in ["=", "~", "<", ">"]
	contains(word, operator)
}

pinned(word) if endswith(word, ".apk")
