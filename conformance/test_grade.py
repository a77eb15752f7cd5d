"""`python -m conformance grade` / conformance.compare_layer: a user's own layer graded against the reference.

The promise: a correct layer passes; a seeded bug in forward, in dL/dx or in
dL/dW is caught and named (the first disagreeing quantity, its element, both
values); it works for every layer and loss of the contract (each of the
vectorized twin's own classes, handed over as "your" layer, passes).
"""
import io
import os

import numpy as np
import pytest

import conformance
import vectorized
from conformance import grade

HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLE = os.path.join(HERE, "..", "lessons", "exercises", "my_dense.py")


class Dense:
    def __init__(self, n_in, n_out):
        self.params = {"W": np.zeros((n_in, n_out)), "b": np.zeros(n_out)}
        self.grads = {}

    def forward(self, x):
        self.x = x
        return x @ self.params["W"] + self.params["b"]

    def backward(self, grad_out):
        self.grads["W"] = self.x.T @ grad_out
        self.grads["b"] = grad_out.sum(axis=0)
        return grad_out @ self.params["W"].T


class ForgotBias(Dense):
    def forward(self, x):
        self.x = x
        return x @ self.params["W"]


class SlightlyWrongInputGrad(Dense):
    def backward(self, grad_out):
        return super().backward(grad_out) * (1 + 1e-4)        # the 1e-4 bug of the issue, in dL/dx


class SlightlyWrongWeightGrad(Dense):
    def backward(self, grad_out):
        grad_in = super().backward(grad_out)
        self.grads["W"] = self.grads["W"] * (1 + 1e-4)
        return grad_in


def first_failure(report):
    row, finding, against = report.first_failure()
    return row.quantity, finding, against


def test_a_correct_dense_passes():
    report = conformance.compare_layer(Dense, like="Dense")
    assert report.ok, str(report)
    assert [r.quantity for r in report.rows] == ["forward", "dL/dx", "dL/dW", "dL/db"]
    assert all(r.fd for r in report.rows[1:]), "gradients were not checked by finite differences"
    assert "PASS" in str(report)


def test_a_forward_bug_is_caught_and_named():
    report = conformance.compare_layer(ForgotBias, like="Dense")
    assert not report.ok
    quantity, finding, against = first_failure(report)
    assert (quantity, against) == ("forward", "reference")
    assert finding.yours is not None and finding.other is not None and finding.index is not None
    assert report.agrees("dL/dx") and report.agrees("dL/dW")      # the backward itself is right
    text = str(report)
    assert "The first disagreement: forward" in text and "FAIL" in text and "fix" not in text
    assert "your forward() ignores params['b']" in text


def test_an_input_gradient_bug_of_1e_4_is_caught():
    report = conformance.compare_layer(SlightlyWrongInputGrad, like="Dense")
    quantity, finding, against = first_failure(report)
    assert quantity == "dL/dx" and against == "reference"
    assert finding.error == pytest.approx(1e-4, rel=1e-3)
    assert report.agrees("forward") and report.agrees("dL/dW") and report.agrees("dL/db")
    assert not all(f.ok for f in report.row("dL/dx").fd)           # finite differences see it too
    assert "1.0001 times the reference everywhere" in str(report)
    assert "the bug is in backward()" in str(report)


def test_a_weight_gradient_bug_of_1e_4_is_caught():
    report = conformance.compare_layer(SlightlyWrongWeightGrad, like="Dense")
    quantity, finding, against = first_failure(report)
    assert quantity == "dL/dW"
    assert report.agrees("forward") and report.agrees("dL/dx") and report.agrees("dL/db")
    assert f"Yours gives {finding.yours!r}" in str(report)


def test_the_shipped_example_and_its_bug(capsys):
    assert grade.main([f"{EXAMPLE}:MyDense", "--like", "Dense"]) == 0
    assert grade.main([f"{EXAMPLE}:ListDense", "--like", "Dense"]) == 0
    assert "given nested lists" in capsys.readouterr().out
    assert grade.main([f"{EXAMPLE}:BuggyDense", "--like", "Dense"]) == 1
    out = capsys.readouterr().out
    assert "dL/dW    DIFFERS" in out and "0.333333 times the reference" in out and "batch of 1" in out


