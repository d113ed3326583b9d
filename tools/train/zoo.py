"""The shipped model zoo: one seeded command rebuilds each package in workloads/models/<name>/.

    /usr/bin/python3 -m tools.train.zoo randbet-8bit        # one model (rebuilt even if present)
    /usr/bin/python3 -m tools.train.zoo resnet              # a family: the CNN's or the ResNet's
    /usr/bin/python3 -m tools.train.zoo all                 # the whole zoo, one after another

A family name (``all``, ``cnn``, ``resnet``) builds only the packages not built yet (no manifest.json
in their folder), so an interrupted family build resumes where it stopped.
"""
import argparse
import os
import sys
import time

from . import datasets, package
from .train import TrainConfig, build_network, train

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ZOO_DIR = os.path.join(REPO_ROOT, "workloads", "models")
SEED = 1
EPOCHS = 15
W_MAX = 0.1
P_TRAIN = 0.01
# RandBET fine-tunes the Clipping package of the same bit width for 4 epochs (see docs/zoo.md).
RANDBET_EPOCHS = 4
RANDBET_LR = 0.0005
# RandBET curriculum: the perturbed pass starts once the running clean loss is below 0.75 (about
# 73 % training accuracy on Fashion-MNIST, reached within the first epoch), i.e. after the network
# has learned the coarse classes, as 1.75 does on CIFAR-10 in the paper.
CURRICULUM_LOSS = 0.75
PERTURBED_GRAD_CLAMP = 0.05

CNN_ZOO = {
    "normal-8bit": (dict(method="normal", bits=8),
                    "Normal baseline: fixed range [-1, 1], truncation, no clipping"),
    "rquant-8bit": (dict(method="rquant", bits=8),
                    "Robust quantization (per-tensor asymmetric range, rounding)"),
    "clipping-8bit": (dict(method="clipping", bits=8, w_max=W_MAX),
                      "RQuant + weight clipping to [-0.1, 0.1]"),
    "randbet-8bit": (dict(method="randbet", bits=8, w_max=W_MAX, p=P_TRAIN, curriculum_loss=CURRICULUM_LOSS,
                          perturbed_grad_clamp=PERTURBED_GRAD_CLAMP, init_from="clipping-8bit",
                          epochs=RANDBET_EPOCHS, lr=RANDBET_LR),
                     "RQuant + clipping 0.1 + random bit error training at p = 1 % (fine-tuned from clipping-8bit)"),
    "clipping-4bit": (dict(method="clipping", bits=4, w_max=W_MAX),
                      "4-bit RQuant + weight clipping to [-0.1, 0.1]"),
    "randbet-4bit": (dict(method="randbet", bits=4, w_max=W_MAX, p=P_TRAIN, curriculum_loss=CURRICULUM_LOSS,
                          perturbed_grad_clamp=PERTURBED_GRAD_CLAMP, init_from="clipping-4bit",
                          epochs=RANDBET_EPOCHS, lr=RANDBET_LR),
                     "4-bit RQuant + clipping 0.1 + random bit error training at p = 1 % (fine-tuned from clipping-4bit)"),
}

# The residual network (architectures.ResNet, docs/zoo.md): the same methods and hyper-parameters, 10
# epochs from scratch (an epoch costs about three of the CNN's).
RESNET_EPOCHS = 10
RESNET_ZOO = {
    "resnet-" + name: ({"epochs": RESNET_EPOCHS, **params, "architecture": "resnet",
                        **({"init_from": "resnet-" + params["init_from"]} if "init_from" in params else {})},
                       "ResNet: " + description.replace("clipping-", "resnet-clipping-"))
    for name, (params, description) in CNN_ZOO.items() if name != "rquant-8bit"
}
ZOO = {**CNN_ZOO, **RESNET_ZOO}
FAMILIES = {"all": list(ZOO), "cnn": list(CNN_ZOO), "resnet": list(RESNET_ZOO)}


