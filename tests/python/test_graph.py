"""Package version 2 (a graph): hand-derived arithmetic of every new layer type, the every-layer
fixture of tests/data/, an export round trip and the loader's one-line errors."""
import copy
import json
import os
import shutil

import numpy as np
import pytest
import torch

from tools.train import datasets, faults, intref, package, quant
from tools.train.faulty_eval import FaultyEvaluator
from tools.train.network import KINDS
from tools.train.train import TrainConfig, quant_net
from tools.train.zoo import REPO_ROOT

FIXTURE = os.path.join(REPO_ROOT, "tests", "data", "graph-every-layer")


def run(layer, *inputs, codes=None):
    """Output of one layer whose inputs are the given uint8 tensors [N, ...] (named a, b, ...)."""
    names = [chr(ord("a") + i) for i in range(len(inputs))]
    known = {n: torch.tensor(np.asarray(x), dtype=torch.float32) for n, x in zip(names, inputs)}
    codes_t = torch.from_numpy(np.asarray(codes if codes is not None else [], dtype=np.int64))
    return intref.run_layers([{"name": "out", "inputs": names, **layer}], codes_t, None, known).tolist()


def test_add_rescales_both_inputs_with_one_shift():
    # m_a = 24 (1.5 at shift 4), m_b = 8 (0.5): 24*10 + 8*3 = 264, (264 + 8) >> 4 = 17;
    # 24*200 + 8*255 = 6840, (6840 + 8) >> 4 = 428 -> saturates at 255.
    rq = {"shift": 4, "multipliers": [24, 8], "in_scales": [1.5, 0.5], "out_scale": 1.0}
    assert run({"type": "add", "requant": rq}, [[[[10]], [[200]]]], [[[[3]], [[255]]]]) == [[[[17.0]], [[255.0]]]]


def test_add_rounds_half_up():
    # m = 1 each at shift 1: (3 + 2 + 1) >> 1 = 3 (2.5 -> 3), (2 + 2 + 1) >> 1 = 2 (2.0)
    rq = {"shift": 1, "multipliers": [1, 1], "in_scales": [0.5, 0.5], "out_scale": 1.0}
    assert run({"type": "add", "requant": rq}, [[[[3, 2]]]], [[[[2, 2]]]]) == [[[[3.0, 2.0]]]]


def test_add_of_signed_tensors_applies_the_zero_points_through_b0():
    # Inputs with zero point 128 at scale 1 (m = 2 at shift 1): q_a = 130 is +2, q_b = 125 is -3, the sum -1.
    # Signed output: b0 = 128*2 - 2*128 - 2*128 = -256, T = 2*130 + 2*125 - 256 = 254, (254 + 1) >> 1 = 127 (-1).
    # ReLU'd output (zero point 0): b0 = -512, T = -2, (-2 + 1) >> 1 = -1 -> 0; +2 + +4 = 6 -> 6.
    assert package.add_b0(1, [2, 2], [128, 128], 128) == -256 and package.add_b0(1, [2, 2], [128, 128], 0) == -512
    signed = {"shift": 1, "multipliers": [2, 2], "b0": -256, "zero_point": 128, "in_scales": [1, 1], "out_scale": 1}
    assert run({"type": "add", "requant": signed}, [[[[130]]]], [[[[125]]]]) == [[[[127.0]]]]
    relu = {"shift": 1, "multipliers": [2, 2], "b0": -512, "in_scales": [1, 1], "out_scale": 1}
    assert run({"type": "add", "requant": relu}, [[[[130, 130]]]], [[[[125, 132]]]]) == [[[[0.0, 6.0]]]]


def test_signed_conv_output_folds_its_zero_point_into_b0():
    # a = 0.5, c = 0 codes, s_in = s_out = 1, no bias, shift 1: m_acc = 1, b0 = 128 * 2 = 256 with zero point 128.
    weight = quant.QuantizedTensor(torch.tensor([128]), 8, "rquant", 0.5, 0.0, -64.0, 64.0)
    bias = quant.QuantizedTensor(torch.tensor([128]), 8, "rquant", 0.5, 0.0, -64.0, 64.0)
    shift, ints = package.requant_integers(1.0, weight, bias, 1.0, out_zero_point=128)
    assert ints["m_acc"] == 1 << (shift - 1) and ints["b0"] == 128 << shift


