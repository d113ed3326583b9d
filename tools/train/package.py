"""Model packages (docs/model_package.md, format 'voltsim-model'): export (version 2) and reload (1 and 2).

The exporter quantizes a trained QuantNet (a graph), derives the integer requantization parameters
of docs/datapath.md, measures the clean test error with the integer reference and writes
manifest.json, codes.bin and golden.json. The loader re-validates a package (keys, graph, shapes,
tiling, code range, SHA-256 checksums) and raises PackageError naming the file, the JSON path and
the layer of the problem.
"""
import hashlib
import json
import math
import os

import numpy as np
import torch

from . import faults, intref
from .network import COMPUTE_KINDS, INPUT, SIGNED_ZERO_POINT, activation_levels, compute_layers, shapes, zero_point

FORMAT = "voltsim-model"
FORMAT_VERSION = 2
FORMAT_VERSIONS = (1, 2)
INPUT_SCALE = 1.0 / 255.0
# Logit scale of the last layer: 2^-16 keeps 16 fractional bits, far inside int32 for this network.
LOGIT_SCALE = 2.0 ** -16
# Every requantization multiplier m_* stays below 2^28 in magnitude (docs/datapath.md).
MULTIPLIER_LIMIT = 1 << 28
# ... and every b0 below 2^62 (the loaders' bound: T cannot overflow int64).
B0_LIMIT = 1 << 62
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


def requant_integers(in_scale, weight, bias, out_scale, gains=(1.0, 1.0), out_zero_point=0):
    """shift and m_acc, m_sum, m_bias, b0 of docs/datapath.md; shift is the largest in 1..62 keeping |m_*| < 2^28
    and |b0| < 2^62.

    ``gains`` (g_w, g_b) are the layer's learned gains of its weighted sum and its bias (QuantNet);
    the output's zero point is folded into b0 (docs/datapath.md, "Zero points")."""
    g_w, g_b = gains
    reals = {"m_acc": g_w * in_scale * weight.scale / out_scale, "m_sum": g_w * in_scale * weight.center / out_scale,
             "m_bias": g_b * bias.scale / out_scale}
    for shift in range(MAX_SHIFT, 0, -1):
        ints = {k: round_half_up(v * 2.0 ** shift) for k, v in reals.items()}
        b0 = round_half_up(g_b * bias.center / out_scale * 2.0 ** shift) + (out_zero_point << shift)
        if all(abs(v) < MULTIPLIER_LIMIT for v in ints.values()) and abs(b0) < B0_LIMIT:
            return shift, {**ints, "b0": b0}
    raise PackageError(f"requantization multipliers {reals} do not fit below 2^28 even at shift 1")


def rescale_integers(in_scales, out_scale, in_zero_points=None, out_zero_point=0):
    """(shift, [m_i], b0) of an add or concat: m_i = round(2^shift s_i / s_out), b0 = ``add_b0`` of the
    zero points (0 for a concat, whose inputs have none), shift the largest in 1..62 keeping every
    |m_i| < 2^28 and |b0| < 2^62 (docs/datapath.md, "Graph layers", "Zero points")."""
    in_zero_points = in_zero_points or [0] * len(in_scales)
    for shift in range(MAX_SHIFT, 0, -1):
        ints = [round_half_up(s * 2.0 ** shift / out_scale) for s in in_scales]
        b0 = add_b0(shift, ints, in_zero_points, out_zero_point)
        if all(abs(m) < MULTIPLIER_LIMIT for m in ints) and abs(b0) < B0_LIMIT:
            return shift, ints, b0
    raise PackageError(f"rescaling multipliers of scales {in_scales} -> {out_scale} do not fit below 2^28 at shift 1")


def add_b0(shift, multipliers, in_zero_points, out_zero_point):
    """b0 = z_out 2^shift - sum_i m_i z_i of an add (docs/datapath.md, "Zero points")."""
    return (out_zero_point << shift) - sum(m * z for m, z in zip(multipliers, in_zero_points))


def sha256_hex(data):
    return hashlib.sha256(data).hexdigest()


def _tensor_entry(q, blob_offset):
    return {"shape": list(q.codes.shape), "bits": q.bits, "quantizer": q.quantizer,
            "range": [q.range_min, q.range_max], "offset": q.offset, "scale": q.scale, "center": q.center,
            "blob_offset": blob_offset, "count": q.codes.numel()}


