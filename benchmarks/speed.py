"""Training speed and memory of the two twins, as ratios measured in one run.

    python benchmarks/speed.py            # about 2 minutes on 2 cores
    python benchmarks/speed.py --quick    # about 20 seconds, noisier
    python benchmarks/speed.py --threads 1,2 --json results.json

What it measures (see benchmarks/README.md for how to read each number):

1. vectorized against PyTorch on the CPU: MLP 784-128-10 ReLU, batch 64,
   plain SGD, cross-entropy, float64 and float32, training examples per
   second over real MNIST batches. Both start from the same weights and visit
   the same batches; numpy's BLAS and torch use the same number of threads.
   PyTorch is optional: without it those rows are skipped with a note.
2. pure: MLP 784-32-10 ReLU, batch 32, on this interpreter and, when
   `pypy3` is on PATH, on PyPy (PyPy / CPython ratio); and per-example
   training (batch 1, sigmoid) on this interpreter, as a share of batch 32.
3. pure against a re-implementation of micrograd (benchmarks/micrograd_reimpl.py),
   the best-known pure-Python teaching code, on a smaller network.
4. memory: resident memory of the pure twin holding both shipped MNIST
   pieces (train 10k + test 10k), minus an empty interpreter's.

Every measurement runs in a fresh subprocess (this same file with --worker),
so one cannot warm up or pollute another, the thread count can be set before
numpy starts, and PyPy runs the very same code. A "step" is the four lines of
training: forward, loss, backward, optimizer step (plus gathering the batch).
Each configuration is timed over several repeats; the table shows the best
and the median, and ratios are computed from the best (least disturbed) run.
This file must stay runnable by PyPy 3.9 without numpy: numpy and torch are
imported only inside the workers that need them.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HERE = os.path.dirname(os.path.abspath(__file__))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)
if HERE not in sys.path:
    sys.path.insert(0, HERE)

TARGETS = {
    "torch_ratio": 1.5,        # vectorized time / torch time, at most
    "pure_cpython": 500.0,     # examples/s, at least
    "pure_per_example": 600.0,         # examples per CPU second at batch 1, at least...
    "pure_per_example_share": 0.6,     # ...or this share of the batch-32 rate of the same run
    "memory_mb": 100.0,        # MB above an empty interpreter, at most
}

# The size of each measurement: (full, --quick).
SIZES = {
    # vectorized / torch: examples per repeat (one pass over the 10k training digits), repeats
    "vec_examples": (10000, 3200), "vec_repeats": (7, 3),
    # pure: batches per repeat, repeats (after one warm-up repeat)
    "pure_batches": (40, 8), "pure_repeats": (5, 3), "pure_single_examples": (400, 100),
    "pypy_batches": (150, 40), "pypy_repeats": (5, 3), "pypy_warmup": (3, 2),
    # micrograd comparison: hidden units, examples per step, steps timed
    "mg_hidden": (16, 16), "mg_batch": (8, 4), "mg_steps": (2, 1),
}


def size(name, quick):
    return SIZES[name][1 if quick else 0]


# ====================================================================== workers
# Each worker prints one JSON object on its last line of stdout.

def _summary(rates):
    return {"best": max(rates), "median": statistics.median(rates), "all": rates}


def _mnist_train():
    import data
    return data.load_mnist("train")


def worker_vectorized(args):
    """vectorized (step loop and fit()) and, if importable, torch; same weights, same batches."""
    import numpy as np
    import vectorized as nn
    from app.arrays import to_inputs

    images, labels = _mnist_train()
    x64 = to_inputs(images)
    y = np.frombuffer(bytes(labels), dtype=np.uint8).astype(np.int64)
    n_examples, repeats, batch, hidden, lr = args.examples, args.repeats, 64, 128, 0.05
    order = np.arange(len(x64))
    np.random.default_rng(0).shuffle(order)
    order = order[:n_examples]
    result = {"blas_threads": _blas_threads(), "numpy": np.__version__, "rows": [], "notes": []}

    def new_model(dtype):
        model = nn.Sequential([nn.Dense(784, hidden, init="he", seed=0), nn.ReLU(),
                               nn.Dense(hidden, 10, init="xavier", seed=1)])
        return model.astype(dtype) if dtype != np.float64 else model

    def vec_epoch(model, opt, loss, x):
        for start in range(0, n_examples, batch):
            idx = order[start:start + batch]
            out = model.forward(x[idx])
            loss.forward(out, y[idx])
            model.backward(loss.backward(), need_input_grad=False)
            opt.step(model.layers)

    for dtype in (np.float64, np.float32):
        x = x64.astype(dtype)
        model, loss, opt = new_model(dtype), nn.CrossEntropy(), nn.SGD(lr)
        vec_epoch(model, opt, loss, x)                  # warm-up
        rates, cpu = [], []
        for _ in range(repeats):
            t, c = time.perf_counter(), time.process_time()
            vec_epoch(model, opt, loss, x)
            rates.append(n_examples / (time.perf_counter() - t))
            cpu.append(n_examples / max(time.process_time() - c, 1e-9))
        w_dtype = str(model.layers[0].params["W"].dtype)
        if w_dtype != np.dtype(dtype).name:
            result["notes"].append(f"vectorized {np.dtype(dtype).name}: weights became {w_dtype} "
                                   f"during training (an operation upcasts)")
        result["rows"].append(dict(_summary(rates), cpu_best=max(cpu), impl="vectorized",
                                   dtype=np.dtype(dtype).name, loop="steps"))
        # The same through Sequential.fit (what `python -m vectorized` runs): adds shuffling,
        # the per-batch NaN check, accuracy counting and the progress bookkeeping.
        model, opt = new_model(dtype), nn.SGD(lr)
        fit_x, fit_y = x[order], y[order]
        model.fit(fit_x, fit_y, loss=nn.CrossEntropy(), optimizer=opt, epochs=1, batch_size=batch,
                  seed=0, progress=False)
        rates, cpu = [], []
        for r in range(repeats):
            t, c = time.perf_counter(), time.process_time()
            model.fit(fit_x, fit_y, loss=nn.CrossEntropy(), optimizer=opt, epochs=1, batch_size=batch,
                      seed=r + 1, progress=False)
            rates.append(n_examples / (time.perf_counter() - t))
            cpu.append(n_examples / max(time.process_time() - c, 1e-9))
        result["rows"].append(dict(_summary(rates), cpu_best=max(cpu), impl="vectorized",
                                   dtype=np.dtype(dtype).name, loop="fit()"))

    try:
        import torch
    except ImportError as e:
        result["torch"] = None
        result["notes"].append(f"torch not importable ({e}); PyTorch rows skipped")
        print(json.dumps(result))
        return
    torch.set_num_threads(args.threads)
    result["torch"] = torch.__version__
    result["torch_threads"] = torch.get_num_threads()
    result["torch_interop_threads"] = torch.get_num_interop_threads()
    tdtypes = {np.float64: torch.float64, np.float32: torch.float32}
    order_t = torch.from_numpy(order)
    y_t = torch.from_numpy(y)

    def torch_model(dtype):
        ref = new_model(dtype)          # copy the vectorized twin's initial weights
        td = tdtypes[dtype]
        m = torch.nn.Sequential(torch.nn.Linear(784, hidden, dtype=td), torch.nn.ReLU(),
                                torch.nn.Linear(hidden, 10, dtype=td))
        with torch.no_grad():
            for lin, dense in ((m[0], ref.layers[0]), (m[2], ref.layers[2])):
                lin.weight.copy_(torch.from_numpy(np.ascontiguousarray(dense.params["W"].T)))
                lin.bias.copy_(torch.from_numpy(dense.params["b"]))
        return m

    def torch_epoch(m, opt, x, steps=None):
        loss_value = None
        for i, start in enumerate(range(0, n_examples, batch)):
            if steps is not None and i == steps:
                break
            idx = order_t[start:start + batch]
            opt.zero_grad(set_to_none=True)
            loss = torch.nn.functional.cross_entropy(m(x[idx]), y_t[idx])
            loss.backward()
            opt.step()
            loss_value = loss.item()    # the twins return the loss as a Python float every step
        return loss_value

    for dtype in (np.float64, np.float32):
        x = torch.from_numpy(x64.astype(dtype))
        m = torch_model(dtype)
        opt = torch.optim.SGD(m.parameters(), lr=lr)
        torch_epoch(m, opt, x)
        rates, cpu = [], []
        for _ in range(repeats):
            t, c = time.perf_counter(), time.process_time()
            torch_epoch(m, opt, x)
            rates.append(n_examples / (time.perf_counter() - t))
            cpu.append(n_examples / max(time.process_time() - c, 1e-9))
        result["rows"].append(dict(_summary(rates), cpu_best=max(cpu), impl="torch",
                                   dtype=np.dtype(dtype).name, loop="steps"))

    # Same computation? 30 float64 steps from the same weights over the same batches.
    steps = 30
    model, loss, opt = new_model(np.float64), nn.CrossEntropy(), nn.SGD(lr)
    for start in range(0, steps * batch, batch):
        idx = order[start:start + batch]
        vec_loss = loss.forward(model.forward(x64[idx]), y[idx])
        model.backward(loss.backward(), need_input_grad=False)
        opt.step(model.layers)
    m = torch_model(np.float64)
    torch_loss = torch_epoch(m, torch.optim.SGD(m.parameters(), lr=lr), torch.from_numpy(x64), steps=steps)
    w_diff = float(np.max(np.abs(model.layers[0].params["W"].T - m[0].weight.detach().numpy())))
    result["agreement"] = {"steps": steps, "vectorized_loss": vec_loss, "torch_loss": torch_loss,
                           "max_abs_W_diff": w_diff}
    print(json.dumps(result))


def _blas_threads():
    """numpy's BLAS thread count: threadpoolctl if installed, else the environment, else cores."""
    try:
        import threadpoolctl
        infos = [i for i in threadpoolctl.threadpool_info() if i.get("user_api") == "blas"]
        if infos:
            return {"threads": infos[0]["num_threads"], "how": "threadpoolctl",
                    "library": f"{infos[0].get('internal_api')} {infos[0].get('version')}"}
    except ImportError:
        pass
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        if os.environ.get(var):
            return {"threads": int(os.environ[var]), "how": var}
    return {"threads": os.cpu_count(), "how": "default (one per core)"}


