"""Train a quantized, bit-error-robust network and export it as a voltsim model package (docs/train.md).

    /usr/bin/python3 -m tools.train --model examples/digits/model.py:make --dataset npz:digits.npz \\
        --method randbet --bits 8 --epochs 30 --out digits-randbet-8bit

``--model`` is a built-in architecture (cnn, resnet, every-layer) or FILE.py:FUNCTION, a function
returning a float torch.nn.Module built of the layers docs/train.md lists. ``--init-from`` starts from
a float checkpoint of that module (.pt: a state_dict or a saved module) or from a package (folder),
the usual way to fine-tune a network someone already has with RandBET.
"""
import argparse
import os
import shlex
import sys
import time

from . import datasets
from .train import METHODS, TrainConfig
from .zoo import CURRICULUM_LOSS, P_TRAIN, PERTURBED_GRAD_CLAMP, W_MAX, train_and_export

PROG = "python3 -m tools.train"


def parser():
    p = argparse.ArgumentParser(prog=PROG, description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", required=True, help="cnn, resnet, every-layer or FILE.py:FUNCTION")
    p.add_argument("--method", required=True, choices=METHODS, help="training method (Stutz et al.)")
    p.add_argument("--bits", required=True, type=int, help="weight code width, 2..8")
    p.add_argument("--out", required=True, help="package folder to write")
    p.add_argument("--dataset", default=datasets.FASHION_MNIST, help="fashion-mnist (default), idx:DIR or npz:FILE")
    p.add_argument("--name", help="package name (default: the --out folder's name)")
    p.add_argument("--description", help="one line for the manifest (default: method and bits)")
    p.add_argument("--init-from", help="float checkpoint (.pt) or package folder to start from")
    p.add_argument("--epochs", type=int, default=15)
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--lr", type=float, default=0.002)
    p.add_argument("--optimizer", choices=("adam", "sgd"), default="adam")
    p.add_argument("--lr-schedule", choices=("cosine", "constant"), default="cosine")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--train-images", type=int, help="train on the first N training images (default: all)")
    p.add_argument("--w-max", type=float, help=f"clipping bound (clipping, randbet; default {W_MAX})")
    p.add_argument("--p", type=float, help=f"RandBET bit error rate (default {P_TRAIN})")
    p.add_argument("--curriculum-loss", type=float, help=f"RandBET curriculum threshold (default {CURRICULUM_LOSS})")
    p.add_argument("--perturbed-grad-clamp", type=float,
                   help=f"RandBET clamp of the perturbed gradient (default {PERTURBED_GRAD_CLAMP})")
    return p


def config_from(args, train_count):
    """The TrainConfig of the command line, the method's defaults filled in; ValueError on a bad value."""
    clipped, randbet = args.method in ("clipping", "randbet"), args.method == "randbet"
    for flag, value, used in (("--w-max", args.w_max, clipped), ("--p", args.p, randbet),
                              ("--curriculum-loss", args.curriculum_loss, randbet),
                              ("--perturbed-grad-clamp", args.perturbed_grad_clamp, randbet)):
        if value is not None and not used:
            raise ValueError(f"{flag} is not used by --method {args.method}")
    checks = (("--bits", args.bits, 2 <= args.bits <= 8, "2..8"), ("--epochs", args.epochs, args.epochs >= 1, ">= 1"),
              ("--batch-size", args.batch_size, args.batch_size >= 1, ">= 1"), ("--lr", args.lr, args.lr > 0, "> 0"),
              ("--threads", args.threads, 1 <= args.threads <= 1024, "1..1024"))
    for flag, value, ok, wanted in checks:
        if not ok:
            raise ValueError(f"{flag} must be {wanted}, got {value}")
    if args.train_images is not None and not 1 <= args.train_images <= train_count:
        raise ValueError(f"--train-images must be 1..{train_count} (the training split's size), got {args.train_images}")
    config = TrainConfig(
        method=args.method, bits=args.bits, seed=args.seed, epochs=args.epochs, batch_size=args.batch_size,
        optimizer=args.optimizer, lr=args.lr, lr_schedule=args.lr_schedule, threads=args.threads,
        train_images=args.train_images or train_count,
        init_from=args.init_from and os.path.abspath(args.init_from), architecture=args.model,
        dataset=None if args.dataset == datasets.FASHION_MNIST else args.dataset,
        w_max=(args.w_max if args.w_max is not None else W_MAX) if clipped else None,
        p=(args.p if args.p is not None else P_TRAIN) if randbet else None,
        curriculum_loss=(args.curriculum_loss if args.curriculum_loss is not None else CURRICULUM_LOSS)
        if randbet else None,
        perturbed_grad_clamp=(args.perturbed_grad_clamp if args.perturbed_grad_clamp is not None
                              else PERTURBED_GRAD_CLAMP) if randbet else None)
    if randbet and not 0 < config.p < 1:
        raise ValueError(f"--p must be in (0, 1), got {config.p}")
    if clipped and not config.w_max > 0:
        raise ValueError(f"--w-max must be > 0, got {config.w_max}")
    config.validate()
    return config


def main(argv=None):
    p = parser()
    args = p.parse_args(argv)
    try:
        dataset = datasets.load(args.dataset)
        if dataset.mean is not None:
            raise ValueError(f"dataset '{args.dataset}' has mean/std: the trainer trains on pixels / 255 "
                             f"(leave mean and std out of the archive)")
        config = config_from(args, len(dataset.split("train")[1]))
        name = args.name or os.path.basename(os.path.normpath(args.out))
        description = args.description or f"{args.method} {args.bits}-bit, {os.path.basename(args.model)}"
        command = "/usr/bin/python3 -m tools.train " + " ".join(shlex.quote(a) for a in
                                                                 (sys.argv[1:] if argv is None else argv))
        start = time.time()
        manifest = train_and_export(config, dataset, args.out, name, description, command,
                                    os.path.dirname(os.path.abspath(args.out)))
    except (ValueError, OSError) as e:  # DatasetError, ModelError, PackageError are ValueErrors
        p.exit(2, f"voltsim-train: error: {e}\n")
    print(f"[{name}] clean test error {manifest['clean_test_error']:.4f} (integer reference, "
          f"{manifest['test_images']} images), {time.time() - start:.0f} s -> {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