def test_a_layer_object_is_graded_with_its_own_sizes():
    layer = Dense(4, 2)
    report = conformance.compare_layer(layer, like="Dense")
    assert report.ok, str(report)
    assert all("n_in=4, n_out=2" in f.case for f in report.row("forward").reference)


def test_params_of_other_names_or_transposed_shapes_are_explained():
    class Named(Dense):
        def __init__(self, n_in, n_out):
            self.params, self.grads = {"weights": np.zeros((n_in, n_out))}, {}

    class Transposed(Dense):
        def __init__(self, n_in, n_out):
            self.params, self.grads = {"W": np.zeros((n_out, n_in)), "b": np.zeros(n_out)}, {}

    with pytest.raises(grade.GradeError, match="name yours the same"):
        conformance.compare_layer(Named, like="Dense")
    with pytest.raises(grade.GradeError, match=r"\(n_in, n_out\)"):
        conformance.compare_layer(Transposed, like="Dense")


class MSE:
    def forward(self, pred, target):
        self.diff = pred - target
        return float((self.diff ** 2).mean())

    def backward(self):
        return 2 * self.diff / self.diff.size


class MSEWithoutTwo(MSE):
    def backward(self):
        return self.diff / self.diff.size


class CrossEntropy:
    def forward(self, logits, target):
        m = logits.max(axis=1, keepdims=True)
        log_z = m[:, 0] + np.log(np.exp(logits - m).sum(axis=1))
        self.p = np.exp(logits - log_z[:, None])
        self.target = target
        return float((log_z - logits[np.arange(len(target)), target]).mean())

    def backward(self):
        g = self.p.copy()
        g[np.arange(len(self.target)), self.target] -= 1
        return g / len(self.target)


def test_losses_are_graded():
    assert conformance.compare_loss(MSE, like="MSE").ok
    assert conformance.compare_layer(CrossEntropy(), like="CrossEntropy").ok
    report = conformance.compare_loss(MSEWithoutTwo, like="MSE")
    assert report.agrees("loss") and not report.agrees("dL/dpred")
    assert "0.5 times the reference everywhere" in str(report)


class NaiveConv:
    """A user's Conv2D, stride 1, no padding, written with loops over the kernel (numpy)."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0):
        k = kernel_size if isinstance(kernel_size, int) else kernel_size[0]
        self.params = {"W": np.zeros((out_channels, in_channels, k, k)), "b": np.zeros(out_channels)}
        self.grads = {}

    def forward(self, x):
        self.x = x
        W = self.params["W"]
        k = W.shape[2]
        n, _, h, w = x.shape
        out = np.zeros((n, W.shape[0], h - k + 1, w - k + 1)) + self.params["b"][None, :, None, None]
        for p in range(k):
            for q in range(k):
                out += np.einsum("nchw,oc->nohw", x[:, :, p:p + h - k + 1, q:q + w - k + 1], W[:, :, p, q])
        return out

    def backward(self, g):
        W, x = self.params["W"], self.x
        k = W.shape[2]
        _, _, h, w = x.shape
        dW, dx = np.zeros_like(W), np.zeros_like(x)
        for p in range(k):
            for q in range(k):
                patch = x[:, :, p:p + h - k + 1, q:q + w - k + 1]
                dW[:, :, p, q] = np.einsum("nohw,nchw->oc", g, patch)
                dx[:, :, p:p + h - k + 1, q:q + w - k + 1] += np.einsum("nohw,oc->nchw", g, W[:, :, p, q])
        self.grads = {"W": dW, "b": g.sum(axis=(0, 2, 3))}
        return dx


class ConvWithFlippedKernelGrad(NaiveConv):
    def backward(self, g):
        dx = super().backward(g)
        self.grads["W"] = self.grads["W"][:, :, ::-1, ::-1]
        return dx


def test_a_conv_layer_is_graded():
    layer = NaiveConv(2, 3, 3)
    assert conformance.compare_layer(layer, like="Conv2D").ok
    report = conformance.compare_layer(ConvWithFlippedKernelGrad(2, 3, 3), like="Conv2D")
    assert first_failure(report)[0] == "dL/dW"
    assert report.agrees("forward") and report.agrees("dL/dx")


def test_an_overflowing_activation_is_caught_at_extreme_values():
    class Softplus:
        params, grads = {}, {}

        def forward(self, x):
            self.x = x
            return np.log(1 + np.exp(x))                    # exp(1000) overflows: inf

        def backward(self, g):
            return g / (1 + np.exp(-self.x))

    report = conformance.compare_layer(Softplus, like="Softplus")
    quantity, finding, _ = first_failure(report)
    assert quantity == "forward" and "extreme" in finding.case and finding.yours == np.inf
    assert "not finite" in str(report)


KINDS_OF_VECTORIZED = [k for k in grade.KINDS if hasattr(vectorized, k)]


@pytest.mark.parametrize("kind", KINDS_OF_VECTORIZED)
def test_every_kind_of_the_contract_can_be_graded(kind):
    """The vectorized twin's own class, graded as if a user wrote it, agrees everywhere."""
    report = conformance.compare_layer(getattr(vectorized, kind), like=kind)
    assert report.ok, str(report)
    assert report.rows


