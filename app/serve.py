"""`python -m pure serve [MODEL.json] [--port N]`: the pure twin running in your web browser.

    npm ci                                  # once, in the checkout: the local Pyodide (node_modules/pyodide)
    python3 -m pure serve                   # then open http://127.0.0.1:8000/
    python3 -m pure serve runs/mnist-cnn-vectorized.json --port 8001
    python3 -m pure serve --export site/    # the same pages as plain files, Pyodide from its CDN

The pages (web/: HTML, CSS and plain JavaScript, no build step) load Pyodide,
CPython compiled to WebAssembly, then fetch the very files of pure/ and data/
from this checkout and write them into Pyodide's file system: the Python that
runs in the page is the Python you read here, not a copy. Three views: draw a
digit for the model given here, train a small network on a toy set, and the
source of the layers in use beside each; and course.html, every lesson and
exercise (lessons/, pictures/, conformance/, the shipped MNIST digits).

This module is only a web server (the standard library's http.server, on
127.0.0.1): it sends files and a small config.json telling the page where
Pyodide and the model are. Everything else happens in the browser. It answers
only requests addressed to itself (Host 127.0.0.1, localhost or [::1] and its
port), lets a silent connection go after TIMEOUT seconds, and a client that
leaves mid-answer is one line on standard error. It serves nothing but the
pages, the top-level .py files of pure/ and data/, the course's files
(course_files()), the model and Pyodide's own files.

--export DIR writes the same site as plain files (the pages, pure/*.py,
data/*.py, the course's files, the model, a config.json that says "load Pyodide from its CDN"),
ready for any static host such as GitHub Pages.
"""
from __future__ import annotations

import argparse
import json
import mimetypes
import os
import shutil
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Optional
from urllib.parse import unquote, urlsplit

from .targets import folder_refusal

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))   # the checkout
WEB = os.path.join(ROOT, "web")
PYODIDE = os.path.join(ROOT, "node_modules", "pyodide")
PYODIDE_VERSION = "314.0.7"                                           # as pinned in package.json
CDN = f"https://cdn.jsdelivr.net/pyodide/v{PYODIDE_VERSION}/full/"
INSTALL = "npm ci"                                                    # the one command that installs it
PACKAGES = ("pure", "data")                                           # the Python the page runs
COURSE = ("lessons", "lessons/exercises", "pictures", "conformance")  # and the course page's (course.html)
COURSE_TEXTS = ("lessons/SERIES.md",)
# Where `python -m pure` / `python -m vectorized` save their models, most wanted first.
DEFAULT_MODELS = ("runs/mnist-mlp-pure.json", "runs/mnist-mlp-vectorized.json",
                  "runs/mnist-cnn-vectorized.json", "runs/mnist-cnn-pure.json")
MAKE_MODEL = "python3 -m pure"                                        # makes runs/mnist-mlp-pure.json
TYPES = {".html": "text/html", ".css": "text/css", ".js": "text/javascript", ".mjs": "text/javascript",
         ".json": "application/json", ".py": "text/x-python", ".wasm": "application/wasm",
         ".zip": "application/zip", ".png": "image/png", ".map": "application/json"}


def python_files(root: str = ROOT) -> list:
    """The files the page writes into Pyodide: every top-level .py file of pure/ and data/."""
    files = []
    for package in PACKAGES:
        folder = os.path.join(root, package)
        files += [f"{package}/{name}" for name in sorted(os.listdir(folder))
                  if name.endswith(".py") and not name.startswith(".")]
    return files


