"""What is checked, component by component: the factories, and one check per report row.

Each `check_*` function runs both twins on every fixture of one component
and returns a `ComponentResult`: the pure-vs-vectorized comparisons, the
worst error of each twin against finite differences, and any other broken
promise (a statistic off its formula, a lesson number not hit exactly).
`python -m conformance` prints one row per result; the pytest files use the
same factories, fixtures and compare functions case by case, so a failure
there names the exact input.

The factories take the twin module, so `lambda nn: nn.LeakyReLU(0.1)` builds
the same layer in `pure` and in `vectorized`.
"""
from __future__ import annotations

import inspect
import math
import random
from typing import Callable, Dict, List, NamedTuple, Optional

import numpy as np

import pure
import vectorized

from . import fixtures
from .tolerances import (EXACT_POLICY, GRADCHECK_RTOL, RTOL, STEP_POLICY, TRAINING_POLICY, Comparison, compare,
                         compare_exact)
from .twins import (TWINS, as_lists, compare_fit, compare_layer, compare_loss, compare_optimizer,
                    compare_results, for_twin, gradcheck_layer, gradcheck_loss, gradcheck_worst, layer_fd_worst,
                    loss_fd_worst, resume_across, run_layer, run_loss, run_optimizer, save_and_load_across,
                    set_params)


class ComponentResult(NamedTuple):
    component: str
    comparisons: Dict[str, Comparison]      # "fixture: what" -> pure against vectorized
    fd: Dict[str, Optional[float]]          # twin name -> worst relative error against finite differences
    tolerance: str
    problems: List[str] = []                # other broken promises, in words
    known_bugs: Dict[str, str] = {}         # label or problem prefix -> the bug it shows (reported, not hidden)

    @property
    def max_rel(self) -> float:
        return max((c.max_rel for c in self.comparisons.values()), default=0.0)

    @property
    def max_abs(self) -> float:
        return max((c.max_abs for c in self.comparisons.values()), default=0.0)

    @property
    def ok(self) -> bool:
        return (bool(self.comparisons) and all(c.ok for c in self.comparisons.values())
                and all(v is None or v <= GRADCHECK_RTOL for v in self.fd.values()) and not self.problems)

    def failures(self) -> List[str]:
        lines = [f"{label}: {c}" for label, c in self.comparisons.items() if not c.ok]
        lines += [f"{twin} gradient vs finite differences: worst relative error {v:.3e} > {GRADCHECK_RTOL:g}"
                  for twin, v in self.fd.items() if v is not None and v > GRADCHECK_RTOL]
        return lines + list(self.problems)

    def unexplained_failures(self) -> List[str]:
        """Failures no known bug accounts for."""
        return [line for line in self.failures() if not any(line.startswith(key) for key in self.known_bugs)]

    @property
    def status(self) -> str:
        """PASS; KNOWN BUG when every failure is a listed bug (as pytest's xfail); else FAIL."""
        if self.ok:
            return "PASS"
        return "KNOWN BUG" if self.comparisons and not self.unexplained_failures() else "FAIL"


def _prefixed(prefix: str, comparisons: Dict[str, Comparison]) -> Dict[str, Comparison]:
    return {f"{prefix}: {label}": c for label, c in comparisons.items()}


def _fd_max(fd: Dict[str, Optional[float]], twin, value: float) -> None:
    fd[twin.TWIN] = max(fd.get(twin.TWIN) or 0.0, value)


# ----------------------------------------------------------------------------- layers

ACTIVATIONS = [
    ("Sigmoid", lambda nn: nn.Sigmoid()),
    ("Tanh", lambda nn: nn.Tanh()),
    ("ReLU", lambda nn: nn.ReLU()),
    ("LeakyReLU(0.1)", lambda nn: nn.LeakyReLU(0.1)),
    ("ELU(1.0)", lambda nn: nn.ELU(1.0)),
    ("Softplus", lambda nn: nn.Softplus()),
    ("ArcTan", lambda nn: nn.ArcTan()),
    ("Identity", lambda nn: nn.Identity()),
    ("Softmax", lambda nn: nn.Softmax()),
]


def dense_factory(case: fixtures.DenseCase) -> Callable:
    n_in, n_out = len(case.W), len(case.b)
    return lambda nn: nn.Dense(n_in, n_out)


def dense_params(case: fixtures.DenseCase) -> dict:
    return {"W": case.W, "b": case.b}


def dropout_factory(case: fixtures.DropoutCase) -> Callable:
    return lambda nn: nn.Dropout(case.p, seed=case.seed)


def check_activation(name: str, make: Callable) -> ComponentResult:
    comparisons, fd = {}, {nn.TWIN: None for nn in TWINS}
    for case in fixtures.elementwise_cases():
        comparisons.update(_prefixed(case.name, compare_layer(make, case.x, case.grad_out)))
        if case.fd:
            for nn in TWINS:
                _fd_max(fd, nn, gradcheck_worst(gradcheck_layer(nn, make, case.x)))
                _fd_max(fd, nn, layer_fd_worst(nn, make, case.x, case.grad_out))
    return ComponentResult(name, comparisons, fd, STEP_POLICY)


def check_dense() -> ComponentResult:
    comparisons, fd = {}, {nn.TWIN: None for nn in TWINS}
    for case in fixtures.dense_cases():
        make, params = dense_factory(case), dense_params(case)
        comparisons.update(_prefixed(case.name, compare_layer(make, case.x, case.grad_out, params)))
        if case.fd:
            for nn in TWINS:
                _fd_max(fd, nn, gradcheck_worst(gradcheck_layer(nn, make, case.x, params)))
                _fd_max(fd, nn, layer_fd_worst(nn, make, case.x, case.grad_out, params))
    return ComponentResult("Dense", comparisons, fd, STEP_POLICY)


def dropout_mask(nn, case: fixtures.DropoutCase):
    """The mask twin nn's Dropout draws for this case (None: no mask, the layer passes x through)."""
    layer = nn.Dropout(case.p, seed=case.seed).train()
    layer.forward(for_twin(nn, case.x))
    return None if layer.mask is None else as_lists(layer.mask)


def check_dropout() -> ComponentResult:
    comparisons, fd = {}, {nn.TWIN: None for nn in TWINS}
    for case in fixtures.dropout_cases():
        make = dropout_factory(case)
        comparisons.update(_prefixed(f"{case.name} training", compare_layer(make, case.x, case.grad_out)))
        comparisons.update(_prefixed(f"{case.name} eval",
                                     compare_layer(make, case.x, case.grad_out, training=False)))
        masks = compare_results({"mask": dropout_mask(pure, case)}, {"mask": dropout_mask(vectorized, case)},
                                compare_fn=compare_exact)
        comparisons.update(_prefixed(case.name, masks))
        for nn in TWINS:   # training mode: a fresh layer with the same seed keeps the mask fixed
            _fd_max(fd, nn, layer_fd_worst(nn, make, case.x, case.grad_out))
    return ComponentResult("Dropout", comparisons, fd, STEP_POLICY)


