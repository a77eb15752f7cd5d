"""NaN and infinities through the convolutional and recurrent layers: one IEEE semantics in both twins.

A NaN or an infinity goes, one at a time, into the input, into each weight,
or into the incoming gradient of every layer of conformance.components' CONV
and RECURRENT lists (Conv2D, the pools, RNN, LSTM, Embedding,
TimeDistributed), with zeros everywhere in the other operand of the products
it meets: 0 · NaN and 0 · inf are NaN, and a shortcut that skips a zero
multiplier (a zero pixel, a zero gradient, h_0 = 0) is exactly where a twin
would hide them. Every output, input gradient and weight gradient must have
the same pattern of finite / NaN / +inf / -inf numbers in both twins (the
finite values themselves are the other conformance tests' business). The
NaN/inf component (components.NONFINITE_LAYERS, test_nonfinite.py) runs every
layer on one input with whole tensors zeroed; this file adds, for these layers,
a ragged batch, several positions of the bad value, and one zeroed operand at a time.
"""
import math

import pytest

from conformance.components import (CONV, HAS_CONV, HAS_RECURRENT, RECURRENT, by_position, flat_count,
                                    grad_out_for, is_ragged, pattern, random_params)
from conformance.twins import TWINS, run_layer

pytestmark = [pytest.mark.skipif(not (HAS_CONV and HAS_RECURRENT), reason="no conv/recurrent layers"),
              pytest.mark.filterwarnings("ignore::RuntimeWarning")]   # numpy warns of inf - inf, 0 · inf

SPECIALS = {"NaN": math.nan, "inf": math.inf, "-inf": -math.inf}


def filled(value, fill, special=None, at=None):
    """value's nested (possibly ragged) shape with every number `fill`, the one at flat index `at` `special`."""
    return by_position(value, lambda k, v: special if k == at else (fill if fill is not None else v))


def cases():
    """(spec, case, x, grad_out, params): the first fixture of each layer, and its first ragged one."""
    out = []
    for spec in CONV + RECURRENT:
        fixtures = spec.cases()
        chosen = [fixtures[0]] + [c for c in fixtures if is_ragged(c.x)][:1]
        for case in chosen:
            out.append((spec, case, case.x, grad_out_for(spec.make, case.x), random_params(spec.make)))
    return out


def injections(spec, x, grad_out, params):
    """(where, x, grad_out, params): one special value, and each other operand in turn all zeros."""
    zero_x = filled(x, 0.0) if spec.check_input else x                       # token ids stay ids
    zero_g = filled(grad_out, 0.0)
    zero_p = {name: filled(v, 0.0) for name, v in params.items()}
    others = [("", x, grad_out, params), (", zero input", zero_x, grad_out, params),
              (", zero grad_out", x, zero_g, params), (", zero weights", x, grad_out, zero_p)]
    for label, special in SPECIALS.items():
        for at in sorted({0, flat_count(x) // 2}) if spec.check_input else ():       # token ids cannot be NaN
            for suffix, _, g, p in others[:1] + others[2:]:
                yield f"{label} in the input at {at}{suffix}", filled(x, None, special, at), g, p
        for name, value in params.items():
            for at in sorted({0, flat_count(value) // 2, flat_count(value) - 1}):
                for suffix, x_, g, p in others[:3]:
                    p = dict(p, **{name: filled(value, None, special, at)})
                    yield f"{label} in {name} at {at}{suffix}", x_, g, p
        for at in sorted({0, flat_count(grad_out) // 2}):
            for suffix, x_, _, p in others[:2] + others[3:]:
                yield f"{label} in grad_out at {at}{suffix}", x_, filled(grad_out, None, special, at), p


CASES = [pytest.param(spec, case, where, xs, gs, ps, id=f"{spec.name}-{case.name}-{where}")
         for spec, case, x, g, p in cases() for where, xs, gs, ps in injections(spec, x, g, p)]


@pytest.mark.parametrize("spec, case, where, x, grad_out, params", CASES)
def test_the_twins_give_the_same_nan_and_inf_pattern(spec, case, where, x, grad_out, params):
    results = {nn.TWIN: {key: pattern(value)
                         for key, value in run_layer(nn, spec.make, x, grad_out, params).items()}
               for nn in TWINS}
    pure, vectorized = results["pure"], results["vectorized"]
    assert set(pure) == set(vectorized)
    for key in pure:
        assert pure[key] == vectorized[key], f"{spec.name}, {case.name}, {where}: {key} differs"
