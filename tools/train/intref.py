"""Integer reference of docs/datapath.md, run on a package's manifest layers.

The codes are an argument, so corrupted codes are evaluated by the same arithmetic. The
requantization is int64 arithmetic exactly as written in the contract. The arithmetic runs on
torch CPU tensors because Debian's numpy links the slow reference BLAS; inputs and outputs are
numpy arrays. The MACs of uint8 activations by unsigned codes run in floating point: every
term and every partial sum is a non-negative integer no larger than the full sum
K * (2^m - 1) * 255, so float32 is exact when that bound is below 2^24 and float64 below 2^53,
in any summation order (checked per layer; direct convolution only, never Winograd or FFT).
"""
import numpy as np
import torch
import torch.nn.functional as F

FLOAT32_EXACT = 1 << 24
FLOAT64_EXACT = 1 << 53
INT32_MIN = -(1 << 31)
INT32_MAX = (1 << 31) - 1
BATCH_SIZE = 1000


def exact_dtype(k, bits):
    """Narrowest float type in which a sum of ``k`` products (2^bits - 1) x 255 is exact."""
    bound = k * ((1 << bits) - 1) * 255
    if bound < FLOAT32_EXACT:
        return torch.float32
    if bound < FLOAT64_EXACT:
        return torch.float64
    raise ValueError(f"a sum of {k} products of {bits}-bit codes and uint8 activations is not exact in float64")


def tensor_codes(codes, tensor):
    """int64 codes of one manifest tensor entry, reshaped to its shape."""
    start = tensor["blob_offset"]
    return codes[start:start + tensor["count"]].reshape(tensor["shape"])


def requantize(acc, sum_q, bias_codes, layer):
    """T and its rounding of docs/datapath.md. acc int64 [N, C_out, ...], sum_q int64 broadcastable to acc."""
    weight, bias, rq = layer["weight"], layer["bias"], layer["requant"]
    bias_term = rq["m_bias"] * (bias_codes - bias["offset"]) + rq["b0"] + (1 << (rq["shift"] - 1))
    bias_term = bias_term.reshape((1, -1) + (1,) * (acc.dim() - 2))
    t = acc.mul_(rq["m_acc"])
    t.add_(sum_q * (rq["m_sum"] - rq["m_acc"] * weight["offset"]))
    t.add_(bias_term)
    t.bitwise_right_shift_(rq["shift"])  # arithmetic shift of int64: floor
    if rq["output"] == "uint8":
        return t.clamp_(0, 255)
    return t.clamp_(INT32_MIN, INT32_MAX)


def _macs(layer, q, weight_codes):
    """(acc, sum of inputs) as int64; q holds activations 0..255 as float32 [N, C, H, W] or [N, K]."""
    bits = layer["weight"]["bits"]
    k = weight_codes[0].numel()
    dtype = exact_dtype(k, bits)
    x = q.to(dtype)
    w = weight_codes.to(dtype)
    if layer["type"] == "conv2d":
        stride, padding = layer["stride"], layer["padding"]
        acc = F.conv2d(x, w, stride=stride, padding=padding)
        ones = torch.ones((1,) + tuple(w.shape[1:]), dtype=dtype)
        sum_q = F.conv2d(x, ones, stride=stride, padding=padding)
    else:
        acc = x @ w.T
        sum_q = x.sum(dim=1, keepdim=True)
    return acc.to(torch.int64), sum_q.to(torch.int64)


def _compute_layer(layer, q, codes):
    """Hidden layers return their uint8 activations as float32 (exact), the last layer int64 logits."""
    weight_codes = tensor_codes(codes, layer["weight"])
    bias_codes = tensor_codes(codes, layer["bias"])
    acc, sum_q = _macs(layer, q, weight_codes)
    out = requantize(acc, sum_q, bias_codes, layer)
    return out.to(torch.float32) if layer["requant"]["output"] == "uint8" else out


def _run_batch(layers, codes, q):
    for layer in layers:
        kind = layer["type"]
        if kind in ("conv2d", "linear"):
            q = _compute_layer(layer, q, codes)
        elif kind == "maxpool2d":
            q = F.max_pool2d(q, layer["kernel"], layer["stride"])
        elif kind == "flatten":
            q = q.reshape(q.shape[0], -1)
        else:
            raise ValueError(f"unknown layer type '{kind}'")
    return q


def logits(layers, codes, pixels, batch_size=BATCH_SIZE):
    """int64 logits [N, classes] of uint8 ``pixels`` [N, 1, 28, 28] (or [N, 28, 28]) under ``codes`` (uint8 blob)."""
    pixels = np.asarray(pixels, dtype=np.uint8)
    if pixels.ndim == 3:
        pixels = pixels[:, None]
    codes_t = torch.from_numpy(np.asarray(codes, dtype=np.uint8).astype(np.int64))
    # Activations travel between layers as float32, which holds 0..255 exactly.
    pixels_t = torch.from_numpy(pixels.astype(np.float32))
    with torch.no_grad():
        out = [_run_batch(layers, codes_t, pixels_t[i:i + batch_size]) for i in range(0, len(pixels), batch_size)]
    return torch.cat(out).to(torch.int64).numpy()


def predictions(logit_rows):
    """Index of the largest logit, the lowest index on ties (numpy's argmax)."""
    return np.argmax(logit_rows, axis=1)
