"""Conv2D and pooling over a sweep of seeded random shapes: the twins agree, and finite differences agree.

test_conv.py checks a few hand-picked layers on the shared image fixtures.
This file sweeps the geometry instead: 36 seeded convolutions covering every
combination that matters for the index arithmetic (channels in and out 1..4,
kernel 1..5, square and rectangular, stride 1..3, padding 0..2, odd and even
image sizes, batches of one), and pooling windows 1..3 with strides 1..3
(overlapping, exact, and with leftover rows). For each:

- forward, input gradient and parameter gradients agree within the one-step
  policy |p - v| <= 1e-12 + 1e-10 |v| (tolerances.py);
- each twin's own gradcheck agrees with its backward (GRADCHECK_RTOL = 1e-6).

Plus: max-pool ties (integer pixels, overlapping windows) give bit-identical
outputs and gradients (the first maximum in row-major order in both twins),
and series A's CNN (conv 3x3 without bias, max-pool, dense, cross-entropy),
trained per sample for 60 steps from one seed, ends with the same weights
within TRAINING_ATOL = 1e-8.
"""
import random
from typing import NamedTuple

import pytest

import pure
import vectorized
from conformance.fixtures import tensor
from conformance.tolerances import GRADCHECK_RTOL, TRAINING_ATOL, compare_exact, compare_training
from conformance.twins import (TWINS, assert_agree, compare_layer, compare_results, for_twin, gradcheck_worst,
                               run_layer, set_params)


class ConvCase(NamedTuple):
    name: str
    c_in: int
    c_out: int
    kernel: tuple
    stride: tuple
    padding: tuple
    bias: bool
    x: list
    grad_out: list
    params: dict

    def make(self, nn):
        return nn.Conv2D(self.c_in, self.c_out, self.kernel, stride=self.stride, padding=self.padding,
                         bias=self.bias, seed=0)


