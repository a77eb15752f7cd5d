"""The architecture, read from the source: which package may import which, and no import cycles.

    app            the application: may import pure, vectorized, data, pictures
    pure           the library, standard library only (its __main__, the entry point, calls app)
    vectorized     the numpy twin: numpy, itself and pure's library modules (never app, data, pictures)
    data, pictures  beside them, never importing app (conformance, a test suite, may test app)

The graph is built with `ast` from every module of these packages, counting every
import statement wherever it stands (a lazy import inside a function is an import
all the same). An edge goes to the module named (`from pure import checks` is an
edge to pure.checks, `from pure.checks import x` too); a package's __init__ counts
as a module of its own. On failure the graph is printed.
"""
import ast
import os
import sys
import sysconfig

from conftest import ROOT

PACKAGES = ("pure", "vectorized", "app", "data", "pictures", "conformance")
OPTIONAL_INTEROP = {"torch", "onnx", "onnxruntime"}      # vectorized/interop.py imports them inside its functions


def module_files(root=ROOT):
    """module name -> path, for every module of PACKAGES (folders without __init__.py are not packages)."""
    found = {}
    for package in PACKAGES:
        for folder, dirs, files in os.walk(os.path.join(root, package)):
            if "__init__.py" not in files:
                dirs[:] = []
                continue
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            parts = os.path.relpath(folder, root).split(os.sep)
            for name in sorted(files):
                if name.endswith(".py"):
                    stem = name[:-3]
                    found[".".join(parts if stem == "__init__" else parts + [stem])] = os.path.join(folder, name)
    return found


def imported_names(path, module, is_package):
    """Every module name that `module` (at `path`) imports, relative imports resolved."""
    tree = ast.parse(open(path, encoding="utf-8").read(), path)
    package = module if is_package else module.rpartition(".")[0]
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module
            names.add((prefix, tuple(alias.name for alias in node.names)))
    return names


def targets(names, files):
    """The modules an import reaches: `from p import m` reaches the submodule p.m where there is one,
    and p itself only for a name that is not a submodule."""
    found = set()
    for name in names:
        if isinstance(name, str):
            found.add(name)
            continue
        prefix, aliases = name
        subs = {f"{prefix}.{alias}" for alias in aliases} & set(files)
        found |= subs
        if len(subs) < len(aliases) or prefix not in files:
            found.add(prefix)
    return found


def import_graph(root=ROOT):
    """(edges inside PACKAGES: module -> set of modules, outside: module -> set of top-level names)."""
    files = module_files(root)
    inside, outside = {}, {}
    for module, path in files.items():
        names = targets(imported_names(path, module, path.endswith("__init__.py")), files)
        inside[module] = {n for n in names if n in files and n != module}
        outside[module] = {n.split(".")[0] for n in names if n.split(".")[0] not in PACKAGES + ("__future__",)}
    return inside, outside


def cycles(graph):
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10000))
    try:
        for v in sorted(graph):
            if v not in index:
                visit(v)
    finally:
        sys.setrecursionlimit(limit)
    return found


def is_stdlib(name):
    if name in sys.builtin_module_names or name == "__future__":
        return True
    if hasattr(sys, "stdlib_module_names"):             # Python 3.10+
        return name in sys.stdlib_module_names
    stdlib = sysconfig.get_paths()["stdlib"]            # 3.9, PyPy: where the module lives
    return any(os.path.exists(os.path.join(stdlib, name + suffix)) for suffix in (".py", "/__init__.py"))


def shown(graph):
    return "\n".join(f"  {m} -> {', '.join(sorted(graph[m])) or '-'}" for m in sorted(graph))


def forbidden_imports(inside, outside):
    """What each module imports that its package may not: a list of 'module imports name (rule)'."""
    problems = []
    library = {m for m in inside if m.split(".")[0] == "pure" and m != "pure.__main__"}
    for module in sorted(inside):
        top = module.split(".")[0]
        local = inside[module]
        foreign = outside[module]
        if module in ("pure.__main__", "vectorized.__main__"):
            allowed_local = {m for m in local if m.split(".")[0] in (top, "app")}
            problems += [f"{module} imports {m} (an entry point calls app and its own twin)"
                         for m in sorted(local - allowed_local)]
            continue
        if top == "pure":
            problems += [f"{module} imports {m} (pure imports only itself)"
                         for m in sorted(local) if m.split(".")[0] != "pure" or m == "pure.__main__"]
            problems += [f"{module} imports {n} (pure imports only the standard library)"
                         for n in sorted(foreign) if not is_stdlib(n)]
        elif top == "vectorized":
            problems += [f"{module} imports {m} (vectorized imports itself and pure's library modules)"
                         for m in sorted(local) if m.split(".")[0] != "vectorized" and m not in library]
            extra = OPTIONAL_INTEROP if module == "vectorized.interop" else set()
            problems += [f"{module} imports {n} (vectorized imports only the standard library and numpy)"
                         for n in sorted(foreign) if n != "numpy" and n not in extra and not is_stdlib(n)]
        elif top in ("data", "pictures"):
            problems += [f"{module} imports {m} (nothing imports the application)"
                         for m in sorted(local) if m.split(".")[0] == "app"]
    return problems


def test_no_package_has_an_import_cycle():
    inside, _ = import_graph()
    assert "pure.training" in inside and "app.cli" in inside and "vectorized.network" in inside
    found = cycles(inside)
    assert not found, "import cycles: " + "; ".join(" <-> ".join(c) for c in found) + "\n" + shown(inside)


def test_each_package_imports_only_what_it_may():
    inside, outside = import_graph()
    problems = forbidden_imports(inside, outside)
    assert not problems, "\n".join(problems) + "\nthe graph:\n" + shown(inside)


def test_a_planted_forbidden_import_and_a_planted_cycle_are_caught(tmp_path):
    """The checks above can fail: a copy of the packages with one bad import each way."""
    import shutil
    for package in PACKAGES:
        shutil.copytree(os.path.join(ROOT, package), tmp_path / package,
                        ignore=shutil.ignore_patterns("__pycache__", "*.gz", "*.json", "*.png", "*.svg"))
    with open(tmp_path / "pure" / "metrics.py", "a", encoding="utf-8") as f:
        f.write("\n\ndef _planted():\n    from pictures.notebook import confusion_svg  # noqa\n"
                "    import numpy  # noqa\n")
    with open(tmp_path / "pure" / "ops.py", "a", encoding="utf-8") as f:
        f.write("\n\ndef _planted():\n    from .network import Sequential  # noqa\n")
    inside, outside = import_graph(str(tmp_path))
    problems = forbidden_imports(inside, outside)
    assert "pure.metrics imports pictures.notebook (pure imports only itself)" in problems
    assert "pure.metrics imports numpy (pure imports only the standard library)" in problems
    assert any("pure.ops" in c and "pure.network" in c for c in cycles(inside))


def test_the_graph_resolves_relative_and_package_imports():
    inside, outside = import_graph()
    assert "pure.checks" in inside["vectorized.checks"] and "pure.base" in inside["pure.checks"]
    assert "pure.layers" not in inside["pure.checks"]                # checks takes Layer from base
    assert "pure.modelfile" in inside["pure.checkpoint"] and "pure.io" not in inside["pure.checkpoint"]
    assert "app.cli" in inside["pure.__main__"] and "app.arrays" in inside["vectorized.__main__"]
    assert outside["vectorized.ops"] == {"numpy"}
