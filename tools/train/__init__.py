"""voltsim trainer: Fashion-MNIST networks robust to weight bit errors (Stutz et al., MLSys 2021).

Modules: ``idx`` (dataset reader), ``quant`` (RQuant/Normal codecs), ``faults`` (random bit
patterns), ``network`` (the quantization-aware PyTorch network), ``train`` (Normal/RQuant/Clipping/
RandBET training), ``intref`` (the integer reference of docs/datapath.md), ``package`` (model package
reading and writing per docs/model_package.md), ``zoo`` (the shipped models), ``rerr`` (RErr table).
"""
