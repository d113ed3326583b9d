"""Exact predictions of one package under many corrupted code vectors, faster than ``intref.logits``.

Gives the same logits as ``intref.logits(layers, corrupted, pixels)`` (tests check equality) but
caches the first compute layer and the max-pools right after it on the clean codes, and recomputes
only the output channels whose weight or bias codes differ. At p <= 1 % most of the first layer's
channels are untouched, and that layer (the largest activation tensor) dominates the integer cost.
"""
import copy

import numpy as np
import torch

from . import intref


def _prefix_length(layers):
    """1 + the number of max-pools chained after the first layer, which must be a compute layer reading
    the input; each layer of the prefix must be read only by the next one, and the input only by the
    first, so the prefix's last output is all the rest of the network needs of it (0: no prefix)."""
    nodes = intref.graph(layers)
    readers = {}
    for _, inputs, _ in nodes:
        for source in inputs:
            readers[source] = readers.get(source, 0) + 1
    if nodes[0][2]["type"] not in intref.COMPUTE_TYPES or readers.get(intref.INPUT) != 1:
        return 0
    n = 1
    while (n < len(nodes) and nodes[n][2]["type"] == "maxpool2d" and nodes[n][1] == [nodes[n - 1][0]]
           and readers.get(nodes[n - 1][0]) == 1):
        n += 1
    return n


def _channel_subset(layer, codes, channels):
    """(layer entry, codes) of only the output ``channels`` of compute layer ``layer``."""
    weight = intref.tensor_codes(codes, layer["weight"])[channels]
    bias = intref.tensor_codes(codes, layer["bias"])[channels]
    sub = copy.deepcopy(layer)
    sub["weight"].update(shape=list(weight.shape), count=int(weight.numel()), blob_offset=0)
    sub["bias"].update(shape=[len(channels)], count=len(channels), blob_offset=int(weight.numel()))
    return sub, torch.cat([weight.reshape(-1), bias])


class FaultyEvaluator:
    def __init__(self, layers, clean_codes, pixels, batch_size=intref.BATCH_SIZE):
        self.layers = layers
        self.clean = torch.from_numpy(np.asarray(clean_codes, dtype=np.uint8).astype(np.int64))
        pixels = np.asarray(pixels, dtype=np.uint8)
        pixels = pixels[:, None] if pixels.ndim == 3 else pixels
        self.batches = [torch.from_numpy(pixels[i:i + batch_size].astype(np.float32))
                        for i in range(0, len(pixels), batch_size)]
        self.prefix = _prefix_length(layers)
        self.prefix_name = intref.graph(layers)[self.prefix - 1][0] if self.prefix else None
        with torch.no_grad():
            self.cached = [intref.run_layers(layers[:self.prefix], self.clean, b) for b in self.batches]

    def _changed_channels(self, codes):
        first = self.layers[0]
        weight_diff = intref.tensor_codes(codes, first["weight"]) != intref.tensor_codes(self.clean, first["weight"])
        bias_diff = intref.tensor_codes(codes, first["bias"]) != intref.tensor_codes(self.clean, first["bias"])
        per_channel = weight_diff.reshape(weight_diff.shape[0], -1).any(dim=1) | bias_diff
        return torch.nonzero(per_channel).reshape(-1)

    def logits(self, corrupted_codes):
        """int64 logits [N, classes] of the cached images under ``corrupted_codes`` (uint8 blob)."""
        codes = torch.from_numpy(np.asarray(corrupted_codes, dtype=np.uint8).astype(np.int64))
        channels = self._changed_channels(codes) if self.prefix else None
        out = []
        with torch.no_grad():
            for batch, cached in zip(self.batches, self.cached):
                q = self._prefix_output(codes, channels, batch, cached) if self.prefix else batch
                known = {self.prefix_name: q} if self.prefix else None
                out.append(intref.run_layers(self.layers[self.prefix:], codes, q, known))
        return torch.cat(out).to(torch.int64).numpy()

    def _prefix_output(self, codes, channels, batch, cached):
        if len(channels) == 0:
            return cached
        sub_layer, sub_codes = _channel_subset(self.layers[0], codes, channels)
        q = cached.clone()
        q[:, channels] = intref.run_layers([sub_layer] + self.layers[1:self.prefix], sub_codes, batch)
        return q