def _compute_layer_entry(spec, pair, blob_offset, in_scale, out_scale, is_last, gains, out_zero_point):
    qw, qb = pair
    shift, ints = requant_integers(in_scale, qw, qb, out_scale, gains, out_zero_point)
    entry = {}
    if spec.kind == "conv2d":
        entry.update({"kernel": [spec.kernel, spec.kernel], "stride": spec.stride, "padding": spec.padding,
                      "groups": spec.groups})
    entry["relu"] = spec.relu
    entry["weight"] = _tensor_entry(qw, blob_offset)
    entry["bias"] = _tensor_entry(qb, blob_offset + qw.codes.numel())
    entry["requant"] = {"shift": shift, **ints, "in_scale": in_scale, "out_scale": out_scale,
                        "output": "int32" if is_last else "uint8"}
    if out_zero_point:
        entry["requant"]["zero_point"] = out_zero_point
    return entry


def _graph_layer_entry(spec, in_scales, out_scale, in_zero_points, out_zero_point):
    if spec.kind == "maxpool2d":
        return {"kernel": [spec.kernel, spec.kernel], "stride": spec.stride, "padding": spec.padding}
    if spec.kind == "avgpool2d":
        return {"kernel": [spec.kernel, spec.kernel], "stride": spec.stride}
    if spec.kind in ("add", "concat"):
        shift, multipliers, b0 = rescale_integers(in_scales, out_scale, in_zero_points, out_zero_point)
        requant = {"shift": shift, "multipliers": multipliers, "in_scales": in_scales, "out_scale": out_scale}
        if b0:  # only an add reading or writing signed tensors has one; concat never does
            requant["b0"] = b0
        if out_zero_point:
            requant["zero_point"] = out_zero_point
        return {"requant": requant}
    return {}


def build_layers(model):
    """(version 2 manifest layer list, uint8 code blob) of a trained QuantNet."""
    quantized = model.quantized()
    last = model.nodes[-1][0].name
    out_shapes = shapes(model.network)
    scales = model.output_scales(INPUT_SCALE)
    scales[last] = LOGIT_SCALE
    layers, blobs, offset = [], [], 0
    for spec, inputs in model.nodes:
        entry = {"name": spec.name, "type": spec.kind, "inputs": list(inputs)}
        if len(inputs) == 1:
            entry["in_shape"] = list(out_shapes[inputs[0]])
        entry["out_shape"] = list(out_shapes[spec.name])
        in_scales = [scales[i] for i in inputs]
        out_zero_point = zero_point(spec.name in model.signed)
        if spec.kind in COMPUTE_KINDS:
            pair = quantized[spec.name]
            entry.update(_compute_layer_entry(spec, pair, offset, in_scales[0], scales[spec.name], spec.name == last,
                                              model.gains(spec.name), out_zero_point))
            for q in pair:
                blobs.append(q.codes.reshape(-1).numpy().astype(np.uint8))
                offset += q.codes.numel()
        else:
            entry.update(_graph_layer_entry(spec, in_scales, scales[spec.name],
                                            [zero_point(i in model.signed) for i in inputs], out_zero_point))
        layers.append(entry)
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


def build_manifest(name, description, training, network, dataset_name, layers, codes, clean_error, test_count,
                   golden_text):
    return {"format": FORMAT, "format_version": FORMAT_VERSION, "name": name, "description": description,
            "dataset": {"name": dataset_name, "input_shape": list(network.input_shape),
                        "num_classes": network.num_classes, "input_scale": INPUT_SCALE},
            "training": training, "clean_test_error": clean_error, "test_images": test_count,
            "blob": {"file": BLOB_FILE, "bytes": int(codes.size), "sha256": sha256_hex(codes.tobytes())},
            "golden": {"file": GOLDEN_FILE, "sha256": sha256_hex(golden_text.encode())},
            "layers": layers}


