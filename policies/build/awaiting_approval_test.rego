package portcullis.rules.build_awaiting_approval_test

import rego.v1

import data.portcullis.lib.build_test_inputs as inputs
import data.portcullis.rules.build_awaiting_approval
import data.portcullis.rules.build_failed
import data.portcullis.rules.build_image_root_user
import data.portcullis.rules.build_image_size
import data.portcullis.rules.build_introduced_critical

test_awaiting_approval_is_denied_and_nothing_else_fires if {
	build_awaiting_approval.deny == {{
		"msg": "Static checks ran; the image build awaits approval: the pull request comes from a fork, so its code is not built until a maintainer applies the label \"portcullis/build-approved\" to this commit. The approval lapses on the next push.",
		"line": 1,
	}} with input as inputs.awaiting
	count(build_introduced_critical.deny) == 0 with input as inputs.awaiting
	count(build_image_root_user.deny) == 0 with input as inputs.awaiting
	count(build_image_size.info) == 0 with input as inputs.awaiting
	count(build_failed.deny) == 0 with input as inputs.awaiting
}