def _pure_step_loop(nn, images, labels, hidden, batch, lr=0.05, activation="relu"):
    """A pure model and a function that trains it on the next `count` batches."""
    model = nn.Sequential([nn.Dense(784, hidden, init="he" if activation == "relu" else "xavier", seed=0),
                           nn.ReLU() if activation == "relu" else nn.Sigmoid(),
                           nn.Dense(hidden, 10, init="xavier", seed=1)])
    loss, opt = nn.CrossEntropy(), nn.SGD(lr)
    order = list(range(len(images)))
    random.Random(0).shuffle(order)
    position = [0]

    def run(count):
        for _ in range(count):
            start = position[0]
            if start + batch > len(order):
                start = 0
            idx = order[start:start + batch]
            position[0] = start + batch
            x_batch = [images[i] for i in idx]
            y_batch = [labels[i] for i in idx]
            out = model.forward(x_batch)
            loss.forward(out, y_batch)
            model.backward(loss.backward(), need_input_grad=False)
            opt.step(model.layers)
    return model, run


def worker_pure(args):
    """pure, MLP 784-hidden-10, on whichever interpreter runs this worker."""
    import pure as nn
    images, labels = _mnist_train()
    _, run = _pure_step_loop(nn, images, labels, args.hidden, args.batch, activation=args.activation)
    for _ in range(args.warmup):
        run(args.batches)
    rates, cpu_rates = [], []
    for _ in range(args.repeats):
        t, c = time.perf_counter(), time.process_time()
        run(args.batches)
        rates.append(args.batches * args.batch / (time.perf_counter() - t))
        cpu_rates.append(args.batches * args.batch / max(time.process_time() - c, 1e-9))
    print(json.dumps(dict(_summary(rates), cpu_best=max(cpu_rates), interpreter=_interpreter(),
                          hidden=args.hidden, batch=args.batch, activation=args.activation,
                          examples_per_repeat=args.batches * args.batch)))


