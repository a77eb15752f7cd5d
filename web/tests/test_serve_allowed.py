"""`python -m pure serve`: the set of files it serves, checked against every file of a made-up checkout.

The real checkout lacks most kinds of file the server must refuse (a dotfile in web/, a
nested package in pure/, a symlink pointing outside...), so a refusal there proves
nothing. Here a temporary checkout holds one file of each kind; every URL that could name
each file is asked for, and the files served must be exactly the ones listed by hand.
"""
import os
import sys
import threading
import urllib.error
import urllib.request

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, ROOT)

from app import serve  # noqa: E402

FILES = [                                     # every file of the made-up checkout
    "README.md", ".gitignore", ".env", ".git/config", "setup.py",
    "web/index.html", "web/app.js", "web/style.css", "web/.secret.js", "web/.hidden/page.html",
    "web/tests/test_page.py", "web/tests/conftest.py", "web/__pycache__/browser.cpython-311.pyc",
    "pure/__init__.py", "pure/layers.py", "pure/.hidden.py", "pure/notes.txt", "pure/layers.pyc",
    "pure/sub/__init__.py", "pure/sub/deep.py", "pure/tests/test_layers.py", "pure/__pycache__/layers.py",
    "data/__init__.py", "data/toy.py", "data/mnist/train.gz", "data/tests/test_toy.py", "data/sub/reader.py",
    "vectorized/layers.py", "app/serve.py", "conformance/grade.py", "tests/test_a.py", "tests/conftest.py",
    "runs/mnist-mlp-pure.json", "runs/other.json", "runs/run.ckpt.json",
    "node_modules/pyodide/pyodide.js", "node_modules/pyodide/python_stdlib.zip", "node_modules/pyodide/.cache",
    "node_modules/other/index.js",
    "lessons/a1_neuron.py", "lessons/README.md", "lessons/SERIES.md", "lessons/exercises/my_relu.py",
    "lessons/exercises/sub/deep.py", "lessons/tests/test_a1.py", "pictures/svg.py", "pictures/tests/test_svg.py",
    "conformance/test_grade.py", "conformance/conftest.py", "conformance/exercise_solutions/my_relu.py",
    "data/mnist/t10k-labels-idx1-ubyte.gz", "data/mnist/README.md", "data/mnist/train-10k-indices.txt",
]
SERVED = {                                    # by hand: URL -> the file it is, relative to the checkout
    "/": "web/index.html", "/index.html": "web/index.html", "/app.js": "web/app.js", "/style.css": "web/style.css",
    "/pure/__init__.py": "pure/__init__.py", "/pure/layers.py": "pure/layers.py",
    "/data/__init__.py": "data/__init__.py", "/data/toy.py": "data/toy.py",
    "/model.json": "runs/mnist-mlp-pure.json",
    "/pyodide/pyodide.js": "node_modules/pyodide/pyodide.js",
    "/pyodide/python_stdlib.zip": "node_modules/pyodide/python_stdlib.zip",
    # the course page's (app/serve.py's course_files): lessons, exercises, pictures/, conformance/ without
    # its tests, SERIES.md, and the shipped MNIST files by their names
    "/lessons/a1_neuron.py": "lessons/a1_neuron.py", "/lessons/SERIES.md": "lessons/SERIES.md",
    "/lessons/exercises/my_relu.py": "lessons/exercises/my_relu.py", "/pictures/svg.py": "pictures/svg.py",
    "/conformance/grade.py": "conformance/grade.py",
    "/data/mnist/t10k-labels-idx1-ubyte.gz": "data/mnist/t10k-labels-idx1-ubyte.gz",
}
LINKS = {"web/outside.html": "secret.txt", "pure/outside.py": "secret.py", "data/outside.py": "secret.py",
         "node_modules/pyodide/outside.js": "secret.txt",
         "lessons/outside.py": "secret.py"}     # symlinks to files outside the checkout


@pytest.fixture
def checkout(tmp_path):
    root = tmp_path / "checkout"
    for name in FILES:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"# {name}\n")
    (tmp_path / "secret.txt").write_text("outside the checkout\n")
    (tmp_path / "secret.py").write_text("SECRET = 1\n")
    for name, target in LINKS.items():
        try:
            os.symlink(str(tmp_path / target), str(root / name))
        except (OSError, NotImplementedError):
            pytest.skip("symlinks cannot be made here")
    return str(root)


def site_of(root):
    return serve.Site(os.path.join(root, "runs", "mnist-mlp-pure.json"),
                      pyodide_dir=os.path.join(root, "node_modules", "pyodide"), root=root)


