"""Seeded fixtures: the inputs both twins are fed.

Every fixture is made of plain Python lists of floats drawn from
`random.Random(seed)`, so it is the same on every machine and needs nothing
but the standard library. The pure twin gets (a deep copy of) the lists; the
vectorized twin gets `np.array` of the very same lists (see twins.for_twin).

What each family covers:

- random shapes and values (batch sizes, widths and ranks drawn from the seed);
- a batch of one example (the easiest place to get a sum over the batch wrong);
- all zeros (no information: outputs must still agree, gradients be finite);
- extreme values: +-1000, huge gaps between logits, +-745 (exp(745) overflows,
  exp(-745) is the smallest subnormal double);
- "fd": finite-difference-friendly cases, with every input at least 0.1 away
  from the kinks of ReLU/LeakyReLU/ELU at 0 and every gradient entry of a
  moderate size, so the central difference is accurate (see tolerances.py).

Nothing here imports a twin; twins.py runs the twins on these fixtures.
"""
from __future__ import annotations

import math
import random
from typing import List, NamedTuple, Sequence

# ----------------------------------------------------------------------------- building blocks


def tensor(rng: random.Random, dims: Sequence[int], low: float = -1.0, high: float = 1.0):
    """Nested lists of shape `dims`, each number uniform on [low, high] (row-major draws)."""
    if len(dims) == 1:
        return [rng.uniform(low, high) for _ in range(dims[0])]
    return [tensor(rng, dims[1:], low, high) for _ in range(dims[0])]


def away_from_zero(rng: random.Random, dims: Sequence[int], low: float = 0.1, high: float = 1.5):
    """Like tensor(), but every number has |v| in [low, high] with a random sign (no kinks)."""
    if len(dims) == 1:
        return [rng.choice((-1.0, 1.0)) * rng.uniform(low, high) for _ in range(dims[0])]
    return [away_from_zero(rng, dims[1:], low, high) for _ in range(dims[0])]


def zeros(dims: Sequence[int]):
    if len(dims) == 1:
        return [0.0] * dims[0]
    return [zeros(dims[1:]) for _ in range(dims[0])]


def dims_of(x) -> tuple:
    dims = []
    while isinstance(x, list):
        dims.append(len(x))
        x = x[0]
    return tuple(dims)


# ----------------------------------------------------------------------------- layers


class LayerCase(NamedTuple):
    """One input for a layer: x, the gradient arriving from above, and whether to finite-difference it."""
    name: str
    x: list
    grad_out: list
    fd: bool = False


EXTREME_ROWS = [
    [1000.0, -1000.0, 0.0, 1e-3],
    [745.0, -745.0, 30.0, -30.0],
    [1000.0, 999.0, 998.0, -1000.0],
    [-1000.0, -1000.0, -1000.0, -1000.0],
]


def elementwise_cases(seed: int = 0) -> List[LayerCase]:
    """Inputs for the activation layers (output shape = input shape)."""
    rng = random.Random(seed)
    n, width = rng.randint(2, 6), rng.randint(2, 6)
    cases = []

    def case(name, x, fd=False):
        cases.append(LayerCase(name, x, tensor(rng, dims_of(x)), fd))

    case(f"random batch {n}x{width}", tensor(rng, (n, width), -3.0, 3.0))
    case("batch of 1", tensor(rng, (1, rng.randint(1, 6)), -3.0, 3.0))
    case("sequence batch (N, T, F)", tensor(rng, (2, 3, rng.randint(2, 4)), -3.0, 3.0))
    case("zeros", zeros((3, 4)))
    case("extreme +-1000", [list(row) for row in EXTREME_ROWS])
    case("away from kinks (finite differences)", away_from_zero(rng, (3, 4)), fd=True)
    case("sequence away from kinks (finite differences)", away_from_zero(rng, (2, 2, 3)), fd=True)
    return cases


class DenseCase(NamedTuple):
    name: str
    x: list
    grad_out: list
    W: list
    b: list
    fd: bool = False


