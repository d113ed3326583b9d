"""Training of the four methods of Stutz et al. (MLSys 2021) on any supported network and dataset.

- ``normal``: Normal quantizer ([-1, 1], truncation), quantization-aware training.
- ``rquant``: robust quantization (per-tensor range, rounding).
- ``clipping``: RQuant + every trainable tensor clamped to [-w_max, w_max] before each step.
- ``randbet``: Clipping + random bit error training: a step adds a pass whose codes got fresh random
  flips at rate p (each bit independently); its gradient is clamped element-wise to
  +-``perturbed_grad_clamp`` and the clean and perturbed gradients are summed and halved. Straight-
  through estimator through quantization. The paper's curriculum decides after every step whether
  the next one runs the perturbed pass (``curriculum_allows``).
"""
import math
import os
import sys
import time
from dataclasses import asdict, dataclass

import torch
import torch.nn.functional as F

from . import datasets, faults, frontend
from .architectures import BUILTIN
from .network import QuantNet

METHODS = ("normal", "rquant", "clipping", "randbet")
# The curriculum admits the perturbed pass only while the clean batch loss is below this multiple
# of the threshold (Stutz et al.'s code: 1.15).
CURRICULUM_CLEAN_FACTOR = 1.15


@dataclass
class TrainConfig:
    method: str
    bits: int
    seed: int = 1
    epochs: int = 8
    batch_size: int = 128
    optimizer: str = "adam"
    lr: float = 0.002
    lr_schedule: str = "cosine"
    w_max: float = None
    p: float = None
    curriculum_loss: float = None
    perturbed_grad_clamp: float = None
    threads: int = 2
    train_images: int = 60000
    init_from: str = None  # package (folder) or float checkpoint (.pt) the training starts from (None: the module's init)
    architecture: str = "cnn"  # a key of architectures.BUILTIN or FILE.py:FUNCTION (a user's module)
    layer_gains: bool = True  # learned per-layer gains (docs/zoo.md); False fixes them at 1
    dataset: str = None  # dataset spec (datasets.py); None: fashion-mnist

    def validate(self):
        if self.architecture not in BUILTIN and ":" not in self.architecture:
            raise ValueError(f"architecture must be one of {', '.join(BUILTIN)} or FILE.py:FUNCTION, "
                             f"got '{self.architecture}'")
        if self.method not in METHODS:
            raise ValueError(f"method must be one of {', '.join(METHODS)}, got '{self.method}'")
        needs_clip = self.method in ("clipping", "randbet")
        if needs_clip != (self.w_max is not None):
            raise ValueError(f"w_max is {'required' if needs_clip else 'not used'} for method '{self.method}'")
        is_randbet = self.method == "randbet"
        for key in ("p", "curriculum_loss", "perturbed_grad_clamp"):
            if is_randbet != (getattr(self, key) is not None):
                raise ValueError(f"{key} is {'required' if is_randbet else 'not used'} for method '{self.method}'")

    @property
    def quantizer(self):
        return "normal" if self.method == "normal" else "rquant"

    def metadata(self):
        """Every hyper-parameter, for the manifest's training section (unused ones left out)."""
        return {k: v for k, v in asdict(self).items() if v is not None}


def clip_parameters(model, w_max):
    with torch.no_grad():
        for p in model.quantized_parameters():
            p.clamp_(-w_max, w_max)


def learning_rate(config, step, total_steps):
    if config.lr_schedule == "cosine":
        return config.lr * 0.5 * (1.0 + math.cos(math.pi * step / total_steps))
    return config.lr


def make_optimizer(config, params):
    if config.optimizer == "adam":
        return torch.optim.Adam(params, lr=config.lr)
    if config.optimizer == "sgd":
        return torch.optim.SGD(params, lr=config.lr, momentum=0.9, nesterov=True)
    raise ValueError(f"unknown optimizer '{config.optimizer}' (valid: adam, sgd)")


def random_masks(model, quantized, p, generator):
    return {name: tuple(faults.random_xor_masks_torch(q.codes.shape, model.bits, p, generator) for q in pair)
            for name, pair in quantized.items()}


def curriculum_allows(clean_loss, perturbed_loss, threshold):
    """Whether the next RandBET step runs the perturbed pass, given this step's batch losses
    (``perturbed_loss`` None if this step ran none): the clean loss must be below 1.15 x threshold and
    the mean of clean and perturbed loss (0 for a pass not run) at most the threshold. So the pass
    starts once the clean loss is low, and pauses whenever the perturbed loss climbs too high."""
    if clean_loss >= CURRICULUM_CLEAN_FACTOR * threshold:
        return False
    return (clean_loss + (perturbed_loss or 0.0)) / 2.0 <= threshold


