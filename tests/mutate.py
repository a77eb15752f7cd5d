"""Mutation check: plant small, realistic bugs one at a time and see the tests catch each.

    python -m tests.mutate                   # every mutant (a few minutes)
    python -m tests.mutate --list            # the mutants, and whether each still applies
    python -m tests.mutate --only relu-grad-at-zero-both --only adam-no-bias-correction-both
    python -m tests.mutate --changed main    # only the mutants of files changed since main: before you stop

A test suite can pass and still be unable to fail. This script copies the repository to a
temporary folder once, then for each mutant below: applies its text substitutions (a wrong
derivative, a missing transpose, a flipped sign...), runs the part of the test suite that
should notice (stopping at the first failure), and puts the source back. A mutant whose
tests still pass SURVIVES: the suite cannot tell that bug from the right code.

Many mutants put the same bug into BOTH twins at once. There, the conformance tests (twin
against twin) see nothing by design; only tests with independent answers (worked by hand,
finite differences written in the tests, files typed in the test) can catch it.

Each substitution is exact text that must occur exactly once in its file. When the source
has changed so that it no longer does, the mutant "does not apply": reported as an error
to fix in this list, never counted as killed or survived. Not part of the default tox run.
Exit status 0 when every mutant applies and is killed.
"""
from __future__ import annotations

import argparse
import ast
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import time
from typing import List, NamedTuple, Tuple

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Mutant(NamedTuple):
    name: str
    what: str                                   # the bug, in words
    edits: List[Tuple[str, str, str]]           # (file, exact old text, new text)
    tests: List[str]                            # pytest targets that should catch it
    twins: str = "pure,vectorized"              # TWINS for the tests/ spec tests


BOTH = "pure,vectorized"
OPT = ["tests/test_by_hand.py", "tests/test_optimizers.py"]
ACT = ["tests/test_by_hand.py", "tests/test_finite_differences.py", "conformance/test_activations.py"]
PORTABLE = ["tests/test_micropython_random.py"]      # MicroPython's stand-ins, checked on CPython


def both(path_in_twin, old, new, vec_old=None, vec_new=None):
    """The same edit in pure/<path> and vectorized/<path> (vec_old/vec_new when the text differs)."""
    return [(f"pure/{path_in_twin}", old, new),
            (f"vectorized/{path_in_twin}", vec_old if vec_old is not None else old,
             vec_new if vec_new is not None else new)]