def dense_cases(seed: int = 0) -> List[DenseCase]:
    """Inputs and weights for Dense, of random shapes, plus a batch of 1, zeros and a wide layer."""
    rng = random.Random(seed)
    cases = []

    def case(name, n, n_in, n_out, x=None, fd=False):
        x = x if x is not None else tensor(rng, (n, n_in), -2.0, 2.0)
        cases.append(DenseCase(f"{name} ({n}x{n_in} -> {n_out})", x, tensor(rng, (n, n_out)),
                               tensor(rng, (n_in, n_out)), tensor(rng, (n_out,)), fd))

    for i in range(3):
        case(f"random shape {i + 1}", rng.randint(2, 8), rng.randint(1, 7), rng.randint(1, 7), fd=True)
    case("batch of 1", 1, 5, 3, fd=True)
    case("one in, one out", 4, 1, 1, fd=True)
    case("zero inputs", 3, 4, 2, x=zeros((3, 4)))
    case("wide (long sums)", 16, 200, 10)
    return cases


class DropoutCase(NamedTuple):
    name: str
    p: float
    seed: int
    x: list
    grad_out: list


def dropout_cases(seed: int = 0) -> List[DropoutCase]:
    rng = random.Random(seed)
    cases = []
    for p in (0.0, 0.2, 0.5, 0.9):
        dims = (rng.randint(1, 6), rng.randint(1, 8))
        cases.append(DropoutCase(f"p={p} {dims[0]}x{dims[1]}", p, rng.randrange(1000),
                                 tensor(rng, dims, -2.0, 2.0), tensor(rng, dims)))
    dims = (2, 3, 4)
    cases.append(DropoutCase("p=0.5 sequence batch (N, T, F)", 0.5, 7, tensor(rng, dims), tensor(rng, dims)))
    cases.append(DropoutCase("p=0.3 batch of 1", 0.3, 11, tensor(rng, (1, 10)), tensor(rng, (1, 10))))
    return cases


def flatten_cases(seed: int = 0) -> List[LayerCase]:
    rng = random.Random(seed)
    cases = []
    for dims in ((2, 3, 4, 5), (3, 2, 4), (4, 6), (1, 1, 3, 3)):
        size = 1
        for d in dims[1:]:
            size *= d
        cases.append(LayerCase(f"shape {dims}", tensor(rng, dims), tensor(rng, (dims[0], size)), fd=True))
    return cases


# ----------------------------------------------------------------------------- sequences (recurrent layers)


class SequenceCase(NamedTuple):
    """A batch of sequences (N, T_n, features) or of token ids (N, T_n); lengths may differ."""
    name: str
    x: list
    fd: bool = False


def sequences(rng: random.Random, lengths: Sequence[int], width: int, low=-1.0, high=1.0) -> list:
    return [tensor(rng, (t, width), low, high) for t in lengths]


def sequence_cases(width: int, seed: int = 0) -> List[SequenceCase]:
    """Inputs for RNN and LSTM: equal lengths, ragged lengths, a batch of 1, a single step, zeros.

    The finite-difference cases are short and of moderate size: over long
    sequences or with saturated gates some gradient entries shrink to 1e-5
    and below, where the central difference's rounding (1e-10) is no longer
    small against them.
    """
    rng = random.Random(seed)
    return [
        SequenceCase("3 sequences of 4 steps", sequences(rng, (4, 4, 4), width, -2.0, 2.0)),
        SequenceCase("ragged lengths 5, 1, 3", sequences(rng, (5, 1, 3), width, -2.0, 2.0)),
        SequenceCase("3 sequences of 3 steps (finite differences)", sequences(rng, (3, 3, 3), width), fd=True),
        SequenceCase("ragged lengths 3, 1, 2 (finite differences)", sequences(rng, (3, 1, 2), width), fd=True),
        SequenceCase("batch of 1", sequences(rng, (6,), width, -2.0, 2.0)),
        SequenceCase("single steps", sequences(rng, (1, 1), width, -2.0, 2.0)),
        SequenceCase("zeros", [zeros((3, width)), zeros((2, width))]),
        SequenceCase("long sequence (20 steps)", sequences(rng, (20, 7), width)),
    ]


