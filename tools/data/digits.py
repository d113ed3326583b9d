"""scikit-learn's 8x8 handwritten digits (Debian's python3-sklearn ships them) as a voltsim ``npz`` dataset.

    /usr/bin/python3 -m tools.data.digits --out digits.npz

1,797 images of 8 x 8 pixels with 17 grey levels (0..16), 10 classes (UCI's optical digits test
set). Pixels are scaled to 0..255 (round(v * 255 / 16)); a seeded permutation puts 1,437 images in
the training split and 360 in the test split. Same seed, same bytes.
"""
import argparse

import numpy as np

TEST_IMAGES = 360
SEED = 0
LEVELS = 16


def digits_arrays(seed=SEED):
    """{train_images, train_labels, test_images, test_labels} as uint8 [N, 8, 8] and int64 [N]."""
    from sklearn.datasets import load_digits  # Debian's python3-sklearn; imported only here
    digits = load_digits()
    pixels = np.floor(digits.images * 255.0 / LEVELS + 0.5).astype(np.uint8)
    order = np.random.default_rng(seed).permutation(len(pixels))
    test, train = order[:TEST_IMAGES], order[TEST_IMAGES:]
    labels = digits.target.astype(np.int64)
    return {"train_images": pixels[train], "train_labels": labels[train],
            "test_images": pixels[test], "test_labels": labels[test]}


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python3 -m tools.data.digits", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True, help="the .npz file to write")
    args = parser.parse_args(argv)
    with open(args.out, "wb") as f:
        np.savez(f, **digits_arrays())


if __name__ == "__main__":
    main()
