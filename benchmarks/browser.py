"""The pure twin in the browser (python -m pure serve), measured in headless Chromium, beside CPython.

    npm ci && pip install selenium          # (or run it with tox's: .tox/browser/bin/python)
    python benchmarks/browser.py            # about 3 minutes on 2 busy cores
    python benchmarks/browser.py --loads 5 --repeats 20

What it measures, on the local files (node_modules/pyodide, the checkout's pure/ and data/):

1. time from opening the page to "ready" (Pyodide started, 40-odd Python files written into it,
   the model loaded, both views built), as the page counts it (performance.now() from the
   first line of app.js), median of --loads fresh loads (new browser profile: no cache);
2. prediction latency of one digit (the forward pass, then the saliency's backward pass,
   timed in Python inside the page), median of --repeats, for the main command's default MLP
   (784-96-10 ReLU) and a CNN of its default shape (conv 5x5x32, pool, conv 5x5x64, pool,
   dense 256, dropout, dense 10); the weights are as initialised (latency does not depend on
   their values), so no training is needed;
3. the playground's training speed, epochs per second, for 2-16-16-2 ReLU, Adam, batch 16 on
   200 moons points (model.fit only, drawing excluded), best of --repeats blocks of 20 epochs;

and the very same Python calls (web/browser.py) on this CPython, for the ratio. With --course instead:

4. the course page (course.html): ready time; every lesson in quick mode, one after another in the
   page's one worker, then the same lessons on this CPython (web/course.py, in this process), each
   lesson's own clock (the "(N.Ns)" it prints) side by side; the longest main-thread task during
   each lesson (PerformanceObserver 'longtask'); Stop's latency and the time to a fresh worker.
The load average is printed beside: on a shared machine every number moves with it.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[:0] = [ROOT, os.path.join(ROOT, "web")]

import data  # noqa: E402
import pure as nn  # noqa: E402
from app import serve  # noqa: E402
from app.cli import build_cnn, build_mlp  # noqa: E402

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--window-size=1500,1300", "--disable-dev-shm-usage"]


def chromium():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for argument in ARGS:
        options.add_argument(argument)
    profile = tempfile.mkdtemp(prefix="twinnet-bench-")
    options.add_argument(f"--user-data-dir={profile}")
    driver = webdriver.Chrome(options=options,
                              service=Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")))
    driver.set_script_timeout(600)
    return driver, profile


def open_page(model_path, page=""):
    """The served page (`page`: "" the digits, "course.html" the course) in Chromium, once its Python is ready."""
    server = serve.make_server(serve.Site(model_path), port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    driver, profile = chromium()
    driver.get(f"http://127.0.0.1:{server.server_address[1]}/{page}")
    while not driver.execute_script("return window.twinnet && (window.twinnet.ready || window.twinnet.errors.length)"):
        time.sleep(0.2)
    errors = driver.execute_script("return window.twinnet.errors")
    if errors:
        raise SystemExit(f"the page failed: {errors}")

    def close():
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
        server.shutdown()
        server.server_close()
    return driver, close


PREDICT_IN_PAGE = """
const [pixels, repeats, done] = arguments;
(async () => {
  const digits = window.twinnet.digits, times = [], saliency = [];      // the page's Python, in its worker
  for (let i = 0; i < repeats + 1; i++) {
    const r = await digits.call("predict", [pixels]);
    if (i > 0) { times.push(r.predict_ms); saliency.push(r.saliency_ms); }
  }
  done([times, saliency]);
})();
"""

TRAIN_IN_PAGE = """
const [repeats, epochs, done] = arguments;
(async () => {
  const pg = await window.twinnet.python.make("browser", "Playground", []), rates = [];
  await pg.call("train", [1]);
  for (let i = 0; i < repeats; i++) {
    const before = (await pg.call("state")).train_seconds;
    await pg.call("train", [epochs]);
    rates.push(epochs / ((await pg.call("state")).train_seconds - before));
  }
  done(rates);
})();
"""


def cpython_predict(path, pixels, repeats):
    import browser
    digits = browser.Digits(path)
    digits.predict(pixels)
    results = [digits.predict(pixels) for _ in range(repeats)]
    return [r["predict_ms"] for r in results], [r["saliency_ms"] for r in results]


def cpython_train(repeats, epochs):
    import browser
    pg = browser.Playground()
    pg.train(1)
    rates = []
    for _ in range(repeats):
        before = pg.train_seconds
        pg.train(epochs)
        rates.append(epochs / (pg.train_seconds - before))
    return rates


def load():
    return "load average " + ", ".join(f"{v:.2f}" for v in os.getloadavg())


MONITOR = """
const m = window.__monitor = {tasks: []};
new PerformanceObserver((list) => list.getEntries().forEach((e) => m.tasks.push(e.duration)))
  .observe({entryTypes: ["longtask"]});
"""

RUN_LESSON = """
const [name, done] = arguments;
location.hash = name;
setTimeout(() => {
  window.__monitor.tasks = [];
  document.getElementById("run-quick").click();
  const wait = () => {
    const r = window.twinnet.course.runs[name];
    if (r && r.done) done({status: r.status, seconds: r.seconds, output: r.output,
                           task: Math.max(0, ...window.__monitor.tasks)});
    else setTimeout(wait, 100);
  };
  wait();
}, 200);
"""


def clock(output):
    """A lesson's own clock: the "(N.Ns)" line it prints last."""
    import re
    found = re.findall(r"\((\d+\.\d)s\)\s*$", output)
    return float(found[0]) if found else float("nan")


