#!/usr/bin/env bash
# Installs everything Portcullis needs, pinned and idempotently: npm packages
# and the Go-built tools (opa, cosign) in a project-local, git-ignored tools/ folder.
# Each step is skipped when the right version is already present.
set -euo pipefail
cd "$(dirname "$0")/.."

OPA_VERSION="v1.22.3"
COSIGN_VERSION="v2.6.5"
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
# The signature tests sign images with the real cosign, offline: no transparency log, a loopback registry.
install_go_tool cosign github.com/sigstore/cosign/v2/cmd/cosign "$COSIGN_VERSION" version

# The registry client's tests run a real registry: Debian's docker-registry (the CNCF
# distribution registry), pinned to bookworm's version when apt still has it. They also
# need openssl (token-server certificate) and perl (bcrypt for htpasswd, in every Debian).
DOCKER_REGISTRY_VERSION="2.8.2+ds1-1"
if [ -x "${PORTCULLIS_DOCKER_REGISTRY:-/usr/bin/docker-registry}" ] && command -v openssl >/dev/null; then
  log "docker-registry $(dpkg-query -W -f='${Version}' docker-registry 2>/dev/null || echo '(custom)') already installed"
else
  command -v apt-get >/dev/null || { log "the tests need Debian's docker-registry package (apt-get not found)"; exit 1; }
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  log "installing docker-registry $DOCKER_REGISTRY_VERSION and openssl with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "docker-registry=$DOCKER_REGISTRY_VERSION" openssl >/dev/null \
    || $SUDO apt-get install -y -qq --no-install-recommends docker-registry openssl >/dev/null
  # Only the binary is wanted: tests start their own registries on free loopback ports.
  if command -v systemctl >/dev/null; then $SUDO systemctl disable --now docker-registry >/dev/null 2>&1 || true; fi
  log "docker-registry $(dpkg-query -W -f='${Version}' docker-registry) installed"
fi

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
