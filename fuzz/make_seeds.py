#!/usr/bin/env python3
"""Writes the fuzz seed corpora (fuzz/corpus/<target>/) from the shipped files.

Seeds are small on purpose (libFuzzer's mutation rate falls with input size). Run from anywhere:
    /usr/bin/python3 fuzz/make_seeds.py
The output is deterministic, so re-running it leaves git clean.
"""
import gzip
import hashlib
import json
import pathlib
import shutil
import struct

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fuzz" / "corpus"
SEP = b"\n--voltsim-fuzz-part--\n"


def reset(name):
    folder = CORPUS / name
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    return folder


def tensor(shape, bits, offset):
    count = 1
    for dim in shape:
        count *= dim
    return {"shape": shape, "bits": bits, "quantizer": "rquant", "range": [-0.1, 0.1],
            "offset": 1 << (bits - 1), "scale": 0.2 / (1 << bits), "center": 0.0,
            "blob_offset": offset, "count": count}


def requant(shift, m_acc, m_sum, m_bias, b0, logits):
    return {"shift": shift, "m_acc": m_acc, "m_sum": m_sum, "m_bias": m_bias, "b0": b0,
            "in_scale": 0.01, "out_scale": 0.02, "output": "int32" if logits else "uint8"}


def tiny_package():
    """The hand-computed tiny network of tests/workloads/PackageBuilder.hpp (same codes, logits)."""
    codes = bytes([129, 128, 128, 130, 131, 128, 128, 126, 130, 124, 9, 8, 7, 15, 0, 8, 8, 10, 3])
    cases = [([1, 2, 3, 4, 5, 6, 7, 8, 9], [20, -24, -262], [23, -24, -262]),
             ([0] * 9, [3, 2, -37], [5, 2, -37]),
             ([255] * 9, [128, 2046, -3327], [131, 2046, -3327])]
    images, faulty = [], []
    for i in range(3):
        pixels, logits, bad = cases[i]
        predicted = max(range(3), key=lambda k: (logits[k], -k))
        images.append({"index": i, "label": i, "pixels": pixels, "logits": logits, "predicted": predicted})
        faulty.append(bad)
    golden = json.dumps({"images": images, "faulty": {"seed": 7, "p": 0.01, "flips": [[16, 1]],
                                                      "logits": faulty}}).encode()
    manifest = {
        "format": "voltsim-model", "format_version": 1, "name": "tiny", "description": "fuzz seed",
        "dataset": {"name": "synthetic", "input_shape": [1, 3, 3], "num_classes": 3, "input_scale": 1 / 255},
        "training": {"method": "rquant", "bits": 8, "seed": 1, "command": "none"},
        "clean_test_error": 0.25, "test_images": 100,
        "blob": {"file": "codes.bin", "bytes": len(codes), "sha256": hashlib.sha256(codes).hexdigest()},
        "golden": {"file": "golden.json", "sha256": hashlib.sha256(golden).hexdigest()},
        "layers": [
            {"name": "conv1", "type": "conv2d", "in_shape": [1, 3, 3], "out_shape": [2, 2, 2],
             "kernel": [2, 2], "stride": 1, "padding": 0, "relu": True,
             "weight": tensor([2, 1, 2, 2], 8, 0), "bias": tensor([2], 8, 8),
             "requant": requant(2, 2, 1, 4, -2, False)},
            {"name": "pool1", "type": "maxpool2d", "in_shape": [2, 2, 2], "out_shape": [2, 1, 1],
             "kernel": [2, 2], "stride": 2},
            {"name": "flatten", "type": "flatten", "in_shape": [2, 1, 1], "out_shape": [2]},
            {"name": "fc", "type": "linear", "in_shape": [2], "out_shape": [3], "relu": False,
             "weight": tensor([3, 2], 4, 10), "bias": tensor([3], 4, 16),
             "requant": requant(1, 3, -1, 5, 1, True)}]}
    return json.dumps(manifest, indent=1).encode(), codes, golden


