"""Export round trip: export a briefly trained model, reload, validate, reproduce the golden logits."""
import json
import os
import shutil

import numpy as np
import pytest
import torch

from tools.train import datasets, intref, package
from tools.train.train import TrainConfig, build_network, train

TEST_IMAGES = 300


@pytest.fixture(scope="module")
def data():
    source = datasets.load()
    (train_images, train_labels), (test_images, test_labels) = source.split("train"), source.split("test")
    return train_images[:768], train_labels[:768], test_images[:TEST_IMAGES], test_labels[:TEST_IMAGES]


@pytest.fixture(scope="module")
def exported(data, tmp_path_factory):
    train_images, train_labels, test_images, test_labels = data
    config = TrainConfig(method="randbet", bits=4, w_max=0.1, p=0.01, curriculum_loss=10.0,
                         perturbed_grad_clamp=0.05, epochs=1, batch_size=64)
    model = train(config, build_network(config, datasets.load()), train_images, train_labels, log=open(os.devnull, "w"))
    out = str(tmp_path_factory.mktemp("pkg") / "tiny")
    manifest = package.export(model, out, "tiny", "test model", {**config.metadata(), "command": "none"},
                              test_images, test_labels)
    return model, out, manifest


def test_reload_validates_and_reproduces_golden(exported, data):
    _, out, written = exported
    manifest, codes, golden = package.load(out)
    assert manifest == written
    assert manifest["blob"]["bytes"] == len(codes) == 105866
    assert manifest["test_images"] == TEST_IMAGES and len(golden["images"]) >= 32
    layers = manifest["layers"]
    pixels = np.array([img["pixels"] for img in golden["images"]], dtype=np.uint8).reshape(-1, 1, 28, 28)
    np.testing.assert_array_equal(pixels, data[2][[img["index"] for img in golden["images"]]])
    clean = intref.logits(layers, codes, pixels)
    assert clean.tolist() == [img["logits"] for img in golden["images"]]
    assert intref.predictions(clean).tolist() == [img["predicted"] for img in golden["images"]]
    corrupted = codes.copy()
    for index, mask in golden["faulty"]["flips"]:
        assert 0 < mask < 16
        corrupted[index] ^= mask
    assert intref.logits(layers, corrupted, pixels).tolist() == golden["faulty"]["logits"]
    # About 4 bits x 1 % of the 105,866 codes are hit.
    assert 3000 < len(golden["faulty"]["flips"]) < 5300


def test_clean_test_error_is_the_integer_paths(exported, data):
    _, out, manifest = exported
    _, codes, _ = package.load(out)
    wrong = intref.predictions(intref.logits(manifest["layers"], codes, data[2])) != data[3]
    assert manifest["clean_test_error"] == float(wrong.mean())


def test_requant_integers_follow_the_contract(exported):
    model, _, manifest = exported
    compute = [layer for layer in manifest["layers"] if "requant" in layer]
    assert [layer["requant"]["output"] for layer in compute] == ["uint8"] * 3 + ["int32"]
    for layer in compute:
        rq, w, b = layer["requant"], layer["weight"], layer["bias"]
        g_w, g_b = model.gains(layer["name"])
        reals = [g_w * rq["in_scale"] * w["scale"] / rq["out_scale"], g_w * rq["in_scale"] * w["center"] / rq["out_scale"],
                 g_b * b["scale"] / rq["out_scale"]]
        assert [rq["m_acc"], rq["m_sum"], rq["m_bias"]] == [int(np.floor(r * 2.0 ** rq["shift"] + 0.5)) for r in reals]
        assert rq["b0"] == int(np.floor(g_b * b["center"] / rq["out_scale"] * 2.0 ** rq["shift"] + 0.5))
        # the fine-tuning start reads the gains back from the multipliers (rounded to integers)
        g_w_back, g_b_back = package.folded_gains(layer)
        assert g_w_back == pytest.approx(g_w, rel=1.0 / abs(rq["m_acc"]))
        assert g_b_back == pytest.approx(g_b, rel=1.0 / abs(rq["m_bias"]))
        assert max(abs(rq[k]) for k in ("m_acc", "m_sum", "m_bias")) < 2 ** 28
        # shift is the largest that fits: one more bit would overflow 2^28
        assert rq["shift"] == 62 or max(abs(np.floor(r * 2.0 ** (rq["shift"] + 1) + 0.5)) for r in reals) >= 2 ** 28
    for earlier, later in zip(compute, compute[1:]):
        assert later["requant"]["in_scale"] == earlier["requant"]["out_scale"]