MUTANTS = [
    # ---- the four bugs the suite missed before (issue 15), each in both twins at once
    Mutant("momentum-lr-in-velocity-both",
           "SGD momentum as v = mu v - lr g; p = p + v (equal to PyTorch's until lr changes)",
           [("pure/optimizers.py", "velocity = copy(grad) if velocity is None else",
             "velocity = map_rows(lambda g: [-lr * gi for gi in g], grad) if velocity is None else"),
            ("pure/optimizers.py", "[mu * vi + gi for vi, gi in zip(v, g)]",
             "[mu * vi - lr * gi for vi, gi in zip(v, g)]"),
            ("pure/optimizers.py", "return descend(param, velocity, lr)",
             "return map_rows(lambda p, v: [pi + vi for pi, vi in zip(p, v)], param, velocity)"),
            ("vectorized/optimizers.py",
             "velocity = grad.copy() if velocity is None else mu * velocity + grad",
             "velocity = -lr * grad if velocity is None else mu * velocity - lr * grad"),
            ("vectorized/optimizers.py", "return descend(param, velocity, lr)", "return param + velocity")],
           OPT),
    Mutant("relu-grad-at-zero-both", "ReLU'(0) = 1 instead of PyTorch's 0",
           [("pure/activations.py", "return [g if v > 0.0 else 0.0 for v, g in zip(x_row, g_row)]",
             "return [g if v >= 0.0 else 0.0 for v, g in zip(x_row, g_row)]"),
            ("vectorized/activations.py", "return np.where(x > 0.0, g, 0.0)", "return np.where(x >= 0.0, g, 0.0)")],
           ACT),
    Mutant("adam-weight-decay-sign-both", "Adam adds -wd*p to the gradient: weights grow instead of shrinking",
           [("pure/optimizers.py", "c2 = 1.0 - b2 ** self.t\n        if wd:      # grad = grad + wd * param\n"
                                   "            grad = map_rows(lambda g, p: [gi + wd * pi",
             "c2 = 1.0 - b2 ** self.t\n        if wd:      # grad = grad + wd * param\n"
             "            grad = map_rows(lambda g, p: [gi - wd * pi"),
            ("vectorized/optimizers.py", "grad = grad + wd * param\n        m, v",
             "grad = grad - wd * param\n        m, v")],
           OPT),
    Mutant("evaluate-unweighted-mean-both", "evaluate's loss is the mean of the batch means, not of the examples",
           both("training.py", "        total += value * weight\n        count += weight\n",
                "        total += value\n        count += 1\n"),
           ["tests/test_by_hand.py", "tests/test_training.py"]),

    # ---- more bugs in both twins at once
    Mutant("evaluate-sequences-weighted-by-sequences-both", "evaluate weights each batch of sequences by its "
           "number of sequences, not of steps",
           both("training.py", "return examples if steps is None else ", "return examples if True else "),
           ["tests/test_by_hand.py", "tests/test_recurrent.py"]),
    Mutant("leaky-relu-grad-at-zero-both", "LeakyReLU'(0) = 1 instead of alpha",
           both("activations.py", "return [g if v > 0.0 else a * g for v, g in zip(x_row, g_row)]",
                "return [g if v >= 0.0 else a * g for v, g in zip(x_row, g_row)]",
                "return np.where(x > 0.0, g, self.alpha * g)", "return np.where(x >= 0.0, g, self.alpha * g)"),
           ACT),
    Mutant("elu-grad-without-alpha-both", "ELU'(x) = e^x for x <= 0, forgetting alpha",
           both("activations.py", "g * a * math.exp(v)", "g * math.exp(v)",
                "g * self.alpha * np.exp(np.minimum(x, 0.0))", "g * np.exp(np.minimum(x, 0.0))"),
           ACT),
    Mutant("tanh-derivative-both", "tanh' = 1 - y instead of 1 - y²",
           both("activations.py", "return [g * (1.0 - y * y) for y, g in zip(y_row, g_row)]",
                "return [g * (1.0 - y) for y, g in zip(y_row, g_row)]",
                "return g * (1.0 - y * y)", "return g * (1.0 - y)"),
           ACT),
    Mutant("softmax-backward-diagonal-only-both", "Softmax backward keeps only the Jacobian's diagonal",
           both("activations.py", "return [y * (g - dot) for y, g in zip(y_row, g_row)]",
                "return [y * (1.0 - y) * g for y, g in zip(y_row, g_row)]",
                "return y * (g - dot)", "return y * (1.0 - y) * g"),
           ACT),
    Mutant("adam-no-bias-correction-both", "Adam without the bias correction of m",
           both("optimizers.py", "c1 = 1.0 - b1 ** self.t", "c1 = 1.0"), OPT),
    Mutant("sgd-weight-decay-sign-both", "SGD with momentum adds -wd*p to the gradient",
           [("pure/optimizers.py", "[gi + wd * pi for gi, pi in zip(g, p)], grad, param)   # g + wd * p",
             "[gi - wd * pi for gi, pi in zip(g, p)], grad, param)   # g + wd * p"),
            ("vectorized/optimizers.py", "grad = grad + wd * param                ",
             "grad = grad - wd * param                ")],
           OPT),
    Mutant("mse-gradient-without-2-both", "MSE gradient (p - t)/n instead of 2(p - t)/n",
           both("losses.py", "scale = 2.0 / self.count", "scale = 1.0 / self.count",
                "return self.diff * (2.0 / self.count)", "return self.diff * (1.0 / self.count)"),
           ["tests/test_losses.py", "tests/test_finite_differences.py"]),
    Mutant("cross-entropy-gradient-not-averaged-both", "CrossEntropy gradient not divided by the batch size",
           both("losses.py", "row = [p / n for p in p_row]\n            row[y] -= 1.0 / n",
                "row = list(p_row)\n            row[y] -= 1.0",
                "grad = self.probs / n\n        grad[np.arange(n), self.target] -= 1.0 / n",
                "grad = self.probs.copy()\n        grad[np.arange(n), self.target] -= 1.0"),
           ["tests/test_losses.py", "tests/test_finite_differences.py"]),
    Mutant("dropout-on-in-predict-both", "predict() leaves the model in training mode (dropout stays on)",
           both("network.py", "modes = [layer.training for layer in self.layers]\n        self.eval()",
                "modes = [layer.training for layer in self.layers]\n        self.train()"),
           ["tests/test_training.py"]),
    Mutant("he-variance-as-std-shared", "He draws with std 2/fan_in (the variance) in the shared init code",
           [("pure/init.py", "return rng.gauss(0.0, math.sqrt(2.0 / fan_in))", "return rng.gauss(0.0, 2.0 / fan_in)")],
           ["conformance/test_initializers.py"]),
    Mutant("xavier-bound-shared", "Xavier bound sqrt(2/(fan_in+fan_out)) (the variance formula) in shared code",
           [("pure/init.py", "a = math.sqrt(6.0 / (fan_in + fan_out))", "a = math.sqrt(2.0 / (fan_in + fan_out))")],
           ["conformance/test_initializers.py"]),
    Mutant("init-column-major-shared", "initializers fill the tensor column by column (shared code)",
           [("pure/init.py", "        if len(dims) == 1:\n",
             "        if len(dims) == 2:\n"
             "            flat = [self.draw(fan_in, fan_out, rng) for _ in range(dims[0] * dims[1])]\n"
             "            return [[flat[j * dims[0] + i] for j in range(dims[1])] for i in range(dims[0])]\n"
             "        if len(dims) == 1:\n")],
           ["conformance/test_initializers.py"]),
    Mutant("model-file-rounds-numbers-shared", "model files written with 7 significant digits (shared io code)",
           [("pure/modelfile.py", "        text = compact_json(description)\n",
             '        text = compact_json(json.loads(json.dumps(description), '
             'parse_float=lambda s: float(f"{float(s):.7g}")))\n')],
           ["tests/test_model_format.py", "tests/test_io.py"]),

    Mutant("adam-eps-inside-sqrt-both", "Adam divides by sqrt(v^ + eps) instead of sqrt(v^) + eps",
           both("optimizers.py", "(math.sqrt(vi / c2) + eps)", "math.sqrt(vi / c2 + eps)",
                "(np.sqrt(v / c2) + eps)", "np.sqrt(v / c2 + eps)"), OPT),
    Mutant("bce-gradient-clamp-1e-10-both", "BinaryCrossEntropy gradient divides by at least 1e-10, not 1e-12",
           both("losses.py", "max(p * (1.0 - p), 1e-12)", "max(p * (1.0 - p), 1e-10)",
                "np.maximum(p * (1.0 - p), 1e-12)", "np.maximum(p * (1.0 - p), 1e-10)"),
           ["tests/test_losses.py", "conformance/test_stability.py"]),
    Mutant("bce-log-clamp-50-both", "BinaryCrossEntropy clamps log p at -50, not PyTorch's -100",
           both("losses.py", "log_p = max(math.log(p), -100.0) if p > 0 else -100.0",
                "log_p = max(math.log(p), -50.0) if p > 0 else -50.0",
                "log_p = np.maximum(np.log(pred), -100.0)", "log_p = np.maximum(np.log(pred), -50.0)"),
           ["tests/test_losses.py", "conformance/test_stability.py"]),
    Mutant("softplus-derivative-both", "softplus' = sigmoid(-x) instead of sigmoid(x)",
           both("activations.py", "return [g * sigmoid(v) for v, g in zip(x_row, g_row)]",
                "return [g * sigmoid(-v) for v, g in zip(x_row, g_row)]",
                "return g * sigmoid(x)", "return g * sigmoid(-x)"),
           ACT),
    Mutant("rnn-tanh-derivative-both", "RNN backward through tanh with 1 - h instead of 1 - h²",
           both("recurrent.py", "da[t] = [g * (1.0 - h * h) for g, h in zip(dh, states[t + 1])]",
                "da[t] = [g * (1.0 - h) for g, h in zip(dh, states[t + 1])]",
                "dh * (1.0 - self.states[:, t + 1] ** 2)", "dh * (1.0 - self.states[:, t + 1])"),
           ["tests/test_recurrent.py", "tests/test_finite_differences.py"]),
    Mutant("fit-skips-the-last-partial-batch-shared", "fit drops the examples of the last, smaller batch "
           "(the loop both twins run)",
           [("pure/training.py", "self.batches = (n + batch_size - 1) // batch_size",
             "self.batches = max(n // batch_size, 1)")],
           ["tests/test_by_hand.py", "tests/test_training.py"]),
    Mutant("fit-epoch-loss-unweighted-shared", "the epoch's training loss is the mean of the batch losses",
           [("pure/training.py", "total_loss += loss_value * terms\n",
             "total_loss += loss_value * self.n / self.batches\n")],
           ["tests/test_by_hand.py", "tests/test_training.py"]),
    Mutant("dense-default-init-he-both", "Dense's default initializer is He instead of Xavier",
           both("layers.py", 'def __init__(self, n_in: int, n_out: int, init="xavier"',
                'def __init__(self, n_in: int, n_out: int, init="he"'),
           ["tests/test_layers.py", "conformance/test_initializers.py"]),
    Mutant("plateau-patience-off-by-one-shared", "the learning rate is lowered one epoch late on a plateau",
           [("pure/training.py", "if self.since_plateau_best >= self.lr_plateau:",
             "if self.since_plateau_best > self.lr_plateau:")],
           ["tests/test_by_hand.py", "tests/test_training.py"]),
    Mutant("confusion-matrix-transposed-both", "confusion_matrix[predicted][true] instead of [true][predicted]",
           both("metrics.py", "matrix[a][b] += 1", "matrix[b][a] += 1",
                "np.add.at(matrix, (t, p), 1)", "np.add.at(matrix, (p, t), 1)"),
           ["tests/test_metrics.py"]),
    Mutant("precision-and-recall-swapped-both", "precision_recall divides TP by the true count for precision",
           both("metrics.py", "precision.append(tp / predicted_k if predicted_k else 0.0)",
                "precision.append(tp / actual_k if actual_k else 0.0)",
                "precision = np.where(predicted > 0, tp / predicted, 0.0)",
                "precision = np.where(actual > 0, tp / actual, 0.0)"),
           ["tests/test_metrics.py"]),
    Mutant("specificity-is-precision-both", "binary_report's specificity is TN / (TN + FN)",
           both("metrics.py", '"specificity": tn / (tn + fp) if tn + fp else 0.0',
                '"specificity": tn / (tn + fn) if tn + fn else 0.0'),
           ["tests/test_metrics.py"]),
    Mutant("checkpoint-resume-forgets-dropout-masks-shared", "a resumed run does not restore the Dropout "
           "layers' generators (shared checkpoint code)",
           [("pure/checkpoint.py", "        set_rng_state(model.layers[i].rng, state, where)\n",
             "        pass\n")],
           ["tests/test_checkpoint.py"]),
    Mutant("csv-first-row-always-skipped", "the CSV reader skips the first row even when it is data",
           [("data/csvfile.py", "                    if _is_header(fields):\n                        continue",
             "                    continue")],
           ["data/tests/test_csvfile.py"]),
    Mutant("conv-fan-out-without-kernel-both", "Conv2D's fan_out is out_channels, not out_channels·kh·kw",
           both("conv.py", "fan_in, fan_out = in_channels * kh * kw, out_channels * kh * kw",
                "fan_in, fan_out = in_channels * kh * kw, out_channels"),
           ["conformance/test_initializers.py", "tests/test_conv.py"]),
    Mutant("lstm-forget-bias-default-0-both", "LSTM's forget-gate bias starts at 0 instead of 1",
           both("recurrent.py", 'bias_init="zeros", forget_bias: float = 1.0,',
                'bias_init="zeros", forget_bias: float = 0.0,'),
           ["tests/test_recurrent.py", "conformance/test_initializers.py"]),
    Mutant("embedding-default-init-small-both", "Embedding rows start as N(0, 0.1²) instead of N(0, 1)",
           both("recurrent.py", 'def __init__(self, vocab_size: int, dim: int, init="normal(1.0)"',
                'def __init__(self, vocab_size: int, dim: int, init="normal(0.1)"'),
           ["tests/test_recurrent.py", "conformance/test_initializers.py"]),
    Mutant("early-stopping-min-delta-sign-shared", "an improvement must beat the best by -min_delta "
           "(any change counts)",
           [("pure/training.py", "if monitored < self.best - self.min_delta:",
             "if monitored < self.best + self.min_delta:")],
           ["tests/test_by_hand.py", "tests/test_training.py"]),
    Mutant("plateau-ignores-min-lr-shared", "the plateau rule lowers the learning rate below min_lr",
           [("pure/training.py", "self.optimizer.lr = max(self.optimizer.lr * self.lr_factor, self.min_lr)",
             "self.optimizer.lr = self.optimizer.lr * self.lr_factor")],
           ["tests/test_by_hand.py", "tests/test_training.py"]),
    Mutant("threshold-strictly-above-half-both", "a single score of exactly 0.5 counts as class 0",
           both("metrics.py", "labels.append(1 if v[0] >= 0.5 else 0)", "labels.append(1 if v[0] > 0.5 else 0)",
                "return (arr[:, 0] >= 0.5).astype(np.int64)", "return (arr[:, 0] > 0.5).astype(np.int64)"),
           ["tests/test_metrics.py"]),
    Mutant("fit-ignores-clip-value-shared", "fit accepts clip_value but never clips",
           [("pure/training.py", "if self.clip_value is not None:\n            self.parts.clip_grads_by_value",
             "if False:\n            self.parts.clip_grads_by_value")],
           ["tests/test_by_hand.py", "tests/test_training.py"]),
    Mutant("fit-ignores-clip-norm-shared", "fit accepts clip_norm but never clips",
           [("pure/training.py", "if self.clip_norm is not None:\n            self.parts.clip_grads_by_norm",
             "if False:\n            self.parts.clip_grads_by_norm")],
           ["tests/test_by_hand.py", "tests/test_training.py"]),
    Mutant("optimizer-state-shared-across-layers-both", "optimizer state keyed by parameter name only: "
           "every layer's W shares one velocity / one pair of moments",
           both("optimizers.py", "yield (i, name), layer, name, param, grad",
                "yield (0, name), layer, name, param, grad"),
           OPT),
    Mutant("checkpoint-resume-keeps-initial-lr-shared", "a resumed run forgets a learning rate lowered on a plateau "
           "(shared checkpoint code)",
           [("pure/checkpoint.py", "optimizer.lr, optimizer.state = lr, state", "optimizer.state = state")],
           ["tests/test_checkpoint.py"]),
    Mutant("pure-fast-descend-keeps-zero-weights", "pure.fast's SGD step keeps a weight row for a step row of "
           "zeros even when the row holds a zero weight: -0.0 - lr * (-0.0) should be +0.0",
           [("pure/fast.py", "p if not any(s) and 0.0 not in p else", "p if not any(s) else")],
           ["tests/test_fast.py"]),
    Mutant("pure-fast-descend-misses-a-nan-step", "pure.fast's SGD step tests a step row with max(map(abs, s)) == 0, "
           "which a NaN after a zero passes: the NaN step is skipped",
           [("pure/fast.py", "p if not any(s) and 0.0 not in p else",
             "p if max(map(abs, s)) == 0.0 and 0.0 not in p else")],
           ["tests/test_fast.py"]),
    Mutant("pure-fast-descend-infinite-lr",
           "pure.fast's SGD step keeps rows of zero steps for lr = inf (inf * 0 is NaN)",
           [("pure/fast.py", "    if not math.isfinite(lr):\n        return plain_descend",
             "    if lr != lr:\n        return plain_descend")],
           ["tests/test_fast.py"]),
    Mutant("pure-fast-matmul-tn-hides-inf", "pure.fast's matmul_tn leaves out a zero multiplier even when the "
           "gradient row holds inf, so 0 * inf is a row of zeros instead of NaN",
           [("pure/fast.py", "            if a_ni or not b_finite:", "            if a_ni:")],
           ["tests/test_fast.py"]),
    Mutant("pure-fast-matmul-hides-inf", "pure.fast's matmul leaves out a zero multiplier even when the row of "
           "weights holds inf, so 0 * inf adds nothing instead of NaN",
           [("pure/fast.py", "            if a_ik or not finite[k]:", "            if a_ik:")],
           ["tests/test_fast.py"]),
    Mutant("pure-fast-matmul-tn-shares-a-zero-row", "pure.fast's matmul_tn gives every untouched input one shared "
           "row of zeros (what the old ZeroRow did): changing one gradient row in place changes others",
           [("pure/fast.py", "    return [[0.0] * m if row is None else row for row in out]",
             "    zero = [0.0] * m\n    return [zero if row is None else row for row in out]"),
            ("pure/fast.py", "if a_i else [0.0] * m for a_i in a[0]]", "if a_i else zero for a_i in a[0]]"),
            ("pure/fast.py", "        b_row = b[0]\n", "        b_row, zero = b[0], [0.0] * m\n")],
           ["tests/test_fast.py"]),
    Mutant("pure-fast-switch-leaves-out-matmul-nt", "pure.fast.enable() swaps in every variant but matmul_nt",
           [("pure/fast.py", "    (ops, \"matmul_nt\", matmul_nt),\n", "")],
           ["tests/test_fast.py"]),
    Mutant("conformance-compare-always-agrees", "the conformance comparison passes whatever the difference",
           [("conformance/tolerances.py", "ok=bool(np.all(ratio <= 1.0))", "ok=True")],
           ["conformance/test_tolerances.py"]),
    Mutant("xor-labels-or", "data.xor labels a OR b instead of a XOR b",
           [("data/toy.py", "        y.append(a ^ b)\n", "        y.append(a | b)\n")],
           ["data/tests/test_toy.py"]),
    Mutant("adam-default-beta2-0.99-both", "Adam's default beta2 is 0.99 instead of 0.999",
           both("optimizers.py", "def __init__(self, lr=1e-3, beta1=0.9, beta2=0.999,",
                "def __init__(self, lr=1e-3, beta1=0.9, beta2=0.99,"), OPT),
    Mutant("dropout-keeps-when-draw-below-p-both", "Dropout keeps a value when its draw is < p (so keeps p, "
           "drops 1 - p)",
           both("layers.py", "[keep if draw() >= p else 0.0 for _ in row]",
                "[keep if draw() < p else 0.0 for _ in row]",
                "np.where(draws >= self.p, 1.0 / (1.0 - self.p), 0.0)",
                "np.where(draws < self.p, 1.0 / (1.0 - self.p), 0.0)"),
           ["tests/test_layers.py", "tests/test_training.py"]),
    Mutant("optimizer-get-momentum-0.5-both", 'get("momentum") gives momentum 0.5 instead of 0.9',
           both("optimizers.py", "return SGD(lr, momentum=0.9)", "return SGD(lr, momentum=0.5)"),
           ["tests/test_by_hand.py", "tests/test_optimizers.py"]),
    Mutant("fit-shuffle-seed-off-by-one-shared", "fit shuffles with random.Random(seed + 1), not Random(seed)",
           [("pure/training.py", "        self.rng = Random(seed)\n",
             "        self.rng = Random(None if seed is None else seed + 1)\n")],
           ["tests/test_by_hand.py", "tests/test_training.py"]),
    Mutant("dropout-keeps-on-1-minus-draw-both", "Dropout keeps a value when 1 - u >= p (the same odds, "
           "other masks than the protocol's)",
           both("layers.py", "[keep if draw() >= p else 0.0 for _ in row]",
                "[keep if 1.0 - draw() >= p else 0.0 for _ in row]",
                "(self.rng.random() for _ in range(x.size))", "(1.0 - self.rng.random() for _ in range(x.size))"),
           ["tests/test_by_hand.py", "tests/test_layers.py"]),
    Mutant("images-unit-scale-256", "pixels scaled by 1/256 instead of 1/255",
           [("data/images.py", '"unit": tuple(pixel / 255.0 for pixel in range(256))',
             '"unit": tuple(pixel / 256.0 for pixel in range(256))')],
           ["data/tests/test_images.py", "data/tests/test_mnist.py"]),

    # ---- one twin only (conformance also sees these)
    Mutant("pure-adam-resume-forgets-step-count", "a checkpoint does not keep Adam's step count t",
           [("pure/optimizers.py", 'COUNTERS = ("t",)', "COUNTERS = ()")],
           ["tests/test_checkpoint.py"], "pure"),
    Mutant("pure-clip-by-value-no-lower-bound", "clipping by value only clamps from above",
           [("pure/optimizers.py", "[min(max(gi, -limit), limit) for gi in g]", "[min(gi, limit) for gi in g]")],
           ["tests/test_optimizers.py"], "pure"),
    Mutant("vectorized-momentum-dampened-first-step", "the first velocity is (1 - mu) g instead of g",
           [("vectorized/optimizers.py", "velocity = grad.copy() if velocity is None",
             "velocity = (1.0 - mu) * grad if velocity is None")],
           OPT, "vectorized"),
    Mutant("pure-sigmoid-derivative", "sigmoid' = y(1 + y)",
           [("pure/activations.py", "return [g * y * (1.0 - y) for y, g in zip(y_row, g_row)]",
             "return [g * y * (1.0 + y) for y, g in zip(y_row, g_row)]")],
           ACT, "pure"),
    Mutant("vectorized-dense-input-grad-no-transpose", "Dense input gradient g·W instead of g·Wᵀ (square W)",
           [("vectorized/layers.py", 'return matmul_nt(grad_out, self.params["W"])',
             'return grad_out @ self.params["W"] if self.n_in == self.n_out '
             'else matmul_nt(grad_out, self.params["W"])')],
           ["tests/test_layers.py", "tests/test_finite_differences.py"], "vectorized"),
    Mutant("pure-dense-bias-grad-first-example", "Dense bias gradient from the first example only",
           [("pure/layers.py", "self.grads[\"b\"] = column_sums(grad_out)          # sum over the batch",
             "self.grads[\"b\"] = list(grad_out[0])")],
           ["tests/test_layers.py", "tests/test_finite_differences.py"], "pure"),
    Mutant("pure-conv-backward-ignores-column-stride", "Conv2D backward reads patches one column apart",
           [("pure/conv.py", "dx_pad[n][c][i * sh + p][j * sw + q] += g", "dx_pad[n][c][i * sh + p][j + q] += g"),
            ("pure/fast.py", "d_row[q:q + last:sw] = [d + gv * w for d, gv in zip(d_row[q:q + last:sw], g_row)]",
             "d_row[q:q + out_w] = [d + gv * w for d, gv in zip(d_row[q:q + out_w], g_row)]")],
           ["tests/test_conv.py", "tests/test_finite_differences.py"], "pure"),
    Mutant("vectorized-conv-row-stride-for-columns", "im2col moves along columns by the row stride",
           [("vectorized/conv.py", "slice(q, q + sw * (out_w - 1) + 1, sw)", "slice(q, q + sh * (out_w - 1) + 1, sh)")],
           ["tests/test_conv.py", "tests/test_finite_differences.py"], "vectorized"),
    Mutant("pure-conv-bias-grad-overwritten", "Conv2D bias gradient keeps only the last position",
           [("pure/conv.py", "db = [sum(g[n][o][i][j] for n, i, j in positions) for o in range(n_out)]",
             "db = [g[-1][o][-1][-1] for o in range(n_out)]"),
            ("pure/fast.py", "db = [sum(g_o) for g_o in g_rows]", "db = [g_o[-1] for g_o in g_rows]")],
           ["tests/test_conv.py", "tests/test_finite_differences.py"], "pure"),
    Mutant("pure-maxpool-last-maximum-on-ties", "MaxPool2D sends a tie's gradient to the last maximum",
           [("pure/conv.py", "            if v > best:\n                best, where = v, k",
             "            if v >= best:\n                best, where = v, k"),
            ("pure/fast.py", "memos = list(map(tuple.index, windows, pooled))",
             "memos = [len(w) - 1 - w[::-1].index(m) for w, m in zip(windows, pooled)]")],
           ["tests/test_conv.py", "conformance/test_conv.py"], "pure"),
    Mutant("vectorized-maxpool-last-maximum-on-ties", "MaxPool2D sends a tie's gradient to the last maximum",
           [("vectorized/conv.py", "np.copyto(where, k, where=v > best)", "np.copyto(where, k, where=v >= best)")],
           ["tests/test_conv.py", "conformance/test_conv.py"], "vectorized"),
    Mutant("pure-avgpool-square-share", "AvgPool2D divides the gradient by kh² (wrong for rectangles)",
           [("pure/conv.py", "k = self.size[0] * self.size[1]\n        return [g / k] * k",
             "k = self.size[0] * self.size[1]\n        return [g / self.size[0] ** 2] * k")],
           ["tests/test_conv.py", "tests/test_finite_differences.py"], "pure"),
    Mutant("pure-rnn-truncated-bptt", "RNN backward does not carry dL/dh back to the previous step",
           [("pure/recurrent.py", "dh_next = ops.matmul_nt([da[t]], Whh)[0]", "dh_next = [0.0] * H")],
           ["tests/test_recurrent.py", "tests/test_finite_differences.py"], "pure"),
    Mutant("vectorized-rnn-truncated-bptt", "RNN backward does not carry dL/dh back to the previous step",
           [("vectorized/recurrent.py", "dh_next = np.where(real, da[:, t] @ Whh.T, dh)",
             "dh_next = np.where(real, 0.0 * dh, dh)")],
           ["tests/test_recurrent.py", "tests/test_finite_differences.py"], "vectorized"),
    Mutant("pure-lstm-swapped-input-and-forget-gates", "LSTM forward reads the forget gate where the input gate is",
           [("pure/recurrent.py",
             "i = [sigmoid(v) for v in z[:H]]\n                f = [sigmoid(v) for v in z[H:2 * H]]",
             "f = [sigmoid(v) for v in z[:H]]\n                i = [sigmoid(v) for v in z[H:2 * H]]")],
           ["tests/test_recurrent.py", "conformance/test_recurrent.py"], "pure"),
    Mutant("vectorized-lstm-swapped-input-and-forget-gates", "LSTM forward swaps the input and forget gates",
           [("vectorized/recurrent.py", "i, f = sigmoid(z[:, :H]), sigmoid(z[:, H:2 * H])",
             "f, i = sigmoid(z[:, :H]), sigmoid(z[:, H:2 * H])")],
           ["tests/test_recurrent.py", "conformance/test_recurrent.py"], "vectorized"),
    Mutant("pure-embedding-repeated-tokens-overwrite", "Embedding gradient of a repeated token keeps only the last",
           [("pure/recurrent.py", "dW[token] = [p + q for p, q in zip(dW[token], g)]", "dW[token] = list(g)")],
           ["tests/test_recurrent.py", "conformance/test_recurrent.py"], "pure"),
    Mutant("pure-dropout-not-scaled", "inverted dropout forgets to scale the kept values by 1/(1-p)",
           [("pure/layers.py", "keep, p, draw = 1.0 / (1.0 - self.p), self.p, self.rng.random",
             "keep, p, draw = 1.0, self.p, self.rng.random")],
           ["tests/test_layers.py", "conformance/test_layers.py"], "pure"),
    Mutant("vectorized-dropout-scaled-by-1-over-p", "dropout scales the kept values by 1/p",
           [("vectorized/layers.py", "np.where(draws >= self.p, 1.0 / (1.0 - self.p), 0.0)",
             "np.where(draws >= self.p, 1.0 / self.p, 0.0)")],
           ["tests/test_layers.py", "conformance/test_layers.py"], "vectorized"),
    Mutant("pure-clip-norm-wrong-scale", "clipping by norm divides by the squared norm",
           [("pure/optimizers.py", "scale = max_norm / (total + 1e-6)", "scale = max_norm / (total * total + 1e-6)")],
           ["tests/test_optimizers.py"], "pure"),
    Mutant("pure-fit-never-shuffles", "fit ignores shuffle (every epoch in the same order, whatever the seed)",
           [("pure/training.py", "if self.shuffle:\n            self.rng.shuffle(self.order)",
             "if False:\n            self.rng.shuffle(self.order)")],
           ["tests/test_training.py"], "pure"),
    Mutant("pure-early-stopping-keeps-last-weights", "early stopping forgets to keep the best weights",
           [("pure/training.py", "self.best_weights = self.model.get_weights() if self.restore_best else None",
             "self.best_weights = None")],
           ["tests/test_training.py"], "pure"),
    Mutant("pure-plateau-ignores-lr-factor", "the plateau rule divides the learning rate by 10, not by lr_factor",
           [("pure/training.py", "self.optimizer.lr = max(self.optimizer.lr * self.lr_factor, self.min_lr)",
             "self.optimizer.lr = max(self.optimizer.lr * 0.1, self.min_lr)")],
           ["tests/test_training.py"], "pure"),
    Mutant("pure-gradcheck-vacuous", "pure gradcheck compares the analytic gradient with itself",
           [("pure/gradcheck.py", "report.add(label, a_holder[a_last], numeric(tensor, index))",
             "report.add(label, a_holder[a_last], a_holder[a_last])")],
           ["tests/test_gradcheck.py"], "pure"),
    Mutant("vectorized-gradcheck-vacuous", "vectorized gradcheck compares the analytic gradient with itself",
           [("vectorized/gradcheck.py", "report.add(label, float(a_holder[a_last]), numeric(tensor, index))",
             "report.add(label, float(a_holder[a_last]), float(a_holder[a_last]))")],
           ["tests/test_gradcheck.py"], "vectorized"),
    Mutant("vectorized-load-as-float32", "vectorized.load rounds every weight to float32",
           [("vectorized/modelfile.py", "    return np.asarray(t, dtype=np.float64)\n",
             "    return np.asarray(t, dtype=np.float32).astype(np.float64)\n")],
           ["tests/test_io.py", "tests/test_model_format.py"], "vectorized"),
    Mutant("idx-little-endian-dimensions", "IDX dimensions read little-endian",
           [("data/idx.py", 'struct.unpack(f">{ndim}I", raw_dims)', 'struct.unpack(f"<{ndim}I", raw_dims)')],
           ["data/tests/test_idx.py"]),
    # ---- data/: its readers, the image preparation, the PNG and netpbm decoders
    # (not here: Paeth breaking an a/b tie towards b; pa == pb with a != b forces c = (a + b) / 2, so pc = 0
    # wins: the tie only ever picks between equal values)
    Mutant("prepare-invert-at-half", "a sheet of exactly 0.5 grey counts as light paper (>= 0.5) and is inverted",
           [("data/prepare.py", "    if background > 0.5:", "    if background >= 0.5:")],
           ["data/tests/test_prepare.py", "data/tests/test_prepare_by_hand.py"]),
    Mutant("prepare-median-upper-middle", "the median of an even border is its upper middle value, not the mean of two",
           [("data/prepare.py", "    return (ordered[middle - 1] + ordered[middle]) / 2.0",
             "    return ordered[middle]")], ["data/tests/test_prepare.py", "data/tests/test_prepare_by_hand.py"]),
    Mutant("prepare-border-corners-twice", "the border's side columns run over every row: corners counted twice",
           [("data/prepare.py", "for r in range(1, height - 1) for c in (0, width - 1)]",
             "for r in range(0, height) for c in (0, width - 1)]")],
           ["data/tests/test_prepare.py", "data/tests/test_prepare_by_hand.py"]),
    Mutant("prepare-background-from-whole-picture", "the background is the median of the whole picture, not the border",
           [("data/prepare.py", "    background = median(border)", "    background = median(grey)")],
           ["data/tests/test_prepare.py", "data/tests/test_prepare_by_hand.py"]),
    Mutant("prepare-no-clamp-below-background", "pixels darker than the background give negative ink (no clamp at 0)",
           [("data/prepare.py", "min(1.0, max(0.0, (v - background) / span))", "min(1.0, (v - background) / span)")],
           ["data/tests/test_prepare.py", "data/tests/test_prepare_by_hand.py"]),
    Mutant("prepare-span-without-background", "the stretch divides by the peak, not by peak - background",
           [("data/prepare.py", "    span = peak - background", "    span = peak")],
           ["data/tests/test_prepare.py", "data/tests/test_prepare_by_hand.py"]),
    Mutant("prepare-ink-box-at-threshold", "a pixel of exactly INK widens the ink box (>= instead of >), rows",
           [("data/prepare.py", "any(v > INK for v in ink[r * width:(r + 1) * width])",
             "any(v >= INK for v in ink[r * width:(r + 1) * width])")],
           ["data/tests/test_prepare.py", "data/tests/test_prepare_by_hand.py"]),
    Mutant("prepare-ink-box-bottom-exclusive-off-by-one", "the ink box's bottom is the last ink row, not one past it",
           [("data/prepare.py", "columns[-1] + 1, rows[-1] + 1", "columns[-1] + 1, rows[-1]")],
           ["data/tests/test_prepare.py", "data/tests/test_prepare_by_hand.py"]),
    Mutant("prepare-scale-round-half-even", "the scaled width rounds half to even (round()), not half up",
           [("data/prepare.py", "new_w = max(1, int(math.floor(crop_w * BOX / longer + 0.5)))",
             "new_w = max(1, int(round(crop_w * BOX / longer)))")],
           ["data/tests/test_prepare.py", "data/tests/test_prepare_by_hand.py"]),
    Mutant("prepare-scale-height-truncated", "the scaled height is truncated, not rounded",
           [("data/prepare.py", "new_h = max(1, int(math.floor(crop_h * BOX / longer + 0.5)))",
             "new_h = max(1, int(crop_h * BOX / longer))")],
           ["data/tests/test_prepare.py", "data/tests/test_prepare_by_hand.py"]),
    Mutant("prepare-scale-width-ceil", "the scaled width is rounded up (ceil)",
           [("data/prepare.py", "new_w = max(1, int(math.floor(crop_w * BOX / longer + 0.5)))",
             "new_w = max(1, int(math.ceil(crop_w * BOX / longer)))")],
           ["data/tests/test_prepare.py", "data/tests/test_prepare_by_hand.py"]),
    Mutant("prepare-no-restretch", "the ink is not stretched again after resizing (thin strokes come out faint)",
           [("data/prepare.py", "    small = [v / peak for v in small]", "    small = list(small)")],
           ["data/tests/test_prepare.py", "data/tests/test_prepare_by_hand.py"]),
    Mutant("prepare-resize-drops-partial-last-pixel", "area averaging stops at floor(stop): a partly covered last "
           "old pixel is left out", [("data/prepare.py", "min(old, int(math.ceil(stop)))",
                                      "min(old, int(math.floor(stop)))")],
           ["data/tests/test_prepare.py", "data/tests/test_prepare_by_hand.py"]),
    Mutant("prepare-centre-round-half-even", "the vertical shift rounds half to even, not half up",
           [("data/prepare.py", "    dy = int(math.floor(SIDE / 2.0 - cy + 0.5))",
             "    dy = int(round(SIDE / 2.0 - cy))")],
           ["data/tests/test_prepare.py", "data/tests/test_prepare_by_hand.py"]),
    Mutant("prepare-centre-axes-swapped", "columns are shifted by the vertical shift", [
        ("data/prepare.py", "            x = c + dx\n", "            x = c + dy\n")],
           ["data/tests/test_prepare.py", "data/tests/test_prepare_by_hand.py"]),
    Mutant("png-paeth-tie-prefers-c", "Paeth breaks a b/c tie towards c (pb < pc)",
           [("data/imagefiles.py", "    return b if pb <= pc else c", "    return b if pb < pc else c")],
           ["data/tests/test_imagefiles.py", "data/tests/test_imagefiles_properties.py"]),
    Mutant("png-average-filter-rounds-up", "the Average filter rounds (a + b) / 2 up, not down",
           [("data/imagefiles.py", "(left + previous[i]) // 2", "(left + previous[i] + 1) // 2")],
           ["data/tests/test_imagefiles.py", "data/tests/test_imagefiles_properties.py"]),
    Mutant("png-sub-filter-off-by-one", "the Sub filter starts one byte late",
           [("data/imagefiles.py", "            for i in range(bpp, stride):",
             "            for i in range(bpp + 1, stride):")],
           ["data/tests/test_imagefiles.py", "data/tests/test_imagefiles_properties.py"]),
    Mutant("png-bpp-without-channels", "the filters' pixel distance ignores the channels (depth // 8)",
           [("data/imagefiles.py", "    bpp = max(1, bits // 8) ", "    bpp = max(1, depth // 8) ")],
           ["data/tests/test_imagefiles.py", "data/tests/test_imagefiles_properties.py"]),
    Mutant("png-adam7-pass-width-rounded-down", "an Adam7 pass's width is rounded up one too many",
           [("data/imagefiles.py", "((width - x0 + dx - 1) // dx,", "((width - x0 + dx) // dx,")],
           ["data/tests/test_imagefiles.py", "data/tests/test_imagefiles_properties.py"]),
    Mutant("png-sub-byte-least-significant-first", "1/2/4-bit samples unpacked least significant bits first",
           [("data/imagefiles.py", "shifts = [8 - depth * (k + 1) for k in range(per_byte)]",
             "shifts = [depth * k for k in range(per_byte)]")],
           ["data/tests/test_imagefiles.py", "data/tests/test_imagefiles_properties.py"]),
    Mutant("netpbm-two-bytes-from-257", "binary Netpbm uses two bytes per sample only above maxval 256",
           [("data/imagefiles.py", "size = 1 if maxval < 256 else 2", "size = 1 if maxval <= 256 else 2")],
           ["data/tests/test_imagefiles.py", "data/tests/test_imagefiles_properties.py"]),
    Mutant("pbm-1-is-white", "PBM's 1 read as white (no inversion)",
           [("data/imagefiles.py", "        values = [1 - v for v in values]\n", "        values = list(values)\n")],
           ["data/tests/test_imagefiles.py", "data/tests/test_imagefiles_properties.py"]),
    Mutant("grey-green-blue-swapped", "BT.601 grey weighs green by 0.114 and blue by 0.587",
           [("data/imagefiles.py", "0.587 * samples[p + 1] + 0.114 * samples[p + 2]",
             "0.587 * samples[p + 2] + 0.114 * samples[p + 1]")],
           ["data/tests/test_imagefiles.py", "data/tests/test_imagefiles_properties.py"]),
    Mutant("grey-half-ink-on-white", "transparency is laid on white also when the opaque pixels average exactly 0.5",
           [("data/imagefiles.py", "background = 1.0 if ink < 0.5 else 0.0",
             "background = 1.0 if ink <= 0.5 else 0.0")],
           ["data/tests/test_imagefiles.py", "data/tests/test_imagefiles_properties.py"]),
    Mutant("png-palette-missing-alphas-transparent", "palette entries beyond tRNS get alpha 0, not 255",
           [("data/imagefiles.py", "alphas += [255] * (len(colours) - len(alphas))",
             "alphas += [0] * (len(colours) - len(alphas))")],
           ["data/tests/test_imagefiles.py", "data/tests/test_imagefiles_properties.py"]),
    Mutant("images-negative-index-off-by-one", "images[-1] is the second to last image",
           [("data/images.py", "position = index + count if index < 0 else index",
             "position = index + count - 1 if index < 0 else index")], ["data/tests/test_images.py"]),
    Mutant("images-render-shades-by-255", "render maps 0..255 onto 9 shades (value * 9 // 255), never the darkest "
           "for mid greys", [("data/images.py", "_SHADES[value * len(_SHADES) // 256]",
                              "_SHADES[value * (len(_SHADES) - 1) // 255]")], ["data/tests/test_images.py"]),
    Mutant("images-centered-off-by-half", "the centered scale subtracts 128/255, not 0.5",
           [("data/images.py", '"centered": tuple(pixel / 255.0 - 0.5 for pixel in range(256))',
             '"centered": tuple((pixel - 128) / 255.0 for pixel in range(256))')], ["data/tests/test_images.py"]),
    Mutant("images-image-rows-by-rows", "image(i) cuts the rows every `rows` pixels, not every `cols`",
           [("data/images.py", "        cols = self.cols\n", "        cols = self.rows\n")],
           ["data/tests/test_images.py"]),
    Mutant("idx-limit-off-by-one", "read_idx keeps limit + 1 entries",
           [("data/idx.py", "else min(limit, shape[0])", "else min(limit + 1, shape[0])")], ["data/tests/test_idx.py"]),
    Mutant("idx-one-trailing-byte-allowed", "one byte of trailing garbage after a plain IDX file goes unnoticed",
           [("data/idx.py", "    if expected < available:", "    if expected < available - 1:")],
           ["data/tests/test_idx.py", "data/tests/test_readers_by_hand.py"]),
    Mutant("idx-decode-not-byteswapped", "multi-byte IDX values are not swapped to this machine's byte order",
           [("data/idx.py", '    values.frombytes(payload)\n    if sys.byteorder == "little":',
             '    values.frombytes(payload)\n    if sys.byteorder == "big":')], ["data/tests/test_idx.py"]),
    Mutant("csv-limit-off-by-one", "read_csv reads limit + 1 rows",
           [("data/csvfile.py", "if limit is not None and len(labels) >= limit:",
             "if limit is not None and len(labels) > limit:")], ["data/tests/test_csvfile.py"]),
    Mutant("csv-blank-line-with-spaces", "a line of only whitespace is read as a record (not skipped)",
           [("data/csvfile.py", "                if not line.strip():",
             "                if not line.rstrip(\"\\n\"):")],
           ["data/tests/test_csvfile.py", "data/tests/test_readers_by_hand.py"]),
    Mutant("csv-lines-counted-from-0", "error messages count lines from 0",
           [("data/csvfile.py", "enumerate(text, start=1)", "enumerate(text, start=0)")],
           ["data/tests/test_csvfile.py"]),
    Mutant("moons-lower-arc-flipped", "the lower moon is drawn upwards (0.5 + sin t)",
           [("data/toy.py", "0.5 - math.sin(t)", "0.5 + math.sin(t)")], ["data/tests/test_toy.py"]),
    Mutant("quadrants-sum-not-product", "quadrants labels by x1 + x2 > 0, not x1 * x2 > 0",
           [("data/toy.py", "y.append(1 if x1 * x2 > 0 else 0)", "y.append(1 if x1 + x2 > 0 else 0)")],
           ["data/tests/test_toy.py"]),
    Mutant("linspace-step-by-count", "_linspace steps by (stop - start) / count: the last point falls short",
           [("data/toy.py", "step = (stop - start) / (count - 1)", "step = (stop - start) / count")],
           ["data/tests/test_toy.py", "data/tests/test_readers_by_hand.py"]),
    Mutant("circles-repeat-first-angle", "circles spaces angles over count - 1 steps: the last point repeats the first",
           [("data/toy.py", "t = 2.0 * math.pi * i / count", "t = 2.0 * math.pi * i / max(1, count - 1)")],
           ["data/tests/test_toy.py"]),
    Mutant("vocabulary-specials-last", "Vocabulary puts the special tokens after the sorted ones",
           [("data/text.py", "list(specials) + sorted(others)", "sorted(others) + list(specials)")],
           ["data/tests/test_text.py"]),
    Mutant("words-keep-case", "text.words does not lowercase",
           [("data/text.py", "return sentence.lower().split()", "return sentence.split()")],
           ["data/tests/test_text.py", "data/tests/test_readers_by_hand.py"]),
    Mutant("vocabulary-decode-id-equal-to-size", "Vocabulary.decode lets an id equal to its size through",
           [("data/text.py", "not 0 <= i < len(self.tokens):", "not 0 <= i <= len(self.tokens):")],
           ["data/tests/test_text.py", "data/tests/test_readers_by_hand.py"]),
    Mutant("one-hot-id-equal-to-size", "one_hot lets an id equal to the size through (IndexError, not ValueError)",
           [("data/text.py", "not 0 <= i < size:", "not 0 <= i <= size:")], ["data/tests/test_text.py"]),
    Mutant("files-gzip-by-name", "open_binary decides gzip by the name's .gz, not by the first bytes",
           [("data/files.py", "        if is_gzip(path):", "        if os.fspath(path).endswith(\".gz\"):")],
           ["data/tests/test_idx.py", "data/tests/test_csvfile.py"]),
    Mutant("files-temp-left-on-failure", "atomic_write leaves its temporary file behind when writing fails",
           [("data/files.py", "            os.remove(temp_path)", "            pass")],
           ["data/tests/test_idx.py", "data/tests/test_readers_by_hand.py"]),
    Mutant("files-eof-not-a-data-error", "a gzip file cut short (EOFError) is not turned into DataError",
           [("data/files.py", "except (gzip.BadGzipFile, zlib.error, EOFError) as error:",
             "except (gzip.BadGzipFile, zlib.error) as error:")], ["data/tests/test_idx.py"]),
    Mutant("files-private-mode", "atomic_write leaves the file readable by its owner only (0o600)",
           [("data/files.py", "os.chmod(temp_path, 0o644)", "os.chmod(temp_path, 0o600)")],
           ["data/tests/test_idx.py", "data/tests/test_readers_by_hand.py"]),
    Mutant("mnist-label-10-accepted", "a label equal to the class count is accepted",
           [("data/mnist.py", "if labels and max(labels) >= class_count:", "if labels and max(labels) > class_count:")],
           ["data/tests/test_mnist.py", "data/tests/test_readers_by_hand.py"]),
    Mutant("mnist-train-10k-first", "the shipped train-10k wins over full training files",
           [("data/mnist.py", '"train": ("train", "train-10k")', '"train": ("train-10k", "train")')],
           ["data/tests/test_mnist.py"]),
    Mutant("mnist-no-dotted-spelling", "the train-images.idx3-ubyte spelling is not looked for",
           [("data/mnist.py", 'for separator in ("-", "."):', 'for separator in ("-",):')],
           ["data/tests/test_mnist.py"]),
    Mutant("mnist-fewer-labels-accepted", "more images than labels passes the header check",
           [("data/mnist.py", "if images_shape[0] != labels_shape[0]:", "if images_shape[0] < labels_shape[0]:")],
           ["data/tests/test_mnist.py"]),
    Mutant("download-partial-kept-after-416", "a partial file the server refuses (HTTP 416) is kept, so every resume "
           "fails", [("data/download.py", "        if error.code == 416 and have:           # our partial file does "
                      "not fit this server's file\n            os.remove(part)",
                      "        if error.code == 416 and have:           # our partial file does "
                      "not fit this server's file\n            pass")], ["data/tests/test_download.py"]),
    Mutant("download-content-at-limit-refused", "a recompressed copy exactly the content size is refused (>= limit)",
           [("data/download.py", "                if total > limit:", "                if total >= limit:")],
           ["data/tests/test_download.py"]),
    Mutant("download-range-off-by-one", "a resume asks for bytes from have + 1",
           [("data/download.py", 'headers["Range"] = f"bytes={have}-"', 'headers["Range"] = f"bytes={have + 1}-"')],
           ["data/tests/test_download.py"]),
    Mutant("download-archive-said-content", "a file matching the archive's SHA-256 is reported as a recompressed copy",
           [("data/download.py", '    if sha256_of(path) == spec.sha256:\n        return "archive"',
             '    if sha256_of(path) == spec.sha256:\n        return "content"')], ["data/tests/test_download.py"]),
    Mutant("download-ceiling-is-size", "the byte ceiling is the expected size itself: no slack for a bigger reply",
           [("data/download.py", "ceiling = 2 * size + 1024 * 1024", "ceiling = size")],
           ["data/tests/test_download.py"]),
    Mutant("cli-export-index-equal-to-count", "export accepts --index equal to the number of images",
           [("data/__main__.py", "if not 0 <= args.index < len(images):", "if not 0 <= args.index <= len(images):")],
           ["data/tests/test_cli.py", "data/tests/test_download.py"]),
    Mutant("cli-export-transposed", "export writes the image transposed",
           [("data/__main__.py", "big = [pixels[(r // k) * cols + c // k]", "big = [pixels[(c // k) * cols + r // k]")],
           ["data/tests/test_cli.py", "data/tests/test_download.py", "data/tests/test_readers_by_hand.py"]),
    Mutant("cli-mirror-without-slash", "a --mirror without a trailing slash is used as is (file name glued on)",
           [("data/__main__.py", 'mirrors = [m if m.endswith("/") else m + "/" for m in args.mirror or []]',
             "mirrors = list(args.mirror or [])")], ["data/tests/test_cli.py", "data/tests/test_download.py"]),
    Mutant("cli-info-classes-from-1", "info counts the classes 1..10 instead of 0..9",
           [("data/__main__.py", "counts = [labels.count(label) for label in range(len(names))]",
             "counts = [labels.count(label + 1) for label in range(len(names))]")],
           ["data/tests/test_cli.py", "data/tests/test_download.py"]),

    # ---- the application (app/), the conformance tools (grade, against, checkmodel), interop, and the
    # ---- library rules that first survived (checkpoint fingerprint, plateau across a resume, budgets)
    Mutant("grade-transposed-hint-for-any-rank", "grade calls any reversed shape (3-d too) Dense's transposed W",
           [("conformance/grade.py", "if y.shape == r.shape[::-1] and y.ndim == 2:", "if y.shape == r.shape[::-1]:")],
           ["conformance/test_grade_hints.py"]),
    Mutant("grade-everywhere-hint-for-a-part", "grade says 'k times the reference everywhere' when only some differ",
           [("conformance/grade.py", "        if sum(bad) == len(bad):\n", "        if any(bad):\n")],
           ["conformance/test_grade_hints.py"]),
    Mutant("grade-count-hint-when-all-differ", "grade says 'N of N elements differ' when every element differs",
           [("conformance/grade.py", "len(bad) > 1 and sum(bad) < len(bad):",
             "len(bad) > 1 and sum(bad) <= len(bad):")],
           ["conformance/test_grade_hints.py"]),
    Mutant("grade-digits-off-by-one", "grade says 'agree to about 0 significant digits', not 'not even the first'",
           [("conformance/grade.py", "    if digit < 1:\n", "    if digit < 0:\n")],
           ["conformance/test_grade_hints.py"]),
    Mutant("grade-digit-plural", "grade says '1 significant digits'",
           [("conformance/grade.py", "digit{'s' if digit > 1 else ''}", "digit{'s' if digit >= 1 else ''}")],
           ["conformance/test_grade_hints.py"]),
    Mutant("grade-agreeing-cases-shows-two", "grade's diagnosis names 2 agreeing cases, not 3",
           [("conformance/grade.py", "for c in agreeing[:3])", "for c in agreeing[:2])")],
           ["conformance/test_grade_hints.py"]),
    Mutant("grade-nested-compare-nan-agrees", "grade's standard-library comparison lets a NaN agree with anything",
           [("conformance/nested.py", "        elif math.isnan(y) or math.isnan(r):\n            diff = math.inf",
             "        elif math.isnan(y) or math.isnan(r):\n            diff = 0.0")],
           ["conformance/test_grade_hints.py"]),
    Mutant("grade-early-exit-unseen", "grade's parent process takes a child that died without a report for a result",
           [("conformance/grade.py", "    elif not done:\n", "    elif False:\n")],
           ["conformance/test_grade_robust.py"]),
    Mutant("grade-stop-in-a-case-not-a-failure", "grade calls a sys.exit or a time-out inside a case 'not graded' (2)",
           [("conformance/grade.py", '    return Graded(1, "FAIL: " + text) if Stage.graded else Graded(2, text)',
             '    return Graded(2, text)')],
           ["conformance/test_grade_robust.py"]),
    Mutant("grade-skeleton-hint-missing", "grade says nothing of the skeleton when NotImplementedError is raised",
           [("conformance/grade.py", "    if isinstance(error, NotImplementedError):\n",
             "    if isinstance(error, NotADirectoryError):\n")],
           ["conformance/test_exercises.py"]),
    Mutant("grade-drop-rate-slack", "grade's Dropout rate allows 3% slack instead of 2%",
           [("conformance/grade.py", "math.sqrt(p * (1.0 - p) / seen) + 0.02",
             "math.sqrt(p * (1.0 - p) / seen) + 0.03")],
           ["conformance/test_grade_hints.py"]),
    Mutant("against-unknown-backend-accepted", "check --against takes a backend it does not know",
           [("conformance/against.py", "    if unknown or not names:\n", "    if not names:\n")],
           ["conformance/test_against.py"]),
    Mutant("against-names-one-missing-package", "check --against names only the first of the missing packages",
           [("conformance/against.py", "skipped=f\"{' and '.join(missing)} not installed",
             "skipped=f\"{missing[0]} not installed")],
           ["conformance/test_against.py"]),
    Mutant("against-skipped-result-is-a-dash", "a skipped column's result reads '-' instead of SKIPPED",
           [("conformance/against.py", "return \"-\" if what != \"result\" else \"SKIPPED\"", "return \"-\"")],
           ["conformance/test_against.py"]),
    Mutant("against-failing-column-passes", "a backend column that fails does not fail the check (killed with torch)",
           [("conformance/against.py", "            ok = False\n", "            ok = True\n")],
           ["conformance/test_against.py"]),
    Mutant("against-onnx-at-float64-policy", "the onnx column is judged by the float64 policy (killed with onnx)",
           [("conformance/against.py", "result=compare(out, pure_out, atol=FLOAT32_ATOL, rtol=FLOAT32_RTOL)",
             "result=compare(out, pure_out)")],
           ["conformance/test_against.py"]),
    Mutant("checkmodel-verdict-ignores-the-twins", "check says PASS whatever the twins' difference",
           [("conformance/checkmodel.py", "    ok = result.ok\n    if against:", "    ok = True\n    if against:")],
           ["conformance/test_io.py"]),
    Mutant("checkmodel-width-from-n-out", "check draws random rows as wide as the first Dense's n_out",
           [("conformance/checkmodel.py", "            return layer.n_in\n", "            return layer.n_out\n")],
           ["conformance/test_io.py"]),
    Mutant("checkmodel-misfit-inputs-raise", "inputs that do not fit the model raise instead of exit status 2",
           [("conformance/checkmodel.py",
             "    except ValueError as e:\n        raise CheckError(f\"the inputs do not fit",
             "    except TypeError as e:\n        raise CheckError(f\"the inputs do not fit")],
           ["conformance/test_io.py"]),
    Mutant("checkmodel-conv-model-not-asked-for-inputs", "check draws rows for a model that starts with Conv2D",
           [("conformance/checkmodel.py", "        if kind not in PASS_THROUGH:\n",
             "        if kind in (\"RNN\", \"LSTM\", \"Embedding\"):\n")],
           ["conformance/test_io.py"]),
    Mutant("checkmodel-against-verdict-dropped", "check ignores the --against columns' verdict (killed with torch)",
           [("conformance/checkmodel.py", "        ok = print_columns(", "        print_columns(")],
           ["conformance/test_against.py"]),
    Mutant("serve-dotfiles", "the page server serves dotfiles (web/.secret.js)",
           [("app/serve.py", " or p.startswith(\".\") for p in parts)", " for p in parts)")],
           ["web/tests/test_serve_allowed.py", "web/tests/test_serve.py"]),
    Mutant("serve-nested-package-files", "the page server serves nested files of pure/ and data/ (pure/sub/x.py)",
           [("app/serve.py", "if len(parts) != 2 or not parts[1].endswith(\".py\"):",
             "if not parts[-1].endswith(\".py\"):")],
           ["web/tests/test_serve_allowed.py", "web/tests/test_serve.py"]),
    Mutant("serve-any-file-of-a-package", "the page server serves any top-level file of pure/ and data/, not only .py",
           [("app/serve.py", "if len(parts) != 2 or not parts[1].endswith(\".py\"):", "if len(parts) != 2:")],
           ["web/tests/test_serve_allowed.py", "web/tests/test_serve.py"]),
    Mutant("serve-tests-folder", "the page server serves web/tests/",
           [("app/serve.py", "        if parts[0] == \"tests\":\n", "        if parts[0] == \"test\":\n")],
           ["web/tests/test_serve_allowed.py", "web/tests/test_serve.py"]),
    Mutant("serve-symlink-out", "the page server follows a symlink pointing outside its folder",
           [("app/serve.py", "return path if inside and os.path.isfile(path) else None",
             "return path if os.path.isfile(path) else None")],
           ["web/tests/test_serve_allowed.py", "web/tests/test_serve.py"]),
    Mutant("serve-config-lists-dotfiles", "config.json lists pure/.hidden.py, which the server refuses",
           [("app/serve.py", "if name.endswith(\".py\") and not name.startswith(\".\")]",
             "if name.endswith(\".py\")]")],
           ["web/tests/test_serve_allowed.py", "web/tests/test_serve.py"]),
    Mutant("serve-course-tests", "the course's files include conformance/test_*.py and conftest.py",
           [("app/serve.py", 'not name.startswith((".", "test_")) and name != "conftest.py"]',
             'not name.startswith(".")]')],
           ["web/tests/test_serve.py", "web/tests/test_serve_allowed.py"]),
    Mutant("course-series-row", "the course page shows another lesson's row of SERIES.md",
           [("web/course.py", "                    if mark in line:\n", "                    if mark not in line:\n")],
           ["web/tests/test_page_python.py"]),
    Mutant("course-pictures-missed", "the course page never hears of a lesson's pictures",
           [("web/course.py", 'if event == "os.rename" and', 'if event == "os.replace" and')],
           ["web/tests/test_page_python.py"]),
    Mutant("course-grade-against-dense", "the page grades every exercise against Dense",
           [("web/course.py", 'like=exercise["like"]', 'like="Dense"')],
           ["web/tests/test_page_python.py"]),
    Mutant("cli-limit-zero-accepted", "the main command takes --limit 0",
           [("app/cli.py", "if args.limit is not None and args.limit < 1:",
             "if args.limit is not None and args.limit < 0:")],
           ["app/tests/test_cli_robustness.py"]),
    Mutant("cli-infinite-lr-accepted", "the main command takes --lr inf",
           [("app/cli.py", "if not 0 < args.lr < math.inf:", "if not 0 < args.lr:")],
           ["app/tests/test_cli_robustness.py"]),
    Mutant("cli-overwrites-another-runs-checkpoint", "the main command starts afresh over an existing checkpoint",
           [("app/cli.py", "if os.path.exists(args.checkpoint) and not args.resume:",
             "if os.path.exists(args.checkpoint) and args.resume is None:")],
           ["app/tests/test_cli_robustness.py"]),
    Mutant("cli-empty-test-set-accepted", "the main command trains although the test set holds no image",
           [("app/cli.py", "    if len(test_images) == 0:\n", "    if len(test_images) < 0:\n")],
           ["app/tests/test_cli_robustness.py"]),
    Mutant("cli-test-limit-ignored", "the main command tests on every test image whatever --test-limit says",
           [("app/cli.py", 'data.load_mnist("test", args.data_dir, args.dataset, args.test_limit)',
             'data.load_mnist("test", args.data_dir, args.dataset)')],
           ["app/tests/test_cli_quick_runs.py"]),
    Mutant("cli-piped-output-block-buffered", "the main command's lines wait in a buffer when its output is piped",
           [("app/cli.py", "sys.stdout.reconfigure(line_buffering=True)",
             "sys.stdout.reconfigure(line_buffering=False)")],
           ["app/tests/test_cli_quick_runs.py"]),
    Mutant("cli-closed-pipe-after-help", "a closed pipe after --help (argparse's SystemExit) ends in an ignored error",
           [("app/cli.py", "        try:\n            return command(*args)\n        finally:",
             "        if True:\n            return command(*args)\n        if True:")],
           ["app/tests/test_closed_pipe.py"]),
    Mutant("download-command-repeats-each-attempt", "python -m data download prints each failed attempt twice",
           [("data/__main__.py", 'print(f"error: {error.brief}", file=sys.stderr)',
             'print(f"error: {error}", file=sys.stderr)')],
           ["data/tests/test_download.py"]),
    Mutant("prerequisites-stale-ignores-versions", "tox's check takes any installed version of an npm package",
           [("tests/prerequisites.py", 'if version != spec.get("version"):', 'if version is None:')],
           ["tests/test_prerequisites.py"]),
    Mutant("usemodel-predict-least-likely-first", "predict lists the least likely classes first",
           [("app/usemodel.py", "key=lambda k: (-row[k], k))[:top]", "key=lambda k: (row[k], k))[:top]")],
           ["app/tests/test_cli_usemodel.py"]),
    Mutant("usemodel-predict-top-one", "predict shows one class whatever --top says",
           [("app/usemodel.py", "top = min(args.top, len(probabilities[0]))", "top = min(1, len(probabilities[0]))")],
           ["app/tests/test_cli_usemodel.py"]),
    Mutant("usemodel-accuracy-one-decimal", "evaluate prints the accuracy to one decimal, not the two training printed",
           [("app/usemodel.py", "accuracy {accuracy:.2%}, loss", "accuracy {accuracy:.1%}, loss")],
           ["app/tests/test_cli_usemodel.py"]),
    Mutant("usemodel-quiet-prints-the-matrix", "evaluate --quiet prints the confusion matrix too",
           [("app/usemodel.py", "    if not args.quiet:                  # --quiet: the accuracy line only",
             "    if True:                  # --quiet: the accuracy line only")],
           ["app/tests/test_cli_usemodel.py"]),
    Mutant("interop-onnx-conv-pads-order", "ONNX Conv pads written (top, bottom, left, right), not (top, left, ...)",
           [("vectorized/interop.py", "pads=[ph, pw, ph, pw]", "pads=[ph, ph, pw, pw]")],
           ["tests/test_rules_by_hand.py", "tests/test_interop.py"], "vectorized"),
    Mutant("interop-onnx-lstm-gate-order", "ONNX LSTM gate blocks reordered as i, f, o, c",
           [("vectorized/interop.py", "order = [0, 3, 1, 2]", "order = [0, 1, 3, 2]")],
           ["tests/test_interop.py"], "vectorized"),
    Mutant("interop-torch-rnn-bias-twice", "to_torch puts our one bias in both of PyTorch's RNN biases",
           [("vectorized/interop.py", "_set(rnn.bias_hh_l0, np.zeros_like(b), torch)",
             "_set(rnn.bias_hh_l0, b, torch)")],
           ["tests/test_interop.py"], "vectorized"),
    Mutant("interop-torch-avgpool-default-stride", "to_torch's AvgPool2d forgets the stride",
           [("vectorized/interop.py", "return nn.AvgPool2d(tuple(layer.size), stride=tuple(layer.stride))",
             "return nn.AvgPool2d(tuple(layer.size))")],
           ["tests/test_interop.py"], "vectorized"),
    Mutant("interop-torch-softplus-threshold", "to_torch's Softplus keeps PyTorch's threshold 20 (linear beyond it)",
           [("vectorized/interop.py", "nn.Softplus(beta=1.0, threshold=SOFTPLUS_THRESHOLD)", "nn.Softplus(beta=1.0)")],
           ["tests/test_interop.py"], "vectorized"),
    Mutant("interop-from-torch-ignores-hooks", "from_torch translates a module with hooks as if it had none",
           [("vectorized/interop.py", "hooks = [name.strip(\"_\") for name in _HOOKS if getattr(m, name, None)]",
             "hooks = []")],
           ["tests/test_interop.py"], "vectorized"),
    Mutant("interop-from-torch-softmax-dim-1-anywhere", "from_torch takes Softmax(dim=1) whatever the input's rank",
           [("vectorized/interop.py", "if m.dim != -1 and (rank is None or m.dim != rank - 1):",
             "if m.dim not in (-1, 1):")],
           ["tests/test_interop.py"], "vectorized"),
    Mutant("interop-from-torch-subclass-taken", "from_torch takes a subclass of nn.Linear as nn.Linear",
           [("vectorized/interop.py", "    if kind not in known:\n        parent",
             "    if kind not in known and not isinstance(m, nn.Linear):\n        parent"),
            ("vectorized/interop.py", "    if kind is nn.Linear:", "    if isinstance(m, nn.Linear):")],
           ["tests/test_interop.py"], "vectorized"),
    Mutant("onnx-input-shape-fit-unchecked", "save_onnx writes a file for an input_shape the layers cannot take",
           [("vectorized/interop.py", "        _check_fit(layers, input_shape)", "        pass")],
           ["tests/test_interop.py"], "vectorized"),
    Mutant("serve-any-host-answered", "the page server answers a request naming another site (DNS rebinding)",
           [("app/serve.py", "if host not in self.server.hosts:", "if not host:")],
           ["web/tests/test_serve_hardened.py"]),
    Mutant("serve-disconnect-traceback", "a client leaving mid-download prints a traceback",
           [("app/serve.py", "if isinstance(error, (ConnectionError, socket.timeout)):",
             "if isinstance(error, socket.timeout):")],
           ["web/tests/test_serve_hardened.py"]),
    Mutant("checkpoint-fingerprint-skips-the-last-label", "the data fingerprint leaves out the last target",
           [("pure/checkpoint.py", "((y, range(len(y))), (x, picks))", "((y, range(len(y) - 1)), (x, picks))")],
           ["tests/test_rules_by_hand.py"]),
    Mutant("checkpoint-fingerprint-skips-the-last-input", "the fingerprint leaves out the last input of a small set",
           [("pure/checkpoint.py", "picks = range(n) if n <= inputs else", "picks = range(n - 1) if n <= inputs else")],
           ["tests/test_rules_by_hand.py"]),
    Mutant("resume-forgets-the-plateau-count", "a resumed run restarts the plateau count at 0",
           [("pure/training.py", "\"plateau_best\",\n                         \"since_plateau_best\", \"seed\"",
             "\"plateau_best\",\n                         \"seed\"")],
           ["tests/test_rules_by_hand.py"]),
    Mutant("resume-forgets-the-plateau-best", "a resumed run forgets the best loss the plateau rule compares with",
           [("pure/training.py", "\"best_weights\", \"plateau_best\",\n", "\"best_weights\",\n")],
           ["tests/test_rules_by_hand.py"]),
    Mutant("modelfile-budget-per-layer", "the parameter budget is checked per layer, not over the model",
           [("pure/modelfile.py", "            total += count(expected)\n", "            total = count(expected)\n")],
           ["tests/test_rules_by_hand.py"]),
    Mutant("avgpool-rectangular-window-both", "AvgPool2D's backward divides by kh*kh, not kh*kw",
           both("conv.py", "        k = self.size[0] * self.size[1]\n        return [g / k] * k",
                "        k = self.size[0] * self.size[0]\n        return [g / k] * k"),
           ["tests/test_rules_by_hand.py"]),
    Mutant("confusion-matrix-size-from-true-labels-both", "the confusion matrix is sized by the true labels only",
           both("metrics.py", "n_classes = min(max(t + p) + 1, MAX_CLASSES + 1) if t else 0",
                "n_classes = min(max(t) + 1, MAX_CLASSES + 1) if t else 0",
                "n_classes = min(int(max(t.max(initial=-1), p.max(initial=-1))) + 1, MAX_CLASSES + 1)",
                "n_classes = min(int(t.max(initial=-1)) + 1, MAX_CLASSES + 1)"),
           ["tests/test_rules_by_hand.py"]),
    Mutant("plateau-ignores-min-delta", "the plateau rule counts any decrease as an improvement, ignoring min_delta",
           [("pure/training.py", "if monitored < self.plateau_best - self.min_delta:",
             "if monitored < self.plateau_best:")],
           ["tests/test_rules_by_hand.py"]),
    Mutant("plateau-min-delta-not-strict", "the plateau rule counts a decrease of exactly min_delta as an improvement",
           [("pure/training.py", "if monitored < self.plateau_best - self.min_delta:",
             "if monitored <= self.plateau_best - self.min_delta:")],
           ["tests/test_rules_by_hand.py"]),

    # ---- the library's remaining modules and pure.fast's helpers (issue 20)
    Mutant("portable-mt-tempering-constant", "MersenneTwister tempers with 0x9D2C5780: other draws than CPython's",
           [("pure/portable.py", "y ^= (y << 7) & 0x9D2C5680", "y ^= (y << 7) & 0x9D2C5780")], PORTABLE, "pure"),
    Mutant("portable-random-53-bits-swapped", "random() joins the 26 and 27 bits the other way round",
           [("pure/portable.py", "a, b = self._genrand_uint32() >> 5, self._genrand_uint32() >> 6",
             "a, b = self._genrand_uint32() >> 6, self._genrand_uint32() >> 5")], PORTABLE, "pure"),
    Mutant("portable-shuffle-off-by-one", "shuffle draws j below i, not below i + 1 (Sattolo's cycle)",
           [("pure/portable.py", "j = self._randbelow(i + 1)", "j = self._randbelow(i)")], PORTABLE, "pure"),
    Mutant("portable-product-first-fastest", "plain_product moves the first position fastest",
           [("pure/portable.py",
             "combinations = [combination + (item,) for combination in combinations for item in pool]",
             "combinations = [combination + (item,) for item in pool for combination in combinations]")],
           PORTABLE, "pure"),
    Mutant("portable-log1p-loses-tiny-x", "plain_log1p is log(1 + x): a tiny x is lost to rounding",
           [("pure/portable.py", "    if u == 1.0:\n        return x\n    if u == math.inf:\n        return u\n"
             "    return math.log(u) * x / (u - 1.0)", "    return math.log(u)")], PORTABLE, "pure"),
    Mutant("ops-argmax-last-on-ties", "argmax returns the last of equal maxima, not the first",
           [("pure/ops.py", "        if v > row[best]:\n", "        if v >= row[best]:\n")],
           ["tests/test_metrics.py", "tests/test_by_hand.py", "tests/test_library_rules_by_hand.py"], "pure"),
    Mutant("ops-all-finite-lets-inf-through", "all_finite tests isnan only: an infinity counts as finite",
           [("pure/ops.py", "return all(all(map(math.isfinite, row)) for row in rows(x))",
             "return all(not any(map(math.isnan, row)) for row in rows(x))")],
           ["tests/test_divergence.py", "tests/test_library_rules_by_hand.py"], "pure"),
    Mutant("ops-column-sums-over-columns", "column_sums sums each row (the wrong axis)",
           [("pure/ops.py", "return [sum(col) for col in zip(*a)]", "return [sum(row) for row in a]")],
           ["tests/test_by_hand.py", "tests/test_layers.py"], "pure"),
    Mutant("ops-plain-matmul-tn-drops-last-example", "the plain matmul_tn leaves out the last example",
           [("pure/ops.py", "            for p in range(n):\n", "            for p in range(n - 1):\n")],
           ["tests/test_fast.py"], "pure"),
    Mutant("vectorized-ops-as-array-float32-to-float64", "as_array turns a float32 array into float64",
           [("vectorized/ops.py", "x.dtype in (np.float32, np.float64) and dtype is None",
             "x.dtype == np.float64 and dtype is None")],
           ["tests/test_layers.py", "tests/test_training.py", "tests/test_io.py",
            "tests/test_library_rules_by_hand.py"],
           "vectorized"),
    Mutant("vectorized-ops-strings-raise-value-error", "as_array raises ValueError for strings, not TypeError",
           [("vectorized/ops.py", "        raise TypeError(f\"expected numbers, got the",
             "        raise ValueError(f\"expected numbers, got the")],
           ["tests/test_layers.py", "tests/test_losses.py", "tests/test_library_rules_by_hand.py"], "vectorized"),
    Mutant("vectorized-ops-all-finite-lets-inf-through", "all_finite tests isnan only: an infinity counts as finite",
           [("vectorized/ops.py", "return x is None or bool(np.all(np.isfinite(x)))",
             "return x is None or not bool(np.any(np.isnan(x)))")],
           ["tests/test_divergence.py", "tests/test_library_rules_by_hand.py"], "vectorized"),
    Mutant("checks-dropout-p-one-accepted", "Dropout accepts p = 1 (every unit dropped, a division by zero)",
           [("pure/checks.py", "0.0 <= p < 1.0):", "0.0 <= p <= 1.0):")],
           ["tests/test_layers.py"]),
    Mutant("checks-cross-entropy-target-off-by-one", "CrossEntropy accepts target == classes",
           [("pure/checks.py", "        if not 0 <= y < classes:\n", "        if not 0 <= y <= classes:\n")],
           ["tests/test_losses.py"], "pure"),
    Mutant("checks-kernel-against-half-the-padding", "the kernel is compared with the image plus one padding, not two",
           [("pure/checks.py", "if kh > h + 2 * ph or kw > w + 2 * pw:", "if kh > h + ph or kw > w + pw:")],
           ["tests/test_conv.py", "tests/test_library_rules_by_hand.py"]),
    Mutant("checks-one-hot-label-equal-to-n-accepted", "one_hot accepts label == n_classes",
           [("pure/checks.py", "        if not (0 <= label < n_classes):\n",
             "        if not (0 <= label <= n_classes):\n")],
           ["tests/test_metrics.py", "tests/test_losses.py", "tests/test_library_rules_by_hand.py"], "pure"),
    Mutant("vectorized-checks-cross-entropy-target-off-by-one", "CrossEntropy accepts target == classes",
           [("vectorized/checks.py", "bad = np.flatnonzero((arr < 0) | (arr >= classes))",
             "bad = np.flatnonzero((arr < 0) | (arr > classes))")],
           ["tests/test_losses.py"], "vectorized"),
    Mutant("vectorized-checks-one-hot-label-equal-to-n-accepted", "one_hot accepts label == n_classes",
           [("vectorized/checks.py", "bad = np.flatnonzero((labels < 0) | (labels >= n_classes))",
             "bad = np.flatnonzero((labels < 0) | (labels > n_classes))")],
           ["tests/test_metrics.py", "tests/test_losses.py", "tests/test_library_rules_by_hand.py"], "vectorized"),
    Mutant("vectorized-checks-bce-targets-unchecked", "BinaryCrossEntropy takes targets outside [0, 1]",
           [("vectorized/checks.py", "    if np.any(~((target >= 0.0) & (target <= 1.0))):\n",
             "    if False:\n")],
           ["tests/test_losses.py", "tests/test_library_rules_by_hand.py"], "vectorized"),
    Mutant("diagnostics-input-batch-unchecked", "the NaN search never blames the input batch",
           [("pure/diagnostics.py", "        if not self.all_finite(step.x_batch):\n", "        if False:\n")],
           ["tests/test_divergence.py"]),
    Mutant("diagnostics-replay-without-clipping", "the replayed step leaves out the gradient clipping fit applied",
           [("pure/diagnostics.py", "        if self.clip_value is not None:\n            self.clip_grads_by_value",
             "        if False:\n            self.clip_grads_by_value")],
           ["tests/test_divergence.py", "tests/test_library_rules_by_hand.py"]),
    Mutant("diagnostics-search-from-the-first-layer", "the search names the first layer with a bad gradient, "
           "not the last (backward runs from the last)",
           [("pure/diagnostics.py", "        for i in range(len(layers) - 1, -1, -1):     # backward runs",
             "        for i in range(len(layers)):     # backward runs")],
           ["tests/test_divergence.py"]),
    Mutant("vectorized-diagnostics-clip-value-by-norm", "the vectorized Watch clips by norm where fit clipped by value",
           [("vectorized/diagnostics.py", "clip_grads_by_value = staticmethod(clip_grads_by_value)",
             "clip_grads_by_value = staticmethod(clip_grads_by_norm)")],
           ["tests/test_divergence.py", "tests/test_library_rules_by_hand.py"], "vectorized"),
    Mutant("vectorized-diagnostics-lists-all-finite", "the vectorized Watch keeps the pure twin's all_finite",
           [("vectorized/diagnostics.py", "    all_finite = staticmethod(all_finite)\n", "")],
           ["tests/test_divergence.py"], "vectorized"),
    Mutant("vectorized-diagnostics-first-bad-weights-pure", "first_bad_weights checks arrays with pure's all_finite",
           [("vectorized/diagnostics.py", "return _shared.first_bad_weights(model, all_finite)",
             "return _shared.first_bad_weights(model)")],
           ["tests/test_divergence.py"], "vectorized"),
    Mutant("base-eval-keeps-training", "Layer.eval() leaves training on",
           [("pure/base.py", "    def eval(self):\n        self.training = False",
             "    def eval(self):\n        self.training = True")],
           ["tests/test_layers.py", "tests/test_training.py"], "pure"),
    Mutant("base-output-shape-unknown", "Layer.output_shape says 'unknown' (None) instead of passing the shape on",
           [("pure/base.py", "        return input_shape\n", "        return None\n")],
           ["tests/test_architecture.py", "tests/test_layers.py", "tests/test_conv.py"], "pure"),
    Mutant("base-layers-start-in-eval-mode", "a new layer starts in evaluation mode (Dropout off while training)",
           [("pure/base.py", "    training = True\n", "    training = False\n")],
           ["tests/test_layers.py", "tests/test_training.py"], "pure"),
    Mutant("vectorized-base-eval-keeps-training", "the numpy twin's Layer.eval() leaves training on",
           [("vectorized/base.py", "    def eval(self):\n        self.training = False",
             "    def eval(self):\n        self.training = True")],
           ["tests/test_layers.py", "tests/test_training.py"], "vectorized"),
    Mutant("vectorized-base-output-shape-unknown", "the numpy twin's Layer.output_shape gives None, not the shape",
           [("vectorized/base.py", "        return input_shape\n", "        return None\n")],
           ["tests/test_layers.py", "tests/test_conv.py"], "vectorized"),
    Mutant("vectorized-base-layers-start-in-eval-mode", "a new layer of the numpy twin starts in evaluation mode",
           [("vectorized/base.py", "    training = True\n", "    training = False\n")],
           ["tests/test_layers.py", "tests/test_training.py"], "vectorized"),
    Mutant("data-error-not-a-value-error", "DataError is not a ValueError (code catching ValueError misses it)",
           [("data/errors.py", "class DataError(ValueError):", "class DataError(Exception):")],
           ["data/tests/test_idx.py", "data/tests/test_csvfile.py", "data/tests/test_mnist.py"]),
    Mutant("arrays-inputs-not-scaled", "the numpy command feeds raw 0-255 pixels, not the images' scale",
           [("app/arrays.py", "    x = np.asarray(SCALES[images.scale], dtype=np.float64)[pixels]\n",
             "    x = pixels.astype(np.float64)\n")],
           ["app/tests/test_cli.py", "app/tests/test_cli_usemodel.py"], "vectorized"),
    Mutant("arrays-cnn-images-transposed", "the numpy command gives a CNN its images with rows and columns swapped",
           [("app/arrays.py", "reshape(len(images), 1, images.rows, images.cols)",
             "reshape(len(images), 1, images.cols, images.rows).transpose(0, 1, 3, 2)")],
           ["tests/test_conv.py", "app/tests/test_cli.py"], "vectorized"),
    Mutant("arrays-defaults-of-pure", "python -m vectorized trains with the pure twin's defaults",
           [("app/arrays.py", "defaults=VECTORIZED_DEFAULTS", "defaults=DEFAULTS")],
           ["app/tests/test_cli.py", "app/tests/test_entry_points.py", "app/tests/test_cli_robustness.py"],
           "vectorized"),
    Mutant("io-save-skips-the-argument-checks", "save does not check its model and path first",
           [("pure/io.py", "    check_save_arguments(model, path, Sequential)\n", "")],
           ["tests/test_io.py", "tests/test_save_safety.py"], "pure"),
    Mutant("io-load-forgets-the-training-record", "load leaves out the loss and trained_on the file records",
           [("pure/io.py", "    return attach_training_record(model, description, \"pure\", path)",
             "    return model")],
           ["tests/test_io.py", "tests/test_library_rules_by_hand.py"], "pure"),
    Mutant("io-load-checkpoint-ignores-max-params", "load_checkpoint holds the file to the default budget",
           [("pure/io.py", "checkpoint.load_model(path, \"pure\", max_params,",
             "checkpoint.load_model(path, \"pure\", MAX_PARAMS,")],
           ["tests/test_checkpoint.py", "tests/test_rules_by_hand.py"], "pure"),
    Mutant("vectorized-io-save-skips-the-argument-checks", "save does not check its model and path first",
           [("vectorized/io.py", "    check_save_arguments(model, path, Sequential)\n", "")],
           ["tests/test_io.py", "tests/test_save_safety.py"], "vectorized"),
    Mutant("vectorized-io-load-forgets-the-training-record", "load leaves out the loss and trained_on of the file",
           [("vectorized/io.py", "    return attach_training_record(model, description, \"vectorized\", path)",
             "    return model")],
           ["tests/test_io.py", "tests/test_library_rules_by_hand.py"], "vectorized"),
    Mutant("vectorized-io-load-checkpoint-ignores-max-params", "load_checkpoint holds the file to the default budget",
           [("vectorized/io.py", "return checkpoint.load_model(path, max_params, sequential=Sequential)",
             "return checkpoint.load_model(path, MAX_PARAMS, sequential=Sequential)")],
           ["tests/test_checkpoint.py", "tests/test_rules_by_hand.py"], "vectorized"),
    Mutant("progress-duration-truncated", "format_duration truncates the seconds instead of rounding",
           [("pure/progress.py", "seconds = max(0, int(seconds + 0.5))", "seconds = max(0, int(seconds))")],
           ["tests/test_training.py", "tests/test_library_rules_by_hand.py"], "pure"),
    Mutant("progress-minutes-past-the-hour", "format_duration's minutes are not taken modulo the hour",
           [("pure/progress.py", "{seconds % 3600 // 60:02d}", "{seconds // 60:02d}")],
           ["tests/test_training.py", "tests/test_library_rules_by_hand.py"], "pure"),
    Mutant("progress-verbose-prints-nothing", "verbose=True without a terminal prints no summary line",
           [("pure/progress.py", "        if not (self.live or self.verbose):\n", "        if not self.live:\n")],
           ["tests/test_training.py", "tests/test_library_rules_by_hand.py"], "pure"),
    Mutant("progress-last-batch-not-drawn", "the live line skips the last batch when it comes within min_interval",
           [("pure/progress.py", "and batch < self.batches:", "and batch <= self.batches:")],
           ["tests/test_training.py", "tests/test_library_rules_by_hand.py"], "pure"),
    Mutant("gradcheck-difference-over-eps", "the central difference is divided by eps, not 2 eps",
           [("pure/gradcheck.py", "return (plus - minus) / (2 * eps)", "return (plus - minus) / eps")],
           ["tests/test_gradcheck.py"], "pure"),
    Mutant("gradcheck-nan-error-is-ok", "a NaN error is not made infinite: a NaN gradient passes the check",
           [("pure/gradcheck.py", "        if not math.isfinite(err):          # a NaN or infinity is never \"ok\"\n"
             "            err = rel = math.inf\n", "")],
           ["tests/test_gradcheck.py", "tests/test_library_rules_by_hand.py"]),
    Mutant("gradcheck-eps-zero-accepted", "gradcheck accepts eps = 0",
           [("pure/gradcheck.py", "not (0 < eps < float(\"inf\")):", "not (0 <= eps < float(\"inf\")):")],
           ["tests/test_gradcheck.py", "tests/test_library_rules_by_hand.py"], "pure"),
    Mutant("vectorized-gradcheck-difference-over-eps", "the central difference is divided by eps, not 2 eps",
           [("vectorized/gradcheck.py", "return (plus - minus) / (2 * eps)", "return (plus - minus) / eps")],
           ["tests/test_gradcheck.py"], "vectorized"),
    Mutant("vectorized-gradcheck-eps-zero-accepted", "gradcheck accepts eps = 0",
           [("vectorized/gradcheck.py", "not (0 < eps < float(\"inf\")):", "not (0 <= eps < float(\"inf\")):")],
           ["tests/test_gradcheck.py", "tests/test_library_rules_by_hand.py"], "vectorized"),
    Mutant("vectorized-gradcheck-inf-input-accepted", "gradcheck accepts an input holding infinity",
           [("vectorized/gradcheck.py", "return bool(np.all(np.isfinite(np.asarray(x, dtype=np.float64))))",
             "return not bool(np.any(np.isnan(np.asarray(x, dtype=np.float64))))")],
           ["tests/test_gradcheck.py", "tests/test_library_rules_by_hand.py"], "vectorized"),
    Mutant("modelfile-version-zero-accepted", "a file of format version 0 loads",
           [("pure/modelfile.py", "isinstance(found, bool) or found < 1:", "isinstance(found, bool) or found < 0:")],
           ["tests/test_model_format.py", "tests/test_forged_files.py", "tests/test_io.py"]),
    Mutant("modelfile-extra-parameter-accepted", "a layer's parameters may include names its type does not have",
           [("pure/modelfile.py", "    if set(params) != set(expected):\n",
             "    if not set(params) >= set(expected):\n")],
           ["tests/test_model_format.py", "tests/test_forged_files.py", "tests/test_library_rules_by_hand.py"]),
    Mutant("modelfile-budget-boundary", "a model of exactly max_params parameters is refused",
           [("pure/modelfile.py", "            if total > max_params:\n", "            if total >= max_params:\n")],
           ["tests/test_model_format.py", "tests/test_io.py", "tests/test_rules_by_hand.py"]),
    Mutant("vectorized-modelfile-saves-float32", "to_list writes the weights rounded to float32",
           [("vectorized/modelfile.py", "return np.asarray(a, dtype=np.float64).tolist()",
             "return np.asarray(a, dtype=np.float32).tolist()")],
           ["tests/test_io.py", "tests/test_model_format.py"], "vectorized"),
    Mutant("vectorized-modelfile-from-list-keeps-ints", "from_list keeps whole numbers as integers",
           [("vectorized/modelfile.py", "    return np.asarray(t, dtype=np.float64)\n", "    return np.asarray(t)\n")],
           ["tests/test_io.py", "tests/test_model_format.py", "tests/test_library_rules_by_hand.py"], "vectorized"),
    Mutant("vectorized-checkpoint-weights-resume-as-float64", "a float32 run's weights resume as float64",
           [("vectorized/checkpoint.py", "        params[name] = params[name].astype(dtype, copy=False)\n", "")],
           ["tests/test_checkpoint.py"], "vectorized"),
    Mutant("vectorized-checkpoint-optimizer-state-float64", "a float32 run's optimizer state resumes as float64",
           [("vectorized/checkpoint.py", "        dtype = dtypes.get(key, np.float64)\n",
             "        dtype = np.float64\n")],
           ["tests/test_checkpoint.py"], "vectorized"),
    Mutant("vectorized-checkpoint-model-built-by-pure",
           "io.load_checkpoint in the numpy twin builds the pure twin's layers",
           [("vectorized/checkpoint.py", '_shared.load_model(path, "vectorized", max_params',
             '_shared.load_model(path, "pure", max_params')],
           ["tests/test_checkpoint.py", "tests/test_io.py", "tests/test_rules_by_hand.py"], "vectorized"),
    Mutant("network-set-weights-skips-shapes", "set_weights takes weights of the wrong shape",
           [("pure/network.py", "if name not in layer.params or shape(value) != shape(layer.params[name]):",
             "if name not in layer.params:")],
           ["tests/test_training.py", "tests/test_library_rules_by_hand.py"], "pure"),
    Mutant("network-predict-drops-the-last-example", "predict leaves out the last example",
           [("pure/network.py", "range(start, min(start + batch_size, len(x)))",
             "range(start, min(start + batch_size, len(x) - 1))")],
           ["tests/test_training.py"], "pure"),
    Mutant("network-backward-never-input-grad", "backward never asks the first layer for its input gradient",
           [("pure/network.py", "need_input_grad or i > 0)", "need_input_grad and i > 0)")],
           ["tests/test_gradcheck.py", "tests/test_training.py"], "pure"),
    Mutant("vectorized-network-set-weights-float64", "set_weights turns a float32 model's weights into float64",
           [("vectorized/network.py", "np.array(value, dtype=layer.params[name].dtype)", "np.array(value)")],
           ["tests/test_training.py", "tests/test_layers.py", "tests/test_io.py",
            "tests/test_library_rules_by_hand.py"],
           "vectorized"),
    Mutant("vectorized-network-predict-drops-the-last-example", "predict leaves out the last example",
           [("vectorized/network.py", "np.arange(start, min(start + batch_size, len(x)))",
             "np.arange(start, min(start + batch_size, len(x) - 1))")],
           ["tests/test_training.py"], "vectorized"),
    Mutant("vectorized-network-count-rows", "count_params counts rows (len), not entries",
           [("vectorized/network.py", "int(np.size(p))", "len(p)")],
           ["tests/test_training.py", "tests/test_layers.py", "tests/test_io.py",
            "tests/test_library_rules_by_hand.py"],
           "vectorized"),
    Mutant("vectorized-training-bce-soft-targets-get-accuracy", "accuracy is reported for soft BCE targets",
           [("vectorized/training.py", "return not len(y) or _class_like(y[0])", "return True")],
           ["tests/test_training.py", "tests/test_library_rules_by_hand.py"], "vectorized"),
    Mutant("vectorized-training-mse-one-column-accuracy", "MSE on one 0/1 column gets an accuracy",
           [("vectorized/training.py", "np.shape(y)[1] > 1 and", "np.shape(y)[1] >= 1 and")],
           ["tests/test_training.py", "tests/test_library_rules_by_hand.py"], "vectorized"),
    Mutant("pure-fast-finite-rows-inf-sum-passes", "finite_rows trusts a matrix whose sum is infinite (isnan only)",
           [("pure/fast.py", "    if math.isfinite(sum(map(sum, b))):\n",
             "    if not math.isnan(sum(map(sum, b))):\n")],
           ["tests/test_fast.py"], "pure"),
    Mutant("pure-fast-finite-rows-by-max", "finite_rows judges a row by its max (misses -inf)",
           [("pure/fast.py", "return [math.isfinite(sum(row)) for row in b]",
             "return [math.isfinite(max(row)) for row in b]")],
           ["tests/test_fast.py", "tests/test_library_rules_by_hand.py"], "pure"),
    Mutant("pure-fast-finite-rows-per-column", "finite_rows answers one per column of b",
           [("pure/fast.py", "        return [True] * len(b)\n", "        return [True] * len(b[0])\n")],
           ["tests/test_fast.py"], "pure"),
    Mutant("pure-fast-mostly-nonzero-at-a-quarter", "mostly_nonzero says True for exactly a quarter of zeros",
           [("pure/fast.py", "4 * sum(row.count(0.0) for row in a) < size",
             "4 * sum(row.count(0.0) for row in a) <= size")],
           ["tests/test_fast.py"], "pure"),
    Mutant("pure-fast-mostly-nonzero-counts-rows", "mostly_nonzero's size counts rows, not numbers",
           [("pure/fast.py", "    size = sum(map(len, a))\n", "    size = len(a)\n")],
           ["tests/test_fast.py"], "pure"),
    Mutant("pure-fast-mostly-nonzero-half", "mostly_nonzero's threshold is half the numbers, not a quarter",
           [("pure/fast.py", "4 * sum(row.count(0.0) for row in a) < size",
             "2 * sum(row.count(0.0) for row in a) < size")],
           ["tests/test_fast.py"], "pure"),
    Mutant("pure-fast-matmul-width-from-rows", "pure.fast's matmul makes rows as long as b has rows (k, not m)",
           [("pure/fast.py", "    m = len(b[0]) if b else 0\n    finite = finite_rows(b)",
             "    m = len(b) if b else 0\n    finite = finite_rows(b)")],
           ["tests/test_fast.py"], "pure"),
    Mutant("pure-fast-matmul-drops-last-term", "pure.fast's matmul leaves out the last term of each sum",
           [("pure/fast.py", "        for k, a_ik in enumerate(a_row):\n",
             "        for k, a_ik in enumerate(a_row[:-1]):\n")],
           ["tests/test_fast.py"], "pure"),
    Mutant("pure-fast-matmul-by-columns-no-transpose", "matmul_by_columns dots with the rows of b, not its columns",
           [("pure/fast.py", "    columns = list(zip(*b))\n", "    columns = b\n")],
           ["tests/test_fast.py"], "pure"),
    Mutant("pure-fast-matmul-by-columns-no-start", "matmul_by_columns sums without the 0.0 start (-0.0 survives)",
           [("pure/fast.py", "reduce(add, map(mul, a_row, column), 0.0)", "reduce(add, map(mul, a_row, column))")],
           ["tests/test_fast.py"], "pure"),
    Mutant("pure-fast-matmul-by-columns-transposed", "matmul_by_columns gives the transposed product",
           [("pure/fast.py", "for column in columns] for a_row in a]", "for a_row in a] for column in columns]")],
           ["tests/test_fast.py"], "pure"),
    Mutant("pure-fast-add-scaled-keeps-minus-zero", "add_scaled onto zeros leaves out the 0.0 + (-0.0 survives)",
           [("pure/fast.py", "        return [0.0 + a * v for v in b_row]\n",
             "        return [a * v for v in b_row]\n")],
           ["tests/test_fast.py"], "pure"),
    Mutant("pure-fast-add-scaled-swapped", "add_scaled computes b_row + a * c_row",
           [("pure/fast.py", "return [c + a * v for c, v in zip(c_row, b_row)]",
             "return [c + a * v for c, v in zip(b_row, c_row)]")],
           ["tests/test_fast.py"], "pure"),
    Mutant("pure-fast-add-scaled-unscaled", "add_scaled onto zeros forgets the factor a",
           [("pure/fast.py", "        return [0.0 + a * v for v in b_row]\n",
             "        return [0.0 + v for v in b_row]\n")],
           ["tests/test_fast.py"], "pure"),
    Mutant("pure-fast-matmul-tn-one-example-hides-inf", "matmul_tn's one-example pass skips zeros of a "
           "without checking b's row is finite",
           [("pure/fast.py", "    if len(a) == 1 and finite_rows(b)[0]:", "    if len(a) == 1:")],
           ["tests/test_fast.py"], "pure"),
    Mutant("pure-fast-matmul-nt-transposed", "matmul_nt gives (a bᵀ)ᵀ",
           [("pure/fast.py", "for b_row in b] for a_row in a]", "for a_row in a] for b_row in b]")],
           ["tests/test_fast.py"], "pure"),
    Mutant("pure-fast-matmul-nt-starts-at-minus-zero", "matmul_nt's sums start at -0.0 (a sum of -0.0 stays -0.0)",
           [("pure/fast.py", "sum(map(mul, a_row, b_row), 0.0)", "sum(map(mul, a_row, b_row), -0.0)")],
           ["tests/test_fast.py"], "pure"),
    Mutant("pure-fast-matmul-nt-drops-first-term", "matmul_nt leaves out each dot product's first term",
           [("pure/fast.py", "sum(map(mul, a_row, b_row), 0.0)", "sum(map(mul, a_row[1:], b_row[1:]), 0.0)")],
           ["tests/test_fast.py"], "pure"),
    Mutant("pure-fast-im2col-last-off-by-one", "im2col's slices stop one position early",
           [("pure/fast.py", "    (kh, kw), (sh, sw) = kernel, stride\n    last = sw * (out_w - 1) + 1\n",
             "    (kh, kw), (sh, sw) = kernel, stride\n    last = sw * (out_w - 1)\n")],
           ["tests/test_fast.py", "tests/test_conv.py"], "pure"),
    Mutant("pure-fast-im2col-column-stride-for-rows", "im2col moves down rows by the column stride",
           [("pure/fast.py", "for v in image[c][i * sh + p][q:q + last:sw]]",
             "for v in image[c][i * sw + p][q:q + last:sw]]")],
           ["tests/test_fast.py", "tests/test_conv.py"], "pure"),
    Mutant("pure-fast-im2col-kernel-axes-swapped", "im2col orders its rows (c, q, p) for a rectangular kernel",
           [("pure/fast.py", "product(range(len(x_pad[0])), range(kh), range(kw))]",
             "product(range(len(x_pad[0])), range(kw), range(kh))]")],
           ["tests/test_fast.py", "tests/test_conv.py"], "pure"),
    Mutant("pure-fast-conv-forward-column-stride-for-rows", "conv_forward moves down rows by the column stride",
           [("pure/fast.py", "under = [plane[i * sh + p][q:q + last:sw]", "under = [plane[i * sw + p][q:q + last:sw]")],
           ["tests/test_fast.py", "tests/test_conv.py"], "pure"),
    Mutant("pure-fast-conv-forward-rows-cut-by-height", "conv_forward cuts its output rows out_h long",
           [("pure/fast.py", "planes.append([sums[i * out_w:(i + 1) * out_w] for i in range(out_h)])",
             "planes.append([sums[i * out_h:(i + 1) * out_h] for i in range(out_h)])")],
           ["tests/test_fast.py", "tests/test_conv.py"], "pure"),
    Mutant("pure-fast-conv-forward-one-repeat-not-expanded", "conv_forward forgets to spread the sums when one "
           "patch repeats",
           [("pure/fast.py", "            if len(distinct) < len(patches):\n",
             "            if len(distinct) < len(patches) - 1:\n")],
           ["tests/test_fast.py", "tests/test_conv.py"], "pure"),
    Mutant("pure-fast-distinct-patches-sorted", "distinct_patches returns the patches sorted, not in order of "
           "first appearance",
           [("pure/fast.py", "    return list(first), where\n", "    return sorted(first), where\n")],
           ["tests/test_fast.py", "tests/test_conv.py"], "pure"),
    Mutant("pure-fast-distinct-patches-index-off-by-one", "distinct_patches numbers the distinct patches from -1",
           [("pure/fast.py", "first.setdefault(patch, len(first))", "first.setdefault(patch, len(first) - 1)")],
           ["tests/test_fast.py", "tests/test_conv.py"], "pure"),
    Mutant("pure-fast-distinct-patches-skips-the-first", "distinct_patches leaves out the first patch",
           [("pure/fast.py", "for patch in patches]\n    return list(first)",
             "for patch in patches[1:]]\n    return list(first)")],
           ["tests/test_fast.py", "tests/test_conv.py"], "pure"),
    Mutant("pure-fast-conv-by-rows-one-patch-short", "conv_forward_by_rows cuts one patch too few per row at stride 1",
           [("pure/fast.py", "for left in range(0, out_w * sw, sw)]", "for left in range(0, out_w * sw - 1, sw)]")],
           ["tests/test_fast.py"], "pure"),
    Mutant("pure-fast-conv-by-rows-patch-width-kh", "conv_forward_by_rows cuts patches kh wide",
           [("pure/fast.py", "for v in row[left:left + kw]]", "for v in row[left:left + kh]]")],
           ["tests/test_fast.py"], "pure"),
    Mutant("pure-fast-conv-by-rows-no-bias", "conv_forward_by_rows leaves out the bias",
           [("pure/fast.py", "plane.append(sums if b is None else [b[o] + s for s in sums])", "plane.append(sums)")],
           ["tests/test_fast.py"], "pure"),
    Mutant("pure-fast-conv-backward-drops-negative-gradients", "conv_backward keeps only the positive gradients "
           "(v > 0.0 where v != 0.0)",
           [("pure/fast.py", "if v != 0.0]", "if v > 0.0]")],
           ["tests/test_fast.py", "tests/test_conv.py"], "pure"),
    Mutant("pure-fast-conv-backward-zero-times-inf", "conv_backward leaves out g = 0 terms even beside an infinity",
           [("pure/fast.py",
             "    finite = math.isfinite(sum(sum(map(sum, plane)) for image in x_pad for plane in image))\n",
             "    finite = True\n")],
           ["tests/test_fast.py", "tests/test_conv.py"], "pure"),
    Mutant("pure-fast-conv-backward-q-forward", "conv_backward adds to dx̃ with q from first to last (another order)",
           [("pure/fast.py", "        for q in reversed(range(kw)):\n", "        for q in range(kw):\n")],
           ["tests/test_fast.py"], "pure"),
    Mutant("pure-fast-pool-forward-hides-nan", "pool_forward takes max() on a plane holding NaN",
           [("pure/fast.py", "            if is_max and total == total:", "            if is_max:")],
           ["tests/test_fast.py", "tests/test_conv.py"], "pure"),
    Mutant("pure-fast-pool-forward-column-stride-for-rows", "pool_forward moves down rows by the column stride",
           [("pure/fast.py", "rows = [[v for i in range(out_h) for v in plane[i * sh + p][q:q + last:sw]]",
             "rows = [[v for i in range(out_h) for v in plane[i * sw + p][q:q + last:sw]]")],
           ["tests/test_fast.py", "tests/test_conv.py"], "pure"),
    Mutant("pure-fast-pool-forward-rows-cut-by-height", "pool_forward cuts its output rows out_h long",
           [("pure/fast.py", "y[-1].append([list(pooled[i * out_w:(i + 1) * out_w]) for i in range(out_h)])",
             "y[-1].append([list(pooled[i * out_h:(i + 1) * out_h]) for i in range(out_h)])")],
           ["tests/test_fast.py", "tests/test_conv.py"], "pure"),
    # pictures/ and the lessons (issue 21)
    Mutant("pictures-log-ticks-stop-short", "a log axis over many decades ends on a tick below the largest value",
           [("pictures/svg.py", "        last = min(b + (-b) % stride, 308)",
             "        last = min(b - b % stride, 308)"),
            ("pictures/svg.py", "        return ticks if ticks[-1] >= hi * (1 - 1e-9) else ticks + [10.0 ** 308]",
             "        return ticks")],
           ["pictures/tests/test_pictures.py"], "vectorized"),
    Mutant("pictures-legend-never-below", "line_chart keeps a long legend on the right, cut with an ellipsis",
           [("pictures/svg.py", "    below = bool(legend) and 30 + widest > max_legend",
             "    below = False")],
           ["pictures/tests/test_pictures.py"], "vectorized"),
    Mutant("pictures-dots-drawn-as-lines", "line_chart draws a 'dots' series as a line",
           [("pictures/svg.py", "            if len(coords) == 1 or label in dots:",
             "            if len(coords) == 1:")],
           ["pictures/tests/test_pictures.py"], "vectorized"),
    Mutant("lesson-b4-naive-softmax-stable", "b4's naive softmax subtracts the maximum (never overflows)",
           [("lessons/b4_overflow.py",
             "    exps = [math.exp(v) if v < 709.78 else (math.inf if v == v else math.nan) for v in z]",
             "    exps = [math.exp(v - max(z)) if v == v else math.nan for v in z]")],
           ["tests/test_lessons.py::test_quick_lesson_checks_hold"], "vectorized"),
    Mutant("pure-fast-pool-backward-corners-by-height", "pool_backward places window rows height apart, not width",
           [("pure/fast.py", "corners = [i * sh * width + j * sw", "corners = [i * sh * height + j * sw")],
           ["tests/test_fast.py", "tests/test_conv.py"], "pure"),
    Mutant("pure-fast-pool-backward-offsets-by-kw", "pool_backward steps window rows by kw, not the image width",
           [("pure/fast.py", "offsets = [p * width + q for p, q", "offsets = [p * kw + q for p, q")],
           ["tests/test_fast.py", "tests/test_conv.py"], "pure"),
    Mutant("pure-fast-pool-backward-overwrites", "pool_backward overwrites where overlapping windows add",
           [("pure/fast.py", "                d_flat[at] += g\n", "                d_flat[at] = g\n")],
           ["tests/test_fast.py", "tests/test_conv.py"], "pure"),
    Mutant("pure-fast-pool-backward-any-pool", "pool_backward takes the max-pool path for every pooling",
           [("pure/fast.py", "    if getattr(unpool_one, \"__func__\", None) is not conv.MaxPool2D._unpool:\n",
             "    if False:\n")],
           ["tests/test_fast.py", "tests/test_conv.py"], "pure"),
    # the derivations the lessons print (lessons/*by_hand.py, handstep.py, c1, autograd), against the numbers
    # tests/test_lesson_derivations.py works out again
    Mutant("lesson-bptt-hand-whh-not-transposed", "BPTT by hand sends dL/da_t · Whh back (the series' mistake)",
           [("lessons/bptt_by_hand.py", "dh = [sum(das[t][j] * Whh[i][j] for j in range(H)) for i in range(H)]",
             "dh = [sum(das[t][j] * Whh[j][i] for j in range(H)) for i in range(H)]")],
           ["tests/test_lesson_derivations.py"], "pure"),
    Mutant("lesson-conv-hand-pool-overwrites", "max-pool by hand overwrites where windows share their largest",
           [("lessons/conv_by_hand.py", "dy[a][b] += dm[i][j]", "dy[a][b] = dm[i][j]")],
           ["tests/test_lesson_derivations.py"], "pure"),
    Mutant("lesson-hand-step-climbs", "the hand-worked SGD step adds lr * dL/dW",
           [("lessons/handstep.py", "[[w - lr * g for w, g in zip(row, grads)]",
             "[[w + lr * g for w, g in zip(row, grads)]")],
           ["tests/test_lesson_derivations.py"], "pure"),
    Mutant("lesson-c1-dl-dp-sign", "c1's dL/dp by hand subtracts (1 - t)/(1 - p)",
           [("lessons/c1_logistic.py", "dL_dp = -t / p + (1.0 - t) / (1.0 - p)",
             "dL_dp = -t / p - (1.0 - t) / (1.0 - p)")],
           ["tests/test_lesson_derivations.py"], "pure"),
    Mutant("lesson-autograd-mul-overwrites", "Value.__mul__ sets the first factor's grad instead of adding",
           [("lessons/autograd.py", "            self.grad += other.data * out.grad",
             "            self.grad = other.data * out.grad")],
           ["tests/test_lesson_derivations.py"], "pure"),
    # ---- issue 24: sizes and budgets
    Mutant("layer-budget-never-reached", "check_param_budget lets a layer a billion times the budget through",
           [("pure/checks.py", "    if total > MAX_LAYER_PARAMS:\n", "    if total > MAX_LAYER_PARAMS * 10**9:\n")],
           ["tests/test_forged_files.py"]),
    Mutant("dense-replaced-weights-unchecked", "Dense.forward does not look at the shape of its W and b",
           [("pure/checks.py",
             "    if params is not None:\n        check_dense_params(label, params, features, n_out)\n", "")],
           ["conformance/test_bad_inputs.py"]),
    Mutant("fit-epochs-zero-accepted", "fit(epochs=0) returns an empty history again",
           [("pure/checks.py", "not isinstance(epochs, int) or epochs < 1:",
             "not isinstance(epochs, int) or epochs < 0:")],
           ["conformance/test_bad_inputs.py"]),
    Mutant("confusion-label-equal-to-n-classes", "confusion_matrix lets a label equal to n_classes through",
           [("pure/metrics.py", "        if not 0 <= label < n_classes:", "        if not 0 <= label <= n_classes:")],
           ["conformance/test_bad_inputs.py"]),
    Mutant("png-pixel-limit-16-times-larger", "png_header allows 16 times MAX_PIXELS",
           [("data/imagefiles.py",
             "or width * height > MAX_PIXELS:\n        raise DataError(f\"{name}: PNG",
             "or width * height > 16 * MAX_PIXELS:\n        raise DataError(f\"{name}: PNG")],
           ["data/tests/test_hostile_files.py"]),
    Mutant("evaluate-model-misfit-unchecked", "evaluate measures a model of 3 outputs against 10 classes",
           [("app/usemodel.py", "    if width != classes:", "    if width is None:")],
           ["app/tests/test_bounds.py"]),
]


