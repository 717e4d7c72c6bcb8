package portcullis.rules.build_scan_failed_test

import rego.v1

import data.portcullis.lib.build_test_inputs as inputs
import data.portcullis.rules.build_fixed_vulnerability
import data.portcullis.rules.build_introduced_critical
import data.portcullis.rules.build_scan_failed

test_scan_failure_is_denied_and_no_vulnerability_rule_fires if {
	doc := inputs.with_image([{"op": "replace", "path": "/image/scan_error", "value": "The OSV database has no data for Alpine"}])
	build_scan_failed.deny == {{"msg": "The built image could not be scanned: The OSV database has no data for Alpine", "line": 1}} with input as doc
	count(build_introduced_critical.deny) == 0 with input as doc
	count(build_fixed_vulnerability.info) == 0 with input as doc
}