def worker_micrograd(args):
    """The same small network in micrograd (re-implemented) and in pure: same weights, same batches."""
    import gc
    import pure as nn
    from micrograd_reimpl import MLP, copy_weights_from, train_step

    images, labels = _mnist_train()
    hidden, batch, steps = args.hidden, args.batch, args.steps
    xs = [images[i] for i in range(batch * (steps + 1))]
    ys = [labels[i] for i in range(batch * (steps + 1))]
    pure_model, _ = _pure_step_loop(nn, images, labels, hidden, batch, lr=0.05)
    mg = MLP(784, [hidden, 10], rng=random.Random(0))
    copy_weights_from(mg, pure_model.layers)

    # First step: check both compute the same loss, and time micrograd as it is used (gc on).
    pure_loss = nn.CrossEntropy()
    first_pure = pure_loss.forward(pure_model.forward(xs[:batch]), ys[:batch])
    t = time.perf_counter()
    first_mg = train_step(mg, xs[:batch], ys[:batch], 0.05)
    times_gc = [time.perf_counter() - t]
    for s in range(1, steps):
        t = time.perf_counter()
        train_step(mg, xs[s * batch:(s + 1) * batch], ys[s * batch:(s + 1) * batch], 0.05)
        times_gc.append(time.perf_counter() - t)
    # micrograd's graph is millions of small objects in reference cycles (each node's
    # _backward closure refers to the node), so the cyclic garbage collector runs
    # often; timed again with the collector off, as a kinder lower bound.
    gc.collect()
    gc.disable()
    try:
        s = steps
        t = time.perf_counter()
        train_step(mg, xs[s * batch:(s + 1) * batch], ys[s * batch:(s + 1) * batch], 0.05)
        time_nogc = time.perf_counter() - t
    finally:
        gc.enable()
    del mg
    gc.collect()

    # pure on the same network and batch size: one warm-up step, then several timed.
    _, run = _pure_step_loop(nn, images, labels, hidden, batch)
    run(2)
    pure_times = []
    for _ in range(5):
        t = time.perf_counter()
        run(5)
        pure_times.append((time.perf_counter() - t) / 5)
    print(json.dumps({
        "interpreter": _interpreter(), "hidden": hidden, "batch": batch,
        "micrograd": batch / min(times_gc), "micrograd_nogc": batch / time_nogc,
        "pure": batch / min(pure_times), "pure_median": batch / statistics.median(pure_times),
        "first_loss": {"micrograd": first_mg, "pure": first_pure},
    }))