def token_cases(vocab_size: int, seed: int = 0) -> List[SequenceCase]:
    """Inputs for Embedding: token ids, repeated tokens included (their gradients must add up)."""
    rng = random.Random(seed)
    return [
        SequenceCase("ids, equal lengths", [[rng.randrange(vocab_size) for _ in range(4)] for _ in range(3)]),
        SequenceCase("ids, ragged lengths", [[rng.randrange(vocab_size) for _ in range(t)] for t in (5, 1, 2)]),
        SequenceCase("the same token everywhere", [[1, 1, 1], [1, 1, 1]], fd=True),
    ]


def like(value, seed: int, low: float = -1.0, high: float = 1.0):
    """Random numbers in the nested (possibly ragged) shape of `value`: a gradient for an output."""
    rng = random.Random(seed)

    def fill(v):
        if isinstance(v, list):
            return [fill(item) for item in v]
        return rng.uniform(low, high)
    return fill(value)


# ----------------------------------------------------------------------------- images (convolution and pooling)


def distinct_image(rng: random.Random, dims: Sequence[int], spacing: float = 0.01):
    """Values k * spacing for distinct k, shuffled: no two within 0.01, so max-pooling has no
    near-ties for a finite difference (eps = 1e-6) to cross."""
    count = 1
    for d in dims:
        count *= d
    values = [(k - count / 2) * spacing for k in range(count)]
    rng.shuffle(values)
    return _reshape_flat(values, dims)


def _reshape_flat(flat, dims):
    if len(dims) == 1:
        return list(flat)
    step = len(flat) // dims[0]
    return [_reshape_flat(flat[i * step:(i + 1) * step], dims[1:]) for i in range(dims[0])]


def image_cases(channels: int, seed: int = 0) -> List[SequenceCase]:
    """Batches (N, C, H, W): random sizes, a batch of 1, zeros, all-equal pixels (max-pool ties),
    and distinct, well-separated pixels for finite differences."""
    rng = random.Random(seed)
    h, w = rng.randint(5, 8), rng.randint(5, 8)
    return [
        SequenceCase(f"random 3x{channels}x{h}x{w}", tensor(rng, (3, channels, h, w), -2.0, 2.0)),
        SequenceCase("batch of 1, 6x7", tensor(rng, (1, channels, 6, 7), -2.0, 2.0)),
        SequenceCase("zeros", zeros((2, channels, 5, 5))),
        SequenceCase("all pixels equal (ties)", [[[[0.5] * 6 for _ in range(6)] for _ in range(channels)]] * 2),
        SequenceCase("distinct pixels (finite differences)", distinct_image(rng, (2, channels, 6, 6)), fd=True),
    ]


# ----------------------------------------------------------------------------- losses


class LossCase(NamedTuple):
    name: str
    pred: list
    target: list
    fd: bool = False


def mse_cases(seed: int = 0) -> List[LossCase]:
    rng = random.Random(seed)
    n, width = rng.randint(2, 8), rng.randint(1, 5)
    cases = [
        LossCase(f"random {n}x{width}", tensor(rng, (n, width), -2, 2), tensor(rng, (n, width), -2, 2)),
        LossCase("batch of 1", tensor(rng, (1, 3), -2, 2), tensor(rng, (1, 3), -2, 2)),
        LossCase("zeros against zeros", zeros((3, 2)), zeros((3, 2))),
        LossCase("large values", tensor(rng, (2, 3), -1000, 1000), tensor(rng, (2, 3), -1000, 1000)),
    ]
    pred = tensor(rng, (4, 3), -1, 1)
    offsets = away_from_zero(rng, (4, 3), 0.2, 1.0)   # prediction never equals the target
    target = [[p + o for p, o in zip(pr, orow)] for pr, orow in zip(pred, offsets)]
    cases.append(LossCase("finite differences", pred, target, fd=True))
    return cases


