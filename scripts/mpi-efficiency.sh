#!/usr/bin/env bash
# Parallel efficiency of `mpirun -n N voltsim sweep` against one process (docs/cluster.md,
# "Parallel efficiency and the cost of a study").
#   scripts/mpi-efficiency.sh [N...]        rank counts to time (default: 1 2)
# Environment: VOLTSIM_BINARY (default build/voltsim), VOLTSIM_BENCH_SWEEP (the sweep's flags; default
# below), VOLTSIM_BENCH_REPEAT (runs per configuration, the fastest counts; default 1).
# Every run uses --threads 1 (one core per rank). The script times the sweep as one process, then
# under `mpirun -n N` for each N, checks that every result file is byte-identical to the one-process
# run's, and prints wall and CPU seconds, the CPU cost per work unit (one chip at one point) and the
# efficiency T(one process) / (N x T(N ranks)) in wall time. On a machine shared with other jobs
# the wall times depend on their load (printed); the CPU times much less.
set -euo pipefail
cd "$(dirname "$0")/.."
VOLTSIM=${VOLTSIM_BINARY:-build/voltsim}
SWEEP=${VOLTSIM_BENCH_SWEEP:---models randbet-8bit,normal-8bit --voltages-rel 1.0:0.76:0.02 --chips 10}
REPEAT=${VOLTSIM_BENCH_REPEAT:-1}
RANKS=("$@")
[ ${#RANKS[@]} -eq 0 ] && RANKS=(1 2)
# No binding to cores: on a shared machine a rank pinned to a busy core cannot move to an idle one.
MPIRUN=(mpirun -q --oversubscribe --bind-to none)
[ "$(id -u)" -eq 0 ] && MPIRUN+=(--allow-run-as-root)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

calc() { awk "BEGIN { print $1 }"; }

# The fastest of REPEAT runs of "$@" into $work/$label: prints its wall and CPU seconds (user +
# system of every process of the run).
time_runs() {
  local label=$1 best="" cpu="" times wall used
  shift
  for _ in $(seq "$REPEAT"); do
    rm -rf "${work:?}/$label"
    # shellcheck disable=SC2086 # SWEEP is a list of flags
    times=$({ TIMEFORMAT='%R %U %S'; time "$@" "$VOLTSIM" sweep $SWEEP --threads 1 --quiet --no-plots \
      --out "$work/$label" >/dev/null; } 2>&1)
    wall=$(echo "$times" | tail -1 | cut -d' ' -f1)
    used=$(calc "$(echo "$times" | tail -1 | cut -d' ' -f2) + $(echo "$times" | tail -1 | cut -d' ' -f3)")
    if [ -z "$best" ] || [ "$(calc "$wall < $best")" -eq 1 ]; then best=$wall cpu=$used; fi
  done
  echo "$best $cpu"
}

echo "sweep: $SWEEP --threads 1 (fastest of $REPEAT); $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
read -r one one_cpu <<<"$(time_runs one env)"
points=$(($(wc -l <"$work/one/sweep.csv") - 1))
chips=$(/usr/bin/python3 -c "import json; print(json.load(open('$work/one/config.json'))['chips'])")
units=$((points * chips))
printf "one process: %.1f s wall, %.1f s CPU for %d points x %d chips = %d work units, %.1f ms CPU per unit\n" \
  "$one" "$one_cpu" "$points" "$chips" "$units" "$(calc "1000 * $one_cpu / $units")"
for n in "${RANKS[@]}"; do
  read -r seconds cpu <<<"$(time_runs "ranks$n" "${MPIRUN[@]}" -n "$n")"
  for file in sweep.csv chips.csv stats.json summary.json points.jsonl config.json inputs.json; do
    cmp -s "$work/one/$file" "$work/ranks$n/$file" || { echo "ranks $n: $file differs from one process" >&2; exit 1; }
  done
  printf "mpirun -n %d: %.1f s wall, %.1f s CPU; speed-up %.2f, efficiency %.2f, CPU %.2fx one process's (files identical)\n" \
    "$n" "$seconds" "$cpu" "$(calc "$one / $seconds")" "$(calc "$one / ($n * $seconds)")" "$(calc "$cpu / $one_cpu")"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
