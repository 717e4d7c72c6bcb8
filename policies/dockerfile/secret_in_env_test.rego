package portcullis.rules.secret_in_env_test

import rego.v1

import data.portcullis.lib.test_inputs
import data.portcullis.rules.secret_in_env

env_advice := "ENV values are stored in the image for anyone who pulls it. Remove the value, rotate it, and pass the secret at build time with RUN --mount=type=secret or at run time from the environment."

arg_advice := "ARG values are recorded in the image history. Remove the default, rotate the value, and pass the secret with RUN --mount=type=secret instead."

test_secret_names_with_literal_values_are_denied_on_their_own_lines if {
	findings := secret_in_env.deny with input as names
	findings == {
		{"msg": sprintf("ENV DB_PASSWORD sets a secret-like variable to a literal value: %s", [env_advice]), "line": 3},
		{"msg": sprintf("ENV AWS_SECRET_ACCESS_KEY sets a secret-like variable to a literal value: %s", [env_advice]), "line": 4},
		{"msg": sprintf("ENV stripe-api-key sets a secret-like variable to a literal value: %s", [env_advice]), "line": 5},
		{"msg": sprintf("ENV apiKey sets a secret-like variable to a literal value: %s", [env_advice]), "line": 6},
		{"msg": sprintf("ARG REGISTRY_CREDENTIALS sets a secret-like variable to a literal value: %s", [arg_advice]), "line": 7},
	}
}

test_credential_shaped_values_are_denied_under_any_name if {
	findings := secret_in_env.deny with input as values
	findings == {
		{"msg": sprintf("ENV AWS_KEY holds what looks like an AWS access key id: %s", [env_advice]), "line": 2},
		{"msg": sprintf("ENV GH holds what looks like a GitHub token: %s", [env_advice]), "line": 3},
		{"msg": sprintf("ENV SLACK_HOOK holds what looks like a Slack token: %s", [env_advice]), "line": 4},
		{"msg": sprintf("ENV SESSION holds what looks like a JSON Web Token: %s", [env_advice]), "line": 5},
		{"msg": sprintf("ARG DEPLOY_KEY holds what looks like a private key: %s", [arg_advice]), "line": 6},
		{"msg": sprintf("ENV CI_JOB holds what looks like a GitLab token: %s", [env_advice]), "line": 7},
	}
}

test_messages_never_contain_the_value if {
	findings := secret_in_env.deny with input as values
	every finding in findings {
		not contains(finding.msg, "AKIA")
		not contains(finding.msg, "ghp_")
		not contains(finding.msg, "xoxb")
		not contains(finding.msg, "eyJ")
	}
}

# The global default is a literal; the stage's `ARG NPM_TOKEN` brings the build argument
# into the stage, where later RUN steps record its value.
test_global_arg_default_is_denied_on_its_line if {
	findings := secret_in_env.deny with input as global
	findings == {
		{"msg": sprintf("ARG NPM_TOKEN sets a secret-like variable to a literal value: %s", [arg_advice]), "line": 2},
		{"msg": no_default_msg("NPM_TOKEN"), "line": 4},
	}
}

no_default_msg(name) := sprintf("ARG %s declares a secret-like build argument: the value passed with --build-arg is recorded in the image history of every later RUN step. Pass the secret with RUN --mount=type=secret instead.", [name])

# A secret-like ARG is a leak without a default (#13 item 3) and with an empty one; ENV
# values that only refer to variables, secret locations and switches pass.
test_secret_build_arguments_are_denied_even_without_a_default if {
	findings := secret_in_env.deny with input as harmless
	findings == {
		{"msg": no_default_msg("GITHUB_TOKEN"), "line": 2},
		{"msg": no_default_msg("API_KEY"), "line": 3},
	}
}

test_arg_declaring_several_variables_points_at_the_right_one if {
	findings := secret_in_env.deny with input as multi_arg
	findings == {{"msg": sprintf("ARG DB_PASSWORD holds what looks like a GitHub token: %s", [arg_advice]), "line": 3}}
}

test_other_targets_are_ignored if {
	count(secret_in_env.deny) == 0 with input as test_inputs.other_kind(names)
}

