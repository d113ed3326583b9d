"""A small CNN for scikit-learn's 8x8 digits: an example of a user's own model (README, docs/train.md).

    /usr/bin/python3 -m tools.train --model examples/digits/model.py:make --dataset npz:digits.npz ...

Any torch.nn.Module built of the supported layers works; this one uses BatchNorm (folded into the
conv before it), functional ReLUs, ``+`` for the residual and ``x.view(x.size(0), -1)``.
"""
import torch
from torch import nn
import torch.nn.functional as F


class DigitsNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(16)
        self.conv2 = nn.Conv2d(16, 16, 3, padding=1)
        self.pool = nn.MaxPool2d(2)
        self.conv3 = nn.Conv2d(16, 32, 3, padding=1)
        self.fc1 = nn.Linear(32 * 4 * 4, 64)
        self.drop = nn.Dropout(0.1)
        self.fc2 = nn.Linear(64, 10)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        x = F.relu(self.conv2(x)) + x
        x = F.relu(self.conv3(self.pool(x)))
        x = self.drop(x.view(x.size(0), -1))
        return self.fc2(self.drop(F.relu(self.fc1(x))))


def make():
    return DigitsNet()