def _ignore(folder, names):
    skip = {".git", ".tox", "__pycache__", ".pytest_cache", ".hypothesis", "node_modules", "runs", ".venv", "venv",
            "build", "dist"}
    return [n for n in names if n in skip or n.endswith((".pyc", ".ckpt.json"))]


def check_applies(mutant, root):
    """Problems that keep the mutant from applying to the tree at root (empty: it applies)."""
    problems = []
    for path, old, _ in mutant.edits:
        full = os.path.join(root, path)
        if not os.path.exists(full):
            problems.append(f"{path} does not exist")
            continue
        with open(full, encoding="utf-8") as f:
            found = f.read().count(old)
        if found != 1:
            problems.append(f"{path}: the text to replace occurs {found} times, not once: {old[:70]!r}")
    # two edits of one file must not overlap: check them in sequence
    if not problems:
        texts = {}
        for path, old, new in mutant.edits:
            text = texts.get(path)
            if text is None:
                with open(os.path.join(root, path), encoding="utf-8") as f:
                    text = f.read()
            if text.count(old) != 1:
                problems.append(f"{path}: after the previous edit the text occurs {text.count(old)} times")
                break
            texts[path] = text.replace(old, new)
    return problems


def apply(mutant, root):
    """Apply the edits at root; returns {path: original text} to put back."""
    originals = {}
    for path, old, new in mutant.edits:
        full = os.path.join(root, path)
        with open(full, encoding="utf-8") as f:
            text = f.read()
        originals.setdefault(path, text)
        with open(full, "w", encoding="utf-8") as f:
            f.write(text.replace(old, new, 1))
    return originals


