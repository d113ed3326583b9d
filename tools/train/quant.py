"""Weight/bias quantizers of docs/datapath.md: RQuant (robust) and Normal, unsigned m-bit codes.

Every tensor is quantized on its own to codes v in [0, 2^m - 1] with offset z = 2^(m-1) and
delta = 1.001 / (2^(m-1) - 1), and decodes affinely as w = a (v - z) + c (no clamp). Codes are
computed in float64 whatever the parameter dtype, so training, export and the C++ codec agree.
"""
from dataclasses import dataclass

import torch

QUANTIZERS = ("rquant", "normal")
MIN_BITS = 2
MAX_BITS = 8


def check_bits(bits):
    if not (isinstance(bits, int) and MIN_BITS <= bits <= MAX_BITS):
        raise ValueError(f"bits must be an integer {MIN_BITS}..{MAX_BITS}, got {bits!r}")


def code_offset(bits):
    """z = 2^(m-1)."""
    check_bits(bits)
    return 1 << (bits - 1)


def code_delta(bits):
    """delta = 1.001 / (2^(m-1) - 1)."""
    return 1.001 / (code_offset(bits) - 1)


def round_half_up(x):
    """round(x) = floor(x + 0.5), the rounding used on every page of the contract."""
    return torch.floor(x + 0.5)


@dataclass
class QuantizedTensor:
    """Codes (int64 tensor, same shape as the weight) and their affine decode w = scale (v - offset) + center."""
    codes: torch.Tensor
    bits: int
    quantizer: str
    scale: float
    center: float
    range_min: float
    range_max: float

    @property
    def offset(self):
        return code_offset(self.bits)

    def decode(self, codes=None):
        """Float64 weights of ``codes`` (default: the clean codes); corrupted codes decode the same way."""
        v = self.codes if codes is None else codes
        return self.scale * (v.to(torch.float64) - self.offset) + self.center


def quantize_rquant(w, bits):
    """RQuant: per-tensor asymmetric range [min(w), max(w)], rounding (half up)."""
    w64 = w.detach().to(torch.float64)
    qmin = float(w64.min())
    qmax = float(w64.max())
    z = code_offset(bits)
    delta = code_delta(bits)
    if qmax == qmin:
        codes = torch.full_like(w64, z, dtype=torch.int64)
        return QuantizedTensor(codes, bits, "rquant", 0.0, qmin, qmin, qmax)
    normalised = 2.0 * (w64 - qmin) / (qmax - qmin) - 1.0
    codes = torch.clamp(round_half_up(normalised / delta + z), 0, (1 << bits) - 1).to(torch.int64)
    return QuantizedTensor(codes, bits, "rquant", delta * (qmax - qmin) / 2.0, (qmax + qmin) / 2.0, qmin, qmax)


def quantize_normal(w, bits):
    """Normal baseline: fixed range [-1, 1], truncation (floor)."""
    w64 = w.detach().to(torch.float64)
    z = code_offset(bits)
    delta = code_delta(bits)
    codes = torch.clamp(torch.floor(torch.clamp(w64, -1.0, 1.0) / delta + z), 0, (1 << bits) - 1).to(torch.int64)
    return QuantizedTensor(codes, bits, "normal", delta, 0.0, -1.0, 1.0)


def quantize(w, bits, quantizer):
    if quantizer == "rquant":
        return quantize_rquant(w, bits)
    if quantizer == "normal":
        return quantize_normal(w, bits)
    raise ValueError(f"unknown quantizer '{quantizer}' (valid: {', '.join(QUANTIZERS)})")
