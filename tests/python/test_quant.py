"""RQuant and Normal codes against values computed by hand from docs/datapath.md."""
import pytest
import torch

from tools.train import quant
from tools.train.network import fake_quantize_activation, straight_through


def codes(q):
    return q.codes.tolist()


@pytest.mark.parametrize("bits, expected", [
    # w' = [-1, 0, 0.5, 1]; delta = 1.001/(2^(m-1)-1); v = floor(w'/delta + 2^(m-1) + 0.5)
    (8, [1, 128, 191, 255]),   # w'/delta = [-126.87, 0, 63.44, 126.87] + 128
    (4, [1, 8, 11, 15]),       # w'/delta = [-6.993, 0, 3.4965, 6.993] + 8
    (2, [1, 2, 2, 3]),         # w'/delta = [-0.999, 0, 0.4995, 0.999] + 2
])
def test_rquant_symmetric_range(bits, expected):
    q = quant.quantize_rquant(torch.tensor([-0.1, 0.0, 0.05, 0.1], dtype=torch.float64), bits)
    assert codes(q) == expected
    assert q.offset == 2 ** (bits - 1)
    assert q.scale == pytest.approx(1.001 / (2 ** (bits - 1) - 1) * 0.1, rel=1e-12)
    assert q.center == pytest.approx(0.0, abs=1e-15)
    assert (q.range_min, q.range_max) == (-0.1, 0.1)


def test_rquant_asymmetric_range():
    # qmin 0, qmax 1: w' = [-1, -0.6, 1]; -0.6/0.0078819 = -76.12 -> 51.88 -> 52.
    q = quant.quantize_rquant(torch.tensor([0.0, 0.2, 1.0], dtype=torch.float64), 8)
    assert codes(q) == [1, 52, 255]
    assert q.center == pytest.approx(0.5)
    assert q.scale == pytest.approx(1.001 / 127 * 0.5)
    # Affine decode without clamp: code 52 -> 0.5 + (52 - 128) * a = 0.20047
    assert float(q.decode()[1]) == pytest.approx(0.5 - 76 * 1.001 / 127 * 0.5)
    assert float(q.decode(torch.tensor(0))) == pytest.approx(0.5 - 128 * 1.001 / 127 * 0.5)


def test_rquant_rounds_half_up():
    # 3 bits: delta = 1.001/3; w = [0, x, 1] with w' = 2x - 1 chosen so w'/delta + 4 = 4.5 exactly.
    delta = 1.001 / 3
    x = (0.5 * delta + 1.0) / 2.0
    q = quant.quantize_rquant(torch.tensor([0.0, x, 1.0], dtype=torch.float64), 3)
    normalised = 2.0 * x - 1.0
    assert normalised / delta + 4 + 0.5 == 5.0  # the tie really is exact in float64
    assert codes(q)[1] == 5


def test_rquant_constant_tensor():
    q = quant.quantize_rquant(torch.full((3,), 0.25), 8)
    assert codes(q) == [128, 128, 128]
    assert q.decode().tolist() == [0.25, 0.25, 0.25]


@pytest.mark.parametrize("bits, weights, expected", [
    # v = floor(clamp(w, -1, 1)/delta + 2^(m-1)); delta(8) = 0.0078819
    (8, [-1.0, -0.5, 0.0, 0.004, 0.5, 1.0, 2.0], [1, 64, 128, 128, 191, 254, 254]),
    # delta(4) = 0.143: [-6.993, -0.699, 0.699, 6.993] + 8, floored
    (4, [-1.0, -0.1, 0.1, 1.0], [1, 7, 8, 14]),
    # delta(2) = 1.001: [-0.999, -0.4995, 0.4995, 0.999] + 2, floored
    (2, [-1.0, -0.5, 0.5, 1.0], [1, 1, 2, 2]),
])
def test_normal_truncates_fixed_range(bits, weights, expected):
    q = quant.quantize_normal(torch.tensor(weights, dtype=torch.float64), bits)
    assert codes(q) == expected
    assert q.scale == pytest.approx(1.001 / (2 ** (bits - 1) - 1)) and q.center == 0.0
    assert (q.range_min, q.range_max) == (-1.0, 1.0)


def test_quantizer_rejects_bad_arguments():
    with pytest.raises(ValueError, match="bits must be an integer 2..8"):
        quant.quantize(torch.zeros(2), 9, "rquant")
    with pytest.raises(ValueError, match="unknown quantizer 'fancy'"):
        quant.quantize(torch.zeros(2), 8, "fancy")


def test_float32_and_float64_weights_give_the_same_codes():
    w = torch.linspace(-0.3, 0.7, 1001)
    assert torch.equal(quant.quantize_rquant(w, 8).codes, quant.quantize_rquant(w.double(), 8).codes)


def test_straight_through_gradients():
    w = torch.tensor([0.3, -0.2], requires_grad=True)
    q = quant.quantize_rquant(w, 2)
    out = straight_through(w, q.decode())
    (out * torch.tensor([2.0, 3.0])).sum().backward()
    assert out.tolist() == pytest.approx(q.decode().tolist())
    assert w.grad.tolist() == [2.0, 3.0]


def test_activation_fake_quantization():
    y = torch.tensor([-1.0, 0.24, 0.25, 1.0, 99.0], requires_grad=True)
    out = fake_quantize_activation(y, torch.tensor(0.5))
    # grid 0.5: ReLU, round half up (0.25 -> 0.5, 0.24 -> 0), saturate at 255 * 0.5
    assert out.tolist() == [0.0, 0.0, 0.5, 1.0, 99.0]
    out2 = fake_quantize_activation(torch.tensor([200.0]), torch.tensor(0.5))
    assert out2.tolist() == [127.5]
    out.sum().backward()
    assert y.grad.tolist() == [0.0, 1.0, 1.0, 1.0, 1.0]
