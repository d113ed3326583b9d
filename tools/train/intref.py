"""Integer reference of docs/datapath.md, run on a package's manifest layers (versions 1 and 2).

A version 2 network is a graph: every layer names its ``inputs`` (``"input"`` is the network's
input) and layers run in list order. A layer without ``inputs`` (version 1, or a hand-built test
list) reads the layer before it. The codes are an argument, so corrupted codes are evaluated by the
same arithmetic. Inputs and outputs are numpy arrays; the arithmetic runs on torch CPU tensors
(Debian's numpy has no fast integer GEMM). Every step is exact integer arithmetic, carried out in the
cheapest exact type:

- MACs: ``acc - z Sq = sum_k (v_k - z) q_k`` and ``Sq = sum_k q_k`` come out of one GEMM/convolution
  (an all-ones kernel gives Sq; per group for a grouped conv). In floating point every partial sum of
  integers is exact while the sum of magnitudes stays below 2^24 (float32) or 2^53 (float64), in any
  summation order (direct convolution, never Winograd/FFT); the type is chosen per layer from that bound.
- ``T`` is formed in float64 when its magnitude bound is below 2^53, else in int64.
- Rounding ``(T + 2^(shift-1)) >> shift`` is floor(T' * 2^-shift) with T' = T + 2^(shift-1): a
  power-of-two scaling and floor are exact in float64.
- A max-pool that is the only reader of a hidden layer is applied to T' before the rounding:
  rounding, ReLU and saturation form a monotone function, so max and requantization commute
  (docs/datapath.md says so); padded positions hold T' = 0, which rounds to the ignored value 0.
- add/concat rescaling: ``m_i q_i`` sums stay below 2^37, exact in int64 (and float64); an add's b0
  (zero points, |b0| < 2^62) is added in int64.
- Average pools: the window sum S <= 255 n is exact in float32; ``floor((2 S + n) / (2 n))`` in int64.
"""
import numpy as np
import torch
import torch.nn.functional as F

FLOAT32_EXACT = 1 << 24
FLOAT64_EXACT = 1 << 53
INT32_MIN = -(1 << 31)
INT32_MAX = (1 << 31) - 1
BATCH_SIZE = 1000
INPUT = "input"
COMPUTE_TYPES = ("conv2d", "linear")


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


def graph(layers):
    """[(name, input names, layer)] in run order; a layer without ``inputs`` reads the layer before it."""
    nodes, previous = [], INPUT
    for i, layer in enumerate(layers):
        name = layer.get("name", f"#{i}")
        nodes.append((name, list(layer.get("inputs", [previous])), layer))
        previous = name
    return nodes


