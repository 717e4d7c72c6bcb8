package portcullis.rules.build_image_secrets_test

import rego.v1

import data.portcullis.lib.build_test_inputs as inputs
import data.portcullis.rules.build_image_secrets

test_secrets_in_config_and_history_are_denied if {
	build_image_secrets.deny == {
		{
			"msg": "The image's configuration sets API_TOKEN to what looks like a secret, readable by anyone who pulls the image: remove it, rotate it, and pass it at run time instead.",
			"line": 2,
		},
		{
			"msg": "The image's history (step 1, ENV) records API_TOKEN with what looks like a secret, readable with docker history: remove it, rotate it, and use RUN --mount=type=secret.",
			"line": 2,
		},
	} with input as inputs.doc
}
