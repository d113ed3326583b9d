"""Model packages (docs/model_package.md, format 'voltsim-model' version 1): export and reload.

The exporter quantizes a trained QuantNet, derives the integer requantization parameters of
docs/datapath.md, measures the clean test error with the integer reference and writes
manifest.json, codes.bin and golden.json. The loader re-validates a package (keys, shapes, tiling,
code range, SHA-256 checksums) and raises PackageError naming the file and JSON path of the problem.
"""
import hashlib
import json
import math
import os

import numpy as np
import torch

from . import faults, intref
from .network import INPUT_SHAPE, NUM_CLASSES, output_shape

FORMAT = "voltsim-model"
FORMAT_VERSION = 1
INPUT_SCALE = 1.0 / 255.0
# Logit scale of the last layer: 2^-16 keeps 16 fractional bits, far inside int32 for this network.
LOGIT_SCALE = 2.0 ** -16
# Every requantization multiplier m_* stays below 2^28 in magnitude (docs/datapath.md).
MULTIPLIER_LIMIT = 1 << 28
MAX_SHIFT = 62
GOLDEN_IMAGES = 32
FAULTY_SEED = 7
FAULTY_P = 0.01
MANIFEST_FILE = "manifest.json"
BLOB_FILE = "codes.bin"
GOLDEN_FILE = "golden.json"


class PackageError(ValueError):
    """A model package is malformed; the message names the file and JSON path."""


def round_half_up(x):
    return math.floor(x + 0.5)


def requant_integers(in_scale, weight, bias, out_scale, gains=(1.0, 1.0)):
    """shift and m_acc, m_sum, m_bias, b0 of docs/datapath.md; shift is the largest in 1..62 keeping |m_*| < 2^28.

    ``gains`` (g_w, g_b) are the layer's learned gains of its weighted sum and its bias (QuantNet)."""
    g_w, g_b = gains
    reals = {"m_acc": g_w * in_scale * weight.scale / out_scale, "m_sum": g_w * in_scale * weight.center / out_scale,
             "m_bias": g_b * bias.scale / out_scale}
    for shift in range(MAX_SHIFT, 0, -1):
        ints = {k: round_half_up(v * 2.0 ** shift) for k, v in reals.items()}
        if all(abs(v) < MULTIPLIER_LIMIT for v in ints.values()):
            ints["b0"] = round_half_up(g_b * bias.center / out_scale * 2.0 ** shift)
            return shift, ints
    raise PackageError(f"requantization multipliers {reals} do not fit below 2^28 even at shift 1")


def sha256_hex(data):
    return hashlib.sha256(data).hexdigest()


def _tensor_entry(q, blob_offset):
    return {"shape": list(q.codes.shape), "bits": q.bits, "quantizer": q.quantizer,
            "range": [q.range_min, q.range_max], "offset": q.offset, "scale": q.scale, "center": q.center,
            "blob_offset": blob_offset, "count": q.codes.numel()}


def _compute_layer_entry(spec, in_shape, out_shape, pair, blob_offset, in_scale, out_scale, is_last, gains):
    qw, qb = pair
    shift, ints = requant_integers(in_scale, qw, qb, out_scale, gains)
    entry = {"name": spec.name, "type": spec.kind, "in_shape": list(in_shape), "out_shape": list(out_shape)}
    if spec.kind == "conv2d":
        entry.update({"kernel": [spec.kernel, spec.kernel], "stride": spec.stride, "padding": spec.padding})
    entry["relu"] = spec.relu
    entry["weight"] = _tensor_entry(qw, blob_offset)
    entry["bias"] = _tensor_entry(qb, blob_offset + qw.codes.numel())
    entry["requant"] = {"shift": shift, **ints, "in_scale": in_scale, "out_scale": out_scale,
                        "output": "int32" if is_last else "uint8"}
    return entry


