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

and the very same Python calls (web/browser.py) on this CPython, for the ratio.
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
from pure import serve  # noqa: E402
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


def open_page(model_path):
    server = serve.make_server(serve.Site(model_path), port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    driver, profile = chromium()
    driver.get(f"http://127.0.0.1:{server.server_address[1]}/")
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


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--loads", type=int, default=3, help="fresh page loads to time (default %(default)s)")
    p.add_argument("--repeats", type=int, default=10, help="predictions / training blocks (default %(default)s)")
    args = p.parse_args(argv)
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