def check_flatten() -> ComponentResult:
    comparisons, fd = {}, {nn.TWIN: None for nn in TWINS}
    make = lambda nn: nn.Flatten()  # noqa: E731
    for case in fixtures.flatten_cases():
        comparisons.update(_prefixed(case.name, compare_layer(make, case.x, case.grad_out)))
        for nn in TWINS:
            _fd_max(fd, nn, gradcheck_worst(gradcheck_layer(nn, make, case.x)))
            _fd_max(fd, nn, layer_fd_worst(nn, make, case.x, case.grad_out))
    return ComponentResult("Flatten", comparisons, fd, STEP_POLICY)


# ----------------------------------------------------------------------------- recurrent layers (if present)

HAS_RECURRENT = all(hasattr(nn, name) for nn in TWINS for name in ("RNN", "LSTM", "Embedding", "TimeDistributed"))


class LayerSpec(NamedTuple):
    """A layer (recurrent or convolutional) and the fixtures it is run on."""
    name: str
    make: Callable
    cases: Callable              # () -> list of cases with .name, .x, .fd (fixtures.SequenceCase)
    check_input: bool = True     # False for Embedding: integer ids have no gradient


RECURRENT = [
    LayerSpec("RNN many-to-one", lambda nn: nn.RNN(3, 4, seed=1), lambda: fixtures.sequence_cases(3)),
    LayerSpec("RNN return_sequences", lambda nn: nn.RNN(3, 4, return_sequences=True, seed=2),
                  lambda: fixtures.sequence_cases(3)),
    LayerSpec("LSTM many-to-one", lambda nn: nn.LSTM(3, 4, seed=3), lambda: fixtures.sequence_cases(3)),
    LayerSpec("LSTM return_sequences", lambda nn: nn.LSTM(3, 4, return_sequences=True, seed=4),
                  lambda: fixtures.sequence_cases(3)),
    LayerSpec("Embedding", lambda nn: nn.Embedding(6, 3, seed=5), lambda: fixtures.token_cases(6),
                  check_input=False),
    LayerSpec("TimeDistributed(Dense)", lambda nn: nn.TimeDistributed(nn.Dense(3, 2, seed=6)),
                  lambda: fixtures.sequence_cases(3)),
    LayerSpec("TimeDistributed(Sigmoid)", lambda nn: nn.TimeDistributed(nn.Sigmoid()),
                  lambda: fixtures.sequence_cases(3)),
    LayerSpec("TimeDistributed(Dropout(0.5))", lambda nn: nn.TimeDistributed(nn.Dropout(0.5, seed=7)),
              lambda: fixtures.sequence_cases(3)),
] if HAS_RECURRENT else []


HAS_CONV = all(hasattr(nn, name) for nn in TWINS for name in ("Conv2D", "MaxPool2D", "AvgPool2D"))

CONV = [
    LayerSpec("Conv2D 3x3", lambda nn: nn.Conv2D(2, 3, 3, seed=41), lambda: fixtures.image_cases(2)),
    LayerSpec("Conv2D 3x2, stride 2, padding 1", lambda nn: nn.Conv2D(2, 3, (3, 2), stride=2, padding=1, seed=42),
              lambda: fixtures.image_cases(2)),
    LayerSpec("Conv2D 2x2, stride (1,2), pad (0,1), no bias",
              lambda nn: nn.Conv2D(1, 2, 2, stride=(1, 2), padding=(0, 1), bias=False, seed=43),
              lambda: fixtures.image_cases(1)),
    LayerSpec("MaxPool2D 2", lambda nn: nn.MaxPool2D(2), lambda: fixtures.image_cases(2)),
    LayerSpec("MaxPool2D 3, stride 1 (overlapping)", lambda nn: nn.MaxPool2D(3, stride=1),
              lambda: fixtures.image_cases(2)),
    LayerSpec("MaxPool2D (2, 3), stride (1, 2)", lambda nn: nn.MaxPool2D((2, 3), stride=(1, 2)),
              lambda: fixtures.image_cases(1)),
    LayerSpec("AvgPool2D 2", lambda nn: nn.AvgPool2D(2), lambda: fixtures.image_cases(2)),
    LayerSpec("AvgPool2D 3, stride 2", lambda nn: nn.AvgPool2D(3, stride=2), lambda: fixtures.image_cases(1)),
] if HAS_CONV else []


def random_params(make: Callable, seed: int = 0) -> dict:
    """Parameters for the comparisons: uniform on [-1, 1], in the shapes of the layer's own.

    Larger than the initializers' (xavier gives about +-0.5 here), so a
    recurrent state carries real signal from step to step and every gradient
    entry is large enough for finite differences to measure.
    """
    rng = random.Random(seed)
    return {name: fixtures.tensor(rng, np.shape(as_lists(value))) for name, value in make(pure).params.items()}


def grad_out_for(make: Callable, x, seed: int = 0):
    """A random gradient shaped like the layer's output for x (ragged where the output is)."""
    return fixtures.like(as_lists(make(pure).forward(for_twin(pure, x))), seed)


def is_ragged(x) -> bool:
    return len({len(sequence) for sequence in x}) > 1


def check_layer_spec(spec: LayerSpec) -> ComponentResult:
    comparisons, fd = {}, {nn.TWIN: None for nn in TWINS}
    start = compare_results({k: as_lists(v) for k, v in spec.make(pure).params.items()},
                            {k: as_lists(v) for k, v in spec.make(vectorized).params.items()},
                            compare_fn=compare_exact)
    comparisons.update(_prefixed("initial weights (same seed)", start))
    params = random_params(spec.make)
    for case in spec.cases():
        grad_out = grad_out_for(spec.make, case.x)
        comparisons.update(_prefixed(case.name, compare_layer(spec.make, case.x, grad_out, params)))
        if case.fd:
            for nn in TWINS:
                if not is_ragged(case.x):     # the twins' gradcheck samples indices of a rectangular input
                    layer = spec.make(nn)
                    set_params(nn, layer, params)
                    report = nn.gradcheck(layer, for_twin(nn, case.x), check_input=spec.check_input, max_checks=30)
                    _fd_max(fd, nn, gradcheck_worst(report))
                _fd_max(fd, nn, layer_fd_worst(nn, spec.make, case.x, grad_out, params,
                                               check_input=spec.check_input))
    return ComponentResult(spec.name, comparisons, fd, STEP_POLICY)


# ----------------------------------------------------------------------------- losses

LOSSES = [
    ("MSE", lambda nn: nn.MSE(), fixtures.mse_cases),
    ("BinaryCrossEntropy", lambda nn: nn.BinaryCrossEntropy(), fixtures.bce_cases),
    ("CrossEntropy", lambda nn: nn.CrossEntropy(), fixtures.cross_entropy_cases),
] + ([("CrossEntropy on sequences", lambda nn: nn.CrossEntropy(),
       lambda: fixtures.cross_entropy_cases(sequences=True))] if HAS_RECURRENT else [])


