"""A stand-in for CPython's importlib on MicroPython: import_module(name)."""
import sys


def import_module(name):
    __import__(name)
    return sys.modules[name]
