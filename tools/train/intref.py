"""Integer reference of docs/datapath.md, run on a package's manifest layers.

The codes are an argument, so corrupted codes are evaluated by the same arithmetic. Inputs and
outputs are numpy arrays; the arithmetic runs on torch CPU tensors (Debian's numpy has no fast
integer GEMM). Every step is exact integer arithmetic, carried out in the cheapest exact type:

- MACs: ``acc - z Sq = sum_k (v_k - z) q_k`` and ``Sq = sum_k q_k`` come out of one GEMM/convolution
  (the all-ones row gives Sq). In floating point every partial sum of integers is exact while the sum
  of magnitudes stays below 2^24 (float32) or 2^53 (float64), in any summation order (direct
  convolution, never Winograd/FFT); the type is chosen per layer from that bound.
- ``T`` is formed in float64 when its magnitude bound is below 2^53, else in int64.
- Rounding ``(T + 2^(shift-1)) >> shift`` is floor(T' * 2^-shift) with T' = T + 2^(shift-1): a
  power-of-two scaling and floor are exact in float64.
- A max-pool after a hidden layer is applied to T' before the rounding: rounding, ReLU and
  saturation form a monotone function, so max and requantization commute (docs/datapath.md says so).
"""
import numpy as np
import torch
import torch.nn.functional as F

FLOAT32_EXACT = 1 << 24
FLOAT64_EXACT = 1 << 53
INT32_MIN = -(1 << 31)
INT32_MAX = (1 << 31) - 1
BATCH_SIZE = 1000


def exact_dtype(magnitude_bound):
    """Narrowest float type holding every integer up to ``magnitude_bound`` exactly, else int64."""
    if magnitude_bound < FLOAT32_EXACT:
        return torch.float32
    if magnitude_bound < FLOAT64_EXACT:
        return torch.float64
    return torch.int64


def tensor_codes(codes, tensor):
    """Codes of one manifest tensor entry, reshaped to its shape."""
    start = tensor["blob_offset"]
    return codes[start:start + tensor["count"]].reshape(tensor["shape"])


def _centered_macs(layer, q, weight_codes):
    """(acc - z Sq, Sq) as exact float tensors [N, C_out, ...] and [N, 1, ...]; q holds 0..255 as float32."""
    z = layer["weight"]["offset"]
    k = weight_codes[0].numel()
    dtype = exact_dtype(k * z * 255)
    if dtype == torch.int64:
        raise ValueError(f"layer '{layer.get('name')}': {k} MAC terms do not fit float64 exactly")
    centered = (weight_codes - z).to(dtype)
    ones = torch.ones((1,) + tuple(centered.shape[1:]), dtype=dtype)
    w = torch.cat([centered, ones])
    x = q.to(dtype)
    if layer["type"] == "conv2d":
        out = F.conv2d(x, w, stride=layer["stride"], padding=layer["padding"])
    else:
        out = x @ w.T
    return out[:, :-1], out[:, -1:]


def _t_bound(rq, k, z, bias_term):
    sum_q_max = k * 255
    return (abs(rq["m_acc"]) * sum_q_max * z + abs(rq["m_sum"]) * sum_q_max + int(bias_term.abs().max()))


def pre_rounding(layer, q, codes):
    """T + 2^(shift-1) of docs/datapath.md for every output, exact (float64 or int64)."""
    weight_codes = tensor_codes(codes, layer["weight"])
    bias_codes = tensor_codes(codes, layer["bias"])
    rq = layer["requant"]
    bias_term = rq["m_bias"] * (bias_codes - layer["bias"]["offset"]) + rq["b0"] + (1 << (rq["shift"] - 1))
    centered_acc, sum_q = _centered_macs(layer, q, weight_codes)
    dtype = exact_dtype(_t_bound(rq, weight_codes[0].numel(), layer["weight"]["offset"], bias_term))
    if dtype != torch.int64:
        dtype = torch.float64
    bias_term = bias_term.reshape((1, -1) + (1,) * (centered_acc.dim() - 2)).to(dtype)
    t = centered_acc.to(dtype).mul_(rq["m_acc"])
    t.add_(sum_q.to(dtype) * rq["m_sum"])
    return t.add_(bias_term)


def round_and_clamp(t, layer):
    """(T + 2^(shift-1)) >> shift (floor), clamped to uint8 (as float32) or int32 (as int64)."""
    rq = layer["requant"]
    if t.dtype == torch.int64:
        rounded = t.bitwise_right_shift(rq["shift"])
    else:
        rounded = torch.floor(t.mul_(2.0 ** -rq["shift"]))
    if rq["output"] == "uint8":
        return rounded.clamp_(0, 255).to(torch.float32)
    return rounded.clamp_(INT32_MIN, INT32_MAX).to(torch.int64)


def _maxpool(x, layer):
    """Max-pool without padding; kernel == stride (tiling windows) as a reshape-max, fast for float64 too."""
    (kh, kw), s = layer["kernel"], layer["stride"]
    n, c, h, w = x.shape
    if kh == kw == s:
        ho, wo = h // s, w // s
        return x[:, :, :ho * s, :wo * s].reshape(n, c, ho, s, wo, s).amax(dim=(3, 5))
    return F.max_pool2d(x, (kh, kw), s)


def run_layers(layers, codes, q):
    """Runs ``layers`` on activations ``q`` (float32 holding 0..255); returns the last output."""
    i = 0
    while i < len(layers):
        layer = layers[i]
        kind = layer["type"]
        if kind in ("conv2d", "linear"):
            t = pre_rounding(layer, q, codes)
            pooled = i + 1 < len(layers) and layers[i + 1]["type"] == "maxpool2d" and t.dtype != torch.int64
            if pooled:
                t = _maxpool(t, layers[i + 1])
                i += 1
            q = round_and_clamp(t, layer)
        elif kind == "maxpool2d":
            q = _maxpool(q, layer)
        elif kind == "flatten":
            q = q.reshape(q.shape[0], -1)
        else:
            raise ValueError(f"unknown layer type '{kind}'")
        i += 1
    return q


def logits(layers, codes, pixels, batch_size=BATCH_SIZE):
    """int64 logits [N, classes] of uint8 ``pixels`` [N, 1, 28, 28] (or [N, 28, 28]) under ``codes`` (uint8 blob)."""
    pixels = np.asarray(pixels, dtype=np.uint8)
    if pixels.ndim == 3:
        pixels = pixels[:, None]
    codes_t = torch.from_numpy(np.asarray(codes, dtype=np.uint8).astype(np.int64))
    pixels_t = torch.from_numpy(pixels.astype(np.float32))
    with torch.no_grad():
        out = [run_layers(layers, codes_t, pixels_t[i:i + batch_size]) for i in range(0, len(pixels), batch_size)]
    return torch.cat(out).to(torch.int64).numpy()


def predictions(logit_rows):
    """Index of the largest logit, the lowest index on ties (numpy's argmax)."""
    return np.argmax(logit_rows, axis=1)
