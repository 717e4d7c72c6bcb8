# METADATA
# title: Portcullis result sets
# description: >-
#   Collects the deny, warn and info results of every rule package under
#   data.portcullis.rules, tagged with the package they came from so the engine can
#   attach the rule's metadata (id, title, remediation). These three rules are the
#   WebAssembly entrypoints portcullis/main/deny, portcullis/main/warn and
#   portcullis/main/info.
package portcullis.main

import rego.v1

deny contains {"package": name, "result": result} if {
	some name
	some result in data.portcullis.rules[name].deny
}

deny contains {"package": name, "result": result} if {
	some name
	some result in data.portcullis.rules[name].violation
}

warn contains {"package": name, "result": result} if {
	some name
	some result in data.portcullis.rules[name].warn
}

info contains {"package": name, "result": result} if {
	some name
	some result in data.portcullis.rules[name].info
}
