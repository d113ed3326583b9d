"""The ``voltsim`` Python module (docs/python.md) against independent numbers: the package files read
with json/numpy, the command line's logits and per-chip results, the trainer's integer reference on
the module's faulty codes, a float PyTorch model built from the decoded weights, and the docs'
example run as written."""
import csv
import json
import os
import re
import subprocess
import sys
import threading

import numpy as np
import pytest
import torch

from conftest import REPO_ROOT, voltsim_binary
from tools.train import intref

PYTHON_DIR = os.path.join(REPO_ROOT, os.environ.get("VOLTSIM_BUILD_DIR", "build"), "python")
if not os.path.isdir(os.path.join(PYTHON_DIR, "voltsim")):
    pytest.skip(f"{PYTHON_DIR}/voltsim is not built (configure with pybind11-dev and python3-dev)",
                allow_module_level=True)
if PYTHON_DIR not in sys.path:
    sys.path.insert(0, PYTHON_DIR)

import voltsim  # noqa: E402

MODEL = "randbet-8bit"
MODEL_DIR = os.path.join(REPO_ROOT, "workloads", "models", MODEL)


@pytest.fixture(scope="module")
def model():
    return voltsim.load_model(MODEL)


@pytest.fixture(scope="module")
def manifest():
    with open(os.path.join(MODEL_DIR, "manifest.json")) as f:
        return json.load(f)


@pytest.fixture(scope="module")
def test_set():
    return voltsim.load_dataset("fashion-mnist")