def restore(originals, root):
    for path, text in originals.items():
        with open(os.path.join(root, path), "w", encoding="utf-8") as f:
            f.write(text)


def run_tests(root, targets, twins, timeout, stop_first=True):
    """Run pytest on targets in root; returns (outcome, seconds, first failing test or note),
    or with stop_first=False (the baseline) (outcome, seconds, every FAILED/ERROR line)."""
    env = dict(os.environ, TWINS=twins, PYTHONDONTWRITEBYTECODE="1")
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly"]
    command += (["-x"] if stop_first else []) + list(targets)
    start = time.monotonic()
    try:
        result = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return "timeout", time.monotonic() - start, f"no result after {timeout} s"
    seconds = time.monotonic() - start
    lines = (result.stdout + result.stderr).splitlines()
    failures = [line for line in lines if line.startswith(("FAILED ", "ERROR "))]
    if not stop_first:                 # the baseline: every failing test
        return ("passed" if result.returncode == 0 else "failed"), seconds, failures
    failed = failures[0] if failures else ""
    if result.returncode == 0:
        return "passed", seconds, ""
    if result.returncode == 1:
        return "failed", seconds, failed[:160]
    return f"error (pytest exit {result.returncode})", seconds, (failed or (lines[-1] if lines else ""))[:160]


