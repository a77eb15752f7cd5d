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
           [("pure/modelfile.py", 'text = json.dumps(description, allow_nan=False, separators=(",", ":"))',
             'text = json.dumps(json.loads(json.dumps(description), parse_float=lambda s: float(f"{float(s):.7g}")),'
             ' allow_nan=False, separators=(",", ":"))')],
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
           [("pure/fast.py", "if not any(s) and 0.0 not in p:", "if not any(s):")],
           ["tests/test_fast.py"]),
    Mutant("pure-fast-descend-misses-a-nan-step", "pure.fast's SGD step tests a step row with max(map(abs, s)) == 0, "
           "which a NaN after a zero passes: the NaN step is skipped",
           [("pure/fast.py", "if not any(s) and 0.0 not in p:", "if max(map(abs, s)) == 0.0 and 0.0 not in p:")],
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
             "    zero = [0.0] * m\n    return [zero if row is None else row for row in out]")],
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
           [("pure/training.py", "        self.rng = random.Random(seed)\n",
             "        self.rng = random.Random(None if seed is None else seed + 1)\n")],
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

    # ---- the application (app/), the conformance tools (grade, against, checkmodel), interop, and the
    # ---- library rules that first survived (checkpoint fingerprint, plateau across a resume, budgets)

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
        project |= {name[:-3] for name in os.listdir(os.path.dirname(full)) if name.endswith(".py")}   # siblings
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
    sys.exit(main())
