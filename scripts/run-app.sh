#!/usr/bin/env bash
# Builds Token Wizard with its UI embedded and opens it:
#   scripts/run-app.sh             debug build (faster to build, shares the test build)
#   scripts/run-app.sh --release   optimised build
#   scripts/run-app.sh --build-only
# Installs what is missing first (scripts/install-deps.sh). No Dynatrace tenant is needed:
# the welcome screen offers the built-in sandbox.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

profile=debug
build_only=false
for argument in "$@"; do
  case "$argument" in
    --release) profile=release ;;
    --build-only) build_only=true ;;
    -h | --help)
      sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "run-app.sh: unknown option $argument (expected --release, --build-only or --help)" >&2
      exit 2
      ;;
  esac
done

# Check the display first, so a machine without one learns it before a long build.
if [[ $build_only == false && -z ${DISPLAY:-} && -z ${WAYLAND_DISPLAY:-} ]]; then
  cat >&2 <<'MESSAGE'
run-app.sh: no display found (neither DISPLAY nor WAYLAND_DISPLAY is set).
Token Wizard is a desktop app and needs a graphical session. Run this command from a desktop
terminal, or over SSH with X forwarding (ssh -X). On a machine without a display you can still:
  scripts/run-app.sh --build-only   build the app
  scripts/test.sh                   run every test, the window tests on a virtual display
  scripts/screenshots.sh            save screenshots of each step to docs/screenshots/
MESSAGE
  exit 1
fi

scripts/install-deps.sh

echo "[run-app] building the front end"
npm run build:ui

cargo_flags=(-p token-wizard --features tauri/custom-protocol)
if [[ $profile == release ]]; then
  cargo_flags+=(--release)
fi
echo "[run-app] building the app ($profile)"
cargo build "${cargo_flags[@]}"

binary="$repo_root/target/$profile/token-wizard"
if [[ $build_only == true ]]; then
  echo "[run-app] built $binary"
  exit 0
fi

echo "[run-app] starting $binary"
exec "$binary"
