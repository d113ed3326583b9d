#!/usr/bin/env bash
# Installs the current build into a temporary prefix and runs the installed voltsim from another
# working directory: shipped data found next to the binary, VOLTSIM_DATA_DIR overriding it, a bad
# VOLTSIM_DATA_DIR or a missing matplotlib as one-line errors (README.md, "Install").
# Usage: install-test.sh CMAKE_COMMAND BUILD_DIR [PYTHON found at configure time]
set -euo pipefail
cmake=$1
build=$2
python=${3:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix
voltsim=$prefix/bin/voltsim

fail() { echo "install-test: $*" >&2; exit 1; }

# expect_error STATUS TEXT COMMAND...: COMMAND exits STATUS and prints one stderr line containing TEXT.
expect_error() {
  local status=$1 text=$2
  shift 2
  local got=0
  "$@" >"$work/out" 2>"$work/err" || got=$?
  [ "$got" -eq "$status" ] || fail "$*: exit $got, expected $status ($(cat "$work/err"))"
  [ "$(wc -l <"$work/err")" -eq 1 ] || fail "$*: expected one line on stderr, got: $(cat "$work/err")"
  grep -qF -- "$text" "$work/err" || fail "$*: stderr lacks '$text': $(cat "$work/err")"
}

"$cmake" --install "$build" --prefix "$prefix" >/dev/null
for folder in profiles configs models topologies plots; do
  [ -d "$prefix/share/voltsim/$folder" ] && [ ! -L "$prefix/share/voltsim/$folder" ] ||
    fail "share/voltsim/$folder is not an installed folder"
done
[ -f "$prefix/share/voltsim/plots/sweep_plot.py" ] || fail "plots/sweep_plot.py not installed"

mkdir "$work/elsewhere"
cd "$work/elsewhere"

# Shipped data by name, found relative to the installed binary.
"$voltsim" model check randbet-8bit --threads 2 >/dev/null || fail "model check of a shipped model failed"
"$voltsim" model info "$prefix/share/voltsim/models/randbet-4bit" >/dev/null || fail "model info by path failed"
"$voltsim" run --model randbet-8bit --images 16 --chips 1 --voltage-rel 0.9 --out run >/dev/null ||
  fail "run of a shipped model failed"
[ -s run/stats.json ] || fail "run wrote no stats.json"
"$voltsim" profile show stutz2021-14nm | grep -q stutz2021-14nm || fail "profile show of a shipped profile failed"
"$voltsim" layers --topology alexnet >/dev/null || fail "layers of a shipped topology failed"

# The Python module, when built: installed beside the data, imported from elsewhere, finds the data
# relative to itself.
module=$(find "$prefix" -name "_voltsim*.so" -print -quit)
if [ -n "$module" ] && [ -n "$python" ]; then
  PYTHONPATH=$(dirname "$(dirname "$module")") "$python" -c "
import voltsim
assert voltsim.data_dir() == '$prefix/share/voltsim', voltsim.data_dir()
assert voltsim.Chip(voltage_rel=0.8).flips(voltsim.load_model('randbet-8bit')) > 0
" || fail "the installed Python module failed"
fi

# A binary without data next to it: one-line error, then VOLTSIM_DATA_DIR overrides.
mkdir "$work/lonely"
cp "$voltsim" "$work/lonely/voltsim"
expect_error 2 "VOLTSIM_DATA_DIR" "$work/lonely/voltsim" profile show uniform
mv "$prefix/share/voltsim" "$work/data"
VOLTSIM_DATA_DIR=$work/data "$work/lonely/voltsim" profile show uniform | grep -q uniform ||
  fail "VOLTSIM_DATA_DIR was not used"
VOLTSIM_DATA_DIR=$work/data "$voltsim" model check randbet-4bit --threads 2 >/dev/null ||
  fail "model check through VOLTSIM_DATA_DIR failed"
expect_error 2 "VOLTSIM_DATA_DIR=$work/nowhere: not a voltsim data directory" \
  env VOLTSIM_DATA_DIR="$work/nowhere" "$voltsim" profile show uniform

# Plots: the interpreter comes from VOLTSIM_PYTHON; one without matplotlib is a one-line error.
export VOLTSIM_DATA_DIR=$work/data
expect_error 2 "cannot import matplotlib" env VOLTSIM_PYTHON=/bin/false "$voltsim" profile show uniform --png p.png
if [ -n "$python" ] && "$python" -c "import matplotlib" 2>/dev/null; then
  "$voltsim" profile show uniform --png p.png >/dev/null && [ -s p.png ] || fail "profile plot not drawn"
fi
echo "install-test: ok ($prefix)"
