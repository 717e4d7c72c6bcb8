# METADATA
# title: Secret in ENV or ARG
# description: >-
#   ENV values are stored in the image configuration, and ARG values in its build
#   history: anyone who can pull the image can read them with `docker inspect` or
#   `docker history`. Flags a literal value under a secret-like name (GITHUB_TOKEN,
#   DB_PASSWORD, AWS_SECRET_ACCESS_KEY, …) and a credential-shaped value under any
#   name (AWS access key ids, GitHub, GitLab, npm and Slack tokens, private keys, JWTs).
#   An ARG with a secret-like name is denied even without a default: the value passed
#   with `--build-arg` is recorded in the history of every later RUN step, for anyone who
#   pulls the image to read (as BuildKit's SecretsUsedInArgOrEnv says). An ENV whose value
#   only refers to other variables is left alone here.
# custom:
#   id: PC-DF-007
#   severity: deny
#   related: [trivy:DS031, docker:SecretsUsedInArgOrEnv]
#   remediation: >-
#     Remove the value, rotate the credential, and pass it at build time with
#     `RUN --mount=type=secret,id=<name>` (`docker build --secret id=<name>,env=<VAR>`),
#     or at run time through the environment or a secrets manager.
package portcullis.rules.secret_in_env

import rego.v1

import data.portcullis.lib.dockerfile

# ENV and ARG inside stages.
deny contains finding if {
	some item in dockerfile.instructions
	item.instruction.keyword in {"ENV", "ARG"}
	some property in item.instruction.properties
	finding := {
		"msg": message(item.instruction.keyword, property.name, property.value),
		"line": property.line,
	}
}

# ARGs before the first FROM.
deny contains finding if {
	some arg in dockerfile.global_args
	finding := {
		"msg": message("ARG", arg.name, arg.default),
		"line": arg.line,
	}
}

message(keyword, name, value) := sprintf("%s %s holds what looks like %s: %s", [keyword, name, kind, advice[keyword]]) if {
	is_string(value)

	# A literal every match of the kind's pattern holds, found natively, before the regular
	# expression: OPA's WebAssembly compiles a pattern again for every file it evaluates.
	some kind, markers in credential_markers
	some marker in markers
	contains(value, marker)
	pattern := credential_patterns[kind]
	regex.match(pattern, value)
} else := concat("", [keyword, " ", name, " sets a secret-like variable to a literal value: ", advice[keyword]]) if {
	secret_name(name)
	literal(value)
} else := concat("", ["ARG ", name, " declares a secret-like build argument: the value passed with --build-arg is recorded in the image history of every later RUN step. Pass the secret with RUN --mount=type=secret instead."]) if {
	keyword == "ARG"
	secret_name(name)
	not setting(value)
}

advice := {
	"ENV": "ENV values are stored in the image for anyone who pulls it. Remove the value, rotate it, and pass the secret at build time with RUN --mount=type=secret or at run time from the environment.",
	"ARG": "ARG values are recorded in the image history. Remove the default, rotate the value, and pass the secret with RUN --mount=type=secret instead.",
}

# Shapes of well-known credentials, by what they are.
credential_patterns := {
	"an AWS access key id": `\b(AKIA|ASIA)[0-9A-Z]{16}\b`,
	"a GitHub token": `\b(gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})`,
	"a GitLab token": `\bglpat-[A-Za-z0-9_-]{20,}`,
	"an npm token": `\bnpm_[A-Za-z0-9]{36}\b`,
	"a Slack token": `\bxox[baprs]-[A-Za-z0-9-]{10,}`,
	"a private key": `-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY-----`,
	"a JSON Web Token": `\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}`,
}

# GITHUB_TOKEN, db-password, AWS_SECRET_ACCESS_KEY, apiKey, … but not a name for
# where the secret lives (DB_PASSWORD_FILE, TOKEN_URL, SECRET_NAME).
# For each kind of credential_patterns, literals one of which every match holds.
credential_markers := {
	"an AWS access key id": ["AKIA", "ASIA"],
	"a GitHub token": ["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"],
	"a GitLab token": ["glpat-"],
	"an npm token": ["npm_"],
	"a Slack token": ["xoxb-", "xoxa-", "xoxp-", "xoxr-", "xoxs-"],
	"a private key": ["-----BEGIN"],
	"a JSON Web Token": ["eyJ"],
}

secret_name(name) if {
	# Every word below holds one of these: a native look before four regular expressions.
	lowered := lower(name)
	some part in {"token", "passw", "secret", "credential", "key"}
	contains(lowered, part)

	words := _snake_case(name)
	regex.match(`(^|_)(tokens?|passwords?|passwd|secrets?|credentials?|api_?key|apikey|private_?key|access_?key)(_|$)`, words)
	not _location(words)
}

# The name's words, lower case and joined by `_`: `apiKey` and `api-key` are `api_key`.
# Natively when there is no camel case to split (no lower-case letter or digit before an
# upper-case one), as in GITHUB_TOKEN: regex.replace calls out to JavaScript.
_snake_case(name) := replace(replace(lower(name), "-", "_"), ".", "_") if {
	_no_camel_case(name)
} else := lower(regex.replace(regex.replace(name, `([a-z0-9])([A-Z])`, "${1}_${2}"), `[-.]`, "_"))

_no_camel_case(name) if lower(name) == name

_no_camel_case(name) if {
	upper(name) == name
	not _has_digit(name)
}

_has_digit(name) if {
	some digit in ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]
	contains(name, digit)
}

_location(words) if {
	contains(words, "_")
	regex.match(`_(file|path|dir|url|uri|endpoint|host|name|length|len|ttl|header|env|enabled)$`, words)
}

# A value that says the variable is a switch or a secret's location, not a secret:
# `PASSWORD_AUTH=false`, `SECRET_KEY=/run/secrets/django`.
setting(value) if {
	is_string(value)
	regex.match(`(?i)^(true|false|yes|no|on|off|0|1|null|none)$`, value)
}

setting(value) if {
	is_string(value)
	startswith(value, "/run/secrets/")
}

# A literal value: not empty, not a boolean, not a path under /run/secrets, and not
# only references to other variables (`$PASS`, `${DB_USER}:${DB_PASS}`).
literal(value) if {
	is_string(value)
	not regex.match(`(?i)^(true|false|yes|no|on|off|0|1|null|none)$`, value)
	not startswith(value, "/run/secrets/")
	regex.match(`[A-Za-z0-9]`, dockerfile.without_variable_references(value))
}
