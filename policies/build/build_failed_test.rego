package portcullis.rules.build_failed_test

import rego.v1

import data.portcullis.lib.build_test_inputs as inputs
import data.portcullis.rules.build_failed

test_build_failure_is_denied_with_the_log_excerpt if {
	build_failed.deny == {{
		"msg": "The image could not be built: buildah bud failed (exit 1).\n\nEnd of the build log:\nSTEP 2/3: RUN apk add curl\nERROR: unable to select packages",
		"line": 1,
	}} with input as inputs.failed
}
