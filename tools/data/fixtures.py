"""The small .npz datasets of tests/data/datasets, written by numpy (the reference writer).

    /usr/bin/python3 -m tools.data.fixtures

Pixel (n, c, h, w) of every fixture is 100 n + 10 c + 3 h + w, so a reader's output can be checked
against that formula. ``nchw.npz``: np.savez (stored), 3 test images of 2 x 2 x 5 (NCHW, inferred
from the shape), int64 labels [2, 0, 1], a train split of 2 images. ``nhwc-compressed.npz``:
np.savez_compressed (deflate), the same test images stored channels-last (ambiguous shape, so a
``layout`` entry), int32 labels, ``num_classes`` 5, mean and std.
"""
import os

import numpy as np

OUT_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                       "tests", "data", "datasets")


def pixels(count, channels=2, height=2, width=5):
    n, c, h, w = np.meshgrid(np.arange(count), np.arange(channels), np.arange(height), np.arange(width),
                             indexing="ij")
    return (100 * n + 10 * c + 3 * h + w).astype(np.uint8)


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    test = pixels(3)
    np.savez(os.path.join(OUT_DIR, "nchw.npz"), test_images=test, test_labels=np.array([2, 0, 1], dtype=np.int64),
             train_images=pixels(2), train_labels=np.array([1, 0], dtype=np.int64))
    np.savez_compressed(os.path.join(OUT_DIR, "nhwc-compressed.npz"), test_images=test.transpose(0, 2, 3, 1),
                        test_labels=np.array([4, 0, 1], dtype=np.int32), layout=np.array("NHWC"),
                        num_classes=np.array(5), mean=np.array([0.5, 0.25], dtype=np.float32),
                        std=np.array([0.2, 0.1], dtype=np.float64))


if __name__ == "__main__":
    main()
