"""The shipped zoo: every package validates, reproduces its golden logits and meets the accuracy bars."""
import os

import numpy as np
import pytest

from tools.train import datasets, faults, intref, package, rerr, zoo
from tools.train.faulty_eval import FaultyEvaluator
from tools.train.train import TrainConfig, quant_net
from tools.train.zoo import CNN_ZOO, RESNET_ZOO, ZOO, ZOO_DIR

SHIPPED = [name for name in ZOO if os.path.exists(os.path.join(ZOO_DIR, name, "manifest.json"))]


@pytest.fixture(scope="module")
def test_set():
    return datasets.load().split("test")


def test_the_cnn_family_is_shipped():
    assert [n for n in SHIPPED if n in CNN_ZOO] == list(CNN_ZOO)


def test_resnet_codes_exceed_the_default_weight_sram():
    model = quant_net(TrainConfig(method="rquant", bits=8, architecture="resnet"), datasets.load())
    assert sum(p.numel() for p in model.quantized_parameters()) > 128 * 1024
    assert all(ZOO[name][0]["architecture"] == "resnet" for name in RESNET_ZOO)


def test_a_family_builds_only_missing_packages(tmp_path, monkeypatch):
    built = []
    monkeypatch.setattr(zoo, "build", lambda name, epochs, out: built.append(name))
    (tmp_path / "resnet-clipping-8bit").mkdir()
    (tmp_path / "resnet-clipping-8bit" / "manifest.json").write_text("{}")
    zoo.main(["resnet", "--out", str(tmp_path)])
    assert built == ["resnet-normal-8bit", "resnet-clipping-4bit", "resnet-randbet-8bit", "resnet-randbet-4bit"]
    built.clear()
    zoo.main(["resnet-clipping-8bit", "--out", str(tmp_path)])  # a name: rebuilt even if present
    assert built == ["resnet-clipping-8bit"]


@pytest.mark.parametrize("name", SHIPPED)
def test_package_reproduces_golden_and_documents_training(name):
    manifest, codes, golden = package.load(os.path.join(ZOO_DIR, name))
    method, bits = ZOO[name][0]["method"], ZOO[name][0]["bits"]
    training = manifest["training"]
    assert (manifest["name"], training["method"], training["bits"]) == (name, method, bits)
    assert training["command"].startswith(f"/usr/bin/python3 -m tools.train.zoo {name}")
    assert {"seed", "epochs", "lr", "optimizer", "batch_size"} <= training.keys()
    assert all(layer["weight"]["bits"] == bits for layer in manifest["layers"] if "weight" in layer)
    pixels = np.array([img["pixels"] for img in golden["images"]], dtype=np.uint8).reshape(-1, 28, 28)
    assert intref.logits(manifest["layers"], codes, pixels).tolist() == [img["logits"] for img in golden["images"]]
    assert manifest["test_images"] == 10000


@pytest.mark.parametrize("name", [n for n in SHIPPED if n != "rquant-8bit"])
def test_clean_error_meets_the_issue_targets(name):
    manifest, _, _ = package.load(os.path.join(ZOO_DIR, name))
    assert manifest["clean_test_error"] < (0.10 if name.endswith("normal-8bit") else 0.11)


def test_rquant_meets_the_issue_target():
    manifest, _, _ = package.load(os.path.join(ZOO_DIR, "rquant-8bit"))
    assert manifest["clean_test_error"] < 0.11


def test_faulty_evaluator_equals_the_integer_reference(test_set):
    manifest, codes, _ = package.load(os.path.join(ZOO_DIR, SHIPPED[0]))
    layers, images = manifest["layers"], test_set[0][:300]
    evaluator = FaultyEvaluator(layers, codes, images)
    uniforms = faults.cell_uniforms(package.code_bits(layers), seed=4)
    for p in (0.0, 0.001, 0.01, 0.1):
        corrupted = codes ^ faults.xor_masks(uniforms, p)
        np.testing.assert_array_equal(evaluator.logits(corrupted), intref.logits(layers, corrupted, images))


def test_robust_error_counts_clean_or_perturbed_mistakes(test_set):
    manifest, codes, _ = package.load(os.path.join(ZOO_DIR, SHIPPED[0]))
    layers, images, labels = manifest["layers"], test_set[0][:400], test_set[1][:400]
    clean, by_p = rerr.robust_errors(layers, codes, images, labels, (0.0, 0.05), patterns=2, seed=21)
    clean_wrong = intref.predictions(intref.logits(layers, codes, images)) != labels
    assert clean == clean_wrong.mean() and by_p[0.0] == [clean, clean]
    for i, value in enumerate(by_p[0.05]):
        corrupted = codes ^ package.pattern_masks(layers, 21 + i, 0.05)
        wrong = clean_wrong | (intref.predictions(intref.logits(layers, corrupted, images)) != labels)
        assert value == wrong.mean()


def test_markdown_table_layout():
    rows = [{"model": "m", "clean_err": "0.1000", "p": p, "rerr_mean": "0.2", "rerr_min": "0.15", "rerr_max": "0.25",
             "patterns": "10", "images": "10000"} for p in ("0.001", "0.01")]
    assert rerr.markdown_table(rows).splitlines() == [
        "| model | Err % | RErr % at p = 0.1 % | RErr % at p = 1 % |", "|---|---|---|---|",
        "| m | 10.00 | 20.00 (15.00-25.00) | 20.00 (15.00-25.00) |", "",
        "Error patterns per model / test images: 10 / 10,000."]


@pytest.mark.parametrize("name", [n for n in ("normal-8bit", "clipping-4bit", "resnet-clipping-8bit") if n in SHIPPED])
def test_fine_tuning_start_reproduces_the_package(name, test_set):
    import torch
    manifest, codes, _ = package.load(os.path.join(ZOO_DIR, name))
    bits, quantizer = manifest["training"]["bits"], manifest["layers"][0]["weight"]["quantizer"]
    config = TrainConfig(method="normal" if quantizer == "normal" else "rquant", bits=bits,
                         architecture=manifest["training"].get("architecture", "cnn"))
    model = quant_net(config, datasets.load()).eval()
    package.initialise_from(model, manifest, codes)
    np.testing.assert_array_equal(package.build_layers(model)[1], codes)  # same codes after re-quantizing
    images = test_set[0][:300]
    with torch.no_grad():
        float_pred = model(torch.from_numpy(images.astype(np.float32)) / 255.0).argmax(1).numpy()
    int_pred = intref.predictions(intref.logits(manifest["layers"], codes, images))
    assert np.mean(float_pred == int_pred) >= 0.97