def course_files(root: str = ROOT) -> dict:
    """What the course page writes into Pyodide besides python_files(): "files", the top-level .py files of
    COURSE (not tests: test_*.py, conftest.py) and COURSE_TEXTS; "binaries", the shipped MNIST digits."""
    from data.mnist import SHIPPED_SHA256
    files = []
    for package in COURSE:
        folder = os.path.join(root, package)
        if os.path.isdir(folder):
            files += [f"{package}/{name}" for name in sorted(os.listdir(folder))
                      if name.endswith(".py") and not name.startswith((".", "test_")) and name != "conftest.py"]
    files += [name for name in COURSE_TEXTS if os.path.isfile(os.path.join(root, name))]
    binaries = [f"data/mnist/{name}" for name in sorted(SHIPPED_SHA256)
                if name.endswith(".gz") and os.path.isfile(os.path.join(root, "data", "mnist", name))]
    return {"files": files, "binaries": binaries}


def default_model(root: str = ROOT) -> Optional[str]:
    """The first of DEFAULT_MODELS that exists under `root`, or None."""
    for name in DEFAULT_MODELS:
        if os.path.isfile(os.path.join(root, name)):
            return os.path.join(root, name)
    return None


def site_config(model: Optional[str], pyodide: str, root: str = ROOT) -> dict:
    """What the page reads first (config.json): where Pyodide and the model are, the files to fetch.

    pyodide is "local" (the server sends node_modules/pyodide under pyodide/) or "cdn".
    """
    config = {"pyodide": pyodide, "local": "pyodide/", "cdn": CDN, "install": INSTALL,
              "files": python_files(root), "course": course_files(root), "model": None, "model_name": None,
              "make_model": f"{MAKE_MODEL}   (then: python3 -m pure serve)"}
    if model is not None:
        config["model"] = "model.json"
        config["model_name"] = os.path.basename(model)      # not this machine's folders
    return config


def check_model(path: str) -> None:
    """Refuse, before serving, a model the page could not use (pure.load raises ModelFileError)."""
    from pure.io import load
    load(path)


class Site:
    """Which file answers which URL (the same layout as an --export folder).

    /                 web/index.html          /config.json   site_config()
    /<name>           web/<name>              /model.json    the model
    /pure/<x>.py      pure/<x>.py             /pyodide/...   node_modules/pyodide/...
    /data/<x>.py      data/<x>.py
    /<course file>    course_files(): lessons/, pictures/, conformance/ (no tests), SERIES.md, data/mnist/*.gz
    """

    def __init__(self, model: Optional[str] = None, pyodide_dir: str = PYODIDE, root: str = ROOT):
        self.root, self.model, self.pyodide_dir = root, model, pyodide_dir
        self.web = os.path.join(root, "web")

    def config(self) -> dict:
        return site_config(self.model, "local", self.root)

    def resolve(self, url_path: str) -> Optional[str]:
        """The file for a URL path, or None (never anything outside the folders above)."""
        path = unquote(urlsplit(url_path).path)
        parts = [p for p in path.split("/") if p]
        if any(p in (".", "..", "__pycache__") or "\\" in p or p.startswith(".") for p in parts):   # no bytecode
            return None
        if not parts:
            parts = ["index.html"]
        if parts == ["model.json"]:
            return self.model
        if parts[0] == "pyodide":
            return _inside(self.pyodide_dir, parts[1:])
        course = course_files(self.root)
        if "/".join(parts) in course["files"] + course["binaries"]:
            return _inside(self.root, parts)
        if parts[0] in PACKAGES:
            if len(parts) != 2 or not parts[1].endswith(".py"):
                return None
            return _inside(os.path.join(self.root, parts[0]), parts[1:])
        if parts[0] == "tests":
            return None
        return _inside(self.web, parts)


def _inside(folder: str, parts) -> Optional[str]:
    if not parts:
        return None
    path = os.path.join(folder, *parts)
    inside = os.path.realpath(path).startswith(os.path.join(os.path.realpath(folder), ""))   # no symlink out
    return path if inside and os.path.isfile(path) else None


TIMEOUT = 30.0            # seconds a connection may stay silent (reading a request, or not reading our answer)
MAX_CONNECTIONS = 512     # connections served at once (a thread each); more are closed at once, staying
                          # under the usual limit of 1024 open files, where accept() would start to fail


