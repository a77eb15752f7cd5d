"""Checkpoints on MicroPython 1.27 (its WebAssembly port, run by Node.js): a run saved and resumed there.

resume.py runs on CPython, then on MicroPython with the checkpoint CPython wrote after epoch 2:
- a run interrupted on MicroPython (2 epochs with checkpoint=, a new model resumed to 4) ends with
  the weights and history of CPython's uninterrupted run, within the policy for whole runs (1e-8);
- CPython's checkpoint resumes on MicroPython, and MicroPython's on CPython, to the same end;
- on each side alone, the resumed run is the uninterrupted one bit for bit (pure/checkpoint.py's promise);
- each resume trained epochs 3 and 4 only (a resume that silently started afresh would match too).
(Measured 2026-12-07: all 82 weights the same bits as CPython's; the test asks only the policy's 1e-8.)

Skipped, saying what to install, where Node.js or the npm package (`npm ci`) is missing.
"""
import json
import os
import shutil
import subprocess
import sys

import pytest

from test_micropython import HERE, POLICY, ROOT, close, node


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """{"cpython": ..., "micropython": ..., "<side> folder": ...}: resume.py's output on each side."""
    runner = node()
    import data
    x, y = data.moons(200, noise=0.1, seed=0)
    moons = {"x": [list(row) for row in x], "y": list(y)}
    out = {}
    for where in ("cpython", "micropython"):
        folder = out[where + " folder"] = tmp_path_factory.mktemp(where)
        (folder / "moons.json").write_text(json.dumps(moons))
        script = os.path.join(HERE, "resume.py")
        if where == "cpython":
            command = [sys.executable, script]
        else:
            shutil.copy(out["cpython folder"] / "epoch2.ckpt.json", folder / "given.ckpt.json")
            command = [runner, os.path.join(HERE, "run.mjs"), "--in", f"{folder / 'moons.json'}:/work/moons.json",
                       "--in", f"{folder / 'given.ckpt.json'}:/work/given.ckpt.json",
                       "--out", f"/work/epoch2.ckpt.json:{folder / 'epoch2.ckpt.json'}", script]
        result = subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=600,
                                env=dict(os.environ, PYTHONPATH=ROOT))
        assert result.returncode == 0, f"{where}: {result.stderr[-3000:]}"
        out[where] = json.loads(result.stdout)
    out["moons"] = (x, y)
    return out


def assert_within_policy(run, whole, name):
    assert run["trained"] == [3, 4] and whole["trained"] == [1, 2, 3, 4], name     # resumed, not started afresh
    assert sorted(run["history"]) == sorted(whole["history"]), name
    for key in whole["history"]:
        assert len(run["history"][key]) == len(whole["history"][key]) == 4, (name, key)
        for a, b in zip(run["history"][key], whole["history"][key]):
            assert close(a, b, POLICY), (name, key, a, b)
    assert len(run["weights"]) == len(whole["weights"]) == 2 * 16 + 16 + 16 * 2 + 2
    for a, b in zip(run["weights"], whole["weights"]):
        assert close(a, b, POLICY), (name, a, b)
    same = sum(a == b for a, b in zip(run["bits"], whole["bits"]))
    print(f"{name}: {same} of {len(whole['bits'])} weights the same bits as CPython's uninterrupted run")


def test_a_run_interrupted_on_micropython_ends_with_cpythons_uninterrupted_weights(runs):
    assert_within_policy(runs["micropython"]["resumed"], runs["cpython"]["whole"], "interrupted on MicroPython")


def test_a_checkpoint_written_on_cpython_resumes_on_micropython(runs):
    assert_within_policy(runs["micropython"]["given"], runs["cpython"]["whole"], "CPython's checkpoint resumed there")


def test_a_checkpoint_written_on_micropython_resumes_on_cpython(runs):
    import resume
    from pure.io import load_checkpoint
    x, y = runs["moons"]
    net = resume.model()
    resumed = resume.fit(net, x, y, 4, resume=str(runs["micropython folder"] / "epoch2.ckpt.json"))
    assert_within_policy(resumed, runs["cpython"]["whole"], "MicroPython's checkpoint resumed here")
    saved = load_checkpoint(str(runs["micropython folder"] / "epoch2.ckpt.json"))    # its model, as a Sequential
    assert [type(layer).__name__ for layer in saved.layers] == ["Dense", "ReLU", "Dropout", "Dense"]


def test_on_each_side_the_resumed_run_is_the_uninterrupted_one_bit_for_bit(runs):
    for where in ("cpython", "micropython"):
        assert runs[where]["resumed"]["bits"] == runs[where]["whole"]["bits"], where
        assert runs[where]["resumed"]["history"] == runs[where]["whole"]["history"], where