def test_a_dropout_that_never_drops_is_caught():
    class NoDrop:
        def __init__(self, p=0.5):
            self.params, self.grads, self.training = {}, {}, True

        def forward(self, x):
            return np.array(x)

        def backward(self, g):
            return g

    report = conformance.compare_layer(NoDrop, like="Dropout")
    assert not report.ok


def test_the_command_reports_what_cannot_be_graded(tmp_path):
    err = io.StringIO()
    assert grade.main([str(tmp_path / "missing.py") + ":X", "--like", "Dense"], out=io.StringIO(), err=err) == 2
    assert "no such file" in err.getvalue()
    path = tmp_path / "mine.py"
    path.write_text("class Other:\n    pass\n")
    err = io.StringIO()
    assert grade.main([f"{path}:MyDense", "--like", "Dense"], out=io.StringIO(), err=err) == 2
    assert "defines no 'MyDense'" in err.getvalue() and "Other" in err.getvalue()
    path.write_text("raise ImportError('broken')\n")
    err = io.StringIO()
    assert grade.main([f"{path}:MyDense", "--like", "Dense"], out=io.StringIO(), err=err) == 2
    assert "importing" in err.getvalue() and "broken" in err.getvalue()


def test_a_layer_raising_is_reported_not_raised():
    class Raises(Dense):
        def backward(self, grad_out):
            raise ValueError("not written yet")

    report = conformance.compare_layer(Raises, like="Dense")
    assert not report.ok and report.agrees("forward")
    assert "raised ValueError: not written yet" in str(report)


def test_python_m_conformance_grade_dispatches_to_grade(capsys):
    from conformance.__main__ import main
    assert main(["grade", f"{EXAMPLE}:MyDense", "--like", "Dense"]) == 0
    assert "PASS" in capsys.readouterr().out


def test_the_readme_worked_example_is_what_grade_prints(capsys):
    """conformance/README.md shows BuggyDense's report: every line of it (but the one cut short) is printed as shown."""
    with open(os.path.join(HERE, "README.md"), encoding="utf-8") as f:
        readme = f.read()
    start = readme.index("           against the reference")
    block = readme[start:readme.index("```", start)].rstrip("\n").split("\n")
    assert grade.main([f"{EXAMPLE}:BuggyDense", "--like", "Dense"]) == 1
    printed = capsys.readouterr().out.split("\n")
    shown = [line for line in block if line and not line.endswith("...")]
    assert len(shown) >= 10
    for line in shown:
        assert line in printed, f"README shows a line grade does not print: {line!r}"
