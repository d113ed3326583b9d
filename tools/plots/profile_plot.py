#!/usr/bin/python3
"""Draws an SRAM profile's bit error rate and dynamic energy against voltage.

Usage: profile_plot.py DESCRIPTION.json OUT.png, where DESCRIPTION.json is the output of
`voltsim profile show NAME --json` (voltsim profile show --png calls this script).
"""
import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main(argv):
    if len(argv) != 3:
        print("usage: profile_plot.py DESCRIPTION.json OUT.png", file=sys.stderr)
        return 2
    with open(argv[1]) as handle:
        profile = json.load(handle)
    rows = profile["points"]
    ber = [(r["voltage_mv"], r["ber"]) for r in rows if r["ber"] is not None and r["ber"] > 0]
    energy = [(r["voltage_mv"], r["energy_rel"]) for r in rows if r["energy_rel"] is not None]
    fig, left = plt.subplots(figsize=(6.4, 4.0))
    if ber:
        left.semilogy([v for v, _ in ber], [p for _, p in ber], "o-", color="tab:red", label="bit error rate")
    left.set_xlabel("supply voltage (mV)")
    left.set_ylabel("bit error rate", color="tab:red")
    left.axvline(profile["voltage_min_mv"], color="gray", linestyle=":", label="V_min")
    right = left.twinx()
    right.plot([v for v, _ in energy], [e for _, e in energy], "s--", color="tab:blue", label="energy / access")
    right.set_ylabel("dynamic energy relative to V_nom", color="tab:blue")
    left.set_title("SRAM profile " + profile["name"])
    fig.tight_layout()
    fig.savefig(argv[2], dpi=120)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