def check_loss(name: str, make: Callable, cases: Callable) -> ComponentResult:
    comparisons, fd = {}, {nn.TWIN: None for nn in TWINS}
    for case in cases():
        comparisons.update(_prefixed(case.name, compare_loss(make, case.pred, case.target)))
        if case.fd:
            for nn in TWINS:
                if not is_ragged(case.pred):
                    _fd_max(fd, nn, gradcheck_worst(gradcheck_loss(nn, make, case.pred, case.target)))
                _fd_max(fd, nn, loss_fd_worst(nn, make, case.pred, case.target))
    return ComponentResult(name, comparisons, fd, STEP_POLICY)


# ----------------------------------------------------------------------------- initializers

INIT_SEED = 0


def dense_initial_weights(nn, case: fixtures.InitializerCase, seed: int = INIT_SEED) -> dict:
    layer = nn.Dense(case.fan_in, case.fan_out, init=case.spec, seed=seed)
    return {"W": as_lists(layer.params["W"]), "b": as_lists(layer.params["b"])}


def initializer_draws(nn, case: fixtures.InitializerCase, seed: int = INIT_SEED):
    """The initializer called directly, as the contract names it: nn.init.get(spec)(dims, fan_in, fan_out, rng)."""
    return as_lists(nn.init.get(case.spec)((case.fan_in, case.fan_out), case.fan_in, case.fan_out,
                                           random.Random(seed)))


def hand_draw(spec: str, fan_in: int, fan_out: int, rng: random.Random) -> float:
    """One number of each initializer of fixtures.initializer_cases(), drawn from random.Random
    as the formula says (written again here, independently of pure/init.py)."""
    if spec == "he":
        return rng.gauss(0.0, math.sqrt(2.0 / fan_in))
    if spec in ("xavier", "glorot"):
        a = math.sqrt(6.0 / (fan_in + fan_out))
        return rng.uniform(-a, a)
    if spec == "lecun":
        return rng.gauss(0.0, math.sqrt(1.0 / fan_in))
    if spec == "normal(0.1)":
        return rng.gauss(0.0, 0.1)
    if spec == "uniform(-0.5, 1.5)":
        return rng.uniform(-0.5, 1.5)
    if spec == "zeros":
        return 0.0
    raise ValueError(f"no hand formula for initializer {spec!r}")


def initializer_draws_by_hand(case: fixtures.InitializerCase, seed: int = INIT_SEED):
    """What initializer_draws must give: row-major draws, the last index moving fastest."""
    rng = random.Random(seed)
    return [[hand_draw(case.spec, case.fan_in, case.fan_out, rng) for _ in range(case.fan_out)]
            for _ in range(case.fan_in)]


class Statistics(NamedTuple):
    count: int
    mean: float
    variance: float
    low: float
    high: float


def statistics(values) -> Statistics:
    flat = [v for row in values for v in row]
    n = len(flat)
    mean = math.fsum(flat) / n
    variance = math.fsum((v - mean) ** 2 for v in flat) / n
    return Statistics(n, mean, variance, min(flat), max(flat))


def statistics_problems(stats: Statistics, case: fixtures.InitializerCase) -> List[str]:
    """What is wrong with a sample's statistics against the initializer's formula ([] if nothing).

    Bounds, with n draws and promised variance s²: the mean within 5 s / sqrt(n)
    of its promise, the sample variance within a relative 5 sqrt(2 / n) (five
    standard errors for a normal sample, more for a uniform one). With
    n = 40,000 that is 3.5%: a std taken for a variance is off by 10x or more.
    """
    problems = []
    n, spec = stats.count, case.spec
    if case.variance == 0.0:
        if stats.low != 0.0 or stats.high != 0.0:
            problems.append(f"{spec}: expected all zeros, got values in [{stats.low}, {stats.high}]")
        return problems
    mean_bound = 5.0 * math.sqrt(case.variance / n)
    if abs(stats.mean - case.mean) > mean_bound:
        problems.append(f"{spec}: mean {stats.mean:.5g}, expected {case.mean:.5g} +- {mean_bound:.2g}")
    var_bound = 5.0 * math.sqrt(2.0 / n)
    if abs(stats.variance / case.variance - 1.0) > var_bound:
        problems.append(f"{spec}: variance {stats.variance:.5g} (std {math.sqrt(stats.variance):.5g}), "
                        f"expected {case.variance:.5g} (std {math.sqrt(case.variance):.5g}) "
                        f"within {100 * var_bound:.1f}%")
    if stats.low < case.low or stats.high > case.high:
        problems.append(f"{spec}: draws in [{stats.low:.5g}, {stats.high:.5g}], outside [{case.low:.5g}, "
                        f"{case.high:.5g}]")
    return problems


def check_initializer(case: fixtures.InitializerCase) -> ComponentResult:
    comparisons = _prefixed("Dense weights", compare_results(dense_initial_weights(pure, case),
                                                             dense_initial_weights(vectorized, case),
                                                             compare_fn=compare_exact))
    # nn.init is ONE module (vectorized re-exports pure's), so its draws are compared with
    # random.Random called by hand, not with themselves.
    comparisons["init.get(spec)(...) draws vs by hand"] = compare_exact(initializer_draws(pure, case),
                                                                        initializer_draws_by_hand(case))
    problems = []
    for nn in TWINS:
        problems += [f"{nn.TWIN} Dense weights: {p}"
                     for p in statistics_problems(statistics(dense_initial_weights(nn, case)["W"]), case)]
    return ComponentResult(f"init {case.spec}", comparisons, {}, EXACT_POLICY, problems)


# ----------------------------------------------------------------------------- optimizers and clipping

OPTIMIZERS = [
    ("SGD", lambda nn: nn.SGD(0.1)),
    ("SGD momentum", lambda nn: nn.SGD(0.1, momentum=0.9)),
    ("SGD weight decay", lambda nn: nn.SGD(0.1, weight_decay=0.01)),
    ("SGD momentum + weight decay", lambda nn: nn.SGD(0.05, momentum=0.9, weight_decay=1e-3)),
    ("Adam", lambda nn: nn.Adam(0.01)),
    ("Adam betas, eps, weight decay", lambda nn: nn.Adam(0.01, beta1=0.8, beta2=0.99, eps=1e-7,
                                                         weight_decay=0.01)),
]

CLIPPINGS = [
    ("clip_grads_by_value", lambda nn, layers: nn.clip_grads_by_value(layers, 0.5)),
    ("clip_grads_by_norm", lambda nn, layers: nn.clip_grads_by_norm(layers, 1.0)),
]

CLIPPING_OPTIMIZER = ("SGD momentum", lambda nn: nn.SGD(0.1, momentum=0.9))


