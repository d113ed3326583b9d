"""voltsim trainer: Fashion-MNIST networks robust to weight bit errors (Stutz et al., MLSys 2021).

Modules: ``idx`` (dataset reader), ``quant`` (RQuant/Normal codecs), ``faults`` (random bit
patterns), ``network`` (the quantization-aware PyTorch network), ``train`` (Normal/RQuant/Clipping/
RandBET training), ``intref`` (the integer reference of docs/datapath.md), ``package`` (model package
reading and writing per docs/model_package.md), ``zoo`` (the shipped models), ``rerr`` (RErr table).
"""

import os

# Passive OpenMP waiting: on a CPU shared with other jobs, spinning worker threads burn the time
# slices their peers need (measured 6x slower training steps under load). Must be set before torch
# starts its OpenMP runtime; it does not change any result.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
