package portcullis.rules.build_image_root_user_test

import rego.v1

import data.portcullis.lib.build_test_inputs as inputs
import data.portcullis.rules.build_image_root_user

test_root_user_is_denied_on_the_user_line if {
	build_image_root_user.deny == {{
		"msg": "The built image runs as root (its configuration sets User \"0\"): add a USER instruction with a non-root user (for example USER 65532:65532) to the final stage.",
		"line": 4,
	}} with input as inputs.doc
	count(build_image_root_user.deny) == 0 with input as inputs.with_image([{"op": "replace", "path": "/image/user", "value": "1000"}])
}