def allowed_hosts(host: str, port: int) -> set:
    """The Host headers this server answers: its own address only, so that a page of another site whose
    name was pointed at 127.0.0.1 (DNS rebinding) cannot read the model or the code through the browser."""
    names = {"127.0.0.1", "localhost", "[::1]"}
    if host not in ("", "0.0.0.0", "::"):
        names.add(f"[{host}]" if ":" in host else host.lower())
    hosts = {f"{name}:{port}" for name in names}
    return hosts | names if port == 80 else hosts          # a browser leaves out the default port


def make_handler(site: Site, timeout: float = TIMEOUT):
    class Handler(BaseHTTPRequestHandler):
        server_version = "twinnet-serve"

        def setup(self):
            self.timeout = timeout                              # the socket's: a silent client is let go
            super().setup()

        def do_GET(self):
            self._answer(body=True)

        def do_HEAD(self):
            self._answer(body=False)

        def _answer(self, body: bool):
            host = (self.headers.get("Host") or "").strip().lower()
            if host not in self.server.hosts:
                self.send_error(403, "not this server's name",
                                f"Host {host!r} is not this server's address; open "
                                f"http://127.0.0.1:{self.server.server_address[1]}/")
                return
            if urlsplit(self.path).path == "/config.json":
                data = json.dumps(site.config(), indent=1).encode()
                kind = "application/json"
            else:
                path = site.resolve(self.path)
                if path is None:
                    self.send_error(404, "not part of the site")
                    return
                with open(path, "rb") as f:
                    data = f.read()
                extension = os.path.splitext(path)[1]
                kind = TYPES.get(extension) or mimetypes.guess_type(path)[0] or "application/octet-stream"
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-cache")          # an edited pure/ file shows on reload
            self.end_headers()
            if body:
                self.wfile.write(data)

        def log_message(self, format, *args):                     # quiet: errors only
            if args and str(args[1] if len(args) > 1 else "").startswith(("4", "5")):
                sys.stderr.write("serve: " + (format % args) + "\n")

    return Handler


class PageServer(ThreadingHTTPServer):
    """ThreadingHTTPServer, one thread per connection, that holds up under slow and vanishing clients:
    every connection has a socket timeout, at most MAX_CONNECTIONS are served at once, and a client
    that goes away mid-answer (a reload) is one line, not a traceback."""

    daemon_threads = True
    request_queue_size = 128                                    # the listen backlog (socketserver's is 5)

    def __init__(self, address, handler, max_connections: int = MAX_CONNECTIONS):
        super().__init__(address, handler)
        self.hosts = allowed_hosts(self.server_address[0], self.server_address[1])
        self.slots = threading.BoundedSemaphore(max_connections)

    def process_request(self, request, client_address):
        if not self.slots.acquire(blocking=False):
            sys.stderr.write(f"serve: too many connections at once; closed one from {client_address[0]}\n")
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:                                   # no thread started: give the slot back
            self.slots.release()
            raise

    def process_request_thread(self, request, client_address):
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.slots.release()

    def handle_error(self, request, client_address):
        error = sys.exc_info()[1]
        if isinstance(error, (ConnectionError, socket.timeout)):   # reset, broken pipe, a silent client
            sys.stderr.write(f"serve: {client_address[0]}:{client_address[1]} went away before the answer was "
                             f"sent ({type(error).__name__})\n")
        else:
            super().handle_error(request, client_address)


def make_server(site: Site, port: int = 8000, timeout: float = TIMEOUT,
                max_connections: int = MAX_CONNECTIONS) -> PageServer:
    """An HTTP server for `site` on 127.0.0.1:port (port 0: any free port; see .server_address)."""
    return PageServer(("127.0.0.1", port), make_handler(site, timeout), max_connections)


