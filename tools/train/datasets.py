"""Labelled image sets named by a dataset spec (docs/datasets.md), the same specs ``voltsim --dataset`` reads.

- ``fashion-mnist`` (the default): Debian's dataset-fashion-mnist, 1 x 28 x 28, 10 classes.
- ``idx:DIR``: ``{train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]`` in DIR (the MNIST file names).
- ``npz:FILE``: a numpy archive holding ``test_images`` and ``test_labels`` (``train_images`` and
  ``train_labels`` for training), images uint8 of rank 3 (N, H, W) or rank 4 (NCHW or NHWC; a
  string ``layout`` entry says which when the shape leaves it open), integer labels 0..C-1, and
  optionally ``num_classes`` and per-channel float ``mean`` and ``std`` (the normalisation the
  float model was trained with: x = (pixel / 255 - mean) / std).

Images come out as uint8 NCHW, labels as int64. The class count is ``num_classes`` if given, else
1 + the largest label of every split in the source. Every problem raises ``DatasetError`` naming the
file and the entry.
"""
import os
import zipfile
from dataclasses import dataclass, field

import numpy as np

from . import idx

FASHION_MNIST = "fashion-mnist"
SPLITS = ("train", "test")
_NPZ_KEYS = {"train_images", "train_labels", "test_images", "test_labels", "num_classes", "mean", "std", "layout"}
MAX_CLASSES = 1 << 16

DatasetError = idx.DatasetError


@dataclass
class Dataset:
    """One source: its spec, input shape [C, H, W], class count and optional normalisation."""
    spec: str
    input_shape: tuple
    num_classes: int
    mean: tuple = None  # per channel, or None (pixels / 255 is the float input)
    std: tuple = None
    _splits: dict = field(default_factory=dict, repr=False)

    def split(self, name):
        """(images uint8 [N, C, H, W], labels int64 [N]) of split 'train' or 'test'."""
        if name not in SPLITS:
            raise DatasetError(f"{self.spec}: unknown split '{name}' (valid: {', '.join(SPLITS)})")
        if name not in self._splits:
            raise DatasetError(f"{self.spec}: has no {name} split" +
                               (" (train_images and train_labels)" if self.spec.startswith("npz:") else ""))
        return self._splits[name]

    def has_split(self, name):
        return name in self._splits

    def preprocessing(self):
        """The manifest's ``dataset.preprocessing`` entry (None without normalisation)."""
        if self.mean is None:
            return None
        return {"mean": list(self.mean), "std": list(self.std)}

    def float_input(self, images):
        """The float model's input of uint8 NCHW ``images``: pixels / 255, normalised if the source says so."""
        import torch
        x = torch.from_numpy(np.asarray(images, dtype=np.float32)) / 255.0
        if self.mean is None:
            return x
        mean = torch.tensor(self.mean, dtype=torch.float32).view(1, -1, 1, 1)
        std = torch.tensor(self.std, dtype=torch.float32).view(1, -1, 1, 1)
        return (x - mean) / std


def load(spec=FASHION_MNIST):
    """The dataset a spec names (see the module comment); raises DatasetError on any problem."""
    if spec == FASHION_MNIST:
        return _load_idx(spec, idx.DEFAULT_DIR, num_classes=10)
    kind, _, path = spec.partition(":")
    if kind == "idx" and path:
        return _load_idx(spec, path)
    if kind == "npz" and path:
        return _load_npz(spec, path)
    raise DatasetError(f"dataset '{spec}': must be fashion-mnist, idx:DIR or npz:FILE")


def _load_idx(spec, directory, num_classes=None):
    splits = {}
    for split in SPLITS:
        try:
            images, labels = idx.load_split(split, directory)
        except DatasetError:
            if split == "train":
                continue  # a directory with only the test files is a test set
            raise
        splits[split] = (images[:, None, :, :], labels.astype(np.int64))
    return _dataset(spec, splits, num_classes, None, None, directory)


def _load_npz(spec, path):
    if not os.path.isfile(path):
        raise DatasetError(f"{path}: not a readable file")
    try:
        archive = np.load(path, allow_pickle=False)
        entries = {key: archive[key] for key in archive.files}
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as e:
        raise DatasetError(f"{path}: not a readable .npz archive ({e})")
    unknown = sorted(set(entries) - _NPZ_KEYS)
    if unknown:
        raise DatasetError(f"{path}: unknown entry '{unknown[0]}' (valid: {', '.join(sorted(_NPZ_KEYS))})")
    layout = _layout(path, entries)
    splits = {}
    for split in SPLITS:
        present = [k in entries for k in (f"{split}_images", f"{split}_labels")]
        if any(present) and not all(present):
            raise DatasetError(f"{path}: has one of {split}_images and {split}_labels but not the other")
        if all(present):
            splits[split] = (_npz_images(path, split, entries[f"{split}_images"], layout),
                             _npz_labels(path, split, entries[f"{split}_labels"]))
    if "test" not in splits:
        raise DatasetError(f"{path}: missing entry 'test_images' (and 'test_labels')")
    num_classes = _npz_int(path, entries, "num_classes", 2, MAX_CLASSES) if "num_classes" in entries else None
    mean, std = _normalisation(path, entries, splits["test"][0].shape[1])
    return _dataset(spec, splits, num_classes, mean, std, path)


