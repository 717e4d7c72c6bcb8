#!/usr/bin/env bash
# Installs everything Portcullis needs, pinned and idempotently: npm packages
# and the Go-built tools (opa, cosign) in a project-local, git-ignored tools/ folder.
# Each step is skipped when the right version is already present.
set -euo pipefail
cd "$(dirname "$0")/.."

OPA_VERSION="v1.22.3"
# osv-scanner 2.6 needs Go 1.27; 2.5.0 builds with the Go 1.26 these machines have.
OSV_SCANNER_VERSION="v2.5.0"
COSIGN_VERSION="v2.6.5"
TOOLS_BIN="$PWD/tools/bin"
mkdir -p "$TOOLS_BIN"

log() { printf '[setup] %s\n' "$*" >&2; }

# go install <module>@<version> into tools/bin, unless <bin> already reports <version>.
install_go_tool() {
  local bin="$1" module="$2" version="$3" version_cmd="$4"
  # Read the whole output first: `| grep -q` under pipefail can fail on SIGPIPE and force a rebuild.
  local installed=""
  [ -x "$TOOLS_BIN/$bin" ] && installed=$("$TOOLS_BIN/$bin" $version_cmd 2>/dev/null || true)
  if [[ "$installed" == *"${version#v}"* ]]; then
    log "$bin $version already installed"
    return
  fi
  command -v go >/dev/null || { log "Go is required to build $bin (go install $module@$version)"; exit 1; }
  log "building $bin $version from the Go module proxy (takes a few minutes the first time)"
  GOBIN="$TOOLS_BIN" CGO_ENABLED=0 GOFLAGS=-mod=mod go install "$module@$version"
}

install_go_tool opa github.com/open-policy-agent/opa "$OPA_VERSION" version
install_go_tool osv-scanner github.com/google/osv-scanner/v2/cmd/osv-scanner "$OSV_SCANNER_VERSION" --version
# The signature tests and the demo (`npm start` without credentials) sign images with the
# real cosign, offline: no transparency log, a loopback registry.
install_go_tool cosign github.com/sigstore/cosign/v2/cmd/cosign "$COSIGN_VERSION" version

# The Notation signature tests sign images with the Notary Project's own code (notation-go, pinned in
# tools/notation-sign/go.mod): the notation CLI is not on the Go module proxy, its library is.
# Rebuilt only when its sources change: the stamp beside the binary is their hash.
notation_sign_hash=$(cat tools/notation-sign/go.mod tools/notation-sign/go.sum tools/notation-sign/*.go | sha256sum | cut -d' ' -f1)
if [ -x "$TOOLS_BIN/notation-sign" ] && [ "$(cat "$TOOLS_BIN/notation-sign.stamp" 2>/dev/null)" = "$notation_sign_hash" ]; then
  log "notation-sign already built"
else
  command -v go >/dev/null || { log "Go is required to build tools/notation-sign"; exit 1; }
  log "building notation-sign (notation-go) from tools/notation-sign"
  (cd tools/notation-sign && CGO_ENABLED=0 go build -trimpath -o "$TOOLS_BIN/notation-sign" .)
  echo "$notation_sign_hash" >"$TOOLS_BIN/notation-sign.stamp"
fi

SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
apt_updated=""

# apt-get install <package>, at <version> when apt still has it (else the current one),
# unless <command> is already there. `apt-get update` runs once, and only when needed.
install_apt_package() {
  local command="$1" package="$2" version="$3"
  if command -v "$command" >/dev/null; then
    log "$package $(dpkg-query -W -f='${Version}' "$package" 2>/dev/null || echo '(not from apt)') already installed"
    return
  fi
  command -v apt-get >/dev/null || { log "$package is needed and apt-get was not found: install it yourself"; exit 1; }
  export DEBIAN_FRONTEND=noninteractive
  [ -n "$apt_updated" ] || { $SUDO apt-get update -qq; apt_updated=1; }
  log "installing $package $version with apt-get"
  $SUDO apt-get install -y -qq --no-install-recommends "$package=$version" >/dev/null \
    || $SUDO apt-get install -y -qq --no-install-recommends "$package" >/dev/null
  log "$package $(dpkg-query -W -f='${Version}' "$package") installed"
}

# The registry tests and the demo run a real registry: Debian's docker-registry (the CNCF
# distribution registry). They also need openssl (token-server certificates) and perl (bcrypt for htpasswd).
install_apt_package "${PORTCULLIS_DOCKER_REGISTRY:-docker-registry}" docker-registry "2.8.2+ds1-1"
install_apt_package openssl openssl "3.0.22-1~deb12u2"
# Only the binary is wanted: tests start their own registries on free loopback ports.
if command -v systemctl >/dev/null; then $SUDO systemctl disable --now docker-registry >/dev/null 2>&1 || true; fi

# Image builds (docs/build-and-scan.md, and the demo's): buildah, daemonless. Its tests and the build
# network policy also use `unshare` (util-linux, in every Debian).
install_apt_package "${PORTCULLIS_BUILDAH:-buildah}" buildah "1.28.2+ds1-3+deb12u1+b3"

# The job queue on Redis (REDIS_URL): its tests start their own redis-server on a free
# loopback port with a temporary folder, so the packaged service is not wanted running.
install_apt_package redis-server redis-server "5:7.0.15-1~deb12u10"
if command -v systemctl >/dev/null; then $SUDO systemctl disable --now redis-server >/dev/null 2>&1 || true; fi

# ShellCheck reads the shell of every Dockerfile RUN (src/facts/shellcheck.ts, PC-SH-001);
# without it a check says so in one line and goes on.
install_apt_package shellcheck shellcheck "0.9.0-1"

# `portcullis completion zsh|fish` is tested in those shells (bash is everywhere).
install_apt_package zsh zsh "5.9-4+b15"
install_apt_package fish fish "3.6.0-3.1+deb12u1"

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
