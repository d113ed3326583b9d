"""Integer reference of docs/datapath.md (numpy int64), run on a package's manifest layers.

The codes are an argument, so corrupted codes are evaluated by the same arithmetic. The only
non-integer step is the GEMM of uint8 activations by unsigned codes, done in floating point for
speed: every term and every partial sum is a non-negative integer no larger than the full sum
K * (2^m - 1) * 255, so float32 is exact when that bound is below 2^24 and float64 below 2^53
(checked per layer; the result is cast back to int64).
"""
import numpy as np
import torch

FLOAT32_EXACT = 1 << 24
FLOAT64_EXACT = 1 << 53
INT32_MIN = -(1 << 31)
INT32_MAX = (1 << 31) - 1


def _exact_dtype(k, bits):
    bound = k * ((1 << bits) - 1) * 255
    if bound < FLOAT32_EXACT:
        return torch.float32
    if bound < FLOAT64_EXACT:
        return torch.float64
    raise ValueError(f"a sum of {k} products of {bits}-bit codes and uint8 activations is not exact in float64")


def _exact_gemm(patches, codes, bits):
    """acc[r, n] = sum_k patches[r, k] * codes[n, k], exactly, as int64; patches uint8 [R, K], codes [N, K]."""
    dtype = _exact_dtype(patches.shape[1], bits)
    acc = torch.from_numpy(patches).to(dtype) @ torch.from_numpy(codes).to(dtype).T
    return acc.to(torch.int64).numpy()


def _im2col(q, kernel, stride, padding):
    """uint8 [N, C, H, W] -> patches uint8 [N * Ho * Wo, C * kernel * kernel] (C, Fh, Fw order), Ho, Wo."""
    n, c, h, w = q.shape
    padded = np.pad(q, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    windows = np.lib.stride_tricks.sliding_window_view(padded, (kernel, kernel), axis=(2, 3))
    windows = windows[:, :, ::stride, ::stride]  # [N, C, Ho, Wo, Fh, Fw]
    ho, wo = windows.shape[2], windows.shape[3]
    patches = windows.transpose(0, 2, 3, 1, 4, 5).reshape(n * ho * wo, c * kernel * kernel)
    return np.ascontiguousarray(patches), ho, wo


def requantize(acc, sum_q, bias_codes, layer):
    """T and its rounding of docs/datapath.md; acc [R, N] int64, sum_q [R] int64 -> uint8 or int64 logits."""
    weight, bias, rq = layer["weight"], layer["bias"], layer["requant"]
    z, zb = weight["offset"], bias["offset"]
    bias_term = rq["m_bias"] * (bias_codes.astype(np.int64) - zb) + rq["b0"]
    t = rq["m_acc"] * (acc - z * sum_q[:, None]) + rq["m_sum"] * sum_q[:, None] + bias_term[None, :]
    shift = rq["shift"]
    rounded = (t + (1 << (shift - 1))) >> shift
    if rq["output"] == "uint8":
        return np.clip(rounded, 0, 255).astype(np.uint8)
    return np.clip(rounded, INT32_MIN, INT32_MAX)


def tensor_codes(codes, tensor):
    start = tensor["blob_offset"]
    return codes[start:start + tensor["count"]].reshape(tensor["shape"])


def _compute_layer(layer, q, codes):
    w = tensor_codes(codes, layer["weight"])
    b = tensor_codes(codes, layer["bias"])
    n = q.shape[0]
    if layer["type"] == "conv2d":
        kernel = layer["kernel"][0]
        patches, ho, wo = _im2col(q, kernel, layer["stride"], layer["padding"])
    else:
        patches, ho, wo = q, None, None
    acc = _exact_gemm(patches, w.reshape(w.shape[0], -1), layer["weight"]["bits"])
    sum_q = patches.sum(axis=1, dtype=np.int64)
    out = requantize(acc, sum_q, b, layer)
    if layer["type"] == "conv2d":
        return np.ascontiguousarray(out.reshape(n, ho, wo, -1).transpose(0, 3, 1, 2))
    return out


def _maxpool(q, kernel, stride):
    windows = np.lib.stride_tricks.sliding_window_view(q, (kernel, kernel), axis=(2, 3))[:, :, ::stride, ::stride]
    return windows.max(axis=(4, 5))


def _run_batch(layers, codes, q):
    for layer in layers:
        kind = layer["type"]
        if kind in ("conv2d", "linear"):
            q = _compute_layer(layer, q, codes)
        elif kind == "maxpool2d":
            q = _maxpool(q, layer["kernel"][0], layer["stride"])
        elif kind == "flatten":
            q = q.reshape(q.shape[0], -1)
        else:
            raise ValueError(f"unknown layer type '{kind}'")
    return q


def logits(layers, codes, pixels, batch_size=1000):
    """int64 logits [N, classes] of uint8 ``pixels`` [N, 1, 28, 28] (or [N, 28, 28]) under ``codes`` (uint8 blob)."""
    pixels = np.asarray(pixels, dtype=np.uint8)
    if pixels.ndim == 3:
        pixels = pixels[:, None]
    codes = np.asarray(codes, dtype=np.uint8)
    out = [_run_batch(layers, codes, pixels[i:i + batch_size]) for i in range(0, len(pixels), batch_size)]
    return np.concatenate(out).astype(np.int64)


def predictions(logit_rows):
    """Index of the largest logit, the lowest index on ties (numpy's argmax)."""
    return np.argmax(logit_rows, axis=1)
