package portcullis.rules.npm_pin_test

import rego.v1

import data.portcullis.lib.test_inputs
import data.portcullis.rules.npm_pin

test_unpinned_packages_are_reported if {
	findings := npm_pin.info with input as npm
	test_inputs.lines(findings) == {2, 3, 4}
	test_inputs.at(findings, 2) == {{
		"msg": "\"npm install -g --prefix /usr/local typescript @types/node@2…\" installs typescript without a version: pin it (name@version).",
		"line": 2,
	}}
}

# Lockfile installs, versions, git refs, tarballs and folders pass.
test_pinned_forms_pass if {
	count(npm_pin.info) == 0 with input as npm_pinned
}

test_other_targets_are_ignored if {
	count(npm_pin.info) == 0 with input as test_inputs.other_kind(npm)
}

#  1 | FROM node:20
#  2 | RUN npm install -g --prefix /usr/local typescript @types/node@20.14.2
#  3 | RUN yarn global add @scope/tool
#  4 | RUN pnpm add lodash
npm := {
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
						"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["npm", "install", "-g", "--prefix", "/usr/local", "typescript", "@types/node@20.14.2"], "value": "npm install -g --prefix /usr/local typescript @types/node@20.14.2", "form": "shell", "properties": [], "heredocs": [], "source": "RUN npm install -g --prefix /usr/local typescript @types/node@20.14.2",
						"commands": [
							{"argv": ["npm", "install", "-g", "--prefix", "/usr/local", "typescript", "@types/node@20.14.2"], "assignments": [], "text": "npm install -g --prefix /usr/local typescript @types/node@20.14.2", "line": 2, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 3, "end_line": 3, "flags": [], "arguments": ["yarn", "global", "add", "@scope/tool"], "value": "yarn global add @scope/tool", "form": "shell", "properties": [], "heredocs": [], "source": "RUN yarn global add @scope/tool",
						"commands": [
							{"argv": ["yarn", "global", "add", "@scope/tool"], "assignments": [], "text": "yarn global add @scope/tool", "line": 3, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 4, "end_line": 4, "flags": [], "arguments": ["pnpm", "add", "lodash"], "value": "pnpm add lodash", "form": "shell", "properties": [], "heredocs": [], "source": "RUN pnpm add lodash",
						"commands": [
							{"argv": ["pnpm", "add", "lodash"], "assignments": [], "text": "pnpm add lodash", "line": 4, "pipeline": 0, "position": 0},
						],
					},
				],
			},
		],
	},
}

#  1 | FROM node:20
#  2 | RUN npm ci && npm install
#  3 | RUN npm i express@4.19.2 @scope/x@1 git+https://github.com/a/b.git#v1 ./pkg.tgz ../lib
#  4 | RUN yarn add left-pad@1.3.0 && yarn install && pnpm add -D vitest@1.6.0
npm_pinned := {
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
						"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["npm", "ci", "&&", "npm", "install"], "value": "npm ci && npm install", "form": "shell", "properties": [], "heredocs": [], "source": "RUN npm ci && npm install",
						"commands": [
							{"argv": ["npm", "ci"], "assignments": [], "text": "npm ci", "line": 2, "pipeline": 0, "position": 0},
							{"argv": ["npm", "install"], "assignments": [], "text": "npm install", "line": 2, "pipeline": 1, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 3, "end_line": 3, "flags": [], "arguments": ["npm", "i", "express@4.19.2", "@scope/x@1", "git+https://github.com/a/b.git#v1", "./pkg.tgz", "../lib"], "value": "npm i express@4.19.2 @scope/x@1 git+https://github.com/a/b.git#v1 ./pkg.tgz ../lib", "form": "shell", "properties": [], "heredocs": [], "source": "RUN npm i express@4.19.2 @scope/x@1 git+https://github.com/a/b.git#v1 ./pkg.tgz ../lib",
						"commands": [
							{"argv": ["npm", "i", "express@4.19.2", "@scope/x@1", "git+https://github.com/a/b.git#v1", "./pkg.tgz", "../lib"], "assignments": [], "text": "npm i express@4.19.2 @scope/x@1 git+https://github.com/a/b.git#v1 ./pkg.tgz ../lib", "line": 3, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 4, "end_line": 4, "flags": [], "arguments": ["yarn", "add", "left-pad@1.3.0", "&&", "yarn", "install", "&&", "pnpm", "add", "-D", "vitest@1.6.0"], "value": "yarn add left-pad@1.3.0 && yarn install && pnpm add -D vitest@1.6.0", "form": "shell", "properties": [], "heredocs": [], "source": "RUN yarn add left-pad@1.3.0 && yarn install && pnpm add -D vitest@1.6.0",
						"commands": [
							{"argv": ["yarn", "add", "left-pad@1.3.0"], "assignments": [], "text": "yarn add left-pad@1.3.0", "line": 4, "pipeline": 0, "position": 0},
							{"argv": ["yarn", "install"], "assignments": [], "text": "yarn install", "line": 4, "pipeline": 1, "position": 0},
							{"argv": ["pnpm", "add", "-D", "vitest@1.6.0"], "assignments": [], "text": "pnpm add -D vitest@1.6.0", "line": 4, "pipeline": 2, "position": 0},
						],
					},
				],
			},
		],
	},
}
