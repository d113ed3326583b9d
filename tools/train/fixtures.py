"""Test fixture packages: tiny seeded networks whose golden vectors test the other implementations.

    /usr/bin/python3 -m tools.train.fixtures --out tests/data/graph-every-layer

``graph-every-layer`` holds every layer type of package version 2 (architectures.EveryLayer: strided,
depthwise, grouped and 1x1 conv2d, padded max-pool, conv outputs and an add that are signed (zero
points), add + ReLU, concat of two scales, avgpool2d, global_avgpool, flatten, linear) in 268 codes, trained briefly (RQuant, 8 bit, one pass over 8,192
images) so its activations and logits are not degenerate. Its accuracy does not matter; the C++ loader
and integer reference reproduce its golden logits (clean and faulty) bit for bit.
"""
import argparse
import os
import sys

from . import datasets
from .train import TrainConfig
from .zoo import train_and_export

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EVERY_LAYER_DIR = os.path.join(REPO_ROOT, "tests", "data", "graph-every-layer")
COMMAND = "/usr/bin/python3 -m tools.train.fixtures --out tests/data/graph-every-layer"


def every_layer_config():
    return TrainConfig(method="rquant", bits=8, architecture="every-layer", epochs=1, batch_size=64,
                       train_images=8192, lr=0.01)


def build_every_layer(out_dir=EVERY_LAYER_DIR, log=sys.stderr):
    """Trains and exports the every-layer fixture into ``out_dir``; returns its manifest."""
    return train_and_export(every_layer_config(), datasets.load(), out_dir, "graph-every-layer",
                            "Test fixture: every layer type of package version 2, a few hundred codes", COMMAND,
                            os.path.dirname(out_dir), log)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python3 -m tools.train.fixtures", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=EVERY_LAYER_DIR, help="package folder (default tests/data/graph-every-layer)")
    args = parser.parse_args(argv)
    manifest = build_every_layer(args.out)
    print(f"[graph-every-layer] {manifest['blob']['bytes']} codes, clean test error {manifest['clean_test_error']:.4f}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
