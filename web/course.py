"""The course in the page: every lesson of `python -m lessons`, run by the page's Python worker.

    lessons()                 each lesson found by lessons.__main__.modules() (the package's own list):
                              name, title, its series text from lessons/SERIES.md, its source
    run(name, quick, ...)     the lesson exactly as `python -m lessons run NAME --backend pure [--quick]`
                              prints it; every picture it writes is handed to `on_picture` as it is written
    exercises() / grade(...)  the exercises of lessons/exercises/ and the project's own grader

Nothing here knows it is in a browser: the page's worker (web/worker.js) calls these
functions on Pyodide, and web/tests/ call the same ones on CPython.
"""
from __future__ import annotations

import contextlib
import inspect
import io
import os
import re
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE) if os.path.isdir(os.path.join(os.path.dirname(HERE), "lessons")) else HERE
SERIES = os.path.join(ROOT, "lessons", "SERIES.md")
OUT = "lesson-output"             # pictures go to OUT/<lesson>/, as `python -m lessons run` writes them
# Lessons the page does not run, and why (a lesson not named here runs in the page).
NOT_IN_THE_PAGE = {
    "micropython-predict": "it writes a folder to copy onto a MicroPython board (with mpremote, from a "
                           "terminal) and needs the test suite's MicroPython stand-ins, which the site does "
                           "not ship: run `python3 -m lessons run micropython-predict --quick` in a terminal",
}


# ------------------------------------------------------------------ what the course holds

def lessons() -> list:
    """Every lesson `python -m lessons` lists, in course order, with what the page shows beside it."""
    from lessons.__main__ import modules
    sections = series_sections()
    found = []
    for module_name, module in modules():
        path = inspect.getsourcefile(module)
        with open(path, encoding="utf-8") as f:
            source = f.read()
        found.append({
            "name": module.NAME, "module": module_name, "title": module.TITLE,
            "reported": getattr(module, "REPORTED", ""),
            "file": f"lessons/{os.path.basename(path)}", "source": source,
            "doc": inspect.getdoc(module) or "",
            "mnist": "data_dir" in inspect.signature(module.run).parameters,
            "series": series_of(module.NAME, sections),
            "skip": NOT_IN_THE_PAGE.get(module.NAME),
        })
    return found


def series_sections(path=SERIES) -> list:
    """lessons/SERIES.md as sections: heading, and blocks (paragraphs, tables, bullet lists) as text."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    sections = []
    for chunk in re.split(r"^## ", text, flags=re.M)[1:]:
        heading, _, body = chunk.partition("\n")
        blocks = [b.strip() for b in re.split(r"\n\s*\n", body) if b.strip()]
        sections.append({"heading": heading.strip(), "blocks": blocks})
    return sections


def series_of(name, sections) -> dict | None:
    """What SERIES.md says about lesson `name`: its section's heading, the prose around it, and the
    table row (header -> cell) naming it, or the paragraph / list item naming it. None if not there."""
    mark = f"`{name}`"
    for section in sections:
        if not any(mark in block for block in section["blocks"]):
            continue
        prose, row, items = [], None, []
        for block in section["blocks"]:
            if block.startswith("|"):
                lines = [line.strip() for line in block.splitlines()]
                header = _cells(lines[0])
                for line in lines[2:]:
                    if mark in line:
                        row = [[h, c] for h, c in zip(header, _cells(line))]
            elif block.startswith("- "):
                items += [item for item in re.split(r"\n(?=- )", block) if mark in item]
            else:
                prose.append(block)
        if not row and items:
            prose = []                     # "Our own lessons": the item is the text
        return {"heading": section["heading"], "prose": prose, "row": row,
                "items": [" ".join(i[2:].split()) for i in items]}
    return None


def _cells(line):
    return [c.strip() for c in line.strip().strip("|").split("|")]


# ------------------------------------------------------------------ running one

_listener = [None]        # called with (the written file, the picture's final path) while a lesson runs


def _audit(event, args):
    """Every picture goes through pictures.files.write_atomic, which renames a finished temporary
    file over the picture: the rename is the moment the picture exists, so it is shown then."""
    if event == "os.rename" and _listener[0] is not None and len(args) >= 2:
        destination = os.fsdecode(args[1])
        if destination.lower().endswith((".svg", ".png")):
            _listener[0](os.fsdecode(args[0]), destination)


_hooked = []


def run(name, quick=True, out=OUT, on_picture=None) -> dict:
    """Run lesson `name` on the pure twin as `python -m lessons run NAME --backend pure [--quick] --out OUT`
    does (its printed output goes to sys.stdout as it is printed); return its exit status and seconds.

    on_picture(written, path) is called for every SVG or PNG picture the moment it is written
    (`written` holds the finished bytes; `path` is where the lesson puts it)."""
    from lessons.__main__ import main
    if not _hooked:
        sys.addaudithook(_audit)           # once per interpreter: audit hooks cannot be removed
        _hooked.append(True)
    argv = ["run", name, "--backend", "pure", "--out", out] + (["--quick"] if quick else [])
    _listener[0] = on_picture
    started = time.perf_counter()
    try:
        status = main(argv)
    except SystemExit as e:               # by_name's "no lesson" and the like
        print(e, file=sys.stderr)
        status = 2
    finally:
        _listener[0] = None
        sys.stdout.flush()
    return {"status": status, "seconds": time.perf_counter() - started}


def pictures_of(name, out=OUT) -> list:
    """The pictures a lesson left in its folder (for a page that missed one)."""
    folder = os.path.join(out, name)
    if not os.path.isdir(folder):
        return []
    return [os.path.join(folder, f) for f in sorted(os.listdir(folder))
            if f.lower().endswith((".svg", ".png")) and not f.startswith(".")]


def capture(name, quick=True, out=OUT) -> dict:
    """run() with its printed output and the pictures' paths collected (tests; CPython's reference)."""
    written = []
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        result = run(name, quick, out, on_picture=lambda src, dst: written.append(dst))
    result.update(output=buffer.getvalue(), pictures=written)
    return result


# ------------------------------------------------------------------ exercises

def exercises() -> list:
    """Every exercise conformance.grade.exercises() finds in lessons/exercises (its GRADE markers), in order."""
    from conformance import grade
    found = []
    for exercise in grade.exercises():
        source = exercise.source()
        doc = inspect.cleandoc(_docstring(source))
        found.append({"name": os.path.basename(exercise.path)[:-3], "path": exercise.path, "class": exercise.name,
                      "like": exercise.like, "title": exercise.title, "text": doc.partition("\n")[2].strip(),
                      "skeleton": source, "command": f"python3 -m conformance grade {exercise.path}"})
    return found


def _docstring(source):
    import ast
    return ast.get_docstring(ast.parse(source)) or ""


def grade(name, code) -> dict:
    """Grade `code` (the learner's version of exercise `name`) with the project's own grader; print its report
    as `python3 -m conformance grade lessons/exercises/NAME.py` prints it; return its exit status."""
    from conformance import grade as grader
    exercise = next((e for e in exercises() if e["name"] == name), None)
    if exercise is None:
        raise ValueError(f"no exercise {name!r}")
    graded = grader.grade_source(code, like=exercise["like"], name=exercise["class"], filename=exercise["path"])
    grader._print(graded, sys.stdout, sys.stdout)
    sys.stdout.flush()
    return {"status": graded.status}
