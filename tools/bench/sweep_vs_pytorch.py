#!/usr/bin/python3
"""The sweep speed benchmark of docs/sweep.md ("Speed") in one command: voltsim against PyTorch.

Runs build/bench/bench_sweep's BM_FaultyTestSet on the CNN or the ResNet (exact integer inference of the full
test set with the corrupted weights of one faulty chip, writing those codes; best of --repeat),
then tools/bench/pytorch_baseline.py on the very same codes, images and thread count (PyTorch
float32 and PyTorch's int8 engines onednn and qnnpack, allocator tuned, best of --repeat), and
prints every figure with voltsim's speed ratio to each, the kernel path voltsim used and the
fraction of the int8 peak bench_sweep measures.

Usage (from the repository root, after scripts/setup.sh):
  /usr/bin/python3 tools/bench/sweep_vs_pytorch.py [--model cnn|resnet] [--build build] [--threads 2] [--repeat 5]
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


MODELS = {"cnn": "randbet-8bit", "resnet": "resnet-randbet-8bit"}


def voltsim_figures(build, model, threads, repeat, codes_path):
    """bench_sweep's fastest repetition of ``model`` (cnn or resnet) on ``threads`` threads."""
    bench = os.path.join(build, "bench", "bench_sweep")
    if not os.path.exists(bench):
        sys.exit(f"sweep_vs_pytorch: {bench} not found (build with -DVOLTSIM_BUILD_BENCHMARKS=ON)")
    report = run_json([bench, f"--benchmark_filter=BM_FaultyTestSet/{model}/{threads}/",
                       f"--benchmark_repetitions={repeat}", "--benchmark_format=json"],
                      env={**os.environ, "VOLTSIM_DUMP_CODES": codes_path})
    run = max((run for run in report["benchmarks"] if run.get("run_type") == "iteration"),
              key=lambda run: run["items_per_second"])
    return {"images_per_s": run["items_per_second"], "gmac_per_s": run["GMAC/s"],
            "int8_peak_gmac_per_s": run["int8_peak_GMAC/s"], "kernels": run.get("label", "")}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=tuple(MODELS), default="cnn", help="network (default cnn)")
    parser.add_argument("--build", default=os.path.join(ROOT, "build"), help="build directory (default build)")
    parser.add_argument("--threads", type=int, choices=(1, 2), default=2, help="threads on every side (default 2)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per side; the fastest counts (default 5)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        codes_path = os.path.join(scratch, "faulty.codes")
        ours = voltsim_figures(args.build, args.model, args.threads, args.repeat, codes_path)
        package = os.path.join(ROOT, "workloads", "models", MODELS[args.model])
        baselines = run_json([sys.executable, os.path.join(ROOT, "tools", "bench", "pytorch_baseline.py"),
                              "--codes", codes_path, "--model", package,
                              "--threads", str(args.threads), "--repeat", str(args.repeat)])
    peak = ours["gmac_per_s"] / ours["int8_peak_gmac_per_s"]
    threads = f"{args.threads} thread{'s' if args.threads > 1 else ''}"
    print(f"{MODELS[args.model]}, 10,000 images, faulty codes of one chip at p = 1 %, {threads}, best of {args.repeat}")
    print(f"voltsim (exact integer, {ours['kernels']} kernels): {ours['images_per_s']:,.0f} images/s, "
          f"{ours['gmac_per_s']:.1f} GMAC/s, {100 * peak:.1f} % of the measured int8 peak "
          f"({ours['int8_peak_gmac_per_s']:.0f} GMAC/s)")
    for baseline in baselines:
        kind = "float32" if baseline["engine"] == "float32" else f"int8 {baseline['engine']}"
        print(f"PyTorch {baseline['torch']} {kind}: {baseline['images_per_s']:,.0f} images/s, "
              f"{baseline['gmac_per_s']:.1f} GMAC/s; voltsim / PyTorch {kind}: "
              f"{ours['images_per_s'] / baseline['images_per_s']:.2f}x")
    print(f"(PyTorch with {baselines[0]['allocator']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