def conv_cases(count: int = 36, seed: int = 2024):
    """Seeded random convolutions. Kernel, stride and padding cycle through all their values, so the
    sweep covers each of them whatever the seed; the rest (channels, sizes, rectangularity) is drawn."""
    rng = random.Random(seed)
    cases = []
    for i in range(count):
        k = 1 + i % 5
        kernel = (k, k) if i % 3 else (k, rng.randint(1, 5))
        stride = (1 + i % 3, 1 + i % 3) if i % 4 else (rng.randint(1, 3), rng.randint(1, 3))
        padding = ((i // 3) % 3, (i // 3) % 3) if i % 5 else (rng.randint(0, 2), rng.randint(0, 2))
        c_in, c_out = rng.randint(1, 4), rng.randint(1, 4)
        h = rng.randint(max(1, kernel[0] - 2 * padding[0]), 11)
        w = rng.randint(max(1, kernel[1] - 2 * padding[1]), 11)
        n = 1 if i % 2 else rng.randint(2, 3)
        out_h = (h + 2 * padding[0] - kernel[0]) // stride[0] + 1
        out_w = (w + 2 * padding[1] - kernel[1]) // stride[1] + 1
        bias = i % 6 != 5
        params = {"W": tensor(rng, (c_out, c_in) + kernel)}
        if bias:
            params["b"] = tensor(rng, (c_out,))
        name = (f"{n}x{c_in}x{h}x{w} -> {c_out}, k{kernel[0]}x{kernel[1]} s{stride[0]},{stride[1]} "
                f"p{padding[0]},{padding[1]}{'' if bias else ' no bias'}")
        cases.append(ConvCase(name, c_in, c_out, kernel, stride, padding, bias,
                              tensor(rng, (n, c_in, h, w)), tensor(rng, (n, c_out, out_h, out_w)), params))
    return cases


class PoolCase(NamedTuple):
    name: str
    kind: str
    size: tuple
    stride: tuple
    x: list
    grad_out: list

    def make(self, nn):
        return getattr(nn, self.kind)(self.size, self.stride)


def pool_cases(seed: int = 7):
    rng = random.Random(seed)
    cases = []
    for i in range(24):
        kind = "MaxPool2D" if i % 2 else "AvgPool2D"
        size = (1 + i % 3, 1 + (i // 3) % 3)
        stride = (1 + (i // 2) % 3, 1 + (i // 6) % 3)
        c, h, w = rng.randint(1, 4), rng.randint(size[0], 9), rng.randint(size[1], 9)
        n = 1 if i % 4 < 2 else 2
        out = (n, c, (h - size[0]) // stride[0] + 1, (w - size[1]) // stride[1] + 1)
        name = f"{kind} {size[0]}x{size[1]} s{stride[0]},{stride[1]} on {n}x{c}x{h}x{w}"
        cases.append(PoolCase(name, kind, size, stride, tensor(rng, (n, c, h, w)), tensor(rng, out)))
    return cases


CONV_CASES = conv_cases()
POOL_CASES = pool_cases()


def test_the_sweep_covers_every_value():
    seen = {key: set() for key in ("channels", "kernel", "stride", "padding", "parity", "batch", "bias")}
    for case in CONV_CASES:
        n, _, h, w = len(case.x), case.c_in, len(case.x[0][0]), len(case.x[0][0][0])
        seen["channels"] |= {case.c_in, case.c_out}
        seen["kernel"] |= set(case.kernel)
        seen["stride"] |= set(case.stride)
        seen["padding"] |= set(case.padding)
        seen["parity"] |= {h % 2, w % 2}
        seen["batch"].add(n)
        seen["bias"].add(case.bias)
    assert seen["channels"] == {1, 2, 3, 4} and seen["kernel"] == {1, 2, 3, 4, 5}
    assert seen["stride"] == {1, 2, 3} and seen["padding"] == {0, 1, 2}
    assert seen["parity"] == {0, 1} and 1 in seen["batch"] and seen["bias"] == {True, False}
    assert any(c.kernel[0] != c.kernel[1] for c in CONV_CASES) and any(c.stride[0] != c.stride[1] for c in CONV_CASES)


@pytest.mark.parametrize("case", CONV_CASES, ids=[c.name for c in CONV_CASES])
def test_conv_agrees_on_forward_input_grad_and_param_grads(case):
    comparisons = compare_layer(case.make, case.x, case.grad_out, case.params)
    assert set(comparisons) == {"forward", "input grad"} | {f"grad {name}" for name in case.params}
    assert_agree(comparisons, case.name)


@pytest.mark.parametrize("case", POOL_CASES, ids=[c.name for c in POOL_CASES])
def test_pooling_agrees_on_forward_and_input_grad(case):
    assert_agree(compare_layer(case.make, case.x, case.grad_out), case.name)


GRADCHECKED = [(nn, case) for nn in TWINS for case in CONV_CASES[::3] + POOL_CASES[::3]]


@pytest.mark.parametrize("nn, case", GRADCHECKED, ids=[f"{nn.TWIN}-{case.name}" for nn, case in GRADCHECKED])
def test_each_twin_matches_central_differences(nn, case):
    layer = case.make(nn)
    set_params(nn, layer, getattr(case, "params", None))
    report = nn.gradcheck(layer, for_twin(nn, case.x), max_checks=25)
    assert gradcheck_worst(report) <= GRADCHECK_RTOL, f"{nn.TWIN} {case.name}:\n{report}"


def test_maxpool_ties_go_to_the_same_position_in_both_twins():
    """Integer pixels 0..2 make ties in most windows; the results must be identical, not just close."""
    rng = random.Random(3)
    x = [[[[float(rng.randint(0, 2)) for _ in range(7)] for _ in range(7)] for _ in range(2)] for _ in range(2)]
    for size, stride in ((2, 2), (3, 1), (2, 1), ((3, 2), (2, 3))):
        make = lambda nn: nn.MaxPool2D(size, stride)   # noqa: E731
        out = make(pure).forward(x)
        grad_out = tensor(random.Random(4), (2, 2, len(out[0][0]), len(out[0][0][0])))
        p, v = run_layer(pure, make, x, grad_out), run_layer(vectorized, make, x, grad_out)
        comparisons = compare_results(p, v, compare_fn=compare_exact)
        assert_agree(comparisons, f"MaxPool2D({size}, stride={stride}) on tied pixels (exact)")


def series_a_cnn(nn):
    """Series A's CNN, shrunk to 10x10 digits: conv 3x3, 4 filters, no bias; max-pool 2; dense 64 -> 10."""
    return nn.Sequential([nn.Conv2D(1, 4, 3, bias=False, init=nn.init.Normal(1 / 9), seed=1), nn.MaxPool2D(2),
                          nn.Flatten(), nn.Dense(64, 10, init=nn.init.Normal(1 / 64), seed=2)])


def small_images(n=30, seed=5):
    rng = random.Random(seed)
    x = [[tensor(rng, (10, 10), -0.5, 0.5)] for _ in range(n)]
    y = [rng.randrange(10) for _ in range(n)]
    return x, y


def test_series_a_cnn_trained_per_sample_ends_with_the_same_weights():
    x, y = small_images()
    final = {}
    for nn in TWINS:
        model = series_a_cnn(nn)
        history = model.fit(for_twin(nn, x), y, loss=nn.CrossEntropy(), optimizer=nn.SGD(0.05), epochs=2,
                            batch_size=1, seed=0, progress=False)
        final[nn.TWIN] = {f"layer {i} {name}": value for i, layer in enumerate(model.layers)
                          for name, value in layer.params.items()}
        final[nn.TWIN]["history loss"] = history["loss"]
    assert len(x) * 2 >= 50                                        # 60 optimizer steps
    assert_agree(compare_results(final["pure"], final["vectorized"], compare_fn=compare_training),
                 f"series A's CNN after 60 per-sample steps (tolerance {TRAINING_ATOL:g})")
