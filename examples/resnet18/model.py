"""torchvision's ResNet-18, unchanged but for a one-channel first convolution, for 28 x 28 grey images: the
example of importing a standard network whose residual branches add signed tensors (docs/import.md).

    /usr/bin/python3 examples/train_float.py --model examples/resnet18/model.py:make --out resnet18.onnx
    build/voltsim import onnx resnet18.onnx --calibration fashion-mnist --bits 8 --quantizer rquant --out PKG

Each basic block ends in conv, BatchNorm (no ReLU) added to the shortcut and then a ReLU: the branch
output is signed, which the datapath carries with a zero point (docs/datapath.md, "Zero points").
"""
import torchvision
from torch import nn


def make():
    model = torchvision.models.resnet18(num_classes=10)  # no pretrained weights: nothing is downloaded
    model.conv1 = nn.Conv2d(1, 64, kernel_size=7, stride=2, padding=3, bias=False)
    return model