def bce_cases(seed: int = 0) -> List[LossCase]:
    rng = random.Random(seed)
    n, width = rng.randint(2, 8), rng.randint(1, 3)
    hard = [[float(rng.randint(0, 1)) for _ in range(width)] for _ in range(n)]
    return [
        LossCase(f"random {n}x{width}, 0/1 targets", tensor(rng, (n, width), 0.01, 0.99), hard),
        LossCase("soft targets", tensor(rng, (3, 2), 0.01, 0.99), tensor(rng, (3, 2), 0.0, 1.0)),
        LossCase("batch of 1", [[0.3]], [[1.0]]),
        LossCase("saturated: p = 0 and p = 1 (log clamped at -100)", [[0.0, 1.0], [1.0, 0.0]],
                 [[1.0, 0.0], [1.0, 0.0]]),
        LossCase("finite differences", tensor(rng, (4, 2), 0.1, 0.9), tensor(rng, (4, 2), 0.0, 1.0), fd=True),
    ]


def cross_entropy_cases(seed: int = 0, sequences: bool = False) -> List[LossCase]:
    """Logits (N, C) with class indices; with sequences=True also logits (N, T, C) with targets (N, T)."""
    rng = random.Random(seed)
    n, classes = rng.randint(2, 8), rng.randint(2, 6)
    labels = [rng.randrange(classes) for _ in range(n)]
    if sequences:
        return [
            LossCase("sequences (N, T, C)", [tensor(rng, (3, 4), -3, 3) for _ in range(2)],
                     [[rng.randrange(4) for _ in range(3)] for _ in range(2)], fd=True),
            LossCase("ragged sequences", [tensor(rng, (t, 3), -3, 3) for t in (4, 1, 2)],
                     [[rng.randrange(3) for _ in range(t)] for t in (4, 1, 2)], fd=True),
            LossCase("sequences, extreme logits", [[[1000.0, -1000.0], [0.0, 1000.0]]], [[1, 0]]),
        ]
    return [
        LossCase(f"random {n}x{classes}", tensor(rng, (n, classes), -3, 3), labels),
        LossCase("batch of 1", tensor(rng, (1, 4), -3, 3), [2]),
        LossCase("zero logits (uniform)", zeros((2, 5)), [0, 4]),
        LossCase("extreme logits +-1000", [[1000.0, -1000.0], [1000.0, -1000.0], [-1000.0, 1000.0]], [0, 1, 0]),
        LossCase("huge differences", [[1000.0, 999.0, -1000.0], [0.0, 1e-3, 800.0], [1000.0, 1000.0, 1000.0]],
                 [1, 0, 2]),
        LossCase("finite differences", tensor(rng, (4, 3), -2, 2), [0, 2, 1, 2], fd=True),
    ]


# ----------------------------------------------------------------------------- initializers


class InitializerCase(NamedTuple):
    """An initializer spec with the statistics its formula promises.

    Sizes are chosen so that a standard deviation taken for a variance (or
    the reverse) is off by a large factor: with fan_in = 400, sqrt(2/400) =
    0.071 but 2/400 = 0.005.
    """
    spec: str
    fan_in: int
    fan_out: int
    mean: float
    variance: float
    low: float = -math.inf       # every draw must lie in [low, high]
    high: float = math.inf


def initializer_cases() -> List[InitializerCase]:
    xavier_a = math.sqrt(6.0 / (300 + 100))
    return [
        InitializerCase("he", 400, 100, 0.0, 2.0 / 400),
        InitializerCase("xavier", 300, 100, 0.0, 2.0 / (300 + 100), -xavier_a, xavier_a),
        InitializerCase("glorot", 300, 100, 0.0, 2.0 / (300 + 100), -xavier_a, xavier_a),
        InitializerCase("lecun", 400, 100, 0.0, 1.0 / 400),
        InitializerCase("normal(0.1)", 200, 200, 0.0, 0.1 ** 2),
        InitializerCase("uniform(-0.5, 1.5)", 200, 200, 0.5, 2.0 ** 2 / 12, -0.5, 1.5),
        InitializerCase("zeros", 50, 20, 0.0, 0.0, 0.0, 0.0),
    ]


# ----------------------------------------------------------------------------- optimizers


class OptimizerFixture(NamedTuple):
    """Starting parameters of two layers and the gradients fed at each step."""
    params: list          # [{"W": (3, 4), "b": (4,)}, {"W": (4, 2), "b": (2,)}]
    grads: list           # one such list per step


