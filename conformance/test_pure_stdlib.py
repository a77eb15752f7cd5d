"""The pure twin imports nothing outside the standard library and itself.

Its entry point, pure/__main__.py (`python -m pure`), is the one exception: it
calls the application, app/. `pictures` (the SVG/PNG writers, used by app/ and
the lessons) is scanned too: it imports nothing outside the standard library
and data. (tests/test_architecture.py checks the whole import graph.)

Read from the source with the ast module, so an import hidden in a function
body or behind a try counts too. Tests and pictures/examples (a script that trains with pure
to draw the example pictures) are excluded.
"""
import ast
import pathlib
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
ALLOWED_PROJECT_ROOTS = {"pure": {"pure"}, "pictures": {"pictures", "data"}}
ENTRY_POINT_ROOTS = {"app"}          # pure/__main__.py runs the application

# sys.stdlib_module_names exists from Python 3.10; older interpreters get a list of what pure may use.
STDLIB = set(getattr(sys, "stdlib_module_names", ())) or {
    "__future__", "argparse", "array", "bisect", "collections", "contextlib", "copy", "dataclasses", "functools",
    "gzip", "importlib", "io", "itertools", "json", "math", "numbers", "os", "pathlib", "random", "re", "shutil",
    "statistics", "struct", "sys", "tempfile", "time", "typing", "warnings",
}


def pure_sources():
    found = []
    for package in ("pure", "pictures"):
        found += [p for p in (ROOT / package).rglob("*.py")
                  if not {"tests", "examples"} & set(p.relative_to(ROOT / package).parts)]
    return sorted(found)


def imported_roots(path: pathlib.Path):
    """(line, top-level module name) for every absolute import in a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module.split(".")[0]


def test_there_are_pure_sources_to_scan():
    assert len(pure_sources()) >= 10


@pytest.mark.parametrize("path", pure_sources(), ids=lambda p: str(p.relative_to(ROOT)))
def test_pure_module_imports_only_the_standard_library(path):
    package = path.relative_to(ROOT).parts[0]
    allowed = ALLOWED_PROJECT_ROOTS[package] | (ENTRY_POINT_ROOTS if path.name == "__main__.py" else set())
    outside = [f"line {line}: import {name}" for line, name in imported_roots(path)
               if name not in STDLIB and name not in allowed]
    assert not outside, f"{path.relative_to(ROOT)} imports outside the standard library:\n" + "\n".join(outside)


def test_the_scan_would_catch_a_numpy_import(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("import math\nif True:\n    from numpy import array\nfrom . import ops\n")
    roots = [name for _, name in imported_roots(sample)]
    assert roots == ["math", "numpy"]
    assert "numpy" not in STDLIB
