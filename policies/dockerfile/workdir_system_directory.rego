# METADATA
# title: WORKDIR in a system directory
# description: >-
#   /proc, /dev and /boot hold the kernel's and the host's view of the machine at run
#   time (/proc and /dev are mounted over the image), and /initrd and /lost+found belong to
#   the system: a WORKDIR there writes into what the runtime replaces or guards, and
#   mounting a volume there weakens the container's isolation (Trivy DS030).
# custom:
#   id: PC-DF-072
#   severity: warn
#   related: [trivy:DS030]
#   remediation: Use a directory of your own, such as `WORKDIR /app`.
package portcullis.rules.workdir_system_directory

import rego.v1

import data.portcullis.lib.dockerfile

warn contains finding if {
	some item in dockerfile.instructions
	item.instruction.keyword == "WORKDIR"
	path := trim(trim_space(item.instruction.value), "\"'")
	some directory in {"/proc", "/dev", "/boot", "/initrd", "/lost+found"}
	under(path, directory)
	finding := {
		"msg": sprintf("WORKDIR %s is under %s, which the runtime mounts over or the system owns: use a directory of your own such as /app.", [path, directory]),
		"line": item.instruction.line,
	}
}

under(path, directory) if trim_right(path, "/") == directory

under(path, directory) if startswith(path, concat("", [directory, "/"]))
