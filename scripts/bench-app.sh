#!/usr/bin/env bash
# Benchmarks the desktop app against a bare Tauri 2 template app (bench/template-app/):
# launch-to-interactive time, memory of the app and its WebKit processes once loaded, and the
# stripped release binary size. Both are release builds with the UI embedded.
#   scripts/bench-app.sh [--runs N]      (default 5 runs per app, median reported)
# Prints the "Desktop app" section of docs/BENCHMARKS.md on standard output and writes every run
# to target/bench-app.json. Runs headless (Xvfb), so close other heavy work first: the times
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
  # Build output goes to stderr, so standard output is the Markdown section alone.
  {
    scripts/install-deps.sh
    npm run build:ui
    cargo build --release -p token-wizard --features tauri/custom-protocol
    # Same target folder as the workspace, so the dependencies both share compile once.
    cargo build --release --manifest-path bench/template-app/Cargo.toml \
      --features custom-protocol --target-dir "$repo_root/target"
  } >&2
  exec dbus-run-session -- env TOKEN_WIZARD_BENCH_SESSION=1 "$0" --runs "$runs"
fi

# shellcheck source=lib/headless-session.sh
source "$repo_root/scripts/lib/headless-session.sh"
headless_start >&2

load="$(cut -d' ' -f1-3 /proc/loadavg)"
table="$(node bench/measure.js --runs "$runs" --json "$repo_root/target/bench-app.json" \
  --app "Token Wizard=$app=[data-testid=\"welcome-sandbox\"]" \
  --app "Tauri template=$template=[data-testid=\"ready\"]")"

size_mb() { awk -v bytes="$(stat -c %s "$1")" 'BEGIN { printf "%.1f", bytes / 1000000 }'; }
stripped() {
  if file -b "$1" | grep -q 'not stripped'; then echo "not stripped"; else echo "stripped"; fi
}

cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
ram="$(free -m | awk '/^Mem:/ { printf "%.1f", $2 / 1024 }')"
os="$(. /etc/os-release && echo "$PRETTY_NAME")"
webkit="$(dpkg-query -W -f='${Version}' libwebkit2gtk-4.1-0)"

cat <<MARKDOWN
## Desktop app

Command: \`scripts/bench-app.sh --runs $runs\` (release builds with the UI embedded, each app
launched $runs times in turns after one warm-up launch each; medians).

Machine: $(nproc) CPUs, $cpu, $ram GiB RAM, $os, WebKitGTK $webkit, Xvfb 1280x800;
$(date -u +%Y-%m-%d), load average before the run $load.

| measurement | Token Wizard | Tauri template |
$(tail -n +2 <<<"$table")
| release binary size (MB, $(stripped "$app")) | $(size_mb "$app") | $(size_mb "$template") |

What is measured:
- Launch times start at the WebDriver new-session request to tauri-driver, which makes
  WebKitWebDriver start the app binary, and include that start-up. DOMContentLoaded and first
  contentful paint come from the page's own Navigation and Paint Timing entries
  (\`performance.timeOrigin\` plus the entry's time, on the same system clock). "First screen
  seen" is the first 10 ms poll that finds the first screen's button (\`welcome-sandbox\`, or
  the template's only button), so it is late by up to one poll and one WebDriver round trip.
- Memory is read from \`/proc\` 3 s after the first screen appears. RSS is VmRSS of the app
  process, its WebKitWebProcess and its WebKitNetworkProcess. PSS (\`smaps_rollup\`) splits
  pages shared between processes, such as common libraries, instead of counting them in each.
- The template is \`bench/template-app/\`: \`tauri::Builder::default()\` with one window and a
  static HTML page, no plugins, built with the same release profile (\`strip\`, thin LTO,
  4 codegen units). Both run under WebDriver automation (\`TAURI_WEBVIEW_AUTOMATION\`), as
  tauri-driver sets it.
MARKDOWN
