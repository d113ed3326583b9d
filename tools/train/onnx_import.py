"""Import a float ONNX model as a quantized voltsim model package (docs/import.md).

    voltsim import onnx MODEL.onnx --calibration npz:data.npz --bits 8 --quantizer rquant [--clip 0.1] --out PKG

(``voltsim import onnx`` runs this module: ``python3 -m tools.train.onnx_import`` takes the same arguments.)

The graph (from ``torch.onnx.export`` or any framework; opset 9 or newer) maps onto the layer kinds of
docs/datapath.md: Conv (group; a BatchNormalization right after it folded in), Gemm and MatMul (+ Add of
a constant bias), Relu (fused), MaxPool, AveragePool, GlobalAveragePool, Add, Concat on channels,
Flatten and Reshape to (batch, -1); Dropout and Identity vanish. Post-training quantization: every
weight and bias becomes m-bit codes (RQuant per tensor, or the Normal baseline's fixed [-1, 1]; ``--clip
W`` clamps them first), every activation scale is the largest value its layer outputs on the first
``--calibration-images`` training images of ``--calibration``; the package's golden vectors and clean
error come from the exact integer reference on that dataset's test split, printed beside the float
model's error. python3-onnx (Debian) reads and checks the file; the quantization and export are the
trainer's own code, so an import and a trained package are the same kind of package.
"""
import argparse
import hashlib
import os
import shlex
import sys

import numpy as np
import torch

from . import datasets, package
from .frontend import ModelError, Traced, check_graph, describe, float_forward
from .network import INPUT, LayerSpec, Network, QuantNet, shapes
from .train import clip_parameters

PROG = "voltsim import onnx"
SUPPORTED = ("Conv, BatchNormalization (after a Conv), Gemm, MatMul (+ Add bias), Relu, MaxPool, AveragePool, "
             "GlobalAveragePool, Add, Concat (axis 1), Flatten (axis 1), Reshape (batch, -1), Dropout, Identity")
CALIBRATION_BATCH = 256


def load_onnx(path):
    """The checked ONNX ModelProto of ``path``; ModelError on a missing, malformed or invalid file."""
    import onnx  # Debian's python3-onnx; imported here so the trainer does not need it
    if not os.path.isfile(path):
        raise ModelError(f"{path}: not a readable file")
    try:
        model = onnx.load(path)
    except Exception as e:  # protobuf raises DecodeError and others for a damaged file
        raise ModelError(f"{path}: not a valid ONNX file ({describe(e)})")
    try:
        onnx.checker.check_model(model)
    except Exception as e:  # onnx.checker.ValidationError and friends
        raise ModelError(f"{path}: invalid ONNX model ({describe(e)})")
    return model


def _attributes(node):
    import onnx
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def _ints(value):
    return [int(v) for v in value]


