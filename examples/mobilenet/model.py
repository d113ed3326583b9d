"""A MobileNet-style network (depthwise-separable blocks, MobileNet v1) for 28 x 28 grey images, in plain
PyTorch: the example of importing a float model someone trained elsewhere (docs/import.md).

    /usr/bin/python3 examples/train_float.py --model examples/mobilenet/model.py:make --out mobilenet.onnx   # float training + ONNX export
    build/voltsim import onnx mobilenet.onnx --calibration fashion-mnist --bits 8 --quantizer rquant --out PKG

Every block is a 3x3 depthwise conv and a 1x1 pointwise conv, each with BatchNorm and ReLU (the
BatchNorms fold into the convs on export and import).
"""
from torch import nn

# (output channels, stride) of the depthwise-separable blocks after the stem
BLOCKS = ((32, 1), (64, 2), (64, 1), (128, 2), (128, 1), (128, 1))


def conv_bn_relu(c_in, c_out, kernel, stride, groups=1):
    return [nn.Conv2d(c_in, c_out, kernel, stride, kernel // 2, groups=groups, bias=False), nn.BatchNorm2d(c_out),
            nn.ReLU(inplace=True)]


class MobileNet(nn.Module):
    def __init__(self, num_classes=10, in_channels=1, width=16):
        super().__init__()
        layers, channels = conv_bn_relu(in_channels, width, 3, 1), width
        for c_out, stride in BLOCKS:
            layers += conv_bn_relu(channels, channels, 3, stride, groups=channels)  # depthwise
            layers += conv_bn_relu(channels, c_out, 1, 1)  # pointwise
            channels = c_out
        self.features = nn.Sequential(*layers)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Linear(channels, num_classes)

    def forward(self, x):
        return self.classifier(self.pool(self.features(x)).flatten(1))


def make():
    return MobileNet()
