#!/usr/bin/env bash
# Benchmarks the Dynatrace client against the sandbox on 127.0.0.1, in one run:
#   - the manual flow (two curl processes: SSO grant, then create) against the client's first
#     call with no cached bearer, as a ratio;
#   - 20 creates with a cached bearer against 20 curl pairs;
#   - listing 10,000 preloaded tokens: time and peak resident set.
#   scripts/bench-client.sh
# Builds release binaries, starts `dynatrace-sandbox --port 0 --preload 10000`, runs
# `examples/bench.rs` against it, and prints a Markdown section for docs/BENCHMARKS.md with the
# machine it ran on. Needs curl. Close other heavy work first: times include waiting for a CPU.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

command -v curl >/dev/null || { echo "bench-client.sh: curl is required" >&2; exit 1; }

cargo build --release --quiet -p dynatrace-sandbox --bin dynatrace-sandbox
cargo build --release --quiet -p dynatrace-client --example bench

work_dir="$(mktemp -d)"
sandbox_pid=""
cleanup() {
  if [[ -n "$sandbox_pid" ]]; then
    kill "$sandbox_pid" 2>/dev/null || true
    wait "$sandbox_pid" 2>/dev/null || true
  fi
  rm -rf "$work_dir"
}
trap cleanup EXIT

RUST_LOG=warn target/release/dynatrace-sandbox --port 0 --preload 10000 \
  >"$work_dir/sandbox.out" 2>"$work_dir/sandbox.err" &
sandbox_pid=$!

# The sandbox prints one JSON line with its base URL once it listens.
base_url=""
for _ in $(seq 1 100); do
  if [[ -s "$work_dir/sandbox.out" ]]; then
    base_url="$(head -n 1 "$work_dir/sandbox.out" | sed -n 's/.*"baseUrl":"\([^"]*\)".*/\1/p')"
    [[ -n "$base_url" ]] && break
  fi
  sleep 0.1
done
if [[ -z "$base_url" ]]; then
  echo "bench-client.sh: the sandbox did not start" >&2
  cat "$work_dir/sandbox.err" >&2
  exit 1
fi

results="$(target/release/examples/bench "$base_url")"

cpu="$(grep -m 1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
memory_gib="$(awk '/MemTotal/ { printf "%.1f", $2 / 1024 / 1024 }' /proc/meminfo)"

cat <<EOF
## Client and sandbox

Command: \`scripts/bench-client.sh\` (release build; sandbox started with
\`dynatrace-sandbox --port 0 --preload 10000\` on 127.0.0.1; first-call figures are the median
of 15 rounds).

Machine: $(nproc) CPUs, ${cpu}, ${memory_gib} GiB RAM; $(date -u +%Y-%m-%d).

${results}
EOF
