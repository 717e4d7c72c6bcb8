# METADATA
# title: EXPOSE port out of range
# description: >-
#   Ports run from 0 to 65535; the builder refuses an EXPOSE beyond that, or the port
#   is a typo (`80800`). Both ends of a range (`8000-8010`) are checked; ports given by a
#   variable are not known here.
# custom:
#   id: PC-DF-059
#   severity: warn
#   related: [hadolint:DL3011, trivy:DS008]
#   remediation: Expose a port between 0 and 65535.
package portcullis.rules.expose_port_range

import rego.v1

import data.portcullis.lib.dockerfile

warn contains finding if {
	some item in dockerfile.instructions
	item.instruction.keyword == "EXPOSE"
	some spec in item.instruction.arguments
	ports := regex.find_all_string_submatch_n(`^(?:[^:]*:)?([0-9]+)(?:-([0-9]+))?(?:/[A-Za-z]+)?$`, spec, 1)
	some port in array.slice(ports[0], 1, 3)
	port != ""
	to_number(port) > 65535
	finding := {
		"msg": sprintf("EXPOSE %s: port %s is out of range; ports run from 0 to 65535.", [spec, port]),
		"line": item.instruction.line,
	}
}
