package portcullis.main_test

import rego.v1

import data.portcullis.main

# Each rule's findings reach the result set of its severity, tagged with its package.
test_findings_are_collected_by_severity_and_package if {
	deny := main.deny with input as app
	warn := main.warn with input as app
	info := main.info with input as app

	deny == {
		{"package": "latest_tag", "result": {"msg": "Stage #0 uses \"node\", which has no fixed version: name an explicit tag.", "line": 1}},
		{"package": "root_user", "result": {
			"msg": "The final stage #0 sets no USER, so its container runs as root: add a USER instruction with a non-root user (for example USER 65532:65532) after the last step that needs root.",
			"line": 1,
			"fix": {"line": 3, "end_line": 3, "replacement": "USER 65532:65532\nCMD node server.js", "description": "Run as the unprivileged user 65532 from here on"},
		}},
	}
	{r.package | some r in warn} == {"unpinned_digest", "relative_workdir"}
	{[r.package, r.result.line] | some r in info} == {["missing_healthcheck", 1], ["shell_form_cmd", 3]}
}

# Rule packages also fill `violation` (an alias of deny used by some policy libraries).
test_violation_sets_count_as_deny if {
	deny := main.deny with input as app
		with data.portcullis.rules as {"custom": {"violation": {{"msg": "custom", "line": 2}}}}
	deny == {{"package": "custom", "result": {"msg": "custom", "line": 2}}}
}

test_nothing_is_reported_for_other_targets if {
	other := json.patch(app, [{"op": "replace", "path": "/target/kind", "value": "kubernetes"}])
	count(main.deny) == 0 with input as other
	count(main.warn) == 0 with input as other
	count(main.info) == 0 with input as other
}

#  1 | FROM node
#  2 | WORKDIR app
#  3 | CMD node server.js
app := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 3,
				"base": {"raw": "node", "resolved": "node", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/node", "tag": null, "digest": null, "name": "docker.io/library/node", "normalized": "docker.io/library/node:latest"}, "error": null},
				"instructions": [
					{"keyword": "WORKDIR", "line": 2, "end_line": 2, "flags": [], "arguments": ["app"], "value": "app", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "WORKDIR app"},
					{"keyword": "CMD", "line": 3, "end_line": 3, "flags": [], "arguments": ["node", "server.js"], "value": "node server.js", "form": "shell", "properties": [], "heredocs": [], "commands": [], "source": "CMD node server.js"},
				],
			},
		],
	},
}
