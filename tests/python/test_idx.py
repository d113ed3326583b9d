"""IDX reader: real Fashion-MNIST files and malformed files written here."""
import gzip
import struct

import numpy as np
import pytest

from tools.train import idx


def write_gz(path, data):
    with gzip.open(path, "wb") as f:
        f.write(data)
    return str(path)


def idx_bytes(array, dtype_byte=0x08):
    header = bytes([0, 0, dtype_byte, array.ndim]) + struct.pack(">" + "I" * array.ndim, *array.shape)
    return header + array.astype(np.uint8).tobytes()


def test_reads_declared_shape_and_values(tmp_path):
    data = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    path = write_gz(tmp_path / "x.gz", idx_bytes(data))
    np.testing.assert_array_equal(idx.read_idx_ubyte(path, 3), data)


@pytest.mark.parametrize("mutate, message", [
    (lambda b: b"\x01" + b[1:], "bad magic number"),
    (lambda b: b[:2] + b"\x0d" + b[3:], "is not unsigned byte"),
    (lambda b: b[:-1], "data has 23 bytes"),
    (lambda b: b + b"\x00", "data has 25 bytes"),
    (lambda b: b[:9], "truncated header"),
    (lambda b: b[:3], "truncated header"),
])
def test_malformed_files_name_the_file(tmp_path, mutate, message):
    data = np.zeros((2, 3, 4), dtype=np.uint8)
    path = write_gz(tmp_path / "bad.gz", mutate(idx_bytes(data)))
    with pytest.raises(idx.DatasetError, match=message) as err:
        idx.read_idx_ubyte(path, 3)
    assert str(path) in str(err.value)


def test_wrong_dimension_count(tmp_path):
    path = write_gz(tmp_path / "labels.gz", idx_bytes(np.zeros(5, dtype=np.uint8)))
    with pytest.raises(idx.DatasetError, match="1 dimensions, expected 3"):
        idx.read_idx_ubyte(path, 3)


def test_not_gzip_and_missing(tmp_path):
    plain = tmp_path / "plain.gz"
    plain.write_bytes(b"not gzip at all")
    with pytest.raises(idx.DatasetError, match="not a readable gzip file"):
        idx.read_idx_ubyte(str(plain), 1)
    with pytest.raises(idx.DatasetError, match="file not found"):
        idx.read_idx_ubyte(str(tmp_path / "missing.gz"), 1)


def test_label_count_mismatch(tmp_path):
    write_gz(tmp_path / "t10k-images-idx3-ubyte.gz", idx_bytes(np.zeros((3, 28, 28), dtype=np.uint8)))
    write_gz(tmp_path / "t10k-labels-idx1-ubyte.gz", idx_bytes(np.zeros(2, dtype=np.uint8)))
    with pytest.raises(idx.DatasetError, match="2 labels for 3 images"):
        idx.load_split("test", str(tmp_path))


def test_real_fashion_mnist():
    train_images, train_labels = idx.load_split("train")
    test_images, test_labels = idx.load_split("test")
    assert train_images.shape == (60000, 28, 28) and test_images.shape == (10000, 28, 28)
    # Every class has exactly 6,000 training and 1,000 test images (the dataset's published split).
    assert np.bincount(train_labels).tolist() == [6000] * 10
    assert np.bincount(test_labels).tolist() == [1000] * 10
    # The first test image is an ankle boot (class 9), as in the dataset's documentation.
    assert test_labels[0] == 9
