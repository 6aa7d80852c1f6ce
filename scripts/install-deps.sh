#!/usr/bin/env bash
# Installs everything that building, running and testing Token Wizard needs on Debian or Ubuntu:
# the WebKitGTK/Tauri system packages, the headless test tools (Xvfb, D-Bus, gnome-keyring,
# xclip, WebKitWebDriver), tauri-driver and the npm dependencies.
#
# Idempotent: each step checks first and skips what is already there, so a second run takes a
# few seconds. Needs root or sudo for the system packages only.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# tauri-driver 3.0 is an alpha that targets Tauri 3; ours is Tauri 2.
TAURI_DRIVER_VERSION="^2"

SYSTEM_PACKAGES=(
  # Tauri 2 on Linux: WebKitGTK 4.1 and the GTK stack.
  libwebkit2gtk-4.1-dev build-essential libssl-dev libayatana-appindicator3-dev librsvg2-dev
  libxdo-dev pkg-config file curl
  # Headless window, screenshots and the clipboard.
  xvfb x11-utils imagemagick xclip fonts-dejavu-core
  # Session bus and the Secret Service the keychain tests talk to.
  dbus dbus-x11 gnome-keyring libsecret-tools
  # WebDriver for WebKitGTK, which tauri-driver starts.
  webkit2gtk-driver
)

log() { printf '[install-deps] %s\n' "$*"; }

as_root() {
  if [[ $(id -u) -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null; then
    sudo "$@"
  else
    log "need root or sudo to run: $*"
    exit 1
  fi
}

install_system_packages() {
  local missing=()
  local package
  for package in "${SYSTEM_PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("$package")
    fi
  done

  if [[ ${#missing[@]} -eq 0 ]]; then
    log "system packages: all ${#SYSTEM_PACKAGES[@]} present"
    return
  fi

  log "system packages: installing ${missing[*]}"
  as_root apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
}

install_tauri_driver() {
  # tauri-driver has no --version flag, so ask cargo which version it installed.
  local installed
  installed="$(cargo install --list | grep -o '^tauri-driver v[0-9.]*' || true)"
  if [[ $installed == "tauri-driver v2."* ]] && command -v tauri-driver >/dev/null; then
    log "tauri-driver: ${installed#tauri-driver } present"
    return
  fi

  log "tauri-driver: installing $TAURI_DRIVER_VERSION"
  cargo install tauri-driver --locked --version "$TAURI_DRIVER_VERSION"
}

# Runs `npm ci` in a folder with a lock file unless node_modules already matches that lock.
# npm writes node_modules/.package-lock.json on every install, so an unchanged lock file whose
# copy is newer than the lock means nothing to do.
install_npm_dependencies() {
  local dir="$1"
  local name="${dir#"$repo_root"}"
  name="${name#/}"
  name="${name:-repository root}"
  if [[ ! -f "$dir/package-lock.json" ]]; then
    log "npm: no package-lock.json in $name, skipped"
    return
  fi

  # A lock file that lists only the package itself leaves npm nothing to install.
  if node -e 'const lock = require(process.argv[1]);
    process.exit(Object.keys(lock.packages ?? {}).length > 1 ? 1 : 0);' \
    "$dir/package-lock.json"; then
    log "npm: $name has no dependencies"
    return
  fi

  local installed_lock="$dir/node_modules/.package-lock.json"
  if [[ -f "$installed_lock" && "$installed_lock" -nt "$dir/package-lock.json" ]]; then
    log "npm: $name up to date"
    return
  fi

  log "npm: npm ci in $name"
  npm ci --prefix "$dir" --no-audit --no-fund
}

install_system_packages
install_tauri_driver
install_npm_dependencies "$repo_root"
install_npm_dependencies "$repo_root/tests/contract"
install_npm_dependencies "$repo_root/tests/e2e"
log "done"