#  1 | FROM node:20-alpine
#  2 | ENV NODE_ENV=production \
#  3 |     DB_PASSWORD=hunter2 \
#  4 |     AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
#  5 | ENV stripe-api-key=sk_test_4eC39HqLyjWDarjtT1zdp7dc
#  6 | ENV apiKey "0123456789abcdef"
#  7 | ARG REGISTRY_CREDENTIALS=deploy:s3cr3t
names := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 7,
				"base": {"raw": "node:20-alpine", "resolved": "node:20-alpine", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/node", "tag": "20-alpine", "digest": null, "name": "docker.io/library/node", "normalized": "docker.io/library/node:20-alpine"}, "error": null},
				"instructions": [
					{"keyword": "ENV", "line": 2, "end_line": 4, "flags": [], "arguments": ["NODE_ENV=production", "DB_PASSWORD=hunter2", "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"], "value": "NODE_ENV=production DB_PASSWORD=hunter2 AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "form": null, "properties": [{"name": "NODE_ENV", "value": "production", "line": 2}, {"name": "DB_PASSWORD", "value": "hunter2", "line": 3}, {"name": "AWS_SECRET_ACCESS_KEY", "value": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "line": 4}], "heredocs": [], "commands": [], "source": "ENV NODE_ENV=production \\\n    DB_PASSWORD=hunter2 \\\n    AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"},
					{"keyword": "ENV", "line": 5, "end_line": 5, "flags": [], "arguments": ["stripe-api-key=sk_test_4eC39HqLyjWDarjtT1zdp7dc"], "value": "stripe-api-key=sk_test_4eC39HqLyjWDarjtT1zdp7dc", "form": null, "properties": [{"name": "stripe-api-key", "value": "sk_test_4eC39HqLyjWDarjtT1zdp7dc", "line": 5}], "heredocs": [], "commands": [], "source": "ENV stripe-api-key=sk_test_4eC39HqLyjWDarjtT1zdp7dc"},
					{"keyword": "ENV", "line": 6, "end_line": 6, "flags": [], "arguments": ["apiKey", "\"0123456789abcdef\""], "value": "apiKey \"0123456789abcdef\"", "form": null, "properties": [{"name": "apiKey", "value": "0123456789abcdef", "line": 6}], "heredocs": [], "commands": [], "source": "ENV apiKey \"0123456789abcdef\""},
					{"keyword": "ARG", "line": 7, "end_line": 7, "flags": [], "arguments": ["REGISTRY_CREDENTIALS=deploy:s3cr3t"], "value": "REGISTRY_CREDENTIALS=deploy:s3cr3t", "form": null, "properties": [{"name": "REGISTRY_CREDENTIALS", "value": "deploy:s3cr3t", "line": 7}], "heredocs": [], "commands": [], "source": "ARG REGISTRY_CREDENTIALS=deploy:s3cr3t"},
				],
			},
		],
	},
}

