#!/usr/bin/env bash
# Installs everything Portcullis needs, pinned and idempotently: npm packages
# and the Go-built tools (opa) in a project-local, git-ignored tools/ folder.
# Each step is skipped when the right version is already present.
set -euo pipefail
cd "$(dirname "$0")/.."

OPA_VERSION="v1.22.3"
TOOLS_BIN="$PWD/tools/bin"
mkdir -p "$TOOLS_BIN"

log() { printf '[setup] %s\n' "$*" >&2; }

# go install <module>@<version> into tools/bin, unless <bin> already reports <version>.
install_go_tool() {
  local bin="$1" module="$2" version="$3" version_cmd="$4"
  if [ -x "$TOOLS_BIN/$bin" ] && "$TOOLS_BIN/$bin" $version_cmd 2>/dev/null | grep -q "${version#v}"; then
    log "$bin $version already installed"
    return
  fi
  command -v go >/dev/null || { log "Go is required to build $bin (go install $module@$version)"; exit 1; }
  log "building $bin $version from the Go module proxy (takes a few minutes the first time)"
  GOBIN="$TOOLS_BIN" CGO_ENABLED=0 GOFLAGS=-mod=mod go install "$module@$version"
}

install_go_tool opa github.com/open-policy-agent/opa "$OPA_VERSION" version

# npm ci when the lock file is newer than the installed tree; skip otherwise.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing npm packages"
  npm ci --no-audit --no-fund
else
  log "npm packages up to date"
fi

# Compile TypeScript so that bin/portcullis and the App run as plain Node.
npm run --silent build
log "done"
