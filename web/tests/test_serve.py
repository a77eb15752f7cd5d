"""`python -m pure serve`: which file answers which URL, config.json, --export, the choice of Pyodide.

No browser needed (test_browser.py drives the pages themselves).
"""
import json
import os
import shutil
import subprocess
import sys
import threading
import urllib.error
import urllib.request

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, ROOT)

from app import serve  # noqa: E402


@pytest.fixture(scope="module")
def model_path(tmp_path_factory):
    import pure as nn
    model = nn.Sequential([nn.Dense(784, 8, seed=0), nn.ReLU(), nn.Dense(8, 10, seed=1)])
    path = str(tmp_path_factory.mktemp("model") / "tiny.json")
    nn.save(model, path)
    return path


def test_resolve_serves_only_the_site(model_path):
    site = serve.Site(model_path)
    assert site.resolve("/") == os.path.join(ROOT, "web", "index.html")
    assert site.resolve("/app.js?x=1") == os.path.join(ROOT, "web", "app.js")
    assert site.resolve("/pure/layers.py") == os.path.join(ROOT, "pure", "layers.py")
    assert site.resolve("/data/toy.py") == os.path.join(ROOT, "data", "toy.py")
    assert site.resolve("/model.json") == model_path
    for name in ("lessons/a1_neuron.py", "lessons/SERIES.md", "lessons/exercises/my_relu.py", "pictures/svg.py",
                 "conformance/grade.py", "data/mnist/t10k-labels-idx1-ubyte.gz"):     # the course page's files
        assert site.resolve("/" + name) == os.path.join(ROOT, name), name
    for refused in ["/../README.md", "/%2e%2e/README.md", "/pure/../README.md", "/data/mnist/README.md",
                    "/conformance/test_grade.py", "/conformance/exercise_solutions/my_relu.py", "/lessons/README.md",
                    "/tests/test_serve.py", "/.gitignore", "/pure/__pycache__/x.py", "/nothing.html",
                    "/pure/serve.txt", "/pyodide/../../README.md", "/vectorized/layers.py"]:
        assert site.resolve(refused) is None, refused
    assert serve.Site(None).resolve("/model.json") is None


def test_config_lists_every_python_file_of_pure_and_data(model_path):
    config = serve.Site(model_path).config()
    assert config["pyodide"] == "local" and config["install"] == "npm ci"
    assert config["model"] == "model.json" and config["model_name"] == "tiny.json"   # not this machine's path
    assert config["cdn"] == f"https://cdn.jsdelivr.net/pyodide/v{serve.PYODIDE_VERSION}/full/"
    expected = sorted(f"{p}/{n}" for p in ("pure", "data") for n in os.listdir(os.path.join(ROOT, p))
                      if n.endswith(".py"))
    assert sorted(config["files"]) == expected and "pure/layers.py" in expected and "data/prepare.py" in expected
    no_model = serve.Site(None).config()
    assert no_model["model"] is None and "python3 -m pure" in no_model["make_model"]


def test_config_lists_the_course_every_lesson_and_exercise_needs():
    """Every module of every lesson `python -m lessons` lists (and what they import), the exercises, pictures/,
    the grader, SERIES.md and the four shipped MNIST files; never a test or a solution."""
    from lessons.__main__ import modules
    course = serve.Site(None).config()["course"]
    lessons = {f"lessons/{m.__name__.split('.')[-1]}.py" for _, m in modules()}
    assert lessons <= set(course["files"]) and len(lessons) >= 21
    assert {"lessons/common.py", "lessons/SERIES.md", "pictures/svg.py", "conformance/grade.py",
            "lessons/exercises/my_relu.py"} <= set(course["files"])
    assert not [f for f in course["files"] if "/test_" in f or "conftest" in f or "exercise_solutions" in f]
    shipped = os.listdir(os.path.join(ROOT, "data", "mnist"))
    assert sorted(course["binaries"]) == sorted(f"data/mnist/{n}" for n in shipped if n.endswith("-ubyte.gz"))


def test_the_pinned_pyodide_version_is_package_json_s():
    with open(os.path.join(ROOT, "package.json")) as f:
        assert json.load(f)["dependencies"]["pyodide"] == serve.PYODIDE_VERSION