def check_optimizer(name: str, make: Callable) -> ComponentResult:
    fixture = fixtures.optimizer_fixture()
    comparisons = compare_optimizer(make, fixture.params, fixture.grads)
    return ComponentResult(name, comparisons, {}, STEP_POLICY)


def check_clipping(name: str, clip: Callable) -> ComponentResult:
    """Clip then step (SGD momentum) for several steps; large gradients (clipped) and small ones (not)."""
    comparisons = {}
    for label, scale in (("large gradients", 2.0), ("small gradients", 0.01)):
        fixture = fixtures.optimizer_fixture(seed=1, grad_scale=scale)
        comparisons.update(_prefixed(label, compare_optimizer(CLIPPING_OPTIMIZER[1], fixture.params,
                                                              fixture.grads, clip=clip)))
    return ComponentResult(name, comparisons, {}, STEP_POLICY)


def two_steps_clearing_the_gradient(nn, make: Callable, clear: bool) -> float:
    """W after two steps from W = 0 with gradient 1, optionally clearing the used gradient in place between."""
    layer = nn.Dense(1, 1, init="zeros")
    layer.grads = {"W": for_twin(nn, [[1.0]]), "b": None}
    optimizer = make(nn)
    optimizer.step([layer])
    if clear:
        layer.grads["W"][0][0] = 0.0          # PyTorch's zero_grad habit: clear in place after the step
    layer.grads["W"] = for_twin(nn, [[1.0]])
    optimizer.step([layer])
    return float(as_lists(layer.params["W"])[0][0])


STATEFUL_OPTIMIZERS = [(name, make) for name, make in OPTIMIZERS if name in ("SGD momentum", "Adam")]


def check_optimizer_state() -> ComponentResult:
    """Optimizer state (velocity, moments) must not share memory with the gradients it was given."""
    comparisons, problems = {}, []
    for name, make in STATEFUL_OPTIMIZERS:
        cleared = {nn.TWIN: two_steps_clearing_the_gradient(nn, make, clear=True) for nn in TWINS}
        comparisons[f"{name}: gradient cleared in place after step"] = compare(cleared["pure"],
                                                                               cleared["vectorized"])
        for nn in TWINS:
            untouched = two_steps_clearing_the_gradient(nn, make, clear=False)
            if cleared[nn.TWIN] != untouched:
                problems.append(f"{name} {nn.TWIN}: clearing the used gradient in place changed the next step "
                                f"(W = {cleared[nn.TWIN]!r} instead of {untouched!r})")
    return ComponentResult("optimizer state vs in-place grads", comparisons, {}, STEP_POLICY, problems)


def _outcome(f):
    try:
        return as_lists(f())
    except Exception as e:  # noqa: BLE001 - the exception is the outcome being compared
        return f"{type(e).__name__}: {e}"


def check_one_hot() -> ComponentResult:
    comparisons = {}
    for label, labels in (("int labels", [0, 2, 1, 2]), ("bytes labels", b"\x00\x02\x01")):
        comparisons[label] = compare_exact(pure.one_hot(labels, 4), vectorized.one_hot(labels, 4))
    problems = []
    p, v = (_outcome(lambda nn=nn: nn.one_hot([0.0, 2.0], 3)) for nn in TWINS)
    if p != v:
        problems.append(f"one_hot([0.0, 2.0], 3): pure gives {p!r}, vectorized {v!r}")
    for nn in TWINS:
        got = _outcome(lambda nn=nn: nn.one_hot([1.5], 3))
        if not isinstance(got, str):
            problems.append(f"one_hot([1.5], 3): {nn.TWIN} accepts a label that is not a whole number: {got!r}")
    return ComponentResult("one_hot", comparisons, {}, EXACT_POLICY, problems)


# ----------------------------------------------------------------------------- whole training runs


def build_classifier(nn):
    """2 -> 16 tanh -> Dropout(0.2) -> 2 logits, every random draw seeded."""
    return nn.Sequential([nn.Dense(2, 16, init="he", seed=1), nn.Tanh(), nn.Dropout(0.2, seed=2),
                          nn.Dense(16, 2, seed=3)])


def build_classifier_relu(nn):
    return nn.Sequential([nn.Dense(2, 12, init="he", seed=4), nn.ReLU(), nn.Dropout(0.1, seed=5),
                          nn.Dense(12, 12, init="he", seed=6), nn.LeakyReLU(0.1), nn.Dense(12, 2, seed=7)])


def build_binary(nn):
    return nn.Sequential([nn.Dense(2, 8, init="lecun", seed=8), nn.ELU(), nn.Dense(8, 1, seed=9), nn.Sigmoid()])


class FitCase(NamedTuple):
    name: str
    build: Callable
    make_loss: Callable
    make_optimizer: Callable
    options: dict
    binary: bool = False        # targets as [[0.0] or [1.0]] rows for BinaryCrossEntropy
    data: Callable = fixtures.training_data


FIT_BASE = dict(epochs=10, batch_size=8, seed=0, shuffle=True)      # 96 examples: 12 steps per epoch

FITS = [
    FitCase("fit SGD + Dropout, shuffled", build_classifier, lambda nn: nn.CrossEntropy(),
            lambda nn: nn.SGD(0.1), FIT_BASE),
    FitCase("fit SGD momentum + weight decay", build_classifier, lambda nn: nn.CrossEntropy(),
            lambda nn: nn.SGD(0.05, momentum=0.9, weight_decay=1e-4), FIT_BASE),
    FitCase("fit Adam, uneven last batch", build_classifier_relu, lambda nn: nn.CrossEntropy(),
            lambda nn: nn.Adam(0.01), dict(FIT_BASE, batch_size=10)),          # 9 batches of 10, one of 6
    FitCase("fit clip_value + clip_norm", build_classifier, lambda nn: nn.CrossEntropy(),
            lambda nn: nn.SGD(0.3, momentum=0.5), dict(FIT_BASE, clip_value=0.05, clip_norm=0.1)),
    FitCase("fit BCE, per-sample, no shuffle", build_binary, lambda nn: nn.BinaryCrossEntropy(),
            lambda nn: nn.SGD(0.05), dict(epochs=2, batch_size=1, seed=0, shuffle=False), binary=True),
    FitCase("fit validation + early stop + lr plateau", build_classifier, lambda nn: nn.CrossEntropy(),
            lambda nn: nn.SGD(0.3, momentum=0.9),
            dict(epochs=40, batch_size=8, seed=3, validation_data=True, early_stopping=4, lr_plateau=1)),
]


def build_sequence_classifier(nn):
    return nn.Sequential([nn.LSTM(3, 6, seed=21), nn.Dropout(0.2, seed=22), nn.Dense(6, 2, seed=23)])


def build_next_token_model(nn):
    return nn.Sequential([nn.Embedding(5, 4, seed=24), nn.RNN(4, 6, return_sequences=True, seed=25),
                          nn.TimeDistributed(nn.Dense(6, 5, seed=26))])


