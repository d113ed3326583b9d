"""From a float ``torch.nn.Module`` to the layer graph voltsim quantizes (docs/train.md, "Your own model").

``from_module`` traces the module with ``torch.fx`` and maps every node onto a layer kind of
docs/datapath.md: Conv2d (groups; BatchNorm2d right after it folded in), Linear, ReLU (fused into the
conv, linear or add before it), MaxPool2d, AvgPool2d, AdaptiveAvgPool2d(1) (global average pool),
add, torch.cat on channels, flatten (nn.Flatten, torch.flatten(x, 1), x.view(x.size(0), -1)); Dropout
and Identity vanish. Every other node, attribute or pattern raises ``ModelError`` naming the node.

Layer names are the module's attribute paths (``layer1.0.conv1``) or, for functions, fx's node names
(``add``, ``cat_1``). A conv or linear without ReLU (other than the last) and an add without ReLU of
such a tensor give signed activations, which only adds may read (a residual branch ending in
BatchNorm, added to its shortcut and then ReLU'd, as in torchvision's ResNets; docs/datapath.md).
"""
import importlib.util
import operator
import os
from dataclasses import dataclass

import torch
import torch.fx
import torch.nn.functional as F

from .network import INPUT, LayerSpec, Network, resolved_inputs, shapes, signed_outputs


class ModelError(ValueError):
    """A model uses a layer, attribute or pattern voltsim cannot run; the message names the node."""


@dataclass
class Traced:
    """A module's layer graph and its float parameters {layer name: (weight, bias)}, BatchNorm folded."""
    network: Network
    parameters: dict


_RELU_FUNCTIONS = {F.relu, torch.relu}
_ADD_FUNCTIONS = {operator.add, operator.iadd, torch.add}
_PASS_MODULES = (torch.nn.Dropout, torch.nn.Identity)
SUPPORTED = ("Conv2d, BatchNorm2d (after a conv), Linear, ReLU, MaxPool2d, AvgPool2d, AdaptiveAvgPool2d(1), "
             "add, torch.cat(dim=1), flatten, Dropout, Identity")


def describe(error):
    """One line naming an exception: its type and the first line of its message (if any)."""
    lines = str(error).splitlines()
    return f"{type(error).__name__}: {lines[0]}" if lines and lines[0] else type(error).__name__


def load_factory(spec):
    """The function ``FUNCTION`` of ``FILE.py:FUNCTION`` (it returns the float module)."""
    path, sep, function = spec.rpartition(":")
    if not sep or not path.endswith(".py") or not function:
        raise ModelError(f"--model '{spec}': must be FILE.py:FUNCTION")
    if not os.path.isfile(path):
        raise ModelError(f"--model '{spec}': {path} is not a readable file")
    module_spec = importlib.util.spec_from_file_location(os.path.splitext(os.path.basename(path))[0], path)
    code = importlib.util.module_from_spec(module_spec)
    try:
        module_spec.loader.exec_module(code)
    except Exception as e:  # the user's file: any error it raises is reported, not a traceback
        raise ModelError(f"--model '{spec}': {path} raised {describe(e)}")
    factory = getattr(code, function, None)
    if not callable(factory):
        raise ModelError(f"--model '{spec}': {path} defines no function '{function}'")
    return factory


def from_module(module, input_shape):
    """The Traced graph of float ``module`` (eval mode) for inputs of shape ``input_shape`` (C, H, W)."""
    module = module.eval()
    try:
        graph_module = torch.fx.GraphModule(module, _Tracer().trace(module))
    except Exception as e:  # fx raises many types for untraceable Python
        raise ModelError(f"the model cannot be traced by torch.fx ({describe(e)})")
    traced = _Mapper(graph_module, tuple(input_shape)).run()
    _check_runs(module, traced.network)
    return traced


class _Tracer(torch.fx.Tracer):
    """fx's tracer, keeping modules that name their layer kind (architectures.Add, Concat) as one node."""

    def is_leaf_module(self, m, qualified_name):
        return hasattr(m, "voltsim_kind") or super().is_leaf_module(m, qualified_name)


