#!/usr/bin/env bash
# Runs a bun test command, shows its output as it goes, then adds one plain closing line,
# "N passed, N failed" (", N skipped" when some were), read from bun's own summary.
# Exits with the command's exit code.
set -uo pipefail

log="$(mktemp)"
trap 'rm -f "$log"' EXIT

"$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# bun closes with lines like " 140 pass", " 2 skip", " 0 fail" (no colour when piped).
count() { grep -E "^ *[0-9]+ $1\$" "$log" | tail -n 1 | tr -dc '0-9'; }
passed="$(count pass)"
failed="$(count fail)"
skipped="$(count skip)"

if [[ -z "$passed" && -z "$failed" ]]; then
  echo "(no test summary from: $*; exit code $status)"
  exit "$status"
fi
line="${passed:-0} passed, ${failed:-0} failed"
[[ -n "$skipped" && "$skipped" != "0" ]] && line="$line, $skipped skipped"
echo
echo "$line"
exit "$status"