def _layout(path, entries):
    if "layout" not in entries:
        return None
    value = entries["layout"]
    if value.dtype.kind != "U" or value.ndim != 0 or str(value) not in ("NCHW", "NHWC"):
        raise DatasetError(f"{path}: entry 'layout' must be the string NCHW or NHWC")
    return str(value)


def _npz_images(path, split, images, layout):
    key = f"{split}_images"
    if images.dtype != np.uint8:
        raise DatasetError(f"{path}: entry '{key}' has dtype {images.dtype}, must be uint8 (pixels 0..255)")
    if images.ndim == 3:
        return images[:, None, :, :]
    if images.ndim != 4:
        raise DatasetError(f"{path}: entry '{key}' has rank {images.ndim}, must be 3 (N, H, W) or 4 (NCHW or NHWC)")
    if layout is None:
        channels_first, channels_last = images.shape[1] <= 4, images.shape[3] <= 4
        if channels_first == channels_last:
            raise DatasetError(f"{path}: entry '{key}' of shape {list(images.shape)} may be NCHW or NHWC: "
                               f"add a 'layout' entry saying which")
        layout = "NCHW" if channels_first else "NHWC"
    return images if layout == "NCHW" else np.ascontiguousarray(images.transpose(0, 3, 1, 2))


def _npz_labels(path, split, labels):
    key = f"{split}_labels"
    if labels.dtype.kind not in "iu":
        raise DatasetError(f"{path}: entry '{key}' has dtype {labels.dtype}, must be integers")
    if labels.ndim != 1:
        raise DatasetError(f"{path}: entry '{key}' has rank {labels.ndim}, must be 1")
    if labels.size and (labels.min() < 0 or labels.max() >= MAX_CLASSES):
        bad = int(labels.min()) if labels.min() < 0 else int(labels.max())
        raise DatasetError(f"{path}: entry '{key}' holds label {bad}, outside 0..{MAX_CLASSES - 1}")
    return labels.astype(np.int64)


def _npz_int(path, entries, key, low, high):
    value = entries[key]
    if value.ndim != 0 or value.dtype.kind not in "iu" or not low <= int(value) <= high:
        raise DatasetError(f"{path}: entry '{key}' must be one integer {low}..{high}")
    return int(value)


def _normalisation(path, entries, channels):
    present = [k in entries for k in ("mean", "std")]
    if not any(present):
        return None, None
    if not all(present):
        raise DatasetError(f"{path}: has one of 'mean' and 'std' but not the other")
    values = []
    for key in ("mean", "std"):
        v = entries[key]
        if v.dtype.kind != "f" or v.shape != (channels,) or not np.all(np.isfinite(v)):
            raise DatasetError(f"{path}: entry '{key}' must be {channels} finite floats (one per channel)")
        values.append(tuple(float(x) for x in v))
    if min(values[1]) <= 0:
        raise DatasetError(f"{path}: entry 'std' must be positive")
    return values[0], values[1]


def _dataset(spec, splits, num_classes, mean, std, source):
    shapes = {tuple(images.shape[1:]) for images, _ in splits.values()}
    if len(shapes) != 1:
        raise DatasetError(f"{source}: the splits' images differ in shape: {sorted(shapes)}")
    for split, (images, labels) in splits.items():
        if len(images) != len(labels):
            raise DatasetError(f"{source}: {split} has {len(images)} images but {len(labels)} labels")
        if len(images) == 0:
            raise DatasetError(f"{source}: {split} split is empty")
    largest = max(int(labels.max()) for _, labels in splits.values())
    if num_classes is None:
        num_classes = max(2, largest + 1)
    elif largest >= num_classes:
        raise DatasetError(f"{source}: label {largest} is outside 0..{num_classes - 1}")
    return Dataset(spec, shapes.pop(), num_classes, mean, std, splits)


def check_model_fits(dataset, input_shape, num_classes, model_name):
    """One-line error unless a model's input shape and class count are the dataset's."""
    if tuple(input_shape) != tuple(dataset.input_shape) or num_classes != dataset.num_classes:
        raise DatasetError(f"model '{model_name}' takes {list(input_shape)} inputs and {num_classes} classes but "
                           f"dataset '{dataset.spec}' has {list(dataset.input_shape)} images and "
                           f"{dataset.num_classes} classes")

