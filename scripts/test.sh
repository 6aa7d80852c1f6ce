#!/usr/bin/env bash
# Runs every test suite of Token Wizard on Linux, from a fresh Debian/Ubuntu machine:
#   scripts/test.sh
#
# Installs what is missing (scripts/install-deps.sh), then, inside one private D-Bus session
# with an Xvfb display and an unlocked gnome-keyring:
#   - the front end: unit tests, type check, production build;
#   - cargo test --workspace, which includes the client/sandbox contract test and the
#     generated-bindings staleness check;
#   - the app with the UI embedded (debug build);
#   - the end-to-end tests, which drive the real app window through tauri-driver.
# Every suite runs even when an earlier one failed; the script prints one line per suite and
# exits non-zero when any failed.
set -uo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

if [[ -z ${TOKEN_WIZARD_TEST_SESSION:-} ]]; then
  started=$SECONDS
  scripts/install-deps.sh || exit 1
  printf '[test] dependencies ready in %d s\n' "$((SECONDS - started))"
  exec dbus-run-session -- env TOKEN_WIZARD_TEST_SESSION=1 "$0" "$@"
fi

# shellcheck source=lib/headless-session.sh
source "$repo_root/scripts/lib/headless-session.sh"
headless_start || exit 1

logs="$(mktemp -d "${TMPDIR:-/tmp}/token-wizard-test-logs.XXXXXX")"
summary=()
failed=0

# Runs one suite, keeps its output in $logs/<slug>.log and records a summary line.
run_suite() {
  local name="$1"
  shift
  local slug="${name//[^a-zA-Z0-9]/-}"
  local started=$SECONDS
  printf '\n[test] ==== %s: %s\n' "$name" "$*"
  "$@" 2>&1 | tee "$logs/$slug.log"
  local status=${PIPESTATUS[0]}
  record "$name" "$status" "$((SECONDS - started))"
  return "$status"
}

record() {
  local name="$1" status="$2" seconds="$3"
  if [[ $status -eq 0 ]]; then
    summary+=("$(printf 'PASS  %-42s %4d s' "$name" "$seconds")")
  else
    summary+=("$(printf 'FAIL  %-42s %4d s  (exit %d)' "$name" "$seconds" "$status")")
    failed=$((failed + 1))
  fi
}

# Records whether cargo test ran an integration test file and all its tests passed, so a suite
# that goes missing from the workspace fails the run instead of passing unnoticed. The result is
# the first "test result:" line after the "Running <file>" line.
expect_cargo_test_file() {
  local name="$1" file="$2"
  local result
  result="$(awk -v running="Running $file " '
    index($0, running) { found = 1; next }
    found && /^test result:/ { print; exit }
  ' "$logs/cargo-test---workspace.log")"
  if [[ $result == "test result: ok."* ]]; then
    record "$name" 0 0
  else
    printf '[test] %s: %s\n' "$name" "${result:-$file did not run in cargo test}"
    record "$name" 1 0
  fi
}

run_suite "front end: unit tests" npm run test:ui
run_suite "front end: type check" npm run check:ui
run_suite "front end: build" npm run build:ui
# --no-fail-fast runs every test binary even after one fails, so the checks below still see
# whether the contract and bindings tests ran.
run_suite "cargo test --workspace" cargo test --workspace --no-fail-fast
expect_cargo_test_file "contract test (dynatrace-sandbox)" tests/contract.rs
expect_cargo_test_file "bindings staleness check (src-tauri)" tests/bindings.rs

# This comes after cargo test, which leaves its own variant of the binary (tauri with its "test"
# feature, no embedded UI) at the same path. Both variants stay cached in target/, so after the
# first run this step rebuilds only what changed.
# The end-to-end tests get their own copy of the binary: a cargo command run meanwhile in the
# same target folder could replace target/debug/token-wizard with a build that has no UI.
export TOKEN_WIZARD_APP="$HEADLESS_ROOT/token-wizard"
if run_suite "app build (UI embedded)" \
  cargo build -p token-wizard --features tauri/custom-protocol; then
  cp target/debug/token-wizard "$TOKEN_WIZARD_APP"
fi
run_suite "end-to-end tests" npm test --prefix tests/e2e

printf '\n[test] ==== summary (logs in %s)\n' "$logs"
printf '%s\n' "${summary[@]}"
if [[ $failed -gt 0 ]]; then
  printf '[test] %d of %d suites failed\n' "$failed" "${#summary[@]}"
  exit 1
fi
printf '[test] all %d suites passed\n' "${#summary[@]}"