def run_cli(*args):
    done = subprocess.run([voltsim_binary(), *args], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_shipped_names():
    assert MODEL in voltsim.models()
    assert {"stutz2021-14nm", "uniform"} <= set(voltsim.profiles())
    assert os.path.isdir(os.path.join(voltsim.data_dir(), "profiles"))


def test_manifest_facts_and_codes(model, manifest):
    assert model.name == manifest["name"] == MODEL
    assert model.input_shape == tuple(manifest["dataset"]["input_shape"])
    assert model.classes == manifest["dataset"]["num_classes"]
    assert model.clean_test_error == manifest["clean_test_error"]
    assert model.method == manifest["training"]["method"]
    assert [(l["name"], l["type"], l["out_shape"]) for l in model.layers] == \
        [(l["name"], l["type"], tuple(l["out_shape"])) for l in manifest["layers"]]
    conv1 = model.layers[0]
    assert conv1["weight"]["shape"] == tuple(manifest["layers"][0]["weight"]["shape"])
    codes = np.fromfile(os.path.join(MODEL_DIR, "codes.bin"), dtype=np.uint8)
    assert model.codes.dtype == np.uint8 and np.array_equal(model.codes, codes)


def test_manifest_decode_is_the_affine_formula(model, manifest):
    fc2 = manifest["layers"][-1]["weight"]
    weight = model.weights(decode="manifest")["fc2"]["weight"]
    codes = model.codes[fc2["blob_offset"]:fc2["blob_offset"] + fc2["count"]].astype(np.float64)
    expected = (fc2["scale"] * (codes - fc2["offset"]) + fc2["center"]).reshape(fc2["shape"])
    assert weight.shape == tuple(fc2["shape"]) and weight.dtype == np.float32
    np.testing.assert_allclose(weight, expected, rtol=1e-6, atol=1e-9)


def test_a_chip_at_nominal_voltage_reads_the_stored_codes(model):
    chip = voltsim.Chip()
    assert chip.profile == "stutz2021-14nm"
    assert np.array_equal(chip.codes(model), model.codes) and chip.flips(model) == 0


def test_faulty_codes_give_the_command_lines_logits(model, manifest, test_set, tmp_path):
    """The module's faulty codes, run through the trainer's integer reference, equal the logits
    `voltsim run --dump-logits` computes for the same chips."""
    images, seed, rel = 48, 5, 0.8
    run_cli("run", "--model", MODEL, "--voltage-rel", str(rel), "--chips", "2", "--images", str(images),
            "--seed", str(seed), "--backend", "functional", "--dump-logits", str(tmp_path / "logits.csv"))
    with open(tmp_path / "logits.csv") as f:
        rows = list(csv.DictReader(f))
    pixels = test_set[0][:images]
    for index in range(2):
        chip = voltsim.Chip(voltage_rel=rel, seed=seed, index=index)
        codes = chip.codes(model)
        assert chip.flips(model) > 0
        expected = [r for r in rows if r["run"] == f"chip{index}"]
        assert int(expected[0]["chip_seed"]) == chip.seed
        cli = np.array([[int(r[f"logit_{c}"]) for c in range(model.classes)] for r in expected])
        assert np.array_equal(intref.logits(manifest["layers"], codes, pixels), cli)


def float_model(model):
    """A float PyTorch network of the package's sequential CNN, its conv2d and linear modules named
    like the package's layers."""
    net = torch.nn.Sequential()
    for layer in model.layers:
        if layer["type"] == "conv2d":
            out_channels, in_per_group = layer["weight"]["shape"][:2]
            net.add_module(layer["name"], torch.nn.Conv2d(
                in_per_group * layer["groups"], out_channels, layer["kernel"], layer["stride"],
                layer["padding"], groups=layer["groups"]))
        elif layer["type"] == "linear":
            net.add_module(layer["name"], torch.nn.Linear(*reversed(layer["weight"]["shape"])))
        elif layer["type"] == "maxpool2d":
            net.add_module(layer["name"], torch.nn.MaxPool2d(layer["kernel"], layer["stride"]))
        elif layer["type"] == "flatten":
            net.add_module(layer["name"], torch.nn.Flatten())
        if layer["relu"]:
            net.add_module(layer["name"] + "_relu", torch.nn.ReLU())
    return net


def test_clean_decoded_weights_reproduce_the_golden_logits(model):
    """A float model with the clean chip's decoded weights gives the golden logits up to the
    datapath's rounding of activations (8 bits per layer) and of its integer multipliers."""
    net = float_model(model)
    net.load_state_dict(voltsim.state_dict(voltsim.Chip().weights(model)))
    with open(os.path.join(MODEL_DIR, "golden.json")) as f:
        golden = json.load(f)["images"]
    pixels = torch.tensor([g["pixels"] for g in golden], dtype=torch.float32).reshape(-1, *model.input_shape)
    logits = np.array([g["logits"] for g in golden], dtype=np.float64)
    with torch.no_grad():
        floats = net(pixels / 255).double().numpy()
    logit_scale = model.layers[-1]["scales"]["output"]
    error = np.abs(floats / logit_scale - logits).max() / np.abs(logits).max()
    assert error < 0.05, error
    assert (floats.argmax(1) == logits.argmax(1)).mean() >= 0.9


def test_evaluate_clean_error_is_the_manifests(model):
    result = voltsim.evaluate(model, chips=1, images=model.test_images)
    assert result["images"] == model.test_images
    assert result["clean_error"] == pytest.approx(model.clean_test_error, abs=1e-12)


def test_evaluate_equals_the_command_line(model):
    result = voltsim.evaluate(model, voltage_rel=0.8, chips=3, images=200, seed=9)
    cli = json.loads(run_cli("run", "--model", MODEL, "--voltage-rel", "0.8", "--chips", "3",
                             "--images", "200", "--seed", "9", "--backend", "functional", "--json"))
    assert result["rerr"] == cli["rerr"]
    assert result["energy_per_inference"] == pytest.approx(cli["energy_per_inference"])
    np.testing.assert_allclose(result["rerr_per_chip"], cli["rerr"]["per_chip"])
    assert result["flips_per_chip"].dtype == np.uint64 and result["flips_per_chip"].shape == (3,)
    chip = voltsim.Chip(voltage_rel=0.8, seed=9, index=2)
    assert result["chip_seeds"][2] == chip.seed and result["flips_per_chip"][2] == chip.flips(model)
    assert result["logits"].shape == (3, 200, model.classes)
    errors = (result["logits"].argmax(2) != voltsim.load_dataset()[1][:200]).sum(1)
    assert np.array_equal(errors, result["errors_per_chip"])


def test_sweep_rows_equal_evaluate(model):
    result = voltsim.sweep([MODEL, "clipping-8bit"], voltages_rel=[0.9, 0.8], chips=2, images=100, seed=3)
    assert result["models"] == [MODEL, "clipping-8bit"]
    assert result["rerr_mean"].shape == (2, 2) and result["rerr_per_chip"].shape == (2, 2, 2)
    single = voltsim.evaluate(model, voltage_rel=0.8, chips=2, images=100, seed=3)
    assert result["rerr_mean"][0, 1] == single["rerr"]["mean"]
    assert result["energy_pj"][0, 1] == pytest.approx(single["energy_per_inference"]["total_pj"])
    np.testing.assert_array_equal(result["rerr_per_chip"][0, 1], single["rerr_per_chip"])
    assert result["rows"][1]["voltage_rel"] == pytest.approx(0.8)
    assert (result["flips"][:, 1] >= result["flips"][:, 0]).all()  # nested faults


def test_sweep_equals_the_command_lines_sweep_csv(tmp_path):
    run_cli("sweep", "--models", MODEL, "--voltages-rel", "0.9,0.8", "--chips", "2", "--images", "100",
            "--seed", "3", "--out", str(tmp_path / "sweep"))
    with open(tmp_path / "sweep" / "sweep.csv") as f:
        rows = list(csv.DictReader(f))
    result = voltsim.sweep([MODEL], voltages_rel=[0.9, 0.8], chips=2, images=100, seed=3)
    columns = {"voltage_mv": "voltage_mv", "ber": "ber", "flips": "flips", "err": "err",
               "rerr_mean": "rerr_mean", "rerr_std": "rerr_std", "rerr_min": "rerr_min",
               "rerr_max": "rerr_max", "energy_pj": "energy_pj", "sram_energy_pj": "sram_energy_pj",
               "energy_saving": "energy_saving", "sram_energy_saving": "sram_energy_saving",
               "cycles": "cycles", "latency_us": "latency_us"}
    for key, column in columns.items():
        np.testing.assert_allclose(result[key][0], [float(r[column]) for r in rows], rtol=1e-9,
                                   err_msg=key)


def test_ber_sweep_uses_the_uniform_profile(model):
    result = voltsim.sweep([MODEL], bers=[0.001], chips=1, images=50)
    assert result["rows"][0]["profile"] == "uniform" and result["ber"][0, 0] == 0.001
    assert np.isnan(result["voltage_mv"][0, 0])


@pytest.mark.parametrize("call, text", [
    (lambda m: voltsim.load_model("no-such-model"), "unknown model 'no-such-model'"),
    (lambda m: voltsim.load_model("/nonexistent/dir"), "/nonexistent/dir"),
    (lambda m: voltsim.Chip("no-such-profile"), "no-such-profile"),
    (lambda m: voltsim.Chip(voltage_rel=0.9, ber=0.1), "at most one of voltage_rel, voltage_mv and ber"),
    (lambda m: voltsim.Chip(voltage_rel=float("nan")), "voltage_rel"),
    (lambda m: voltsim.Chip(voltage_rel=-1), "voltage_rel"),
    (lambda m: voltsim.Chip(set=["weight_sram.nonsense=1"]), "nonsense"),
    (lambda m: voltsim.evaluate(m, dataset="npz:/nonexistent.npz"), "/nonexistent.npz"),
    (lambda m: voltsim.evaluate(m, dataset="bogus:x"), "dataset"),
    (lambda m: voltsim.evaluate(m, images=0), "images"),
    (lambda m: voltsim.evaluate(m, chips=0), "chips"),
    (lambda m: voltsim.sweep([MODEL]), "exactly one of voltages_rel, voltages_mv and bers"),
    (lambda m: voltsim.sweep([], bers=[0.01]), "models"),
    (lambda m: m.weights(np.zeros(3, dtype=np.uint8)), "codes"),
    (lambda m: m.weights(decode="other"), "decode"),
])
def test_bad_input_is_one_line_voltsim_error(model, call, text):
    with pytest.raises(voltsim.Error) as error:
        call(model)
    assert isinstance(error.value, ValueError)
    message = str(error.value)
    assert text in message and "\n" not in message, message


def test_long_work_releases_the_gil(model):
    """Another Python thread runs while evaluate works in C++."""
    ticks, done = [0], threading.Event()

    def count():
        while not done.is_set():
            ticks[0] += 1

    counter = threading.Thread(target=count)
    counter.start()
    try:
        before = ticks[0]
        voltsim.evaluate(model, voltage_rel=0.8, chips=4, images=2000)
        during = ticks[0] - before
    finally:
        done.set()
        counter.join()
    assert during > 1000, during


def test_docs_example_runs():
    """docs/python.md's example, run as written."""
    with open(os.path.join(REPO_ROOT, "docs", "python.md")) as f:
        text = f.read()
    example = re.search(r"<!-- example -->\s*```python\n(.*?)```", text, re.S)
    assert example, "docs/python.md has no example block"
    namespace = {}
    exec(compile(example.group(1), "docs/python.md", "exec"), namespace)  # noqa: S102
    assert 0 <= namespace["faulty_error"] <= 1
