"""Download the full MNIST and Fashion-MNIST files, verified, with the standard library.

    python -m data download mnist                 # into ~/.cache/twinnet/mnist
    python -m data download fashion-mnist --dir ~/datasets/fashion

    from data.download import download
    paths = download("mnist")                     # the four files, verified

What it does, for each of the four standard files (train/t10k images/labels):

- tries a list of public mirrors in order, falling back from one to the next
  (two rounds, so a mirror that failed once gets a second chance);
- downloads into `<name>.part` and renames to `<name>` only once the file is
  complete and verified, so a partial file never sits under the final name;
- resumes a `.part` left by an interrupted run with an HTTP Range request (from
  any mirror: they serve identical bytes), starting over if the server ignores it;
- verifies each file against a pinned SHA-256 of the official archive. A mirror
  that recompressed the archive (Debian's package did) serves other bytes with the
  same content; those pass if the decompressed content matches its own pinned
  SHA-256 (decompression is capped at the known size, so a hostile file cannot
  balloon);
- keeps files already present that verify, and moves aside (`<name>.corrupt`)
  ones that do not, so running it again is cheap and safe;
- when no mirror can be reached, says how to get the files onto an offline machine.

Where files go: `--dir` if given, else `default_directory(dataset)`:
`$TWINNET_DATA/<dataset>` when TWINNET_DATA is set, else
`$XDG_CACHE_HOME/twinnet/<dataset>` (~/.cache/twinnet/<dataset>). `load_mnist()`
looks there first, so after a download the full 60,000-image training set is used
with no extra flag; with nothing downloaded it keeps using the 10,000 shipped
training digits (MNIST) or Debian's /usr/share/datasets/fashion-mnist.

Pinned checksums (SHA-256): the archives' values are the ones published with the
datasets and used by torchvision / tensorflow-datasets; the content values were
computed here from the shipped MNIST test set and Debian's dataset-fashion-mnist
and match published values for the decompressed files. Note that the shipped
data/mnist/t10k-*.gz were recompressed (their archive checksums differ from the
official archives' though their content is identical).
"""

from __future__ import annotations

import gzip
import hashlib
import http.client
import os
import socket
import sys
import urllib.error
import urllib.request
import zlib
from collections import namedtuple

from .errors import DataError

# name, archive bytes, archive SHA-256, content bytes (decompressed), content SHA-256
PinnedFile = namedtuple("PinnedFile", "name size sha256 content_size content_sha256")