def test_concat_rescales_each_input_and_joins_channels_in_order():
    # a: (4*7 + 2) >> 2 = 7 (m = 2^shift, the identity); b: (6*9 + 2) >> 2 = 14 (13.5 -> 14)
    rq = {"shift": 2, "multipliers": [4, 6], "in_scales": [1.0, 1.5], "out_scale": 1.0}
    assert run({"type": "concat", "requant": rq}, [[[[7]]]], [[[[9]], [[1]]]]) == [[[[7.0]], [[14.0]], [[2.0]]]]


def test_avgpool_rounds_the_window_mean_half_up():
    # windows of a 1x2x6 plane, 2x2 stride 2: sums 7, 6, 5 -> floor((2S + 4) / 8) = 2, 2, 1
    # (1.75 -> 2, 1.5 -> 2 half up, 1.25 -> 1)
    plane = [[[[1, 2, 1, 1, 1, 1], [2, 2, 2, 2, 2, 1]]]]
    assert run({"type": "avgpool2d", "kernel": [2, 2], "stride": 2}, plane) == [[[[2.0, 2.0, 1.0]]]]


def test_global_avgpool_rounds_half_up():
    # channel 0: 3x3 values summing to 40: floor((80 + 9) / 18) = 4 (4.44); channel 1: sum 13 -> 1 (1.44);
    # channel 2: sum 27 + 4.5 ... a 3x3 window cannot hold a half, so 1x2 below
    plane = [[[[4, 4, 4], [4, 4, 4], [4, 4, 8]], [[1, 1, 1], [1, 1, 1], [1, 1, 5]]]]
    assert run({"type": "global_avgpool"}, plane) == [[[[4.0]], [[1.0]]]]
    assert run({"type": "global_avgpool"}, [[[[3, 4]]]]) == [[[[4.0]]]]  # 3.5 -> 4: floor((14 + 2) / 4)


def test_padded_maxpool_ignores_the_padding():
    # 3x3 plane, 2x2 windows, stride 2, padding 1: windows {(0,0)}, {(0,1),(0,2)}, {(1,0),(2,0)}, the rest
    plane = [[[[5, 1, 2], [3, 9, 4], [6, 7, 8]]]]
    assert run({"type": "maxpool2d", "kernel": [2, 2], "stride": 2, "padding": 1}, plane) == [[[[5.0, 2.0], [6.0, 9.0]]]]


