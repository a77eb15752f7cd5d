"""A stand-in for CPython's typing on MicroPython: the names pure/ imports for its annotations.

MicroPython never evaluates annotations; each name is still subscriptable (Optional[int])
in case one is used in an expression.
"""


class _Hint:
    def __init__(self, name):
        self.name = name

    def __getitem__(self, parameters):
        return self

    def __repr__(self):
        return "typing." + self.name


Any = _Hint("Any")
Callable = _Hint("Callable")
Dict = _Hint("Dict")
Iterable = _Hint("Iterable")
Iterator = _Hint("Iterator")
List = _Hint("List")
Optional = _Hint("Optional")
Sequence = _Hint("Sequence")
Tuple = _Hint("Tuple")
Union = _Hint("Union")
TYPE_CHECKING = False
