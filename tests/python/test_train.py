"""Training: a few seconds on a small subset, clipping, the RandBET gradient rule, determinism, CLI errors."""
import os
import subprocess
import sys

import numpy as np
import pytest
import torch

from tools.train import datasets
from tools.train.train import (RandBetStep, TrainConfig, build_network, curriculum_allows, quant_net,
                               random_masks, train)
from tools.train.zoo import REPO_ROOT

QUIET = open(os.devnull, "w")


@pytest.fixture(scope="module")
def data():
    source = datasets.load()
    (train_images, train_labels), (test_images, test_labels) = source.split("train"), source.split("test")
    return train_images[:3000], train_labels[:3000], test_images[:500], test_labels[:500]


def fit(config, data):
    return train(config, build_network(config, datasets.load()), data[0], data[1], log=QUIET)


def error(model, images, labels):
    with torch.no_grad():
        logits = model(torch.from_numpy(images.astype(np.float32)) / 255.0)
    return float(np.mean(logits.argmax(1).numpy() != labels))


def test_short_training_learns(data):
    config = TrainConfig(method="normal", bits=8, epochs=1, batch_size=64)
    model = fit(config, data)
    assert error(model, data[2], data[3]) < 0.4  # chance is 0.9; 47 steps reach about 0.25


def test_clipping_bounds_every_parameter(data):
    config = TrainConfig(method="clipping", bits=8, w_max=0.05, epochs=1, batch_size=64, train_images=256)
    model = fit(config, data)
    assert max(float(p.abs().max()) for p in model.quantized_parameters()) == pytest.approx(0.05)


def small_batch(data, n=32):
    x = torch.from_numpy(data[0][:n].astype(np.float32)) / 255.0
    return x, torch.from_numpy(data[1][:n].astype(np.int64))


def randbet_config(curriculum_loss):
    return TrainConfig(method="randbet", bits=8, w_max=0.1, p=0.05, curriculum_loss=curriculum_loss,
                       perturbed_grad_clamp=0.05)


def test_randbet_gradient_is_half_clean_plus_clamped_perturbed(data):
    torch.manual_seed(0)
    model = quant_net(TrainConfig(method="rquant", bits=8), datasets.load())
    params = list(model.parameters())
    x, y = small_batch(data)
    model(x, calibrate=True)  # calibrate the activation scales once, so both runs below see the same
    stepper = RandBetStep(randbet_config(100.0), torch.Generator().manual_seed(9))
    stepper.gradients(model, params, x, y)  # the first step is clean; its losses admit the next one's pass
    assert stepper.perturbed_steps == 0 and stepper.perturbed_next
    _, combined = stepper.gradients(model, params, x, y)
    assert stepper.perturbed_steps == 1
    # Recompute both passes by hand with the same flips (same generator seed).
    quantized = model.quantized()
    clean = torch.autograd.grad(torch.nn.functional.cross_entropy(model(x, quantized), y), params)
    masks = random_masks(model, quantized, 0.05, torch.Generator().manual_seed(9))
    perturbed = torch.autograd.grad(torch.nn.functional.cross_entropy(model(x, quantized, xor_masks=masks), y), params)
    assert any(float(g.abs().max()) > 0.05 for g in perturbed)  # the clamp matters in this check
    for got, c, p in zip(combined, clean, perturbed):
        torch.testing.assert_close(got, (c + p.clamp(-0.05, 0.05)) / 2, rtol=1e-5, atol=1e-7)


def test_curriculum_holds_the_perturbed_pass_back(data):
    model = quant_net(TrainConfig(method="rquant", bits=8), datasets.load())
    x, y = small_batch(data)
    stepper = RandBetStep(randbet_config(0.01), torch.Generator().manual_seed(1))
    _, grads = stepper.gradients(model, list(model.parameters()), x, y)
    assert stepper.perturbed_steps == 0 and not stepper.perturbed_next


@pytest.mark.parametrize("clean, perturbed, allowed", [
    (0.80, None, True),    # clean below 1.15 x 0.75: the pass starts
    (0.87, None, False),   # clean above 0.8625
    (0.50, 0.90, True),    # mean 0.70 <= 0.75: stays on
    (0.50, 1.10, False),   # mean 0.80: pauses for the next step
    (0.70, 0.80, True),    # mean exactly 0.75
    (0.90, 0.10, False),   # clean too high whatever the mean
])
def test_curriculum_checks_clean_and_perturbed_loss_every_step(clean, perturbed, allowed):
    assert curriculum_allows(clean, perturbed, 0.75) == allowed


def test_curriculum_switches_the_pass_off_and_on(data):
    model = quant_net(TrainConfig(method="rquant", bits=8), datasets.load())
    params = model.trainable_parameters()
    x, y = small_batch(data)
    stepper = RandBetStep(randbet_config(100.0), torch.Generator().manual_seed(1))
    stepper.gradients(model, params, x, y)
    assert stepper.perturbed_next
    stepper.config = randbet_config(1e-3)  # the same losses now exceed the threshold: off next step
    stepper.gradients(model, params, x, y)
    assert stepper.perturbed_steps == 1 and not stepper.perturbed_next


def test_same_seed_same_parameters(data):
    config = TrainConfig(method="randbet", bits=4, w_max=0.1, p=0.01, curriculum_loss=10.0,
                         perturbed_grad_clamp=0.05, epochs=1, batch_size=64, train_images=256)
    a = fit(config, data).state_dict()
    b = fit(config, data).state_dict()
    assert all(torch.equal(a[k], b[k]) for k in a)


@pytest.mark.parametrize("kwargs, message", [
    (dict(method="sgd-magic", bits=8), "method must be one of normal, rquant, clipping, randbet"),
    (dict(method="clipping", bits=8), "w_max is required for method 'clipping'"),
    (dict(method="rquant", bits=8, w_max=0.1), "w_max is not used for method 'rquant'"),
    (dict(method="randbet", bits=8, w_max=0.1), "p is required for method 'randbet'"),
])
def test_config_validation(kwargs, message):
    with pytest.raises(ValueError, match=message):
        TrainConfig(**kwargs).validate()


@pytest.mark.parametrize("module, args, message", [
    ("tools.train.zoo", ["bogus-8bit"], "voltsim-train: error: unknown model 'bogus-8bit' (valid: all, cnn, resnet, normal-8bit"),
    ("tools.train.zoo", ["normal-8bit", "--epochs", "0"], "voltsim-train: error: --epochs must be >= 1, got 0"),
    ("tools.train.rerr", ["bogus"], "voltsim-train: error: unknown model 'bogus'"),
    ("tools.train.rerr", ["all", "--patterns", "0"], "voltsim-train: error: --patterns must be >= 1, got 0"),
])
def test_cli_errors_are_one_line(module, args, message):
    result = subprocess.run([sys.executable, "-m", module, *args], cwd=REPO_ROOT, capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr.startswith(message) and result.stderr.count("\n") == 1
