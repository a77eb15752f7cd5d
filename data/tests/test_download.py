"""`python -m data download`: mirrors, fallback, resume, verification, offline advice.

Every test talks to an HTTP server started here on 127.0.0.1 (http.server in a
thread) or to a port nobody listens on. Nothing here touches the internet.
"""

import gzip
import hashlib
import http.server
import os
import random
import socket
import threading
import time

import pytest

from data import DataError, download as downloads, load_mnist, write_idx
from data.__main__ import main
from data.download import DownloadError, PinnedFile, download, verify_file
from data.mnist import SHIPPED_DIR

TIMEOUT = 0.5          # seconds a read may stall before the downloader gives up on a mirror


class Handler(http.server.BaseHTTPRequestHandler):
    """Serves FILES[name] under /<behaviour>/<name>; the behaviour is the first path part."""

    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        server = self.server
        _, behaviour, name = self.path.split("/", 2)
        server.requests.append((behaviour, name, self.headers.get("Range")))
        body = server.files.get(name)
        if body is None or behaviour == "missing":
            return self.send_error(404, "Not Found")
        if behaviour == "corrupt":
            flipped = bytearray(body)
            flipped[len(body) // 2] ^= 0x10
            body = bytes(flipped)
        if behaviour == "recompressed":
            body = gzip.compress(gzip.decompress(body), compresslevel=1, mtime=12345)
        if behaviour == "huge":
            body = body * 20
        start = 0
        wanted = self.headers.get("Range")
        if wanted and behaviour != "norange":
            start = int(wanted.split("=")[1].split("-")[0])
            if start >= len(body):
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{len(body)}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
        else:
            self.send_response(200)
        self.send_header("Content-Length", str(len(body) - start))
        self.end_headers()
        payload = body[start:]
        if behaviour == "truncated":          # announce everything, send 40%, hang up
            self.wfile.write(payload[: len(payload) * 2 // 5])
            self.wfile.flush()
            self.close_connection = True
            return
        if behaviour == "slow":               # send 30%, then stall longer than the client waits
            self.wfile.write(payload[: len(payload) * 3 // 10])
            self.wfile.flush()
            deadline = time.monotonic() + 4 * TIMEOUT
            while time.monotonic() < deadline and not server.stopping:
                time.sleep(0.05)
            self.close_connection = True
            return
        self.wfile.write(payload)


@pytest.fixture
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    httpd.files, httpd.requests, httpd.stopping = {}, [], False
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    httpd.url = lambda behaviour: f"http://127.0.0.1:{httpd.server_address[1]}/{behaviour}/"
    yield httpd
    httpd.stopping = True
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def refused():
    """A base URL on a port nobody listens on (connection refused)."""
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return f"http://127.0.0.1:{port}/"


def fake_dataset(server, count=200, seed=0):
    """Two small IDX files (images and labels), gzip-compressed, served and pinned."""
    rng = random.Random(seed)
    specs = []
    for name, shape in (("train-images-idx3-ubyte.gz", (count, 28, 28)), ("train-labels-idx1-ubyte.gz", (count,))):
        size = 1
        for d in shape:
            size *= d
        values = rng.randbytes(size) if len(shape) == 3 else bytes(b % 10 for b in rng.randbytes(size))
        header = bytes([0, 0, 8, len(shape)]) + b"".join(d.to_bytes(4, "big") for d in shape)
        content = header + values
        archive = gzip.compress(content, mtime=0)
        server.files[name] = archive
        specs.append(PinnedFile(name, len(archive), hashlib.sha256(archive).hexdigest(), len(content),
                                hashlib.sha256(content).hexdigest()))
    return specs


def quiet(_message):
    pass


def fetch(server, mirrors, tmp_path, specs, **options):
    messages = []
    paths = download("mnist", tmp_path, mirrors=mirrors, files=specs, timeout=TIMEOUT, say=messages.append,
                     **options)
    return paths, "\n".join(messages)


def only_final_files(folder, specs):
    return sorted(os.listdir(folder)) == sorted(spec.name for spec in specs)


# ---------------------------------------------------------------- the good path


def test_downloads_and_verifies_every_file(server, tmp_path):
    specs = fake_dataset(server)
    paths, log = fetch(server, [server.url("good")], tmp_path, specs)
    assert [os.path.basename(p) for p in paths] == [s.name for s in specs]
    for path, spec in zip(paths, specs):
        assert open(path, "rb").read() == server.files[spec.name]
    assert only_final_files(tmp_path, specs) and "SHA-256 verified (archive)" in log
    server.requests.clear()
    _, log = fetch(server, [server.url("good")], tmp_path, specs)          # again: nothing to fetch
    assert server.requests == [] and "already there" in log


def test_loaders_find_the_downloaded_set_without_flags(server, tmp_path, monkeypatch):
    monkeypatch.setenv("TWINNET_DATA", str(tmp_path))
    assert downloads.default_directory("mnist") == str(tmp_path / "mnist")
    specs = fake_dataset(server, count=60)
    download("mnist", mirrors=[server.url("good")], files=specs, timeout=TIMEOUT, say=quiet)
    images, labels = load_mnist("train")
    assert len(images) == len(labels) == 60
    assert os.path.dirname(images.__class__.__module__) == ""     # (an Images, as always)
    assert len(load_mnist("test")[0]) == 10000                    # no test files downloaded: the shipped ones


def test_a_half_downloaded_set_is_ignored_by_the_loaders(tmp_path, monkeypatch):
    monkeypatch.setenv("TWINNET_DATA", str(tmp_path))
    os.makedirs(tmp_path / "mnist")
    write_idx(tmp_path / "mnist" / "train-images-idx3-ubyte.gz", (2, 28, 28), bytes(2 * 784))
    images, _ = load_mnist("train")                             # no labels: the shipped 10,000 instead
    assert len(images) == 10000


def test_default_directory_follows_xdg_cache_home(monkeypatch, tmp_path):
    monkeypatch.delenv("TWINNET_DATA", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert downloads.default_directory("fashion-mnist") == str(tmp_path / "twinnet" / "fashion-mnist")


# ---------------------------------------------------------------- broken mirrors


def test_a_refused_mirror_falls_back_to_the_next(server, refused, tmp_path):
    specs = fake_dataset(server)
    _, log = fetch(server, [refused, server.url("good")], tmp_path, specs)
    assert "connection refused" in log and only_final_files(tmp_path, specs)


def test_a_missing_file_falls_back_to_the_next(server, tmp_path):
    specs = fake_dataset(server)
    _, log = fetch(server, [server.url("missing"), server.url("good")], tmp_path, specs)
    assert "HTTP 404" in log and only_final_files(tmp_path, specs)


def test_a_truncated_transfer_is_resumed_with_a_range_request(server, tmp_path):
    specs = fake_dataset(server)
    _, log = fetch(server, [server.url("truncated"), server.url("good")], tmp_path, specs)
    assert "connection closed after" in log and "resumed at byte" in log
    ranges = [r for behaviour, _, r in server.requests if behaviour == "good"]
    assert all(r and r.startswith("bytes=") and int(r[6:-1]) > 0 for r in ranges)
    for spec in specs:
        assert open(tmp_path / spec.name, "rb").read() == server.files[spec.name]
    assert only_final_files(tmp_path, specs)


def test_a_stalled_mirror_times_out_and_the_next_resumes(server, tmp_path):
    specs = fake_dataset(server)
    started = time.monotonic()
    _, log = fetch(server, [server.url("slow"), server.url("good")], tmp_path, specs)
    assert "stalled" in log and "resumed at byte" in log and only_final_files(tmp_path, specs)
    assert time.monotonic() - started < 20 * TIMEOUT


def test_a_corrupted_file_is_discarded_and_fetched_elsewhere(server, tmp_path):
    specs = fake_dataset(server)
    _, log = fetch(server, [server.url("corrupt"), server.url("good")], tmp_path, specs)
    assert "SHA-256 mismatch" in log
    for spec in specs:
        assert verify_file(tmp_path / spec.name, spec) == "archive"


def test_a_server_ignoring_range_restarts_from_zero(server, tmp_path):
    specs = fake_dataset(server)
    for spec in specs:                          # a stale partial file from an earlier run
        (tmp_path / (spec.name + ".part")).write_bytes(server.files[spec.name][:1000])
    _, log = fetch(server, [server.url("norange")], tmp_path, specs)
    assert "resumed" not in log and only_final_files(tmp_path, specs)
    assert all(r is not None for _, _, r in server.requests)          # it did ask for a range


def test_a_partial_file_bigger_than_the_servers_is_dropped(server, tmp_path):
    specs = fake_dataset(server)
    for spec in specs:
        (tmp_path / (spec.name + ".part")).write_bytes(server.files[spec.name] + b"junk")
    _, log = fetch(server, [server.url("good")], tmp_path, specs)
    assert only_final_files(tmp_path, specs)


def test_a_server_sending_far_too_much_is_cut_off(server, tmp_path):
    specs = fake_dataset(server)
    with pytest.raises(DownloadError, match="far more than"):
        fetch(server, [server.url("huge")], tmp_path, specs, rounds=1)
    assert os.listdir(tmp_path) == []


def test_a_recompressed_copy_with_the_same_content_is_accepted(server, tmp_path):
    specs = fake_dataset(server)
    _, log = fetch(server, [server.url("recompressed")], tmp_path, specs)
    assert "SHA-256 verified (content)" in log and only_final_files(tmp_path, specs)


def test_a_bad_file_already_there_is_moved_aside_and_replaced(server, tmp_path):
    specs = fake_dataset(server)
    (tmp_path / specs[0].name).write_bytes(b"not the file")
    _, log = fetch(server, [server.url("good")], tmp_path, specs)
    assert "moved to" in log
    assert (tmp_path / (specs[0].name + ".corrupt")).read_bytes() == b"not the file"
    assert verify_file(tmp_path / specs[0].name, specs[0]) == "archive"


def test_when_every_mirror_fails_it_says_what_to_do_offline(server, refused, tmp_path):
    specs = fake_dataset(server)
    with pytest.raises(DownloadError) as caught:
        fetch(server, [refused, server.url("truncated"), server.url("corrupt")], tmp_path, specs)
    message = str(caught.value)
    assert isinstance(caught.value, DataError)
    assert "connection refused" in message and "no mirror delivered a verified file" in message
    assert "If this machine has no internet access" in message
    assert f"python -m data download mnist --dir {tmp_path}" in message
    assert "10,000 training digits shipped" in message
    for spec in specs:                          # never a partial file under the final name
        assert not (tmp_path / spec.name).exists()


def test_the_command_line(server, refused, tmp_path, monkeypatch, capsys):
    specs = fake_dataset(server)
    monkeypatch.setitem(downloads.DATASETS, "mnist", {"mirrors": [refused], "files": specs})
    assert main(["download", "mnist", "--dir", str(tmp_path), "--mirror", server.url("truncated"),
                 "--mirror", server.url("good").rstrip("/"), "--timeout", str(TIMEOUT)]) == 0
    out, err = capsys.readouterr()
    assert f"mnist: 2 files verified in {tmp_path}" in out and "resumed at byte" in err
    monkeypatch.setitem(downloads.DATASETS, "fashion-mnist", {"mirrors": [refused], "files": specs})
    assert main(["download", "fashion-mnist", "--dir", str(tmp_path / "f"), "--timeout", str(TIMEOUT)]) == 1
    err = capsys.readouterr().err
    assert "error: " in err and "apt-get install dataset-fashion-mnist" in err


def test_the_command_says_each_failed_attempt_once(server, refused, tmp_path, monkeypatch, capsys):
    # offline: 2 files x 2 mirrors x 2 rounds = 8 failed attempts, each printed as it happens, and not again
    # in the closing error, which gives one line per file and the offline advice
    specs = fake_dataset(server)
    monkeypatch.setitem(downloads.DATASETS, "mnist", {"mirrors": [refused, server.url("missing")], "files": specs})
    assert main(["download", "mnist", "--dir", str(tmp_path), "--timeout", str(TIMEOUT)]) == 1
    err = capsys.readouterr().err
    attempts = [line for line in err.splitlines() if "connection refused" in line or "HTTP 404" in line]
    assert len(attempts) == 2 * 2 * 2 and len(set(attempts)) == 2 * 2, err
    assert err.count("no mirror delivered a verified file (4 attempts)") == 2, err
    assert err.count("If this machine has no internet access") == 1


def test_a_local_folder_can_be_a_mirror(server, tmp_path):
    specs = fake_dataset(server)
    local = tmp_path / "usb stick"
    local.mkdir()
    for spec in specs:
        (local / spec.name).write_bytes(server.files[spec.name])
    _, log = fetch(server, [local.as_uri() + "/"], tmp_path / "out", specs)
    assert "downloaded from file://" in log and only_final_files(tmp_path / "out", specs)


# ---------------------------------------------------------------- the pinned checksums


def test_the_shipped_test_set_has_the_pinned_official_content():
    for name in ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"):
        spec = downloads.pinned("mnist", name)
        # recompressed when it was shipped: other archive bytes, the official content
        assert verify_file(os.path.join(SHIPPED_DIR, name), spec) == "content"


def test_the_real_pinned_spec_downloads_a_real_file(server, tmp_path):
    spec = downloads.pinned("mnist", "t10k-labels-idx1-ubyte.gz")
    server.files[spec.name] = open(os.path.join(SHIPPED_DIR, spec.name), "rb").read()
    _, log = fetch(server, [server.url("truncated"), server.url("good")], tmp_path, [spec])
    assert "verified (content)" in log


@pytest.mark.skipif(not os.path.isdir("/usr/share/datasets/fashion-mnist"),
                    reason="dataset-fashion-mnist is not installed")
def test_debians_fashion_mnist_has_the_pinned_official_content():
    for spec in downloads.DATASETS["fashion-mnist"]["files"]:
        assert verify_file(os.path.join("/usr/share/datasets/fashion-mnist", spec.name), spec) == "content"


def test_every_dataset_pins_four_files_with_sha256():
    for entry in downloads.DATASETS.values():
        assert len(entry["files"]) == 4 and len(entry["mirrors"]) >= 2
        for spec in entry["files"]:
            assert len(spec.sha256) == 64 and len(spec.content_sha256) == 64 and spec.size > 0
