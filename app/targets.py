"""Where the commands write, checked before any work: no output lands on a user's file or a device.

Every writing command checks its targets first, and refuses with one line naming the
argument and what is wrong (exit status 2) before it loads data or trains:

    train --out, --checkpoint     a regular file or a new name (not a folder, a device, a pipe,
                                  a path under a file, ''); --out never replaces a checkpoint
    predict --explain OUT.png     the same, and not one of its inputs (the model, an image) nor
                                  any saved model or checkpoint
    evaluate --out DIR            a new or existing folder (not a file, a device, a path under a
    serve --export DIR            file, '', the checkout's own web/), and every file written into
                                  it passes the check above
    python -m data export OUT.png the file check (data/files.py: data does not import app)

A wrong flag of train, evaluate or predict is one such line too (one_line_errors).

The file check is data.files.output_problem (standard library only); a symbolic link is
judged by what it points to, and an input is recognised with os.path.samefile.
"""
from __future__ import annotations

import os
import stat

from data.files import missing_path_problem, output_problem

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))   # the checkout
WEB = os.path.join(ROOT, "web")


def one_line_errors(parser):
    """A wrong flag is one line on stderr (exit status 2), not argparse's usage block followed by it."""
    def error(message):
        parser.exit(2, f"{parser.prog}: error: {message} (--help lists the flags)\n")
    parser.error = error
    return parser


def refusal(flag: str, path, problem: str) -> str:
    """The one line: the argument, the path as given, what is wrong."""
    return f"{flag} {path!r}: {problem}"


def file_refusal(flag: str, path, inputs=(), picture=True):
    """None if `path` may be written as the command's output file, else the line saying why not."""
    problem = output_problem(path, inputs, picture)
    return refusal(flag, path, problem) if problem else None


def folder_refusal(flag: str, path, files=(), inputs=(), picture=True):
    """None if `path` may be the command's output folder (new or existing) holding `files` (names
    relative to it), else the line saying why not."""
    if not path:
        return refusal(flag, path, "the path is empty")
    try:
        mode = os.stat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):
        problem = missing_path_problem(path)
        if problem:
            return refusal(flag, path, problem)
        mode = None
    except OSError as e:
        return refusal(flag, path, e.strerror or str(e))
    if mode is not None and not stat.S_ISDIR(mode):
        kind = "a regular file" if stat.S_ISREG(mode) else "a device or other special file"
        return refusal(flag, path, f"it is {kind}, not a folder")
    real, web = os.path.realpath(path), os.path.realpath(WEB)
    if real == web or real.startswith(os.path.join(web, "")):
        return refusal(flag, path, f"it is the checkout's own web/ folder ({WEB}), the pages' source")
    for name in files:
        problem = output_problem(os.path.join(path, name), inputs, picture)
        if problem:
            return refusal(flag, path, f"{name}: {problem}")
    return None
