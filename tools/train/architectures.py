"""The built-in float networks (docs/zoo.md has their layer tables), plain ``torch.nn.Module``s.

They reach the trainer through the same path as a user's ``--model FILE.py:FUNCTION``: tools/train/
frontend.py traces them into the layer graph. ``Add`` and ``Concat`` are modules only so that the
graph's merge layers get stable names (``add1``); a user's model may write ``a + b`` and ``torch.cat``.
Each module creates its conv and linear layers in run order, so ``torch.manual_seed(seed)`` right
before construction fixes the starting weights.
"""
import torch
from torch import nn


class Add(nn.Module):
    """a + b (an add layer of docs/datapath.md)."""
    voltsim_kind = "add"

    def forward(self, a, b):
        return a + b


class Concat(nn.Module):
    """Channel concatenation (a concat layer of docs/datapath.md)."""
    voltsim_kind = "concat"

    def forward(self, *tensors):
        return torch.cat(tensors, dim=1)


def _conv(c_in, c_out, kernel=3, stride=1, padding=1, groups=1):
    return nn.Conv2d(c_in, c_out, kernel, stride=stride, padding=padding, groups=groups)


class Cnn(nn.Module):
    """The paper-style CNN: two 3x3 conv + max-pool stages and two fully connected layers."""

    def __init__(self, in_channels=1, num_classes=10, image_size=28):
        super().__init__()
        self.conv1 = _conv(in_channels, 16)
        self.pool1 = nn.MaxPool2d(2, 2)
        self.conv2 = _conv(16, 32)
        self.pool2 = nn.MaxPool2d(2, 2)
        self.flatten = nn.Flatten()
        self.fc1 = nn.Linear(32 * (image_size // 4) ** 2, 64)
        self.fc2 = nn.Linear(64, num_classes)

    def forward(self, x):
        x = self.pool1(torch.relu(self.conv1(x)))
        x = self.pool2(torch.relu(self.conv2(x)))
        return self.fc2(torch.relu(self.fc1(self.flatten(x))))


class ResNet(nn.Module):
    """Residual network: units with "ReLU before addition" (every tensor is unsigned), the second one
    depthwise-separable, and a wide fully connected layer so its 8-bit codes exceed the 128 KiB
    default weight SRAM."""

    def __init__(self, in_channels=1, num_classes=10, image_size=28):
        super().__init__()
        self.conv1 = _conv(in_channels, 16)
        self.pool1 = nn.MaxPool2d(2, 2)
        self.res1a = _conv(16, 16)
        self.res1b = _conv(16, 16)
        self.add1 = Add()
        self.conv2 = _conv(16, 32)
        self.pool2 = nn.MaxPool2d(2, 2)
        self.res2dw = _conv(32, 32, groups=32)
        self.res2pw = _conv(32, 32, kernel=1, padding=0)
        self.add2 = Add()
        self.flatten = nn.Flatten()
        self.fc1 = nn.Linear(32 * (image_size // 4) ** 2, 96)
        self.fc2 = nn.Linear(96, num_classes)

    def forward(self, x):
        x = self.pool1(torch.relu(self.conv1(x)))
        x = self.add1(torch.relu(self.res1b(torch.relu(self.res1a(x)))), x)
        x = self.pool2(torch.relu(self.conv2(x)))
        x = self.add2(torch.relu(self.res2pw(torch.relu(self.res2dw(x)))), x)
        return self.fc2(torch.relu(self.fc1(self.flatten(x))))


class EveryLayer(nn.Module):
    """Every layer type of package version 2 in a few hundred weights: the fixture of tests/data/
    that the C++ loader and integer reference are tested against (tools/train/fixtures.py)."""

    def __init__(self, in_channels=1, num_classes=10, image_size=28):
        super().__init__()
        del image_size  # the global average pool makes the classifier independent of it
        self.stem = _conv(in_channels, 4, stride=2)
        self.pool = nn.MaxPool2d(3, 2, padding=1)
        self.dw = _conv(4, 4, groups=4)
        self.grp = _conv(4, 4, kernel=1, padding=0, groups=2)
        self.short = _conv(4, 4, kernel=1, padding=0)
        self.signed_add = Add()
        self.add = Add()
        self.side = _conv(4, 2, kernel=1, padding=0)
        self.cat = Concat()
        self.avg = nn.AvgPool2d(2, 2)
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.flatten = nn.Flatten()
        self.fc1 = nn.Linear(6, 8)
        self.fc2 = nn.Linear(8, num_classes)

    def forward(self, x):
        p = self.pool(torch.relu(self.stem(x)))
        # grp and short have no ReLU: signed tensors, added to a signed sum, added to p, then ReLU
        s = self.signed_add(self.grp(torch.relu(self.dw(p))), self.short(p))
        a = torch.relu(self.add(s, p))
        x = self.cat(a, torch.relu(self.side(p)))
        x = self.flatten(self.gap(self.avg(x)))
        return self.fc2(torch.relu(self.fc1(x)))


BUILTIN = {"cnn": Cnn, "resnet": ResNet, "every-layer": EveryLayer}