class _Graph:
    """ONNX graph -> LayerSpecs in run order, float parameters, BatchNorm folded, ReLU fused."""

    def __init__(self, model, path):
        import onnx.numpy_helper
        self.path = path
        self.graph = model.graph
        self.constants = {}
        tensors = [(t.name, t) for t in self.graph.initializer]
        tensors += [(n.output[0], a.t) for n in self.graph.node if n.op_type == "Constant" and n.output
                    for a in n.attribute if a.name == "value"]  # Constant nodes are constants too
        for name, tensor in tensors:
            try:
                self.constants[name] = onnx.numpy_helper.to_array(tensor)
            except (ValueError, TypeError) as e:
                raise ModelError(f"{path}: constant '{name}' is malformed ({describe(e)})")
        self.specs, self.parameters, self.tensor_of = [], {}, {}
        self.readers = {}
        for node in self.graph.node:
            for name in node.input:
                self.readers[name] = self.readers.get(name, 0) + 1
        for name in (o.name for o in self.graph.output):
            self.readers[name] = self.readers.get(name, 0) + 1

    def fail(self, node, message):
        raise ModelError(f"{self.path}: node '{node.name or node.output[0]}' ({node.op_type}): {message}")

    def input_shape(self):
        inputs = [i for i in self.graph.input if i.name not in self.constants]
        if len(inputs) != 1:
            raise ModelError(f"{self.path}: the graph must take one image tensor, it takes {len(inputs)} inputs")
        dims = [d.dim_value if d.HasField("dim_value") else None for d in inputs[0].type.tensor_type.shape.dim]
        if len(dims) != 4 or any(d is None or d < 1 for d in dims[1:]):
            raise ModelError(f"{self.path}: input '{inputs[0].name}' must be [N, C, H, W] with fixed C, H, W, "
                             f"got {dims}")
        self.tensor_of[inputs[0].name] = INPUT
        return tuple(dims[1:])

    def ordered_nodes(self):
        """The nodes in an order where every input is produced first; a cycle is an error."""
        produced = set(self.constants) | set(self.tensor_of)
        pending, ordered = [n for n in self.graph.node if n.op_type != "Constant"], []
        while pending:
            ready = [n for n in pending if all(i == "" or i in produced for i in n.input)]
            if not ready:
                node = pending[0]
                missing = next(i for i in node.input if i and i not in produced)
                self.fail(node, f"reads '{missing}', which no node produces before it (a cycle or a dangling input)")
            for n in ready:
                produced.update(n.output)
            ordered += ready
            pending = [n for n in pending if n not in ready]
        return ordered

    def source(self, node, index=0):
        name = node.input[index]
        if name not in self.tensor_of:
            self.fail(node, f"input '{name}' is a constant or not a tensor voltsim computes")
        return self.tensor_of[name]

    def constant(self, node, index, what):
        if index >= len(node.input) or node.input[index] not in self.constants:
            self.fail(node, f"{what} must be a constant (an initializer)")
        return self.constants[node.input[index]].astype(np.float32)

    def spec_named(self, name):
        return next((s for s in self.specs if s.name == name), None)

    def add_spec(self, node, spec, weight=None, bias=None):
        self.specs.append(spec)
        self.tensor_of[node.output[0]] = spec.name
        if weight is not None:
            self.parameters[spec.name] = (torch.from_numpy(weight.copy()), torch.from_numpy(bias.copy()))

    def alias(self, node):
        self.tensor_of[node.output[0]] = self.source(node)

    def sole_producer(self, node, what):
        """The spec producing input 0, if this node is its only reader."""
        spec = self.spec_named(self.source(node))
        if spec is None or self.readers.get(node.input[0], 0) != 1:
            self.fail(node, f"{what} must directly follow the layer it applies to, which no other node reads")
        return spec

    def replace(self, spec, **changes):
        index = self.specs.index(spec)
        self.specs[index] = LayerSpec(**{**spec.__dict__, **changes})

    def map(self, node):
        handler = getattr(self, "op_" + node.op_type, None)
        if handler is None:
            self.fail(node, f"op {node.op_type} is not supported (supported: {SUPPORTED})")
        handler(node, _attributes(node))

    @staticmethod
    def name_of(node):
        return node.name or node.output[0]

    def window(self, node, attrs, what):
        """(kernel, stride, padding) of a square, symmetric, undilated window."""
        kernel = _ints(attrs.get("kernel_shape", []))
        if attrs.get("auto_pad", b"NOTSET") not in (b"NOTSET", "NOTSET"):
            self.fail(node, f"auto_pad {attrs['auto_pad']} is not supported, only explicit pads")
        if any(d != 1 for d in _ints(attrs.get("dilations", [1, 1]))):
            self.fail(node, f"dilations {_ints(attrs['dilations'])} are not supported")
        strides = _ints(attrs.get("strides", [1, 1]))
        pads = _ints(attrs.get("pads", [0, 0, 0, 0]))
        if len(kernel) != 2 or kernel[0] != kernel[1]:
            self.fail(node, f"kernel {kernel} is not square (voltsim supports equal height and width)")
        if len(strides) != 2 or strides[0] != strides[1]:
            self.fail(node, f"strides {strides} are not equal")
        if len(pads) != 4 or len(set(pads)) != 1:
            self.fail(node, f"asymmetric padding {pads} is not supported")
        if attrs.get("ceil_mode", 0):
            self.fail(node, f"ceil_mode is not supported in {what}")
        return kernel[0], strides[0], pads[0]

    def op_Conv(self, node, attrs):
        weight = self.constant(node, 1, "the weight")
        kernel, stride, padding = self.window(node, {"kernel_shape": weight.shape[2:], **attrs}, "a conv")
        bias = self.constant(node, 2, "the bias") if len(node.input) > 2 and node.input[2] else \
            np.zeros(weight.shape[0], np.float32)
        groups = int(attrs.get("group", 1))
        spec = LayerSpec(self.name_of(node), "conv2d", weight.shape[1] * groups, weight.shape[0], kernel, stride,
                         padding, False, groups, (self.source(node),))
        self.add_spec(node, spec, weight, bias)

    def op_BatchNormalization(self, node, attrs):
        spec = self.sole_producer(node, "BatchNormalization")
        if spec.kind != "conv2d" or spec.relu:
            self.fail(node, "BatchNormalization must follow a Conv directly (before any Relu)")
        gamma, beta, mean, var = (self.constant(node, i, what) for i, what in
                                  ((1, "scale"), (2, "B"), (3, "mean"), (4, "var")))
        scale = gamma / np.sqrt(var + float(attrs.get("epsilon", 1e-5)))
        weight, bias = (t.numpy() for t in self.parameters[spec.name])
        self.parameters[spec.name] = (torch.from_numpy(weight * scale.reshape(-1, 1, 1, 1)),
                                      torch.from_numpy((bias - mean) * scale + beta))
        self.tensor_of[node.output[0]] = spec.name

    def op_Relu(self, node, attrs):
        spec = self.sole_producer(node, "Relu")
        if spec.kind not in ("conv2d", "linear", "add"):
            self.fail(node, f"Relu after a {spec.kind} is not supported (only after Conv, Gemm/MatMul or Add)")
        self.replace(spec, relu=True)
        self.tensor_of[node.output[0]] = spec.name

    def op_Gemm(self, node, attrs):
        if float(attrs.get("alpha", 1.0)) != 1.0 or float(attrs.get("beta", 1.0)) != 1.0 or attrs.get("transA", 0):
            self.fail(node, "only alpha = beta = 1 and transA = 0 are supported")
        weight = self.constant(node, 1, "B (the weight)")
        weight = weight if attrs.get("transB", 0) else weight.T
        bias = self.constant(node, 2, "C (the bias)") if len(node.input) > 2 and node.input[2] else \
            np.zeros(weight.shape[0], np.float32)
        if bias.shape != (weight.shape[0],):
            self.fail(node, f"bias of shape {list(bias.shape)} is not one value per output")
        self.add_spec(node, LayerSpec(self.name_of(node), "linear", weight.shape[1], weight.shape[0],
                                      inputs=(self.source(node),)), np.ascontiguousarray(weight), bias)

    def op_MatMul(self, node, attrs):
        weight = self.constant(node, 1, "the second operand (the weight)").T
        self.add_spec(node, LayerSpec(self.name_of(node), "linear", weight.shape[1], weight.shape[0],
                                      inputs=(self.source(node),)), np.ascontiguousarray(weight),
                      np.zeros(weight.shape[0], np.float32))

    def op_Add(self, node, attrs):
        constant = [i for i in (0, 1) if node.input[i] in self.constants]
        if constant:  # MatMul + Add(bias): the linear layer's bias
            tensor = node.input[1 - constant[0]]
            spec = self.spec_named(self.tensor_of.get(tensor))
            bias = self.constants[node.input[constant[0]]].astype(np.float32).reshape(-1)
            if spec is None or spec.kind != "linear" or self.readers.get(tensor, 0) != 1 or \
                    bias.shape != (spec.out_features,) or spec.relu:
                self.fail(node, "adding a constant is supported only as the bias of the MatMul before it")
            weight, old = self.parameters[spec.name]
            self.parameters[spec.name] = (weight, old + torch.from_numpy(bias))
            self.tensor_of[node.output[0]] = spec.name
            return
        self.add_spec(node, LayerSpec(self.name_of(node), "add", inputs=(self.source(node, 0), self.source(node, 1))))

    def op_Concat(self, node, attrs):
        if int(attrs.get("axis", 0)) not in (1, -3):
            self.fail(node, f"axis {attrs.get('axis')} is not supported, only channels (1)")
        inputs = tuple(self.source(node, i) for i in range(len(node.input)))
        self.add_spec(node, LayerSpec(self.name_of(node), "concat", inputs=inputs))

    def op_MaxPool(self, node, attrs):
        if int(attrs.get("storage_order", 0)) or len(node.output) > 1 and node.output[1]:
            self.fail(node, "MaxPool with indices or storage_order is not supported")
        kernel, stride, padding = self.window(node, attrs, "a max-pool")
        self.add_spec(node, LayerSpec(self.name_of(node), "maxpool2d", kernel=kernel, stride=stride, padding=padding,
                                      inputs=(self.source(node),)))

    def op_AveragePool(self, node, attrs):
        kernel, stride, padding = self.window(node, attrs, "an average pool")
        if padding:
            self.fail(node, "AveragePool with padding is not supported")
        self.add_spec(node, LayerSpec(self.name_of(node), "avgpool2d", kernel=kernel, stride=stride,
                                      inputs=(self.source(node),)))

    def op_GlobalAveragePool(self, node, attrs):
        self.add_spec(node, LayerSpec(self.name_of(node), "global_avgpool", inputs=(self.source(node),)))

    def flatten(self, node):
        self.add_spec(node, LayerSpec(self.name_of(node), "flatten", inputs=(self.source(node),)))

    def op_Flatten(self, node, attrs):
        if int(attrs.get("axis", 1)) != 1:
            self.fail(node, f"axis {attrs.get('axis')} is not supported, only 1")
        self.flatten(node)

    def op_Reshape(self, node, attrs):
        target = self.constants.get(node.input[1]) if len(node.input) > 1 else None
        if target is None or target.ndim != 1 or len(target) != 2 or target[0] not in (0, -1, 1) and target[1] != -1:
            self.fail(node, "only a Reshape to (batch, -1) with a constant shape is supported (a flatten)")
        self.flatten(node)

    def op_Pad(self, node, attrs):
        """A zero-width Pad (torch.onnx writes one before some average pools) vanishes; others fail."""
        pads = self.constants.get(node.input[1]) if len(node.input) > 1 else np.array(_ints(attrs.get("pads", [])))
        if pads is None or np.any(pads != 0):
            self.fail(node, "only a Pad of zero width is supported (pad inside the Conv or MaxPool instead)")
        self.alias(node)

    def op_Dropout(self, node, attrs):
        self.alias(node)

    def op_Identity(self, node, attrs):
        if node.input[0] in self.constants:  # torch.onnx writes Identity nodes on shared weights
            self.constants[node.output[0]] = self.constants[node.input[0]]
        else:
            self.alias(node)

    def run(self):
        input_shape = self.input_shape()
        for node in self.ordered_nodes():
            try:
                self.map(node)
            except (ValueError, IndexError, KeyError, TypeError) as e:
                if isinstance(e, ModelError):
                    raise
                self.fail(node, f"malformed node ({describe(e)})")
        outputs = [o.name for o in self.graph.output]
        if len(outputs) != 1 or self.tensor_of.get(outputs[0]) != self.specs[-1].name:
            raise ModelError(f"{self.path}: the graph must have one output, the last layer's logits")
        network = Network(tuple(self.specs), input_shape)
        self.check_shapes(network)
        check_graph(network)
        return Traced(network, self.parameters)

    def check_shapes(self, network):
        out = shapes(network)
        for spec in network.layers:
            if spec.kind in ("conv2d", "linear"):
                source = out[spec.inputs[0]]
                got = source[0] if spec.kind == "conv2d" or len(source) == 1 else None
                if got != spec.in_features:
                    raise ModelError(f"{self.path}: layer '{spec.name}': reads a tensor of shape {list(source)} but "
                                     f"its weight expects {spec.in_features} input "
                                     f"{'channels' if spec.kind == 'conv2d' else 'features'}")


