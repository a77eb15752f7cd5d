"""Per-example SGD speed of the pure twin against Victor Zhou's numpy "CNN from scratch" (series A's CNN).

    python benchmarks/zhou_speed.py --zhou DIR      # DIR: a checkout of github.com/vzhou842/cnn-from-scratch
    python benchmarks/zhou_speed.py --zhou DIR --pure-root OLD   # the pure twin of another checkout (OLD)

The same network in both, series A's CNN: conv 3x3 with 8 filters, no padding,
no bias (28x28 -> 26x26x8), max-pool 2x2 (13x13x8), dense 1352 -> 10 with a
softmax, cross-entropy, inputs image/255 - 0.5, per-sample SGD (lr 0.005),
trained one MNIST digit at a time on the first `--count` shipped training
digits, best of `--repeats` passes, CPU time (time.process_time).

Zhou's side: his conv.py, maxpool.py and softmax.py are imported from DIR as
published; his cnn.py loads MNIST through the `mnist` package when imported, so
its `forward` and `train` are reproduced here line for line (zhou_forward,
zhou_train) and fed the same digits as uint8 arrays (as the `mnist` package
gives them). numpy runs with one BLAS thread (OPENBLAS_NUM_THREADS=1 etc., set
before numpy loads, unless you set them). Started from the same weights, the
two make the same dense-layer update (to 1e-18) on a first step; the filter
updates differ slightly, because Zhou's max-pool backprop hands the gradient to
every tied maximum of a 2x2 window (the flat background ties), ours to one.

The pure side: lessons/zhou_cnn.py's `build` and `digits`, trained by
model.fit(batch_size=1, SGD(0.005)) as in benchmarks/conv_speed.py, in a fresh
subprocess twice: with pure.fast on (the default) and with PURE_FAST=0 (the
plain loops only). With --pure-root OLD the subprocess imports pure/, lessons/
and data/ from OLD (its PYTHONPATH and working directory), e.g. a worktree of an
older commit; a commit without pure/fast.py ignores PURE_FAST.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LR = 0.005
BLAS_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def zhou_rate(directory, count, repeats):
    """Examples per CPU second of Zhou's numpy CNN, his cnn.py's train() on each digit in turn."""
    for var in BLAS_VARS:
        os.environ.setdefault(var, "1")                     # before numpy is imported
    import numpy as np
    sys.path.insert(0, directory)
    from conv import Conv3x3
    from maxpool import MaxPool2
    from softmax import Softmax
    if ROOT not in sys.path:
        sys.path.insert(0, ROOT)
    import data
    images, labels = data.load_mnist("train", limit=count)
    x = np.frombuffer(images.raw, np.uint8).reshape(len(labels), 28, 28)     # as mnist.train_images() gives them
    y = [int(label) for label in labels]
    np.random.seed(0)
    conv = Conv3x3(8)                  # 28x28x1 -> 26x26x8
    pool = MaxPool2()                  # 26x26x8 -> 13x13x8
    softmax = Softmax(13 * 13 * 8, 10)  # 13x13x8 -> 10

    def zhou_forward(image, label):                          # cnn.py's forward(image, label)
        out = conv.forward((image / 255) - 0.5)
        out = pool.forward(out)
        out = softmax.forward(out)
        loss = -np.log(out[label])
        acc = 1 if np.argmax(out) == label else 0
        return out, loss, acc

    def zhou_train(im, label, lr=LR):                        # cnn.py's train(im, label, lr=.005)
        out, loss, acc = zhou_forward(im, label)
        gradient = np.zeros(10)
        gradient[label] = -1 / out[label]
        gradient = softmax.backprop(gradient, lr)
        gradient = pool.backprop(gradient)
        gradient = conv.backprop(gradient, lr)
        return loss, acc

    best = None
    for _ in range(repeats):
        start = time.process_time()
        for im, label in zip(x, y):
            zhou_train(im, label)
        spent = time.process_time() - start
        best = spent if best is None else min(best, spent)
    return count / best, np.__version__


def pure_rate(count, repeats):
    """Examples per CPU second of the pure twin on series A's CNN, per-sample SGD (fit, batch_size=1)."""
    import pure as nn
    from lessons.zhou_cnn import build, digits
    x, y = digits("train", count)
    model = build(nn)

    def train(xs, ys):
        model.fit(xs, ys, loss=nn.CrossEntropy(), optimizer=nn.SGD(LR), epochs=1, batch_size=1, seed=0,
                  progress=False)
    train(x[:5], y[:5])                                       # warm up
    best = None
    for _ in range(repeats):
        start = time.process_time()
        train(x, y)
        spent = time.process_time() - start
        best = spent if best is None else min(best, spent)
    return count / best, os.path.dirname(os.path.dirname(os.path.abspath(nn.__file__)))


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--zhou", required=False, help="a checkout of vzhou842/cnn-from-scratch")
    p.add_argument("--count", type=int, default=200, help="digits per pass (default %(default)s)")
    p.add_argument("--repeats", type=int, default=3, help="passes, the best counts (default %(default)s)")
    p.add_argument("--pure-root", default=ROOT, help="the checkout whose pure/, lessons/ and data/ are timed "
                                                     "(default: this one)")
    p.add_argument("--pure-worker", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.pure_worker:
        print(*pure_rate(args.count, args.repeats))
        return
    if not args.zhou:
        p.error("--zhou DIR is needed (a checkout of vzhou842/cnn-from-scratch)")
    pure_root = os.path.abspath(args.pure_root)
    print(f"per-example SGD, series A's CNN (conv 3x3x8, max-pool 2, dense 1352-10 softmax), {args.count} MNIST "
          f"digits, best of {args.repeats}, CPython {sys.version.split()[0]}; load average {os.getloadavg()[0]:.2f}")
    rates, roots = {}, set()
    for label, fast in (("pure, pure.fast on (default)", "1"), ("pure, PURE_FAST=0 (plain loops)", "0")):
        done = subprocess.run([sys.executable, os.path.abspath(__file__), "--pure-worker", "--count", str(args.count),
                               "--repeats", str(args.repeats)], env=dict(os.environ, PURE_FAST=fast,
                                                                         PYTHONPATH=pure_root),
                              cwd=pure_root, capture_output=True, text=True, check=True)
        rate, root = done.stdout.split(maxsplit=1)
        rates[label] = float(rate)
        roots.add(root.strip())
    print(f"  pure imported from {', '.join(sorted(roots))}")
    zhou, numpy_version = zhou_rate(os.path.abspath(args.zhou), args.count, args.repeats)
    threads = ", ".join(f"{var}={os.environ[var]}" for var in BLAS_VARS)
    print(f"  {'implementation':36s} {'ex/CPU-s':>9s} {'vs Zhou':>8s}")
    print(f"  {'Zhou numpy CNN (numpy ' + numpy_version + ')':36s} {zhou:9,.1f} {1.0:7.2f}x")
    for label, rate in rates.items():
        print(f"  {label:36s} {rate:9,.1f} {rate / zhou:7.2f}x")
    print(f"  {threads}; load average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