def export(model, out_dir, name, description, training, test_images, test_labels, dataset_name="fashion-mnist"):
    """Writes the package of ``model`` into ``out_dir`` (test images uint8 [N, C, H, W] of the dataset
    ``dataset_name`` names); returns the manifest."""
    layers, codes = build_layers(model)
    test_logits = intref.logits(layers, codes, test_images)
    clean_error = float(np.mean(intref.predictions(test_logits) != test_labels))
    golden_text = golden_json_text(build_golden(layers, codes, test_images, test_labels))
    manifest = build_manifest(name, description, training, model.network, dataset_name, layers, codes, clean_error,
                              len(test_labels), golden_text)
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
        for name in (spec.name for spec in compute_layers(model.network.layers)):
            layer = layers[name]
            for param, key in zip(model.parameters_of(name), ("weight", "bias")):
                entry = layer[key]
                values = intref.tensor_codes(torch.from_numpy(codes.astype(np.int64)), entry).to(torch.float64)
                # Normal truncates: start mid-cell so re-quantizing gives the same codes (RQuant rounds).
                middle = 0.5 if entry["quantizer"] == "normal" else 0.0
                param.copy_(entry["scale"] * (values - entry["offset"] + middle) + entry["center"])
            for log_gain, gain in zip(model.log_gains_of(name), folded_gains(layer)):
                log_gain.fill_(math.log(gain))
        for layer in manifest["layers"]:
            act_max = model.act_max_of(layer["name"])
            if act_max is not None:  # hidden compute layers and adds
                signed = layer["requant"].get("zero_point", 0) != 0
                act_max.fill_(layer["requant"]["out_scale"] * activation_levels(signed))


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
# Version 2: every layer has "inputs" and "out_shape", single-input layers "in_shape"; (required, optional).
LAYER_KEYS_V2 = {
    "conv2d": (LAYER_KEYS["conv2d"] | {"inputs"}, {"groups"}),
    "linear": (LAYER_KEYS["linear"] | {"inputs"}, set()),
    "maxpool2d": (LAYER_KEYS["maxpool2d"] | {"inputs"}, {"padding"}),
    "avgpool2d": ({"name", "type", "inputs", "in_shape", "out_shape", "kernel", "stride"}, set()),
    "global_avgpool": ({"name", "type", "inputs", "in_shape", "out_shape"}, set()),
    "add": ({"name", "type", "inputs", "out_shape", "requant"}, set()),
    "concat": ({"name", "type", "inputs", "out_shape", "requant"}, set()),
    "flatten": (LAYER_KEYS["flatten"] | {"inputs"}, set()),
}
RESCALE_KEYS = {"shift", "multipliers", "in_scales", "out_scale"}
TENSOR_KEYS = {"shape", "bits", "quantizer", "range", "offset", "scale", "center", "blob_offset", "count"}
REQUANT_KEYS = {"shift", "m_acc", "m_sum", "m_bias", "b0", "in_scale", "out_scale", "output"}


def _fail(path, message):
    raise PackageError(f"{MANIFEST_FILE}: {path}: {message}")


def _check_keys(obj, expected, path, optional=frozenset()):
    if not isinstance(obj, dict):
        _fail(path, "must be an object")
    missing = sorted(expected - obj.keys())
    unknown = sorted(obj.keys() - expected - optional)
    if missing:
        _fail(path, f"missing key '{missing[0]}'")
    if unknown:
        _fail(path, f"unknown key '{unknown[0]}' (valid: {', '.join(sorted(expected | optional))})")


def _check_int(value, path, low, high):
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        _fail(path, f"must be an integer {low}..{high}, got {json.dumps(value)}")


def _check_tensor(tensor, path, expected_offset, codes):
    _check_keys(tensor, TENSOR_KEYS, path)
    shape = tensor["shape"]
    if not isinstance(shape, list) or not shape or not all(isinstance(d, int) and d >= 1 for d in shape):
        _fail(f"{path}.shape", f"must be a list of positive integers, got {json.dumps(shape)}")
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


def _check_zero_point(requant, path):
    """Whether a requant declares a signed output; its zero_point, if any, must be 128."""
    if "zero_point" not in requant:
        return False
    if requant["zero_point"] != SIGNED_ZERO_POINT:
        _fail(f"{path}.zero_point", f"must be {SIGNED_ZERO_POINT} (a signed tensor), got {json.dumps(requant['zero_point'])}")
    return True


def _check_requant(requant, path, is_last, optional=frozenset()):
    _check_keys(requant, REQUANT_KEYS, path, optional)
    _check_int(requant["shift"], f"{path}.shift", 1, MAX_SHIFT)
    for key in ("m_acc", "m_sum", "m_bias"):
        _check_int(requant[key], f"{path}.{key}", -MULTIPLIER_LIMIT + 1, MULTIPLIER_LIMIT - 1)
    _check_int(requant["b0"], f"{path}.b0", -B0_LIMIT + 1, B0_LIMIT - 1)
    expected = "int32" if is_last else "uint8"
    if requant["output"] != expected:
        _fail(f"{path}.output", f"must be {expected}, got {json.dumps(requant['output'])}")


def _check_layers(layers, dataset, codes):
    """Version 1: a chain; each layer reads the one before it."""
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