def build_small_cnn(nn):
    return nn.Sequential([nn.Conv2D(1, 3, 3, padding=1, init="he", seed=27), nn.ReLU(), nn.MaxPool2D(2),
                          nn.Conv2D(3, 2, 2, seed=28), nn.Tanh(), nn.AvgPool2D(2), nn.Flatten(),
                          nn.Dense(2, 2, seed=29)])


if HAS_CONV:
    FITS += [
        FitCase("fit CNN (Conv2D, pooling, Flatten)", build_small_cnn, lambda nn: nn.CrossEntropy(),
                lambda nn: nn.SGD(0.1, momentum=0.9), dict(epochs=10, batch_size=4, seed=0),
                data=fixtures.image_training_data),
    ]

if HAS_RECURRENT:
    FITS += [
        FitCase("fit LSTM on ragged sequences", build_sequence_classifier, lambda nn: nn.CrossEntropy(),
                lambda nn: nn.Adam(0.02), dict(epochs=10, batch_size=4, seed=0), data=fixtures.sequence_training_data),
        FitCase("fit Embedding-RNN-TimeDistributed", build_next_token_model, lambda nn: nn.CrossEntropy(),
                lambda nn: nn.SGD(0.2, momentum=0.9), dict(epochs=10, batch_size=4, seed=0, clip_norm=1.0),
                data=fixtures.token_training_data),
    ]


def fit_data(case: FitCase) -> fixtures.TrainingData:
    d = case.data()
    if case.binary:
        return d._replace(y=[[float(v)] for v in d.y], y_val=[[float(v)] for v in d.y_val])
    return d


def compare_fit_case(case: FitCase) -> Dict[str, Comparison]:
    return compare_fit(case.build, fit_data(case), case.make_loss, case.make_optimizer, **case.options)


def check_fit(case: FitCase) -> ComponentResult:
    comparisons = compare_fit_case(case)
    problems = []
    steps = comparisons.get("optimizer steps")
    if steps is not None and steps.ok and steps.pure < 100:
        problems.append(f"only {steps.pure:.0f} optimizer steps; the policy is about runs of 100 or more")
    return ComponentResult(case.name, comparisons, {}, TRAINING_POLICY, problems)


HAS_CHECKPOINTS = all("resume" in inspect.signature(nn.Sequential.fit).parameters
                      or "resume" in inspect.signature(nn.training.fit).parameters for nn in TWINS)

RESUMED_FITS = [case for case in FITS if case.name in (
    "fit SGD + Dropout, shuffled", "fit SGD momentum + weight decay", "fit Adam, uneven last batch",
    "fit validation + early stop + lr plateau")] if HAS_CHECKPOINTS else []


def compare_resumed_fit(case: FitCase, folder: Optional[str] = None) -> Dict[str, Comparison]:
    """Stop the run at epoch 4 with a checkpoint, resume it in the other twin (both directions)."""
    return resume_across(case.build, fit_data(case), case.make_loss, case.make_optimizer, stop_after=4,
                         folder=folder, **case.options)


def check_resumed_fits() -> ComponentResult:
    comparisons = {}
    for case in RESUMED_FITS:
        comparisons.update(_prefixed(case.name, compare_resumed_fit(case)))
    return ComponentResult("checkpoint in one twin, resume in other", comparisons, {}, TRAINING_POLICY)


# ----------------------------------------------------------------------------- model files


def build_every_layer_type(nn):
    """One model holding every layer type a model file may name."""
    return nn.Sequential([
        nn.Flatten(), nn.Dense(6, 8, seed=11), nn.Sigmoid(), nn.Dense(8, 8, init="he", seed=12), nn.Tanh(),
        nn.Dense(8, 8, init="lecun", seed=13), nn.ReLU(), nn.LeakyReLU(0.2), nn.ELU(0.7), nn.Softplus(),
        nn.ArcTan(), nn.Identity(), nn.Dropout(0.3, seed=14), nn.Dense(8, 3, bias_init="normal(0.5)", seed=15),
        nn.Softmax(),
    ])


def save_load_inputs():
    return fixtures.tensor(random.Random(5), (7, 2, 3), -2.0, 2.0)


def check_save_load() -> ComponentResult:
    return ComponentResult("save/load across twins", save_and_load_across(build_every_layer_type,
                                                                          save_load_inputs()),
                           {}, STEP_POLICY + "; weights exact")


def build_recurrent_model(nn):
    """Every recurrent layer type in one model: ids -> Embedding -> LSTM -> RNN -> TimeDistributed(Dense)."""
    return nn.Sequential([nn.Embedding(6, 4, seed=31), nn.LSTM(4, 5, return_sequences=True, seed=32),
                          nn.RNN(5, 3, return_sequences=True, seed=33), nn.TimeDistributed(nn.Dense(3, 6, seed=34))])


def build_recurrent_classifier(nn):
    return nn.Sequential([nn.Embedding(6, 4, seed=35), nn.LSTM(4, 5, seed=36), nn.Dense(5, 2, seed=37)])


RECURRENT_MODEL_INPUTS = [
    ("many-to-many, equal lengths", build_recurrent_model, [[1, 2, 3], [4, 0, 5]]),
    ("many-to-one, ragged", build_recurrent_classifier, [[1, 2, 3], [4], [0, 5]]),
    ("many-to-many, ragged", build_recurrent_model, [[1, 2, 3], [4], [0, 5]]),
]


def check_recurrent_save_load() -> ComponentResult:
    comparisons = {}
    for label, build, x in RECURRENT_MODEL_INPUTS:
        comparisons.update(_prefixed(label, save_and_load_across(build, x)))
    return ComponentResult("save/load recurrent models", comparisons, {}, STEP_POLICY + "; weights exact")


def check_conv_save_load() -> ComponentResult:
    x = fixtures.image_training_data(n=6).x
    return ComponentResult("save/load convolutional models", save_and_load_across(build_small_cnn, x), {},
                           STEP_POLICY + "; weights exact")


# ----------------------------------------------------------------------------- lessons and stability


class WorkedExample(NamedTuple):
    name: str
    compute: Callable           # nn -> float
    expected: float


def zhou_neuron(nn) -> float:
    """Victor Zhou's neuron: w = [0, 1], b = 4, sigmoid, at x = [2, 3]."""
    dense = nn.Dense(2, 1)
    dense.params["W"] = for_twin(nn, [[0.0], [1.0]])
    dense.params["b"] = for_twin(nn, [4.0])
    return float(nn.Sequential([dense, nn.Sigmoid()]).forward(for_twin(nn, [[2.0, 3.0]]))[0][0])


