# METADATA
# title: Portcullis result sets
# description: >-
#   Collects the deny, warn and info results of every rule package under
#   data.portcullis.rules, tagged with the package they came from so the engine can
#   attach the rule's metadata (id, title, remediation). Conftest's default namespace,
#   `package main`, counts too. These three rules are the WebAssembly entrypoints
#   portcullis/main/deny, portcullis/main/warn and portcullis/main/info; `results`
#   holds all three, so that the engine evaluates an input once.
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

deny contains {"package": "main", "result": result} if {
	some result in data.main.deny
}

deny contains {"package": "main", "result": result} if {
	some result in data.main.violation
}

warn contains {"package": "main", "result": result} if {
	some result in data.main.warn
}

results := {"deny": deny, "warn": warn, "info": info}
