"""A stand-in for CPython's warnings on MicroPython: warn() prints "Category: message" to stderr."""
import sys


def warn(message, category=None, stacklevel=1):
    if isinstance(message, Warning):
        category, message = type(message), message.args[0] if message.args else ""
    name = (category or UserWarning).__name__
    print("%s: %s" % (name, message), file=sys.stderr)
