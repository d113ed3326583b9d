"""voltsim: a DNN accelerator whose weight SRAM runs below its safe voltage (docs/python.md).

Loads model packages, builds chips (SRAM profile, operating point, seed), reads the weights back
through the simulator's faulty weight SRAM read path as numpy arrays, and evaluates and sweeps with
the simulator's functional back-end. Errors in the input raise ``voltsim.Error`` (a ValueError).
"""
import os as _os

from . import _voltsim
from ._voltsim import (  # noqa: F401
    Chip,
    Error,
    Model,
    __version__,
    data_dir,
    evaluate,
    load_dataset,
    load_model,
    models,
    profiles,
    sweep,
)

_HERE = _os.path.dirname(_os.path.abspath(__file__))
# The shipped data relative to this package, as the voltsim executable finds it relative to itself
# ($VOLTSIM_DATA_DIR first): build/python/voltsim -> build/share/voltsim in a build tree,
# PREFIX/lib/python3.X/dist-packages/voltsim -> PREFIX/share/voltsim when installed.
_voltsim._set_data_dirs([
    _os.path.normpath(_os.path.join(_HERE, "..", "..", "share", "voltsim")),
    _os.path.normpath(_os.path.join(_HERE, "..", "..", "..", "..", "share", "voltsim")),
])


def state_dict(weights, prefix=""):
    """``{"<layer>.weight": tensor, "<layer>.bias": tensor}`` from ``Chip.weights`` or
    ``Model.weights``, for ``torch.nn.Module.load_state_dict`` of a float model whose conv2d and
    linear modules are named like the package's layers (``prefix`` is prepended to every key)."""
    import torch

    out = {}
    for layer, tensors in weights.items():
        for role, values in tensors.items():
            out[f"{prefix}{layer}.{role}"] = torch.from_numpy(values)
    return out