def build_layers(model):
    """(manifest layer list, uint8 code blob) of a trained QuantNet."""
    quantized = model.quantized()
    last_compute = [s.name for s in model.architecture if s.kind in ("conv2d", "linear")][-1]
    layers, blobs = [], []
    shape, scale, offset = INPUT_SHAPE, INPUT_SCALE, 0
    for spec in model.architecture:
        out = output_shape(spec, shape)
        if spec.kind in ("conv2d", "linear"):
            is_last = spec.name == last_compute
            out_scale = LOGIT_SCALE if is_last else model.activation_scale(spec.name)
            pair = quantized[spec.name]
            layers.append(_compute_layer_entry(spec, shape, out, pair, offset, scale, out_scale, is_last,
                                               model.gains(spec.name)))
            for q in pair:
                blobs.append(q.codes.reshape(-1).numpy().astype(np.uint8))
                offset += q.codes.numel()
            scale = out_scale
        elif spec.kind == "maxpool2d":
            layers.append({"name": spec.name, "type": spec.kind, "in_shape": list(shape), "out_shape": list(out),
                           "kernel": [spec.kernel, spec.kernel], "stride": spec.stride})
        else:
            layers.append({"name": spec.name, "type": spec.kind, "in_shape": list(shape), "out_shape": list(out)})
        shape = out
    return layers, np.concatenate(blobs)


def code_bits(layers):
    """Bits of every code in blob order (uint8 array)."""
    bits = []
    for layer in layers:
        for key in ("weight", "bias"):
            if key in layer:
                bits.append(np.full(layer[key]["count"], layer[key]["bits"], dtype=np.uint8))
    return np.concatenate(bits)


def pattern_masks(layers, seed, p):
    """XOR masks of the nested random pattern ``seed`` at rate p, one per code in blob order."""
    return faults.xor_masks(faults.cell_uniforms(code_bits(layers), seed), p)


def build_golden(layers, codes, images, labels, count=GOLDEN_IMAGES, seed=FAULTY_SEED, p=FAULTY_P):
    """golden.json content: the first ``count`` test images, clean logits and logits after random flips."""
    pixels = images[:count]
    clean = intref.logits(layers, codes, pixels)
    masks = pattern_masks(layers, seed, p)
    flipped = np.nonzero(masks)[0]
    faulty = intref.logits(layers, codes ^ masks, pixels)
    return {"images": [{"index": i, "label": int(labels[i]), "pixels": pixels[i].reshape(-1).tolist(),
                        "logits": clean[i].tolist(), "predicted": int(intref.predictions(clean[i:i + 1])[0])}
                       for i in range(count)],
            "faulty": {"seed": seed, "p": p, "flips": [[int(i), int(masks[i])] for i in flipped],
                       "logits": faulty.tolist()}}


def golden_json_text(golden):
    """One image (and one flip list, one logit row) per line: diff-friendly and compact."""
    images = ",\n  ".join(json.dumps(img, separators=(",", ":")) for img in golden["images"])
    f = golden["faulty"]
    rows = ",\n   ".join(json.dumps(r) for r in f["logits"])
    return (f'{{"images": [\n  {images}\n ],\n "faulty": {{"seed": {f["seed"]}, "p": {json.dumps(f["p"])},\n'
            f'  "flips": {json.dumps(f["flips"], separators=(",", ":"))},\n  "logits": [\n   {rows}\n  ]}}\n}}\n')


def build_manifest(name, description, training, layers, codes, clean_error, test_count, golden_text):
    return {"format": FORMAT, "format_version": FORMAT_VERSION, "name": name, "description": description,
            "dataset": {"name": "fashion-mnist", "input_shape": list(INPUT_SHAPE), "num_classes": NUM_CLASSES,
                        "input_scale": INPUT_SCALE},
            "training": training, "clean_test_error": clean_error, "test_images": test_count,
            "blob": {"file": BLOB_FILE, "bytes": int(codes.size), "sha256": sha256_hex(codes.tobytes())},
            "golden": {"file": GOLDEN_FILE, "sha256": sha256_hex(golden_text.encode())},
            "layers": layers}


def export(model, out_dir, name, description, training, test_images, test_labels):
    """Writes the package of ``model`` into ``out_dir``; returns the manifest."""
    layers, codes = build_layers(model)
    test_logits = intref.logits(layers, codes, test_images)
    clean_error = float(np.mean(intref.predictions(test_logits) != test_labels))
    golden_text = golden_json_text(build_golden(layers, codes, test_images, test_labels))
    manifest = build_manifest(name, description, training, layers, codes, clean_error, len(test_labels), golden_text)
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, BLOB_FILE), "wb") as f:
        f.write(codes.tobytes())
    with open(os.path.join(out_dir, GOLDEN_FILE), "w") as f:
        f.write(golden_text)
    with open(os.path.join(out_dir, MANIFEST_FILE), "w") as f:
        f.write(json.dumps(manifest, indent=2) + "\n")
    return manifest


