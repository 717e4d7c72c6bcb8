# METADATA
# title: Package index refreshed in a RUN of its own
# description: >-
#   A RUN that only refreshes the package index (`apt-get update`, `apk update`, `zypper
#   refresh`, `dnf makecache`) is cached as a layer of its own: later builds reuse the old
#   index, and a later RUN's install fetches outdated (or vanished) package versions,
#   missing security fixes. Refresh and install in the same RUN. (Trivy's DS017 also
#   counts `yum update`, which upgrades packages rather than refreshing an index.)
# custom:
#   id: PC-DF-024
#   severity: warn
#   remediation: >-
#     Run the update and the install in the same RUN: `apt-get update && apt-get install -y …`.
#   related: [trivy:DS017]
package portcullis.rules.update_alone

import rego.v1

import data.portcullis.lib.dockerfile
import data.portcullis.lib.packages

warn contains finding if {
	some item in refreshes
	not followed_by_install(item)
	finding := {
		"msg": sprintf("\"%s\" is not followed by an install in the same RUN: the cached layer keeps an outdated package index. Refresh and install in one RUN.", [dockerfile.command_label(item.command)]),
		"line": item.command.line,
	}
}

family := {
	"apt-get": "apt", "apt": "apt", "aptitude": "apt", "apk": "apk", "zypper": "zypper",
	"yum": "rpm", "dnf": "rpm", "microdnf": "rpm",
}

refresh_subcommands := {"apt": {"update"}, "apk": {"update"}, "zypper": {"refresh", "ref"}, "rpm": {"makecache"}}

install_subcommands := {
	"apt": {"install", "upgrade", "dist-upgrade", "full-upgrade", "safe-upgrade", "reinstall", "build-dep", "source", "download"},
	"apk": {"add", "upgrade", "fix", "fetch"},
	"zypper": {"install", "in", "update", "up", "dist-upgrade", "dup", "patch", "source-install", "si"},
	"rpm": {"install", "in", "update", "up", "upgrade", "reinstall", "downgrade", "distro-sync", "groupinstall", "localinstall", "group", "download"},
}

refreshes := [item |
	some item in packages.invocations
	item.subcommand in refresh_subcommands[family[item.manager]]
]

installs := [item |
	some item in packages.invocations
	item.subcommand in install_subcommands[family[item.manager]]
]

followed_by_install(item) if packages.followed_by(item, install_keys[family[item.manager]])

# Per family, the keys of its installs.
install_keys := {name: packages.run_keys([item | some item in installs; family[item.manager] == name]) |
	some name in {"apt", "apk", "zypper", "rpm"}
}
