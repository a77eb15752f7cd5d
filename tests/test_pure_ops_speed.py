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


def test_matmul_tn_gives_untouched_rows_as_one_read_only_zero_row():
    dW = ops.matmul_tn([[0.0, 2.0, 0.0, -0.0]], [[1.0, -3.0]])
    assert dW == [[0.0, 0.0], [2.0, -6.0], [0.0, 0.0], [0.0, 0.0]]
    assert type(dW[0]) is ops.ZeroRow and dW[0] is dW[2] is dW[3] and type(dW[1]) is list
    assert _bits(dW[0]) == _bits([0.0, 0.0])                       # +0.0, as the plain loop's 0.0 + 0.0
    # A zero multiplier with a non-finite gradient row is not skipped: 0 · inf = NaN, an ordinary row.
    dW = ops.matmul_tn([[0.0, 1.0]], [[float("inf"), 1.0]])
    assert type(dW[0]) is list and dW[0][0] != dW[0][0]


@pytest.mark.parametrize("change", [
    lambda r: r.__setitem__(0, 1.0), lambda r: r.__setitem__(slice(0, 1), [1.0]), lambda r: r.__delitem__(0),
    lambda r: r.__iadd__([1.0]), lambda r: r.__imul__(2), lambda r: r.append(1.0), lambda r: r.extend([1.0]),
    lambda r: r.insert(0, 1.0), lambda r: r.pop(), lambda r: r.remove(0.0), lambda r: r.clear(),
    lambda r: r.sort(), lambda r: r.reverse()])
def test_a_zero_row_refuses_every_change_in_place_and_copies_are_plain_lists(change):
    import copy
    import json
    import pickle
    row = ops.ZeroRow(3)
    with pytest.raises(TypeError, match="shared and read-only: assign a new list"):
        change(row)
    assert row == [0.0, 0.0, 0.0]
    for twin in (list(row), row[:], copy.copy(row), copy.deepcopy(row), pickle.loads(pickle.dumps(row)), row + []):
        assert type(twin) is list and twin == [0.0, 0.0, 0.0]
        twin[0] = 1.0                                              # an ordinary list: changes freely
    assert json.dumps(row) == "[0.0, 0.0, 0.0]" and repr(row) == "[0.0, 0.0, 0.0]"


def _zero_row_values(rng, specials, m):
    kind = rng.random()
    if kind < 0.3:
        return ops.ZeroRow(m)
    if kind < 0.5:
        return [rng.choice((0.0, -0.0)) for _ in range(m)]        # zeros in an ordinary row: the loop
    return _values(rng, m, specials)


@pytest.mark.parametrize("specials", SPECIALS + [(-0.0,)])
@pytest.mark.parametrize("lr", [0.05, 1e300, 0.0, float("inf"), -0.05, float("nan")])
def test_sgd_minus_scaled_is_the_plain_loop(specials, lr):
    from pure.optimizers import _minus_scaled
    rng = random.Random(4)
    for k, m in [(1, 1), (7, 3), (20, 10), (5, 32)]:
        for trial in range(10):
            param = [_values(rng, m, specials, zeros=0.3) for _ in range(k)]
            zero = ops.ZeroRow(m)
            grad = [zero if rng.random() < 0.5 else _zero_row_values(rng, specials, m) for _ in range(k)]
            before = _bits(param)
            plain = [[p - lr * g for p, g in zip(p_row, g_row)] for p_row, g_row in zip(param, grad)]
            assert _bits(_minus_scaled(param, grad, lr)) == _bits(plain), (k, m, trial)
            assert _bits(param) == before                                 # the old weights are untouched
    # Tensors of other ranks: a bias (a row) and a 4-d filter bank.
    assert _minus_scaled([1.0, -0.0], ops.ZeroRow(2), 0.5) == [1.0, -0.0]
    filters = [[[[1.0, 2.0], [3.0, 4.0]]]]
    assert _minus_scaled(filters, [[[ops.ZeroRow(2), [1.0, 1.0]]]], 0.5) == [[[[1.0, 2.0], [2.5, 3.5]]]]


def test_sgd_keeps_a_zero_rows_weights_and_changes_no_list_in_place():
    import pure as nn
    layer = nn.Dense(3, 2, seed=0)
    layer.forward([[0.0, 1.0, 0.0]])
    layer.backward([[0.5, -0.5]])
    old = layer.params["W"]
    old_values = [list(row) for row in old]
    nn.SGD(0.1).step([layer])
    new = layer.params["W"]
    assert new is not old and [list(row) for row in old] == old_values          # the old weights as they were
    assert new[0] is old[0] and new[2] is old[2]                                  # rows of blank inputs: unchanged
    assert new[1] == [w - 0.1 * g for w, g in zip(old_values[1], [0.5, -0.5])]


def test_embedding_gradient_gives_unused_tokens_one_zero_row():
    import pure as nn
    layer = nn.Embedding(5, 2, seed=0)
    layer.forward([[1, 3, 1]])
    layer.backward([[[1.0, 2.0], [3.0, 4.0], [0.5, 0.5]]])
    dW = layer.grads["W"]
    assert dW == [[0.0, 0.0], [1.5, 2.5], [0.0, 0.0], [3.0, 4.0], [0.0, 0.0]]
    assert type(dW[0]) is ops.ZeroRow and dW[0] is dW[2] is dW[4] and type(dW[1]) is list
    W = layer.params["W"]
    nn.SGD(0.1).step([layer])
    assert layer.params["W"][0] is W[0] and layer.params["W"][1] != W[1]
