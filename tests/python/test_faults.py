"""Random bit errors: flip rate within binomial bounds, nesting across p, reproducibility."""
import math

import numpy as np
import torch

from tools.train import faults

# A binomial count outside mean +- 6 standard deviations has probability below 2e-9.
SIGMAS = 6.0


def assert_binomial(count, n, p):
    mean, sd = n * p, math.sqrt(n * p * (1 - p))
    assert abs(count - mean) <= SIGMAS * sd, f"{count} flips, expected {mean:.0f} +- {SIGMAS * sd:.0f}"


def popcount(masks):
    return np.unpackbits(np.asarray(masks, dtype=np.uint8)[:, None], axis=1).sum(axis=0)[::-1]  # per bit, LSB first


def test_pattern_flip_rate_per_bit():
    n, p = 200_000, 0.01
    masks = faults.xor_masks(faults.cell_uniforms(np.full(n, 8), seed=3), p)
    for count in popcount(masks):  # each bit position independently at rate p
        assert_binomial(int(count), n, p)


def test_training_flip_rate_per_bit():
    n, p = 200_000, 0.02
    masks = faults.random_xor_masks_torch((n,), 4, p, torch.Generator().manual_seed(5)).numpy()
    assert masks.max() < 16
    counts = popcount(masks)
    assert counts[4:].sum() == 0
    for count in counts[:4]:
        assert_binomial(int(count), n, p)


def test_patterns_are_nested_across_p():
    uniforms = faults.cell_uniforms(np.full(50_000, 8), seed=11)
    previous = np.zeros(50_000, dtype=np.uint8)
    for p in (0.001, 0.005, 0.01, 0.02, 0.05, 0.1):
        masks = faults.xor_masks(uniforms, p)
        assert np.all(previous & ~masks == 0)  # every flip at a smaller p is still there
        assert popcount(masks).sum() > popcount(previous).sum()
        previous = masks


def test_cells_beyond_a_codes_width_never_flip():
    bits = np.array([2, 8, 4] * 10_000)
    masks = faults.xor_masks(faults.cell_uniforms(bits, seed=1), 0.9)
    assert masks[bits == 2].max() <= 3 and masks[bits == 4].max() <= 15
    assert masks[bits == 8].max() > 15


def test_same_seed_same_pattern_and_seeds_differ():
    a = faults.xor_masks(faults.cell_uniforms(np.full(10_000, 8), seed=7), 0.05)
    b = faults.xor_masks(faults.cell_uniforms(np.full(10_000, 8), seed=7), 0.05)
    c = faults.xor_masks(faults.cell_uniforms(np.full(10_000, 8), seed=8), 0.05)
    assert np.array_equal(a, b) and not np.array_equal(a, c)
