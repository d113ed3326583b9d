"""Integer reference: a hand-computed two-layer network and an independent int64 loop reference."""
import numpy as np
import pytest
import torch

from tools.train import intref


def tensor(shape, bits, blob_offset):
    return {"shape": list(shape), "bits": bits, "offset": 1 << (bits - 1), "blob_offset": blob_offset,
            "count": int(np.prod(shape))}


def compute_layer(kind, shape, bits, offset, requant, **extra):
    weight = tensor(shape, bits, offset)
    bias = tensor(shape[:1], bits, offset + weight["count"])
    return {"type": kind, "weight": weight, "bias": bias, "requant": requant, **extra}


def test_hand_computed_two_layer_network():
    # Layer A (2-bit, z = 2): q = [1, 2, 3], W = [[3, 0, 2], [1, 2, 3]], biases [2, 0]
    #   acc = [9, 14], Sq = 6, T = 16 (acc - 12) + 8 * 6 + 32 (vb - 2) - 8 = [-8, 8]
    #   (T + 8) >> 4 = [0, 1]: -0.5 and +0.5 both round half up, then clamp to 0..255.
    # Layer B: q = [0, 1], W = [[3, 3], [0, 1]], biases [1, 3]
    #   acc = [3, 1], Sq = 1, T = 4 (acc - 2) - 2 (vb - 2) = [6, -6], (T + 2) >> 2 = [2, -1]
    layers = [
        compute_layer("linear", (2, 3), 2, 0, {"shift": 4, "m_acc": 16, "m_sum": 8, "m_bias": 32, "b0": -8,
                                                "output": "uint8"}),
        compute_layer("linear", (2, 2), 2, 8, {"shift": 2, "m_acc": 4, "m_sum": 0, "m_bias": -2, "b0": 0,
                                                "output": "int32"}),
    ]
    codes = np.array([3, 0, 2, 1, 2, 3, 2, 0, 3, 3, 0, 1, 1, 3], dtype=np.uint8)
    pixels = np.array([[1, 2, 3]], dtype=np.uint8).reshape(1, 1, 1, 3)
    flat = [{"type": "flatten"}] + layers
    assert intref.logits(flat, codes, pixels).tolist() == [[2, -1]]


def test_hidden_layer_saturates_at_255():
    layer = compute_layer("linear", (1, 1), 8, 0, {"shift": 1, "m_acc": 2, "m_sum": 0, "m_bias": 0, "b0": 0,
                                                   "output": "uint8"})
    last = compute_layer("linear", (1, 1), 8, 2, {"shift": 1, "m_acc": 2, "m_sum": 0, "m_bias": 0, "b0": 0,
                                                  "output": "int32"})
    # acc - z Sq = (255 - 128) * 200 = 25400 -> clamps to 255; then (129 - 128) * 255 = 255
    codes = np.array([255, 128, 129, 128], dtype=np.uint8)
    pixels = np.full((1, 1, 1, 1), 200, dtype=np.uint8)
    assert intref.logits([{"type": "flatten"}, layer, last], codes, pixels).tolist() == [[255]]


def loop_reference(layers, codes, pixels):
    """Independent int64 implementation: explicit loops over output positions, no floating point."""
    q = pixels.astype(np.int64)
    for layer in layers:
        if layer["type"] == "flatten":
            q = q.reshape(q.shape[0], -1)
        elif layer["type"] == "maxpool2d":
            k, s = layer["kernel"][0], layer["stride"]
            ho, wo = (q.shape[2] - k) // s + 1, (q.shape[3] - k) // s + 1
            q = np.array([[[[q[n, c, i * s:i * s + k, j * s:j * s + k].max() for j in range(wo)] for i in range(ho)]
                           for c in range(q.shape[1])] for n in range(q.shape[0])])
        else:
            q = loop_compute(layer, codes, q)
    return q