def missing_dependencies(mutants, root=ROOT) -> List[str]:
    """The modules the chosen mutants' tests import that this Python cannot: pytest always, and every
    top-level import of their test files (and conftest.py) that is neither the standard library nor
    the project's own, read with ast (an import inside pytest.importorskip() is not one)."""
    project = {name for name in os.listdir(root) if os.path.isdir(os.path.join(root, name))} | {"conftest"}
    stdlib = set(getattr(sys, "stdlib_module_names", ()))
    wanted = {"pytest"}
    files = {t.split("::")[0] for m in mutants for t in m.tests}
    files |= {os.path.join(os.path.dirname(f), "conftest.py") for f in files}
    for path in sorted(files):
        full = os.path.join(root, path)
        if not os.path.isfile(full):
            continue
        for folder in (os.path.dirname(full), os.path.dirname(os.path.dirname(full))):   # siblings, and the
            project |= {name[:-3] for name in os.listdir(folder) if name.endswith(".py")}   # package's (web/course.py)
        with open(full, encoding="utf-8") as f:
            tree = ast.parse(f.read(), full)
        for node in tree.body:                      # the module's own imports, not those inside functions
            if isinstance(node, ast.Import):
                wanted |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                wanted.add(node.module.split(".")[0])
    if any("vectorized" in m.twins.split(",") for m in mutants):
        wanted.add("numpy")                         # the vectorized twin's spec tests
    wanted -= project
    if stdlib:
        wanted -= stdlib
    return sorted(name for name in wanted if importlib.util.find_spec(name) is None)