def course(args):
    import course as page_course
    driver, close = open_page(None, "course.html")
    print(f"4. the course page: ready in {driver.execute_script('return window.twinnet.readyMs') / 1000:.1f} s "
          f"(fresh profile); {load()}")
    driver.execute_script(MONITOR)
    lessons = driver.execute_script("return window.twinnet.course.lessons.filter((l) => !l.skip).map((l) => l.name)")
    page = {}
    for name in lessons:
        page[name] = driver.execute_async_script(RUN_LESSON, name)
    page_load = load()
    driver.execute_script("location.hash = 'b5-student-teacher'")
    time.sleep(0.3)
    driver.execute_script("document.getElementById('run-quick').click()")
    time.sleep(3.0)
    driver.execute_script("document.getElementById('stop').click()")
    while not driver.execute_script("const s = window.twinnet.course.stops; return s.length && s[0].usableMs"):
        time.sleep(0.1)
    stop = driver.execute_script("return window.twinnet.course.stops[0]")
    close()
    out = tempfile.mkdtemp(prefix="twinnet-bench-lessons-")
    here = {name: page_course.capture(name, True, out) for name in lessons}
    shutil.rmtree(out, ignore_errors=True)
    print("   lesson, quick        its own clock: page | CPython   page/CPython   longest main-thread task")
    for name in lessons:
        a, b = clock(page[name]["output"]), clock(here[name]["output"])
        ratio = f"{a / b:5.1f}" if b >= 0.5 else "    -"
        print(f"   {name:22s} {a:12.1f} | {b:7.1f} s   {ratio}          {page[name]['task']:.0f} ms")
    total_a = sum(clock(page[n]["output"]) for n in lessons)
    total_b = sum(clock(here[n]["output"]) for n in lessons)
    print(f"   {'all':22s} {total_a:12.1f} | {total_b:7.1f} s   {total_a / total_b:5.1f}   (page: {page_load}; "
          f"CPython: {load()})")
    print(f"   Stop in the middle of b5: the run ended {stop['latencyMs']:.0f} ms after the click; a fresh worker "
          f"was ready {stop['usableMs'] / 1000:.1f} s after it")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--course", action="store_true", help="measure the course page instead (4. above)")
    p.add_argument("--loads", type=int, default=3, help="fresh page loads to time (default %(default)s)")
    p.add_argument("--repeats", type=int, default=10, help="predictions / training blocks (default %(default)s)")
    args = p.parse_args(argv)
    if args.course:
        print(f"twinnet's course in the browser: Chromium headless, Pyodide {serve.PYODIDE_VERSION} (local files); "
              f"CPython {sys.version.split()[0]}; {load()}")
        return course(args)
    folder = tempfile.mkdtemp(prefix="twinnet-bench-models-")
    mlp = os.path.join(folder, "mlp-784-96-10.json")
    cnn = os.path.join(folder, "cnn-32-64-256.json")
    nn.save(build_mlp(nn, 784, [96], 10, "relu", 0), mlp)
    nn.save(build_cnn(nn, (1, 28, 28), [256], 10, "relu", 0, filters=(32, 64), dropout=0.5), cnn)
    images, _ = data.load_mnist("test", limit=1)
    pixels = images[0]
    print(f"twinnet in the browser: Chromium headless, Pyodide {serve.PYODIDE_VERSION} (local files); "
          f"CPython {sys.version.split()[0]}; {load()}")

    ready = []
    for _ in range(args.loads):
        driver, close = open_page(mlp)
        ready.append(driver.execute_script("return window.twinnet.readyMs") / 1000)
        close()
    print(f"\n1. page opened -> ready: median {statistics.median(ready):.1f} s "
          f"(loads: {', '.join(f'{s:.1f}' for s in ready)}); {load()}")

    print(f"\n2. one digit (median of {args.repeats}), ms: forward | saliency (backward)")
    for name, path in (("MLP 784-96-10", mlp), ("CNN conv32-conv64-dense256", cnn)):
        repeats = args.repeats if "MLP" in name else max(3, args.repeats // 3)
        driver, close = open_page(path)
        page_times, page_saliency = driver.execute_async_script(PREDICT_IN_PAGE, pixels, repeats)
        close()
        here_times, here_saliency = cpython_predict(path, pixels, repeats)
        pf, ps = statistics.median(page_times), statistics.median(page_saliency)
        cf, cs = statistics.median(here_times), statistics.median(here_saliency)
        print(f"   {name:28s} browser {pf:8.1f} | {ps:8.1f}    CPython {cf:8.1f} | {cs:8.1f}    "
              f"browser/CPython {pf / cf:.2f}; {load()}")

    driver, close = open_page(mlp)
    page_rates = driver.execute_async_script(TRAIN_IN_PAGE, args.repeats, 20)
    close()
    here_rates = cpython_train(args.repeats, 20)
    print(f"\n3. playground 2-16-16-2 on 200 moons, Adam, batch 16 (13 steps an epoch), epochs/s, best of "
          f"{args.repeats} blocks of 20 (median): browser {max(page_rates):.1f} ({statistics.median(page_rates):.1f}), "
          f"CPython {max(here_rates):.1f} ({statistics.median(here_rates):.1f}), "
          f"browser/CPython {max(page_rates) / max(here_rates):.2f}; {load()}")
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
