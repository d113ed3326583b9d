"""Random bit errors in stored codes (the paper's random model).

Evaluation patterns are nested across rates: a pattern is one uniform draw per stored bit cell, and
at rate p the cells with u < p flip, so the flips at a smaller p are a subset of those at a larger p.
Cell order: codes in blob order, bits 0 (LSB) .. m-1 of each code.
"""
import numpy as np
import torch


def cell_uniforms(code_bits, seed):
    """One pattern: float64 uniforms [codes, max bits] from numpy's PCG64 seeded with ``seed``.

    ``code_bits`` gives each code's width; cells at or above a code's width get +inf (never flip).
    """
    code_bits = np.asarray(code_bits, dtype=np.int64)
    width = int(code_bits.max())
    rng = np.random.Generator(np.random.PCG64(seed))
    uniforms = rng.random((len(code_bits), width))
    uniforms[np.arange(width)[None, :] >= code_bits[:, None]] = np.inf
    return uniforms


def xor_masks(uniforms, p):
    """XOR mask per code (uint8) flipping every cell whose uniform is below p."""
    flips = uniforms < p
    weights = (1 << np.arange(uniforms.shape[1], dtype=np.int64))
    return (flips.astype(np.int64) @ weights).astype(np.uint8)


def random_xor_masks_torch(shape, bits, p, generator):
    """Fresh training-time flips: int64 XOR masks of ``shape``, each of the ``bits`` bits set with probability p."""
    flips = torch.rand(tuple(shape) + (bits,), generator=generator) < p
    weights = 1 << torch.arange(bits, dtype=torch.int64)
    return (flips.to(torch.int64) * weights).sum(dim=-1)