def _check_runs(module, network):
    """The float module accepts the input shape and returns the class scores the graph says it does."""
    try:
        with torch.no_grad():
            out = module(torch.zeros((1,) + tuple(network.input_shape)))
    except Exception as e:  # the user's forward: any error is reported in one line
        raise ModelError(f"the model does not run on inputs of shape {list(network.input_shape)} ({describe(e)})")
    if tuple(out.shape) != (1, network.num_classes):
        raise ModelError(f"the model returns shape {list(out.shape)[1:]} per image, the traced graph "
                         f"[{network.num_classes}]")


def _pair(value, node, what):
    """One integer of an int or a pair of equal ints; anything else is an error."""
    if isinstance(value, int):
        return value
    if isinstance(value, (tuple, list)) and len(value) == 2 and value[0] == value[1]:
        return int(value[0])
    raise ModelError(f"node '{node.name}': {what} {value} is not square (voltsim supports equal height and width)")


class _Mapper:
    def __init__(self, graph_module, input_shape):
        self.gm = graph_module
        self.modules = dict(graph_module.named_modules())
        self.input_shape = input_shape
        self.specs = []  # LayerSpecs in run order
        self.parameters = {}
        self.tensor_of = {}  # fx node -> name of the layer (or INPUT) whose output it is
        self.users = {node: list(node.users) for node in graph_module.graph.nodes}

    def run(self):
        for node in self.gm.graph.nodes:
            self._map(node)
        network = Network(tuple(self.specs), self.input_shape)
        check_graph(network)
        return Traced(network, self.parameters)

    def _map(self, node):
        if node.op == "placeholder":
            if INPUT in self.tensor_of.values():
                raise ModelError(f"node '{node.name}': the model takes more than one input")
            self.tensor_of[node] = INPUT
        elif node.op == "output":
            self._output(node)
        elif node.op == "call_module":
            self._call_module(node, self.modules[node.target])
        elif node.op == "call_function":
            self._call_function(node, node.target, node.args, node.kwargs)
        elif node.op == "call_method":
            self._call_method(node)
        else:
            raise ModelError(f"node '{node.name}': {node.op} '{node.target}' is not supported (supported: {SUPPORTED})")

    def _input(self, node, arg):
        if arg not in self.tensor_of:
            raise ModelError(f"node '{node.name}': reads '{arg}', which is not a tensor voltsim computes")
        return self.tensor_of[arg]

    def _add(self, node, spec, weight=None, bias=None):
        self.specs.append(spec)
        self.tensor_of[node] = spec.name
        if weight is not None:
            if bias is None:
                bias = torch.zeros(weight.shape[0], dtype=weight.dtype)
            self.parameters[spec.name] = (weight.detach().clone(), bias.detach().clone())

    def _alias(self, node, source):
        self.tensor_of[node] = self._input(node, source)

    def _call_module(self, node, m):
        name, source = node.target, node.args[0] if node.args else None
        inputs = (self._input(node, source),)
        if isinstance(m, torch.nn.Conv2d):
            self._conv(node, m, name, inputs)
        elif isinstance(m, torch.nn.BatchNorm2d):
            self._fold_batch_norm(node, m, source)
        elif isinstance(m, torch.nn.Linear):
            self._add(node, LayerSpec(name, "linear", m.in_features, m.out_features, inputs=inputs), m.weight, m.bias)
        elif isinstance(m, torch.nn.ReLU):
            self._fuse_relu(node, source)
        elif isinstance(m, torch.nn.MaxPool2d):
            self._max_pool(node, name, inputs, m.kernel_size, m.stride, m.padding, m.dilation, m.ceil_mode)
        elif isinstance(m, torch.nn.AvgPool2d):
            self._avg_pool(node, name, inputs, m.kernel_size, m.stride, m.padding, m.ceil_mode)
        elif isinstance(m, torch.nn.AdaptiveAvgPool2d):
            self._global_pool(node, name, inputs, m.output_size)
        elif isinstance(m, torch.nn.Flatten):
            if m.start_dim != 1 or m.end_dim != -1:
                raise ModelError(f"node '{node.name}': Flatten({m.start_dim}, {m.end_dim}) is not supported, only (1, -1)")
            self._add(node, LayerSpec(name, "flatten", inputs=inputs))
        elif isinstance(m, _PASS_MODULES):
            self._alias(node, source)
        else:
            self._custom_module(node, m)

    def _custom_module(self, node, m):
        """The zoo's Add and Concat modules (tools/train/architectures.py) name their layer; anything else fails."""
        kind = getattr(m, "voltsim_kind", None)
        if kind not in ("add", "concat"):
            raise ModelError(f"node '{node.name}': module {type(m).__name__} is not supported (supported: {SUPPORTED})")
        inputs = tuple(self._input(node, a) for a in node.args)
        self._merge(node, node.target, kind, inputs)

    def _conv(self, node, m, name, inputs):
        if m.padding_mode != "zeros" or isinstance(m.padding, str):
            raise ModelError(f"node '{node.name}': padding {m.padding!r} ({m.padding_mode}) is not supported, "
                             f"only explicit zero padding")
        if _pair(m.dilation, node, "dilation") != 1:
            raise ModelError(f"node '{node.name}': dilation {m.dilation} is not supported")
        kernel = _pair(m.kernel_size, node, "kernel")
        spec = LayerSpec(name, "conv2d", m.in_channels, m.out_channels, kernel, _pair(m.stride, node, "stride"),
                         _pair(m.padding, node, "padding"), False, m.groups, inputs)
        self._add(node, spec, m.weight, m.bias)

    def _producer(self, node, source, what):
        """The spec whose output ``source`` is, if ``node`` is its only reader (else an error)."""
        name = self._input(node, source)
        spec = next((s for s in self.specs if s.name == name), None)
        if spec is None or len(self.users[source]) != 1:
            raise ModelError(f"node '{node.name}': {what} must directly follow the layer it applies to, "
                             f"which no other node reads")
        return spec

    def _replace(self, spec, **changes):
        index = self.specs.index(spec)
        self.specs[index] = LayerSpec(**{**spec.__dict__, **changes})
        return self.specs[index]

    def _fold_batch_norm(self, node, bn, source):
        spec = self._producer(node, source, "BatchNorm2d")
        if spec.kind != "conv2d" or spec.relu:
            raise ModelError(f"node '{node.name}': BatchNorm2d must follow a Conv2d directly (before any ReLU)")
        if not bn.track_running_stats or bn.running_mean is None:
            raise ModelError(f"node '{node.name}': BatchNorm2d without running statistics cannot be folded")
        weight, bias = self.parameters[spec.name]
        scale = (bn.weight if bn.affine else torch.ones_like(bn.running_var)) / torch.sqrt(bn.running_var + bn.eps)
        shift = bn.bias if bn.affine else torch.zeros_like(bn.running_mean)
        self.parameters[spec.name] = ((weight * scale.view(-1, 1, 1, 1)).detach(),
                                      ((bias - bn.running_mean) * scale + shift).detach())
        self.tensor_of[node] = spec.name

    def _fuse_relu(self, node, source):
        spec = self._producer(node, source, "ReLU")
        if spec.kind not in ("conv2d", "linear", "add"):
            raise ModelError(f"node '{node.name}': ReLU after a {spec.kind} is not supported (only after a conv, "
                             f"linear or add; the other layers' outputs are unsigned already)")
        self._replace(spec, relu=True)
        self.tensor_of[node] = spec.name

    def _max_pool(self, node, name, inputs, kernel, stride, padding, dilation, ceil_mode):
        if ceil_mode or _pair(dilation, node, "dilation") != 1:
            raise ModelError(f"node '{node.name}': max-pool with ceil_mode or dilation is not supported")
        kernel = _pair(kernel, node, "kernel")
        stride = kernel if stride is None or stride == [] else _pair(stride, node, "stride")
        self._add(node, LayerSpec(name, "maxpool2d", kernel=kernel, stride=stride,
                                  padding=_pair(padding, node, "padding"), inputs=inputs))

    def _avg_pool(self, node, name, inputs, kernel, stride, padding, ceil_mode):
        if ceil_mode or _pair(padding, node, "padding") != 0:
            raise ModelError(f"node '{node.name}': average pool with padding or ceil_mode is not supported")
        kernel = _pair(kernel, node, "kernel")
        stride = kernel if stride is None or stride == [] else _pair(stride, node, "stride")
        self._add(node, LayerSpec(name, "avgpool2d", kernel=kernel, stride=stride, inputs=inputs))

    def _global_pool(self, node, name, inputs, output_size):
        if _pair(output_size, node, "output size") != 1:
            raise ModelError(f"node '{node.name}': adaptive average pool to {output_size} is not supported, only to 1")
        self._add(node, LayerSpec(name, "global_avgpool", inputs=inputs))

    def _merge(self, node, name, kind, inputs):
        if kind == "add" and len(inputs) != 2:
            raise ModelError(f"node '{node.name}': an add takes 2 tensors, got {len(inputs)}")
        self._add(node, LayerSpec(name, kind, inputs=inputs))

    def _call_function(self, node, target, args, kwargs):
        source = args[0] if args else None
        if target in _RELU_FUNCTIONS:
            self._fuse_relu(node, source)
        elif target in _ADD_FUNCTIONS:
            if len(args) != 2 or kwargs.get("alpha", 1) != 1 or not all(isinstance(a, torch.fx.Node) for a in args):
                raise ModelError(f"node '{node.name}': only the sum of two tensors is supported")
            self._merge(node, node.name, "add", tuple(self._input(node, a) for a in args))
        elif target is torch.cat:
            dim = args[1] if len(args) > 1 else kwargs.get("dim", 0)
            if dim not in (1, -3):
                raise ModelError(f"node '{node.name}': torch.cat on dim {dim} is not supported, only on channels (1)")
            self._merge(node, node.name, "concat", tuple(self._input(node, a) for a in args[0]))
        elif target is torch.flatten:
            self._flatten(node, source, args[1] if len(args) > 1 else kwargs.get("start_dim", 0),
                          args[2] if len(args) > 2 else kwargs.get("end_dim", -1))
        elif target is F.max_pool2d:
            self._max_pool(node, node.name, (self._input(node, source),), *self._pool_args(args, kwargs),
                           kwargs.get("dilation", args[4] if len(args) > 4 else 1),
                           kwargs.get("ceil_mode", args[5] if len(args) > 5 else False))
        elif target is F.avg_pool2d:
            self._avg_pool(node, node.name, (self._input(node, source),), *self._pool_args(args, kwargs),
                           kwargs.get("ceil_mode", args[4] if len(args) > 4 else False))
        elif target is F.adaptive_avg_pool2d:
            self._global_pool(node, node.name, (self._input(node, source),), args[1] if len(args) > 1
                              else kwargs.get("output_size"))
        elif target in (F.dropout,):
            self._alias(node, source)
        else:
            raise ModelError(f"node '{node.name}': function {getattr(target, '__name__', target)} is not supported "
                             f"(supported: {SUPPORTED})")

    @staticmethod
    def _pool_args(args, kwargs):
        """(kernel, stride, padding) of a functional pool call (positional or keyword)."""
        positional = list(args[1:4]) + [None] * (4 - min(len(args), 4))
        kernel, stride, padding = (kwargs.get(n, v) for n, v in zip(("kernel_size", "stride", "padding"), positional))
        return kernel, stride, 0 if padding is None else padding

    def _flatten(self, node, source, start_dim, end_dim):
        if start_dim != 1 or end_dim != -1:
            raise ModelError(f"node '{node.name}': flatten({start_dim}, {end_dim}) is not supported, only (1, -1)")
        self._add(node, LayerSpec(node.name, "flatten", inputs=(self._input(node, source),)))

    def _call_method(self, node):
        method, args = node.target, node.args
        if method == "size":
            return  # only read by a view/reshape that flattens (checked there)
        if method in ("relu", "relu_"):
            self._fuse_relu(node, args[0])
        elif method in ("add", "add_"):
            self._call_function(node, operator.add, args, node.kwargs)
        elif method == "flatten":
            self._flatten(node, args[0], args[1] if len(args) > 1 else node.kwargs.get("start_dim", 0), -1)
        elif method in ("view", "reshape") and self._is_batch_flatten(args):
            self._flatten(node, args[0], 1, -1)
        else:
            raise ModelError(f"node '{node.name}': method .{method}() is not supported (supported: {SUPPORTED})")

    @staticmethod
    def _is_batch_flatten(args):
        """x.view(x.size(0), -1) or x.reshape(N, -1) with N read from x."""
        if len(args) == 2 and isinstance(args[1], (tuple, list)):
            args = (args[0],) + tuple(args[1])
        if len(args) != 3 or args[2] != -1:
            return False
        size = args[1]
        return isinstance(size, torch.fx.Node) and size.op == "call_method" and size.target == "size" and \
            size.args[0] is args[0] and (size.args[1:] == (0,) or size.kwargs.get("dim") == 0)

    def _output(self, node):
        result = node.args[0]
        if not isinstance(result, torch.fx.Node):
            raise ModelError("the model must return one tensor (the logits)")
        last = self._input(node, result)
        if not self.specs or self.specs[-1].name != last:
            raise ModelError(f"the model's output '{last}' must be its last layer")


