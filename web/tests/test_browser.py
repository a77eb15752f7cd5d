"""The pages of `python -m pure serve` in a real browser: headless Chromium driven by Selenium.

- Real test-set digits are drawn on the canvas with pointer events (mouse, and one by touch);
  the page's prepared 28 x 28 image must equal, bit for bit, what data.prepare makes on CPython
  of the same canvas pixels, and its probabilities must be CPython's within the numeric policy.
- The playground trains moons in the page to at least 95% accuracy; CPython, trained for the
  same epochs, must end within the numeric policy; stepping one batch shows its numbers.
- The code beside each view is the checkout's own source.
- No console errors; the page without Pyodide says what to run; the page without a model
  names the command that makes one; the --export folder works as plain files (with a CNN).

Screenshots go to $BROWSER_OUTPUT (tox: .tox/browser-output/), else a temporary folder.
Chromium is /usr/bin/chromium and its driver /usr/bin/chromedriver ($CHROMIUM, $CHROMEDRIVER);
nothing downloads a browser. Skipped, saying what is missing, where they or Pyodide are absent.
"""
import base64
import inspect
import math
import os
import shutil
import sys
import tempfile
import textwrap
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "web"))

import data  # noqa: E402
import pure as nn  # noqa: E402
from app import serve  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
PYODIDE = os.path.join(ROOT, "node_modules", "pyodide")
ATOL, RTOL = 1e-12, 1e-10            # conformance/tolerances.py: one step
TRAINING = 1e-8                      # conformance/tolerances.py: whole runs
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--window-size=1500,1300", "--disable-dev-shm-usage"]

if not (os.path.isfile(CHROMIUM) and os.path.isfile(CHROMEDRIVER)):
    pytest.skip(f"Chromium or its driver is not installed ({CHROMIUM}, {CHROMEDRIVER}): "
                "`apt-get install chromium chromium-driver`, or set $CHROMIUM and $CHROMEDRIVER",
                allow_module_level=True)
if not os.path.isfile(os.path.join(PYODIDE, "pyodide.js")):
    pytest.skip("the local Pyodide is not installed: run `npm ci` in the checkout", allow_module_level=True)
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install selenium)")
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.actions import interaction  # noqa: E402
from selenium.webdriver.common.actions.action_builder import ActionBuilder  # noqa: E402
from selenium.webdriver.common.actions.pointer_input import PointerInput  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402

import browser  # noqa: E402  (web/browser.py, the page's Python, here on CPython)

OUTPUT = os.environ.get("BROWSER_OUTPUT") or tempfile.mkdtemp(prefix="twinnet-browser-")
os.makedirs(OUTPUT, exist_ok=True)


def shot(driver, name, element=None):
    path = os.path.join(OUTPUT, name)
    (element or driver).screenshot(path) if element is not None else driver.save_screenshot(path)
    print(f"screenshot: {path}")


# ------------------------------------------------------------------ fixtures

@pytest.fixture(scope="module")
def mlp_path(tmp_path_factory):
    """784-32-10 trained (pure, CPython) on 2,000 shipped digits for 2 epochs: about 85% on the test set."""
    images, labels = data.load_mnist("train", limit=2000)
    model = nn.Sequential([nn.Dense(784, 32, init="he", seed=0), nn.ReLU(), nn.Dense(32, 10, seed=1)])
    model.fit(images, labels, loss=nn.CrossEntropy(), optimizer=nn.SGD(0.1, momentum=0.9), epochs=2, batch_size=32,
              seed=0, progress=False)
    path = str(tmp_path_factory.mktemp("models") / "mlp.json")
    nn.save(model, path)
    return path