DATASETS = {
    "mnist": {
        "mirrors": [
            "https://ossci-datasets.s3.amazonaws.com/mnist/",
            "https://storage.googleapis.com/cvdf-datasets/mnist/",
            "http://yann.lecun.com/exdb/mnist/",
        ],
        "files": [
            PinnedFile("train-images-idx3-ubyte.gz", 9912422,
                       "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609", 47040016,
                       "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"),
            PinnedFile("train-labels-idx1-ubyte.gz", 28881,
                       "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c", 60008,
                       "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"),
            PinnedFile("t10k-images-idx3-ubyte.gz", 1648877,
                       "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6", 7840016,
                       "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
            PinnedFile("t10k-labels-idx1-ubyte.gz", 4542,
                       "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6", 10008,
                       "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"),
        ],
    },
    "fashion-mnist": {
        "mirrors": [
            "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
            "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/",
        ],
        "files": [
            PinnedFile("train-images-idx3-ubyte.gz", 26421880,
                       "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84", 47040016,
                       "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"),
            PinnedFile("train-labels-idx1-ubyte.gz", 29515,
                       "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845", 60008,
                       "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"),
            PinnedFile("t10k-images-idx3-ubyte.gz", 4422102,
                       "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073", 7840016,
                       "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"),
            PinnedFile("t10k-labels-idx1-ubyte.gz", 5148,
                       "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5", 10008,
                       "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"),
        ],
    },
}

CHUNK = 64 * 1024


class DownloadError(DataError):
    """No mirror delivered a file that verifies (the message says what each one did; `brief`, the same
    without each attempt, for a command whose `say` already printed them as they happened)."""

    def __init__(self, message, brief=None):
        super().__init__(message)
        self.brief = message if brief is None else brief


class _Failed(Exception):
    """One attempt at one mirror failed; the message says why."""


def default_directory(dataset: str) -> str:
    """Where `download` puts a dataset and `load_mnist` looks first."""
    root = os.environ.get("TWINNET_DATA")
    if not root:
        cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        root = os.path.join(cache, "twinnet")
    return os.path.join(os.path.expanduser(root), dataset)


def pinned(dataset: str, name: str):
    """The PinnedFile of a dataset's file name, or None."""
    for spec in DATASETS.get(dataset, {}).get("files", []):
        if spec.name == name:
            return spec
    return None


def sha256_of(path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def content_sha256_of(path, limit: int):
    """SHA-256 of a gzip file's decompressed content, reading at most `limit` + 1 bytes of it.

    Returns None if the file is not valid gzip or holds more than `limit` bytes."""
    digest, total = hashlib.sha256(), 0
    try:
        with gzip.open(path, "rb") as stream:
            while True:
                block = stream.read(min(1024 * 1024, limit + 1 - total))
                if not block:
                    break
                total += len(block)
                if total > limit:
                    return None
                digest.update(block)
    except (OSError, EOFError, zlib.error):
        return None
    return digest.hexdigest()


def verify_file(path, spec) -> str:
    """'archive' if the file is the official archive, 'content' if it is a recompressed copy
    of the same content, '' if neither."""
    if sha256_of(path) == spec.sha256:
        return "archive"
    if spec.content_sha256 and content_sha256_of(path, spec.content_size) == spec.content_sha256:
        return "content"
    return ""


def download(dataset: str, directory=None, mirrors=None, files=None, timeout: float = 30.0,
             rounds: int = 2, say=None):
    """Download and verify a dataset's four files; return their paths.

    dataset:  "mnist" or "fashion-mnist"
    directory: where to put them (default: default_directory(dataset))
    mirrors:  base URLs to try, in order (default: the dataset's public mirrors);
              each file is fetched as base URL + file name
    files:    PinnedFile entries (default: the dataset's pinned four)
    timeout:  seconds a connection or a read may stall before the next mirror is tried
    say:      a function given progress messages (default: print to stderr)

    Raises DownloadError (a DataError) if some file could not be fetched and verified.
    """
    if dataset not in DATASETS:
        raise ValueError(f"unknown dataset {dataset!r}; choose one of {', '.join(DATASETS)}")
    directory = os.path.expanduser(os.fspath(directory)) if directory is not None else default_directory(dataset)
    mirrors = list(mirrors) if mirrors is not None else DATASETS[dataset]["mirrors"]
    files = list(files) if files is not None else DATASETS[dataset]["files"]
    say = say if say is not None else (lambda message: print(message, file=sys.stderr, flush=True))
    try:
        os.makedirs(directory, exist_ok=True)
    except OSError as error:
        raise DownloadError(f"cannot create {directory}: {error.strerror}") from None
    paths, failures = [], []
    for spec in files:
        try:
            paths.append(fetch_verified(spec, mirrors, directory, timeout, rounds, say))
        except DownloadError as error:
            failures.append(error)
    if failures:
        advice = offline_advice(dataset, directory, mirrors, files)
        raise DownloadError("\n".join(str(e) for e in failures) + "\n" + advice,
                            brief="\n".join(e.brief for e in failures) + "\n" + advice)
    return paths


def fetch_verified(spec, mirrors, directory, timeout=30.0, rounds=2, say=lambda message: None) -> str:
    """One file: keep it if present and good, else fetch it from the mirrors; return its path."""
    final = os.path.join(directory, spec.name)
    if os.path.isfile(final):
        how = verify_file(final, spec)
        if how:
            say(f"{spec.name}: already there, SHA-256 verified ({how})")
            return final
        aside = final + ".corrupt"
        os.replace(final, aside)
        say(f"{spec.name}: the file there fails its SHA-256 check; moved to {aside}, downloading again")
    part = final + ".part"
    problems = []
    for _ in range(rounds):
        for base in mirrors:
            url = base + spec.name
            try:
                resumed_from = _fetch(url, part, spec.size, timeout)
            except _Failed as error:
                problems.append(f"{url}: {error}")
                say(f"{spec.name}: {url}: {error}")
                continue
            how = verify_file(part, spec)
            if not how:
                problems.append(f"{url}: the file does not match its pinned SHA-256 (corrupt or a different file)")
                say(f"{spec.name}: {url}: SHA-256 mismatch, discarded")
                os.remove(part)
                continue
            os.replace(part, final)
            note = f", resumed at byte {resumed_from:,}" if resumed_from else ""
            say(f"{spec.name}: downloaded from {url}{note}, SHA-256 verified ({how})")
            return final
    kept = f" (the {os.path.getsize(part):,} bytes received are kept in {part}; the next run resumes)" \
        if os.path.isfile(part) else ""
    raise DownloadError(f"{spec.name}: no mirror delivered a verified file{kept}:\n  " + "\n  ".join(problems),
                        brief=f"{spec.name}: no mirror delivered a verified file{kept} ({len(problems)} attempts)")


def _fetch(url, part, size, timeout):
    """Fetch url into part, appending to what part already holds (HTTP Range). Returns the
    byte the transfer resumed from (0 if from the start). Raises _Failed, keeping the bytes
    received so far when the transfer was merely cut short."""
    have = os.path.getsize(part) if os.path.isfile(part) else 0
    ceiling = 2 * size + 1024 * 1024           # a server sending more than this is not serving our file
    headers = {"User-Agent": "twinnet-data/1 (python urllib)"}
    if have:
        headers["Range"] = f"bytes={have}-"
    request = urllib.request.Request(url, headers=headers)
    try:
        response = urllib.request.urlopen(request, timeout=timeout)
    except urllib.error.HTTPError as error:
        if error.code == 416 and have:           # our partial file does not fit this server's file
            os.remove(part)
        raise _Failed(f"HTTP {error.code} {error.reason}") from None
    except urllib.error.URLError as error:
        raise _Failed(f"cannot connect ({_reason(error.reason)})") from None
    except (OSError, http.client.HTTPException, ValueError) as error:
        raise _Failed(f"cannot connect ({_reason(error)})") from None
    with response:
        start, total = _plan(response, have)
        if start == 0 and have:
            have = 0                             # the server ignored the Range: start over
        expected_total = total if total is not None else None
        if expected_total is not None and expected_total > ceiling:
            raise _Failed(f"the server announces {expected_total:,} bytes, far more than the "
                          f"{size:,} expected")
        try:
            read = getattr(response, "read1", response.read)     # read1: what has arrived, without waiting for more
            with open(part, "ab" if start else "wb") as out:
                while True:
                    block = read(CHUNK)
                    if not block:
                        break
                    have += len(block)
                    if have > ceiling:
                        out.truncate(0)
                        raise _Failed(f"the server sent more than {ceiling:,} bytes; discarded")
                    out.write(block)
                out.flush()
                os.fsync(out.fileno())
        except (OSError, http.client.HTTPException) as error:
            if isinstance(error, (socket.timeout, TimeoutError)):
                raise _Failed(f"stalled for {timeout:g}s after {have:,} bytes") from None
            raise _Failed(f"transfer broken after {have:,} bytes ({_reason(error)})") from None
    if expected_total is not None and have < expected_total:
        raise _Failed(f"connection closed after {have:,} of {expected_total:,} bytes")
    return start


def _plan(response, have):
    """(byte the response starts at, total size of the file or None) from status and headers."""
    length = response.headers.get("Content-Length")
    length = int(length) if length and length.isdigit() else None
    if response.status == 206:
        content_range = response.headers.get("Content-Range", "")
        # "bytes START-END/TOTAL"
        try:
            span, total = content_range.split(" ", 1)[1].split("/")
            start = int(span.split("-")[0])
            total = None if total == "*" else int(total)
        except (IndexError, ValueError):
            raise _Failed(f"unreadable Content-Range {content_range!r:.60}") from None
        if start != have:
            raise _Failed(f"asked for bytes from {have:,}, the server sent from {start:,}")
        return start, total
    if response.status in (200, None):         # None: a file:// mirror (a local copy) has no status
        return 0, length
    raise _Failed(f"unexpected HTTP status {response.status}")


def _reason(error):
    if isinstance(error, socket.gaierror):
        return "the host name does not resolve: no network, or no DNS"
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(error, (socket.timeout, TimeoutError)):
        return "timed out"
    return str(error) or type(error).__name__


def offline_advice(dataset, directory, mirrors, files):
    names = " ".join(spec.name for spec in files)
    lines = [
        "If this machine has no internet access: on a machine that has, download the files",
        f"  {names}",
        f"from one of {', '.join(mirrors)}, copy them into {directory}, and run",
        f"  python -m data download {dataset} --dir {directory}",
        "again: files already there are checked against their pinned SHA-256 and kept.",
        "(Or leave them in any folder and add --mirror file:///path/to/that/folder/.)",
    ]
    if dataset == "fashion-mnist":
        lines.append("Fashion-MNIST is also packaged by Debian and Ubuntu: apt-get install dataset-fashion-mnist "
                     "(load_mnist finds it with no flag).")
    lines.append("Without the full set, load_mnist uses the 10,000 training digits shipped in data/mnist/.")
    return "\n".join(lines)
