#!/usr/bin/env bash
# Code checks (CI stages `format` and `tidy`): fails on any of
#   format  a tracked C++ file (*.hpp, *.cpp) that clang-format 14 would change (.clang-format);
#   tidy    a clang-tidy 14 finding of the curated set (.clang-tidy) in a translation unit of the
#           build's compile_commands.json or in a voltsim header it includes.
#
# Usage: scripts/check.sh [format] [tidy]        (default: both, format first)
# Environment: VOLTSIM_BUILD_DIR (default build; configured here if it has no
#              compile_commands.json, nothing is compiled), VOLTSIM_CHECK_JOBS (parallel
#              clang-tidy processes, default nproc).
# Fix a format finding with `clang-format-14 -i FILE`; a tidy finding by hand, or with
# `clang-tidy-14 -p build --fix FILE` where the check offers a fix.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-deps.sh
CHECKS=("$@")
[ ${#CHECKS[@]} -eq 0 ] && CHECKS=(format tidy)
BUILD_DIR=${VOLTSIM_BUILD_DIR:-build}
JOBS=${VOLTSIM_CHECK_JOBS:-$(nproc)}
# The checks .clang-tidy enables: their findings are errors (compiler warnings stay the build's).
TIDY_ERRORS='bugprone-*,performance-*,modernize-use-override,modernize-use-nullptr'

# Inside `if check_x`, bash ignores `set -e`: every step of a check ends in `|| return 1`.
check_format() {
  # --Werror makes every file clang-format would change an error (one message per place).
  git ls-files -z '*.hpp' '*.cpp' | xargs -0 clang-format-14 --dry-run --Werror || return 1
}

check_tidy() {
  if [ ! -f "$BUILD_DIR/compile_commands.json" ]; then
    cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release >/dev/null || return 1
  fi
  local files
  files=$(/usr/bin/python3 -c 'import json, sys
print("\n".join(sorted({entry["file"] for entry in json.load(open(sys.argv[1]))})))' \
    "$BUILD_DIR/compile_commands.json") || return 1
  # One clang-tidy process per translation unit; xargs fails if any of them reports an error.
  # -Wno-error: a build configured with VOLTSIM_WERROR would turn clang's own warnings (which
  # differ from g++'s) into errors here. clang-tidy counts the suppressed warnings of system
  # headers on stderr: those lines are dropped.
  echo "$files" | xargs -P "$JOBS" -n 1 clang-tidy-14 -p "$BUILD_DIR" --quiet --extra-arg=-Wno-error \
    --warnings-as-errors="$TIDY_ERRORS" 2> >(grep -v '^[0-9]* warnings\? generated\.$' >&2) || return 1
}

failed=()
for check in "${CHECKS[@]}"; do
  case "$check" in
    format|tidy) ;;
    *) echo "scripts/check.sh: unknown check '$check' (valid: format, tidy)" >&2; exit 2 ;;
  esac
  start=$(date +%s)
  if "check_$check"; then result=ok; else result=FAILED; failed+=("$check"); fi
  echo "=== scripts/check.sh: $check $result in $(( $(date +%s) - start )) s"
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "scripts/check.sh: failed checks: ${failed[*]}" >&2
  exit 1
fi
