# PC-DF-006 (warn): apk, apt or pip leaves its cache in the layer.
package main

import rego.v1

warn contains sprintf("PC-DF-006: %q keeps the apk cache", [label(x)]) if {
	some x in apk_adds
	not "--no-cache" in x.args
	not removes(x.i, "/var/cache/apk")
	not cache_mounted(x.i, {"/var/cache/apk", "/etc/apk/cache"})
}

warn contains sprintf("PC-DF-006: %q leaves the apt lists", [label(x)]) if {
	some x in apt_installs
	not later_install(x)
	not removes(x.i, "/var/lib/apt/lists")
	not cache_mounted(x.i, {"/var/lib/apt", "/var/lib/apt/lists"})
}

warn contains sprintf("PC-DF-006: %q keeps pip's cache", [label(x)]) if {
	some x in pip_installs
	not "--no-cache-dir" in x.args
	not pip_cache_disabled(x)
	not pip_cache_mounted(x.i)
}

# Only the first apt install of a RUN is asked to clean up.
later_install(x) if {
	some other in apt_installs
	other.i == x.i
	other.order < x.order
}

removes(i, directory) if {
	some x in run_commands
	x.i == i
	count(x.args) > 0
	program(x) == "rm"
	some arg in x.args
	startswith(arg, directory)
}

cache_mounted(i, directories) if {
	some target in cache_mount_targets(i)
	target in directories
}

pip_cache_mounted(i) if {
	some target in cache_mount_targets(i)
	regex.match(`(^|/)\.cache(/pip)?$`, target)
}

pip_cache_disabled(x) if {
	some word in x.words
	startswith(word, "PIP_NO_CACHE_DIR=")
}

pip_cache_disabled(x) if {
	some other in run_commands
	other.i == x.i
	other.words[0] == "export"
	some word in other.words
	startswith(word, "PIP_NO_CACHE_DIR=")
}

pip_cache_disabled(x) if {
	some i, c in cmds
	i < x.i
	c.Cmd in {"env", "arg"}
	c.Stage in chain(x.stage)
	some k, word in c.Value
	pip_no_cache_value(c, k, word)
}

pip_no_cache_value(c, k, word) if {
	c.Cmd == "env"
	k % 2 == 0
	word == "PIP_NO_CACHE_DIR"
	c.Value[k + 1] != ""
}

pip_no_cache_value(c, _, word) if {
	c.Cmd == "arg"
	startswith(word, "PIP_NO_CACHE_DIR=")
	word != "PIP_NO_CACHE_DIR="
}
