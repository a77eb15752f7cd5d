"""`python -m pure serve` under slow, vanishing and foreign clients; config.json and --export refusals.

- Idle (half-open) connections do not stop a normal request being answered, and are let go after
  the socket timeout; beyond the connection cap a new connection is closed at once.
- A client that goes away mid-download (a page reload) is one line on standard error, no traceback.
- Only requests naming this server (Host 127.0.0.1:PORT, localhost:PORT, [::1]:PORT) are answered:
  a page of another site pointed at 127.0.0.1 by DNS (rebinding) gets 403 and not the model.
"""
import http.client
import json
import os
import socket
import struct
import sys
import threading
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, ROOT)

from app import serve  # noqa: E402


@pytest.fixture
def big_model(tmp_path):
    """16 MB served as /model.json: more than the sockets' buffers hold, so an answer is cut off mid-way."""
    path = tmp_path / "big.json"
    path.write_bytes(b"[" + b"0," * (8 << 20) + b"0]")
    return str(path)


@pytest.fixture
def tiny_model(tmp_path):
    import pure as nn
    path = str(tmp_path / "tiny.json")
    nn.save(nn.Sequential([nn.Dense(784, 2, seed=0), nn.Dense(2, 10, seed=1)]), path)
    return path


@pytest.fixture
def start():
    servers = []

    def start(site, **options):
        server = serve.make_server(site, port=0, **options)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server.server_address[1]

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def request(port, path="/config.json", host=None, timeout=10):
    """(status, body) of a GET with the given Host header (default: 127.0.0.1:port)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    connection.putrequest("GET", path, skip_host=True)
    connection.putheader("Host", f"127.0.0.1:{port}" if host is None else host)
    connection.endheaders()
    answer = connection.getresponse()
    body = answer.read()
    connection.close()
    return answer.status, body


def test_200_idle_connections_do_not_block_a_normal_request(start, big_model):
    port = start(serve.Site(big_model))
    idle = []
    try:
        for i in range(200):
            s = socket.create_connection(("127.0.0.1", port), timeout=10)
            if i % 2:
                s.sendall(b"GET /pure/layers.py HTTP/1.1\r\nHost: 12")     # half a request, never finished
            idle.append(s)
        status, body = request(port, "/pure/layers.py", timeout=5)
        assert status == 200 and b"class Dense" in body
    finally:
        for s in idle:
            s.close()


def test_a_silent_connection_is_let_go_after_the_timeout(start, big_model):
    port = start(serve.Site(big_model), timeout=0.5)
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(b"GET / HTTP/1.1\r\n")                 # and nothing more
        assert s.recv(100) == b""                        # closed by the server (the old server: recv times out)


def test_beyond_the_connection_cap_a_new_connection_is_closed_at_once(start, big_model, capsys):
    port = start(serve.Site(big_model), max_connections=3)
    idle = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(3)]
    with socket.create_connection(("127.0.0.1", port), timeout=10) as extra:
        assert extra.recv(100) == b""
    for s in idle:
        s.close()
    for _ in range(50):                                  # the three threads notice their clients left
        try:
            if request(port, timeout=2)[0] == 200:
                break
        except (ConnectionError, http.client.HTTPException):
            time.sleep(0.1)
    else:
        pytest.fail("the server does not answer after the idle connections closed")
    assert "too many connections" in capsys.readouterr().err


def abort_mid_download(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall(f"GET /model.json HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
    assert s.recv(100).startswith(b"HTTP/1.0 200")
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))    # close with a reset
    s.close()


def test_a_client_leaving_mid_download_is_one_quiet_line(start, big_model, capsys):
    port = start(serve.Site(big_model))
    for _ in range(3):
        abort_mid_download(port)
    assert request(port)[0] == 200                       # still serving
    for _ in range(100):
        time.sleep(0.05)
        err = capsys.readouterr().err
        lines = err.splitlines()
        if len([line for line in lines if "went away" in line]) >= 3:
            break
    assert "Traceback" not in err and "Exception" not in err, err
    assert len(lines) == 3 and all(line.startswith("serve: 127.0.0.1:") and "went away" in line for line in lines), err


ALLOWED = ["127.0.0.1:{port}", "localhost:{port}", "LocalHost:{port}", "[::1]:{port}"]
REFUSED = ["evil.example:{port}", "evil.example", "127.0.0.1.nip.io:{port}", "127.0.0.1:1", "localhost",
           "127.0.0.1", "", "localhost:{port}.evil.example", "192.168.1.5:{port}"]


def test_only_requests_naming_this_server_are_answered(start, big_model):
    port = start(serve.Site(big_model))
    for host in ALLOWED:
        assert request(port, "/pure/layers.py", host.format(port=port))[0] == 200, host
    for host in REFUSED:
        for path in ("/model.json", "/config.json", "/"):
            status, body = request(port, path, host.format(port=port))
            assert status == 403, (host, path)
            assert b"not this server's address" in body and len(body) < 1000 and b"0,0,0" not in body


def test_the_allowed_hosts_follow_the_bound_address():
    assert serve.allowed_hosts("127.0.0.1", 8000) == {"127.0.0.1:8000", "localhost:8000", "[::1]:8000"}
    assert "192.168.1.5:8000" in serve.allowed_hosts("192.168.1.5", 8000)
    assert "[fe80::1]:8000" in serve.allowed_hosts("fe80::1", 8000)
    assert "localhost" in serve.allowed_hosts("127.0.0.1", 80)          # a browser leaves out port 80
    assert "0.0.0.0:8000" not in serve.allowed_hosts("0.0.0.0", 8000)


def test_config_json_names_the_model_without_this_machine_s_folders(start, tiny_model, tmp_path):
    port = start(serve.Site(tiny_model))
    status, body = request(port)
    assert json.loads(body)["model_name"] == "tiny.json"
    assert str(tmp_path) not in body.decode() and ROOT not in body.decode()
    assert serve.main([tiny_model, "--export", str(tmp_path / "site")]) == 0
    exported = (tmp_path / "site" / "config.json").read_text()
    assert json.loads(exported)["model_name"] == "tiny.json" and str(tmp_path) not in exported


@pytest.mark.parametrize("target, message", [
    ("{model}", "it is a regular file, not a folder"), ("/dev/null", "a device"), ("", "the path is empty"),
    ("{model}/site", "is a file, not a folder"), (os.path.join(ROOT, "web"), "the checkout's own web/"),
    (os.path.join(ROOT, "web", "site"), "the checkout's own web/")])
def test_export_refuses_a_target_that_is_no_folder_of_its_own(tiny_model, capsys, target, message):
    target = target.format(model=tiny_model)
    before = sorted(os.listdir(os.path.join(ROOT, "web")))
    assert serve.main([tiny_model, "--export", target]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"serve: --export {target!r}: ") and message in err, err
    assert sorted(os.listdir(os.path.join(ROOT, "web"))) == before