#  1 | FROM alpine:3.20
#  2 | ENV AWS_KEY=AKIAIOSFODNN7EXAMPLE
#  3 | ENV GH=ghp_16C7e42F292c6912E7710c838347Ae178B4a
#  4 | ENV SLACK_HOOK=xoxb-2048-4096-abcdefghijklmnop
#  5 | ENV SESSION=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U
#  6 | ARG DEPLOY_KEY="-----BEGIN OPENSSH PRIVATE KEY----- b3BlbnNzaC1rZXktdjEAAAAA"
#  7 | ENV CI_JOB=glpat-xxxxxxxxxxxxxxxxxxxx
values := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 7,
				"base": {"raw": "alpine:3.20", "resolved": "alpine:3.20", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/alpine", "tag": "3.20", "digest": null, "name": "docker.io/library/alpine", "normalized": "docker.io/library/alpine:3.20"}, "error": null},
				"instructions": [
					{"keyword": "ENV", "line": 2, "end_line": 2, "flags": [], "arguments": ["AWS_KEY=AKIAIOSFODNN7EXAMPLE"], "value": "AWS_KEY=AKIAIOSFODNN7EXAMPLE", "form": null, "properties": [{"name": "AWS_KEY", "value": "AKIAIOSFODNN7EXAMPLE", "line": 2}], "heredocs": [], "commands": [], "source": "ENV AWS_KEY=AKIAIOSFODNN7EXAMPLE"},
					{"keyword": "ENV", "line": 3, "end_line": 3, "flags": [], "arguments": ["GH=ghp_16C7e42F292c6912E7710c838347Ae178B4a"], "value": "GH=ghp_16C7e42F292c6912E7710c838347Ae178B4a", "form": null, "properties": [{"name": "GH", "value": "ghp_16C7e42F292c6912E7710c838347Ae178B4a", "line": 3}], "heredocs": [], "commands": [], "source": "ENV GH=ghp_16C7e42F292c6912E7710c838347Ae178B4a"},
					{"keyword": "ENV", "line": 4, "end_line": 4, "flags": [], "arguments": ["SLACK_HOOK=xoxb-2048-4096-abcdefghijklmnop"], "value": "SLACK_HOOK=xoxb-2048-4096-abcdefghijklmnop", "form": null, "properties": [{"name": "SLACK_HOOK", "value": "xoxb-2048-4096-abcdefghijklmnop", "line": 4}], "heredocs": [], "commands": [], "source": "ENV SLACK_HOOK=xoxb-2048-4096-abcdefghijklmnop"},
					{"keyword": "ENV", "line": 5, "end_line": 5, "flags": [], "arguments": ["SESSION=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"], "value": "SESSION=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U", "form": null, "properties": [{"name": "SESSION", "value": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U", "line": 5}], "heredocs": [], "commands": [], "source": "ENV SESSION=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"},
					{"keyword": "ARG", "line": 6, "end_line": 6, "flags": [], "arguments": ["DEPLOY_KEY=\"-----BEGIN", "OPENSSH", "PRIVATE", "KEY-----", "b3BlbnNzaC1rZXktdjEAAAAA\""], "value": "DEPLOY_KEY=\"-----BEGIN OPENSSH PRIVATE KEY----- b3BlbnNzaC1rZXktdjEAAAAA\"", "form": null, "properties": [{"name": "DEPLOY_KEY", "value": "-----BEGIN OPENSSH PRIVATE KEY----- b3BlbnNzaC1rZXktdjEAAAAA", "line": 6}], "heredocs": [], "commands": [], "source": "ARG DEPLOY_KEY=\"-----BEGIN OPENSSH PRIVATE KEY----- b3BlbnNzaC1rZXktdjEAAAAA\""},
					{"keyword": "ENV", "line": 7, "end_line": 7, "flags": [], "arguments": ["CI_JOB=glpat-xxxxxxxxxxxxxxxxxxxx"], "value": "CI_JOB=glpat-xxxxxxxxxxxxxxxxxxxx", "form": null, "properties": [{"name": "CI_JOB", "value": "glpat-xxxxxxxxxxxxxxxxxxxx", "line": 7}], "heredocs": [], "commands": [], "source": "ENV CI_JOB=glpat-xxxxxxxxxxxxxxxxxxxx"},
				],
			},
		],
	},
}

#  1 | ARG NODE_VERSION=20
#  2 | ARG NPM_TOKEN=npm-s3cr3t
#  3 | FROM node:${NODE_VERSION}
#  4 | ARG NPM_TOKEN
global := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [{"name": "NODE_VERSION", "default": "20", "line": 1}, {"name": "NPM_TOKEN", "default": "npm-s3cr3t", "line": 2}],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 3, "end_line": 4,
				"base": {"raw": "node:${NODE_VERSION}", "resolved": "node:20", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/node", "tag": "20", "digest": null, "name": "docker.io/library/node", "normalized": "docker.io/library/node:20"}, "error": null},
				"instructions": [
					{"keyword": "ARG", "line": 4, "end_line": 4, "flags": [], "arguments": ["NPM_TOKEN"], "value": "NPM_TOKEN", "form": null, "properties": [{"name": "NPM_TOKEN", "value": null, "line": 4}], "heredocs": [], "commands": [], "source": "ARG NPM_TOKEN"},
				],
			},
		],
	},
}