def _group_sums(x, groups):
    """Sum of the input channels of each group: [N, C, H, W] -> [N, groups, H, W]."""
    n, c, h, w = x.shape
    return x.reshape(n, groups, c // groups, h, w).sum(dim=2)


def _centered_macs(layer, q, weight_codes):
    """(acc - z Sq, Sq) as exact float tensors [N, C_out, ...]; q holds 0..255 as float32."""
    z = layer["weight"]["offset"]
    k = weight_codes[0].numel()
    dtype = exact_dtype(k * z * 255)
    if dtype == torch.int64:
        raise ValueError(f"layer '{layer.get('name')}': {k} MAC terms do not fit float64 exactly")
    centered = (weight_codes - z).to(dtype)
    x = q.to(dtype)
    if layer["type"] == "linear":
        ones = torch.ones((1,) + tuple(centered.shape[1:]), dtype=dtype)
        out = x @ torch.cat([centered, ones]).T
        return out[:, :-1], out[:, -1:]
    groups, stride, padding = layer.get("groups", 1), layer["stride"], layer["padding"]
    out = F.conv2d(x, centered, stride=stride, padding=padding, groups=groups)
    ones = torch.ones((groups, 1) + tuple(centered.shape[2:]), dtype=dtype)
    sum_q = F.conv2d(_group_sums(x, groups), ones, stride=stride, padding=padding, groups=groups)
    return out, sum_q.repeat_interleave(centered.shape[0] // groups, dim=1)


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


def _shift_round(t, shift):
    """floor(t / 2^shift) of an exact float64 or int64 tensor."""
    if t.dtype == torch.int64:
        return t.bitwise_right_shift(shift)
    return torch.floor(t.mul_(2.0 ** -shift))


def round_and_clamp(t, layer):
    """(T + 2^(shift-1)) >> shift (floor), clamped to uint8 (as float32) or int32 (as int64)."""
    rq = layer["requant"]
    rounded = _shift_round(t, rq["shift"])
    if rq["output"] == "uint8":
        return rounded.clamp_(0, 255).to(torch.float32)
    return rounded.clamp_(INT32_MIN, INT32_MAX).to(torch.int64)


def _maxpool(x, layer):
    """Max-pool; padded positions hold 0 (every value it sees is >= 0 or rounds like 0, see above)."""
    (kh, kw), s, p = layer["kernel"], layer["stride"], layer.get("padding", 0)
    if p:
        x = F.pad(x, (p, p, p, p))
    n, c, h, w = x.shape
    if kh == kw == s:  # tiling windows: a reshape-max, fast for float64 too
        ho, wo = (h - kh) // s + 1, (w - kw) // s + 1
        return x[:, :, :ho * s, :wo * s].reshape(n, c, ho, s, wo, s).amax(dim=(3, 5))
    return F.max_pool2d(x, (kh, kw), s)


def _rounded_mean(window_sums, n):
    """floor((2 S + n) / (2 n)): the window mean rounded half up, as float32 holding 0..255."""
    s = window_sums.round().to(torch.int64)
    return torch.div(2 * s + n, 2 * n, rounding_mode="floor").to(torch.float32)


def _avgpool(x, layer):
    (kh, kw), s = layer["kernel"], layer["stride"]
    return _rounded_mean(F.avg_pool2d(x, (kh, kw), s, divisor_override=1), kh * kw)


def _global_avgpool(x):
    n, c, h, w = x.shape
    return _rounded_mean(x.sum(dim=(2, 3), keepdim=True), h * w)


def _rescaled(q, m, shift):
    """clamp((m q + 2^(shift-1)) >> shift, 0, 255) as float32; q float32 holding 0..255."""
    t = q.to(torch.int64) * m + (1 << (shift - 1))
    return t.bitwise_right_shift(shift).clamp_(0, 255).to(torch.float32)


def _add(inputs, layer):
    rq = layer["requant"]
    m_a, m_b = rq["multipliers"]
    t = inputs[0].to(torch.int64) * m_a + inputs[1].to(torch.int64) * m_b + (rq.get("b0", 0) + (1 << (rq["shift"] - 1)))
    return t.bitwise_right_shift(rq["shift"]).clamp_(0, 255).to(torch.float32)


def _concat(inputs, layer):
    rq = layer["requant"]
    return torch.cat([_rescaled(q, m, rq["shift"]) for q, m in zip(inputs, rq["multipliers"])], dim=1)


def _single_input_op(layer, x):
    kind = layer["type"]
    if kind == "maxpool2d":
        return _maxpool(x, layer)
    if kind == "avgpool2d":
        return _avgpool(x, layer)
    if kind == "global_avgpool":
        return _global_avgpool(x)
    if kind == "flatten":
        return x.reshape(x.shape[0], -1)
    raise ValueError(f"layer '{layer.get('name')}': unknown layer type '{kind}'")


def _readers(nodes):
    """{name: number of layers reading it}."""
    count = {}
    for _, inputs, _ in nodes:
        for source in inputs:
            count[source] = count.get(source, 0) + 1
    return count


def _fused_pool(nodes, i, readers):
    """The max-pool node right after compute node i if it is that node's only reader, else None."""
    name = nodes[i][0]
    if i + 1 < len(nodes) and readers.get(name) == 1:
        pool_name, pool_inputs, pool = nodes[i + 1]
        if pool["type"] == "maxpool2d" and pool_inputs == [name]:
            return nodes[i + 1]
    return None


def run_layers(layers, codes, q, known=None):
    """Runs ``layers`` on activations ``q`` (float32 holding 0..255); returns the last layer's output.

    ``known`` {layer name: output} supplies outputs computed elsewhere (those layers are skipped)."""
    nodes = graph(layers)
    readers = _readers(nodes)
    values = {INPUT: q, **(known or {})}
    remaining = dict(readers)
    i = 0
    while i < len(nodes):
        name, inputs, layer = nodes[i]
        if name not in values:
            args = [values[source] for source in inputs]
            if layer["type"] in COMPUTE_TYPES:
                t = pre_rounding(layer, args[0], codes)
                pool = _fused_pool(nodes, i, readers)
                if pool is not None and t.dtype != torch.int64 and layer["requant"]["output"] == "uint8":
                    t = _maxpool(t, pool[2])
                    i += 1
                    name = pool[0]
                values[name] = round_and_clamp(t, layer)
            elif layer["type"] == "add":
                values[name] = _add(args, layer)
            elif layer["type"] == "concat":
                values[name] = _concat(args, layer)
            else:
                values[name] = _single_input_op(layer, args[0])
        for source in inputs:  # free what no later layer reads
            remaining[source] -= 1
            if remaining[source] == 0 and source != name:
                values.pop(source, None)
        last = name
        i += 1
    return values[last]


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
