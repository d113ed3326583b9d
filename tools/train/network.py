"""The quantization-aware network voltsim trains and exports (docs/zoo.md has the zoo's layer tables).

A network (``Network``) is a graph of ``LayerSpec``s listed in run order; each names its inputs (``"input"``: the
network's input; none: the layer before it). Layer kinds are those of docs/datapath.md: conv2d
(bias, fused ReLU, groups), linear, maxpool2d (padding), avgpool2d, global_avgpool, add, concat and
flatten, so the integer datapath runs them exactly. In the forward pass every weight and bias is
replaced by the affine decode of its codes (straight-through estimator), every hidden activation is
fake-quantized to 8 bits with a per-tensor scale calibrated as a running maximum, and the input is
pixels / 255. Activations are unsigned (zero point 0) except the outputs of a conv2d/linear without
ReLU and of an add without ReLU reading such a tensor: these are signed (zero point 128, symmetric
range) and only adds may read them (docs/datapath.md, "Zero points"). The float forward therefore
equals the integer datapath up to the rounding of the requantization multipliers.
"""
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from . import quant

INPUT = "input"
ACTIVATION_LEVELS = 255
# A signed tensor's codes: q = round(y / s) + 128 in 0..255, scale s = max |y| / 127.
SIGNED_ZERO_POINT = 128
SIGNED_LEVELS = 127
# Running-maximum momentum of the activation scale calibration.
ACT_MAX_MOMENTUM = 0.1
COMPUTE_KINDS = ("conv2d", "linear")
KINDS = COMPUTE_KINDS + ("maxpool2d", "avgpool2d", "global_avgpool", "add", "concat", "flatten")


@dataclass(frozen=True)
class LayerSpec:
    name: str
    kind: str  # one of KINDS
    in_features: int = 0  # input channels (conv2d) or features (linear)
    out_features: int = 0
    kernel: int = 0
    stride: int = 1
    padding: int = 0
    relu: bool = False
    groups: int = 1  # conv2d: channel groups (depthwise: groups = in = out channels)
    inputs: tuple = ()  # names of the layers read, "input" for the network input; () = the layer before


def conv(name, c_in, c_out, kernel=3, stride=1, padding=1, groups=1, relu=True, inputs=()):
    return LayerSpec(name, "conv2d", c_in, c_out, kernel, stride, padding, relu, groups, inputs)


@dataclass(frozen=True)
class Network:
    """A layer graph (LayerSpecs in run order) and the shape (C, H, W) of its input images."""
    layers: tuple
    input_shape: tuple

    @property
    def num_classes(self):
        return self.layers[-1].out_features


def resolved_inputs(architecture):
    """[(spec, input names)] in run order; a spec without ``inputs`` reads the layer before it."""
    nodes, previous = [], INPUT
    for spec in architecture:
        nodes.append((spec, tuple(spec.inputs) or (previous,)))
        previous = spec.name
    return nodes


def compute_layers(layers):
    return [spec for spec in layers if spec.kind in COMPUTE_KINDS]


def output_shape(spec, in_shapes):
    """Shape (C, H, W) or (F,) of ``spec``'s output given its inputs' shapes (a list)."""
    first = in_shapes[0]
    size = lambda n, pad: (n + 2 * pad - spec.kernel) // spec.stride + 1
    if spec.kind == "conv2d":
        return (spec.out_features, size(first[1], spec.padding), size(first[2], spec.padding))
    if spec.kind == "maxpool2d":
        return (first[0], size(first[1], spec.padding), size(first[2], spec.padding))
    if spec.kind == "avgpool2d":
        return (first[0], size(first[1], 0), size(first[2], 0))
    if spec.kind == "global_avgpool":
        return (first[0], 1, 1)
    if spec.kind == "add":
        return tuple(first)
    if spec.kind == "concat":
        return (sum(s[0] for s in in_shapes),) + tuple(first[1:])
    if spec.kind == "flatten":
        n = 1
        for d in first:
            n *= d
        return (n,)
    return (spec.out_features,)