def worker_memory(args):
    """RSS of this interpreter after importing pure and loading both shipped MNIST pieces."""
    import gc
    if args.what != "empty":
        import data
        import pure  # noqa: F401  (the pure twin, as a user would have it)
        train = data.load_mnist("train")
        test = data.load_mnist("test")
        if args.what == "lists":
            # For contrast only: the same pixels materialized as lists of floats.
            held = [[img for img in images] for images, _ in (train, test)]  # noqa: F841
        gc.collect()
    print(json.dumps({"what": args.what, "interpreter": _interpreter(), **_rss()}))


def _rss():
    """Current (VmRSS) and peak (ru_maxrss) resident memory, in MB (10^6 bytes)."""
    out = {}
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(("VmRSS:", "VmHWM:")):
                    out[line.split(":")[0]] = int(line.split()[1]) * 1024 / 1e6
    except OSError:
        pass
    import resource
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    out["ru_maxrss"] = peak / 1e6 if sys.platform == "darwin" else peak * 1024 / 1e6
    return out


def _interpreter():
    return f"{platform.python_implementation()} {platform.python_version()}"


# ====================================================================== driver

def run_worker(python, worker, *extra, env=None, timeout=1800):
    """Run `python speed.py --worker NAME ...` and return its JSON (or an error dict)."""
    cmd = [python, os.path.abspath(__file__), "--worker", worker, *map(str, extra)]
    full_env = dict(os.environ, **(env or {}))
    try:
        proc = subprocess.run(cmd, cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"{' '.join(cmd)}: timed out after {timeout}s"}
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        return {"error": f"{os.path.basename(python)} worker {worker} failed: " + " | ".join(tail)}
    return json.loads(lines[-1])


def rate(x):
    return f"{x:,.0f}" if x >= 100 else f"{x:,.1f}" if x >= 1 else f"{x:.2f}"


