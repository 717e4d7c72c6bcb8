# METADATA
# title: apt-get install without versions
# description: >-
#   `apt-get install curl` installs whatever version the mirror offers on the day of the
#   build. A package is pinned by `curl=7.88.1-10+deb12u5`, or by a path or a `.deb` file;
#   `curl/bookworm-backports` pins a release, which counts as well (as in Hadolint).
#   Version pinning is controversial, so this rule is `info`: exact versions make a
#   rebuild install what was reviewed, but they also hold back security updates until
#   someone bumps them, and distributions drop old versions from their mirrors, which
#   breaks the build. Teams that pin raise it to `warn`; others turn it off. Arguments
#   with a shell variable are not judged.
# custom:
#   id: PC-DF-028
#   severity: info
#   remediation: >-
#     Pin each package: `apt-get install curl=<version>` (`apt-cache policy curl` shows the candidates).
#   related: [hadolint:DL3008]
package portcullis.rules.apt_pin

import rego.v1

import data.portcullis.lib.packages

info contains finding if {
	some item in packages.invocations
	item.manager in {"apt-get", "apt", "aptitude"}
	item.subcommand == "install"
	unpinned := [word | some word in packages.literal_operands(item); not pinned(word)]
	count(unpinned) > 0
	finding := {
		"msg": packages.unpinned_message(item, unpinned, "name=version"),
		"line": item.command.line,
	}
}

pinned(word) if contains(word, "=")

pinned(word) if contains(word, "/")

pinned(word) if endswith(word, ".deb")
