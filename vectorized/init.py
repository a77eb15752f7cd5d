"""Weight initializers: the very same draws as the pure twin (see pure/init.py).

The randomness protocol says both twins draw every initial weight from a
seeded random.Random in the same order. The surest way to keep that promise
is to share the code, so this module re-exports pure.init; the layers turn
the nested lists it returns into arrays. Drawing with Python's generator is
slower than numpy's, but it happens once per layer and takes milliseconds.
"""
from pure.init import (NAMES, He, Initializer, LeCun, Normal, Uniform, Xavier, Zeros,  # noqa: F401
                       get, make_rng)
