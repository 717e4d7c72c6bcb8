# METADATA
# title: Package manager commands
# description: >-
#   The apt, apk and pip install commands of every RUN, found through `sudo`/`env`
#   wrappers, each as {"stage", "instruction", "command", "args"} where `args` starts
#   with the program (`pip` for `python3 -m pip install …`).
package portcullis.lib.packages

import rego.v1

import data.portcullis.lib.dockerfile

# `apt-get install …` and `apt install …`.
apt_installs := [object.union(c, {"args": args}) |
	some c in dockerfile.commands
	args := dockerfile.program_args(c.command)
	dockerfile.basename(args[0]) in {"apt-get", "apt"}
	dockerfile.subcommand(args) == "install"
]

# `apk add …`.
apk_adds := [object.union(c, {"args": args}) |
	some c in dockerfile.commands
	args := dockerfile.program_args(c.command)
	dockerfile.basename(args[0]) == "apk"
	dockerfile.subcommand(args) == "add"
]

# `pip install …`, `pip3.12 install …`, `python3 -m pip install …`.
pip_installs := [object.union(c, {"args": args}) |
	some c in dockerfile.commands
	args := pip_args(dockerfile.program_args(c.command))
	dockerfile.subcommand(args) == "install"
]

pip_args(args) := args if regex.match(`^pip[0-9.]*$`, dockerfile.basename(args[0]))

pip_args(args) := array.slice(args, 2, count(args)) if {
	regex.match(`^python[0-9.]*$`, dockerfile.basename(args[0]))
	args[1] == "-m"
	args[2] == "pip"
}