@pytest.fixture
def running(model_path, tmp_path):
    server = serve.make_server(serve.Site(model_path, pyodide_dir=str(tmp_path / "no-pyodide")), port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def get(url):
    with urllib.request.urlopen(url, timeout=10) as answer:
        return answer.status, answer.headers["Content-Type"], answer.read()


def test_the_server_answers_on_127_0_0_1(running, model_path):
    status, kind, body = get(running + "/")
    assert status == 200 and kind == "text/html" and b"Draw a digit" in body
    status, kind, body = get(running + "/pure/layers.py")
    with open(os.path.join(ROOT, "pure", "layers.py"), "rb") as f:
        assert body == f.read()                      # the very file of the checkout
    status, kind, body = get(running + "/config.json")
    assert kind == "application/json" and json.loads(body)["model"] == "model.json"
    with open(model_path, "rb") as f:
        assert get(running + "/model.json")[2] == f.read()
    with pytest.raises(urllib.error.HTTPError) as refused:
        get(running + "/pyodide/pyodide.js")         # this server's Pyodide folder is missing
    assert refused.value.code == 404


def test_default_model_is_the_first_found_under_runs(tmp_path):
    assert serve.default_model(str(tmp_path)) is None
    (tmp_path / "runs").mkdir()
    (tmp_path / "runs" / "mnist-mlp-vectorized.json").write_text("{}")
    assert serve.default_model(str(tmp_path)).endswith("mnist-mlp-vectorized.json")
    (tmp_path / "runs" / "mnist-mlp-pure.json").write_text("{}")
    assert serve.default_model(str(tmp_path)).endswith("mnist-mlp-pure.json")


def run_serve(*args):
    return subprocess.run([sys.executable, "-m", "pure", "serve", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)


def test_a_model_the_page_could_not_use_is_refused_before_serving(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "something else"}')
    result = run_serve(str(bad), "--port", "0")
    assert result.returncode == 2 and "cannot use" in result.stderr and "bad.json" in result.stderr
    result = run_serve(str(tmp_path / "missing.json"))
    assert result.returncode == 2 and "no model file" in result.stderr
    result = run_serve("--port", "70000")
    assert result.returncode == 2 and "--port" in result.stderr


def test_without_the_pages_serve_says_it_needs_a_checkout(tmp_path, monkeypatch, capsys):
    """`pip install .` installs pure/ but not web/: serve says so instead of a traceback."""
    monkeypatch.setattr(serve, "WEB", str(tmp_path / "web"))
    assert serve.main(["--export", str(tmp_path / "site")]) == 2
    assert "checkout" in capsys.readouterr().err and not (tmp_path / "site").exists()


def test_export_writes_plain_files_that_load_pyodide_from_the_cdn(tmp_path, model_path):
    out = tmp_path / "site"
    result = run_serve(model_path, "--export", str(out))
    assert result.returncode == 0, result.stderr
    config = json.loads((out / "config.json").read_text())
    assert config["pyodide"] == "cdn" and config["cdn"].startswith("https://cdn.jsdelivr.net/pyodide/")
    for name in config["files"] + ["index.html", "app.js", "loader.js", "style.css", "browser.py", "model.json"]:
        assert (out / name).is_file(), name
    assert (out / "pure" / "layers.py").read_bytes() == open(os.path.join(ROOT, "pure", "layers.py"), "rb").read()
    assert not (out / "tests").exists() and not (out / "pyodide").exists()


LOADER_CASES = [
    # (config.pyodide, ?query, local copy found) -> where, or the error's key words
    ("local", "", True, "local"),
    ("local", "", False, "npm ci"),
    ("cdn", "", False, "cdn"),
    ("cdn", "?pyodide=local", True, "local"),
    ("local", "?pyodide=cdn", False, "cdn"),
    ("local", "?pyodide=elsewhere", True, "unknown"),
]


def test_choose_pyodide_local_or_cdn_in_node():
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed (test_browser.py checks the same choices in Chromium)")
    script = (
        "const { choosePyodide } = require(process.argv[1]);"
        "const cases = JSON.parse(process.argv[2]);"
        "console.log(JSON.stringify(cases.map(([p, q, found]) => choosePyodide("
        "{pyodide: p, local: 'pyodide/', cdn: 'https://cdn.example/', install: 'npm ci'}, q, found))));")
    result = subprocess.run([node, "-e", script, os.path.join(ROOT, "web", "loader.js"), json.dumps(LOADER_CASES)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    for (_, _, _, expected), choice in zip(LOADER_CASES, json.loads(result.stdout)):
        if expected in ("local", "cdn"):
            assert choice["where"] == expected
            assert choice["indexURL"] == ("pyodide/" if expected == "local" else "https://cdn.example/")
        else:
            assert choice["where"] is None and expected in choice["error"]