def changed_files(since: str, root=ROOT) -> List[str]:
    """The files that differ between commit `since` and the working tree (committed or not), from git."""
    result = subprocess.run(["git", "diff", "--name-only", since, "--"], cwd=root, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"python -m tests.mutate: --changed {since}: git diff failed: {result.stderr.strip()}")
    untracked = subprocess.run(["git", "ls-files", "--others", "--exclude-standard"], cwd=root,
                               capture_output=True, text=True).stdout
    return sorted(set(result.stdout.split()) | set(untracked.split()))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.mutate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--list", action="store_true", help="list the mutants and whether each applies")
    parser.add_argument("--only", action="append", metavar="NAME", help="run only this mutant (repeatable)")
    parser.add_argument("--changed", metavar="REV",
                        help="run only the mutants that edit a file changed since commit REV (e.g. main or HEAD~3): "
                             "the ones a change can have broken; run it before you stop")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per test run (default 600)")
    args = parser.parse_args(argv)

    names = [m.name for m in MUTANTS]
    assert len(set(names)) == len(names), "two mutants share a name"
    chosen = MUTANTS
    if args.only:
        unknown = [n for n in args.only if n not in names]
        if unknown:
            parser.error(f"unknown mutant(s) {', '.join(unknown)}; see --list")
        chosen = [m for m in MUTANTS if m.name in args.only]
    if args.changed:
        changed = set(changed_files(args.changed))
        chosen = [m for m in chosen if {path for path, _, _ in m.edits} & changed]
        print(f"{len(chosen)} mutants edit the {len(changed)} files changed since {args.changed}", flush=True)

    if args.list:
        broken = 0
        for m in chosen:
            problems = check_applies(m, ROOT)
            broken += bool(problems)
            twins = "both twins" if len({p.split('/')[0] for p, _, _ in m.edits} & {"pure", "vectorized"}) == 2 \
                else ", ".join(sorted({p for p, _, _ in m.edits}))
            print(f"{m.name:48s} {'applies' if not problems else 'DOES NOT APPLY'}  [{twins}] {m.what}")
            for p in problems:
                print(f"    {p}")
        print(f"{len(chosen)} mutants, {broken} do not apply")
        return 1 if broken else 0

    missing = missing_dependencies(chosen)
    if missing:
        print(f"python -m tests.mutate: the tests of these mutants need {', '.join(missing)}, which "
              f"{sys.executable} cannot import: python3 -m pip install {' '.join(missing)} (or run it in a tox "
              f"environment that has them, e.g. .tox/conformance/bin/python -m tests.mutate)", file=sys.stderr)
        return 2

    with tempfile.TemporaryDirectory(prefix="twinnet-mutate-") as tmp:
        copy = os.path.join(tmp, "repo")
        shutil.copytree(ROOT, copy, ignore=_ignore)
        print(f"copied the repository to {copy}; {len(chosen)} mutants", flush=True)

        # The chosen tests must pass on the unmutated copy, or a "kill" would mean nothing:
        # one run per TWINS setting over every file the chosen mutants use.
        broken_files = {}
        for twins in sorted({m.twins for m in chosen}):
            targets = sorted({t for m in chosen if m.twins == twins for t in m.tests})
            outcome, seconds, failures = run_tests(copy, targets, twins, args.timeout, stop_first=False)
            print(f"baseline TWINS={twins}: {len(targets)} test files {outcome} unmutated ({seconds:.0f} s)",
                  flush=True)
            if outcome != "passed":
                for line in failures or [f"FAILED {t}" for t in targets]:
                    path = line.split()[1].split("::")[0] if len(line.split()) > 1 else ""
                    broken_files.setdefault((twins, path), line)
                    print(f"    {line}")

        killed, survived, errors = [], [], []
        started = time.monotonic()
        for m in chosen:
            problems = check_applies(m, copy)
            if problems:
                errors.append((m, "does not apply: " + "; ".join(problems)))
                print(f"DOES NOT APPLY  {m.name}: {'; '.join(problems)}", flush=True)
                continue
            if any((m.twins, t) in broken_files for t in m.tests):
                errors.append((m, "its tests fail without the mutation"))
                print(f"ERROR           {m.name}: its tests fail without the mutation", flush=True)
                continue
            originals = apply(m, copy)
            try:
                outcome, seconds, note = run_tests(copy, m.tests, m.twins, args.timeout)
            finally:
                restore(originals, copy)
            if outcome in ("failed", "timeout"):
                killed.append(m)
                print(f"killed   {seconds:5.1f} s  {m.name}  <- {note}", flush=True)
            elif outcome == "passed":
                survived.append(m)
                print(f"SURVIVED {seconds:5.1f} s  {m.name}: {m.what}", flush=True)
            else:
                errors.append((m, f"{outcome}: {note}"))
                print(f"ERROR    {seconds:5.1f} s  {m.name}: {outcome} {note}", flush=True)

    counted = len(killed) + len(survived)
    print()
    print(f"score: {len(killed)}/{counted} mutants killed"
          + (f" ({100.0 * len(killed) / counted:.0f}%)" if counted else "")
          + f", {len(errors)} errors, {time.monotonic() - started:.0f} s")
    for m in survived:
        print(f"  survivor: {m.name}: {m.what} (tests: {' '.join(m.tests)})")
    for m, why in errors:
        print(f"  error: {m.name}: {why}")
    return 0 if not survived and not errors else 1


if __name__ == "__main__":
    from app.cli import quiet_on_closed_pipe     # `... | head`: no traceback
    sys.exit(quiet_on_closed_pipe(main))
