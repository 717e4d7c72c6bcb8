# METADATA
# title: Package manager commands
# description: >-
#   The apt, apk and pip install commands of every RUN, found through `sudo`/`env`
#   wrappers, each as an element of dockerfile.commands, where `args` starts with the
#   program (`pip` for `python3 -m pip install …`).
package portcullis.lib.packages

import rego.v1

import data.portcullis.lib.dockerfile

# `apt-get install …` and `apt install …`.
apt_installs := [c |
	some c in dockerfile.commands
	c.program in {"apt-get", "apt"}
	dockerfile.subcommand(c.args) == "install"
]

# `apk add …`.
apk_adds := [c |
	some c in dockerfile.commands
	c.program == "apk"
	dockerfile.subcommand(c.args) == "add"
]

# `pip install …`, `pip3.12 install …`, `python3 -m pip install …`.
pip_installs := [object.union(c, {"args": args}) |
	some c in dockerfile.commands
	args := pip_args(c)
	dockerfile.subcommand(args) == "install"
]

pip_args(c) := c.args if regex.match(`^pip[0-9.]*$`, c.program)

pip_args(c) := array.slice(args, 2, count(args)) if {
	regex.match(`^python[0-9.]*$`, c.program)
	args := c.args
	args[1] == "-m"
	args[2] == "pip"
}
