# PC-DF-007 (deny): a secret in ENV or ARG.
package main

import rego.v1

deny contains sprintf("PC-DF-007: ENV %s holds a secret (instruction %d)", [name, i]) if {
	some i, c in cmds
	c.Cmd == "env"
	some k, name in c.Value
	k % 2 == 0
	secret(name, c.Value[k + 1])
}

deny contains sprintf("PC-DF-007: ARG %s holds a secret (instruction %d)", [parts[0], i]) if {
	some i, c in cmds
	c.Cmd == "arg"
	some v in c.Value
	parts := split(v, "=")
	count(parts) > 1
	secret(parts[0], concat("=", array.slice(parts, 1, count(parts))))
}

secret(_, value) if {
	some pattern in credential_patterns
	regex.match(pattern, value)
}

secret(name, value) if {
	secret_name(name)
	literal(value)
}

credential_patterns := {
	`\b(AKIA|ASIA)[0-9A-Z]{16}\b`,
	`\b(gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})`,
	`\bglpat-[A-Za-z0-9_-]{20,}`,
	`\bnpm_[A-Za-z0-9]{36}\b`,
	`\bxox[baprs]-[A-Za-z0-9-]{10,}`,
	`-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY-----`,
	`\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}`,
}

secret_name(name) if {
	words := lower(regex.replace(regex.replace(name, `([a-z0-9])([A-Z])`, "${1}_${2}"), `[-.]`, "_"))
	regex.match(`(^|_)(tokens?|passwords?|passwd|secrets?|credentials?|api_?key|apikey|private_?key|access_?key)(_|$)`, words)
	not regex.match(`_(file|path|dir|url|uri|endpoint|host|name|length|len|ttl|header|env|enabled)$`, words)
}

literal(value) if {
	not regex.match(`(?i)^(true|false|yes|no|on|off|0|1|null|none)$`, value)
	not startswith(value, "/run/secrets/")
	regex.match(`[A-Za-z0-9]`, regex.replace(trim(value, "\"'"), `\$(\{[A-Za-z_][A-Za-z0-9_]*\}|[A-Za-z_][A-Za-z0-9_]*)`, ""))
}