def export_files(model: Optional[str], root: str = ROOT) -> list:
    """What an export writes: (source file, name inside the folder) pairs; config.json is written apart."""
    web = os.path.join(root, "web")
    pairs = [(os.path.join(web, name), name) for name in sorted(os.listdir(web))
             if os.path.isfile(os.path.join(web, name)) and not name.startswith(".")]
    course = course_files(root)
    pairs += [(os.path.join(root, name), name) for name in python_files(root) + course["files"] + course["binaries"]]
    if model is not None:
        pairs.append((model, "model.json"))
    return pairs


def export_refusal(folder: str, model: Optional[str], root: str = ROOT) -> Optional[str]:
    """None if the site may be exported into `folder`, else the line saying why not (nothing is written):
    a new or existing folder, not the checkout's web/, and no file in it a folder, a device or a source."""
    pairs = export_files(model, root)
    return folder_refusal("--export", folder, files=[name for _, name in pairs] + ["config.json"],
                          inputs=[source for source, _ in pairs], picture=False)


def export(folder: str, model: Optional[str], root: str = ROOT) -> None:
    """Write the site as plain files into `folder`, loading Pyodide from its CDN."""
    os.makedirs(folder, exist_ok=True)
    for source, name in export_files(model, root):
        os.makedirs(os.path.join(folder, os.path.dirname(name)), exist_ok=True)
        shutil.copyfile(source, os.path.join(folder, name))
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(site_config(model, "cdn", root), f, indent=1)


def parse_args(argv):
    p = argparse.ArgumentParser(
        prog="python -m pure serve",
        description="Serve the in-browser pages (draw a digit, train a toy network, read the code) on "
                    "127.0.0.1. The pure twin runs in the page on Pyodide (install it once with `npm ci` "
                    "in the checkout).")
    p.add_argument("model", nargs="?", default=None,
                   help="a saved MNIST model (JSON, from either twin) for the draw-a-digit view; default: the "
                        f"first of {', '.join(DEFAULT_MODELS)} that exists")
    p.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default %(default)s; 0 = any free)")
    p.add_argument("--export", metavar="DIR", default=None,
                   help="instead of serving, write the site as plain files into DIR (for a static host such "
                        "as GitHub Pages); the published pages load Pyodide from its CDN")
    args = p.parse_args(argv)
    if not 0 <= args.port <= 65535:
        p.error(f"--port must be between 0 and 65535, got {args.port}")
    return args


def main(argv=None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if not os.path.isdir(WEB):          # `pip install .` installs the Python packages, not the pages
        print(f"serve: the pages are not here ({WEB} is missing): serve runs from a checkout of the "
              f"repository (git clone, then `python3 -m pure serve` in it)", file=sys.stderr)
        return 2
    model = args.model if args.model is not None else default_model()
    if model is not None:
        model = os.path.abspath(model)
        if not os.path.isfile(model):
            print(f"serve: no model file {args.model!r}", file=sys.stderr)
            return 2
        try:
            check_model(model)
        except (ValueError, OSError) as e:                 # ModelFileError is a ValueError
            print(f"serve: cannot use {args.model or model}: {e}", file=sys.stderr)
            return 2
    if args.export is not None:
        problem = export_refusal(args.export, model)
        if problem:
            print(f"serve: {problem}", file=sys.stderr)
            return 2
        export(args.export, model)
        print(f"wrote the site to {os.path.join(args.export, '')} (Pyodide from {CDN}); publish that folder as it is")
        return 0
    try:
        server = make_server(Site(model), args.port)
    except OSError as e:
        print(f"serve: cannot listen on 127.0.0.1:{args.port}: {e.strerror or e} (try --port 0)", file=sys.stderr)
        return 2
    host, port = server.server_address[:2]
    print(f"twinnet in your browser: http://{host}:{port}/   (Ctrl-C stops)")
    print(f"  model: {os.path.relpath(model) if model else f'none yet; make one with {MAKE_MODEL}'}")
    if not os.path.isfile(os.path.join(PYODIDE, "pyodide.js")):
        print(f"  Pyodide is not installed in this checkout: run `{INSTALL}` in {ROOT}, then reload the page")
    sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0