def loop_compute(layer, codes, q):
    w = intref.tensor_codes(codes, layer["weight"]).astype(np.int64)
    vb = intref.tensor_codes(codes, layer["bias"]).astype(np.int64)
    rq, z, zb = layer["requant"], layer["weight"]["offset"], layer["bias"]["offset"]

    def output(acc, sq, n_out):
        t = rq["m_acc"] * (acc - z * sq) + rq["m_sum"] * sq + rq["m_bias"] * (vb[n_out] - zb) + rq["b0"]
        r = (t + (1 << (rq["shift"] - 1))) >> rq["shift"]
        return min(max(r, 0), 255) if rq["output"] == "uint8" else min(max(r, -2 ** 31), 2 ** 31 - 1)

    if layer["type"] == "linear":
        return np.array([[output(int(w[o] @ x), int(x.sum()), o) for o in range(w.shape[0])] for x in q])
    k, s, p = layer["kernel"][0], layer["stride"], layer["padding"]
    padded = np.pad(q, ((0, 0), (0, 0), (p, p), (p, p)))
    ho, wo = (padded.shape[2] - k) // s + 1, (padded.shape[3] - k) // s + 1
    out = np.zeros((q.shape[0], w.shape[0], ho, wo), dtype=np.int64)
    for n in range(q.shape[0]):
        for i in range(ho):
            for j in range(wo):
                patch = padded[n, :, i * s:i * s + k, j * s:j * s + k]
                for o in range(w.shape[0]):
                    out[n, o, i, j] = output(int((w[o] * patch).sum()), int(patch.sum()), o)
    return out


def random_network(rng, bits, worst_case=False):
    """conv(1->3, 3x3, pad 1, stride 2) + pool 2 + flatten + linear(12->4) + linear(4->3)."""
    shapes = [(3, 1, 3, 3), (4, 12), (3, 4)]
    layers, offset = [], 0
    for i, shape in enumerate(shapes):
        last = i == len(shapes) - 1
        rq = {"shift": int(rng.integers(12, 20)), "m_acc": int(rng.integers(1, 2 ** 12)),
              "m_sum": int(rng.integers(-2 ** 10, 2 ** 10)), "m_bias": int(rng.integers(-2 ** 12, 2 ** 12)),
              "b0": int(rng.integers(-2 ** 16, 2 ** 16)), "output": "int32" if last else "uint8"}
        extra = {"kernel": [3, 3], "stride": 2, "padding": 1} if i == 0 else {}
        layers.append(compute_layer("conv2d" if i == 0 else "linear", shape, bits, offset, rq, **extra))
        offset += layers[-1]["weight"]["count"] + layers[-1]["bias"]["count"]
        if i == 0:
            layers += [{"type": "maxpool2d", "kernel": [2, 2], "stride": 2}, {"type": "flatten"}]
    high = 1 << bits
    codes = np.full(offset, high - 1, dtype=np.uint8) if worst_case else rng.integers(0, high, offset).astype(np.uint8)
    return layers, codes


@pytest.mark.parametrize("bits", [2, 4, 8])
def test_matches_independent_loop_reference(bits):
    rng = np.random.default_rng(bits)
    layers, codes = random_network(rng, bits)
    pixels = rng.integers(0, 256, (5, 1, 9, 9)).astype(np.uint8)
    np.testing.assert_array_equal(intref.logits(layers, codes, pixels), loop_reference(layers, codes, pixels))


def test_worst_case_sums_stay_exact():
    # A 16-channel 3x3 conv and a 1568-input linear layer at all-255 codes and pixels: the largest
    # sums the float32 (K = 144) and float64 (K = 1568) GEMM paths can see.
    conv = compute_layer("conv2d", (2, 16, 3, 3), 8, 0, {"shift": 1, "m_acc": 1, "m_sum": 0, "m_bias": 0, "b0": 0,
                                                         "output": "int32"}, kernel=[3, 3], stride=1, padding=0)
    codes = np.full(2 * 144 + 2, 255, dtype=np.uint8)
    pixels = np.full((1, 16, 3, 3), 255, dtype=np.uint8)
    # T = (255 - 128) * 144 * 255 + ... = 4663440, rounded half up >> 1 -> 2331720
    assert intref.logits([conv], codes, pixels).reshape(-1).tolist() == [127 * 144 * 255 // 2] * 2
    fc = compute_layer("linear", (1, 1568), 8, 0, {"shift": 1, "m_acc": 1, "m_sum": 0, "m_bias": 0, "b0": 0,
                                                   "output": "int32"})
    codes = np.full(1569, 255, dtype=np.uint8)
    pixels = np.full((1, 1568), 255, dtype=np.uint8).reshape(1, 1, 1, 1568)
    assert intref.logits([{"type": "flatten"}, fc], codes, pixels).tolist() == [[127 * 1568 * 255 // 2]]
    assert intref.exact_dtype(144 * 128 * 255) == torch.float32 and intref.exact_dtype(1568 * 128 * 255) == torch.float64
