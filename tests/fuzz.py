"""Fuzzing the readers of outside data: IDX, CSV, model files and checkpoints.

    python -m tests.fuzz --seconds 600            # all targets, ten minutes
    python -m tests.fuzz --seconds 60 --target idx --target model

Each target takes bytes, writes them to a file and reads it with the project's
reader. The only acceptable outcomes are a successful read or the reader's own
exception (DataError for data files, ModelFileError -- and its CheckpointError --
for model files and checkpoints) with a message. Anything else is a finding: another
exception (a crash deep inside), a case slower than --slow seconds (a hang), or a
MemoryError under the address-space limit this script sets (a huge allocation
from a forged header). Findings are written to --out for replay.

Inputs are valid files mutated at random (truncated, bits flipped, bytes inserted,
deleted or overwritten, header fields forged to huge values, JSON values replaced)
and plain random bytes. tests/test_fuzz.py runs the same targets under hypothesis,
bounded, in the default test run; this script is the long run.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import sys
import tempfile
import time
import traceback

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

import data  # noqa: E402
import pure  # noqa: E402


# ---------------------------------------------------------------- valid seeds


def idx_seeds():
    """Small valid IDX files: images and labels, plain and gzip, several dtypes."""
    rng = random.Random(0)
    seeds = []
    for shape, dtype, values in [((3, 4, 4), "uint8", [rng.randrange(256) for _ in range(48)]),
                                 ((5,), "uint8", [rng.randrange(10) for _ in range(5)]),
                                 ((2, 3), "int16", [rng.randrange(-300, 300) for _ in range(6)]),
                                 ((4,), "float64", [rng.random() for _ in range(4)]),
                                 ((2, 2), "int32", [rng.randrange(-10**6, 10**6) for _ in range(4)])]:
        with tempfile.TemporaryDirectory() as tmp:
            for name in ("a.idx", "a.idx.gz"):
                path = os.path.join(tmp, name)
                import array
                payload = bytes(values) if dtype == "uint8" else array.array(
                    {"int16": "h", "int32": "i", "float64": "d"}[dtype], values)
                data.write_idx(path, shape, payload, dtype=None if dtype == "uint8" else dtype)
                seeds.append(open(path, "rb").read())
    return seeds


def csv_seeds():
    rng = random.Random(1)
    rows = ["label," + ",".join(f"p{i}" for i in range(16))]
    rows += [",".join(str(v) for v in [rng.randrange(10)] + [rng.randrange(256) for _ in range(16)])
             for _ in range(4)]
    text = "\n".join(rows) + "\n"
    return [text.encode(), text.split("\n", 1)[1].encode(), gzip.compress(text.encode(), mtime=0)]


def small_model():
    return pure.Sequential([pure.Dense(3, 4, seed=0), pure.LeakyReLU(0.2), pure.Dropout(0.1, seed=1),
                            pure.Dense(4, 2, seed=2, bias=False)])


def model_seeds():
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "m.json")
        pure.save(small_model(), path)
        return [open(path, "rb").read()]


def checkpoint_fixture():
    """(model maker, data) for a tiny run whose checkpoints are fuzzed."""
    x = [[0.1, 0.2, 0.3], [0.3, -0.1, 0.0], [-0.2, 0.5, 0.1], [0.4, 0.4, -0.4]]
    return small_model, x, [0, 1, 0, 1]


def checkpoint_seeds():
    make, x, y = checkpoint_fixture()
    seeds = []
    with tempfile.TemporaryDirectory() as tmp:
        for number, optimizer in enumerate((pure.Adam(0.01), pure.SGD(0.1, momentum=0.9))):
            path = os.path.join(tmp, "c%d.json" % number)    # a fresh path: fit refuses another run's checkpoint
            make().fit(x, y, pure.CrossEntropy(), optimizer, epochs=2, batch_size=2, seed=0, progress=False,
                       checkpoint=path)
            seeds.append(open(path, "rb").read())
    return seeds


# ---------------------------------------------------------------- mutations


HUGE = [0, 1, 255, 256, 2**15, 2**16 - 1, 2**31 - 1, 2**31, 2**32 - 1]


def mutate(raw: bytes, rng: random.Random) -> bytes:
    """One to four random edits of raw bytes."""
    out = bytearray(raw)
    for _ in range(rng.randint(1, 4)):
        choice = rng.randrange(7)
        if choice == 0 and out:                                  # truncate
            del out[rng.randrange(len(out)):]
        elif choice == 1 and out:                                # flip bits
            for _ in range(rng.randint(1, 8)):
                out[rng.randrange(len(out))] ^= 1 << rng.randrange(8)
        elif choice == 2:                                        # insert random bytes
            at = rng.randrange(len(out) + 1)
            out[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
        elif choice == 3 and out:                                # delete a span
            at = rng.randrange(len(out))
            del out[at:at + rng.randint(1, 16)]
        elif choice == 4 and len(out) >= 8:                      # forge a 32-bit big-endian field
            at = rng.randrange(0, min(len(out) - 3, 64))
            out[at:at + 4] = rng.choice(HUGE).to_bytes(4, "big")
        elif choice == 5 and out:                                # overwrite with a chosen byte
            out[rng.randrange(len(out))] = rng.choice([0, 0x0B, 0x0D, 0x0E, 0xFF, ord(","), ord("\n")])
        elif choice == 6 and out:                                # duplicate a span
            at = rng.randrange(len(out))
            out[at:at] = out[at:at + rng.randint(1, 64)]
    return bytes(out)


JSON_VALUES = [None, True, False, 0, -1, 10**9, 10**30, 1e308, -1e-308, 0.5, "", "x", "nan", "inf", [], {},
               [[]], [1, 2], {"a": 1}, "Dense", "__import__('os')", 2**63, [[0.0] * 3] * 4]


def mutate_json(raw: bytes, rng: random.Random) -> bytes:
    """Replace, delete or add one value somewhere in a JSON document (keeps it valid JSON)."""
    try:
        doc = json.loads(raw)
    except ValueError:
        return mutate(raw, rng)
    containers = []

    def walk(node):
        if isinstance(node, dict):
            containers.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list) and len(node) < 700:
            containers.append(node)
            for value in node:
                walk(value)
    walk(doc)
    for _ in range(rng.randint(1, 3)):
        node = rng.choice(containers)
        if isinstance(node, dict) and node:
            key = rng.choice(sorted(node))
            action = rng.randrange(3)
            if action == 0:
                node[key] = rng.choice(JSON_VALUES)
            elif action == 1:
                del node[key]
            else:
                node[rng.choice(["type", "config", "params", "n_in", "extra", key + "_"])] = rng.choice(JSON_VALUES)
        elif isinstance(node, list) and node:
            at = rng.randrange(len(node))
            action = rng.randrange(3)
            if action == 0:
                node[at] = rng.choice(JSON_VALUES)
            elif action == 1:
                del node[at]
            else:
                node.insert(at, rng.choice(JSON_VALUES))
    return json.dumps(doc).encode()


# ---------------------------------------------------------------- targets


def target_idx(raw: bytes, folder: str) -> str:
    path = os.path.join(folder, "f.idx")
    with open(path, "wb") as f:
        f.write(raw)
    try:
        data.read_idx_header(path)
        result = data.read_idx(path)
        assert result.size == len(result.data), "IdxArray size disagrees with its data"
        return "read"
    except data.DataError as error:
        assert str(error), "empty message"
        return "refused"


def target_csv(raw: bytes, folder: str) -> str:
    path = os.path.join(folder, "f.csv")
    with open(path, "wb") as f:
        f.write(raw)
    try:
        images, labels = data.read_csv(path, rows=4, cols=4)
        assert len(images) == len(labels)
        return "read"
    except data.DataError as error:
        assert str(error), "empty message"
        return "refused"


def target_model(raw: bytes, folder: str, nn=pure) -> str:
    path = os.path.join(folder, "m.json")
    with open(path, "wb") as f:
        f.write(raw)
    try:
        model = nn.load(path)
    except nn.ModelFileError as error:
        assert str(error), "empty message"
        return "refused"
    width = next((layer.n_in for layer in model.layers if hasattr(layer, "n_in")), 3)   # the first Dense's
    out = model.predict([[0.1] * width])
    assert len(out) == 1
    return "read"


def target_checkpoint(raw: bytes, folder: str, nn=pure) -> str:
    """Resume a run from a mutated checkpoint: either it resumes, or CheckpointError and nothing changed."""
    path = os.path.join(folder, "c.json")
    with open(path, "wb") as f:
        f.write(raw)
    make, x, y = checkpoint_fixture()
    model = make() if nn is pure else __import__("tests.fuzz", fromlist=["x"]).vectorized_model(nn)
    before = [{k: list(map(list, v)) if isinstance(v[0], list) else list(v) for k, v in layer.params.items()}
              for layer in model.layers] if nn is pure else None
    optimizer = nn.Adam(0.01) if b'"Adam"' in raw else nn.SGD(0.1, momentum=0.9)
    try:
        model.fit(x, y, nn.CrossEntropy(), optimizer, epochs=3, batch_size=2, seed=0, progress=False,
                  resume=path)
        return "resumed"
    except nn.ModelFileError as error:
        assert str(error), "empty message"
        if before is not None:
            assert [dict(layer.params) for layer in model.layers] == before, "a refused checkpoint changed the model"
            assert optimizer.state == {}, "a refused checkpoint changed the optimizer"
        return "refused"
    except nn.TrainingError:
        return "diverged"          # a forged but well-formed checkpoint may hold weights that overflow


def vectorized_model(nn):
    return nn.Sequential([nn.Dense(3, 4, seed=0), nn.LeakyReLU(0.2), nn.Dropout(0.1, seed=1),
                          nn.Dense(4, 2, seed=2, bias=False)])


TARGETS = {
    "idx": (target_idx, idx_seeds, mutate),
    "csv": (target_csv, csv_seeds, mutate),
    "model": (target_model, model_seeds, None),
    "checkpoint": (target_checkpoint, checkpoint_seeds, None),
}


def make_input(name, seeds, rng):
    """A fuzz input for a target: mostly mutated seeds, sometimes random bytes."""
    mutator = TARGETS[name][2]
    roll = rng.random()
    if roll < 0.08:
        return bytes(rng.randrange(256) for _ in range(rng.randrange(64)))
    seed = rng.choice(seeds)
    if mutator is None:                       # JSON targets: half structural, half byte-level
        return mutate_json(seed, rng) if roll < 0.6 else mutate(seed, rng)
    return mutator(seed, rng)


# ---------------------------------------------------------------- the long run


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz", description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="total time, shared by the targets")
    parser.add_argument("--target", action="append", choices=sorted(TARGETS), help="default: all")
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: from the clock)")
    parser.add_argument("--slow", type=float, default=5.0, help="a case slower than this is a finding (hang)")
    parser.add_argument("--memory-gb", type=float, default=4.0, help="address-space limit (Linux), 0 = none")
    parser.add_argument("--out", default="fuzz-findings", help="folder for the inputs of findings")
    args = parser.parse_args(argv)
    if args.memory_gb:
        try:
            import resource
            limit = int(args.memory_gb * 2**30)
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        except (ImportError, ValueError, OSError):
            print("note: could not limit memory; huge allocations will not be caught", file=sys.stderr)
    seed = args.seed if args.seed is not None else int(time.time())
    rng = random.Random(seed)
    targets = args.target or sorted(TARGETS)
    seeds = {name: TARGETS[name][1]() for name in targets}
    counts = {name: {} for name in targets}
    findings = []
    deadline = time.monotonic() + args.seconds
    with tempfile.TemporaryDirectory() as folder:
        while time.monotonic() < deadline:
            for name in targets:
                raw = make_input(name, seeds[name], rng)
                started = time.monotonic()
                try:
                    outcome = TARGETS[name][0](raw, folder)
                except BaseException as error:      # noqa: B902 -- everything else is a finding
                    if isinstance(error, KeyboardInterrupt):
                        raise
                    outcome = f"FINDING {type(error).__name__}"
                    findings.append((name, raw, traceback.format_exc()))
                seconds = time.monotonic() - started
                if seconds > args.slow:
                    outcome = "FINDING slow"
                    findings.append((name, raw, f"took {seconds:.1f}s"))
                counts[name][outcome] = counts[name].get(outcome, 0) + 1
    total = sum(sum(c.values()) for c in counts.values())
    print(f"fuzz: {total:,} cases in {args.seconds:g}s (seed {seed})")
    for name in targets:
        parts = ", ".join(f"{k} {v:,}" for k, v in sorted(counts[name].items()))
        print(f"  {name}: {sum(counts[name].values()):,} cases: {parts}")
    if findings:
        os.makedirs(args.out, exist_ok=True)
        for i, (name, raw, report) in enumerate(findings):
            with open(os.path.join(args.out, f"{name}-{i}.bin"), "wb") as f:
                f.write(raw)
            with open(os.path.join(args.out, f"{name}-{i}.txt"), "w") as f:
                f.write(report)
        print(f"{len(findings)} findings written to {args.out}/")
        print(findings[0][2])
        return 1
    print("findings: none")
    return 0


if __name__ == "__main__":
    from app.cli import quiet_on_closed_pipe     # `... | head`: no traceback
    sys.exit(quiet_on_closed_pipe(main))
