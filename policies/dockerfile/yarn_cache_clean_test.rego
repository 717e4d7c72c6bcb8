package portcullis.rules.yarn_cache_clean_test

import rego.v1

import data.portcullis.lib.test_inputs
import data.portcullis.rules.yarn_cache_clean

test_yarn_install_without_cache_clean_is_reported_with_a_fix if {
	findings := yarn_cache_clean.info with input as yarn
	some finding in findings
	finding.msg == "\"yarn install --frozen-lockfile\" leaves Yarn's package cache in the layer: end the RUN with yarn cache clean."
	count(findings) == 1
	test_inputs.fixes(findings) == {{"line": 3, "end_line": 3, "replacement": "RUN yarn install --frozen-lockfile && yarn cache clean", "description": "Add yarn cache clean"}}
}

# A bare `yarn` installs; `yarn build` does not.
test_bare_yarn_and_yarn_add_install if {
	lines := test_inputs.lines(yarn_cache_clean.info) with input as yarn_forms
	lines == {2, 3}
}

test_cache_clean_removal_and_cache_mount_pass if {
	count(yarn_cache_clean.info) == 0 with input as yarn_clean
}

#  1 | FROM node:20
#  2 | COPY package.json yarn.lock ./
#  3 | RUN yarn install --frozen-lockfile
#  4 | RUN yarn build
yarn := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 4,
				"base": {"raw": "node:20", "resolved": "node:20", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/node", "tag": "20", "digest": null, "name": "docker.io/library/node", "normalized": "docker.io/library/node:20"}, "error": null},
				"instructions": [
					{
						"keyword": "COPY", "line": 2, "end_line": 2, "flags": [], "arguments": ["package.json", "yarn.lock", "./"], "value": "package.json yarn.lock ./", "form": null, "properties": [], "heredocs": [], "source": "COPY package.json yarn.lock ./",
						"commands": [],
					},
					{
						"keyword": "RUN", "line": 3, "end_line": 3, "flags": [], "arguments": ["yarn", "install", "--frozen-lockfile"], "value": "yarn install --frozen-lockfile", "form": "shell", "properties": [], "heredocs": [], "source": "RUN yarn install --frozen-lockfile",
						"commands": [
							{"argv": ["yarn", "install", "--frozen-lockfile"], "assignments": [], "text": "yarn install --frozen-lockfile", "line": 3, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 4, "end_line": 4, "flags": [], "arguments": ["yarn", "build"], "value": "yarn build", "form": "shell", "properties": [], "heredocs": [], "source": "RUN yarn build",
						"commands": [
							{"argv": ["yarn", "build"], "assignments": [], "text": "yarn build", "line": 4, "pipeline": 0, "position": 0},
						],
					},
				],
			},
		],
	},
}

#  1 | FROM node:20
#  2 | RUN yarn
#  3 | RUN yarn add left-pad
#  4 | RUN yarn build && yarn test
yarn_forms := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 4,
				"base": {"raw": "node:20", "resolved": "node:20", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/node", "tag": "20", "digest": null, "name": "docker.io/library/node", "normalized": "docker.io/library/node:20"}, "error": null},
				"instructions": [
					{
						"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["yarn"], "value": "yarn", "form": "shell", "properties": [], "heredocs": [], "source": "RUN yarn",
						"commands": [
							{"argv": ["yarn"], "assignments": [], "text": "yarn", "line": 2, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 3, "end_line": 3, "flags": [], "arguments": ["yarn", "add", "left-pad"], "value": "yarn add left-pad", "form": "shell", "properties": [], "heredocs": [], "source": "RUN yarn add left-pad",
						"commands": [
							{"argv": ["yarn", "add", "left-pad"], "assignments": [], "text": "yarn add left-pad", "line": 3, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 4, "end_line": 4, "flags": [], "arguments": ["yarn", "build", "&&", "yarn", "test"], "value": "yarn build && yarn test", "form": "shell", "properties": [], "heredocs": [], "source": "RUN yarn build && yarn test",
						"commands": [
							{"argv": ["yarn", "build"], "assignments": [], "text": "yarn build", "line": 4, "pipeline": 0, "position": 0},
							{"argv": ["yarn", "test"], "assignments": [], "text": "yarn test", "line": 4, "pipeline": 1, "position": 0},
						],
					},
				],
			},
		],
	},
}

#  1 | FROM node:20
#  2 | RUN yarn install && yarn cache clean
#  3 | RUN yarn --frozen-lockfile && rm -rf /usr/local/share/.cache/yarn
#  4 | RUN --mount=type=cache,target=/usr/local/share/.cache/yarn yarn install
yarn_clean := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 4,
				"base": {"raw": "node:20", "resolved": "node:20", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/node", "tag": "20", "digest": null, "name": "docker.io/library/node", "normalized": "docker.io/library/node:20"}, "error": null},
				"instructions": [
					{
						"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["yarn", "install", "&&", "yarn", "cache", "clean"], "value": "yarn install && yarn cache clean", "form": "shell", "properties": [], "heredocs": [], "source": "RUN yarn install && yarn cache clean",
						"commands": [
							{"argv": ["yarn", "install"], "assignments": [], "text": "yarn install", "line": 2, "pipeline": 0, "position": 0},
							{"argv": ["yarn", "cache", "clean"], "assignments": [], "text": "yarn cache clean", "line": 2, "pipeline": 1, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 3, "end_line": 3, "flags": [], "arguments": ["yarn", "--frozen-lockfile", "&&", "rm", "-rf", "/usr/local/share/.cache/yarn"], "value": "yarn --frozen-lockfile && rm -rf /usr/local/share/.cache/yarn", "form": "shell", "properties": [], "heredocs": [], "source": "RUN yarn --frozen-lockfile && rm -rf /usr/local/share/.cache/yarn",
						"commands": [
							{"argv": ["yarn", "--frozen-lockfile"], "assignments": [], "text": "yarn --frozen-lockfile", "line": 3, "pipeline": 0, "position": 0},
							{"argv": ["rm", "-rf", "/usr/local/share/.cache/yarn"], "assignments": [], "text": "rm -rf /usr/local/share/.cache/yarn", "line": 3, "pipeline": 1, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 4, "end_line": 4, "flags": [{"name": "mount", "value": "type=cache,target=/usr/local/share/.cache/yarn"}], "arguments": ["yarn", "install"], "value": "yarn install", "form": "shell", "properties": [], "heredocs": [], "source": "RUN --mount=type=cache,target=/usr/local/share/.cache/yarn yarn install",
						"commands": [
							{"argv": ["yarn", "install"], "assignments": [], "text": "yarn install", "line": 4, "pipeline": 0, "position": 0},
						],
					},
				],
			},
		],
	},
}
