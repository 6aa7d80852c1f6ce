#!/usr/bin/env bash
# Benchmarks the desktop app against a bare Tauri 2 template app (bench/template-app/):
# launch-to-interactive time, memory of the app and its WebKit processes once loaded, and the
# stripped release binary size. Both are release builds with the UI embedded.
#   scripts/bench-app.sh [--runs N]      (default 5 runs per app, median reported)
# Prints a Markdown section for docs/BENCHMARKS.md and writes every run to
# target/bench-app.json. Runs headless (Xvfb), so close other heavy work first: the times
# include waiting for the CPU.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

runs=5
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs)
      runs="$2"
      shift 2
      ;;
    *)
      echo "bench-app.sh: unknown option $1 (expected --runs N)" >&2
      exit 2
      ;;
  esac
done

app="$repo_root/target/release/token-wizard"
template="$repo_root/target/release/tauri-template-app"

if [[ -z ${TOKEN_WIZARD_BENCH_SESSION:-} ]]; then
  scripts/install-deps.sh
  npm run build:ui
  cargo build --release -p token-wizard --features tauri/custom-protocol
  # Same target folder as the workspace, so the dependencies both share compile once.
  cargo build --release --manifest-path bench/template-app/Cargo.toml \
    --features custom-protocol --target-dir "$repo_root/target"
  exec dbus-run-session -- env TOKEN_WIZARD_BENCH_SESSION=1 "$0" --runs "$runs"
fi

# shellcheck source=lib/headless-session.sh
source "$repo_root/scripts/lib/headless-session.sh"
headless_start

table="$(node bench/measure.js --runs "$runs" --json "$repo_root/target/bench-app.json" \
  --app "Token Wizard=$app=[data-testid=\"welcome-sandbox\"]" \
  --app "Tauri template=$template=[data-testid=\"ready\"]")"

size_mb() { awk -v bytes="$(stat -c %s "$1")" 'BEGIN { printf "%.1f", bytes / 1000000 }'; }
stripped() { file -b "$1" | grep -q 'not stripped' && echo "not stripped" || echo "stripped"; }

cat <<MARKDOWN

## Desktop app

Measured $(date -u +%Y-%m-%d) with \`scripts/bench-app.sh --runs $runs\` on $(nproc) cores
($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), $(free -g | awk '/^Mem:/ { print $2 }') GiB RAM,
$(. /etc/os-release && echo "$PRETTY_NAME"), WebKitGTK $(dpkg-query -W -f='${Version}' libwebkit2gtk-4.1-0), Xvfb.

$table
| release binary size (MB) | $(size_mb "$app") ($(stripped "$app")) | $(size_mb "$template") ($(stripped "$template")) |
MARKDOWN
