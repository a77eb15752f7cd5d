"""A stand-in for CPython's __future__ on MicroPython, which has no such module.

MicroPython never evaluates annotations, so `from __future__ import annotations` has
nothing to switch on there: the import only has to succeed.
"""
annotations = True
