"""How long each lesson takes on CPython's pure twin, quick and full: web/lesson-times.json.

    python3 benchmarks/lesson_times.py               # every lesson; a full run over --limit seconds is cut off
    python3 benchmarks/lesson_times.py --limit 45 --only a1-neuron d5-backprop-xor

The course page (web/course.js) reads the file to say, before a full run starts, how long it should
take in the page (these seconds times the page's measured slowdown), and offers the full run only
where the page can finish it; a lesson cut off here (null) is left to the terminal. Times are
wall-clock seconds of `python3 -m lessons run NAME --backend pure [--quick]` in a subprocess.
"""
import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
OUT = os.path.join(ROOT, "web", "lesson-times.json")


def seconds(name, quick, limit, folder):
    command = [sys.executable, "-m", "lessons", "run", name, "--backend", "pure", "--out", folder]
    started = time.perf_counter()
    try:
        done = subprocess.run(command + (["--quick"] if quick else []), cwd=ROOT, capture_output=True,
                              timeout=limit)
    except subprocess.TimeoutExpired:
        return None
    took = time.perf_counter() - started
    return round(took, 2) if done.returncode == 0 else None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=float, default=45.0, help="seconds a full run may take (default 45)")
    parser.add_argument("--only", nargs="*", help="these lessons (the others keep their numbers in the file)")
    args = parser.parse_args(argv)
    from lessons.__main__ import modules
    previous = {}
    if args.only and os.path.isfile(OUT):
        with open(OUT) as f:
            previous = json.load(f)["lessons"]
    measured = dict(previous)
    loads = [os.getloadavg()[0]]
    if args.only and os.path.isfile(OUT):
        with open(OUT) as f:
            loads += json.load(f)["load_average"]
    with tempfile.TemporaryDirectory() as folder:
        for _, module in modules():
            if args.only and module.NAME not in args.only:
                continue
            quick = seconds(module.NAME, True, 10 * args.limit, folder)
            full = seconds(module.NAME, False, args.limit, folder)
            loads.append(os.getloadavg()[0])
            measured[module.NAME] = {"quick": quick, "full": full, "limit": args.limit}
            print(f"{module.NAME:22s} quick {quick}  full {full if full is not None else f'over {args.limit:g} s'}",
                  flush=True)
    record = {"measured": datetime.date.today().isoformat(),
              "command": "python3 benchmarks/lesson_times.py" + (f" --limit {args.limit:g}" * (args.limit != 45)),
              "python": sys.version.split()[0],
              "load_average": [round(min(loads), 2), round(max(loads), 2)],
              "lessons": measured}
    with open(OUT, "w") as f:
        json.dump(record, f, indent=1)
        f.write("\n")
    print(f"wrote {os.path.relpath(OUT)} (load average {min(loads):.2f}-{max(loads):.2f})")


if __name__ == "__main__":
    main()