def zhou_network(nn) -> float:
    """Zhou's 2-2-1 sigmoid network with every neuron's w = [0, 1], b = 0, at x = [2, 3]."""
    hidden, output = nn.Dense(2, 2), nn.Dense(2, 1)
    hidden.params["W"] = for_twin(nn, [[0.0, 0.0], [1.0, 1.0]])     # column j = neuron j's weights [0, 1]
    hidden.params["b"] = for_twin(nn, [0.0, 0.0])
    output.params["W"] = for_twin(nn, [[0.0], [1.0]])
    output.params["b"] = for_twin(nn, [0.0])
    model = nn.Sequential([hidden, nn.Sigmoid(), output, nn.Sigmoid()])
    return float(model.forward(for_twin(nn, [[2.0, 3.0]]))[0][0])


def zhou_mse(nn) -> float:
    """MSE of predictions [1, 0, 0, 1] against targets all 0."""
    return float(nn.MSE().forward(for_twin(nn, [[1.0], [0.0], [0.0], [1.0]]),
                                  for_twin(nn, [[0.0], [0.0], [0.0], [0.0]])))


WORKED_EXAMPLES = [
    WorkedExample("Zhou neuron", zhou_neuron, 0.9990889488055994),
    WorkedExample("Zhou 2-2-1 network", zhou_network, 0.7216325609518421),
    WorkedExample("Zhou MSE", zhou_mse, 0.5),
]


def check_worked_examples() -> ComponentResult:
    comparisons, problems = {}, []
    for example in WORKED_EXAMPLES:
        values = {nn.TWIN: example.compute(nn) for nn in TWINS}
        comparisons[example.name] = compare_exact(values["pure"], values["vectorized"])
        problems += [f"{example.name}: {twin} gives {v!r}, the lesson says {example.expected!r}"
                     for twin, v in values.items() if v != example.expected]
    return ComponentResult("lesson A1 worked numbers", comparisons, {}, EXACT_POLICY, problems)


class StabilityCase(NamedTuple):
    """A layer or loss at extreme inputs, with its exact mathematical limits."""
    name: str
    run: Callable               # nn -> (value, gradient)
    value: object               # the limit of the output
    gradient: object            # the limit of the gradient
    rtol: float = RTOL          # relative tolerance against value and gradient


# BinaryCrossEntropy at p = 0 (target 1) and p = 1 (target 0) has no mathematical limit: log 0
# and 1/(p(1-p)) are infinite, and the finite answer is a convention, PyTorch's. Its value and
# gradient are recorded here from torch 2.13.0 (torch.nn.functional.binary_cross_entropy on
# float64 p = [[0, 1]], t = [[1, 0]], then .backward()), NOT derived from our clamp: the loss is
# 100.0 (each log clamped at -100) and the gradient -+500000001997.9014, i.e. -+1/(2 eps) with
# PyTorch's eps = 1e-12 stored as a float32 (9.99999996e-13). The twins clamp at 1e-12 in double,
# which gives 5e11: 4e-9 relative from PyTorch, hence rtol 1e-8 for that case.
TORCH_BCE_GRADIENT_AT_0_AND_1 = 500000001997.9014


def _layer_at(make, x, grad_out):
    def run(nn):
        layer = make(nn)
        return layer.forward(for_twin(nn, x)), layer.backward(for_twin(nn, grad_out))
    return run


def _loss_at(make, pred, target):
    def run(nn):
        loss = make(nn)
        return loss.forward(for_twin(nn, pred), for_twin(nn, target)), loss.backward()
    return run


STABILITY_CASES = [
    StabilityCase("Sigmoid at +-1000", _layer_at(lambda nn: nn.Sigmoid(), [[1000.0, -1000.0]], [[1.0, 1.0]]),
                  [[1.0, 0.0]], [[0.0, 0.0]]),
    StabilityCase("Softplus at +-1000", _layer_at(lambda nn: nn.Softplus(), [[1000.0, -1000.0]], [[1.0, 1.0]]),
                  [[1000.0, 0.0]], [[1.0, 0.0]]),
    StabilityCase("Softmax at +-1000",
                  _layer_at(lambda nn: nn.Softmax(), [[1000.0, -1000.0, 0.0], [1000.0, 1000.0, -1000.0]],
                            [[1.0, 0.0, 0.0], [1.0, 0.0, 0.0]]),
                  [[1.0, 0.0, 0.0], [0.5, 0.5, 0.0]], [[0.0, 0.0, 0.0], [0.25, -0.25, 0.0]]),
    StabilityCase("CrossEntropy, logits +-1000, right class",
                  _loss_at(lambda nn: nn.CrossEntropy(), [[1000.0, -1000.0]], [0]), 0.0, [[0.0, 0.0]]),
    StabilityCase("CrossEntropy, logits +-1000, wrong class",
                  _loss_at(lambda nn: nn.CrossEntropy(), [[1000.0, -1000.0], [-1000.0, 1000.0]], [1, 0]),
                  2000.0, [[0.5, -0.5], [-0.5, 0.5]]),
    StabilityCase("CrossEntropy, all logits 1000",
                  _loss_at(lambda nn: nn.CrossEntropy(), [[1000.0, 1000.0, 1000.0, 1000.0]], [3]),
                  math.log(4.0), [[0.25, 0.25, 0.25, -0.75]]),
    StabilityCase("BinaryCrossEntropy at p = 0 and 1 (PyTorch's numbers)",
                  _loss_at(lambda nn: nn.BinaryCrossEntropy(), [[0.0, 1.0]], [[1.0, 0.0]]),
                  100.0, [[-TORCH_BCE_GRADIENT_AT_0_AND_1, TORCH_BCE_GRADIENT_AT_0_AND_1]], rtol=1e-8),
    # Close to the edges but inside [eps, 1 - eps], the plain derivative applies, no clamp:
    # L = -(1/n) Σ [t log p + (1-t) log(1-p)],  dL/dp = (-t/p + (1-t)/(1-p)) / n  (n = 2)
    StabilityCase("BinaryCrossEntropy at p = 1e-3 and 1 - 1e-3 (no clamp)",
                  _loss_at(lambda nn: nn.BinaryCrossEntropy(), [[1e-3, 1.0 - 1e-3]], [[1.0, 0.0]]),
                  -(math.log(1e-3) + math.log(1e-3)) / 2,
                  [[(-1.0 / 1e-3) / 2, (1.0 / 1e-3) / 2]], rtol=1e-9),
]


def stability_problems(case: StabilityCase, nn) -> List[str]:
    value, gradient = case.run(nn)
    problems = []
    for what, got, limit in (("value", value, case.value), ("gradient", gradient, case.gradient)):
        c = compare(as_lists(got), limit, rtol=case.rtol)
        if not c.ok:
            problems.append(f"{case.name}: {nn.TWIN} {what} {as_lists(got)!r}, expected {limit!r} ({c})")
    return problems


