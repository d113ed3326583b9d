"""A user's own model and data from the command line: the digits example trains with RandBET through
``python3 -m tools.train``, and voltsim checks and runs the package on the same archive."""
import json
import os
import subprocess
import sys

import pytest
import torch
from conftest import voltsim_binary

from tools.data import digits
from tools.train import package
from tools.train.zoo import REPO_ROOT

MODEL = os.path.join(REPO_ROOT, "examples", "digits", "model.py") + ":make"


def trainer(*args):
    return subprocess.run([sys.executable, "-m", "tools.train", *args], cwd=REPO_ROOT, capture_output=True,
                          text=True, timeout=600)


@pytest.fixture(scope="module")
def digits_npz(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("data") / "digits.npz")
    digits.main(["--out", path])
    return path


@pytest.fixture(scope="module")
def randbet_package(digits_npz, tmp_path_factory):
    out = str(tmp_path_factory.mktemp("pkg") / "digits-randbet-8bit")
    result = trainer("--model", MODEL, "--dataset", "npz:" + digits_npz, "--method", "randbet", "--bits", "8",
                     "--epochs", "4", "--curriculum-loss", "5", "--out", out)
    assert result.returncode == 0, result.stderr
    return out


def test_user_model_trains_with_randbet_and_exports(randbet_package, digits_npz):
    manifest, _, _ = package.load(randbet_package)
    assert manifest["dataset"]["name"] == "npz:" + digits_npz
    assert manifest["dataset"]["input_shape"] == [1, 8, 8] and manifest["dataset"]["num_classes"] == 10
    training = manifest["training"]
    assert training["method"] == "randbet" and training["architecture"] == MODEL and training["p"] == 0.01
    assert training["command"].startswith("/usr/bin/python3 -m tools.train --model ")
    assert manifest["test_images"] == 360 and manifest["clean_test_error"] < 0.2  # chance is 0.9


def test_voltsim_checks_and_runs_the_package_on_the_archive(randbet_package, digits_npz):
    check = subprocess.run([voltsim_binary(), "model", "check", randbet_package, "--dataset", "npz:" + digits_npz],
                           capture_output=True, text=True, timeout=120)
    assert check.returncode == 0 and "matches the manifest" in check.stdout, check.stdout + check.stderr
    run = subprocess.run([voltsim_binary(), "run", "--model", randbet_package, "--dataset", "npz:" + digits_npz,
                          "--images", "360", "--voltage-rel", "0.9", "--json"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    summary = json.loads(run.stdout)
    manifest, _, _ = package.load(randbet_package)
    assert summary["clean_error"] == pytest.approx(manifest["clean_test_error"])
    mismatch = subprocess.run([voltsim_binary(), "run", "--model", randbet_package], capture_output=True, text=True,
                              timeout=120)
    assert mismatch.returncode == 2 and "takes [1, 8, 8] inputs" in mismatch.stderr


def test_fine_tuning_starts_from_a_float_checkpoint(digits_npz, tmp_path):
    torch.manual_seed(5)
    from tools.train.frontend import load_factory
    module = load_factory(MODEL)()
    checkpoint = str(tmp_path / "float.pt")
    torch.save(module.state_dict(), checkpoint)
    out = str(tmp_path / "tuned")
    result = trainer("--model", MODEL, "--dataset", "npz:" + digits_npz, "--method", "clipping", "--bits", "4",
                     "--epochs", "1", "--init-from", checkpoint, "--out", out)
    assert result.returncode == 0, result.stderr
    assert package.load(out)[0]["training"]["init_from"] == checkpoint
    bad = trainer("--model", MODEL, "--dataset", "npz:" + digits_npz, "--method", "clipping", "--bits", "4",
                  "--init-from", os.path.join(REPO_ROOT, "README.md") + ".pt", "--out", str(tmp_path / "x"))
    assert bad.returncode == 2 and "--init-from" in bad.stderr


@pytest.mark.parametrize("args, message", [
    (["--method", "normal", "--bits", "8", "--w-max", "0.1"], "--w-max is not used by --method normal"),
    (["--method", "randbet", "--bits", "9"], "--bits must be 2..8, got 9"),
    (["--method", "randbet", "--bits", "8", "--p", "1.5"], "--p must be in (0, 1), got 1.5"),
    (["--method", "rquant", "--bits", "8", "--dataset", "npz:/nonexistent.npz"], "/nonexistent.npz: not a readable"),
    (["--method", "rquant", "--bits", "8", "--dataset", "fashion-mnist"], "does not run on inputs of shape [1, 28, 28]"),
])
def test_bad_command_lines_are_one_line_errors(args, message, digits_npz, tmp_path):
    full = ["--model", MODEL, "--dataset", "npz:" + digits_npz, *args, "--out", str(tmp_path / "p")]
    result = trainer(*full)
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("voltsim-train: error: ") and message in result.stderr, result.stderr
