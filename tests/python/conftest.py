"""Puts the repository root on sys.path so tests import the trainer as ``tools.train``."""
import os
import sys

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # see tools/train/__init__.py; before torch loads

import torch  # noqa: E402

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if REPO_ROOT not in sys.path:
    sys.path.insert(0, REPO_ROOT)

torch.set_num_threads(2)


def voltsim_binary():
    """The built voltsim executable (scripts/test.sh builds it before pytest runs)."""
    path = os.path.join(REPO_ROOT, os.environ.get("VOLTSIM_BUILD_DIR", "build"), "voltsim")
    assert os.path.exists(path), f"{path} is missing: build first (scripts/setup.sh)"
    return path


def randomised_batch_norms(module, seed=3):
    """Gives every BatchNorm2d of ``module`` non-trivial statistics (and affine parameters), so that
    folding them into the conv before them is really tested."""
    from torch import nn
    generator = torch.Generator().manual_seed(seed)
    for m in module.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.copy_(torch.randn(m.num_features, generator=generator))
            m.running_var.copy_(torch.rand(m.num_features, generator=generator) + 0.5)
            if m.affine:
                m.weight.data.copy_(torch.randn(m.num_features, generator=generator))
                m.bias.data.copy_(torch.randn(m.num_features, generator=generator))
    return module
