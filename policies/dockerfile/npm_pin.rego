# METADATA
# title: npm, yarn or pnpm add without versions
# description: >-
#   `npm install express` (`yarn add`, `yarn global add`, `pnpm add`) records and installs
#   the newest release on the day of the build. A package is pinned by `express@4.19.2` (a
#   tag such as `@latest` is taken as Hadolint takes it), a git URL with `#ref`, a tarball
#   or a folder. `npm install` and `npm ci` without packages install the lockfile and are
#   not reported. Version pinning is controversial, so this rule is `info`: exact versions
#   make a rebuild install what was reviewed, but they also hold back security updates
#   until someone bumps them, and distributions drop old versions from their mirrors,
#   which breaks the build. Teams that pin raise it to `warn`; others turn it off.
#   Arguments with a shell variable are not judged.
# custom:
#   id: PC-DF-031
#   severity: info
#   remediation: >-
#     Pin each package: `npm install express@<version>`, or install from the lockfile with `npm ci`.
#   related: [hadolint:DL3016]
package portcullis.rules.npm_pin

import rego.v1

import data.portcullis.lib.packages

info contains finding if {
	some item in packages.invocations
	names := npm_packages(item)
	count(names) > 0
	unpinned := [word | some word in names; not pinned(word)]
	count(unpinned) > 0
	finding := {
		"msg": packages.unpinned_message(item, unpinned, "name@version"),
		"line": item.command.line,
	}
}

npm_packages(item) := packages.literal_operands(item) if {
	item.manager == "npm"
	item.subcommand in {"install", "i", "add", "isntall"}
}

npm_packages(item) := packages.literal_operands(item) if {
	item.manager in {"yarn", "pnpm"}
	item.subcommand == "add"
}

npm_packages(item) := array.slice(words, 1, count(words)) if {
	item.manager in {"yarn", "pnpm"}
	item.subcommand == "global"
	words := packages.literal_operands(item)
	words[0] == "add"
}

pinned(word) if {
	regex.match(`^git(\+[a-z]+)?://`, word)
	contains(word, "#")
}

pinned(word) if regex.match(`\.(tar|tar\.gz|tgz)$`, word)

pinned(word) if regex.match(`^(/|\./|\.\./|~/)`, word)

# `name@version`, `@scope/name@version`.
pinned(word) if {
	not regex.match(`^git(\+[a-z]+)?://`, word)
	regex.match(`^@?[^@]+@.`, word)
}
