# PC-DF-009 (warn): a downloaded script piped into a shell, or run through $(…) or <(…).
package main

import rego.v1

pipe_shells := {"sh", "bash", "zsh", "ash", "dash", "ksh", "mksh"}

warn contains sprintf("PC-DF-009: %q pipes a download into %s", [label(download), program(shell)]) if {
	some download in run_commands
	count(download.args) > 0
	program(download) in {"curl", "wget"}
	some shell in run_commands
	shell.i == download.i
	shell.pipeline == download.pipeline
	shell.position == download.position + 1
	count(shell.args) > 0
	program(shell) in pipe_shells
}

warn contains sprintf("PC-DF-009: %q runs a downloaded script", [label(x)]) if {
	some x in run_commands
	count(x.args) > 0
	program(x) in (pipe_shells | {"eval", "source", "."})
	regex.match("(\\$\\(|<\\(|`)\\s*(curl|wget)\\s", x.text)
}
