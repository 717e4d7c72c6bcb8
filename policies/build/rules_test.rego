package portcullis.rules.build_test

import rego.v1

import data.portcullis.lib.build_test_inputs as inputs
import data.portcullis.lib.test_inputs
import data.portcullis.rules.build_awaiting_approval
import data.portcullis.rules.build_failed
import data.portcullis.rules.build_fixed_vulnerability
import data.portcullis.rules.build_image_budget
import data.portcullis.rules.build_image_growth
import data.portcullis.rules.build_image_root_user
import data.portcullis.rules.build_image_secrets
import data.portcullis.rules.build_image_size
import data.portcullis.rules.build_introduced_critical
import data.portcullis.rules.build_introduced_fixable
import data.portcullis.rules.build_introduced_unfixable
import data.portcullis.rules.build_scan_failed

test_introduced_fixable_critical_is_denied_on_the_line_that_brought_it if {
	build_introduced_critical.deny == {{
		"msg": "CVE-2024-0003 (ALPINE-CVE-2024-0003), critical, CVSS 9.8, in zlib 1.0-r0 (Alpine:v3.19) comes in with the layer of line 3 (ADD): fixed in 1.3.1-r0. Upgrade the package (or the base image) to the fixed version, or remove it.",
		"line": 3,
	}} with input as inputs.doc
}

test_introduced_fixable_medium_warns_and_names_the_source_package if {
	build_introduced_fixable.warn == {{
		"msg": "CVE-2024-0004 (ALPINE-CVE-2024-0004), medium, in libcurl 1.0-r0 (source package curl, Alpine:v3.19) comes in with the layer of line 3 (ADD): fixed in 8.5.0-r0.",
		"line": 3,
	}} with input as inputs.doc
}

test_introduced_unfixable_is_info_and_unchanged_ones_are_not_reported if {
	build_introduced_unfixable.info == {{
		"msg": "CVE-2024-0005 (ALPINE-CVE-2024-0005), low, CVSS 3.1, in tar 1.0-r0 (Alpine:v3.19) comes in with the layer of line 3 (ADD): no fixed version is known.",
		"line": 3,
	}} with input as inputs.doc
}

test_fixed_vulnerabilities_are_listed if {
	build_fixed_vulnerability.info == {{
		"msg": "Fixed: CVE-2024-0009 (ALPINE-CVE-2024-0009), high, CVSS 7.5, in musl 1.0-r0 (Alpine:v3.19) is gone from the image.",
		"line": 1,
	}} with input as inputs.doc
}

test_size_line_with_delta_and_counts if {
	build_image_size.info == {{
		"msg": "Built image: 12.5 MB in 2 layers (+2.5 MB, 1 layers, against the merge base); 3 vulnerabilities introduced, 1 fixed, 4 in all.",
		"line": 1,
	}} with input as inputs.doc
}

test_size_line_without_base if {
	findings := build_image_size.info with input as inputs.with_image([
		{"op": "replace", "path": "/image/base", "value": null},
		{"op": "replace", "path": "/image/delta", "value": null},
	])
	[f.msg | some f in findings] == ["Built image: 12.5 MB in 2 layers (no merge-base image to compare with); 3 vulnerabilities introduced, 0 fixed, 4 in all."]
}

test_growth_over_the_threshold_warns if {
	build_image_growth.warn == {{
		"msg": "The image grows by 2.5 MB (25%, more than 10%) to 12.5 MB: check what the change adds (build tools, caches, files .dockerignore should leave out).",
		"line": 1,
	}} with input as inputs.doc
	count(build_image_growth.warn) == 0 with input as inputs.doc with data.portcullis.config.image_growth_warn_percent as 30
}

test_crossing_the_budget_warns_but_staying_over_it_does_not if {
	findings := build_image_budget.warn with input as inputs.doc with data.portcullis.config.built_image_size_budget_bytes as 11000000
	[f.msg | some f in findings] == ["The image is 12.5 MB, over the budget of 11 MB: build in stages, use a slimmer base image, clean package caches."]
	count(build_image_budget.warn) == 0 with input as inputs.doc with data.portcullis.config.built_image_size_budget_bytes as 9000000
	count(build_image_budget.warn) == 0 with input as inputs.doc
}

test_root_user_is_denied_on_the_user_line if {
	build_image_root_user.deny == {{
		"msg": "The built image runs as root (its configuration sets User \"0\"): add a USER instruction with a non-root user (for example USER 65532:65532) to the final stage.",
		"line": 4,
	}} with input as inputs.doc
	count(build_image_root_user.deny) == 0 with input as inputs.with_image([{"op": "replace", "path": "/image/user", "value": "1000"}])
}

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

test_build_failure_is_denied_with_the_log_excerpt if {
	build_failed.deny == {{
		"msg": "The image could not be built: buildah bud failed (exit 1).\n\nEnd of the build log:\nSTEP 2/3: RUN apk add curl\nERROR: unable to select packages",
		"line": 1,
	}} with input as inputs.failed
}

test_scan_failure_is_denied_and_no_vulnerability_rule_fires if {
	doc := inputs.with_image([{"op": "replace", "path": "/image/scan_error", "value": "The OSV database has no data for Alpine"}])
	build_scan_failed.deny == {{"msg": "The built image could not be scanned: The OSV database has no data for Alpine", "line": 1}} with input as doc
	count(build_introduced_critical.deny) == 0 with input as doc
	count(build_fixed_vulnerability.info) == 0 with input as doc
}

test_inputs_without_image_facts_and_other_kinds_are_ignored if {
	doc := json.remove(inputs.doc, ["image"])
	count(build_introduced_critical.deny) == 0 with input as doc
	count(build_image_root_user.deny) == 0 with input as doc
	count(build_image_size.info) == 0 with input as doc
	count(build_introduced_critical.deny) == 0 with input as test_inputs.other_kind(inputs.doc)
	count(build_image_secrets.deny) == 0 with input as test_inputs.other_kind(inputs.doc)
}
