"""Cross-check of two independent implementations: the simulator's RErr under random bit errors
(`voltsim sweep --bers`, C++ fault model and integer datapath) against the trainer's RErr table
(docs/zoo_rerr.csv, tools/train/rerr.py with numpy's generator and the Python integer reference).

    build/voltsim sweep --profile uniform --bers 0.001,0.005,0.01,0.02,0.05,0.1 --chips 10 --out /tmp/ber-sweep
    /usr/bin/python3 -m tools.train.crosscheck /tmp/ber-sweep/sweep.csv

The two draw different error patterns, so they agree statistically: for every (model, p) in both,
the simulator's mean RErr over chips must lie within the table's [min, max] over patterns and the
table's mean within the simulator's [min, max]. Clean errors must be equal (same network, exact
arithmetic). Prints one line per pair; exit status 1 if any disagrees, 2 on bad input.
"""
import argparse
import csv
import sys

from .rerr import CSV_PATH


def read_rows(path, key_fields, parser):
    try:
        with open(path, newline="") as f:
            rows = list(csv.DictReader(f))
    except OSError as e:
        parser.exit(2, f"voltsim-train: error: {path}: cannot read: {e.strerror}\n")
    if not rows or any(k not in rows[0] for k in key_fields):
        parser.exit(2, f"voltsim-train: error: {path}: expected CSV columns {', '.join(key_fields)}\n")
    return rows


def table_by_key(rows):
    """{(model, p): (clean, mean, min, max)} of docs/zoo_rerr.csv rows."""
    return {(r["model"], float(r["p"])): tuple(float(r[k]) for k in ("clean_err", "rerr_mean", "rerr_min", "rerr_max"))
            for r in rows}


def sweep_by_key(rows):
    """{(model, p): (clean, mean, min, max)} of sweep.csv rows of a --bers sweep."""
    return {(r["model"], float(r["ber"])): tuple(float(r[k]) for k in ("err", "rerr_mean", "rerr_min", "rerr_max"))
            for r in rows}


def agrees(table, sweep):
    """The check described in the module docstring."""
    t_clean, t_mean, t_min, t_max = table
    s_clean, s_mean, s_min, s_max = sweep
    return t_clean == s_clean and t_min <= s_mean <= t_max and s_min <= t_mean <= s_max


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python3 -m tools.train.crosscheck", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sweep_csv", help="sweep.csv of a `voltsim sweep --bers ...` run")
    parser.add_argument("--table", default=CSV_PATH, help="RErr table CSV (default docs/zoo_rerr.csv)")
    args = parser.parse_args(argv)
    table = table_by_key(read_rows(args.table, ("model", "p", "clean_err", "rerr_mean"), parser))
    sweep = sweep_by_key(read_rows(args.sweep_csv, ("model", "ber", "err", "rerr_mean"), parser))
    common = sorted(set(table) & set(sweep))
    if not common:
        parser.exit(2, f"voltsim-train: error: {args.sweep_csv}: no (model, p) in common with {args.table}\n")
    failures = 0
    print(f"{'model':<15} {'p':>6}  {'trainer RErr % mean (min-max)':>30}  {'simulator RErr % mean (min-max)':>32}  ok")
    for key in common:
        t, s = table[key], sweep[key]
        ok = agrees(t, s)
        failures += not ok
        print(f"{key[0]:<15} {key[1]:>6g}  {100 * t[1]:>12.2f} ({100 * t[2]:6.2f}-{100 * t[3]:6.2f})    "
              f"{100 * s[1]:>12.2f} ({100 * s[2]:6.2f}-{100 * s[3]:6.2f})    {'yes' if ok else 'NO'}")
    print(f"{len(common) - failures} of {len(common)} (model, p) pairs agree", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