def shapes(network):
    """{layer name: output shape} of a Network, with its input shape under "input"."""
    out = {INPUT: tuple(network.input_shape)}
    for spec, inputs in resolved_inputs(network.layers):
        out[spec.name] = output_shape(spec, [out[i] for i in inputs])
    return out


def param_key(name):
    """A layer name as a torch parameter or buffer key (torch forbids '.', which module paths such as
    ``layer1.0.conv1`` hold): '%' and '.' escaped, so distinct names stay distinct."""
    return name.replace("%", "%25").replace(".", "%2E")


def signed_outputs(layers):
    """Names of the layers whose outputs are signed (zero point 128): a conv2d or linear without ReLU
    other than the last layer, and an add without ReLU reading a signed tensor (docs/datapath.md)."""
    nodes = resolved_inputs(layers)
    signed = set()
    for spec, inputs in nodes[:-1]:
        if not spec.relu and (spec.kind in COMPUTE_KINDS or spec.kind == "add" and signed.intersection(inputs)):
            signed.add(spec.name)
    return signed


def zero_point(signed):
    """The zero point of a tensor: 128 if it is signed, 0 (unsigned) else."""
    return SIGNED_ZERO_POINT if signed else 0


def activation_levels(signed):
    """Largest |code - zero point| a tensor's scale maps its maximum to: 127 signed, 255 unsigned."""
    return SIGNED_LEVELS if signed else ACTIVATION_LEVELS


def has_scale(spec, signed):
    """Whether ``spec`` calibrates its own output scale (hidden compute layers, signed or not, and adds);
    ``signed`` is the set ``signed_outputs`` returns."""
    return spec.relu or spec.kind == "add" or spec.name in signed


def inherited_scale(spec, in_scales):
    """Output scale of a layer without its own (pools, flatten: the input's; concat: the largest input's)."""
    return max(in_scales) if spec.kind == "concat" else in_scales[0]


def straight_through(w, decoded):
    """Forward: the decoded value; backward: identity to the float parameter."""
    return w + (decoded.to(w.dtype) - w).detach()


def fake_quantize_activation(y, scale, signed=False):
    """Unsigned: ReLU and saturate at 255 * scale; signed: saturate to [-128, 127] * scale. Then round half
    up to the grid (rounding passes gradients straight through)."""
    if signed:
        clipped = torch.maximum(torch.minimum(y, SIGNED_LEVELS * scale), -SIGNED_ZERO_POINT * scale)
    else:
        clipped = torch.clamp(y, 0.0, ACTIVATION_LEVELS * scale)
    rounded = torch.floor(clipped / scale + 0.5) * scale
    return clipped + (rounded - clipped).detach()