def import_graph(path):
    """The Traced graph of the ONNX file ``path``."""
    return _Graph(load_onnx(path), path).run()


def error_rate(logits, labels):
    return float(np.mean(np.argmax(logits, axis=1) != labels))


def float_error(traced, dataset, images, labels):
    with torch.no_grad():
        logits = torch.cat([float_forward(traced, dataset.float_input(images[i:i + 1000]))
                            for i in range(0, len(images), 1000)])
    return error_rate(logits.numpy(), labels)


def quantize(traced, bits, quantizer, clip, calibration_batches):
    """A QuantNet of ``traced``: weights clamped to +-clip (if given), activation scales calibrated."""
    model = QuantNet(bits, quantizer, traced, layer_gains=False)
    if clip is not None:
        clip_parameters(model, clip)
    model.calibrate_maxima(calibration_batches)
    return model.eval()


def main(argv=None):
    p = argparse.ArgumentParser(prog=PROG, description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("model", help="float ONNX file")
    p.add_argument("--calibration", required=True, help="dataset spec: fashion-mnist, idx:DIR or npz:FILE")
    p.add_argument("--bits", type=int, required=True, help="weight code width, 2..8")
    p.add_argument("--quantizer", choices=("rquant", "normal"), required=True)
    p.add_argument("--clip", type=float, help="clamp every weight and bias to [-W, W] before quantizing")
    p.add_argument("--calibration-images", type=int, default=2000,
                   help="training images the activation ranges are calibrated on (default 2000)")
    p.add_argument("--out", required=True, help="package folder to write")
    p.add_argument("--name", help="package name (default: the --out folder's name)")
    args = p.parse_args(argv)
    try:
        if not 2 <= args.bits <= 8:
            raise ValueError(f"--bits must be 2..8, got {args.bits}")
        if args.clip is not None and not args.clip > 0:
            raise ValueError(f"--clip must be > 0, got {args.clip}")
        traced = import_graph(args.model)
        dataset = datasets.load(args.calibration)
        datasets.check_model_fits(dataset, traced.network.input_shape, traced.network.num_classes, args.model)
        if dataset.mean is not None:
            raise ValueError(f"dataset '{args.calibration}' has mean/std: the integer datapath reads pixels / 255, "
                             f"so import a model that takes pixels / 255")
        calibration = dataset.split("train" if dataset.has_split("train") else "test")[0]
        if not 1 <= args.calibration_images:
            raise ValueError(f"--calibration-images must be >= 1, got {args.calibration_images}")
        calibration = calibration[:args.calibration_images]
        batches = [dataset.float_input(calibration[i:i + CALIBRATION_BATCH])
                   for i in range(0, len(calibration), CALIBRATION_BATCH)]
        model = quantize(traced, args.bits, args.quantizer, args.clip, batches)
        test_images, test_labels = dataset.split("test")
        with open(args.model, "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
        command = "voltsim import onnx " + " ".join(
            shlex.quote(a) for a in (sys.argv[1:] if argv is None else argv))
        training = {"method": "ptq", "quantizer": args.quantizer, "bits": args.bits, "source": os.path.basename(
            args.model), "source_sha256": digest, "calibration": args.calibration,
                    "calibration_images": len(calibration), **({"clip": args.clip} if args.clip else {}),
                    "command": command}
        name = args.name or os.path.basename(os.path.normpath(args.out))
        float_err = float_error(traced, dataset, test_images, test_labels)
        manifest = package.export(model, args.out, name, f"{args.bits}-bit {args.quantizer} import of "
                                  f"{os.path.basename(args.model)}", {**training, "float_test_error": float_err},
                                  test_images, test_labels, dataset.spec)
    except (ValueError, OSError) as e:  # ModelError, DatasetError and PackageError are ValueErrors
        p.exit(2, f"voltsim: error: {e}\n")
    print(f"[{name}] float model error {100 * float_err:.2f} %, {args.bits}-bit package error "
          f"{100 * manifest['clean_test_error']:.2f} % ({manifest['test_images']} test images of {dataset.spec}) "
          f"-> {args.out}")


if __name__ == "__main__":
    main()
