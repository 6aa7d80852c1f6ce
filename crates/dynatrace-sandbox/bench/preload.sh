#!/bin/sh
# Measures how long the sandbox binary takes from process start to its first output line
# (the JSON line printed once the server listens) with 10,000 preloaded API tokens.
#
# Usage: crates/dynatrace-sandbox/bench/preload.sh [count] [runs]   (from the repository root)
set -eu

count="${1:-10000}"
runs="${2:-3}"
cargo build --release -p dynatrace-sandbox >/dev/null 2>&1
binary="target/release/dynatrace-sandbox"
output="$(mktemp)"
trap 'rm -f "$output"' EXIT

run=1
while [ "$run" -le "$runs" ]; do
    : >"$output"
    start="$(date +%s%N)"
    "$binary" --preload "$count" >"$output" 2>/dev/null &
    pid=$!
    while [ ! -s "$output" ]; do sleep 0.001; done
    end="$(date +%s%N)"
    kill "$pid"
    wait "$pid" || true
    echo "run $run: $(( (end - start) / 1000000 )) ms to serve $count preloaded tokens"
    run=$((run + 1))
done
