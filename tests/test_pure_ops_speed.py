"""The pure twin's named speed helpers in ops give exactly the plain loops' IEEE results.

Each helper is compared, bit for bit (signed zeros apart, every NaN alike), with
the formula written as the plainest loop, on random inputs holding zeros
(positive and negative), NaN and infinities where products skip nothing.
"""
import random
import struct

import pytest

from pure import ops

SPECIALS = [(0.0,), (float("nan"),), (float("inf"), -float("inf")), (float("inf"), 0.0, -0.0)]


def _bits(x):
    if isinstance(x, list):
        return [_bits(v) for v in x]
    return "nan" if x != x else struct.pack("<d", x)


def _values(rng, n, specials, zeros=0.5):
    return [rng.choice(specials) if rng.random() < 0.08 else
            (rng.choice((0.0, -0.0)) if rng.random() < zeros else rng.uniform(-2, 2)) for _ in range(n)]


def _plain_matmul(a, b):
    """c[i][j] = Σ_k a[i][k] b[k][j], one product at a time onto 0.0, nothing skipped."""
    out = []
    for a_row in a:
        c_row = [0.0] * len(b[0])
        for k, a_ik in enumerate(a_row):
            c_row = [c + a_ik * v for c, v in zip(c_row, b[k])]
        out.append(c_row)
    return out


@pytest.mark.parametrize("specials", SPECIALS)
def test_dot_is_the_plain_sum_of_products(specials):
    rng = random.Random(1)
    for n in (0, 1, 3, 10, 32):
        for _ in range(20):
            a, b = _values(rng, n, specials), _values(rng, n, specials)
            assert _bits(ops.dot(a, b)) == _bits(sum([p * q for p, q in zip(a, b)]))


@pytest.mark.parametrize("specials", SPECIALS)
@pytest.mark.parametrize("zeros", [0.0, 0.1, 0.8])       # dense (by columns) and sparse (by rows) inputs
def test_matmul_and_matmul_by_columns_are_the_plain_loop(specials, zeros):
    rng = random.Random(2)
    for n, k, m in [(1, 7, 3), (3, 12, 10), (2, 5, 1), (4, 30, 6)]:
        for trial in range(10):
            a = [_values(rng, k, specials if trial % 2 else (0.0,), zeros) for _ in range(n)]
            b = [_values(rng, m, specials if trial >= 5 else (0.0,)) for _ in range(k)]
            plain = _bits(_plain_matmul(a, b))
            assert _bits(ops.matmul_by_columns(a, b)) == plain, (n, k, m, trial)
            assert _bits(ops.matmul(a, b)) == plain, (n, k, m, trial)


def test_matmul_takes_the_columns_only_for_mostly_nonzero_inputs():
    assert ops.mostly_nonzero([[1.0, 2.0, 3.0, 4.0, 0.0]]) and not ops.mostly_nonzero([[1.0, 0.0]])
    assert not ops.mostly_nonzero([]) and not ops.mostly_nonzero([[]])
    # 0 · inf is NaN on both paths: a zero multiplier never hides an infinite weight.
    inf = float("inf")
    for a in ([[0.0, 1.0, 2.0, 3.0, 4.0]], [[0.0, 1.0, 0.0, 0.0, 0.0]]):
        y = ops.matmul(a, [[inf], [1.0], [1.0], [1.0], [1.0]])
        assert y[0][0] != y[0][0]


@pytest.mark.parametrize("specials", SPECIALS)
def test_add_scaled_and_matmul_tn_are_the_plain_loops(specials):
    rng = random.Random(3)
    for n, k, m in [(1, 7, 3), (1, 20, 10), (3, 12, 10), (2, 5, 1)]:
        for trial in range(10):
            a = [_values(rng, k, specials if trial % 2 else (0.0,)) for _ in range(n)]
            b = [_values(rng, m, specials if trial >= 5 else (0.0,)) for _ in range(n)]
            plain = [[0.0] * m for _ in range(k)]           # c[i][j] = Σ_n a[n][i] b[n][j], nothing skipped
            for a_row, b_row in zip(a, b):
                for i, a_ni in enumerate(a_row):
                    plain[i] = [c + a_ni * v for c, v in zip(plain[i], b_row)]
            assert _bits(ops.matmul_tn(a, b)) == _bits(plain), (n, k, m, trial)
            c_row, s = _values(rng, m, specials), rng.choice(_values(rng, 4, specials))
            for start in (None, c_row):
                zipped = [c + s * v for c, v in zip([0.0] * m if start is None else start, b[0])]
                assert _bits(ops.add_scaled(start, s, b[0])) == _bits(zipped)
