"""Per-example SGD speed of the pure twin against Joel Grus' Data Science from Scratch `deep_learning.py`.

    python benchmarks/grus_speed.py --grus DIR      # DIR: a checkout of github.com/joelgrus/data-science-from-scratch

The same network in both, MLP 784-32-10 with a sigmoid, softmax cross-entropy,
plain gradient descent (lr 0.05), trained one MNIST digit at a time (the
book's own loop: forward, loss gradient, backward, optimizer step) on the
first `--count` shipped training digits, best of `--repeats` passes, CPU time.
Grus' code is imported from DIR as published (its `scratch.probability`
imports matplotlib for plots; a stand-in module is put in its place, since
nothing timed here draws). The pure twin runs in a fresh subprocess twice:
with pure.fast on (the default) and with PURE_FAST=0 (the plain loops only).
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import types

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _digits(count):
    if ROOT not in sys.path:
        sys.path.insert(0, ROOT)
    import data
    images, labels = data.load_mnist("train", limit=count)
    images = images.with_scale("unit")                       # pixel / 255, as the book's MNIST example
    return [images[i] for i in range(count)], list(labels)


def grus_rate(directory, count, repeats):
    sys.path.insert(0, directory)
    class Nothing:                                  # every plotting call, and what it returns, does nothing
        def __getattr__(self, name):
            return self

        def __call__(self, *args, **kwargs):
            return self
    plots = types.ModuleType("matplotlib.pyplot")
    plots.__getattr__ = lambda name: Nothing()
    sys.modules.setdefault("matplotlib", types.ModuleType("matplotlib"))
    sys.modules.setdefault("matplotlib.pyplot", plots)
    from scratch import deep_learning as dl
    x, y = _digits(count)
    targets = [[1.0 if k == label else 0.0 for k in range(10)] for label in y]
    net = dl.Sequential([dl.Linear(784, 32), dl.Sigmoid(), dl.Linear(32, 10)])
    loss, optimizer = dl.SoftmaxCrossEntropy(), dl.GradientDescent(learning_rate=0.05)
    best = None
    for _ in range(repeats):
        start = time.process_time()
        for xi, ti in zip(x, targets):
            predicted = net.forward(xi)
            net.backward(loss.gradient(predicted, ti))
            optimizer.step(net)
        spent = time.process_time() - start
        best = spent if best is None else min(best, spent)
    return count / best


def pure_rate(count, repeats):
    import pure as nn
    x, y = _digits(count)
    model = nn.Sequential([nn.Dense(784, 32, seed=0), nn.Sigmoid(), nn.Dense(32, 10, seed=1)])
    loss, optimizer, layers = nn.CrossEntropy(), nn.SGD(0.05), model.layers
    best = None
    for _ in range(repeats):
        start = time.process_time()
        for xi, yi in zip(x, y):
            out = [xi]
            for layer in layers:
                out = layer.forward(out)
            loss.forward(out, [yi])
            grad = loss.backward()
            for i in range(len(layers) - 1, -1, -1):
                grad = layers[i].backward(grad, i > 0)
            optimizer.step(layers)
        spent = time.process_time() - start
        best = spent if best is None else min(best, spent)
    return count / best


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--grus", required=False, help="a checkout of joelgrus/data-science-from-scratch")
    p.add_argument("--count", type=int, default=200, help="digits per pass (default %(default)s)")
    p.add_argument("--repeats", type=int, default=3, help="passes, the best counts (default %(default)s)")
    p.add_argument("--pure-worker", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.pure_worker:
        print(pure_rate(args.count, args.repeats))
        return
    if not args.grus:
        p.error("--grus DIR is needed (a checkout of joelgrus/data-science-from-scratch)")
    print(f"per-example SGD, MLP 784-32-10 sigmoid, {args.count} MNIST digits, best of {args.repeats}, "
          f"CPython {sys.version.split()[0]}; load average {os.getloadavg()[0]:.2f}")
    rates = {}
    for label, fast in (("pure, pure.fast on (default)", "1"), ("pure, PURE_FAST=0 (plain loops)", "0")):
        done = subprocess.run([sys.executable, os.path.abspath(__file__), "--pure-worker", "--count", str(args.count),
                               "--repeats", str(args.repeats)], env=dict(os.environ, PURE_FAST=fast, PYTHONPATH=ROOT),
                              capture_output=True, text=True, check=True)
        rates[label] = float(done.stdout)
    grus = grus_rate(os.path.abspath(args.grus), args.count, args.repeats)
    print(f"  {'implementation':36s} {'ex/CPU-s':>9s} {'vs Grus':>8s}")
    print(f"  {'Grus deep_learning.py':36s} {grus:9,.0f} {1.0:7.2f}x")
    for label, rate in rates.items():
        print(f"  {label:36s} {rate:9,.0f} {rate / grus:7.2f}x")
    print(f"  load average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
