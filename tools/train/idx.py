"""Reader for IDX files (MNIST's format; Debian's dataset-fashion-mnist ships them gzip-compressed).

IDX layout: two zero bytes, a type byte (0x08 = unsigned byte), a dimension count byte, then one
big-endian uint32 per dimension, then the data. Every malformed or truncated file raises
``DatasetError`` naming the file.
"""
import gzip
import os
import struct

import numpy as np

DEFAULT_DIR = "/usr/share/datasets/fashion-mnist"
_SPLIT_PREFIX = {"train": "train", "test": "t10k"}
_UBYTE_TYPE = 0x08


class DatasetError(ValueError):
    """A dataset file is missing, malformed or inconsistent."""


def read_idx_ubyte(path, expected_ndim):
    """Reads one IDX file of unsigned bytes (gzip-compressed if its name ends in .gz); returns a
    uint8 array of the declared shape."""
    try:
        with (gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb")) as f:
            raw = f.read()
    except FileNotFoundError:
        hint = " (install the Debian package dataset-fashion-mnist)" if path.startswith(DEFAULT_DIR) else ""
        raise DatasetError(f"{path}: file not found{hint}")
    except (OSError, EOFError) as e:
        raise DatasetError(f"{path}: not a readable {'gzip ' if path.endswith('.gz') else ''}file ({e})")
    if len(raw) < 4:
        raise DatasetError(f"{path}: truncated header ({len(raw)} bytes)")
    zero0, zero1, dtype, ndim = raw[0], raw[1], raw[2], raw[3]
    if zero0 != 0 or zero1 != 0:
        raise DatasetError(f"{path}: bad magic number 0x{raw[:4].hex()} (must start with 0x0000)")
    if dtype != _UBYTE_TYPE:
        raise DatasetError(f"{path}: data type 0x{dtype:02x} is not unsigned byte (0x08)")
    if ndim != expected_ndim:
        raise DatasetError(f"{path}: {ndim} dimensions, expected {expected_ndim}")
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise DatasetError(f"{path}: truncated header ({len(raw)} bytes, need {header})")
    dims = struct.unpack(">" + "I" * ndim, raw[4:header])
    size = int(np.prod(dims, dtype=np.int64))
    if len(raw) - header != size:
        raise DatasetError(f"{path}: data has {len(raw) - header} bytes, dimensions {list(dims)} need {size}")
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(dims)


def _gz_or_plain(base):
    """``base`` + ".gz" if that file exists, else ``base`` (a missing file's error then names it)."""
    return base + ".gz" if os.path.exists(base + ".gz") else base


def load_split(split, data_dir=DEFAULT_DIR):
    """Returns (images uint8 [N, H, W], labels uint8 [N]) of split 'train' or 'test' in ``data_dir``
    (MNIST's file names, each plain or with .gz)."""
    if split not in _SPLIT_PREFIX:
        raise DatasetError(f"unknown split '{split}' (valid: train, test)")
    prefix = os.path.join(data_dir, _SPLIT_PREFIX[split])
    images_path = _gz_or_plain(prefix + "-images-idx3-ubyte")
    labels_path = _gz_or_plain(prefix + "-labels-idx1-ubyte")
    images = read_idx_ubyte(images_path, 3)
    labels = read_idx_ubyte(labels_path, 1)
    if images.shape[0] != labels.shape[0]:
        raise DatasetError(f"{labels_path}: {labels.shape[0]} labels for {images.shape[0]} images in {images_path}")
    return images, labels