def rebuild_command(name, epochs):
    flags = "" if epochs is None else f" --epochs {epochs}"
    return f"/usr/bin/python3 -m tools.train.zoo {name}{flags}"


def starting_point(config, out_root):
    """initialise(model) callback loading the package ``config.init_from`` (a folder, relative to
    ``out_root``); None without one or for a float checkpoint (build_network loads that)."""
    if config.init_from is None or config.init_from.endswith((".pt", ".pth")):
        return None
    manifest, codes, _ = package.load(os.path.join(out_root, config.init_from))
    return lambda model: package.initialise_from(model, manifest, codes)


def train_and_export(config, dataset, out_dir, name, description, command, out_root, log=sys.stderr):
    """Trains ``config`` on ``dataset`` and exports the package ``name`` into ``out_dir``; returns its manifest.
    The one path of the zoo, the fixtures and ``python3 -m tools.train``."""
    traced = build_network(config, dataset)
    train_images, train_labels = dataset.split("train")
    model = train(config, traced, train_images, train_labels, log, starting_point(config, out_root))
    training = {**config.metadata(), "command": command}
    test_images, test_labels = dataset.split("test")
    return package.export(model, out_dir, name, description, training, test_images, test_labels, dataset.spec)


def build(name, epochs=None, out_root=ZOO_DIR, log=sys.stderr):
    """Trains and exports zoo model ``name`` (``epochs`` overrides its default); returns its manifest."""
    params, description = ZOO[name]
    params = {"epochs": EPOCHS, **params, **({} if epochs is None else {"epochs": epochs})}
    config = TrainConfig(seed=SEED, **params)
    start = time.time()
    manifest = train_and_export(config, datasets.load(), os.path.join(out_root, name), name, description,
                                rebuild_command(name, epochs), out_root, log)
    print(f"[{name}] clean test error {manifest['clean_test_error']:.4f} (integer reference, "
          f"{manifest['test_images']} images), {time.time() - start:.0f} s", file=log, flush=True)
    return manifest


def model_parser(prog, doc):
    """Argument parser of a command taking zoo model names (a family name or model names)."""
    parser = argparse.ArgumentParser(prog=prog, description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("models", nargs="+", help=f"{', '.join(FAMILIES)} or any of: {', '.join(ZOO)}")
    return parser


def fail(parser, message):
    """One-line error, exit status 2."""
    parser.exit(2, f"voltsim-train: error: {message}\n")


def model_names(parser, models):
    """The zoo names a command line asked for; an unknown name is a one-line error."""
    names = FAMILIES[models[0]] if len(models) == 1 and models[0] in FAMILIES else models
    unknown = [n for n in names if n not in ZOO]
    if unknown:
        fail(parser, f"unknown model '{unknown[0]}' (valid: {', '.join(FAMILIES)}, {', '.join(ZOO)})")
    return names


def is_built(name, out_root=ZOO_DIR):
    return os.path.exists(os.path.join(out_root, name, package.MANIFEST_FILE))


def main(argv=None):
    parser = model_parser("python3 -m tools.train.zoo", __doc__)
    parser.add_argument("--epochs", type=int, help=f"training epochs (default {EPOCHS}, ResNet {RESNET_EPOCHS}, "
                                                   f"RandBET {RANDBET_EPOCHS})")
    parser.add_argument("--out", default=ZOO_DIR, help="parent folder of the packages (default workloads/models)")
    args = parser.parse_args(argv)
    names = model_names(parser, args.models)
    if args.epochs is not None and args.epochs < 1:
        fail(parser, f"--epochs must be >= 1, got {args.epochs}")
    if len(args.models) == 1 and args.models[0] in FAMILIES:
        names = [n for n in names if not is_built(n, args.out)]
    for name in sorted(names, key=lambda n: ZOO[n][0].get("init_from") is not None):  # starting points first
        build(name, args.epochs, args.out)


if __name__ == "__main__":
    main()
