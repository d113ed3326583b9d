"""Dataset specs: the numpy-written fixtures, the digits writer, and every malformed archive a
DatasetError naming the file and the entry (the C++ reader's cases are tests/workloads/DatasetSpecTest.cpp)."""
import os
import subprocess

import numpy as np
import pytest
from conftest import voltsim_binary

from tools.data import digits
from tools.data.fixtures import OUT_DIR, pixels
from tools.train import datasets


def test_fixture_archives_read_to_the_pixel_formula():
    stored = datasets.load("npz:" + os.path.join(OUT_DIR, "nchw.npz"))
    compressed = datasets.load("npz:" + os.path.join(OUT_DIR, "nhwc-compressed.npz"))
    for source in (stored, compressed):
        images, _ = source.split("test")
        assert images.dtype == np.uint8 and images.shape == (3, 2, 2, 5)
        n, c, h, w = np.meshgrid(*(np.arange(d) for d in images.shape), indexing="ij")
        np.testing.assert_array_equal(images, 100 * n + 10 * c + 3 * h + w)
    assert stored.num_classes == 3 and stored.input_shape == (2, 2, 5) and stored.preprocessing() is None
    assert stored.split("test")[1].tolist() == [2, 0, 1] and stored.has_split("train")
    assert compressed.num_classes == 5 and not compressed.has_split("train")
    assert compressed.preprocessing() == {"mean": [0.5, 0.25], "std": [pytest.approx(0.2), 0.1]}


def test_fashion_mnist_and_its_idx_directory_are_the_same_data():
    named, by_dir = datasets.load(), datasets.load("idx:/usr/share/datasets/fashion-mnist")
    assert named.input_shape == (1, 28, 28) and named.num_classes == by_dir.num_classes == 10
    np.testing.assert_array_equal(named.split("test")[0], by_dir.split("test")[0])
    assert len(named.split("train")[1]) == 60000


def test_digits_split_is_seeded_and_complete():
    a, b = digits.digits_arrays(), digits.digits_arrays()
    assert all(np.array_equal(a[k], b[k]) for k in a)
    assert a["train_images"].shape == (1437, 8, 8) and a["test_images"].shape == (360, 8, 8)
    assert a["train_images"].max() == 255 and set(a["test_labels"]) == set(range(10))


def write(tmp_path, **entries):
    path = str(tmp_path / "d.npz")
    np.savez(path, **entries)
    return "npz:" + path


GOOD = dict(test_images=pixels(3)[:, 0], test_labels=np.array([0, 1, 1]))


# (entries changed from GOOD, the Python message, the entry both readers must name)
BAD_ARCHIVES = [
    (dict(test_images=pixels(3).astype(np.float32)), "entry 'test_images' has dtype float32, must be uint8",
     "test_images"),
    (dict(test_images=np.zeros((3, 4), np.uint8)), "entry 'test_images' has rank 2", "test_images"),
    (dict(test_images=np.zeros((3, 2, 2, 2), np.uint8)), "may be NCHW or NHWC: add a 'layout' entry", "layout"),
    (dict(test_labels=np.array([0, -1, 1])), "entry 'test_labels' holds label -1", "test_labels"),
    (dict(test_labels=np.array([0.0, 1.0, 1.0])), "entry 'test_labels' has dtype float64, must be integers",
     "test_labels"),
    (dict(test_labels=np.array([0, 1])), "test has 3 images but 2 labels", "labels"),
    (dict(test_labels=np.array([0, 1, 7]), num_classes=np.array(5)), "label 7 is outside 0..4", "label 7"),
    (dict(mean=np.array([np.nan]), std=np.array([1.0])), "entry 'mean' must be 1 finite floats", "mean"),
    (dict(mean=np.array([0.5])), "has one of 'mean' and 'std' but not the other", "'mean' and 'std'"),
    (dict(std_dev=np.array([1.0])), "unknown entry 'std_dev'", "std_dev"),
    (dict(layout=np.array("CHWN")), "entry 'layout' must be the string NCHW or NHWC", "layout"),
    (dict(train_images=pixels(2)[:, 0]), "has one of train_images and train_labels but not the other",
     "train_images"),
]


@pytest.mark.parametrize("change, message, entry", BAD_ARCHIVES)
def test_malformed_archives_name_file_and_entry(tmp_path, change, message, entry):
    spec = write(tmp_path, **{**GOOD, **change})
    with pytest.raises(datasets.DatasetError, match=message) as err:
        datasets.load(spec)
    assert spec[4:] in str(err.value)


@pytest.mark.parametrize("change, entry", [(change, entry) for change, _, entry in BAD_ARCHIVES])
def test_voltsim_rejects_the_same_archives(tmp_path, change, entry):
    spec = write(tmp_path, **{**GOOD, **change})
    result = subprocess.run([voltsim_binary(), "run", "--model", "randbet-8bit", "--dataset", spec],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("voltsim: error: ") and result.stderr.count("\n") == 1, result.stderr
    assert spec[4:] in result.stderr and entry in result.stderr, result.stderr


def test_missing_test_split_bad_spec_and_unreadable_file(tmp_path):
    with pytest.raises(datasets.DatasetError, match="missing entry 'test_images'"):
        datasets.load(write(tmp_path, train_images=pixels(2)[:, 0], train_labels=np.array([0, 1])))
    with pytest.raises(datasets.DatasetError, match="must be fashion-mnist, idx:DIR or npz:FILE"):
        datasets.load("csv:x")
    (tmp_path / "junk.npz").write_bytes(b"PK not really")
    with pytest.raises(datasets.DatasetError, match="not a readable .npz archive"):
        datasets.load("npz:" + str(tmp_path / "junk.npz"))


def test_model_that_does_not_fit_names_both():
    source = datasets.load("npz:" + os.path.join(OUT_DIR, "nchw.npz"))
    with pytest.raises(datasets.DatasetError, match=r"model 'cnn' takes \[1, 28, 28\] inputs and 10 classes but "
                                                    r"dataset 'npz:.*nchw.npz' has \[2, 2, 5\] images and 3 classes"):
        datasets.check_model_fits(source, (1, 28, 28), 10, "cnn")