def urls_naming(name):
    """Every URL path that could name the file `name` (relative to the checkout)."""
    urls = {"/" + name, "/./" + name, "/web/../" + name}
    for folder, prefix in (("web/", "/"), ("node_modules/pyodide/", "/pyodide/")):
        if name.startswith(folder):
            rest = name[len(folder):]
            urls |= {prefix + rest, prefix + rest.replace("/", "//"), prefix + rest.replace(".", "%2e", 1),
                     prefix + "x/../" + rest}
    for package in ("pure/", "data/", "lessons/", "pictures/", "conformance/"):
        if name.startswith(package):
            urls |= {"/" + name.replace("/", "//"), "/" + package + "./" + name[len(package):]}
    return urls


def test_the_served_files_are_exactly_the_listed_ones(checkout):
    site = site_of(checkout)
    served = {}
    for name in FILES + list(LINKS):
        for url in urls_naming(name):
            path = site.resolve(url)
            if path is not None:
                served[url] = os.path.relpath(path, checkout)
    for url in ["/", "/index.html", "/model.json", "/config.json", "/pure/", "/pyodide/", "/data"]:
        path = site.resolve(url)
        if path is not None:
            served[url] = os.path.relpath(path, checkout)
    wrongly = {u: p for u, p in served.items() if SERVED.get(u) != p and p not in SERVED.values()}
    assert not wrongly, f"served but not part of the site: {wrongly}"
    assert set(served.values()) == set(SERVED.values())
    for url, name in SERVED.items():
        assert site.resolve(url) == os.path.join(checkout, name), url


@pytest.mark.parametrize("url", [
    "/.secret.js", "/.hidden/page.html", "/%2esecret.js", "/tests/test_page.py", "/tests/conftest.py",
    "/pure/.hidden.py", "/pure/notes.txt", "/pure/layers.pyc", "/pure/sub/deep.py", "/pure/sub/__init__.py",
    "/pure/tests/test_layers.py", "/pure/__pycache__/layers.py", "/data/sub/reader.py", "/data/mnist/train.gz",
    "/data/tests/test_toy.py", "/vectorized/layers.py", "/app/serve.py", "/conformance/test_grade.py",
        "/conformance/conftest.py", "/conformance/exercise_solutions/my_relu.py", "/lessons/README.md",
        "/lessons/exercises/sub/deep.py", "/lessons/tests/test_a1.py", "/pictures/tests/test_svg.py",
        "/data/mnist/README.md", "/data/mnist/train-10k-indices.txt", "/lessons/outside.py",
    "/runs/other.json", "/runs/run.ckpt.json", "/README.md", "/.git/config", "/.env", "/pyodide/.cache",
    "/pyodide/../other/index.js", "/pyodide/%2e%2e/other/index.js", "/outside.html", "/pure/outside.py",
    "/data/outside.py", "/pyodide/outside.js", "/pure/..%2fREADME.md", "/..%5cREADME.md", "/pure\\..\\README.md",
])
def test_each_kind_of_file_outside_the_site_is_refused(checkout, url):
    assert site_of(checkout).resolve(url) is None


def test_a_symlink_pointing_outside_is_not_followed(checkout):
    site = site_of(checkout)
    for name in LINKS:
        assert os.path.isfile(os.path.join(checkout, name))        # the link works: only the server refuses it
    assert site.resolve("/outside.html") is None
    assert site.resolve("/pure/outside.py") is None
    assert site.resolve("/pyodide/outside.js") is None


def test_the_running_server_answers_404_for_each_refused_kind(checkout):
    server = serve.make_server(site_of(checkout), port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        for url in ["/.secret.js", "/tests/test_page.py", "/pure/sub/deep.py", "/runs/other.json",
                    "/outside.html", "/pure/notes.txt"]:
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(base + url, timeout=10)
            assert refused.value.code == 404, url
        with urllib.request.urlopen(base + "/pure/layers.py", timeout=10) as answer:
            assert answer.read() == b"# pure/layers.py\n"
    finally:
        server.shutdown()
        server.server_close()


def test_the_config_lists_the_top_level_python_files_only(checkout):
    files = site_of(checkout).config()["files"]
    # (a symlink out is listed, as a file of the folder, but never served: the page reports it missing)
    assert sorted(f for f in files if "outside" not in f) == ["data/__init__.py", "data/toy.py",
                                                               "pure/__init__.py", "pure/layers.py"]
    assert not any(".hidden" in f or "/sub" in f or "tests" in f for f in files)