def optimizer_fixture(seed: int = 0, steps: int = 6, grad_scale: float = 2.0) -> OptimizerFixture:
    rng = random.Random(seed)
    shapes = [{"W": (3, 4), "b": (4,)}, {"W": (4, 2), "b": (2,)}]

    def draw(scale):
        return [{name: tensor(rng, dims, -scale, scale) for name, dims in layer.items()} for layer in shapes]
    params = draw(1.0)
    grads = [draw(grad_scale) for _ in range(steps)]
    return OptimizerFixture(params, grads)


# ----------------------------------------------------------------------------- training


class TrainingData(NamedTuple):
    x: list
    y: list
    x_val: list
    y_val: list


def training_data(n: int = 96, n_val: int = 48, seed: int = 0) -> TrainingData:
    """Two interleaving moons (data.toy), labels as integers; validation from another seed."""
    import data.toy
    x, y = data.toy.moons(n, noise=0.2, seed=seed)
    x_val, y_val = data.toy.moons(n_val, noise=0.2, seed=seed + 1)
    return TrainingData(x, [int(v) for v in y], x_val, [int(v) for v in y_val])


def sequence_training_data(n: int = 40, width: int = 3, seed: int = 0) -> TrainingData:
    """Ragged sequences (2 to 5 steps of `width` numbers); label 1 when the first feature sums above 0."""
    def make(count, rng):
        x = [sequences(rng, (rng.randint(2, 5),), width)[0] for _ in range(count)]
        return x, [1 if sum(step[0] for step in seq) > 0 else 0 for seq in x]
    rng = random.Random(seed)
    x, y = make(n, rng)
    x_val, y_val = make(n // 2, rng)
    return TrainingData(x, y, x_val, y_val)


def token_training_data(n: int = 40, vocab_size: int = 5, seed: int = 0) -> TrainingData:
    """Ragged token sequences; the target at every step is the next token (counting on, mod vocab_size)."""
    def make(count, rng):
        x = []
        for _ in range(count):
            start, length = rng.randrange(vocab_size), rng.randint(2, 5)
            x.append([(start + t) % vocab_size for t in range(length)])
        return x, [[(token + 1) % vocab_size for token in seq] for seq in x]
    rng = random.Random(seed)
    x, y = make(n, rng)
    x_val, y_val = make(n // 2, rng)
    return TrainingData(x, y, x_val, y_val)


def image_training_data(n: int = 40, size: int = 6, seed: int = 0) -> TrainingData:
    """1-channel size x size images of a bright bar, label 0 for a horizontal bar, 1 for a vertical one."""
    def make(count, rng):
        x, y = [], []
        for k in range(count):
            image = tensor(rng, (size, size), 0.0, 0.3)
            at = rng.randrange(size)
            for i in range(size):
                if k % 2:
                    image[i][at] += 1.0
                else:
                    image[at][i] += 1.0
            x.append([image])
            y.append(k % 2)
        return x, y
    rng = random.Random(seed)
    x, y = make(n, rng)
    x_val, y_val = make(n // 2, rng)
    return TrainingData(x, y, x_val, y_val)


def random_rows(n: int, width: int, seed: int = 0, low: float = -1.0, high: float = 1.0) -> list:
    """n rows of `width` uniform numbers: inputs for a saved model (python -m conformance check)."""
    return tensor(random.Random(seed), (n, width), low, high)


__all__ = [
    "LayerCase", "DenseCase", "DropoutCase", "LossCase", "SequenceCase", "InitializerCase", "OptimizerFixture",
    "TrainingData", "EXTREME_ROWS", "tensor", "away_from_zero", "zeros", "dims_of", "like",
    "elementwise_cases", "dense_cases", "dropout_cases", "flatten_cases", "sequences", "sequence_cases",
    "token_cases", "image_cases", "distinct_image", "mse_cases", "bce_cases", "cross_entropy_cases",
    "initializer_cases", "optimizer_fixture", "training_data", "sequence_training_data", "token_training_data",
    "image_training_data", "random_rows",
]
