#!/usr/bin/python3
"""PyTorch baselines for the sweep benchmark (docs/sweep.md, "Speed").

Runs a model package's network on the full Fashion-MNIST test set with Debian's python3-torch,
once per engine, all on the same weights, images and thread count:

  float32  dequantized float32 inference: every code decoded w = scale * (v - offset) + center,
           inputs x / 255, ReLU, pools, residual adds and concats as the package's graph wires them;
  onednn   PyTorch's own int8 inference of that float model (static quantisation: int8 weights,
           uint8 activations calibrated on the first 1,000 test images, conv+ReLU and
           linear+ReLU fused, adds and concats requantised by FloatFunctional) with the oneDNN kernels;
  qnnpack  the same with the QNNPACK kernels (Debian's torch has no fbgemm).

It prints one JSON list, an object per engine: best of --repeat, images/s, effective GMAC/s and
the test error. The codes come from --codes FILE (the corrupted codes bench_sweep writes with
VOLTSIM_DUMP_CODES=FILE), so every engine runs the very same faulty weights; without --codes the
package's clean codes are used.

glibc's allocator is tuned as PyTorch's CPU performance tuning guide advises (large allocations
kept, not returned to the system after every batch): the script re-executes itself with
MALLOC_MMAP_THRESHOLD_=4294967296 MALLOC_TRIM_THRESHOLD_=68719476736 in its environment (glibc
reads them only at start-up). Without that tuning float32 is several times slower.

Usage:
  VOLTSIM_DUMP_CODES=/tmp/faulty.codes build/bench/bench_sweep --benchmark_filter=FaultyTestSet/cnn/2
  /usr/bin/python3 tools/bench/pytorch_baseline.py --codes /tmp/faulty.codes [--model DIR] [--threads 2]
"""
import os
import sys

ALLOCATOR_TUNING = {"MALLOC_MMAP_THRESHOLD_": "4294967296", "MALLOC_TRIM_THRESHOLD_": "68719476736"}
if __name__ == "__main__" and any(os.environ.get(k) != v for k, v in ALLOCATOR_TUNING.items()):
    os.execve(sys.executable, [sys.executable] + sys.argv, {**os.environ, **ALLOCATOR_TUNING})

import argparse  # noqa: E402  (after the re-execution: nothing heavy is loaded twice)
import gzip  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402
from torch.ao import quantization  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)
from tools.train.package import folded_gains  # noqa: E402  (the trainer's layer gains, read from requant)
DATASET_DIR = os.environ.get("VOLTSIM_FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist")
ENGINES = ("float32", "onednn", "qnnpack")
CALIBRATION_IMAGES = 1000


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


def with_parameters(module, layer, codes):
    """``module`` holding the layer's float weight and bias, its gains g_w, g_b folded in (docs/zoo.md)."""
    g_w, g_b = folded_gains(layer)
    module.weight.data = g_w * decode(layer["weight"], codes)
    module.bias.data = g_b * decode(layer["bias"], codes)
    return module


class Merge(nn.Module):
    """add or concat (along channels) of a graph network's inputs, through FloatFunctional so that
    quantisation observes and requantises its output."""

    def __init__(self, kind):
        super().__init__()
        self.kind = kind
        self.op = nn.quantized.FloatFunctional()

    def forward(self, *inputs):
        if self.kind == "add":
            return self.op.add(inputs[0], inputs[1])
        return self.op.cat(list(inputs), dim=1)


