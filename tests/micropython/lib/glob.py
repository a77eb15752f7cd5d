"""A stand-in for CPython's glob on MicroPython: escape(), and glob() for a `*` in the last part."""
import os


def escape(pathname):
    return "".join("[" + c + "]" if c in "*?[" else c for c in pathname)


def _matches(name, pattern):
    # pattern: literal characters ([c] is the literal c) and `*` (any run of characters)
    if not pattern:
        return not name
    if pattern[0] == "*":
        return any(_matches(name[i:], pattern[1:]) for i in range(len(name) + 1))
    if pattern[0] == "[" and len(pattern) > 2 and pattern[2] == "]":
        literal, rest = pattern[1], pattern[3:]
    else:
        literal, rest = pattern[0], pattern[1:]
    return bool(name) and name[0] == literal and _matches(name[1:], rest)


def glob(pattern):
    folder, name = pattern.rsplit("/", 1) if "/" in pattern else (".", pattern)
    folder = folder.replace("[*]", "*").replace("[?]", "?").replace("[[]", "[") or "/"
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    return [folder.rstrip("/") + "/" + n for n in sorted(names) if _matches(n, name)]
