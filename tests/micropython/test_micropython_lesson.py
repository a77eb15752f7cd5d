"""Lesson micropython-predict on MicroPython 1.27 (its WebAssembly port, run by Node.js, run.mjs).

The lesson (lessons/micropython_predict.py, --quick) trains on CPython with the vectorized twin (the
pure twin without numpy), saves the model and builds the board's folder, and runs board/main.py's
prediction on CPython; here board/main.py runs on MicroPython with that folder's model.json,
digits.bin and labels.bin (run.mjs puts the checkout's pure/ and the stand-ins in /lib, as the
lesson copies them to board/lib): the same classes.

Skipped, saying what to install, where Node.js or the npm package (`npm ci`) is missing.
"""
import os
import subprocess

from test_micropython import HERE, ROOT, node


def test_the_lessons_board_script_predicts_the_same_classes_on_micropython(tmp_path):
    runner = node()
    try:
        import vectorized as nn
    except ImportError:
        import pure as nn
    from lessons import micropython_predict
    result = micropython_predict.run(nn, quick=True, out=str(tmp_path))
    assert result.ok, str(result)
    board = result.numbers["folder"]
    assert sorted(os.listdir(os.path.join(board, "lib"))) == sorted(
        ["pure"] + [name for name in os.listdir(os.path.join(HERE, "lib")) if name.endswith(".py")])
    command = [runner, os.path.join(HERE, "run.mjs")]
    for name in ("model.json", "digits.bin", "labels.bin"):
        command += ["--in", f"{os.path.join(board, name)}:/work/{name}"]
    finished = subprocess.run(command + [os.path.join(board, "main.py")], cwd=tmp_path, capture_output=True,
                              text=True, timeout=600, env=dict(os.environ, PYTHONPATH=ROOT))
    assert finished.returncode == 0, finished.stderr[-3000:]
    lines = finished.stdout.splitlines()
    classes = [int(c) for c in next(line for line in lines if line.startswith("classes: ")).split()[1:]]
    assert classes == result.numbers["classes"]
    right = sum(c == label for c, label in zip(classes, result.numbers["labels"]))
    assert lines[0].startswith(f"right: {right} of {len(classes)};"), lines[0]
    print(f"MicroPython, board/main.py: {lines[0]}")
