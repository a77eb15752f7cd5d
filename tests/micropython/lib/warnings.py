"""A stand-in for CPython's warnings on MicroPython: warn() prints "Category: message" to stderr.

MicroPython has no Warning classes: a warning without a category is a UserWarning, as in CPython.
"""
import sys


def warn(message, category=None, stacklevel=1):
    name = category.__name__ if category is not None else "UserWarning"
    print("%s: %s" % (name, message), file=sys.stderr)
