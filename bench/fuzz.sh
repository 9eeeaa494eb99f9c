#!/usr/bin/env bash
# Fuzzes every parser of apix's own formats for SECONDS each (default 60): request files, collection.toml /
# folder.toml, environment files, .env, config.toml, the template language (issue #10). Uses cargo-fuzz (libFuzzer)
# on the nightly toolchain; `cargo install cargo-fuzz` once. Reports, per target: executions, executions per second,
# the slowest input's time, peak memory, and whether anything crashed (a crashing input is saved under
# fuzz/artifacts/TARGET/). A run is good when nothing crashed and no input took more than 1 s.
# Usage: bench/fuzz.sh [SECONDS] [TARGET ...]; RUNS=N also stops each target after N executions (a long run:
# RUNS=10000000 bench/fuzz.sh 1500).
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
SECONDS_EACH="${1:-60}"
shift || true
TARGETS=("$@")
if [ "${#TARGETS[@]}" -eq 0 ]; then
  TARGETS=(request_file folder_file environment_file dotenv config_toml template)
fi
command -v cargo-fuzz >/dev/null 2>&1 || { echo "cargo-fuzz is not installed: cargo install cargo-fuzz" >&2; exit 1; }
cargo +nightly fuzz build --release "${TARGETS[@]/#/}" >/dev/null 2>&1 || cargo +nightly fuzz build --release
printf '%-18s %14s %10s %12s %10s  %s\n' target executions exec/s slowest peakMB result
status=0
for t in "${TARGETS[@]}"; do
  mkdir -p "corpus/$t"
  log=$(mktemp)
  # -timeout=1: any input slower than a second is reported as a failure (a hang), like a crash.
  if cargo +nightly fuzz run --release "$t" "corpus/$t" -- -max_total_time="$SECONDS_EACH" ${RUNS:+-runs=$RUNS} \
      -timeout=1 -rss_limit_mb=2048 -print_final_stats=1 >"$log" 2>&1; then
    result=ok
  else
    result="FAILED (see fuzz/artifacts/$t)"
    status=1
  fi
  # (A run that stopped before its statistics leaves these empty: "?" below, not an early exit.)
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1 || true)
  rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1 || true)
  slow=$(grep -o 'stat::slowest_unit_time_sec: *[0-9.]*' "$log" | grep -o '[0-9.]*$' | tail -1 || true)
  peak=$(grep -o 'stat::peak_rss_mb: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1 || true)
  printf '%-18s %14s %10s %11ss %10s  %s\n' "$t" "${runs:-?}" "${rate:-?}" "${slow:-?}" "${peak:-?}" "$result"
  [ "$result" = ok ] || tail -30 "$log" >&2
  rm -f "$log"
done
exit $status
