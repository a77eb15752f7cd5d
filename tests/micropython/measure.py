"""Time and memory of the pure twin, measured the same way on CPython and on MicroPython (not a test).

    PYTHONPATH=. python3 tests/micropython/measure.py              # CPython, from the checkout
    node tests/micropython/run.mjs tests/micropython/measure.py     # MicroPython 1.27 (WebAssembly)
    echo 1 > /tmp/which; node tests/micropython/run.mjs --in /tmp/which:/work/which tests/micropython/measure.py

(a file "which" in the working folder holding 0, 1 or 2 measures only that one, in a fresh interpreter:
MicroPython's heap is then measured from a clean start.)

Measured: one prediction (a batch of one digit) of the main command's MLP 784-96-10 (ReLU, He) and of
a small CNN (conv 5x5 8 -> ReLU -> pool 2 -> conv 5x5 16 -> ReLU -> pool 2 -> 32 -> 10: the main
command's --model cnn with --filters 8,16 --hidden 32), and one epoch of the README's moons run
(2-16-2 ReLU, Adam 0.01, 13 batches of 16); times are the best of a few runs.

Memory: "resident" is the heap the model holds (after a collection); "allocated" is what one
prediction or epoch allocates on top, all of it (MicroPython's WebAssembly port collects only
between calls from JavaScript, see run.mjs: so gc.mem_alloc() grows by every allocation within a
step), an upper bound of the extra heap a board needs. On CPython the same from tracemalloc (the
peak above resident for "allocated"; the times are taken with tracemalloc off).
"""
import gc
import math
import sys
import time

import pure as nn

MICROPYTHON = sys.implementation.name == "micropython"
if MICROPYTHON:
    def clock():
        return time.ticks_us() / 1e6

    def in_use():
        return gc.mem_alloc()
else:
    import tracemalloc
    clock = time.perf_counter

    def in_use():
        return tracemalloc.get_traced_memory()[0]

state = {}
DIGIT = [[((i * 37) % 256) / 255.0 for i in range(784)]]


def collected():
    gc.collect()
    return in_use()


def moons(n=200, seed=0):
    """200 points on two half circles with noise (data/ is not imported here); the same on both."""
    rng = nn.init.make_rng(seed)
    x, y = [], []
    for i in range(n):
        t = math.pi * (i % (n // 2)) / (n // 2 - 1)
        if i < n // 2:
            x.append([math.cos(t) + rng.gauss(0.0, 0.1), math.sin(t) + rng.gauss(0.0, 0.1)])
        else:
            x.append([1.0 - math.cos(t) + rng.gauss(0.0, 0.1), 0.5 - math.sin(t) + rng.gauss(0.0, 0.1)])
        y.append(0 if i < n // 2 else 1)
    return x, y


def free():
    state.clear()


def baseline():
    if not MICROPYTHON:
        tracemalloc.start()
    state["base"] = collected()


def build(name):
    def step():
        if name == "mlp 784-96-10":
            state["model"] = nn.Sequential([nn.Dense(784, 96, init="he", seed=0), nn.ReLU(), nn.Dense(96, 10, seed=1)])
            state["run"], state["repeats"] = (lambda: state["model"].predict(DIGIT)), 5
        elif name == "cnn 8,16 filters, 32 hidden":
            state["model"] = nn.Sequential([
                nn.Conv2D(1, 8, 5, init="he", seed=0), nn.ReLU(), nn.MaxPool2D(2),
                nn.Conv2D(8, 16, 5, init="he", seed=1), nn.ReLU(), nn.MaxPool2D(2), nn.Flatten(),
                nn.Dense(256, 32, init="he", seed=2), nn.ReLU(), nn.Dense(32, 10, seed=3)])
            image = [[[DIGIT[0][r * 28:(r + 1) * 28] for r in range(28)]]]
            state["run"], state["repeats"] = (lambda: state["model"].predict(image)), 3
        else:
            x, y = moons()
            state["model"] = nn.Sequential([nn.Dense(2, 16, seed=0), nn.ReLU(), nn.Dense(16, 2, seed=1)])
            state["run"] = lambda: state["model"].fit(x, y, loss=nn.CrossEntropy(), optimizer=nn.Adam(0.01), epochs=1,
                                                      batch_size=16, seed=0, progress=False)
            state["repeats"] = 3
        state["name"] = name
    return step


def measure():
    resident = collected() - state["base"]
    if not MICROPYTHON:
        tracemalloc.reset_peak()
    before = in_use()
    start = clock()
    state["run"]()
    first = clock() - start
    allocated = (in_use() if MICROPYTHON else tracemalloc.get_traced_memory()[1]) - before
    if not MICROPYTHON:
        tracemalloc.stop()              # the times without its bookkeeping
    best = first
    for _ in range(state["repeats"] - 1):
        start = clock()
        state["run"]()
        best = min(best, clock() - start)
    print("%-30s %8.4f s   resident %6.2f MB   allocated %6.2f MB"
          % (state["name"], best, resident / 1e6, allocated / 1e6))


NAMES = ("mlp 784-96-10", "cnn 8,16 filters, 32 hidden", "moons epoch")
try:                                    # a file "which" (0, 1 or 2) measures one, in a fresh interpreter
    with open("which") as _f:
        NAMES = [NAMES[int(_f.read())]]
except OSError:
    pass
STEPS = []
for _name in NAMES:
    STEPS += [free, baseline, build(_name), measure]
print(sys.implementation.name, sys.version.split()[0])
if not MICROPYTHON:                     # run.mjs runs STEPS on MicroPython, one call each
    for _step in STEPS:
        _step()