def table(headers, rows):
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) for i, h in enumerate(headers)]
    line = "  ".join(str(h).ljust(w) for h, w in zip(headers, widths))
    print(line)
    print("  ".join("-" * w for w in widths))
    def numeric(c):
        return str(c).replace(",", "").replace(".", "").replace(" x ", "").replace("-", "").isdigit() or c == "-"
    for r in rows:
        print("  ".join(str(c).rjust(w) if i and numeric(c) else str(c).ljust(w)
                        for i, (c, w) in enumerate(zip(r, widths))))


def load_average():
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):
        return None


def section_torch(quick, thread_counts, results):
    print("\n== vectorized vs PyTorch (CPU): MLP 784-128-10 ReLU, batch 64, SGD lr 0.05, cross-entropy ==")
    examples, repeats = size("vec_examples", quick), size("vec_repeats", quick)
    print(f"examples/s over {examples:,} MNIST training examples per repeat, {repeats} repeats "
          f"(after one warm-up pass); ratio = vectorized time / torch time (target <= "
          f"{TARGETS['torch_ratio']})")
    for threads in thread_counts:
        env = {"OPENBLAS_NUM_THREADS": str(threads), "OMP_NUM_THREADS": str(threads),
               "MKL_NUM_THREADS": str(threads)}
        r = run_worker(sys.executable, "vectorized", "--threads", threads, "--examples", examples,
                       "--repeats", repeats, env=env)
        results.setdefault("vectorized_vs_torch", []).append(dict(r, threads=threads))
        if "error" in r:
            print(f"\n  {r['error']}")
            continue
        blas = r["blas_threads"]
        print(f"\nthreads: {threads} (OPENBLAS_NUM_THREADS={threads} for numpy's BLAS: reports "
              f"{blas['threads']}, via {blas['how']}; torch.set_num_threads({threads}): "
              f"torch.get_num_threads() = {r.get('torch_threads', '-')})")
        torch_rows = {row["dtype"]: row for row in r["rows"] if row["impl"] == "torch"}
        rows = []
        single = threads == 1      # CPU time is meaningful only without helper threads
        for row in r["rows"]:
            ratio = ratio_median = ratio_cpu = "-"
            t = torch_rows.get(row["dtype"])
            if row["impl"] == "vectorized" and t:
                ratio = f"{t['best'] / row['best']:.2f}"
                ratio_median = f"{t['median'] / row['median']:.2f}"
                ratio_cpu = f"{t['cpu_best'] / row['cpu_best']:.2f}"
            name = "vectorized" if row["impl"] == "vectorized" else f"torch {r['torch']}"
            rows.append([f"{name} ({row['loop']})", row["dtype"], rate(row["best"]), rate(row["median"]),
                         ratio, ratio_median] + ([rate(row["cpu_best"]), ratio_cpu] if single else []))
        table(["implementation (loop)", "dtype", "best ex/s", "median ex/s", "ratio (best)",
               "ratio (median)"] + (["best ex/CPU-s", "ratio (CPU)"] if single else []), rows)
        for note in r["notes"]:
            print(f"  note: {note}")
        if r.get("agreement"):
            a = r["agreement"]
            print(f"  same computation: after {a['steps']} float64 steps from the same weights, loss "
                  f"{a['vectorized_loss']:.12f} (vectorized) vs {a['torch_loss']:.12f} (torch), "
                  f"max |W diff| {a['max_abs_W_diff']:.1e}")