def initialise_from(model, manifest, codes):
    """Sets a QuantNet's parameters to the decoded weights of a package and its activation running
    maxima to the package's scales (fine-tuning start, e.g. RandBET from a Clipping package)."""
    layers = {layer["name"]: layer for layer in manifest["layers"] if "weight" in layer}
    with torch.no_grad():
        for name in model.weights:
            layer = layers[name]
            for param, key in ((model.weights[name], "weight"), (model.biases[name], "bias")):
                entry = layer[key]
                values = intref.tensor_codes(torch.from_numpy(codes.astype(np.int64)), entry).to(torch.float64)
                # Normal truncates: start mid-cell so re-quantizing gives the same codes (RQuant rounds).
                middle = 0.5 if entry["quantizer"] == "normal" else 0.0
                param.copy_(entry["scale"] * (values - entry["offset"] + middle) + entry["center"])
            if layer["requant"]["output"] == "uint8":
                getattr(model, f"act_max_{name}").fill_(layer["requant"]["out_scale"] * 255.0)
            g_w, g_b = folded_gains(layer)
            model.log_weight_gains[name].fill_(math.log(g_w))
            model.log_bias_gains[name].fill_(math.log(g_b))


def folded_gains(layer):
    """(g_w, g_b) requant_integers folded into ``layer``'s multipliers, read back from m_acc and m_bias
    (their rounding to integers leaves a relative error of at most 0.5 / |m|)."""
    requant, unit = layer["requant"], 2.0 ** layer["requant"]["shift"]
    g_w = requant["m_acc"] / unit * requant["out_scale"] / (requant["in_scale"] * layer["weight"]["scale"])
    g_b = requant["m_bias"] / unit * requant["out_scale"] / layer["bias"]["scale"]
    return g_w, g_b


TOP_KEYS = {"format", "format_version", "name", "description", "dataset", "training", "clean_test_error",
            "test_images", "blob", "golden", "layers"}
DATASET_KEYS = {"name", "input_shape", "num_classes", "input_scale"}
FILE_KEYS = {"blob": {"file", "bytes", "sha256"}, "golden": {"file", "sha256"}}
LAYER_KEYS = {
    "conv2d": {"name", "type", "in_shape", "out_shape", "kernel", "stride", "padding", "relu", "weight", "bias",
               "requant"},
    "linear": {"name", "type", "in_shape", "out_shape", "relu", "weight", "bias", "requant"},
    "maxpool2d": {"name", "type", "in_shape", "out_shape", "kernel", "stride"},
    "flatten": {"name", "type", "in_shape", "out_shape"},
}
TENSOR_KEYS = {"shape", "bits", "quantizer", "range", "offset", "scale", "center", "blob_offset", "count"}
REQUANT_KEYS = {"shift", "m_acc", "m_sum", "m_bias", "b0", "in_scale", "out_scale", "output"}


def _fail(path, message):
    raise PackageError(f"{MANIFEST_FILE}: {path}: {message}")


def _check_keys(obj, expected, path):
    if not isinstance(obj, dict):
        _fail(path, "must be an object")
    missing = sorted(expected - obj.keys())
    unknown = sorted(obj.keys() - expected)
    if missing:
        _fail(path, f"missing key '{missing[0]}'")
    if unknown:
        _fail(path, f"unknown key '{unknown[0]}' (valid: {', '.join(sorted(expected))})")


def _check_int(value, path, low, high):
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        _fail(path, f"must be an integer {low}..{high}, got {json.dumps(value)}")


def _check_tensor(tensor, path, expected_offset, codes):
    _check_keys(tensor, TENSOR_KEYS, path)
    _check_int(tensor["bits"], f"{path}.bits", 2, 8)
    bits = tensor["bits"]
    if tensor["quantizer"] not in ("rquant", "normal"):
        _fail(f"{path}.quantizer", f"must be rquant or normal, got {json.dumps(tensor['quantizer'])}")
    if tensor["offset"] != 1 << (bits - 1):
        _fail(f"{path}.offset", f"must be 2^(bits-1) = {1 << (bits - 1)}, got {json.dumps(tensor['offset'])}")
    if tensor["blob_offset"] != expected_offset:
        _fail(f"{path}.blob_offset", f"must be {expected_offset} (tensors tile the blob), got {tensor['blob_offset']}")
    if tensor["count"] != int(np.prod(tensor["shape"])):
        _fail(f"{path}.count", f"must be the product of shape {tensor['shape']}, got {tensor['count']}")
    end = expected_offset + tensor["count"]
    if end > len(codes):
        _fail(path, f"codes {expected_offset}..{end} lie beyond the {len(codes)}-byte blob")
    too_big = np.nonzero(codes[expected_offset:end] >= (1 << bits))[0]
    if too_big.size:
        _fail(path, f"code {int(codes[expected_offset + too_big[0]])} at blob index {expected_offset + too_big[0]} "
                    f"is not < 2^{bits}")
    return end


