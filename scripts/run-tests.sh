#!/usr/bin/env bash
# Runs every test stage of `make test`, each to the end even when an earlier one failed, and closes with
# one line of totals: "summary: N passed, N failed". Exits non-zero if anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
passed=0
failed=0
broken=()

count() {  # stage log -> adds its test counts
  local log=$1 p f
  if grep -qE "tests passed, [0-9]+ tests failed out of" "$log"; then
    f=$(grep -oE "[0-9]+ tests failed out of" "$log" | tail -n1 | grep -oE "^[0-9]+")
    p=$(grep -oE "failed out of [0-9]+" "$log" | tail -n1 | grep -oE "[0-9]+$")
    passed=$((passed + p - f)); failed=$((failed + f))
  fi
  if grep -qE "^# pass [0-9]+" "$log"; then
    p=$(grep -E "^# pass [0-9]+" "$log" | awk '{s+=$3} END {print s}')
    f=$(grep -E "^# fail [0-9]+" "$log" | awk '{s+=$3} END {print s}')
    passed=$((passed + p)); failed=$((failed + f))
  fi
  if grep -qE "^tidy: no findings" "$log"; then passed=$((passed + 1)); fi
  if grep -qE "^format-check: every file is formatted" "$log"; then passed=$((passed + 1)); fi
  if grep -qE "^fuzzing fuzz_" "$log"; then
    p=$(grep -cE "^Done [0-9]+ runs" "$log")
    passed=$((passed + p))
  fi
}

stage() {  # name target
  echo "=== $1"
  make --no-print-directory "$2" 2>&1 | tee "$logs/$1.log"
  local rc=${PIPESTATUS[0]}
  count "$logs/$1.log"
  if [ "$rc" -ne 0 ]; then
    broken+=("$1")
    # A stage that failed before its runner reported still counts as one failure.
    grep -qE "tests failed out of|^# fail [1-9]|^# fail 0" "$logs/$1.log" || failed=$((failed + 1))
  fi
}

stage "unit and store tests" test-unit
stage "HTTP and browser tests" test-web
stage "sanitizers and fuzzing" test-sanitize
stage "style checks" test-style

echo
if [ ${#broken[@]} -gt 0 ]; then echo "failed stages: ${broken[*]}"; fi
echo "summary: $passed passed, $failed failed"
[ ${#broken[@]} -eq 0 ]
