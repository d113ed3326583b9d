"""From a float torch module to voltsim's layer graph: the traced graph, evaluated in float
(frontend.float_forward), gives the module's own outputs; every unsupported construct is a ModelError
naming the node."""
import os

import pytest
import torch
import torch.nn.functional as F
from conftest import randomised_batch_norms
from torch import nn

from tools.train import frontend
from tools.train.frontend import ModelError
from tools.train.zoo import REPO_ROOT


class Wide(nn.Module):
    """Every other construct: functional pools, torch.cat, grouped conv, adaptive pool, torch.flatten,
    method relu, nn.Identity, conv without bias and BatchNorm without affine parameters."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 8, 3, stride=2, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(8, affine=False)
        self.grouped = nn.Conv2d(8, 8, 1, groups=4)
        self.side = nn.Conv2d(8, 4, 3, padding=1)
        self.skip = nn.Identity()
        self.gap = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(12, 5)

    def forward(self, x):
        x = self.bn(self.stem(x)).relu()
        x = F.max_pool2d(x, kernel_size=2, stride=1, padding=1)
        y = torch.cat([torch.relu(self.grouped(self.skip(x))), F.relu(self.side(x))], dim=1)
        y = F.avg_pool2d(y, 2)
        return self.fc(torch.flatten(self.gap(y), 1))


@pytest.mark.parametrize("make, shape", [
    (lambda: frontend.load_factory(os.path.join(REPO_ROOT, "examples", "digits", "model.py") + ":make")(), (1, 8, 8)),
    (Wide, (3, 12, 12)),
])
def test_traced_graph_computes_what_the_module_computes(make, shape):
    torch.manual_seed(0)
    module = randomised_batch_norms(make()).eval()
    traced = frontend.from_module(module, shape)
    x = torch.rand((16,) + shape)
    with torch.no_grad():
        torch.testing.assert_close(frontend.float_forward(traced, x), module(x), rtol=1e-4, atol=1e-4)
    kinds = [spec.kind for spec in traced.network.layers]
    assert "batchnorm" not in kinds and len(traced.parameters) == sum(k in ("conv2d", "linear") for k in kinds)


def test_digits_model_graph_has_the_expected_layers():
    module = frontend.load_factory(os.path.join(REPO_ROOT, "examples", "digits", "model.py") + ":make")()
    traced = frontend.from_module(module, (1, 8, 8))
    summary = [(s.name, s.kind, s.relu) for s in traced.network.layers]
    assert summary == [("conv1", "conv2d", True), ("conv2", "conv2d", True), ("add", "add", False),
                       ("pool", "maxpool2d", False), ("conv3", "conv2d", True), ("view", "flatten", False),
                       ("fc1", "linear", True), ("fc2", "linear", False)]
    assert traced.network.num_classes == 10


class Sequential(nn.Module):
    def __init__(self, *layers):
        super().__init__()
        self.body = nn.Sequential(*layers)

    def forward(self, x):
        return self.body(x)


def head(channels=4, size=8):
    return [nn.Flatten(), nn.Linear(channels * size * size, 3)]


@pytest.mark.parametrize("layers, message", [
    ([nn.Conv2d(1, 4, 3, padding=1), nn.Sigmoid()] + head(), r"node 'body_1': module Sigmoid is not supported"),
    ([nn.Conv2d(1, 4, 3, padding=2, dilation=2), nn.ReLU()] + head(), r"node 'body_0': dilation"),
    ([nn.Conv2d(1, 4, (3, 1), padding=(1, 0)), nn.ReLU()] + head(), r"node 'body_0': kernel \(3, 1\) is not square"),
    ([nn.Conv2d(1, 4, 3, padding="same"), nn.ReLU()] + head(), r"only explicit zero padding"),
    ([nn.Conv2d(1, 4, 3, padding=1, padding_mode="reflect"), nn.ReLU()] + head(), r"only explicit zero padding"),
    ([nn.Conv2d(1, 4, 3, padding=1), nn.Conv2d(4, 4, 3, padding=1), nn.ReLU()] + head(),
     r"layer 'body.0': its output has no ReLU \(signed\) and is read by conv2d 'body.1'; voltsim carries signed "
     r"activations only into an add"),
    ([nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.BatchNorm2d(4)] + head(),
     r"BatchNorm2d must follow a Conv2d directly"),
    ([nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2, ceil_mode=True)] + head(size=4),
     r"ceil_mode"),
    ([nn.Conv2d(1, 4, 3, padding=1), nn.ReLU()] + head() + [nn.ReLU()], r"the last layer must be a linear"),
    ([nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 8 * 8, 3), nn.Softmax(dim=1)],
     r"module Softmax is not supported"),
])
def test_unsupported_constructs_name_the_node(layers, message):
    with pytest.raises(ModelError, match=message):
        frontend.from_module(Sequential(*layers), (1, 8, 8))


class Branchy(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 2, 3, padding=1)
        self.fc = nn.Linear(2 * 8 * 8, 3)

    def forward(self, x):
        if x.sum() > 0:  # data-dependent control flow: fx cannot trace it
            x = x * 2
        return self.fc(torch.relu(self.conv(x)).flatten(1))


def test_untraceable_and_mis_sized_models_are_one_line_errors():
    with pytest.raises(ModelError, match="cannot be traced by torch.fx"):
        frontend.from_module(Branchy(), (1, 8, 8))
    good = Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), *head())
    with pytest.raises(ModelError, match=r"does not run on inputs of shape \[1, 9, 9\]"):
        frontend.from_module(good, (1, 9, 9))


@pytest.mark.parametrize("spec, message", [
    ("model.py", "must be FILE.py:FUNCTION"),
    ("/nonexistent/model.py:make", "is not a readable file"),
    (os.path.join(REPO_ROOT, "examples", "digits", "model.py") + ":missing", "defines no function 'missing'"),
])
def test_factory_spec_errors(spec, message):
    with pytest.raises(ModelError, match=message):
        frontend.load_factory(spec)
