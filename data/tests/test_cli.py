"""`python -m data info`."""

import os
import subprocess
import sys

import data
from data.__main__ import main

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(data.__file__)))


def test_python_dash_m_data_info():
    finished = subprocess.run(
        [sys.executable, "-m", "data", "info"],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=120,
    )
    assert finished.returncode == 0, finished.stderr
    out = finished.stdout
    assert "mnist train: 10,000 images of 28x28" in out
    assert "mnist test: 10,000 images of 28x28" in out
    assert "0 980, 1 1135, 2 1032" in out
    assert "checksums: OK" in out


def test_info_on_a_folder_without_data_fails_cleanly(tmp_path, capsys):
    assert main(["info", "--dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: no mnist train files in " + str(tmp_path))


def test_export_writes_a_test_digit_as_png(tmp_path, capsys):
    path = str(tmp_path / "digit.png")
    assert main(["export", path, "--index", "1", "--scale", "3", "--invert"]) == 0
    assert "label 2" in capsys.readouterr().out
    picture = data.read_image(path)
    images, _ = data.load_mnist("test", limit=2)
    assert (picture.width, picture.height) == (84, 84)
    assert picture.samples[3 * 84 * 14 + 3 * 14] == 255 - images.pixels(1)[14 * 28 + 14]
    assert main(["export", path, "--index", "10000"]) == 1
    assert "--index 10000 is out of range" in capsys.readouterr().err