def check_graph(network):
    """The rules the integer datapath sets on any graph (from PyTorch or ONNX): the last layer is a conv
    or linear without ReLU giving a vector of class scores; a signed tensor (``signed_outputs``) is read
    only by adds."""
    out = shapes(network)
    last = network.layers[-1]
    if last.kind not in ("conv2d", "linear") or last.relu or len(out[last.name]) != 1:
        raise ModelError(f"layer '{last.name}': the last layer must be a linear (or a conv to a vector of class "
                         f"scores) without ReLU, got {last.kind}{' + ReLU' if last.relu else ''} "
                         f"of shape {list(out[last.name])}")
    signed = signed_outputs(network.layers)
    for spec, inputs in resolved_inputs(network.layers):
        source = next((i for i in inputs if i in signed), None)
        if source is not None and spec.kind != "add":
            raise ModelError(f"layer '{source}': its output has no ReLU (signed) and is read by {spec.kind} "
                             f"'{spec.name}'; voltsim carries signed activations only into an add "
                             f"(docs/datapath.md, \"Zero points\")")


def float_forward(traced, x):
    """Float logits of a traced graph for float inputs ``x`` [N, C, H, W]: the float model the graph
    stands for (BatchNorm folded), the reference an import or a quantization is measured against."""
    values = {INPUT: x}
    for spec, inputs in resolved_inputs(traced.network.layers):
        args = [values[i] for i in inputs]
        if spec.kind in ("conv2d", "linear"):
            w, b = traced.parameters[spec.name]
            y = F.conv2d(args[0], w, b, spec.stride, spec.padding, groups=spec.groups) if spec.kind == "conv2d" \
                else F.linear(args[0], w, b)
        elif spec.kind == "maxpool2d":
            y = F.max_pool2d(args[0], spec.kernel, spec.stride, spec.padding)
        elif spec.kind == "avgpool2d":
            y = F.avg_pool2d(args[0], spec.kernel, spec.stride)
        elif spec.kind == "global_avgpool":
            y = args[0].mean(dim=(2, 3), keepdim=True)
        elif spec.kind == "add":
            y = args[0] + args[1]
        elif spec.kind == "concat":
            y = torch.cat(args, 1)
        else:
            y = args[0].flatten(1)
        values[spec.name] = torch.relu(y) if spec.relu else y
    return values[traced.network.layers[-1].name]
