"""The documents say what the checkout holds: every line range READING.md cites, every file it
counts, every relative link and every `python3 -m ...` module any document names.

READING.md cites code as a table row whose first cell names the definitions in backticks and
whose other cells give "`path` lines A-B" (and the number of lines): A must be the first line
of the first definition named (its decorators included) and B the last line of the last one,
found with `ast`, so the range moves when the code does and this test says where it went.
"""
import ast
import glob
import os
import re

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOCUMENTS = sorted(p for p in glob.glob(os.path.join(ROOT, "**", "*.md"), recursive=True)
                   if not any(part in p for part in (os.sep + "node_modules" + os.sep, os.sep + ".tox" + os.sep,
                                                      os.sep + "runs" + os.sep, os.sep + ".git" + os.sep)))


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def definitions(path):
    """{qualified name: (first line, last line)} of every class and function in a file (methods as Class.name)."""
    found = {}

    def walk(node, prefix):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = prefix + child.name
                first = min([child.lineno] + [d.lineno for d in child.decorator_list])
                found[name] = (first, child.end_lineno)
                walk(child, name + ".")
    walk(ast.parse(read(path)), "")
    return found


def cited_ranges():
    """(row, path, first, last, count or None, [names]) for every "`path` lines A-B" in READING.md."""
    cited = []
    for row in read(os.path.join(ROOT, "READING.md")).splitlines():
        for match in re.finditer(r"`([\w/]+\.py)` lines (\d+)-(\d+)", row):
            cells = [c.strip() for c in row.strip().strip("|").split("|")]
            names = [n for n in re.findall(r"`([A-Za-z_][\w.]*)`", cells[0]) if not n.endswith(".py")]
            count = next((int(c) for c in cells[1:] if c.isdigit()), None)
            cited.append((row, match.group(1), int(match.group(2)), int(match.group(3)), count, names))
    return cited


def test_reading_cites_line_ranges():
    assert len(cited_ranges()) >= 5, "READING.md should cite the core's line ranges"


@pytest.mark.parametrize("row, path, first, last, count, names", cited_ranges(),
                         ids=lambda v: v if isinstance(v, str) and v.endswith(".py") else None)
def test_each_cited_range_is_where_its_definitions_are(row, path, first, last, count, names):
    found = definitions(os.path.join(ROOT, path))
    assert names, f"READING.md row names no definition in backticks: {row}"
    missing = [n for n in names if n not in found]
    assert not missing, f"READING.md cites {missing} in {path}, which has no such definition"
    truth = (min(found[n][0] for n in names), max(found[n][1] for n in names))
    assert (first, last) == truth, f"READING.md says {path} lines {first}-{last} for {names}; they are lines " \
                                   f"{truth[0]}-{truth[1]}"
    if count is not None:
        assert count == last - first + 1, f"READING.md counts {count} lines for {path} lines {first}-{last}"


def counted_files():
    """(path, lines) for every "[`path`](path) | N |" of READING.md's tables."""
    return [(m.group(1), int(m.group(2)))
            for m in re.finditer(r"\[`([\w/]+\.py)`\]\([^)]*\) \| (\d+) \|", read(os.path.join(ROOT, "READING.md")))]


def test_reading_counts_the_lines_of_each_file():
    counted = counted_files()
    assert len(counted) >= 10
    for path, lines in counted:
        actual = len(read(os.path.join(ROOT, path)).splitlines())
        assert lines == actual, f"READING.md says {path} has {lines} lines; it has {actual}"


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: os.path.relpath(p, ROOT))
def test_relative_links_lead_to_files(document):
    here = os.path.dirname(document)
    for target in re.findall(r"\]\(([^)\s]+)\)", read(document)):
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            continue
        path = os.path.normpath(os.path.join(here, target.split("#")[0]))
        assert os.path.exists(path), f"{os.path.relpath(document, ROOT)} links to {target}, which does not exist"


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: os.path.relpath(p, ROOT))
def test_every_module_a_command_runs_exists(document):
    for module in set(re.findall(r"python3? -m ([A-Za-z_][\w.]*)", read(document))):
        if module.split(".")[0] in ("pip", "venv", "pytest", "tox", "http", "json"):
            continue
        parts = module.split(".")
        base = os.path.join(ROOT, *parts)
        assert os.path.isdir(base) or os.path.isfile(base + ".py"), \
            f"{os.path.relpath(document, ROOT)} runs `python -m {module}`, which is not in the checkout"


def test_the_front_door_fits_on_a_screen_and_gives_the_test_command():
    readme = read(os.path.join(ROOT, "README.md"))
    assert len(readme.splitlines()) <= 150
    assert max(map(len, readme.splitlines())) <= 120
    assert "python3 -m pip install tox && python3 -m tox" in readme
    ci = read(os.path.join(ROOT, ".ci", "run"))
    assert re.search(r"(?m)^python3 -m pip install (-q )?tox && python3 -m tox$", ci)