def section_pure(quick, results):
    print("\n== pure: MLP 784-32-10, plain SGD, float64 (Python floats) ==")
    fast = os.environ.get("PURE_FAST", "1").strip().lower() not in ("0", "off", "false", "no")
    print("  pure.fast: " + ("on (the default)" if fast else "off (PURE_FAST=0): the plain loops only"))
    batches, repeats = size("pure_batches", quick), size("pure_repeats", quick)
    common = ["--hidden", 32, "--batch", 32]
    cp = run_worker(sys.executable, "pure", *common, "--batches", batches, "--repeats", repeats, "--warmup", 1)
    results["pure_cpython"] = cp
    # Per-example training (batch 1), sigmoid: every step updates all 25,450 weights for one example.
    single = size("pure_single_examples", quick)
    one = run_worker(sys.executable, "pure", "--hidden", 32, "--batch", 1, "--activation", "sigmoid",
                     "--batches", single, "--repeats", repeats, "--warmup", 1)
    results["pure_cpython_batch1"] = one
    rows = []
    for label, r in (("ReLU, batch 32", cp), ("sigmoid, batch 1 (per example)", one)):
        if "error" in r:
            print(f"  {r['error']}")
            continue
        ratio = f"{r['cpu_best'] / cp['cpu_best']:.2f}" if "error" not in cp else "-"
        rows.append([f"{r['interpreter']}, {label}", rate(r["best"]), rate(r["median"]), rate(r["cpu_best"]),
                     f"{r['examples_per_repeat']} x {repeats}", ratio])
    pypy = shutil.which("pypy3")
    if pypy is None:
        print("  pypy3 not on PATH: PyPy row skipped")
    else:
        pb, pr, pw = size("pypy_batches", quick), size("pypy_repeats", quick), size("pypy_warmup", quick)
        pp = run_worker(pypy, "pure", *common, "--batches", pb, "--repeats", pr, "--warmup", pw)
        results["pure_pypy"] = pp
        if "error" in pp:
            print(f"  {pp['error']}")
        else:
            ratio = f"{pp['cpu_best'] / cp['cpu_best']:.2f}" if "error" not in cp else "-"
            rows.append([pp["interpreter"] + ", ReLU, batch 32 (after JIT warm-up)", rate(pp["best"]),
                         rate(pp["median"]), rate(pp["cpu_best"]), f"{pp['examples_per_repeat']} x {pr}", ratio])
    if rows:
        table(["interpreter, network, batch", "best ex/s", "median ex/s", "best ex/CPU-s", "examples timed",
               "vs CPython batch 32 (CPU)"], rows)
        print("  ex/CPU-s divides by the process's CPU time instead of wall time: on a busy machine it "
              "estimates the idle-machine speed")
    if "error" not in cp:
        ok = "meets" if cp["best"] >= TARGETS["pure_cpython"] else "MISSES"
        print(f"  CPython batch-32 target >= {TARGETS['pure_cpython']:.0f} examples/s: {ok} "
              f"(best {rate(cp['best'])}, median {rate(cp['median'])})")
    if "error" not in cp and "error" not in one:
        share = one["cpu_best"] / cp["cpu_best"]
        ok = "meets" if one["cpu_best"] >= TARGETS["pure_per_example"] or share >= TARGETS["pure_per_example_share"] \
            else "MISSES"
        print(f"  CPython per-example target >= {TARGETS['pure_per_example']:.0f} examples/CPU-s or "
              f">= {TARGETS['pure_per_example_share']:.0%} of batch 32: {ok} "
              f"({rate(one['cpu_best'])} examples/CPU-s, {share:.0%} of batch 32)")


def section_micrograd(quick, results):
    hidden, batch, steps = size("mg_hidden", quick), size("mg_batch", quick), size("mg_steps", quick)
    print(f"\n== pure vs micrograd (re-implemented, benchmarks/micrograd_reimpl.py): "
          f"MLP 784-{hidden}-10 ReLU, batch {batch}, cross-entropy, SGD ==")
    r = run_worker(sys.executable, "micrograd", "--hidden", hidden, "--batch", batch, "--steps", steps)
    results["micrograd"] = r
    if "error" in r:
        print(f"  {r['error']}")
        return
    table(["implementation", "examples/s", "pure is ... times faster"], [
        ["micrograd (scalar autograd, as published)", rate(r["micrograd"]), f"{r['pure'] / r['micrograd']:,.0f}"],
        ["micrograd with gc.disable()", rate(r["micrograd_nogc"]), f"{r['pure'] / r['micrograd_nogc']:,.0f}"],
        ["pure (this project)", rate(r["pure"]), "1"],
    ])
    fl = r["first_loss"]
    print(f"  same network, same weights: first-batch loss {fl['micrograd']:.12f} (micrograd) vs "
          f"{fl['pure']:.12f} (pure); {r['interpreter']}")