#  1 | FROM python:3.12-slim
#  2 | ARG GITHUB_TOKEN
#  3 | ARG API_KEY=""
#  4 | ENV DB_PASSWORD=${DB_PASSWORD} \
#  5 |     DATABASE_CREDENTIALS=$DB_USER:${DB_PASS} \
#  6 |     DB_PASSWORD_FILE=/run/secrets/db_password \
#  7 |     SECRET_KEY=/run/secrets/django \
#  8 |     TOKENIZERS_PARALLELISM=false \
#  9 |     PASSWORD_AUTH=false \
# 10 |     TOKEN_URL=https://auth.example.com/token
# 11 | LABEL org.example.token-scopes="read"
harmless := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 11,
				"base": {"raw": "python:3.12-slim", "resolved": "python:3.12-slim", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/python", "tag": "3.12-slim", "digest": null, "name": "docker.io/library/python", "normalized": "docker.io/library/python:3.12-slim"}, "error": null},
				"instructions": [
					{"keyword": "ARG", "line": 2, "end_line": 2, "flags": [], "arguments": ["GITHUB_TOKEN"], "value": "GITHUB_TOKEN", "form": null, "properties": [{"name": "GITHUB_TOKEN", "value": null, "line": 2}], "heredocs": [], "commands": [], "source": "ARG GITHUB_TOKEN"},
					{"keyword": "ARG", "line": 3, "end_line": 3, "flags": [], "arguments": ["API_KEY=\"\""], "value": "API_KEY=\"\"", "form": null, "properties": [{"name": "API_KEY", "value": "", "line": 3}], "heredocs": [], "commands": [], "source": "ARG API_KEY=\"\""},
					{"keyword": "ENV", "line": 4, "end_line": 10, "flags": [], "arguments": ["DB_PASSWORD=${DB_PASSWORD}", "DATABASE_CREDENTIALS=$DB_USER:${DB_PASS}", "DB_PASSWORD_FILE=/run/secrets/db_password", "SECRET_KEY=/run/secrets/django", "TOKENIZERS_PARALLELISM=false", "PASSWORD_AUTH=false", "TOKEN_URL=https://auth.example.com/token"], "value": "DB_PASSWORD=${DB_PASSWORD} DATABASE_CREDENTIALS=$DB_USER:${DB_PASS} DB_PASSWORD_FILE=/run/secrets/db_password SECRET_KEY=/run/secrets/django TOKENIZERS_PARALLELISM=false PASSWORD_AUTH=false TOKEN_URL=https://auth.example.com/token", "form": null, "properties": [{"name": "DB_PASSWORD", "value": "${DB_PASSWORD}", "line": 4}, {"name": "DATABASE_CREDENTIALS", "value": "$DB_USER:${DB_PASS}", "line": 5}, {"name": "DB_PASSWORD_FILE", "value": "/run/secrets/db_password", "line": 6}, {"name": "SECRET_KEY", "value": "/run/secrets/django", "line": 7}, {"name": "TOKENIZERS_PARALLELISM", "value": "false", "line": 8}, {"name": "PASSWORD_AUTH", "value": "false", "line": 9}, {"name": "TOKEN_URL", "value": "https://auth.example.com/token", "line": 10}], "heredocs": [], "commands": [], "source": "ENV DB_PASSWORD=${DB_PASSWORD} \\\n    DATABASE_CREDENTIALS=$DB_USER:${DB_PASS} \\\n    DB_PASSWORD_FILE=/run/secrets/db_password \\\n    SECRET_KEY=/run/secrets/django \\\n    TOKENIZERS_PARALLELISM=false \\\n    PASSWORD_AUTH=false \\\n    TOKEN_URL=https://auth.example.com/token"},
					{"keyword": "LABEL", "line": 11, "end_line": 11, "flags": [], "arguments": ["org.example.token-scopes=\"read\""], "value": "org.example.token-scopes=\"read\"", "form": null, "properties": [{"name": "org.example.token-scopes", "value": "read", "line": 11}], "heredocs": [], "commands": [], "source": "LABEL org.example.token-scopes=\"read\""},
				],
			},
		],
	},
}

#  1 | FROM alpine:3.20
#  2 | ARG VERSION=1.0 \
#  3 |     DB_PASSWORD=ghp_16C7e42F292c6912E7710c838347Ae178B4a
multi_arg := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 3,
				"base": {"raw": "alpine:3.20", "resolved": "alpine:3.20", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/alpine", "tag": "3.20", "digest": null, "name": "docker.io/library/alpine", "normalized": "docker.io/library/alpine:3.20"}, "error": null},
				"instructions": [
					{"keyword": "ARG", "line": 2, "end_line": 3, "flags": [], "arguments": ["VERSION=1.0", "DB_PASSWORD=ghp_16C7e42F292c6912E7710c838347Ae178B4a"], "value": "VERSION=1.0 DB_PASSWORD=ghp_16C7e42F292c6912E7710c838347Ae178B4a", "form": null, "properties": [{"name": "VERSION", "value": "1.0", "line": 2}, {"name": "DB_PASSWORD", "value": "ghp_16C7e42F292c6912E7710c838347Ae178B4a", "line": 3}], "heredocs": [], "commands": [], "source": "ARG VERSION=1.0 \\\n    DB_PASSWORD=ghp_16C7e42F292c6912E7710c838347Ae178B4a"},
				],
			},
		],
	},
}

# A kind without literals to look for first would never be reported.
test_every_credential_kind_has_markers if {
	every kind, _ in secret_in_env.credential_patterns {
		count(secret_in_env.credential_markers[kind]) > 0
	}
}