def grouped_conv(groups, m_sum):
    weight = {"shape": [2, 2 // groups, 1, 1], "bits": 2, "offset": 2, "blob_offset": 0, "count": 4 // groups}
    bias = {"shape": [2], "bits": 2, "offset": 2, "blob_offset": weight["count"], "count": 2}
    return {"type": "conv2d", "kernel": [1, 1], "stride": 1, "padding": 0, "groups": groups, "weight": weight,
            "bias": bias, "requant": {"shift": 1, "m_acc": 2, "m_sum": m_sum, "m_bias": 0, "b0": 0, "output": "int32"}}


def test_depthwise_conv_with_two_groups_sums_each_groups_own_inputs():
    # q = [3, 5]; channel 0 reads only q0 with code 3, channel 1 only q1 with code 0 (z = 2):
    # acc - z Sq = [9 - 6, 0 - 10] = [3, -10]; Sq = [3, 5] (per group, not 8)
    # T = 2 (acc - z Sq) + 2 Sq = [12, -10]; (T + 1) >> 1 = [6, -5]
    codes = [3, 0, 2, 2]
    assert run(grouped_conv(2, m_sum=2), [[[[3]], [[5]]]], codes=codes) == [[[[6]], [[-5]]]]
    # the same codes as a dense conv would read both inputs: a different layer, a different result
    dense = run(grouped_conv(1, m_sum=2), [[[[3]], [[5]]]], codes=[3, 0, 0, 3, 2, 2])
    assert dense == [[[[1]], [[7]]]]  # acc - z Sq = [9 - 16, 15 - 16], Sq = 8: T = [2, 14], (T + 1) >> 1


def test_pool_fused_before_rounding_equals_pool_after():
    rng = np.random.default_rng(3)
    conv = grouped_conv(1, m_sum=-3)
    conv.update(kernel=[3, 3], padding=1, stride=1, name="c")
    conv["weight"].update(shape=[2, 2, 3, 3], count=36)
    conv["bias"].update(blob_offset=36)
    conv["requant"].update(output="uint8", shift=3, m_bias=5, b0=-4)
    pool = {"name": "p", "type": "maxpool2d", "inputs": ["c"], "kernel": [3, 3], "stride": 2, "padding": 1}
    codes = torch.from_numpy(rng.integers(0, 4, 38))
    q = torch.from_numpy(rng.integers(0, 256, (3, 2, 7, 7)).astype(np.float32))
    fused = intref.run_layers([conv, pool], codes, q)
    separate = intref.run_layers([pool], codes, None, {"c": intref.run_layers([conv], codes, q)})
    assert torch.equal(fused, separate) and fused.shape == (3, 2, 4, 4)


@pytest.fixture(scope="module")
def fixture_package():
    return package.load(FIXTURE)


def test_fixture_holds_every_layer_type(fixture_package):
    manifest, codes, golden = fixture_package
    layers = manifest["layers"]
    assert manifest["format_version"] == 2 and {layer["type"] for layer in layers} == set(KINDS)
    groups = [layer["groups"] for layer in layers if layer["type"] == "conv2d"]
    assert 1 in groups and 2 in groups and 4 in groups  # dense, grouped, depthwise
    assert any(layer.get("padding") for layer in layers if layer["type"] == "maxpool2d")
    cat = next(layer for layer in layers if layer["type"] == "concat")
    assert len(set(cat["requant"]["in_scales"])) == 2  # two scales: a real rescale
    signed = {layer["name"] for layer in layers if layer.get("requant", {}).get("zero_point") == 128}
    assert signed == {"grp", "short", "signed_add"}  # conv outputs and an add without ReLU
    assert all(not named(manifest, name).get("relu", False) for name in signed)
    assert named(manifest, "add")["requant"]["b0"] < 0 and "zero_point" not in named(manifest, "add")["requant"]
    assert len(codes) < 1000 and len(golden["faulty"]["flips"]) > 0


def test_fixture_reproduces_its_golden_vectors(fixture_package):
    manifest, codes, golden = fixture_package
    pixels = np.array([img["pixels"] for img in golden["images"]], dtype=np.uint8).reshape(-1, 28, 28)
    clean = intref.logits(manifest["layers"], codes, pixels)
    assert clean.tolist() == [img["logits"] for img in golden["images"]]
    assert len({tuple(row) for row in clean.tolist()}) > 16  # logits depend on the image
    corrupted = codes.copy()
    for index, mask in golden["faulty"]["flips"]:
        corrupted[index] ^= mask
    assert intref.logits(manifest["layers"], corrupted, pixels).tolist() == golden["faulty"]["logits"]
    assert golden["faulty"]["logits"] != [img["logits"] for img in golden["images"]]


def test_faulty_evaluator_runs_graphs(fixture_package):
    manifest, codes, _ = fixture_package
    layers, images = manifest["layers"], datasets.load().split("test")[0][:200]
    evaluator = FaultyEvaluator(layers, codes, images)
    assert evaluator.prefix == 2  # stem and its max-pool, cached
    uniforms = faults.cell_uniforms(package.code_bits(layers), seed=5)
    for p in (0.0, 0.01, 0.1):
        corrupted = codes ^ faults.xor_masks(uniforms, p)
        np.testing.assert_array_equal(evaluator.logits(corrupted), intref.logits(layers, corrupted, images))


def test_graph_export_round_trips_through_the_checks(tmp_path):
    config = TrainConfig(method="rquant", bits=4, architecture="every-layer", seed=2)
    model = quant_net(config, datasets.load())
    images, labels = datasets.load().split("test")
    model(torch.from_numpy(images[:64].astype(np.float32)) / 255.0, calibrate=True)
    model.eval()
    written = package.export(model, str(tmp_path), "tiny-graph", "test", {"command": "none"}, images[:100], labels[:100])
    manifest, codes, golden = package.load(str(tmp_path))
    assert manifest == written and manifest["format_version"] == 2
    with torch.no_grad():
        float_logits = model(torch.from_numpy(images[:100].astype(np.float32)) / 255.0).numpy()
    int_logits = intref.logits(manifest["layers"], codes, images[:100]) * package.LOGIT_SCALE
    assert np.median(np.abs(int_logits - float_logits)) < 0.05 * np.std(float_logits)
    fresh = quant_net(config, datasets.load())
    package.initialise_from(fresh, manifest, codes)
    np.testing.assert_array_equal(package.build_layers(fresh)[1], codes)


def named(manifest, name):
    return next(layer for layer in manifest["layers"] if layer["name"] == name)


def insert_unread(m):
    m["layers"].insert(2, {"name": "extra", "type": "flatten", "inputs": ["pool"], "in_shape": [4, 7, 7],
                           "out_shape": [196]})


@pytest.mark.parametrize("edit, message", [
    (lambda m: named(m, "add").update(inputs=["grp", "cat"]),
     r"layers\[6\].inputs\[1\]: layer 'add' reads 'cat', which is not 'input' or an earlier layer"),
    (lambda m: named(m, "dw").update(inputs=["dw"]), r"layers\[2\].inputs\[0\]: layer 'dw' reads 'dw'"),
    (lambda m: named(m, "side").update(inputs=["nowhere"]), r"layers\[7\].inputs\[0\]: layer 'side' reads 'nowhere'"),
    (lambda m: named(m, "add").update(inputs=["grp", "stem"]),
     r"layers\[6\].inputs: layer 'add': an add needs equal shapes, got \[4, 7, 7\] and \[4, 14, 14\]"),
    (lambda m: named(m, "cat").update(inputs=["add", "stem"]),
     r"layers\[8\].inputs: layer 'cat': a concat needs equal H and W"),
    (lambda m: named(m, "add").update(inputs=["grp"]), r"layers\[6\].inputs: layer 'add': add takes 2 input\(s\), got 1"),
    (lambda m: named(m, "grp").update(groups=3), r"layers\[3\].groups: layer 'grp': 3 groups do not divide 4 input"),
    (lambda m: named(m, "gap").update(type="softmax"), r"layers\[10\].type: layer \"gap\": must be one of conv2d,"),
    (insert_unread, r"layers\[2\]: layer 'extra': its output is read by no later layer"),
    (lambda m: named(m, "avg").update(out_shape=[6, 4, 4]), r"layers\[9\].out_shape: layer 'avg': must be \[6, 3, 3\]"),
    (lambda m: named(m, "side").update(in_shape=[4, 14, 14]), r"layers\[7\].in_shape: layer 'side': must be its input"),
    (lambda m: named(m, "cat")["requant"].update(multipliers=[1]), r"layers\[8\].requant.multipliers: layer 'cat': must"),
    (lambda m: named(m, "add")["requant"].update(shift=63), r"layers\[6\].requant.shift: must be an integer 1..62"),
    (lambda m: named(m, "pool").update(stride=0), r"layers\[1\].stride: must be an integer 1..65536, got 0"),
    (lambda m: named(m, "fc1").update(name="input"), r"layers\[12\].name: must be a new layer name other than"),
    (lambda m: named(m, "side").update(inputs=["grp"]),
     r"layers\[7\].inputs: layer 'side': reads the signed tensor 'grp' \(zero point 128\); only an add may read one"),
    (lambda m: named(m, "grp")["requant"].update(zero_point=100), r"layers\[3\].requant.zero_point: must be 128"),
    (lambda m: named(m, "cat")["requant"].update(b0=5), r"layers\[8\].requant: unknown key 'b0'"),
    (lambda m: m.update(format_version=3), r"format: must be voltsim-model version 1 or 2"),
])
def test_loader_refuses_bad_graphs_in_one_line(tmp_path, edit, message):
    bad = tmp_path / "bad"
    shutil.copytree(FIXTURE, bad)
    with open(bad / "manifest.json") as f:
        manifest = json.load(f)
    edit(manifest)
    with open(bad / "manifest.json", "w") as f:
        json.dump(manifest, f)
    with pytest.raises(package.PackageError, match=r"^manifest.json: " + message) as error:
        package.load(str(bad))
    assert "\n" not in str(error.value)
