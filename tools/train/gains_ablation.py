"""The effect of the per-layer gains (docs/zoo.md, "Normalisation") on clean error and on RErr.

    /usr/bin/python3 -m tools.train.gains_ablation --epochs 1   # ResNet, Clipping 8 bit

Trains the ResNet twice with the same seed, method and epochs, once with learned per-layer gains (the
zoo's choice) and once with every gain fixed at 1, exports both in memory and prints, per variant, the
clean error and the RErr at p = 0.1 %, 1 % and 2 % (mean and min-max over nested patterns with seeds
1000, 1001, ..., on the first test images) by the integer reference, as a Markdown table.
"""
import argparse
import sys
import time

import numpy as np

from . import datasets, package, rerr
from .train import TrainConfig, build_network, train
from .zoo import SEED, W_MAX

P_VALUES = (0.001, 0.01, 0.02)


def measure(layer_gains, epochs, patterns, images, labels, log):
    config = TrainConfig(method="clipping", bits=8, w_max=W_MAX, seed=SEED, epochs=epochs, architecture="resnet",
                         layer_gains=layer_gains)
    start = time.time()
    model = train(config, build_network(config, datasets.load()), images[0], labels[0], log)
    layers, codes = package.build_layers(model)
    clean, by_p = rerr.robust_errors(layers, codes, images[1], labels[1], P_VALUES, patterns, rerr.SEED)
    print(f"[gains {'learned' if layer_gains else 'fixed at 1'}] {time.time() - start:.0f} s", file=log, flush=True)
    return clean, by_p


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python3 -m tools.train.gains_ablation", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=2, help="training epochs of each variant (default 2)")
    parser.add_argument("--patterns", type=int, default=3, help="error patterns per p (default 3)")
    parser.add_argument("--images", type=int, default=2000, help="test images (default 2000)")
    args = parser.parse_args(argv)
    source = datasets.load()
    train_set, test_set = source.split("train"), source.split("test")
    images = (train_set[0], test_set[0][:args.images])
    labels = (train_set[1], test_set[1][:args.images])
    print(f"{args.epochs} epoch(s), {args.patterns} patterns, {args.images} test images")
    print("| gains | Err % | " + " | ".join(f"RErr % at p = {100 * p:g} %" for p in P_VALUES) + " |")
    print("|---|---|" + "---|" * len(P_VALUES))
    for layer_gains in (True, False):
        clean, by_p = measure(layer_gains, args.epochs, args.patterns, images, labels, sys.stderr)
        cells = [f"{100 * np.mean(v):.2f} ({100 * min(v):.2f}-{100 * max(v):.2f})" for v in by_p.values()]
        print(f"| {'learned' if layer_gains else 'fixed at 1'} | {100 * clean:.2f} | " + " | ".join(cells) + " |",
              flush=True)


if __name__ == "__main__":
    main()