def section_memory(quick, results):
    print("\n== memory: pure twin holding both shipped MNIST pieces (train 10k + test 10k) ==")
    interpreters = [sys.executable] + ([shutil.which("pypy3")] if shutil.which("pypy3") else [])
    rows = []
    for python in interpreters:
        empty = run_worker(python, "memory", "--what", "empty")
        loaded = run_worker(python, "memory", "--what", "data")
        whats = [("data", loaded)]
        if not quick:
            whats.append(("lists", run_worker(python, "memory", "--what", "lists")))
        results.setdefault("memory", []).append({"empty": empty, **dict(whats)})
        if "error" in empty:
            print(f"  {empty['error']}")
            continue
        for what, r in whats:
            if "error" in r:
                print(f"  {r['error']}")
                continue
            label = ("data.load_mnist (bytes, floats on demand)" if what == "data"
                     else "for contrast: every image as a list of floats")
            rows.append([r["interpreter"], label,
                         f"{r['VmRSS'] - empty['VmRSS']:.1f}" if "VmRSS" in r and "VmRSS" in empty else "-",
                         f"{r['ru_maxrss'] - empty['ru_maxrss']:.1f}",
                         f"{empty['ru_maxrss']:.1f}"])
    if rows:
        table(["interpreter", "holding", "VmRSS delta MB", "peak RSS delta MB", "empty interpreter MB"], rows)
        print(f"  target: <= {TARGETS['memory_mb']:.0f} MB above an empty interpreter "
              f"(peak = ru_maxrss, includes the transient gzip buffers while loading)")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="smaller measurements (about 20 s)")
    p.add_argument("--threads", default=None,
                   help="comma-separated thread counts for numpy's BLAS and torch, e.g. 1,2 "
                        "(default: one per core, numpy's own default; without --quick also 1)")
    p.add_argument("--only", default="torch,pure,micrograd,memory",
                   help="sections to run, comma-separated (default: all)")
    p.add_argument("--json", default=None, help="also write every measurement to this JSON file")
    # Internal: run one measurement in this process.
    p.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    for name in ("examples", "repeats", "hidden", "batch", "batches", "warmup", "steps"):
        p.add_argument(f"--{name}", type=int, default=1, help=argparse.SUPPRESS)
    p.add_argument("--what", default="data", help=argparse.SUPPRESS)
    p.add_argument("--activation", default="relu", help=argparse.SUPPRESS)
    args = p.parse_args(argv)

    if args.worker:
        if args.worker == "vectorized":
            args.threads = int(args.threads or os.cpu_count())
        {"vectorized": worker_vectorized, "pure": worker_pure, "micrograd": worker_micrograd,
         "memory": worker_memory}[args.worker](args)
        return 0

    cores = os.cpu_count() or 1
    if args.threads:
        threads = [int(t) for t in args.threads.split(",")]
    else:   # numpy's own default (one BLAS thread per core); the full run also shows 1 thread
        threads = [cores] if args.quick or cores == 1 else [1, cores]
    sections = set(args.only.split(","))
    start = time.perf_counter()
    load_before = load_average()
    print(f"speed.py{' --quick' if args.quick else ''}  {time.strftime('%Y-%m-%d %H:%M %Z')}")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {_cpu_model()}; "
          f"{_interpreter()} ({sys.executable}); load average {load_before:.2f}"
          if load_before is not None else "")
    if load_before is not None and load_before > 1.0:
        print(f"  warning: the machine is busy (load {load_before:.2f}); other processes share the "
              f"cores, so speeds are lower and noisier than on an idle machine")
    results = {"date": time.strftime("%Y-%m-%d %H:%M %Z"), "quick": args.quick, "cores": os.cpu_count(),
               "cpu": _cpu_model(), "python": _interpreter(), "load_before": load_before}
    if "torch" in sections:
        section_torch(args.quick, threads, results)
    if "pure" in sections:
        section_pure(args.quick, results)
    if "micrograd" in sections:
        section_micrograd(args.quick, results)
    if "memory" in sections:
        section_memory(args.quick, results)
    results["load_after"] = load_average()
    results["seconds"] = time.perf_counter() - start
    print(f"\ndone in {results['seconds']:.0f}s; load average {results['load_after']:.2f} at the end")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)
    return 0


def _cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


if __name__ == "__main__":
    sys.exit(main())
