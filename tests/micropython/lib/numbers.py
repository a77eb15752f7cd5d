"""A stand-in for CPython's numbers on MicroPython: the abstract number types as tuples of classes.

MicroPython's isinstance accepts a tuple of classes but has no abstract base classes, so
`isinstance(x, numbers.Real)` asks whether x is an int or a float (bool is an int, as in CPython).
"""
Integral = (int,)
Real = (int, float)
Number = Complex = (int, float, complex)
