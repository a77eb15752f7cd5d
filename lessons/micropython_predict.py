"""Train here, predict on a MicroPython board: copy pure/ and the model file to the board's /lib.

The pure twin imports nothing outside the standard library, and only the parts of it MicroPython
1.27 has, so the library that trains on a laptop is the one that predicts on a microcontroller:
no code generation, no converter. This lesson trains the main command's MLP (784-96-10, ReLU,
He initialisation, Adam) with either twin, saves it (one JSON format for both twins), and builds
the folder a board needs (under --out, in micropython-predict/board/):

    board/main.py         lessons/micropython_board.py: load model.json, predict digits.bin, print
    board/model.json      the trained model
    board/digits.bin      test digits, 784 pixel bytes each; labels.bin: their labels, a byte each
    board/lib/pure/       a copy of pure/*.py
    board/lib/*.py        the stand-ins for the few standard-library modules pure imports and
                          MicroPython lacks (__future__, typing, numbers, warnings, glob, importlib;
                          tests/micropython/lib, a few lines each)

then runs board/main.py's prediction here on CPython and checks it gives the trained model's
classes. On the board (mpremote, MicroPython's own tool: `pip install mpremote`):

    cd lesson-output/micropython-predict/board
    mpremote cp -r lib : + cp model.json digits.bin labels.bin : + run main.py

What a board needs: a port built with double-precision floats (MICROPY_FLOAT_IMPL_DOUBLE: the twins
compute in IEEE doubles, and only then are the outputs within the numeric policy of CPython's) and
big integers (MICROPY_LONGINT_IMPL_MPZ: the seeded generator pure.portable.MersenneTwister works in
32-bit words and 53-bit fractions), and the heap for the model: this MLP holds 1.65 MB once
loaded, so a board with PSRAM (ESP32-S3 with 8 MB, for example), or a smaller model. tests/micropython
checks the whole library there (the WebAssembly port of MicroPython 1.27 in Node.js, run.mjs):
every layer within the policy, and this lesson's board/main.py giving the same classes.

Measured (tests/micropython/measure.py, 2026-12-07, load average 0.43-0.51; MicroPython 1.27's
WebAssembly port in Node.js against CPython's plain loops, one digit at a time):

    one prediction, MLP 784-96-10       0.050 s on MicroPython    0.0036 s on CPython
    one prediction, small CNN           0.49 s                    0.033 s
    one epoch of the README's moons     0.049 s                   0.0046 s
    heap, the MLP model held            1.65 MB

A microcontroller is slower than WebAssembly on a laptop, by a factor the board's clock decides.
"""
import os
import shutil

import data

from .common import Result, mnist, output_dir
from .micropython_board import predict_file

NAME = "micropython-predict"
TITLE = "Train here, predict on a MicroPython board (pure/ and the model file in its /lib)"
REPORTED = "(new in this project) the board predicts the classes the trained model predicts here"
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
STAND_INS = os.path.join(ROOT, "tests", "micropython", "lib")


def board_folder(folder, model, nn, digits, labels):
    """Write what a board needs into folder (see the docstring); returns its path."""
    if os.path.isdir(folder):
        shutil.rmtree(folder)
    os.makedirs(os.path.join(folder, "lib", "pure"))
    pure_dir = os.path.join(ROOT, "pure")
    for name in sorted(os.listdir(pure_dir)):
        if name.endswith(".py"):
            shutil.copy(os.path.join(pure_dir, name), os.path.join(folder, "lib", "pure", name))
    for name in sorted(os.listdir(STAND_INS)):
        if name.endswith(".py"):
            shutil.copy(os.path.join(STAND_INS, name), os.path.join(folder, "lib", name))
    shutil.copy(os.path.join(HERE, "micropython_board.py"), os.path.join(folder, "main.py"))
    nn.save(model, os.path.join(folder, "model.json"))
    with open(os.path.join(folder, "digits.bin"), "wb") as f:
        for i in range(len(labels)):
            f.write(digits.pixels(i))
    with open(os.path.join(folder, "labels.bin"), "wb") as f:
        f.write(bytes(labels))
    return folder


def run(nn, quick=False, out=None, data_dir=None):
    import tempfile
    result = Result(NAME, REPORTED)
    x_train, y_train = mnist(nn, "train", limit=1000 if quick else None, directory=data_dir, result=result)
    model = nn.Sequential([nn.Dense(784, 96, init="he", seed=0), nn.ReLU(), nn.Dense(96, 10, seed=1)])
    model.fit(x_train, y_train, loss=nn.CrossEntropy(), optimizer=nn.Adam(0.001), epochs=2 if quick else 3,
              batch_size=32, seed=0, progress=False)
    count = 100 if quick else 1000
    digits, labels = data.load_mnist("test", directory=data_dir, limit=count)
    x_test, _ = mnist(nn, "test", limit=count, directory=data_dir)
    expected = [row.index(max(row)) for row in (lambda p: p.tolist() if hasattr(p, "tolist") else p)(
        model.predict(x_test))]

    where = output_dir(out, NAME)
    scratch = None if where else tempfile.mkdtemp(prefix="micropython-predict-")     # no --out: removed after
    try:
        folder = board_folder(os.path.join(where or scratch, "board"), model, nn, digits, list(labels))
        classes = predict_file(os.path.join(folder, "model.json"), os.path.join(folder, "digits.bin"))
        size = os.path.getsize(os.path.join(folder, "model.json"))
    finally:
        if scratch:
            shutil.rmtree(scratch)
    right = sum(c == label for c, label in zip(classes, labels))
    result.numbers.update(classes=classes, labels=list(labels), folder=folder)
    result.lines.append(f"the board's folder: {folder}{' (removed: no --out)' if scratch else ''} (main.py, "
                        f"model.json {size / 1e6:.2f} MB, digits.bin, labels.bin, lib/pure, lib/ stand-ins)")
    result.lines.append(f"on the board:  cd {folder} && mpremote cp -r lib : + cp model.json digits.bin "
                        f"labels.bin : + run main.py")
    result.lines.append("expect there:  the same classes, about 0.05 s a digit on MicroPython's WebAssembly "
                        "port (a microcontroller: slower, by its clock)")
    result.check("board/main.py's prediction (pure, from the saved file) gives the trained model's classes",
                 classes == expected)
    result.check("the model learned: over 70% of the test digits right", right > 0.7 * count)
    return result.finish(f"784-96-10 trained on {len(y_train):,} digits with {nn.TWIN}: {right} of {count} test "
                         f"digits right, predicted from the saved file by board/main.py")
