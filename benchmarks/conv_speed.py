"""Speed of the convolutional layers: vectorized against PyTorch on the CPU, and the pure twin's rate.

    python benchmarks/conv_speed.py             # the full run (a few minutes)
    python benchmarks/conv_speed.py --quick     # smaller and noisier (a smoke test, ~1 minute)
    python benchmarks/conv_speed.py --threads 2 --dtype float32
    python benchmarks/conv_speed.py --pure      # the pure twin only: its CNN rate and fast-vs-plain table

What it measures, in one run on one machine:

1. Conv2D (and MaxPool2D) forward + backward, for the layer shapes below at
   batch 64: the vectorized twin's time over PyTorch's (torch.nn.functional,
   autograd computing the input, weight and bias gradients), same shapes,
   batch and dtype. Target: a ratio of 2 or less.
2. One training epoch of the strong CNN of `python -m vectorized --model cnn`
   (conv 5x5 32, max-pool, conv 5x5 64, max-pool, dense 256, dense 10; ReLU;
   Adam; batch 64; its dropout left out, as two generators cannot draw the
   same masks) on MNIST digits: `model.fit` against a plain torch loop
   starting from the same weights and visiting the same batches.
3. The pure twin on series A's CNN (conv 3x3x8, max-pool, dense 1352 -> 10,
   per-sample SGD): training examples per second, on this interpreter and,
   when `pypy3` is on PATH, on PyPy; and where a step's time goes, call by
   call (each layer's forward and backward, the loss, SGD). Then, on that
   CNN's shapes, each pure layer's plain loops (the docstring's formula,
   `pure.fast.disable()`) against the fast loops of pure/fast.py it uses by
   default (the same numbers, bit for bit). `PURE_FAST=0 python
   benchmarks/conv_speed.py --pure` measures the rate with the plain loops only.

Each time is the best of several repeats (the least disturbed), measured as
CPU time of this process (time.process_time), which a busy machine inflates
far less than wall time; wall times are shown too. Ratios use CPU time. With
--threads 1 (the default) numpy's BLAS and torch each use one core, so CPU
time is the time of one core doing the work. PyTorch is optional: without it
the ratios are skipped with a note (install the pinned version with
`pip install torch==2.13.0`).
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

TARGET_RATIO = 2.0          # vectorized time / torch time, at most
FILTERS, HIDDEN = (32, 64), 256     # the strong CNN: app/cli.py CNN_DEFAULTS (filters "32,64", hidden "256")

# (name, batch-free input shape (C, H, W), out channels, kernel, stride, padding)
CONV_SHAPES = [
    ("series A conv 3x3x8 on 28x28", (1, 28, 28), 8, 3, 1, 0),
    ("strong CNN conv 1: 5x5x32 on 28x28", (1, 28, 28), 32, 5, 1, 0),
    ("strong CNN conv 2: 32 -> 64, 5x5 on 12x12", (32, 12, 12), 64, 5, 1, 0),
    ("32 -> 64, 3x3, padding 1, on 16x16", (32, 16, 16), 64, 3, 1, 1),
    ("16 -> 32, 3x3, stride 2, padding 1, on 32x32", (16, 32, 32), 32, 3, 2, 1),
]


def best_time(fn, repeats):
    """(best CPU seconds, best wall seconds) of `repeats` calls of fn, after one warm-up call."""
    fn()
    cpu, wall = float("inf"), float("inf")
    for _ in range(repeats):
        c, w = time.process_time(), time.perf_counter()
        fn()
        cpu, wall = min(cpu, time.process_time() - c), min(wall, time.perf_counter() - w)
    return cpu, wall


def load_torch():
    try:
        import torch
    except ImportError:
        return None
    return torch


# ----------------------------------------------------------------------------- 1. one layer


def layer_rows(torch, dtype_name, batch, repeats):
    import numpy as np

    import vectorized as nn
    dtype = np.dtype(dtype_name)
    rng = np.random.default_rng(0)
    rows = []
    for name, (c, h, w), out, k, stride, padding in CONV_SHAPES:
        layer = nn.Conv2D(c, out, k, stride=stride, padding=padding, seed=0)
        layer.params = {key: value.astype(dtype) for key, value in layer.params.items()}
        x = rng.uniform(-1, 1, (batch, c, h, w)).astype(dtype)
        g = rng.uniform(-1, 1, (batch,) + layer.output_shape((c, h, w))).astype(dtype)

        def ours():
            layer.forward(x)
            layer.backward(g)
        rows.append((f"Conv2D {name}", best_time(ours, repeats), torch_conv(torch, layer, x, g, repeats)))
    x = rng.uniform(-1, 1, (batch, 16, 24, 24)).astype(dtype)
    pool = nn.MaxPool2D(2)
    g = rng.uniform(-1, 1, (batch, 16, 12, 12)).astype(dtype)

    def ours_pool():
        pool.forward(x)
        pool.backward(g)
    rows.append(("MaxPool2D 2 on 16x24x24", best_time(ours_pool, repeats), torch_pool(torch, x, g, repeats)))
    return rows


def torch_conv(torch, layer, x, g, repeats):
    if torch is None:
        return None
    F = torch.nn.functional
    xt = torch.tensor(x, requires_grad=True)
    wt = torch.tensor(layer.params["W"], requires_grad=True)
    bt = torch.tensor(layer.params["b"], requires_grad=True)
    gt = torch.tensor(g)

    def theirs():
        for t in (xt, wt, bt):
            t.grad = None
        F.conv2d(xt, wt, bt, stride=layer.stride, padding=layer.padding).backward(gt)
    return best_time(theirs, repeats)


def torch_pool(torch, x, g, repeats):
    if torch is None:
        return None
    xt = torch.tensor(x, requires_grad=True)
    gt = torch.tensor(g)

    def theirs():
        xt.grad = None
        torch.nn.functional.max_pool2d(xt, 2).backward(gt)
    return best_time(theirs, repeats)


# ----------------------------------------------------------------------------- 2. a training epoch


def epoch_rows(torch, dtype_name, count, repeats):
    import numpy as np

    import data
    import vectorized as nn
    from app.cli import build_cnn
    from app.arrays import to_inputs
    dtype = np.dtype(dtype_name)
    images, labels = data.load_mnist("train", limit=count)
    x = to_inputs(images, as_images=True).astype(dtype)
    y = np.frombuffer(bytes(labels), dtype=np.uint8).astype(np.int64)
    batch = 64
    model = build_cnn(nn, (1, 28, 28), [HIDDEN], 10, "relu", seed=0, filters=FILTERS)
    if dtype != np.float64:
        model.astype(dtype)
    start = model.get_weights()

    def ours():
        model.set_weights(start)
        model.fit(x, y, loss=nn.CrossEntropy(), optimizer=nn.Adam(0.001), epochs=1, batch_size=batch, seed=0,
                  progress=False)
    ours_time = best_time(ours, repeats)
    theirs_time, note = None, ""
    if torch is not None:
        theirs_time, note = torch_epoch(torch, model, start, x, y, batch, repeats)
    return [(f"strong CNN, one epoch of {count:,} digits, batch {batch}, Adam", ours_time, theirs_time)], note


def torch_epoch(torch, model, start, x, y, batch, repeats):
    """The same network in torch, from the same weights, over the same batches (fit's shuffling)."""
    tnn = torch.nn
    dtype = torch.float64 if x.dtype.name == "float64" else torch.float32
    f1, f2 = FILTERS
    net = tnn.Sequential(tnn.Conv2d(1, f1, 5), tnn.ReLU(), tnn.MaxPool2d(2), tnn.Conv2d(f1, f2, 5), tnn.ReLU(),
                         tnn.MaxPool2d(2), tnn.Flatten(), tnn.Linear(16 * f2, HIDDEN), tnn.ReLU(),
                         tnn.Linear(HIDDEN, 10))
    net = net.to(dtype)
    ours_layers = [layer for layer in model.layers if layer.params]
    theirs_layers = [m for m in net if isinstance(m, (tnn.Conv2d, tnn.Linear))]

    def reset():
        with torch.no_grad():
            for params, m in zip(start_params, theirs_layers):
                w = torch.tensor(params["W"], dtype=dtype)
                m.weight.copy_(w.T if isinstance(m, tnn.Linear) else w)
                m.bias.copy_(torch.tensor(params["b"], dtype=dtype))
    start_params = [params for params, layer in zip(start, model.layers) if layer.params]
    assert len(start_params) == len(ours_layers) == len(theirs_layers)
    xt, yt = torch.tensor(x), torch.tensor(y)
    order = list(range(len(x)))
    random.Random(0).shuffle(order)                      # fit(seed=0)'s first epoch order
    batches = [torch.tensor(order[i:i + batch]) for i in range(0, len(order), batch)]
    loss_fn = tnn.CrossEntropyLoss()

    def theirs():
        reset()
        opt = torch.optim.Adam(net.parameters(), lr=0.001)
        for idx in batches:
            opt.zero_grad()
            loss_fn(net(xt[idx]), yt[idx]).backward()
            opt.step()
    # check the two networks are the same function before timing them
    reset()
    model.set_weights(start)
    with torch.no_grad():
        gap = float((net(xt[:64]) - torch.tensor(model.predict(x[:64]))).abs().max())
    return best_time(theirs, repeats), f"same initial function: max |torch - ours| on 64 digits = {gap:.1e}"


# ----------------------------------------------------------------------------- 3. the pure twin


def pure_rate(count):
    """Per-sample SGD training examples per second of the pure twin on series A's CNN (CPU and wall)."""
    import pure as nn
    from lessons.zhou_cnn import build, digits
    x, y = digits("train", count)
    model = build(nn)
    model.fit(x[:5], y[:5], loss=nn.CrossEntropy(), optimizer=nn.SGD(0.005), epochs=1, batch_size=1, seed=0,
              progress=False)                                              # warm up (PyPy's JIT)
    c, w = time.process_time(), time.perf_counter()
    model.fit(x, y, loss=nn.CrossEntropy(), optimizer=nn.SGD(0.005), epochs=1, batch_size=1, seed=0, progress=False)
    cpu, wall = time.process_time() - c, time.perf_counter() - w
    return count / cpu, count / wall


def pure_step_parts(count, repeats):
    """Where a training step of series A's CNN goes: CPU ms per example of each call of fit's step
    (each layer's forward and backward, the loss, the optimizer), timed inside the same loop as fit's
    (batch 1, SGD 0.005), best pass of `repeats` over `count` digits. Rows (name, ms), then the total."""
    import pure as nn
    from lessons.zhou_cnn import build, digits
    x, y = digits("train", count)
    model = build(nn)
    loss, optimizer, layers, clock = nn.CrossEntropy(), nn.SGD(0.005), model.layers, time.process_time
    names = ([f"{type(layer).__name__} forward" for layer in layers] + ["CrossEntropy forward + backward"]
             + [f"{type(layer).__name__} backward" for layer in reversed(layers)] + ["SGD step"])
    best = None
    for _ in range(repeats + 1):                                   # the first pass warms up (PyPy's JIT)
        spent, start = [0.0] * len(names), clock()
        for xi, yi in zip(x, y):
            marks = [clock()]
            out = [xi]
            for layer in layers:
                out = layer.forward(out)
                marks.append(clock())
            loss.forward(out, [yi])
            grad = loss.backward()
            marks.append(clock())
            for i in range(len(layers) - 1, -1, -1):
                grad = layers[i].backward(grad, i > 0)
                marks.append(clock())
            optimizer.step(layers)
            marks.append(clock())
            for k in range(len(names)):
                spent[k] += marks[k + 1] - marks[k]
        total = clock() - start
        if best is None or total < best[0]:
            best = (total, spent)
    total, spent = best
    return [(name, t / count * 1e3) for name, t in zip(names, spent)], total / count * 1e3


def pypy_rate(count):
    """pure_rate on PyPy, in a subprocess (None when pypy3 is not on PATH)."""
    pypy = shutil.which("pypy3")
    if pypy is None:
        return None
    env = dict(os.environ, PYTHONPATH=ROOT)
    done = subprocess.run([pypy, os.path.abspath(__file__), "--pure-worker", str(count)], env=env,
                          capture_output=True, text=True, timeout=3600)
    if done.returncode != 0:
        return f"failed: {done.stderr.strip().splitlines()[-1:] or done.returncode}"
    cpu, wall = (float(v) for v in done.stdout.split())
    return cpu, wall


def pure_fast_vs_plain(repeats):
    """Rows (name, plain ms, fast ms): Conv2D and MaxPool2D of series A's CNN, one 28x28 image of random pixels
    (and Conv2D forward on a digit too, whose repeated background patches the fast forward computes once)."""
    import data
    import pure as nn
    digit = [[data.load_mnist("train", limit=1)[0].with_scale("centered").image(0)]]
    rng = random.Random(0)
    x = [[[[rng.uniform(-0.5, 0.5) for _ in range(28)] for _ in range(28)]]]
    g_pool = [[[[rng.uniform(-1, 1) for _ in range(13)] for _ in range(13)] for _ in range(8)]]
    conv, pool = nn.Conv2D(1, 8, 3, bias=False, seed=1), nn.MaxPool2D(2)
    y = conv.forward(x)
    pool.forward(y)
    g_conv = pool.backward(g_pool)               # 3 in 4 zero: what a conv layer gets behind a max-pool
    jobs = [("Conv2D 3x3x8 forward", lambda: conv.forward(x)),
            ("Conv2D 3x3x8 forward, an MNIST digit", lambda: conv.forward(digit)),
            ("Conv2D backward, filter gradient only", lambda: conv.backward(g_conv, need_input_grad=False)),
            ("Conv2D backward, with the input gradient", lambda: conv.backward(g_conv)),
            ("MaxPool2D 2 forward", lambda: pool.forward(y)),
            ("MaxPool2D 2 backward", lambda: pool.backward(g_pool))]
    rows, was = [], nn.fast.enabled()
    for name, job in jobs:
        times = []
        for fast in (False, True):
            nn.fast.enable() if fast else nn.fast.disable()
            conv.forward(x)
            pool.forward(y)
            times.append(best_time(job, repeats)[0])
        rows.append((name, times[0], times[1]))
    nn.fast.enable() if was else nn.fast.disable()
    return rows


def print_pure(count, quick, no_pypy):
    print("\n3. pure twin, series A's CNN, per-sample SGD training")
    import pure
    cpu, wall = pure_rate(count)
    print(f"  {sys.implementation.name} {sys.version.split()[0]}: {cpu:,.1f} examples/s CPU ({wall:,.1f} wall), "
          f"over {count} digits; pure.fast {'on' if pure.fast.enabled() else 'off (PURE_FAST=0): the plain loops'}")
    if not no_pypy:
        rate = pypy_rate(count * (5 if not quick else 2))
        if rate is None:
            print("  PyPy: pypy3 not on PATH, skipped")
        elif isinstance(rate, str):
            print(f"  PyPy: {rate}")
        else:
            print(f"  PyPy: {rate[0]:,.1f} examples/s CPU ({rate[1]:,.1f} wall): {rate[0] / cpu:.1f}x CPython")
    parts, total = pure_step_parts(count, 1 if quick else 3)
    print(f"\n  one training step, call by call (CPU ms per example, inside the loop; {total:.2f} ms in all):")
    for name, ms in parts:
        print(f"  {name:44s} {ms:9.2f}  {ms / total:4.0%}")
    print(f"\n  plain loops (pure.fast.disable()) against pure/fast.py's, {sys.implementation.name}, one 28x28 image")
    print("  of random pixels (no patch repeats: the worst case of Conv2D forward, which computes a repeat once)")
    print("  but for the row marked as a digit:")
    print(f"  {'':44s} {'plain ms':>9s} {'fast ms':>9s} {'speed-up':>9s}")
    for name, plain, fast in pure_fast_vs_plain(3 if quick else 7):
        print(f"  {name:44s} {plain * 1e3:9.2f} {fast * 1e3:9.2f} {plain / fast:8.1f}x")


# ----------------------------------------------------------------------------- report


def print_rows(title, rows):
    print(f"\n{title}")
    print(f"  {'':52s} {'ours ms':>9s} {'torch ms':>9s} {'ratio':>6s}   (CPU time; wall ms: ours / torch)")
    ratios = []
    for name, ours, theirs in rows:
        if theirs is None:
            print(f"  {name:52s} {ours[0] * 1e3:9.2f} {'-':>9s} {'-':>6s}   ({ours[1] * 1e3:.1f} / -)")
            continue
        ratio = ours[0] / theirs[0]
        ratios.append(ratio)
        flag = "" if ratio <= TARGET_RATIO else "  over target"
        print(f"  {name:52s} {ours[0] * 1e3:9.2f} {theirs[0] * 1e3:9.2f} {ratio:6.2f}   "
              f"({ours[1] * 1e3:.1f} / {theirs[1] * 1e3:.1f}){flag}")
    return ratios


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="smaller sizes, fewer repeats")
    p.add_argument("--threads", type=int, default=1, help="BLAS and torch threads (default %(default)s)")
    p.add_argument("--dtype", choices=["float64", "float32", "both"], default="both")
    p.add_argument("--no-pypy", action="store_true", help="skip the PyPy measurement of the pure twin")
    p.add_argument("--pure", action="store_true", help="only the pure twin's numbers (no numpy, no torch)")
    args = p.parse_args(argv)
    pure_count = 20 if args.quick else 200
    if args.pure:
        print(f"conv_speed --pure: load average {os.getloadavg()[0]:.1f}")
        print_pure(pure_count, args.quick, args.no_pypy)
        return 0
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(args.threads)                 # before numpy is imported
    import numpy as np
    torch = load_torch()
    if torch is not None:
        torch.set_num_threads(args.threads)
    batch, repeats = (16, 3) if args.quick else (64, 7)
    epoch_count, epoch_repeats = (640, 2) if args.quick else (2560, 3)
    print(f"conv_speed: numpy {np.__version__}, torch {torch.__version__ if torch else 'absent'}, "
          f"{args.threads} thread(s), batch {batch}, best of {repeats}")
    if torch is None:
        print("PyTorch is not installed: showing our times only; for the ratios, pip install torch==2.13.0")
    all_ratios = {}
    for dtype in (["float64", "float32"] if args.dtype == "both" else [args.dtype]):
        ratios = print_rows(f"1. one layer, forward + backward, {dtype}", layer_rows(torch, dtype, batch, repeats))
        rows, note = epoch_rows(torch, dtype, epoch_count, epoch_repeats)
        ratios_epoch = print_rows(f"2. one training epoch, {dtype}" + (f" ({note})" if note else ""), rows)
        all_ratios[dtype] = (ratios, ratios_epoch)

    print_pure(pure_count, args.quick, args.no_pypy)

    if torch is not None:
        print("\nsummary (vectorized time / torch time; target <= %g):" % TARGET_RATIO)
        for dtype, (layer_ratios, epoch_ratios) in all_ratios.items():
            print(f"  {dtype}: layers {min(layer_ratios):.2f} .. {max(layer_ratios):.2f}; "
                  f"training epoch {epoch_ratios[0]:.2f}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--pure-worker":
        print(*pure_rate(int(sys.argv[2])))
        sys.exit(0)
    sys.exit(main())
