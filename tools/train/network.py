"""The quantization-aware network trained for voltsim (docs/zoo.md has the layer table).

Layers are conv2d (bias, fused ReLU), max-pool, flatten and linear only, so the integer datapath of
docs/datapath.md runs them exactly. In the forward pass every weight and bias is replaced by the
affine decode of its codes (straight-through estimator), every hidden activation is fake-quantized to
unsigned 8 bits with a per-tensor scale calibrated as a running maximum, and the input is
pixels / 255. The float forward therefore equals the integer datapath up to requantization rounding.
"""
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from . import quant

INPUT_SHAPE = (1, 28, 28)
NUM_CLASSES = 10
ACTIVATION_LEVELS = 255
# Running-maximum momentum of the activation scale calibration.
ACT_MAX_MOMENTUM = 0.1


@dataclass(frozen=True)
class LayerSpec:
    name: str
    kind: str  # conv2d | maxpool2d | flatten | linear
    in_features: int = 0  # input channels (conv2d) or features (linear)
    out_features: int = 0
    kernel: int = 0
    stride: int = 1
    padding: int = 0
    relu: bool = False


ARCHITECTURE = (
    LayerSpec("conv1", "conv2d", 1, 16, kernel=3, stride=1, padding=1, relu=True),
    LayerSpec("pool1", "maxpool2d", kernel=2, stride=2),
    LayerSpec("conv2", "conv2d", 16, 32, kernel=3, stride=1, padding=1, relu=True),
    LayerSpec("pool2", "maxpool2d", kernel=2, stride=2),
    LayerSpec("flatten", "flatten"),
    LayerSpec("fc1", "linear", 32 * 7 * 7, 64, relu=True),
    LayerSpec("fc2", "linear", 64, NUM_CLASSES, relu=False),
)


def compute_layers(architecture=ARCHITECTURE):
    return [spec for spec in architecture if spec.kind in ("conv2d", "linear")]


