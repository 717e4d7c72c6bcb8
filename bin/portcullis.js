#!/bin/sh
':' //; unset PORTCULLIS_DEFERRED_EXTRA_CA_CERTS; for a in "$@"; do case $a in --) break ;; --build) offline= && break ;; --offline) offline=1 ;; esac; done
':' //; if [ -n "${offline-}" ] && [ -n "${NODE_EXTRA_CA_CERTS-}" ]; then
':' //;   PORTCULLIS_DEFERRED_EXTRA_CA_CERTS=$NODE_EXTRA_CA_CERTS && export PORTCULLIS_DEFERRED_EXTRA_CA_CERTS
':' //;   unset NODE_EXTRA_CA_CERTS
':' //; fi
':' //; exec node "$0" "$@"
//
// The lines above are a shell script, and JavaScript that does nothing. Run as a program, this
// file starts sh, which starts Node on it as `#!/usr/bin/env node` would; Node runs ./cli.js.
//
// Why a shell: with NODE_EXTRA_CA_CERTS set, Node 20 parses its ~140 built-in root
// certificates, then the file's, before the first line of JavaScript (OpenSSL 3,
// nodejs/node#40524): 45-55 ms of every start where it is set, a third of a cold one-file
// check. A check or fix with --offline makes no TLS connection, so for it alone the variable
// is moved aside, and ./cli.js puts it back for every process the command starts. With
// --build (base images are pulled) it stays, and so it does for `--offline` after `--`, a path.
//
// Biome does not format this file (biome.json): the `':'` lines must stay as they are.
require('./cli.js');
