# METADATA
# title: Distribution upgrade in a Dockerfile
# description: >-
#   `apt-get dist-upgrade` (`full-upgrade`) and `zypper dist-upgrade` (`dup`) may remove
#   packages and pull in new ones to satisfy changed dependencies, so the image's contents
#   depend on the day it was built. When the base image is outdated, use a newer base
#   image tag (or digest); a plain `upgrade` to pick up security fixes is not reported.
# custom:
#   id: PC-DF-023
#   severity: info
#   remediation: >-
#     Use a newer base image instead of upgrading the distribution inside it.
#   related: [hadolint:DL3005, hadolint:DL3035, trivy:DS024]
package portcullis.rules.dist_upgrade

import rego.v1

import data.portcullis.lib.dockerfile
import data.portcullis.lib.packages

info contains finding if {
	some item in packages.invocations
	upgrades_distribution(item)
	finding := {
		"msg": sprintf("\"%s\" upgrades the distribution during the build: use a newer base image instead.", [dockerfile.command_label(item.command)]),
		"line": item.command.line,
	}
}

upgrades_distribution(item) if {
	item.manager in {"apt-get", "apt", "aptitude"}
	item.subcommand in {"dist-upgrade", "full-upgrade"}
}

upgrades_distribution(item) if {
	item.manager == "zypper"
	item.subcommand in {"dist-upgrade", "dup"}
}