def start(site_or_handler):
    if isinstance(site_or_handler, serve.Site):
        server = serve.make_server(site_or_handler, port=0)
    else:
        server = ThreadingHTTPServer(("127.0.0.1", 0), site_or_handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


@pytest.fixture(scope="module")
def driver():
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ARGS:
        options.add_argument(argument)
    profile = tempfile.mkdtemp(prefix="twinnet-chromium-")
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    chrome = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    chrome.set_script_timeout(120)
    yield chrome
    chrome.quit()
    shutil.rmtree(profile, ignore_errors=True)


def console_errors(driver, allowed=()):
    """The page's console errors since the last call (and any the page caught itself)."""
    entries = [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    return [m for m in entries if not any(a in m for a in allowed)]


def wait_for(driver, script, timeout=180, what=None):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = driver.execute_script(script)
        if value:
            return value
        time.sleep(0.25)
    status = driver.find_element(By.ID, "status").text
    raise AssertionError(f"timed out waiting for {what or script}; page status: {status!r}")


def open_page(driver, url):
    driver.get(url)
    started = time.time()
    wait_for(driver, "return window.twinnet && (window.twinnet.ready || window.twinnet.errors.length)",
             what="the page to be ready")
    errors = driver.execute_script("return window.twinnet.errors")
    assert not errors, errors
    return time.time() - started


@pytest.fixture(scope="module")
def page(driver, mlp_path):
    server, url = start(serve.Site(mlp_path))
    seconds = open_page(driver, url)
    print(f"page ready in {seconds:.1f} s (the page's own count: "
          f"{driver.execute_script('return window.twinnet.readyMs') / 1000:.1f} s)")
    assert driver.execute_script("return window.twinnet.pyodideSource") == "local"
    yield driver
    assert console_errors(driver) == []
    server.shutdown()
    server.server_close()


# ------------------------------------------------------------------ drawing

def strokes_of(image, threshold=0.35, scale=10):
    """A 28 x 28 digit as horizontal pen strokes on the 280 x 280 pad: one per run of inked pixels."""
    strokes = []
    for r in range(28):
        c = 0
        while c < 28:
            if image[r * 28 + c] > threshold:
                end = c
                while end + 1 < 28 and image[r * 28 + end + 1] > threshold:
                    end += 1
                y = r * scale + scale // 2
                strokes.append(((c * scale + scale // 2, y), (end * scale + scale // 2, y)))
                c = end + 1
            else:
                c += 1
    return strokes


def draw(driver, image, kind=interaction.POINTER_MOUSE):
    pad = driver.find_element(By.ID, "pad")
    driver.find_element(By.ID, "clear").click()
    before = driver.execute_script("return window.twinnet.digit.count")
    pointer = PointerInput(kind, "pen" if kind == interaction.POINTER_MOUSE else "finger")
    actions = ActionBuilder(driver, mouse=pointer, duration=5)
    for (x0, y0), (x1, y1) in strokes_of(image):
        actions.pointer_action.move_to(pad, x0 - 140, y0 - 140).pointer_down()
        actions.pointer_action.move_to(pad, (x0 + x1) // 2 - 140, y0 - 140)
        actions.pointer_action.move_to(pad, x1 - 140, y1 - 140).pointer_up()
    actions.perform()
    wait_for(driver, f"return window.twinnet.digit.count > {before}", 120, "a prediction")
    count = None
    while count != driver.execute_script("return window.twinnet.digit.count"):      # the last stroke's
        count = driver.execute_script("return window.twinnet.digit.count")
        time.sleep(1.0)
    return driver.execute_script(
        "const d = window.twinnet.digit; return {label: d.label, probabilities: d.probabilities, "
        "prepared: d.prepared, grey: window.twinnet.greyBase64(), width: d.width, height: d.height, "
        "predictMs: d.predictMs, prepareMs: d.prepareMs}")


def check_against_cpython(result, model_path):
    """The same canvas pixels, prepared and predicted on CPython by the same code."""
    digits = browser.Digits(model_path)
    grey = base64.b64decode(result["grey"])
    assert len(grey) == result["width"] * result["height"] == 280 * 280
    prepared = digits.prepare_bytes(grey, result["width"], result["height"])
    # data/prepare.py sums with math.fsum (correctly rounded), so Pyodide's Python 3.14 and this CPython give
    # the same bits, although the built-in sum() of floats rounds differently since Python 3.12.
    assert result["prepared"] == prepared
    here = digits.predict(prepared)
    assert result["label"] == here["label"]
    for a, b in zip(result["probabilities"], here["probabilities"]):
        assert abs(a - b) <= ATOL + RTOL * abs(b), (result["probabilities"], here["probabilities"])
    return here


def test_drawn_test_set_digits_are_predicted_as_on_cpython(page, mlp_path):
    images, labels = data.load_mnist("test")
    report = []
    for index in (0, 1, 2, 3, 4, 7):
        result = draw(page, images[index])
        check_against_cpython(result, mlp_path)
        report.append(f"test digit {index} (a {labels[index]}): page says {result['label']} "
                      f"({100 * max(result['probabilities']):.0f}%), prepared in {result['prepareMs']:.0f} ms, "
                      f"predicted in {result['predictMs']:.1f} ms")
        if index == 0:
            shot(page, "draw-digit.png")
    print("\n".join(report))
    shot(page, "draw-digit-last.png", page.find_element(By.ID, "digits"))
    assert "It is a" in page.find_element(By.ID, "verdict").text
    bars = page.find_elements(By.CSS_SELECTOR, "#bars .bar")
    assert len(bars) == 10 and len(page.find_elements(By.CSS_SELECTOR, "#bars .bar.win")) == 1


def test_a_digit_drawn_by_touch(page, mlp_path):
    images, _ = data.load_mnist("test")
    result = draw(page, images[5], kind=interaction.POINTER_TOUCH)
    check_against_cpython(result, mlp_path)


def test_the_code_beside_the_digits_is_the_checkouts_own(page):
    code = page.execute_script("return document.getElementById('digit-code').textContent")
    source = textwrap.dedent(inspect.getsource(nn.Dense.forward))
    assert source.strip().splitlines()[-1].strip() in code
    assert "Dense.forward" in code and "pure/layers.py:" in code and "y = x W + b" in code
    assert "prepare.prepare_digit" in code and "Sequential.backward" in code


# ------------------------------------------------------------------ the playground

def test_moons_train_to_95_percent_in_the_page_as_on_cpython(page):
    section = page.find_element(By.ID, "playground")
    page.execute_script("arguments[0].scrollIntoView()", section)
    assert page.find_element(By.ID, "dataset").get_attribute("value") == "moons"
    page.find_element(By.ID, "start").click()
    wait_for(page, "const p = window.twinnet.play; return p && p.accuracy >= 0.95 && p.epoch >= 10", 180,
             "95% accuracy on moons")
    page.find_element(By.ID, "pause").click()
    time.sleep(0.5)
    play = page.execute_script("return window.twinnet.play")
    stats = page.find_element(By.ID, "train-stats").text
    print(f"moons in the page: {stats}")
    assert play["accuracy"] >= 0.95 and "epochs/s" in stats and play["description"] == "2-16-16-2"
    shot(page, "playground-moons.png", section)
    # The same settings on CPython, the same number of epochs: the same run within the policy.
    here = browser.Playground("moons", (16, 16), "relu", "adam", 0.01, 16)
    here.train(play["epoch"])
    state = here.state()
    assert state["accuracy"] == play["accuracy"]
    assert abs(state["loss"] - play["loss"]) <= TRAINING * max(1.0, state["loss"])


def test_step_one_batch_shows_the_numbers_of_one_example(page):
    page.find_element(By.ID, "step").click()
    trace = wait_for(page, "return window.twinnet.trace", 60, "the trace of one batch")
    logits = trace["forward"][-1]["values"]
    top = max(logits)
    exps = [math.exp(v - top) for v in logits]
    assert [e / sum(exps) for e in exps] == pytest.approx(trace["probabilities"], abs=1e-12)
    first = trace["backward"][0]["values"]
    label, n = trace["example"]["label"], trace["batch_size"]
    expected = [(p - (1.0 if k == label else 0.0)) / n for k, p in enumerate(trace["probabilities"])]
    assert first == pytest.approx(expected, abs=1e-15)
    assert [e["what"] for e in trace["forward"]][1:] == [e["what"] for e in trace["backward"]][1:][::-1]
    assert len(trace["updates"]) == 6                           # W and b of three Dense layers
    text = page.find_element(By.ID, "trace").text
    assert "forward" in text and "backward" in text and "optimizer step" in text
    code = page.execute_script("return document.getElementById('play-code').textContent")
    assert "CrossEntropy.backward" in code and "Adam._update" in code and "ReLU._forward_row" in code
    shot(page, "playground-step.png", page.find_element(By.ID, "playground"))


# ------------------------------------------------------------------ other pages

def test_without_local_pyodide_the_page_says_what_to_run(driver, mlp_path, tmp_path):
    server, url = start(serve.Site(mlp_path, pyodide_dir=str(tmp_path / "absent")))
    try:
        driver.get(url)
        wait_for(driver, "return window.twinnet && window.twinnet.missingPyodide", 60, "the missing-Pyodide message")
        status = driver.find_element(By.ID, "status").text
        assert "npm ci" in status and "not installed" in status
        assert driver.execute_script("return window.twinnet.ready") is False
        shot(driver, "missing-pyodide.png")
        # The page's one request that failed is the HEAD of pyodide/pyodide.js that found it missing.
        assert console_errors(driver, allowed=["pyodide/pyodide.js"]) == []
        cases = driver.execute_script(
            "const c = {pyodide: 'local', local: 'pyodide/', cdn: 'https://cdn.example/', install: 'npm ci'};"
            "return [choosePyodide(c, '', true), choosePyodide(c, '?pyodide=cdn', false),"
            "        choosePyodide(Object.assign({}, c, {pyodide: 'cdn'}), '', false)]")
        assert [c["where"] for c in cases] == ["local", "cdn", "cdn"]
        assert cases[1]["indexURL"] == cases[2]["indexURL"] == "https://cdn.example/"
    finally:
        server.shutdown()
        server.server_close()


def test_without_a_model_the_page_names_the_command_that_makes_one(driver):
    server, url = start(serve.Site(None))
    try:
        open_page(driver, url)
        text = driver.find_element(By.ID, "model-name").text
        assert "python3 -m pure" in text and "No model yet" in text
        shot(driver, "no-model.png", driver.find_element(By.ID, "digits"))
        assert console_errors(driver) == []
    finally:
        server.shutdown()
        server.server_close()


def test_the_exported_plain_files_work_on_any_static_server_with_a_cnn(driver, tmp_path):
    """--export, then a plain static server (no twinnet code) and a copy of Pyodide beside the pages."""
    cnn = nn.Sequential([nn.Conv2D(1, 4, 5, seed=0), nn.ReLU(), nn.MaxPool2D(2), nn.Conv2D(4, 8, 5, seed=1),
                         nn.ReLU(), nn.MaxPool2D(2), nn.Flatten(), nn.Dense(128, 10, seed=2)])
    model_path = str(tmp_path / "cnn.json")
    nn.save(cnn, model_path)
    folder = str(tmp_path / "site")
    serve.export(folder, model_path)
    shutil.copytree(PYODIDE, os.path.join(folder, "pyodide"))       # what the CDN would give
    server, url = start(partial(QuietHandler, directory=folder))
    try:
        open_page(driver, url + "?pyodide=local")
        assert driver.execute_script("return window.twinnet.pyodideSource") == "local"
        images, _ = data.load_mnist("test")
        result = draw(driver, images[0])
        check_against_cpython(result, model_path)
        print(f"CNN (conv 4, conv 8): predicted in {result['predictMs']:.0f} ms")
        shot(driver, "exported-cnn.png", driver.find_element(By.ID, "digits"))
        assert console_errors(driver) == []
    finally:
        server.shutdown()
        server.server_close()


class QuietHandler(SimpleHTTPRequestHandler):
    extensions_map = dict(SimpleHTTPRequestHandler.extensions_map, **{".mjs": "text/javascript",
                                                                      ".wasm": "application/wasm"})

    def log_message(self, format, *args):
        pass