def output_shape(spec, in_shape):
    """Shape (C, H, W) or (F,) after ``spec`` given ``in_shape``."""
    if spec.kind == "conv2d":
        _, h, w = in_shape
        size = lambda n: (n + 2 * spec.padding - spec.kernel) // spec.stride + 1
        return (spec.out_features, size(h), size(w))
    if spec.kind == "maxpool2d":
        c, h, w = in_shape
        return (c, (h - spec.kernel) // spec.stride + 1, (w - spec.kernel) // spec.stride + 1)
    if spec.kind == "flatten":
        n = 1
        for d in in_shape:
            n *= d
        return (n,)
    return (spec.out_features,)


def straight_through(w, decoded):
    """Forward: the decoded value; backward: identity to the float parameter."""
    return w + (decoded.to(w.dtype) - w).detach()


def fake_quantize_activation(y, scale):
    """ReLU, saturate at 255 * scale and round half up to the grid (rounding passes gradients straight through)."""
    clipped = torch.clamp(y, 0.0, ACTIVATION_LEVELS * scale)
    rounded = torch.floor(clipped / scale + 0.5) * scale
    return clipped + (rounded - clipped).detach()


class QuantNet(torch.nn.Module):
    """Float parameters, quantized forward. ``quantizer`` is 'rquant' or 'normal'; ``bits`` 2..8."""

    def __init__(self, bits, quantizer, architecture=ARCHITECTURE):
        super().__init__()
        quant.check_bits(bits)
        self.bits = bits
        self.quantizer = quantizer
        self.architecture = architecture
        self.weights = torch.nn.ParameterDict()
        self.biases = torch.nn.ParameterDict()
        # Learnable gains of every compute layer, y = g_w (W x) + g_b b, stored as log(g). Clipping
        # bounds every weight and bias by w_max and the network has no normalization layers, so
        # without them the balance of weighted sum against bias and the logits' magnitude (the
        # softmax temperature) would be tied to w_max; the gains play the role of the paper's
        # normalization scales. They are folded into the requantization multipliers on export
        # (g_w into m_acc and m_sum, g_b into m_bias and b0; tools/train/package.py), so the
        # datapath and the stored codes do not change, and they are never clipped.
        self.log_weight_gains = torch.nn.ParameterDict()
        self.log_bias_gains = torch.nn.ParameterDict()
        for spec in compute_layers(architecture):
            self._add_parameters(spec)
            self.log_weight_gains[spec.name] = torch.nn.Parameter(torch.zeros(()))
            self.log_bias_gains[spec.name] = torch.nn.Parameter(torch.zeros(()))
            if spec.relu:
                self.register_buffer(self._act_max_name(spec), torch.zeros(()))

    @staticmethod
    def _act_max_name(spec):
        return f"act_max_{spec.name}"

    def _add_parameters(self, spec):
        if spec.kind == "conv2d":
            layer = torch.nn.Conv2d(spec.in_features, spec.out_features, spec.kernel)
        else:
            layer = torch.nn.Linear(spec.in_features, spec.out_features)
        # Normal truncates (floor), lowering every weight by delta/2 on average; with no normalization
        # layers that shift kills every ReLU at initialization (the loss stays at ln 10). Starting the
        # latent parameters delta/2 higher makes the truncated ones start at PyTorch's default init.
        start_shift = quant.code_delta(self.bits) / 2.0 if self.quantizer == "normal" else 0.0
        self.weights[spec.name] = torch.nn.Parameter(layer.weight.detach().clone() + start_shift)
        self.biases[spec.name] = torch.nn.Parameter(layer.bias.detach().clone() + start_shift)

    def quantized(self):
        """{layer name: (QuantizedTensor weight, QuantizedTensor bias)} of the current parameters."""
        return {name: (quant.quantize(self.weights[name], self.bits, self.quantizer),
                       quant.quantize(self.biases[name], self.bits, self.quantizer))
                for name in self.weights}

    def quantized_parameters(self):
        """The tensors that are quantized to codes (and clipped): every weight and bias."""
        return list(self.weights.values()) + list(self.biases.values())

    def gains(self, name):
        """(g_w, g_b) of compute layer ``name``."""
        return float(torch.exp(self.log_weight_gains[name])), float(torch.exp(self.log_bias_gains[name]))

    def activation_scale(self, name):
        """Output scale s_out of hidden layer ``name`` (real value = code * s_out)."""
        return float(getattr(self, f"act_max_{name}")) / ACTIVATION_LEVELS

    def forward(self, pixels01, quantized=None, xor_masks=None, calibrate=False):
        """Logits of images ``pixels01`` = pixels / 255, shape [N, 1, 28, 28].

        ``quantized`` (default: quantize now) lets the clean and perturbed passes share codes;
        ``xor_masks`` {name: (weight mask, bias mask)} corrupts the codes (RandBET);
        ``calibrate`` updates the activation running maxima (clean training pass only).
        """
        if quantized is None:
            quantized = self.quantized()
        x = pixels01
        for spec in self.architecture:
            if spec.kind == "maxpool2d":
                x = F.max_pool2d(x, spec.kernel, spec.stride)
            elif spec.kind == "flatten":
                x = torch.flatten(x, 1)
            else:
                x = self._compute_layer(spec, x, quantized[spec.name], (xor_masks or {}).get(spec.name), calibrate)
        return x

    def _compute_layer(self, spec, x, quantized_pair, masks, calibrate):
        qw, qb = quantized_pair
        w_codes, b_codes = (qw.codes, qb.codes) if masks is None else (qw.codes ^ masks[0], qb.codes ^ masks[1])
        w = straight_through(self.weights[spec.name], qw.decode(w_codes))
        b = straight_through(self.biases[spec.name], qb.decode(b_codes))
        if spec.kind == "conv2d":
            weighted = F.conv2d(x, w, None, stride=spec.stride, padding=spec.padding)
            b = b.view(1, -1, 1, 1)
        else:
            weighted = F.linear(x, w)
        y = torch.exp(self.log_weight_gains[spec.name]) * weighted + torch.exp(self.log_bias_gains[spec.name]) * b
        if not spec.relu:
            return y
        act_max = getattr(self, self._act_max_name(spec))
        if calibrate:
            self._update_act_max(act_max, y)
        return fake_quantize_activation(y, act_max / ACTIVATION_LEVELS)

    @staticmethod
    @torch.no_grad()
    def _update_act_max(act_max, y):
        batch_max = torch.clamp(y.detach().max(), min=1e-6)
        if float(act_max) == 0.0:
            act_max.copy_(batch_max)
        else:
            act_max.mul_(1.0 - ACT_MAX_MOMENTUM).add_(ACT_MAX_MOMENTUM * batch_max)