def check_stability() -> ComponentResult:
    comparisons, problems = {}, []
    for case in STABILITY_CASES:
        (p_value, p_grad), (v_value, v_grad) = case.run(pure), case.run(vectorized)
        comparisons[f"{case.name}: value"] = compare(p_value, v_value)
        comparisons[f"{case.name}: gradient"] = compare(p_grad, v_grad)
        for nn in TWINS:
            problems += stability_problems(case, nn)
    return ComponentResult("stability at +-1000", comparisons, {}, STEP_POLICY, problems)


NAN_INPUT = [[math.nan, 1.0, -1.0], [0.5, math.nan, math.nan]]
NAN_BUGS = {}   # activation name -> known bug; empty since pure ReLU keeps NaN (it turned NaN into 0.0)


def nan_positions(nn, make) -> list:
    """1.0 where the activation's output is NaN for NAN_INPUT, else 0.0."""
    out = as_lists(make(nn).forward(for_twin(nn, NAN_INPUT)))
    return [[1.0 if v != v else 0.0 for v in row] for row in out]


def check_nan_propagation() -> ComponentResult:
    """A NaN going into an activation comes out as NaN in both twins (never silently becomes a number)."""
    comparisons, problems = {}, []
    for name, make in ACTIVATIONS:
        positions = {nn.TWIN: nan_positions(nn, make) for nn in TWINS}
        comparisons[f"{name}: NaN positions"] = compare_exact(positions["pure"], positions["vectorized"])
        for twin, pos in positions.items():
            lost = [(i, j) for i, row in enumerate(NAN_INPUT) for j, v in enumerate(row) if v != v and not pos[i][j]]
            if lost:
                problems.append(f"{name}: {twin} turns NaN into a number at {lost}")
    return ComponentResult("NaN propagation (activations)", comparisons, {}, EXACT_POLICY, problems)



# ----------------------------------------------------------------------------- NaN and inf everywhere

# Both twins follow IEEE arithmetic, as numpy and PyTorch do: 0 * inf and 0 * NaN are NaN, so a
# NaN or an infinity in an input, a weight or an incoming gradient is never silently lost. A
# shortcut that skips zero multipliers (a blank pixel, a zero weight) would hide it, so each
# case puts NaN, +inf or -inf into one tensor and zeros into the others (every entry, or every
# other one), and requires the same finite/NaN/+inf/-inf pattern in every output and gradient
# of both twins. To cover a new layer, add it to NONFINITE_LAYERS (or a loss, an optimizer).

class NonFiniteLayer(NamedTuple):
    name: str
    make: Callable               # nn -> layer
    x: list                      # a finite input; the cases put bad values and zeros into copies
    ids: bool = False            # integer inputs (Embedding): no NaN in the input, no zeros either


def _grid(rng, dims):
    return fixtures.tensor(rng, dims, -1.0, 1.0)


_NF_RNG = random.Random(7)
NONFINITE_LAYERS = [
    NonFiniteLayer("Dense", lambda nn: nn.Dense(3, 4, seed=0), _grid(_NF_RNG, (3, 3))),
    NonFiniteLayer("Dense, wide", lambda nn: nn.Dense(3, 12, seed=3), _grid(_NF_RNG, (3, 3))),
    NonFiniteLayer("Dense, no bias", lambda nn: nn.Dense(3, 2, bias=False, seed=1), _grid(_NF_RNG, (2, 3))),
    NonFiniteLayer("Dropout(0.5)", lambda nn: nn.Dropout(0.5, seed=2), _grid(_NF_RNG, (3, 4))),
    NonFiniteLayer("Flatten", lambda nn: nn.Flatten(), _grid(_NF_RNG, (2, 2, 3))),
] + [NonFiniteLayer(name, make, _grid(_NF_RNG, (2, 4))) for name, make in ACTIVATIONS]
# The recurrent and convolutional layers, on the first input of their own fixtures.
NONFINITE_LAYERS += [NonFiniteLayer(spec.name, spec.make, spec.cases()[0].x, ids=not spec.check_input)
                     for spec in RECURRENT + CONV]


NONFINITE_VALUES = (("NaN", math.nan), ("+inf", math.inf), ("-inf", -math.inf))


def pattern(value):
    """Each number as its class: 0 finite, 1 NaN, 2 +inf, 3 -inf (nested like the value)."""
    value = as_lists(value)
    if isinstance(value, (list, tuple)):
        return [pattern(v) for v in value]
    if value is None:
        return None
    v = float(value)
    return 0.0 if math.isfinite(v) else 1.0 if v != v else 2.0 if v > 0 else 3.0


def flat_count(value) -> int:
    return sum(flat_count(v) for v in value) if isinstance(value, list) else 1


def by_position(value, replace: Callable):
    """A copy of nested lists value with each number v at flat position i replaced by replace(i, v)."""
    position = [0]

    def walk(v):
        if isinstance(v, list):
            return [walk(item) for item in v]
        i = position[0]
        position[0] += 1
        return replace(i, v)
    return walk(value)


def _poisoned(value, bad: float):
    """A copy of value with `bad` at its second and its last flat position (its only one, if single)."""
    count = flat_count(value)
    places = {min(1, count - 1), count - 1}
    return by_position(value, lambda i, v: bad if i in places else v)


def _zeroed(value, every: int):
    """A copy of value with a zero at every `every`-th flat position (every=1: all zeros)."""
    return by_position(value, lambda i, v: 0.0 if i % every == 0 else v)


def nonfinite_layer_cases(spec: NonFiniteLayer):
    """(label, x, params, grad_out) for each tensor of the layer, each bad value, and two zero patterns."""
    params = {name: as_lists(p) for name, p in spec.make(pure).params.items()}
    grad_out = grad_out_for(spec.make, spec.x)
    tensors = {"input": spec.x, **{f"weight {name}": p for name, p in params.items()}, "gradient": grad_out}
    cases = []
    for target in tensors:
        if target == "input" and spec.ids:
            continue
        for bad_name, bad in NONFINITE_VALUES:
            for every, zeros in ((1, "zeros elsewhere"), (2, "every other number zero elsewhere")):
                values = {}
                for name, value in tensors.items():
                    if name == target:
                        values[name] = _poisoned(value, bad)
                    elif name == "input" and spec.ids:
                        values[name] = value
                    else:
                        values[name] = _zeroed(value, every)
                cases.append((f"{bad_name} in the {target}, {zeros}", values["input"],
                              {name[len("weight "):]: v for name, v in values.items() if name.startswith("weight ")},
                              values["gradient"]))
    return cases


def _patterns_of(run: Callable) -> dict:
    try:
        return {label: pattern(value) for label, value in run().items()}
    except Exception as e:                     # the same exception class in both twins is agreement too
        return {"raises": type(e).__name__}