class QuantNet(torch.nn.Module):
    """Float parameters, quantized forward. ``quantizer`` is 'rquant' or 'normal'; ``bits`` 2..8.

    ``traced`` (frontend.Traced) gives the graph and the starting float parameters.
    ``layer_gains=False`` fixes every gain at 1 (the ablation of docs/zoo.md, "Normalisation")."""

    def __init__(self, bits, quantizer, traced, layer_gains=True):
        super().__init__()
        quant.check_bits(bits)
        self.bits = bits
        self.quantizer = quantizer
        self.network = traced.network
        self.nodes = resolved_inputs(self.network.layers)
        self.signed = signed_outputs(self.network.layers)
        self.weights = torch.nn.ParameterDict()
        self.biases = torch.nn.ParameterDict()
        # Learnable gains of every compute layer, y = g_w (W x) + g_b b, stored as log(g). Clipping
        # bounds every weight and bias by w_max and the networks have no normalization layers, so
        # without them the balance of weighted sum against bias and the logits' magnitude (the
        # softmax temperature) would be tied to w_max; the gains play the role of the paper's
        # normalization scales. They are folded into the requantization multipliers on export
        # (g_w into m_acc and m_sum, g_b into m_bias and b0; tools/train/package.py), so the
        # datapath and the stored codes do not change, and they are never clipped.
        self.log_weight_gains = torch.nn.ParameterDict()
        self.log_bias_gains = torch.nn.ParameterDict()
        for spec in compute_layers(self.network.layers):
            self._add_parameters(spec, *traced.parameters[spec.name])
            self.log_weight_gains[param_key(spec.name)] = torch.nn.Parameter(torch.zeros(()), requires_grad=layer_gains)
            self.log_bias_gains[param_key(spec.name)] = torch.nn.Parameter(torch.zeros(()), requires_grad=layer_gains)
        for spec in self.network.layers:
            if has_scale(spec, self.signed):
                self.register_buffer(self._act_max_name(spec), torch.zeros(()))

    @staticmethod
    def _act_max_name(spec):
        return f"act_max_{param_key(spec.name)}"

    def parameters_of(self, name):
        """(weight, bias) float parameters of compute layer ``name``."""
        return self.weights[param_key(name)], self.biases[param_key(name)]

    def log_gains_of(self, name):
        """(log g_w, log g_b) parameters of compute layer ``name``."""
        return self.log_weight_gains[param_key(name)], self.log_bias_gains[param_key(name)]

    def act_max_of(self, name):
        """The activation maximum buffer of layer ``name``, None for a layer without its own scale."""
        return getattr(self, f"act_max_{param_key(name)}", None)

    def _add_parameters(self, spec, weight, bias):
        # Normal truncates (floor), lowering every weight by delta/2 on average; with no normalization
        # layers that shift kills every ReLU at initialization (the loss stays at ln 10). Starting the
        # latent parameters delta/2 higher makes the truncated ones start at PyTorch's default init.
        start_shift = quant.code_delta(self.bits) / 2.0 if self.quantizer == "normal" else 0.0
        self.weights[param_key(spec.name)] = torch.nn.Parameter(weight.detach().to(torch.float32).clone() + start_shift)
        self.biases[param_key(spec.name)] = torch.nn.Parameter(bias.detach().to(torch.float32).clone() + start_shift)

    def trainable_parameters(self):
        """The parameters the optimizer updates (the gains only if learned)."""
        return [p for p in self.parameters() if p.requires_grad]

    def quantized(self):
        """{layer name: (QuantizedTensor weight, QuantizedTensor bias)} of the current parameters."""
        return {spec.name: tuple(quant.quantize(p, self.bits, self.quantizer) for p in self.parameters_of(spec.name))
                for spec in compute_layers(self.network.layers)}

    def quantized_parameters(self):
        """The tensors that are quantized to codes (and clipped): every weight and bias."""
        return list(self.weights.values()) + list(self.biases.values())

    def gains(self, name):
        """(g_w, g_b) of compute layer ``name``."""
        return tuple(float(torch.exp(g)) for g in self.log_gains_of(name))

    def activation_scale(self, name):
        """Output scale s_out of hidden layer or add ``name`` (real value = (code - zero point) * s_out)."""
        return float(self.act_max_of(name)) / activation_levels(name in self.signed)

    def output_scales(self, input_scale):
        """{layer name: output scale} of every uint8 tensor (the input under "input"): hidden compute
        layers and adds calibrate theirs, pools and flatten keep their input's, a concat takes the
        largest of its inputs' (docs/zoo.md). The last layer (logits) is left out."""
        scales = {INPUT: input_scale}
        for spec, inputs in self.nodes:
            if has_scale(spec, self.signed):
                scales[spec.name] = self.activation_scale(spec.name)
            elif spec.kind not in COMPUTE_KINDS:
                scales[spec.name] = inherited_scale(spec, [scales[i] for i in inputs])
        return scales

    def forward(self, pixels01, quantized=None, xor_masks=None, calibrate=False):
        """Logits of images ``pixels01`` = pixels / 255, shape [N, C, H, W].

        ``quantized`` (default: quantize now) lets the clean and perturbed passes share codes;
        ``xor_masks`` {name: (weight mask, bias mask)} corrupts the codes (RandBET);
        ``calibrate`` updates the activation maxima: True a running maximum (clean training pass only),
        "max" the largest value seen (post-training calibration, ``calibrate_maxima``).
        """
        if quantized is None:
            quantized = self.quantized()
        values = {INPUT: pixels01}
        scales = {INPUT: 1.0 / ACTIVATION_LEVELS}
        for spec, inputs in self.nodes:
            args = [values[i] for i in inputs]
            if spec.kind in COMPUTE_KINDS:
                y = self._compute_layer(spec, args[0], quantized[spec.name], (xor_masks or {}).get(spec.name))
            else:
                y = self._graph_layer(spec, args, [scales[i] for i in inputs])
            if has_scale(spec, self.signed):
                y = self._quantize_output(spec, y, calibrate)
                scales[spec.name] = getattr(self, self._act_max_name(spec)) / activation_levels(spec.name in self.signed)
            elif spec.kind not in COMPUTE_KINDS:
                scales[spec.name] = inherited_scale(spec, [scales[i] for i in inputs])
            values[spec.name] = y
        return values[self.nodes[-1][0].name]

    def _graph_layer(self, spec, args, in_scales):
        x = args[0]
        if spec.kind == "maxpool2d":
            return F.max_pool2d(x, spec.kernel, spec.stride, spec.padding)
        if spec.kind in ("avgpool2d", "global_avgpool"):
            window = (spec.kernel, spec.stride) if spec.kind == "avgpool2d" else (x.shape[2:], 1)
            mean = F.avg_pool2d(x, *window)
            return fake_quantize_activation(mean, in_scales[0])  # rounded half up to the input's grid
        if spec.kind == "add":
            return args[0] + args[1]  # quantized to the add's own scale by the caller
        if spec.kind == "concat":
            scale = inherited_scale(spec, in_scales)
            return torch.cat([fake_quantize_activation(a, scale) for a in args], dim=1)
        return torch.flatten(x, 1)

    def _compute_layer(self, spec, x, quantized_pair, masks):
        qw, qb = quantized_pair
        w_codes, b_codes = (qw.codes, qb.codes) if masks is None else (qw.codes ^ masks[0], qb.codes ^ masks[1])
        weight, bias = self.parameters_of(spec.name)
        w = straight_through(weight, qw.decode(w_codes))
        b = straight_through(bias, qb.decode(b_codes))
        if spec.kind == "conv2d":
            weighted = F.conv2d(x, w, None, stride=spec.stride, padding=spec.padding, groups=spec.groups)
            b = b.view(1, -1, 1, 1)
        else:
            weighted = F.linear(x, w)
        log_weight_gain, log_bias_gain = self.log_gains_of(spec.name)
        return torch.exp(log_weight_gain) * weighted + torch.exp(log_bias_gain) * b

    def _quantize_output(self, spec, y, calibrate):
        act_max, signed = getattr(self, self._act_max_name(spec)), spec.name in self.signed
        if calibrate:
            self._update_act_max(act_max, y.abs() if signed else y, calibrate)
        return fake_quantize_activation(y, act_max / activation_levels(signed), signed)

    @torch.no_grad()
    def calibrate_maxima(self, batches):
        """Post-training calibration: every activation scale from the largest value the layer outputs
        over ``batches`` (float inputs), layer by layer on the already quantized upstream values."""
        for spec in self.network.layers:
            if has_scale(spec, self.signed):
                getattr(self, self._act_max_name(spec)).zero_()
        for x in batches:
            self(x, calibrate="max")

    @staticmethod
    @torch.no_grad()
    def _update_act_max(act_max, y, rule):
        """``rule`` True: running maximum (training); "max": the largest value seen (calibration)."""
        batch_max = torch.clamp(y.detach().max(), min=1e-6)
        if float(act_max) == 0.0 or rule == "max":
            act_max.copy_(torch.maximum(act_max, batch_max))
        else:
            act_max.mul_(1.0 - ACT_MAX_MOMENTUM).add_(ACT_MAX_MOMENTUM * batch_max)
