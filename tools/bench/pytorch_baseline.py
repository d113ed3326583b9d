#!/usr/bin/python3
"""PyTorch baseline for the sweep benchmark (docs/sweep.md, "Speed").

Runs a model package's network as dequantized float32 inference (every code decoded
w = scale * (v - offset) + center, inputs x / 255, ReLU, max-pool) on the full Fashion-MNIST test
set with Debian's python3-torch on 2 threads, and prints images/s and effective GMAC/s.
The codes come from --codes FILE (the corrupted codes bench_sweep writes with
VOLTSIM_DUMP_CODES=FILE), so both sides run the very same faulty weights; without --codes the
package's clean codes are used.

Usage:
  VOLTSIM_DUMP_CODES=/tmp/faulty.codes build/bench/bench_sweep
  /usr/bin/python3 tools/bench/pytorch_baseline.py --codes /tmp/faulty.codes [--model DIR] [--threads 2]
"""
import argparse
import gzip
import json
import os
import sys
import time

import numpy as np
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)
from tools.train.package import folded_gains  # noqa: E402  (the trainer's layer gains, read from requant)
DATASET_DIR = os.environ.get("VOLTSIM_FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist")


def read_idx(path):
    """An IDX file (optionally gzip) as a numpy uint8 array."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as handle:
        data = handle.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def test_set():
    """Fashion-MNIST test images (N x 1 x 28 x 28 float in [0, 1]) and labels."""
    def find(stem):
        for name in (stem + ".gz", stem):
            path = os.path.join(DATASET_DIR, name)
            if os.path.exists(path):
                return path
        raise SystemExit(f"pytorch_baseline: {stem}[.gz] not found in {DATASET_DIR}")
    images = read_idx(find("t10k-images-idx3-ubyte"))
    labels = read_idx(find("t10k-labels-idx1-ubyte"))
    return torch.from_numpy(images.astype(np.float32) / 255.0).unsqueeze(1), torch.from_numpy(labels.astype(np.int64))


def decode(tensor, codes):
    """Dequantized float32 tensor w = scale * (v - offset) + center."""
    start = tensor["blob_offset"]
    v = codes[start:start + tensor["count"]].astype(np.float32)
    w = tensor["scale"] * (v - tensor["offset"]) + tensor["center"]
    return torch.from_numpy(w.astype(np.float32).reshape(tensor["shape"]))


def layer_parameters(layer, codes):
    """Float weight and bias of a compute layer with its gains g_w, g_b folded in (docs/zoo.md)."""
    g_w, g_b = folded_gains(layer)
    return g_w * decode(layer["weight"], codes), g_b * decode(layer["bias"], codes)


def build(manifest, codes):
    """The network as a list of callables on float tensors, and its MACs per image."""
    ops, macs = [], 0
    for layer in manifest["layers"]:
        kind = layer["type"]
        if kind == "conv2d":
            w, b = layer_parameters(layer, codes)
            stride, padding = layer["stride"], layer["padding"]
            ops.append(lambda x, w=w, b=b, s=stride, p=padding: torch.conv2d(x, w, b, s, p))
            out = layer["out_shape"]
            macs += out[0] * out[1] * out[2] * int(np.prod(layer["weight"]["shape"][1:]))
        elif kind == "linear":
            w, b = layer_parameters(layer, codes)
            ops.append(lambda x, w=w, b=b: torch.nn.functional.linear(x, w, b))
            macs += int(np.prod(layer["weight"]["shape"]))
        elif kind == "maxpool2d":
            k, s = layer["kernel"], layer["stride"]
            ops.append(lambda x, k=k, s=s: torch.nn.functional.max_pool2d(x, k, s))
        elif kind == "flatten":
            ops.append(lambda x: torch.flatten(x, 1))
        if layer.get("relu"):
            ops.append(torch.relu)
    return ops, macs


def run(ops, images, batch):
    """Predicted classes of every image."""
    predictions = []
    with torch.inference_mode():
        for first in range(0, images.shape[0], batch):
            x = images[first:first + batch]
            for op in ops:
                x = op(x)
            predictions.append(torch.argmax(x, dim=1))
    return torch.cat(predictions)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=os.path.join(ROOT, "workloads/models/randbet-8bit"))
    parser.add_argument("--codes", help="corrupted codes (one per byte, blob layout) from bench_sweep")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv[1:])
    torch.set_num_threads(args.threads)
    with open(os.path.join(args.model, "manifest.json")) as handle:
        manifest = json.load(handle)
    codes_path = args.codes or os.path.join(args.model, manifest["blob"]["file"])
    codes = np.fromfile(codes_path, dtype=np.uint8)
    if codes.size != manifest["blob"]["bytes"]:
        raise SystemExit(f"pytorch_baseline: {codes_path}: {codes.size} codes, the package has {manifest['blob']['bytes']}")
    images, labels = test_set()
    ops, macs = build(manifest, codes)
    run(ops, images[:args.batch], args.batch)  # warm-up
    best = float("inf")
    for _ in range(args.repeat):
        start = time.perf_counter()
        predicted = run(ops, images, args.batch)
        best = min(best, time.perf_counter() - start)
    count = images.shape[0]
    error = float((predicted != labels).float().mean())
    print(json.dumps({
        "model": manifest["name"], "codes": codes_path, "threads": args.threads, "images": count,
        "seconds_best_of": args.repeat, "seconds": round(best, 4), "images_per_s": round(count / best, 1),
        "gmac_per_s": round(macs * count / best * 1e-9, 3), "macs_per_image": macs, "test_error_float": error,
        "torch": torch.__version__}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
