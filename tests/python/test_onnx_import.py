"""ONNX import: modules exported by torch.onnx import to graphs that compute what the modules compute;
post-training quantization stays close to the float model; every malformed or unsupported file is a
one-line error naming the node."""
import os
import subprocess
import sys

import numpy as np
import onnx
import pytest
import torch
from onnx import TensorProto, helper
from torch import nn

from conftest import randomised_batch_norms, voltsim_binary

from tools.data import digits
from tools.train import package
from tools.train.frontend import ModelError, float_forward, load_factory
from tools.train.network import signed_outputs
from tools.train.onnx_import import import_graph
from tools.train.zoo import REPO_ROOT

DIGITS_MODEL = os.path.join(REPO_ROOT, "examples", "digits", "model.py") + ":make"


class Mixed(nn.Module):
    """Conv + BatchNorm (torch.onnx folds it in eval mode), grouped conv, concat,
    average and global pools, flatten, and a MatMul + Add linear layer."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(2, 8, 3, stride=2, padding=1)
        self.bn = nn.BatchNorm2d(8)
        self.grouped = nn.Conv2d(8, 8, 3, padding=1, groups=2)
        self.side = nn.Conv2d(8, 4, 1)
        self.pool = nn.AvgPool2d(2)
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.weight = nn.Parameter(torch.randn(12, 5) * 0.3)
        self.bias = nn.Parameter(torch.randn(5))

    def forward(self, x):
        x = torch.relu(self.bn(self.stem(x)))
        y = torch.cat([torch.relu(self.grouped(x)), torch.relu(self.side(x))], dim=1)
        y = torch.flatten(self.gap(self.pool(y)), 1)
        return y @ self.weight + self.bias


def export(module, shape, path):
    torch.onnx.export(module.eval(), torch.zeros((1,) + shape), path, opset_version=13)
    return path


MOBILENET_MODEL = os.path.join(REPO_ROOT, "examples", "mobilenet", "model.py") + ":make"


@pytest.mark.parametrize("make, shape", [(lambda: load_factory(DIGITS_MODEL)(), (1, 8, 8)), (Mixed, (2, 9, 9)),
                                         (lambda: load_factory(MOBILENET_MODEL)(), (1, 28, 28))])
def test_imported_graph_computes_what_the_module_computes(tmp_path, make, shape):
    torch.manual_seed(0)
    module = randomised_batch_norms(make()).eval()
    traced = import_graph(export(module, shape, str(tmp_path / "m.onnx")))
    x = torch.rand((8,) + shape)
    with torch.no_grad():
        torch.testing.assert_close(float_forward(traced, x), module(x), rtol=1e-4, atol=1e-4)


def test_batch_normalization_nodes_are_folded(tmp_path):
    """A hand-written Conv -> BatchNormalization -> Relu -> Flatten -> Gemm graph (torch.onnx folds
    BatchNorm itself in eval mode), against the same network in PyTorch."""
    generator = torch.Generator().manual_seed(6)
    conv, bn = nn.Conv2d(1, 2, 3, padding=1), randomised_batch_norms(nn.BatchNorm2d(2)).eval()
    fc = nn.Linear(2 * 8 * 8, 3)
    tensors = {"w": conv.weight, "cb": conv.bias, "g": bn.weight, "b": bn.bias, "m": bn.running_mean,
               "v": bn.running_var, "fw": fc.weight, "fb": fc.bias}
    initializers = [helper.make_tensor(k, TensorProto.FLOAT, list(t.shape), t.detach().numpy().ravel().tolist())
                    for k, t in tensors.items()]
    nodes = [helper.make_node("Conv", ["x", "w", "cb"], ["c"], name="conv", pads=[1, 1, 1, 1]),
             helper.make_node("BatchNormalization", ["c", "g", "b", "m", "v"], ["n"], name="bn", epsilon=1e-5),
             helper.make_node("Relu", ["n"], ["r"], name="relu"),
             helper.make_node("Flatten", ["r"], ["f"], name="flat", axis=1),
             helper.make_node("Gemm", ["f", "fw", "fb"], ["y"], name="fc", transB=1)]
    path = onnx_file(str(tmp_path / "bn.onnx"), nodes, [image_input()],
                     [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 3])], initializers)
    traced = import_graph(path)
    assert [s.name for s in traced.network.layers] == ["conv", "flat", "fc"]
    x = torch.rand((4, 1, 8, 8), generator=generator)
    with torch.no_grad():
        torch.testing.assert_close(float_forward(traced, x), fc(torch.relu(bn(conv(x))).flatten(1)),
                                   rtol=1e-4, atol=1e-4)


@pytest.fixture(scope="module")
def trained_digits(tmp_path_factory):
    """A float digits model trained here (float, 10 epochs), its ONNX file and the archive."""
    folder = tmp_path_factory.mktemp("digits")
    data = digits.digits_arrays()
    np.savez(folder / "digits.npz", **data)
    torch.manual_seed(1)
    module = load_factory(DIGITS_MODEL)()
    x = torch.from_numpy(data["train_images"][:, None]).float() / 255
    y = torch.from_numpy(data["train_labels"])
    optimizer = torch.optim.Adam(module.parameters(), 0.003)
    for _ in range(10):
        module.train()
        for batch in torch.randperm(len(y), generator=torch.Generator().manual_seed(2)).split(64):
            optimizer.zero_grad()
            torch.nn.functional.cross_entropy(module(x[batch]), y[batch]).backward()
            optimizer.step()
    return export(module, (1, 8, 8), str(folder / "digits.onnx")), "npz:" + str(folder / "digits.npz")


def run_import(*args):
    return subprocess.run([sys.executable, "-m", "tools.train.onnx_import", *args], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("bits, quantizer", [(8, "rquant"), (8, "normal"), (4, "rquant")])
def test_post_training_quantization_stays_near_the_float_model(trained_digits, tmp_path, bits, quantizer):
    model, data = trained_digits
    result = run_import(model, "--calibration", data, "--bits", str(bits), "--quantizer", quantizer,
                        "--out", str(tmp_path / "pkg"))
    assert result.returncode == 0, result.stderr
    manifest, _, _ = package.load(str(tmp_path / "pkg"))
    training = manifest["training"]
    assert training["method"] == "ptq" and training["quantizer"] == quantizer and training["bits"] == bits
    assert training["float_test_error"] < 0.1
    if (bits, quantizer) == (8, "rquant"):  # the bar: the 8-bit package within 1 point of float
        assert abs(manifest["clean_test_error"] - training["float_test_error"]) <= 0.01
    assert "float model error" in result.stdout and "package error" in result.stdout


def onnx_file(path, nodes, inputs, outputs, initializers=()):
    graph = helper.make_graph(nodes, "g", inputs, outputs, list(initializers))
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), path)
    return path


def image_input(shape=(1, 1, 8, 8)):
    return helper.make_tensor_value_info("x", TensorProto.FLOAT, list(shape))


def weight(name, shape):
    return helper.make_tensor(name, TensorProto.FLOAT, list(shape), np.zeros(shape, np.float32).ravel().tolist())


def conv_graph(path, **attrs):
    nodes = [helper.make_node("Conv", ["x", "w"], ["c"], name="conv", **attrs),
             helper.make_node("Relu", ["c"], ["r"], name="relu"),
             helper.make_node("Flatten", ["r"], ["f"], name="flat", axis=1),
             helper.make_node("Gemm", ["f", "fw"], ["y"], name="fc", transB=1)]
    out = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 3])
    return onnx_file(path, nodes, [image_input()], [out], [weight("w", (2, 1, 3, 3)), weight("fw", (3, 72))])


def test_malformed_and_unsupported_files_name_the_node(tmp_path):
    cases = [
        (conv_graph(str(tmp_path / "dilated.onnx"), pads=[2, 2, 2, 2], dilations=[2, 2]),
         r"node 'conv' \(Conv\): dilations \[2, 2\] are not supported"),
        (conv_graph(str(tmp_path / "asym.onnx"), pads=[1, 1, 0, 0]),
         r"node 'conv' \(Conv\): asymmetric padding \[1, 1, 0, 0\]"),
        (conv_graph(str(tmp_path / "autopad.onnx"), auto_pad="SAME_UPPER"), r"auto_pad"),
    ]
    for path, message in cases:
        with pytest.raises(ModelError, match=message):
            import_graph(path)
    sigmoid = onnx_file(str(tmp_path / "sigmoid.onnx"), [helper.make_node("Sigmoid", ["x"], ["s"], name="act"),
                                                         helper.make_node("Flatten", ["s"], ["y"], axis=1)],
                        [image_input()], [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 64])])
    with pytest.raises(ModelError, match=r"node 'act' \(Sigmoid\): op Sigmoid is not supported"):
        import_graph(sigmoid)


def test_cycles_truncation_and_garbage_are_one_line_errors(tmp_path):
    nodes = [helper.make_node("Add", ["x", "b"], ["a"], name="first"), helper.make_node("Relu", ["a"], ["b"], name="loop")]
    cyclic = str(tmp_path / "cycle.onnx")
    onnx.save(helper.make_model(helper.make_graph(nodes, "g", [image_input()],
                                                  [helper.make_tensor_value_info("b", TensorProto.FLOAT, [1])]),
                                opset_imports=[helper.make_opsetid("", 13)]), cyclic)
    with pytest.raises(ModelError, match=r"cycle|invalid ONNX model"):
        import_graph(cyclic)
    good = conv_graph(str(tmp_path / "good.onnx"), pads=[1, 1, 1, 1])
    data = open(good, "rb").read()
    (tmp_path / "cut.onnx").write_bytes(data[:len(data) // 2])
    (tmp_path / "junk.onnx").write_bytes(b"\xff\x00 not protobuf" * 10)
    for name in ("cut.onnx", "junk.onnx"):
        with pytest.raises(ModelError, match=rf"{name}: (not a valid ONNX file|invalid ONNX model)"):
            import_graph(str(tmp_path / name))
    with pytest.raises(ModelError, match="not a readable file"):
        import_graph(str(tmp_path / "missing.onnx"))


@pytest.mark.parametrize("args, message", [
    (["--bits", "9", "--quantizer", "rquant"], "--bits must be 2..8, got 9"),
    (["--bits", "8", "--quantizer", "rquant", "--calibration-images", "0"], "--calibration-images must be >= 1"),
    (["--bits", "8", "--quantizer", "rquant", "--clip", "-1"], "--clip must be > 0"),
])
def test_bad_command_lines(trained_digits, tmp_path, args, message):
    model, data = trained_digits
    result = run_import(model, "--calibration", data, *args, "--out", str(tmp_path / "p"))
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and message in result.stderr, result.stderr


def test_model_and_data_must_fit(trained_digits, tmp_path):
    model, _ = trained_digits
    result = run_import(model, "--calibration", "fashion-mnist", "--bits", "8", "--quantizer", "rquant",
                        "--out", str(tmp_path / "p"))
    assert result.returncode == 2 and "takes [1, 8, 8] inputs and 10 classes but dataset 'fashion-mnist'" in \
        result.stderr, result.stderr


def test_voltsim_import_onnx_runs_the_importer_from_any_directory(trained_digits, tmp_path):
    model, data = trained_digits
    out = str(tmp_path / "imported")
    result = subprocess.run([voltsim_binary(), "import", "onnx", model, "--calibration", data, "--bits", "8",
                             "--quantizer", "rquant", "--out", out], cwd=str(tmp_path), capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert package.load(out)[0]["training"]["command"].startswith("voltsim import onnx ")
    check = subprocess.run([voltsim_binary(), "model", "check", out, "--dataset", data], capture_output=True,
                           text=True, timeout=120)
    assert check.returncode == 0, check.stdout + check.stderr
    for args, message in ((["tflite", model], "import: unknown format 'tflite' (valid: onnx)"),
                          ([], "import: missing format (valid: onnx"),
                          (["onnx", str(tmp_path / "none.onnx"), "--calibration", data, "--bits", "8",
                            "--quantizer", "rquant", "--out", out + "2"], "none.onnx: not a readable file")):
        bad = subprocess.run([voltsim_binary(), "import", *args], capture_output=True, text=True, timeout=120)
        assert bad.returncode == 2 and bad.stderr.startswith("voltsim: error: ") and bad.stderr.count("\n") == 1
        assert message in bad.stderr, bad.stderr


def test_mutated_files_only_ever_give_model_errors(tmp_path):
    """A seeded mutation fuzzer over a valid file (the ONNX reader is Python, so libFuzzer cannot drive
    it): every truncation, flipped byte or spliced run either imports or raises ModelError."""
    good = open(conv_graph(str(tmp_path / "seed.onnx"), pads=[1, 1, 1, 1]), "rb").read()
    rng = np.random.default_rng(11)
    outcomes = {"imported": 0, "refused": 0}
    for i in range(int(os.environ.get("VOLTSIM_ONNX_FUZZ_ROUNDS", "300"))):
        data = bytearray(good)
        for _ in range(int(rng.integers(1, 4))):
            kind, at = int(rng.integers(3)), int(rng.integers(len(data)))
            if kind == 0:
                data[at] ^= 1 << int(rng.integers(8))
            elif kind == 1:
                del data[at:]
            else:
                data[at:at] = bytes(rng.integers(0, 256, int(rng.integers(1, 9)), dtype=np.uint8))
            if not data:
                data = bytearray(b"\x00")
        path = tmp_path / f"m{i}.onnx"
        path.write_bytes(bytes(data))
        try:
            import_graph(str(path))
            outcomes["imported"] += 1
        except ModelError:
            outcomes["refused"] += 1
    assert outcomes["refused"] > 100, outcomes


RESNET18_MODEL = os.path.join(REPO_ROOT, "examples", "resnet18", "model.py") + ":make"


def test_torchvision_resnet18_imports_with_signed_residual_branches(tmp_path):
    """torchvision's ResNet-18 adds BatchNorm outputs without ReLU (signed tensors) to the shortcut and
    ReLUs the sum: each block's last conv and each downsampling shortcut import as signed conv2d
    layers read by an add + ReLU, and the graph computes what the module computes (torch.onnx's
    Identity nodes on shared weights included)."""
    pytest.importorskip("torchvision")
    torch.manual_seed(0)
    module = randomised_batch_norms(load_factory(RESNET18_MODEL)()).eval()
    traced = import_graph(export(module, (1, 28, 28), str(tmp_path / "resnet18.onnx")))
    signed = signed_outputs(traced.network.layers)
    assert len(signed) == 8 + 3 and "/layer1/layer1.0/conv2/Conv" in signed  # 8 blocks, 3 downsampling shortcuts
    adds = [spec for spec in traced.network.layers if spec.kind == "add"]
    assert len(adds) == 8 and all(spec.relu for spec in adds)
    x = torch.rand(4, 1, 28, 28)
    with torch.no_grad():
        torch.testing.assert_close(float_forward(traced, x), module(x), rtol=1e-4, atol=1e-4)
