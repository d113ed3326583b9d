#!/usr/bin/python3
"""The sweep speed benchmark of docs/sweep.md ("Speed") in one command: voltsim against PyTorch.

Runs build/bench/bench_sweep's BM_FaultyTestSet on 2 threads (exact integer inference of the full
test set with the corrupted weights of one faulty chip, writing those codes), then
tools/bench/pytorch_baseline.py on the very same codes with 2 threads, and prints both with the
speed ratio and the fraction of the machine's int8 peak bench_sweep reports.

Usage (from the repository root, after scripts/setup.sh):
  /usr/bin/python3 tools/bench/sweep_vs_pytorch.py [--build build] [--threads 2]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run_json(command, env=None):
    """stdout of ``command`` parsed as JSON; exits with its message if it fails."""
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"sweep_vs_pytorch: {' '.join(command)} failed: {result.stderr.strip()}")
    return json.loads(result.stdout)


def voltsim_figures(build, threads, codes_path):
    bench = os.path.join(build, "bench", "bench_sweep")
    if not os.path.exists(bench):
        sys.exit(f"sweep_vs_pytorch: {bench} not found (build with -DVOLTSIM_BUILD_BENCHMARKS=ON)")
    report = run_json([bench, f"--benchmark_filter=BM_FaultyTestSet/{threads}/", "--benchmark_format=json"],
                      env={**os.environ, "VOLTSIM_DUMP_CODES": codes_path})
    run = report["benchmarks"][0]
    return {"images_per_s": run["items_per_second"], "gmac_per_s": run["GMAC/s"],
            "int8_peak_gmac_per_s": run["int8_peak_GMAC/s"]}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default=os.path.join(ROOT, "build"), help="build directory (default build)")
    parser.add_argument("--threads", type=int, choices=(1, 2), default=2, help="threads on both sides (default 2)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        codes_path = os.path.join(scratch, "faulty.codes")
        ours = voltsim_figures(args.build, args.threads, codes_path)
        torch_side = run_json([sys.executable, os.path.join(ROOT, "tools", "bench", "pytorch_baseline.py"),
                               "--codes", codes_path, "--threads", str(args.threads)])
    ratio = ours["images_per_s"] / torch_side["images_per_s"]
    peak = ours["gmac_per_s"] / ours["int8_peak_gmac_per_s"]
    print(f"voltsim (exact integer, {args.threads} threads): {ours['images_per_s']:,.0f} images/s, "
          f"{ours['gmac_per_s']:.1f} GMAC/s, {100 * peak:.1f} % of the int8 peak "
          f"({ours['int8_peak_gmac_per_s']:.0f} GMAC/s)")
    print(f"PyTorch {torch_side['torch']} (float32, {args.threads} threads): {torch_side['images_per_s']:,.0f} images/s, "
          f"{torch_side['gmac_per_s']:.1f} GMAC/s")
    print(f"voltsim / PyTorch: {ratio:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
