"""Float training of an example network on Fashion-MNIST and its ONNX export: what a user does in their own
PyTorch code before `voltsim import onnx` (docs/import.md). Seeded; Adam, cosine schedule.

    /usr/bin/python3 examples/train_float.py --model examples/mobilenet/model.py:make --out mobilenet.onnx [--epochs 4]
"""
import argparse
import math
import os
import sys
import time

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # before torch starts OpenMP (tools/train/__init__.py says why)
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from tools.train import datasets, frontend  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", required=True, help="FILE.py:FUNCTION returning the float torch.nn.Module")
    parser.add_argument("--out", required=True, help="ONNX file to write")
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    torch.manual_seed(args.seed)
    torch.set_num_threads(2)
    data = datasets.load("fashion-mnist")
    images, labels = data.split("train")
    x, y = torch.from_numpy(images.copy()).float() / 255.0, torch.from_numpy(labels)
    model = frontend.load_factory(args.model)()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.003)
    steps, step = args.epochs * math.ceil(len(y) / 128), 0
    generator = torch.Generator().manual_seed(args.seed)
    for epoch in range(args.epochs):
        start, model = time.time(), model.train()
        for batch in torch.randperm(len(y), generator=generator).split(128):
            for group in optimizer.param_groups:
                group["lr"] = 0.003 * 0.5 * (1 + math.cos(math.pi * step / steps))
            optimizer.zero_grad()
            F.cross_entropy(model(x[batch]), y[batch]).backward()
            optimizer.step()
            step += 1
        test_images, test_labels = data.split("test")
        with torch.no_grad():
            predicted = model.eval()(torch.from_numpy(test_images.copy()).float() / 255.0).argmax(1).numpy()
        print(f"epoch {epoch + 1}/{args.epochs}: float test error {100 * (predicted != test_labels).mean():.2f} % "
              f"({time.time() - start:.0f} s)", file=sys.stderr, flush=True)
    torch.onnx.export(model.eval(), torch.zeros(1, 1, 28, 28), args.out, opset_version=13)


if __name__ == "__main__":
    main()
