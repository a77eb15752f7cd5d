"""gradcheck must pass on correct layers and must fail on a wrong gradient."""
from conftest import to_list


def test_passes_on_a_whole_model(nn):
    model = nn.Sequential([nn.Dense(4, 6, seed=0), nn.Tanh(), nn.Dense(6, 3, seed=1), nn.Softplus()])
    report = nn.gradcheck(model, [[0.3, -0.5, 0.9, 0.2], [0.1, 0.7, -0.4, 0.6]])
    assert report.ok(1e-6), str(report)
    assert "layer 0: Dense(4, 6) W" in report.relative and "input" in report.relative


def test_fails_on_a_wrong_gradient(nn):
    class BrokenDense(nn.Dense):
        def backward(self, grad_out, need_input_grad=True):
            grad_in = super().backward(grad_out, need_input_grad)
            self.grads["b"] = self.grads["b"] * 2 if nn.TWIN == "vectorized" else [2 * g for g in self.grads["b"]]
            return grad_in
    report = nn.gradcheck(BrokenDense(3, 2, seed=0), [[0.1, 0.2, 0.3]])
    assert not report.ok(1e-6)
    assert report.relative["BrokenDense b"] > 0.3
    assert report.relative["BrokenDense W"] < 1e-6


def test_leaves_the_model_unchanged(nn):
    layer = nn.Dense(3, 2, seed=0)
    before = to_list(layer.params["W"])
    nn.gradcheck(layer, [[0.1, 0.2, 0.3]])
    assert to_list(layer.params["W"]) == before
