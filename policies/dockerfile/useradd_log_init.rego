# METADATA
# title: useradd with a high UID without -l
# description: >-
#   `useradd` records every user in /var/log/lastlog and /var/log/faillog, files indexed by
#   UID: a user with UID 100000 or more makes them sparse files of tens to hundreds of
#   megabytes, which image layers store in full. `-l` (`--no-log-init`) skips them. As in
#   Hadolint, a UID of six digits or more (`-u`, `--uid`, also `-u100000` and
#   `--uid=100000`) without `-l` is reported; a UID given by a variable is not, since its
#   value is not known.
# custom:
#   id: PC-DF-055
#   severity: warn
#   related: [hadolint:DL3046]
#   remediation: Add `-l` (`--no-log-init`) to `useradd`.
package portcullis.rules.useradd_log_init

import rego.v1

import data.portcullis.lib.dockerfile

warn contains finding if {
	some item in dockerfile.commands
	item.program == "useradd"
	not no_log_init(item.args)
	uid := high_uid(item.args)
	finding := object.union(
		{
			"msg": sprintf("\"%s\" creates UID %s without -l: the lastlog and faillog files grow to hundreds of megabytes in the layer. Add -l.", [dockerfile.command_label(item.command), uid]),
			"line": item.command.line,
		},
		fix(item),
	)
}

no_log_init(args) if {
	some arg in args
	arg == "--no-log-init"
}

# -l, or combined short options with l: `-lm`, `-rl`.
no_log_init(args) if {
	some arg in args
	regex.match(`^-[A-Za-z]*l[A-Za-z]*$`, arg)
}

high_uid(args) := uid if {
	some i, arg in args
	uid := uid_value(args, i, arg)
	regex.match(`^[0-9]{6,}$`, uid)
}

uid_value(args, i, arg) := args[i + 1] if arg in {"-u", "--uid"}

uid_value(_, _, arg) := substring(arg, 2, -1) if {
	regex.match(`^-u[0-9]`, arg)
}

uid_value(_, _, arg) := substring(arg, 6, -1) if startswith(arg, "--uid=")

fix(item) := {"fix": {
	"line": item.command.line,
	"end_line": item.command.line,
	"replacement": replacement,
	"description": "Add -l",
}} if {
	replacement := dockerfile.line_with_program_option(item.instruction, item.command, " -l")
} else := {}
