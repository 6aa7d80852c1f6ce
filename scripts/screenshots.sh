#!/usr/bin/env bash
# Saves a screenshot of each step of the sandbox flow, in the light and the dark theme, to
# docs/screenshots/<step>-<light|dark>.png. Runs the real app window on a virtual display, so it
# works on a machine without one. Builds the app with the UI embedded first.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

if [[ -z ${TOKEN_WIZARD_SCREENSHOT_SESSION:-} ]]; then
  scripts/install-deps.sh
  npm run build:ui
  cargo build -p token-wizard --features tauri/custom-protocol
  exec dbus-run-session -- env TOKEN_WIZARD_SCREENSHOT_SESSION=1 "$0" "$@"
fi

# shellcheck source=lib/headless-session.sh
source "$repo_root/scripts/lib/headless-session.sh"
headless_start

out="$repo_root/docs/screenshots"
node tests/e2e/screenshots.js --theme light --out "$out"
# WebKitGTK 2.50 derives prefers-color-scheme from the GTK theme variant; screenshots.js checks
# that the page really reports dark before it captures anything.
GTK_THEME=Adwaita:dark node tests/e2e/screenshots.js --theme dark --out "$out"