class RandBetStep:
    """One training step's gradients: clean, plus (RandBET, when the curriculum allows) a perturbed pass."""

    def __init__(self, config, generator):
        self.config = config
        self.generator = generator
        self.perturbed_next = False
        self.perturbed_steps = 0

    def gradients(self, model, params, x, y):
        quantized = model.quantized()
        clean_loss = F.cross_entropy(model(x, quantized, calibrate=True), y)
        grads = torch.autograd.grad(clean_loss, params)
        perturbed_value = None
        if self.perturbed_next:
            masks = random_masks(model, quantized, self.config.p, self.generator)
            perturbed_loss = F.cross_entropy(model(x, quantized, xor_masks=masks), y)
            perturbed = torch.autograd.grad(perturbed_loss, params)
            bound = self.config.perturbed_grad_clamp
            grads = [(g + torch.clamp(gp, -bound, bound)) / 2.0 for g, gp in zip(grads, perturbed)]
            self.perturbed_steps += 1
            perturbed_value = float(perturbed_loss)
        self.perturbed_next = self.config.method == "randbet" and curriculum_allows(
            float(clean_loss), perturbed_value, self.config.curriculum_loss)
        return float(clean_loss), grads


def float_module(architecture, dataset, seed):
    """The float module ``architecture`` names, built right after ``torch.manual_seed(seed)``: a built-in
    one sized for the dataset's images and classes, or a user's ``FILE.py:FUNCTION()``."""
    torch.manual_seed(seed)
    if architecture in BUILTIN:
        channels, height, width = dataset.input_shape
        if height != width:
            raise frontend.ModelError(f"architecture '{architecture}' needs square images, dataset '{dataset.spec}' "
                                      f"has {height} x {width}")
        return BUILTIN[architecture](channels, dataset.num_classes, height)
    module = frontend.load_factory(architecture)()
    if not isinstance(module, torch.nn.Module):
        raise frontend.ModelError(f"--model '{architecture}': the function returned {type(module).__name__}, "
                                  f"not a torch.nn.Module")
    return module


def load_checkpoint(module, path):
    """Loads a float checkpoint (a state_dict, or a whole saved module) into ``module``."""
    try:
        state = torch.load(path, map_location="cpu")
    except Exception as e:  # torch.load raises many types for a bad file
        raise frontend.ModelError(f"--init-from {path}: not a readable PyTorch checkpoint ({frontend.describe(e)})")
    if isinstance(state, torch.nn.Module):
        state = state.state_dict()
    try:
        module.load_state_dict(state)
    except (RuntimeError, TypeError, AttributeError) as e:
        raise frontend.ModelError(f"--init-from {path}: does not fit the model: {str(e).splitlines()[0]}")


def build_network(config, dataset):
    """The traced graph and starting float parameters of ``config``'s model for ``dataset`` (a
    ``.pt`` ``init_from`` is loaded before tracing, so BatchNorm is folded with its statistics)."""
    module = float_module(config.architecture, dataset, config.seed)
    if config.init_from is not None and config.init_from.endswith((".pt", ".pth")):
        load_checkpoint(module, config.init_from)
    traced = frontend.from_module(module, dataset.input_shape)
    datasets.check_model_fits(dataset, traced.network.input_shape, traced.network.num_classes, config.architecture)
    return traced


def quant_net(config, dataset):
    """A fresh (untrained) QuantNet of ``config``'s model, bits and quantizer for ``dataset``."""
    return QuantNet(config.bits, config.quantizer, build_network(config, dataset), config.layer_gains)


def train(config, traced, images, labels, log=sys.stderr, initialise=None):
    """Trains a QuantNet of ``traced`` (frontend.Traced) on uint8 ``images`` [N, C, H, W] and ``labels``
    [N]; returns the model in eval mode. ``initialise(model)``, if given, sets the starting parameters
    (fine-tuning from a package)."""
    config.validate()
    torch.set_num_threads(config.threads)
    generator = torch.Generator().manual_seed(config.seed)
    model = QuantNet(config.bits, config.quantizer, traced, config.layer_gains)
    if initialise is not None:
        initialise(model)
    params = model.trainable_parameters()
    optimizer = make_optimizer(config, params)
    x_all = torch.from_numpy(images[: config.train_images].copy()).to(torch.float32) / 255.0
    y_all = torch.from_numpy(labels[: config.train_images].copy()).to(torch.int64)
    steps_per_epoch = math.ceil(len(y_all) / config.batch_size)
    total_steps = config.epochs * steps_per_epoch
    stepper = RandBetStep(config, generator)
    model.train()
    step = 0
    for epoch in range(config.epochs):
        start = time.time()
        order = torch.randperm(len(y_all), generator=generator)
        loss_sum = 0.0
        for i in range(steps_per_epoch):
            batch = order[i * config.batch_size:(i + 1) * config.batch_size]
            if config.w_max is not None:
                clip_parameters(model, config.w_max)
            for group in optimizer.param_groups:
                group["lr"] = learning_rate(config, step, total_steps)
            loss, grads = stepper.gradients(model, params, x_all[batch], y_all[batch])
            for p, g in zip(params, grads):
                p.grad = g
            optimizer.step()
            loss_sum += loss
            step += 1
        print(f"[{os.path.basename(config.architecture)} {config.method}-{config.bits}bit] epoch {epoch + 1}/{config.epochs} "
              f"loss {loss_sum / steps_per_epoch:.4f} "
              f"perturbed steps {stepper.perturbed_steps} ({time.time() - start:.0f} s)", file=log, flush=True)
    if config.w_max is not None:
        clip_parameters(model, config.w_max)
    model.eval()
    return model