class Network(nn.Module):
    """A package's network (conv2d, linear, maxpool2d, avgpool2d, global_avgpool, flatten, add,
    concat, ReLU; each layer reading the tensors its manifest names) between quantisation stubs,
    which are identities until the model is quantised."""

    def __init__(self, manifest, codes):
        super().__init__()
        layers, self.fusable, self.macs, self.steps = [], [], 0, []
        for layer in manifest["layers"]:
            kind = layer["type"]
            if kind == "conv2d":
                shape = layer["weight"]["shape"]
                conv = nn.Conv2d(layer["in_shape"][0], shape[0], tuple(layer["kernel"]), layer["stride"],
                                 layer["padding"], groups=layer.get("groups", 1))
                layers.append(with_parameters(conv, layer, codes))
                out = layer["out_shape"]
                self.macs += out[0] * out[1] * out[2] * int(np.prod(shape[1:]))
            elif kind == "linear":
                shape = layer["weight"]["shape"]
                layers.append(with_parameters(nn.Linear(shape[1], shape[0]), layer, codes))
                self.macs += int(np.prod(shape))
            elif kind == "maxpool2d":
                layers.append(nn.MaxPool2d(tuple(layer["kernel"]), layer["stride"], layer.get("padding", 0)))
            elif kind == "avgpool2d":
                layers.append(nn.AvgPool2d(tuple(layer["kernel"]), layer["stride"]))
            elif kind == "global_avgpool":
                layers.append(nn.AdaptiveAvgPool2d(1))
            elif kind == "flatten":
                layers.append(nn.Flatten())
            elif kind in ("add", "concat"):
                layers.append(Merge(kind))
            else:
                raise SystemExit(f"pytorch_baseline: layer type {kind} is not supported")
            self.steps.append((len(layers) - 1, tuple(layer.get("inputs") or [self.steps_output()]), layer["name"]))
            if layer.get("relu"):
                self.fusable.append([f"body.{len(layers) - 1}", f"body.{len(layers)}"])
                layers.append(nn.ReLU())
                self.steps.append((len(layers) - 1, (layer["name"],), layer["name"]))
        self.body = nn.ModuleList(layers)
        self.quant = quantization.QuantStub()
        self.dequant = quantization.DeQuantStub()

    def steps_output(self):
        """The tensor a layer without named inputs reads: the previous layer's (or the input)."""
        return self.steps[-1][2] if self.steps else "input"

    def forward(self, x):
        tensors = {"input": self.quant(x)}
        for index, inputs, output in self.steps:
            tensors[output] = self.body[index](*(tensors[name] for name in inputs))
        return self.dequant(tensors[self.steps[-1][2]])


def prepared_model(engine, manifest, codes, images, batch):
    """The network for ``engine``: float32 as decoded, or statically quantised by PyTorch."""
    model = Network(manifest, codes).eval()
    if engine == "float32":
        return model
    torch.backends.quantized.engine = engine
    model = quantization.fuse_modules(model, model.fusable)
    model.qconfig = quantization.get_default_qconfig(engine)
    quantization.prepare(model, inplace=True)
    with torch.inference_mode():
        for first in range(0, CALIBRATION_IMAGES, batch):
            model(images[first:min(first + batch, CALIBRATION_IMAGES)])
    return quantization.convert(model)


def run(model, images, batch):
    """Predicted classes of every image."""
    predictions = []
    with torch.inference_mode():
        for first in range(0, images.shape[0], batch):
            predictions.append(torch.argmax(model(images[first:first + batch]), dim=1))
    return torch.cat(predictions)


def measure(engine, manifest, codes, images, labels, args):
    """One engine's figures: best of args.repeat passes over every image."""
    model = prepared_model(engine, manifest, codes, images, args.batch)
    run(model, images[:args.batch], args.batch)  # warm-up
    best = float("inf")
    for _ in range(args.repeat):
        start = time.perf_counter()
        predicted = run(model, images, args.batch)
        best = min(best, time.perf_counter() - start)
    count = images.shape[0]
    return {"engine": engine, "images_per_s": round(count / best, 1),
            "gmac_per_s": round(model.macs * count / best * 1e-9, 3), "seconds": round(best, 4),
            "test_error": float((predicted != labels).float().mean())}


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=os.path.join(ROOT, "workloads/models/randbet-8bit"))
    parser.add_argument("--codes", help="corrupted codes (one per byte, blob layout) from bench_sweep")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5, help="passes per engine; the fastest counts (default 5)")
    parser.add_argument("--engines", default=",".join(ENGINES), help=f"comma-separated subset of {','.join(ENGINES)}")
    args = parser.parse_args(argv[1:])
    engines = args.engines.split(",")
    for engine in engines:
        if engine not in ENGINES or (engine != "float32" and engine not in torch.backends.quantized.supported_engines):
            raise SystemExit(f"pytorch_baseline: --engines: '{engine}' is not available here "
                             f"(valid: {', '.join(ENGINES)})")
    torch.set_num_threads(args.threads)
    with open(os.path.join(args.model, "manifest.json")) as handle:
        manifest = json.load(handle)
    codes_path = args.codes or os.path.join(args.model, manifest["blob"]["file"])
    codes = np.fromfile(codes_path, dtype=np.uint8)
    if codes.size != manifest["blob"]["bytes"]:
        raise SystemExit(f"pytorch_baseline: {codes_path}: {codes.size} codes, the package has {manifest['blob']['bytes']}")
    images, labels = test_set()
    common = {"model": manifest["name"], "codes": codes_path, "threads": args.threads, "images": images.shape[0],
              "best_of": args.repeat, "torch": torch.__version__,
              "allocator": " ".join(f"{k}={os.environ.get(k)}" for k in ALLOCATOR_TUNING)}
    print(json.dumps([{**common, **measure(engine, manifest, codes, images, labels, args)} for engine in engines],
                     indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