def model_package():
    folder = reset("model_package")
    manifest, codes, golden = tiny_package()
    for flags in (0, 1):
        (folder / f"tiny-{flags}").write_bytes(bytes([flags]) + manifest + SEP + codes + SEP + golden)
    (folder / "tiny-no-golden").write_bytes(bytes([1]) + manifest + SEP + codes)
    shipped = ROOT / "workloads" / "models" / "randbet-8bit" / "manifest.json"
    (folder / "randbet-8bit-manifest").write_bytes(bytes([0]) + shipped.read_bytes())
    # Format version 2: the trainer's fixture with every graph layer type.
    graph = ROOT / "tests" / "data" / "graph-every-layer"
    parts = [(graph / name).read_bytes() for name in ("manifest.json", "codes.bin", "golden.json")]
    (folder / "graph-every-layer-1").write_bytes(bytes([1]) + SEP.join(parts))


def copy_files(name, paths):
    folder = reset(name)
    for path in paths:
        shutil.copyfile(path, folder / path.name)
    return folder


def fault_map():
    examples = ROOT / "memory" / "profiles" / "examples"
    folder = copy_files("fault_map", [examples / "cells-example.csv"])
    ibm = examples / "ibm-example"
    parts = [ibm / f"fmap_sa{kind}_v_{volts}.txt" for volts in ("0.70", "0.65") for kind in (0, 1)]
    (folder / "ibm-two-voltages").write_bytes(SEP.join(p.read_bytes() for p in parts))
    parts = [ibm / f"fmap_sa{kind}_v_0.60.txt" for kind in (0, 1)]
    (folder / "ibm-one-voltage").write_bytes(SEP.join(p.read_bytes() for p in parts))


def idx():
    folder = reset("idx")
    labels = struct.pack(">BBBBI", 0, 0, 8, 1, 10) + bytes(range(10))
    images = struct.pack(">BBBBIII", 0, 0, 8, 3, 2, 3, 3) + bytes(range(18))
    (folder / "labels-1d").write_bytes(labels)
    (folder / "images-3d").write_bytes(images)
    (folder / "images-3d.gz").write_bytes(gzip.compress(images, mtime=0))


def sweep_folder():
    """config.json, inputs.json and points.jsonl of a sweep folder, for fuzz_sweep_folder's fixed
    rules (FuzzSweepFolder.cpp: models a and b, 3 points, 2 chips of seeds 11 and 22, 300 images)."""
    folder = reset("sweep_folder")
    config = (ROOT / "configs" / "sweep" / "default.json").read_bytes()
    inputs = json.dumps({"format": "voltsim-sweep-inputs", "version": 1, "files": [
        {"what": "model a manifest", "file": "a/manifest.json", "sha256": hashlib.sha256(b"a").hexdigest()},
        {"what": "profile", "file": "p.json", "sha256": hashlib.sha256(b"p").hexdigest()}]}).encode()
    records = [
        {"model": "a", "point": 0, "images": 300, "clean_errors": 22, "stored_bits": 1000, "ber": 0.0,
         "chips": [[11, 0, 0, 22], [22, 0, 0, 22]]},
        {"model": "a", "point": 2, "images": 300, "clean_errors": 22, "stored_bits": 1000, "ber": 0.01,
         "chips": [[11, 9, 10, 25], [22, 12, 12, 30]]},
        {"model": "b", "point": 1, "images": 300, "clean_errors": 30, "stored_bits": 2000, "ber": 0.001,
         "chips": [[11, 2, 3, 30], [22, 1, 1, 31]]},
    ]
    points = b"".join(json.dumps(r).encode() + b"\n" for r in records)
    (folder / "three-points").write_bytes(SEP.join([config, inputs, points]))
    (folder / "empty-points").write_bytes(SEP.join([b"{}", inputs, b""]))


def main():
    model_package()
    sweep_folder()
    copy_files("profile", sorted((ROOT / "memory" / "profiles").glob("*.json")))
    fault_map()
    copy_files("topology", sorted((ROOT / "workloads" / "topologies").glob("*")))
    idx()
    copy_files("npz", sorted((ROOT / "tests" / "data" / "datasets").glob("*.npz")))


if __name__ == "__main__":
    main()
