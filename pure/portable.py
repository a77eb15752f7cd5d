"""The few standard-library functions pure uses that MicroPython lacks, with plain stand-ins.

Each name here is the standard library's own where it exists (CPython, PyPy, Pyodide), and
the plain version below it only where it does not: MicroPython 1.27, whose itertools has no
product, operator no add or mul, math no log1p and random no Random class.

    product(*iterables)   itertools.product: the tuples in the same order (the last position fastest)
    add(a, b), mul(a, b)  operator.add and operator.mul: a + b and a * b
    log1p(x)              math.log1p: log(1 + x), accurate for tiny x (within a few ulps of math.log1p)
    Random(seed)          random.Random; the stand-in, MersenneTwister, is CPython's generator written
                          out, so the same integer seed gives the same weights, batches and dropout
                          masks (tests/test_micropython_random.py checks it against random.Random)
"""
import math


def plain_product(*iterables):
    """Every tuple with one item from each iterable, the last one moving fastest (as itertools.product).

    >>> list(plain_product(range(2), "ab"))
    [(0, 'a'), (0, 'b'), (1, 'a'), (1, 'b')]
    """
    combinations = [()]
    for pool in [tuple(iterable) for iterable in iterables]:
        combinations = [combination + (item,) for combination in combinations for item in pool]
    return iter(combinations)


def plain_add(a, b):
    return a + b


def plain_mul(a, b):
    return a * b


def plain_log1p(x):
    """log(1 + x) without losing a tiny x to the rounding of 1 + x (D. Goldberg, 1991, theorem 4).

    >>> plain_log1p(1e-20)
    1e-20
    """
    u = 1.0 + x
    if u == 1.0:
        return x
    if u == math.inf:
        return u
    return math.log(u) * x / (u - 1.0)


class MersenneTwister:
    """random.Random of CPython for an integer seed (or None), in plain Python: the same draws, bit for bit.

    MT19937 (Matsumoto and Nishimura, 1998), seeded with init_by_array on the 32-bit words of
    abs(seed), as CPython's _randommodule.c does; random() joins 27 and 26 bits into a 53-bit
    float; the other methods are those of CPython's random.py. (tests/test_micropython_random.py
    compares them with random.Random for many seeds.)

    >>> MersenneTwister(0).random()
    0.8444218515250481
    """

    VERSION = 3

    def __init__(self, seed=None):
        self.seed(seed)

    def seed(self, a=None):
        if a is None:                                   # CPython: os.urandom; here: the clock
            import time
            a = time.ticks_us() if hasattr(time, "ticks_us") else int(time.time() * 1e6)
        if isinstance(a, bool) or not isinstance(a, int):
            raise TypeError("this Random takes an integer seed or None, got " + type(a).__name__)
        a = abs(a)
        key = []
        while a:
            key.append(a & 0xFFFFFFFF)
            a >>= 32
        self._init_by_array(key or [0])
        self.gauss_next = None

    def _init_by_array(self, key):
        mt = [0] * 624
        mt[0] = 19650218
        for i in range(1, 624):
            mt[i] = (1812433253 * (mt[i - 1] ^ (mt[i - 1] >> 30)) + i) & 0xFFFFFFFF
        i, j = 1, 0
        for _ in range(max(624, len(key))):
            mt[i] = ((mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) * 1664525)) + key[j] + j) & 0xFFFFFFFF
            i, j = i + 1, j + 1
            if i >= 624:
                mt[0], i = mt[623], 1
            if j >= len(key):
                j = 0
        for _ in range(623):
            mt[i] = ((mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) * 1566083941)) - i) & 0xFFFFFFFF
            i += 1
            if i >= 624:
                mt[0], i = mt[623], 1
        mt[0] = 0x80000000
        self._mt, self._index = mt, 624

    def _twist(self):
        mt = self._mt
        for k in range(624):
            y = (mt[k] & 0x80000000) | (mt[(k + 1) % 624] & 0x7FFFFFFF)
            mt[k] = mt[(k + 397) % 624] ^ (y >> 1) ^ (0x9908B0DF if y & 1 else 0)
        self._index = 0

    def _genrand_uint32(self):
        if self._index >= 624:
            self._twist()
        y = self._mt[self._index]
        self._index += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C5680
        y ^= (y << 15) & 0xEFC60000
        return y ^ (y >> 18)

    def random(self):
        """A float in [0, 1): 53 random bits."""
        a, b = self._genrand_uint32() >> 5, self._genrand_uint32() >> 6
        return (a * 67108864.0 + b) * (1.0 / 9007199254740992.0)

    def getrandbits(self, k):
        if k < 0:
            raise ValueError("number of bits must be non-negative")
        if k <= 32:
            return self._genrand_uint32() >> (32 - k) if k else 0
        result, shift = 0, 0
        while k > 0:                                    # 32-bit words, the least significant first
            word = self._genrand_uint32()
            if k < 32:
                word >>= 32 - k
            result |= word << shift
            shift, k = shift + 32, k - 32
        return result

    def _randbelow(self, n):
        k = n.bit_length() if hasattr(n, "bit_length") else len(bin(n)) - 2
        r = self.getrandbits(k)
        while r >= n:
            r = self.getrandbits(k)
        return r

    def randrange(self, start, stop=None):
        if stop is None:
            start, stop = 0, start
        if stop <= start:
            raise ValueError("empty range for randrange()")
        return start + self._randbelow(stop - start)

    def uniform(self, a, b):
        return a + (b - a) * self.random()

    def gauss(self, mu=0.0, sigma=1.0):
        z, self.gauss_next = self.gauss_next, None
        if z is None:
            x2pi = self.random() * (2.0 * math.pi)
            g2rad = math.sqrt(-2.0 * math.log(1.0 - self.random()))
            z = math.cos(x2pi) * g2rad
            self.gauss_next = math.sin(x2pi) * g2rad
        return mu + z * sigma

    def shuffle(self, x):
        for i in range(len(x) - 1, 0, -1):
            j = self._randbelow(i + 1)
            x[i], x[j] = x[j], x[i]

    def sample(self, population, k):
        n = len(population)
        if not 0 <= k <= n:
            raise ValueError("Sample larger than population or is negative")
        result = [None] * k
        setsize = 21
        if k > 5:
            setsize += 4 ** math.ceil(math.log(k * 3) / math.log(4))
        if n <= setsize:
            pool = list(population)
            for i in range(k):
                j = self._randbelow(n - i)
                result[i] = pool[j]
                pool[j] = pool[n - i - 1]
        else:
            selected = set()
            for i in range(k):
                j = self._randbelow(n)
                while j in selected:
                    j = self._randbelow(n)
                selected.add(j)
                result[i] = population[j]
        return result

    def getstate(self):
        return self.VERSION, tuple(self._mt) + (self._index,), self.gauss_next

    def setstate(self, state):
        version, internal, self.gauss_next = state
        if version != self.VERSION or len(internal) != 625:
            raise ValueError("state of a different version or length")
        self._mt, self._index = [int(v) & 0xFFFFFFFF for v in internal[:624]], int(internal[624])


try:
    from itertools import product
except ImportError:             # MicroPython
    product = plain_product
try:
    from operator import add, mul
except ImportError:             # MicroPython
    add, mul = plain_add, plain_mul
try:
    from math import log1p
except ImportError:             # MicroPython
    log1p = plain_log1p
try:
    from random import Random
except ImportError:             # MicroPython
    Random = MersenneTwister
