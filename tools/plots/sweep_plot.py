#!/usr/bin/python3
"""Draws the trade-off plots of a `voltsim sweep` output directory.

Usage: sweep_plot.py DIR [--quiet]

Reads DIR/sweep.csv (and DIR/summary.json, whose points_done/points_total mark a partial sweep's
plots "partial: N of M points") and writes, next to it, one line per model (per model and
protection: "model@protection") with the min/max band over chips:
  rerr_vs_sram_saving.png  RErr (%) against weight-SRAM energy saving (%)
  rerr_vs_energy_saving.png RErr (%) against total energy saving per inference (%)
  rerr_vs_energy_nj.png    RErr (%) against energy per inference (nJ), so models of different bit
                           widths and protections compare on one absolute axis
  yield_vs_energy_nj.png   yield (% of chips within the sweep's RErr limit) against energy per inference
  rerr_vs_voltage.png      RErr (%) against V/V_min
or, for a sweep over bit error rates (--bers), rerr_vs_ber.png (RErr against p, log axis).
`voltsim sweep` and `voltsim merge` call it unless --no-plots is given.
"""
import csv
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def read_rows(path):
    """Rows of sweep.csv grouped by model and protection, in file order: {label: [row dict with floats]}."""
    models = {}
    with open(path, newline="") as handle:
        for row in csv.DictReader(handle):
            text = ("model", "protection")
            parsed = {k: (float(v) if v != "" and k not in text else v) for k, v in row.items()}
            protection = row.get("protection", "none")
            label = row["model"] if protection == "none" else row["model"] + "@" + protection
            models.setdefault(label, []).append(parsed)
    return models


def partial_title(directory):
    """"partial: N of M points" when DIR/summary.json says points are missing, else None."""
    path = os.path.join(directory, "summary.json")
    if not os.path.exists(path):
        return None
    with open(path) as handle:
        summary = json.load(handle)
    done, total = summary.get("points_done"), summary.get("points_total")
    if done is None or total is None or done == total:
        return None
    return "partial: %d of %d points" % (done, total)


def draw(models, x_key, x_label, path, log_x=False, x_scale=100.0, title=None, y_key="rerr"):
    """One figure against x_key: RErr mean with a min/max band over chips (y_key "rerr"), or the yield."""
    fig, axes = plt.subplots(figsize=(6.4, 4.2))
    if title:
        axes.set_title(title)
    value_key = "rerr_mean" if y_key == "rerr" else y_key
    for name, rows in models.items():
        rows = [r for r in rows if r[x_key] != "" and r.get(value_key, "") != ""]
        if not rows:
            continue
        rows.sort(key=lambda r: r[x_key])
        x = [r[x_key] * x_scale for r in rows]
        if y_key == "rerr":
            axes.plot(x, [100 * r["rerr_mean"] for r in rows], "o-", markersize=3, label=name)
            axes.fill_between(x, [100 * r["rerr_min"] for r in rows], [100 * r["rerr_max"] for r in rows],
                              alpha=0.2)
        else:
            axes.plot(x, [100 * r[y_key] for r in rows], "o-", markersize=3, label=name)
    if log_x:
        axes.set_xscale("log")
    axes.set_xlabel(x_label)
    if y_key == "rerr":
        axes.set_ylabel("RErr (%) over chips: mean, min-max band")
    else:
        axes.set_ylabel("yield: chips within the RErr limit (%)")
        axes.set_ylim(-5, 105)
    axes.grid(True, alpha=0.3)
    axes.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def main(argv):
    args = [a for a in argv[1:] if a != "--quiet"]
    if len(args) != 1:
        print("usage: sweep_plot.py DIR [--quiet]", file=sys.stderr)
        return 2
    directory = args[0]
    models = read_rows(os.path.join(directory, "sweep.csv"))
    if not models:
        return 0
    title = partial_title(directory)
    by_rate = all(r["voltage_mv"] == "" for rows in models.values() for r in rows)
    if by_rate:
        written = [draw(models, "ber", "bit error rate p", os.path.join(directory, "rerr_vs_ber.png"), True, 1.0,
                        title)]
    else:
        written = [
            draw(models, "sram_energy_saving", "weight-SRAM energy saving vs V_nom (%)",
                 os.path.join(directory, "rerr_vs_sram_saving.png"), title=title),
            draw(models, "energy_saving", "energy saving per inference vs V_nom (%)",
                 os.path.join(directory, "rerr_vs_energy_saving.png"), title=title),
            draw(models, "energy_pj", "energy per inference (nJ)", os.path.join(directory, "rerr_vs_energy_nj.png"),
                 x_scale=1e-3, title=title),
            draw(models, "energy_pj", "energy per inference (nJ)", os.path.join(directory, "yield_vs_energy_nj.png"),
                 x_scale=1e-3, title=title, y_key="yield"),
            draw(models, "voltage_rel", "V / V_min", os.path.join(directory, "rerr_vs_voltage.png"), x_scale=1.0,
                 title=title),
        ]
    if title and "--quiet" not in argv:
        print("plots: " + title)
    if "--quiet" not in argv:
        print("plots: " + ", ".join(written))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