def _input_count_ok(kind, n):
    return n == 2 if kind == "add" else n >= 2 if kind == "concat" else n == 1


def _check_inputs(layer, path, known):
    """The input shapes of a version 2 layer; every input names an earlier layer or "input"."""
    inputs, kind, name = layer["inputs"], layer["type"], layer["name"]
    if not isinstance(inputs, list) or not all(isinstance(x, str) for x in inputs):
        _fail(f"{path}.inputs", f"layer '{name}': must be a list of layer names")
    if not _input_count_ok(kind, len(inputs)):
        wanted = {"add": "2", "concat": "2 or more"}.get(kind, "1")
        _fail(f"{path}.inputs", f"layer '{name}': {kind} takes {wanted} input(s), got {len(inputs)}")
    for j, source in enumerate(inputs):
        if source not in known:
            _fail(f"{path}.inputs[{j}]", f"layer '{name}' reads '{source}', which is not 'input' or an earlier layer")
    return [known[source] for source in inputs]


def _window_size(n, kernel, stride, padding):
    return (n + 2 * padding - kernel) // stride + 1


def _expected_out_shape(layer, path, in_shapes):
    """The output shape a version 2 layer must declare, after checking its inputs' shapes fit its type."""
    kind, name, first = layer["type"], layer["name"], in_shapes[0]
    if kind in ("conv2d", "maxpool2d", "avgpool2d", "global_avgpool", "add", "concat") and \
            any(len(s) != 3 for s in in_shapes):
        _fail(f"{path}.inputs", f"layer '{name}': a {kind} reads [C, H, W] tensors, got {in_shapes}")
    if kind == "add":
        if in_shapes[0] != in_shapes[1]:
            _fail(f"{path}.inputs", f"layer '{name}': an add needs equal shapes, got {in_shapes[0]} and {in_shapes[1]}")
        return first
    if kind == "concat":
        if any(s[1:] != first[1:] for s in in_shapes):
            _fail(f"{path}.inputs", f"layer '{name}': a concat needs equal H and W, got {in_shapes}")
        return [sum(s[0] for s in in_shapes)] + first[1:]
    if kind == "flatten":
        return [int(np.prod(first))]
    if kind == "global_avgpool":
        return [first[0], 1, 1]
    if kind == "linear":
        out = layer["weight"]["shape"][0]
        if len(first) != 1 or layer["weight"]["shape"] != [out, first[0]]:
            _fail(f"{path}.weight.shape", f"layer '{name}': must be [outputs, {first}], got {layer['weight']['shape']}")
        return [out]
    if not isinstance(layer["kernel"], list) or len(layer["kernel"]) != 2:
        _fail(f"{path}.kernel", f"layer '{name}': must be [kh, kw], got {json.dumps(layer['kernel'])}")
    kh, kw = layer["kernel"]
    padding = layer.get("padding", 0)
    _check_int(kh, f"{path}.kernel[0]", 1, 1 << 16)
    _check_int(kw, f"{path}.kernel[1]", 1, 1 << 16)
    _check_int(layer["stride"], f"{path}.stride", 1, 1 << 16)
    _check_int(padding, f"{path}.padding", 0, 1 << 16)
    size = [_window_size(first[1], kh, layer["stride"], padding), _window_size(first[2], kw, layer["stride"], padding)]
    if min(size) < 1:
        _fail(f"{path}.kernel", f"layer '{name}': a {kh}x{kw} window does not fit the input {first}")
    if kind != "conv2d":
        return [first[0]] + size
    groups = layer.get("groups", 1)
    _check_int(groups, f"{path}.groups", 1, 1 << 16)
    c_out = layer["weight"]["shape"][0] if layer["weight"]["shape"] else 0
    if first[0] % groups or c_out % groups:
        _fail(f"{path}.groups", f"layer '{name}': {groups} groups do not divide {first[0]} input and {c_out} "
                                f"output channels")
    if layer["weight"]["shape"] != [c_out, first[0] // groups, kh, kw]:
        _fail(f"{path}.weight.shape", f"layer '{name}': must be [C_out, {first[0] // groups}, {kh}, {kw}], "
                                      f"got {layer['weight']['shape']}")
    return [c_out] + size


def _check_rescale(layer, path):
    rq, n = layer["requant"], len(layer["inputs"])
    _check_keys(rq, RESCALE_KEYS, f"{path}.requant", {"b0", "zero_point"} if layer["type"] == "add" else set())
    if "b0" in rq:
        _check_int(rq["b0"], f"{path}.requant.b0", -B0_LIMIT + 1, B0_LIMIT - 1)
    _check_int(rq["shift"], f"{path}.requant.shift", 1, MAX_SHIFT)
    for key in ("multipliers", "in_scales"):
        if not isinstance(rq[key], list) or len(rq[key]) != n:
            _fail(f"{path}.requant.{key}", f"layer '{layer['name']}': must be a list of {n} (one per input)")
    for j, m in enumerate(rq["multipliers"]):
        _check_int(m, f"{path}.requant.multipliers[{j}]", -MULTIPLIER_LIMIT + 1, MULTIPLIER_LIMIT - 1)


def _check_graph(layers, dataset, codes):
    """Version 2: every layer names earlier layers (or "input") as inputs, shapes fit, all outputs read."""
    if not isinstance(layers, list) or not layers:
        _fail("layers", "must be a non-empty list")
    known, readers, signed, offset = {INPUT: dataset["input_shape"]}, {}, set(), 0
    for i, layer in enumerate(layers):
        path = f"layers[{i}]"
        kind = layer.get("type") if isinstance(layer, dict) else None
        name = layer.get("name") if isinstance(layer, dict) else None
        if kind not in LAYER_KEYS_V2:
            _fail(f"{path}.type", f"layer {json.dumps(name)}: must be one of {', '.join(LAYER_KEYS_V2)}, "
                                  f"got {json.dumps(kind)}")
        required, optional = LAYER_KEYS_V2[kind]
        _check_keys(layer, required, path, optional)
        if not isinstance(name, str) or name in known:
            _fail(f"{path}.name", f"must be a new layer name other than 'input', got {json.dumps(name)}")
        in_shapes = _check_inputs(layer, path, known)
        read_signed = [source for source in layer["inputs"] if source in signed]
        if read_signed and kind != "add":
            _fail(f"{path}.inputs", f"layer '{name}': reads the signed tensor '{read_signed[0]}' (zero point "
                                    f"{SIGNED_ZERO_POINT}); only an add may read one")
        if kind in COMPUTE_KINDS:
            offset = _check_tensor(layer["weight"], f"{path}.weight", offset, codes)
            offset = _check_tensor(layer["bias"], f"{path}.bias", offset, codes)
            _check_requant(layer["requant"], f"{path}.requant", i == len(layers) - 1, {"zero_point"})
        elif kind in ("add", "concat"):
            _check_rescale(layer, path)
        if "requant" in layer and _check_zero_point(layer["requant"], f"{path}.requant"):
            signed.add(name)
        if "in_shape" in layer and layer["in_shape"] != in_shapes[0]:
            _fail(f"{path}.in_shape", f"layer '{name}': must be its input's shape {in_shapes[0]}, got {layer['in_shape']}")
        expected = _expected_out_shape(layer, path, in_shapes)
        if layer["out_shape"] != expected:
            _fail(f"{path}.out_shape", f"layer '{name}': must be {expected}, got {layer['out_shape']}")
        for source in layer["inputs"]:
            readers[source] = readers.get(source, 0) + 1
        known[name] = layer["out_shape"]
    last = layers[-1]
    if last["type"] not in COMPUTE_KINDS or last["out_shape"] != [dataset["num_classes"]]:
        _fail(f"layers[{len(layers) - 1}]", f"layer '{last['name']}': the last layer must be a conv2d or linear with "
                                            f"out_shape [num_classes] = [{dataset['num_classes']}]")
    for i, layer in enumerate(layers[:-1]):
        if layer["name"] not in readers:
            _fail(f"layers[{i}]", f"layer '{layer['name']}': its output is read by no later layer")
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
    if manifest["format"] != FORMAT or manifest["format_version"] not in FORMAT_VERSIONS:
        _fail("format", f"must be {FORMAT} version 1 or 2")
    _check_keys(manifest["dataset"], DATASET_KEYS, "dataset")
    for key, keys in FILE_KEYS.items():
        _check_keys(manifest[key], keys, key)
    codes = np.frombuffer(_read_checked(directory, manifest["blob"], "blob"), dtype=np.uint8)
    if len(codes) != manifest["blob"]["bytes"]:
        _fail("blob.bytes", f"{BLOB_FILE} has {len(codes)} bytes, manifest says {manifest['blob']['bytes']}")
    golden = json.loads(_read_checked(directory, manifest["golden"], "golden"))
    check = _check_layers if manifest["format_version"] == 1 else _check_graph
    check(manifest["layers"], manifest["dataset"], codes)
    return manifest, codes, golden