def _compare_patterns(label: str, pure_patterns: dict, vec_patterns: dict, comparisons: dict, problems: list):
    if set(pure_patterns) != set(vec_patterns) or "raises" in pure_patterns:
        if pure_patterns != vec_patterns:
            problems.append(f"{label}: pure gives {pure_patterns!r:.120}, vectorized {vec_patterns!r:.120}")
        else:
            comparisons[f"{label}: raises {pure_patterns['raises']}"] = compare_exact(0.0, 0.0)
        return
    for what in pure_patterns:
        p, v = pure_patterns[what], vec_patterns[what]
        if p is None or v is None:              # no gradient (Embedding's integer input): both must say so
            if (p is None) != (v is None):
                problems.append(f"{label}: {what}: pure gives {p!r:.60}, vectorized {v!r:.60}")
            continue
        comparisons[f"{label}: {what}"] = compare_exact(p, v)


def nonfinite_layer_results(spec: NonFiniteLayer):
    """label -> (pure patterns, vectorized patterns) for every case of one layer."""
    out = {}
    for label, x, params, grad_out in nonfinite_layer_cases(spec):
        out[f"{spec.name}: {label}"] = tuple(
            _patterns_of(lambda nn=nn: run_layer(nn, spec.make, x, grad_out, params)) for nn in TWINS)
    return out


NONFINITE_LOSSES = [
    ("MSE", lambda nn: nn.MSE(), _grid(_NF_RNG, (2, 3)), _grid(_NF_RNG, (2, 3))),
    ("CrossEntropy", lambda nn: nn.CrossEntropy(), _grid(_NF_RNG, (3, 4)), [0, 3, 1]),
]


def nonfinite_loss_results():
    """Bad values in the predictions (and MSE's targets), zeros elsewhere. (BinaryCrossEntropy
    refuses a NaN or an infinity as a probability in both twins, which the errors table checks.)"""
    out = {}
    for name, make, pred, target in NONFINITE_LOSSES:
        operands = {"predictions": pred} if name == "CrossEntropy" else {"predictions": pred, "targets": target}
        for which in operands:
            for bad_name, bad in NONFINITE_VALUES:
                for every, zeros in ((1, "zeros elsewhere"), (2, "every other number zero elsewhere")):
                    p = _poisoned(pred, bad) if which == "predictions" else _zeroed(pred, every)
                    t = target if name == "CrossEntropy" else (
                        _poisoned(target, bad) if which == "targets" else _zeroed(target, every))
                    out[f"{name}: {bad_name} in the {which}, {zeros}"] = tuple(
                        _patterns_of(lambda nn=nn: run_loss(nn, make, p, t)) for nn in TWINS)
    return out


def nonfinite_optimizer_results():
    """Bad values in a weight or in a gradient (at the first or the second step, so momentum and
    Adam's moments carry them), zeros in the other operand."""
    fixture = fixtures.optimizer_fixture(steps=2)
    out = {}
    for name, make in OPTIMIZERS:
        for target in ("weights", "step 1 gradients", "step 2 gradients"):
            for bad_name, bad in NONFINITE_VALUES:
                for every, zeros in ((1, "zeros elsewhere"), (2, "every other number zero elsewhere")):
                    def change(tensors, poison):
                        return [{k: (_poisoned(v, bad) if poison else _zeroed(v, every))
                                 for k, v in layer.items()} for layer in tensors]
                    params = change(fixture.params, target == "weights")
                    grads = [change(step, target == f"step {t} gradients") for t, step in enumerate(fixture.grads, 1)]
                    out[f"{name}: {bad_name} in the {target}, {zeros}"] = tuple(
                        _patterns_of(lambda nn=nn: run_optimizer(nn, make, params, grads)) for nn in TWINS)
    return out


def nonfinite_results() -> dict:
    """Every case of the component: label -> (pure patterns, vectorized patterns)."""
    out = {}
    for spec in NONFINITE_LAYERS:
        out.update(nonfinite_layer_results(spec))
    out.update(nonfinite_loss_results())
    out.update(nonfinite_optimizer_results())
    return out


def check_nonfinite() -> ComponentResult:
    """NaN and inf in inputs, weights and gradients of every layer, loss and optimizer: the same
    finite/NaN/+inf/-inf pattern in every output and gradient of both twins."""
    comparisons, problems = {}, []
    with np.errstate(all="ignore"):          # numpy warns of inf - inf and 0 * inf: here that is the point
        results = nonfinite_results()
    for label, (p, v) in results.items():
        _compare_patterns(label, p, v, comparisons, problems)
    return ComponentResult("NaN and inf (layers, losses, optimizers)", comparisons, {}, EXACT_POLICY, problems)


# ----------------------------------------------------------------------------- everything, in report order


def check_bad_inputs() -> ComponentResult:
    """The bad-input parity table (conformance/bad_inputs.py): every mistake on both twins, counted."""
    from . import bad_inputs
    verdicts = bad_inputs.run_table()
    clean = sum(v.clean for v in verdicts)
    differ = sum(v.twin_difference for v in verdicts)
    problems = [f"{v.case.name}: {v.problem}" for v in verdicts if not v.clean]
    return ComponentResult(f"bad inputs: {len(verdicts)} tried, {clean} clean, {differ} differ",
                           {"same error class, naming the argument": Comparison(0.0, 0.0, not problems)},
                           {}, "same class + names (no numbers)", problems)


def all_checks() -> List[Callable[[], ComponentResult]]:
    """One zero-argument function per report row, in the order of the table."""
    checks = [check_dense, check_dropout, check_flatten]
    checks += [lambda spec=spec: check_layer_spec(spec) for spec in RECURRENT + CONV]
    checks += [lambda name=name, make=make: check_activation(name, make) for name, make in ACTIVATIONS]
    checks += [lambda name=name, make=make, cases=cases: check_loss(name, make, cases)
               for name, make, cases in LOSSES]
    checks += [lambda case=case: check_initializer(case) for case in fixtures.initializer_cases()]
    checks += [lambda name=name, make=make: check_optimizer(name, make) for name, make in OPTIMIZERS]
    checks += [lambda name=name, clip=clip: check_clipping(name, clip) for name, clip in CLIPPINGS]
    checks += [check_optimizer_state, check_one_hot]
    checks += [lambda case=case: check_fit(case) for case in FITS]
    checks += [check_resumed_fits] if HAS_CHECKPOINTS else []
    checks += [check_save_load] + ([check_recurrent_save_load] if HAS_RECURRENT else [])
    checks += [check_conv_save_load] if HAS_CONV else []
    checks += [check_worked_examples, check_stability, check_nan_propagation, check_nonfinite]
    checks += [check_bad_inputs]
    return checks


def checked_layer_types() -> set:
    """Names of the layer classes the checks above build (for the coverage test)."""
    built = [dense_factory(fixtures.dense_cases()[0])(pure), dropout_factory(fixtures.dropout_cases()[0])(pure),
             pure.Flatten()]
    built += [make(pure) for _, make in ACTIVATIONS]
    built += [spec.make(pure) for spec in RECURRENT + CONV]
    return {type(layer).__name__ for layer in built}
