#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/, clang) and fuzzes each loader for a fixed time.
#
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#   SECONDS_PER_TARGET  default 12 (the short CI run: 7 targets, about a minute in total);
#                       use 600 or more for a long run
#   TARGET              model_package profile fault_map topology idx npz sweep_folder (default: all)
# Environment: VOLTSIM_FUZZ_BUILD_DIR (default build-fuzz), VOLTSIM_FUZZ_JOBS (parallel targets, default 1).
#
# The committed seeds (fuzz/corpus/<target>) are copied into a working corpus
# ($BUILD/corpus/<target>) that grows across runs; crashes, leaks, timeouts (>10 s per input)
# and allocations above 512 MiB are written to $BUILD/artifacts/<target>/ and fail the script.
# Every input in fuzz/regressions/<target>/ (past findings, fixed) is replayed first.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SECONDS_PER_TARGET=${1:-12}
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -eq 0 ] && TARGETS=(model_package profile fault_map topology idx npz sweep_folder)
BUILD=${VOLTSIM_FUZZ_BUILD_DIR:-build-fuzz}
JOBS=${VOLTSIM_FUZZ_JOBS:-1}

case "$SECONDS_PER_TARGET" in
  ''|*[!0-9]*) echo "scripts/fuzz.sh: SECONDS_PER_TARGET must be a whole number, got '$SECONDS_PER_TARGET'" >&2; exit 2 ;;
esac
for target in "${TARGETS[@]}"; do
  [ -d "fuzz/corpus/$target" ] || { echo "scripts/fuzz.sh: unknown target '$target'" >&2; exit 2; }
done

if [ ! -f "$BUILD/CMakeCache.txt" ]; then
  CXX=clang++ cmake -S fuzz -B "$BUILD" -DVOLTSIM_WERROR=ON >/dev/null
fi
cmake --build "$BUILD" -j"$(nproc)" >/dev/null

export ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1:detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

run_target() {
  local target=$1 binary="$BUILD/fuzz_$target"
  local corpus="$BUILD/corpus/$target" artifacts="$BUILD/artifacts/$target" log="$BUILD/logs/$target.log"
  mkdir -p "$corpus" "$artifacts" "$(dirname "$log")"
  cp -n fuzz/corpus/"$target"/* "$corpus"/ 2>/dev/null || true
  if compgen -G "fuzz/regressions/$target/*" >/dev/null; then
    "$binary" -rss_limit_mb=1024 -malloc_limit_mb=512 fuzz/regressions/"$target"/* >"$log.regressions" 2>&1 ||
      { echo "fuzz $target: a regression input fails again (see $log.regressions)"; return 1; }
  fi
  local status=0
  "$binary" "$corpus" fuzz/corpus/"$target" -max_total_time="$SECONDS_PER_TARGET" -timeout=10 \
    -rss_limit_mb=1024 -malloc_limit_mb=512 -artifact_prefix="$artifacts/" -print_final_stats=1 \
    -max_len=16384 >"$log" 2>&1 || status=$?
  local execs
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  if [ $status -ne 0 ]; then
    echo "fuzz $target: FAILED after $execs executions (exit $status); log $log, inputs in $artifacts/"
    grep -m3 -E 'ERROR|runtime error|terminate|deadly|timeout|leak' "$log" || true
    return 1
  fi
  echo "fuzz $target: ${SECONDS_PER_TARGET}s, $execs executions, corpus $(ls "$corpus" | wc -l) inputs, no findings"
}

failed=0
if [ "$JOBS" -le 1 ]; then
  for target in "${TARGETS[@]}"; do run_target "$target" || failed=1; done
else
  pids=()
  for target in "${TARGETS[@]}"; do run_target "$target" & pids+=($!); done
  for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
fi
exit $failed