def _check_requant(requant, path, is_last):
    _check_keys(requant, REQUANT_KEYS, path)
    _check_int(requant["shift"], f"{path}.shift", 1, MAX_SHIFT)
    for key in ("m_acc", "m_sum", "m_bias"):
        _check_int(requant[key], f"{path}.{key}", -MULTIPLIER_LIMIT + 1, MULTIPLIER_LIMIT - 1)
    _check_int(requant["b0"], f"{path}.b0", -(1 << 62), 1 << 62)
    expected = "int32" if is_last else "uint8"
    if requant["output"] != expected:
        _fail(f"{path}.output", f"must be {expected}, got {json.dumps(requant['output'])}")


def _check_layers(layers, dataset, codes):
    if not isinstance(layers, list) or not layers:
        _fail("layers", "must be a non-empty list")
    shape, offset = dataset["input_shape"], 0
    for i, layer in enumerate(layers):
        path = f"layers[{i}]"
        kind = layer.get("type") if isinstance(layer, dict) else None
        if kind not in LAYER_KEYS:
            _fail(f"{path}.type", f"must be one of {', '.join(LAYER_KEYS)}, got {json.dumps(kind)}")
        _check_keys(layer, LAYER_KEYS[kind], path)
        if layer["in_shape"] != shape:
            _fail(f"{path}.in_shape", f"must be the previous output shape {shape}, got {layer['in_shape']}")
        if "weight" in layer:
            offset = _check_tensor(layer["weight"], f"{path}.weight", offset, codes)
            offset = _check_tensor(layer["bias"], f"{path}.bias", offset, codes)
            _check_requant(layer["requant"], f"{path}.requant", i == len(layers) - 1)
        shape = layer["out_shape"]
    if shape != [dataset["num_classes"]]:
        _fail(f"layers[{len(layers) - 1}].out_shape", f"must be [num_classes] = [{dataset['num_classes']}]")
    if offset != len(codes):
        _fail("layers", f"tensors cover {offset} codes but {BLOB_FILE} holds {len(codes)}")


def _read_checked(directory, entry, key):
    path = os.path.join(directory, entry["file"])
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        _fail(f"{key}.file", f"cannot read {path}: {e.strerror}")
    if sha256_hex(data) != entry["sha256"]:
        raise PackageError(f"{path}: SHA-256 does not match manifest.json {key}.sha256")
    return data


def load(directory):
    """(manifest, codes uint8 array, golden) of the package in ``directory``, fully validated."""
    manifest_path = os.path.join(directory, MANIFEST_FILE)
    try:
        with open(manifest_path) as f:
            manifest = json.load(f)
    except OSError as e:
        raise PackageError(f"{manifest_path}: cannot read: {e.strerror}")
    except json.JSONDecodeError as e:
        raise PackageError(f"{manifest_path}: invalid JSON at line {e.lineno}: {e.msg}")
    _check_keys(manifest, TOP_KEYS, "(top level)")
    if manifest["format"] != FORMAT or manifest["format_version"] != FORMAT_VERSION:
        _fail("format", f"must be {FORMAT} version {FORMAT_VERSION}")
    _check_keys(manifest["dataset"], DATASET_KEYS, "dataset")
    for key, keys in FILE_KEYS.items():
        _check_keys(manifest[key], keys, key)
    codes = np.frombuffer(_read_checked(directory, manifest["blob"], "blob"), dtype=np.uint8)
    if len(codes) != manifest["blob"]["bytes"]:
        _fail("blob.bytes", f"{BLOB_FILE} has {len(codes)} bytes, manifest says {manifest['blob']['bytes']}")
    golden = json.loads(_read_checked(directory, manifest["golden"], "golden"))
    _check_layers(manifest["layers"], manifest["dataset"], codes)
    return manifest, codes, golden