def test_float_forward_matches_integer_path(exported, data):
    model, out, manifest = exported
    _, codes, _ = package.load(out)
    int_logits = intref.logits(manifest["layers"], codes, data[2])
    with torch.no_grad():
        float_logits = model(torch.from_numpy(data[2].astype(np.float32)) / 255.0).numpy()
    agreement = np.mean(np.argmax(float_logits, 1) == intref.predictions(int_logits))
    assert agreement >= 0.97
    scaled = int_logits * manifest["layers"][-1]["requant"]["out_scale"]
    assert np.median(np.abs(scaled - float_logits)) < 0.05 * np.std(float_logits)


def test_export_is_byte_reproducible(exported, data, tmp_path):
    model, out, manifest = exported
    package.export(model, str(tmp_path), "tiny", "test model", manifest["training"], data[2], data[3])
    for name in ("manifest.json", "codes.bin", "golden.json"):
        with open(os.path.join(out, name), "rb") as a, open(tmp_path / name, "rb") as b:
            assert a.read() == b.read(), name


def edit_manifest(src, dst, edit):
    shutil.copytree(src, dst)
    path = os.path.join(dst, "manifest.json")
    with open(path) as f:
        manifest = json.load(f)
    edit(manifest)
    with open(path, "w") as f:
        json.dump(manifest, f)
    return str(dst)


@pytest.mark.parametrize("edit, message", [
    (lambda m: m["layers"][0].update(extra=1), r"manifest.json: layers\[0\]: unknown key 'extra' \(valid: bias, "),
    (lambda m: m["layers"][0]["weight"].update(bits=9), r"layers\[0\].weight.bits: must be an integer 2..8, got 9"),
    (lambda m: m["layers"][2]["weight"].update(blob_offset=0), r"layers\[2\].weight.blob_offset: must be 160"),
    (lambda m: m["layers"][5].update(in_shape=[63]), r"layers\[5\].in_shape: layer 'fc1': must be its input's shape \[1568\]"),
    (lambda m: m["layers"][6]["requant"].update(output="uint8"), r"layers\[6\].requant.output: must be int32"),
    (lambda m: m.pop("golden"), r"\(top level\): missing key 'golden'"),
    (lambda m: m["blob"].update(sha256="0" * 64), "codes.bin: SHA-256 does not match manifest.json blob.sha256"),
])
def test_loader_names_the_first_problem(exported, tmp_path, edit, message):
    _, out, _ = exported
    with pytest.raises(package.PackageError, match=message):
        package.load(edit_manifest(out, tmp_path / "bad", edit))


def test_loader_detects_a_changed_code(exported, tmp_path):
    _, out, _ = exported
    bad = tmp_path / "bad"
    shutil.copytree(out, bad)
    blob = bytearray((bad / "codes.bin").read_bytes())
    blob[100] ^= 1
    (bad / "codes.bin").write_bytes(bytes(blob))
    with pytest.raises(package.PackageError, match="SHA-256 does not match"):
        package.load(str(bad))


def test_version_1_packages_keep_their_chain_checks(tmp_path):
    from tools.train.zoo import ZOO_DIR
    src = os.path.join(ZOO_DIR, "clipping-4bit")
    manifest, _, _ = package.load(src)
    assert manifest["format_version"] == 1 and "inputs" not in manifest["layers"][0]
    bad = edit_manifest(src, tmp_path / "bad", lambda m: m["layers"][5].update(in_shape=[63]))
    with pytest.raises(package.PackageError, match=r"layers\[5\].in_shape: must be the previous output shape \[1568\]"):
        package.load(bad)
