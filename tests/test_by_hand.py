"""Numbers worked out by hand, from the formula written beside each one.

Conformance proves the twins agree, which says nothing when both make the same
mistake. The expectations here come from the textbook formulas (scalar
arithmetic in the test itself), never from running the code, so a bug planted
in both twins at once fails them. `python -m tests.mutate` plants such bugs.
"""
import math

import pytest

from conftest import close, layer_with, tensor, to_list


def one_weight(nn, w, grad):
    """A Dense(1, 1) whose single weight is w (bias 0) with gradient `grad` (bias gradient 0)."""
    return layer_with(nn, [[w]], [[grad]])


def weight(layer):
    return to_list(layer.params["W"])[0][0]


# ----------------------------------------------------------------------------- SGD with momentum


def test_momentum_across_a_learning_rate_change(nn):
    """PyTorch's rule: v = mu v + g; p = p - lr v. The learning rate multiplies the whole velocity
    at each step, so changing it (fit halves it on a plateau) scales the momentum too.

    The other common form, v = mu v - lr g; p = p + v, gives the same numbers while lr stays
    fixed, but after 0.1 -> 0.01 it ends at -0.2 instead of -0.119 (torch.optim.SGD 2.13: -0.119)."""
    layer = one_weight(nn, 0.0, 1.0)
    opt = nn.SGD(0.1, momentum=0.9)
    opt.step([layer])                  # v = 0.9*0 + 1 = 1;       p = 0 - 0.1*1 = -0.1
    assert weight(layer) == pytest.approx(-0.1, abs=1e-15)
    opt.lr = 0.01
    layer.grads["W"] = tensor(nn, [[1.0]])
    opt.step([layer])                  # v = 0.9*1 + 1 = 1.9;     p = -0.1 - 0.01*1.9 = -0.119
    assert weight(layer) == pytest.approx(-0.119, abs=1e-15)


def test_momentum_keeps_its_velocity_when_the_gradient_vanishes(nn):
    layer = one_weight(nn, 1.0, 2.0)
    opt = nn.SGD(0.5, momentum=0.5)
    opt.step([layer])                  # v = 2;                   p = 1 - 0.5*2 = 0
    layer.grads["W"] = tensor(nn, [[0.0]])
    opt.step([layer])                  # v = 0.5*2 + 0 = 1;       p = 0 - 0.5*1 = -0.5
    opt.step([layer])                  # v = 0.5;                 p = -0.5 - 0.25 = -0.75
    assert weight(layer) == -0.75


def test_each_layer_keeps_its_own_velocity(nn):
    """Two layers, each with a parameter named W: gradients +1 and -1, momentum 0.9, lr 0.1, two steps.
    Each moves as if alone: v = 1, then 0.9·1 + 1 = 1.9; W = -0.1, then -0.1 - 0.19 = -0.29 (and +0.29)."""
    a, b = one_weight(nn, 0.0, 1.0), one_weight(nn, 0.0, -1.0)
    opt = nn.SGD(0.1, momentum=0.9)
    opt.step([a, b])
    opt.step([a, b])
    assert weight(a) == pytest.approx(-0.29, abs=1e-15) and weight(b) == pytest.approx(0.29, abs=1e-15)


# ----------------------------------------------------------------------------- Adam


def adam_by_hand(p, grads, lr, b1, b2, eps, wd):
    """Adam written out for one scalar (Kingma & Ba, with PyTorch's L2 weight decay)."""
    m = v = 0.0
    for t, grad in enumerate(grads, start=1):
        g = grad + wd * p                          # weight decay adds wd*p to the gradient
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        m_hat, v_hat = m / (1 - b1 ** t), v / (1 - b2 ** t)
        p = p - lr * m_hat / (math.sqrt(v_hat) + eps)
    return p


def test_adam_weight_decay_pulls_the_weight_toward_zero(nn):
    """No gradient, weight decay 1: g = 0 + 1*1 = 1, so the first step is
    p = 1 - lr * g / (|g| + eps) = 1 - 0.01/(1 + 1e-8): the weight shrinks to about 0.99 (a flipped
    sign would grow it to 1.01)."""
    layer = one_weight(nn, 1.0, 0.0)
    nn.Adam(0.01, weight_decay=1.0).step([layer])
    assert weight(layer) == pytest.approx(1.0 - 0.01 / (1.0 + 1e-8), abs=1e-15)
    assert weight(layer) < 1.0


def test_adam_with_weight_decay_and_other_betas_two_steps(nn):
    """lr 0.1, betas (0.5, 0.75), weight decay 0.1, gradients 0.5 then -0.25, from p = 1:

    step 1: g = 0.5 + 0.1*1 = 0.6;  m = 0.5*0.6 = 0.3;  v = 0.25*0.36 = 0.09;
            m^ = 0.3/0.5 = 0.6;  v^ = 0.09/0.25 = 0.36;  p = 1 - 0.1*0.6/(0.6 + 1e-8)
    step 2: g = -0.25 + 0.1 p;  m = 0.5 m + 0.5 g;  v = 0.75 v + 0.25 g²;
            m^ = m/(1 - 0.25);  v^ = v/(1 - 0.5625);  p = p - 0.1 m^/(sqrt(v^) + 1e-8)
    (torch.optim.Adam 2.13 with these settings ends at the same double, 0.8772907106331698.)
    """
    p1 = 1 - 0.1 * 0.6 / (0.6 + 1e-8)
    g2 = -0.25 + 0.1 * p1
    m2, v2 = 0.5 * 0.3 + 0.5 * g2, 0.75 * 0.09 + 0.25 * g2 * g2
    p2 = p1 - 0.1 * (m2 / 0.75) / (math.sqrt(v2 / 0.4375) + 1e-8)
    assert p2 == pytest.approx(adam_by_hand(1.0, [0.5, -0.25], 0.1, 0.5, 0.75, 1e-8, 0.1), abs=1e-15)
    layer = one_weight(nn, 1.0, 0.5)
    opt = nn.Adam(0.1, beta1=0.5, beta2=0.75, weight_decay=0.1)
    opt.step([layer])
    assert weight(layer) == pytest.approx(p1, abs=1e-15)
    layer.grads["W"] = tensor(nn, [[-0.25]])
    opt.step([layer])
    assert weight(layer) == pytest.approx(p2, abs=1e-15)
    assert abs(p2 - 0.9) > 0.01                    # the second step is not a copy of the first


def test_adam_five_steps_with_changing_gradients(nn):
    grads = [0.3, -1.2, 0.05, 2.0, -0.7]
    layer = one_weight(nn, 0.4, grads[0])
    opt = nn.Adam(0.05, beta1=0.8, beta2=0.99, eps=1e-6, weight_decay=0.01)
    for g in grads:
        layer.grads["W"] = tensor(nn, [[g]])
        opt.step([layer])
    assert weight(layer) == pytest.approx(adam_by_hand(0.4, grads, 0.05, 0.8, 0.99, 1e-6, 0.01), abs=1e-14)


def test_each_layer_keeps_its_own_adam_moments(nn):
    a, b = one_weight(nn, 1.0, 0.5), one_weight(nn, -1.0, -2.0)
    opt = nn.Adam(0.1, beta1=0.5, beta2=0.75)
    for _ in range(3):
        opt.step([a, b])
    assert weight(a) == pytest.approx(adam_by_hand(1.0, [0.5] * 3, 0.1, 0.5, 0.75, 1e-8, 0.0), abs=1e-15)
    assert weight(b) == pytest.approx(adam_by_hand(-1.0, [-2.0] * 3, 0.1, 0.5, 0.75, 1e-8, 0.0), abs=1e-15)


def test_adam_defaults_are_kingma_and_bas(nn):
    """Adam() is lr 1e-3, betas (0.9, 0.999), eps 1e-8, no weight decay: four steps by hand."""
    grads = [0.3, -1.2, 0.05, 2.0]
    layer = one_weight(nn, 0.4, grads[0])
    opt = nn.Adam()
    for g in grads:
        layer.grads["W"] = tensor(nn, [[g]])
        opt.step([layer])
    assert weight(layer) == pytest.approx(adam_by_hand(0.4, grads, 1e-3, 0.9, 0.999, 1e-8, 0.0), abs=1e-15)


def test_the_optimizers_by_name(nn):
    """The main command's --optimizer: sgd is plain SGD, momentum is SGD with momentum 0.9, adam is Adam()."""
    sgd, momentum, adam = (nn.optimizers.get(name, 0.05) for name in ("sgd", "momentum", "adam"))
    assert type(sgd) is nn.SGD and sgd.lr == 0.05 and sgd.momentum == 0.0 and sgd.weight_decay == 0.0
    assert type(momentum) is nn.SGD and momentum.momentum == 0.9 and momentum.weight_decay == 0.0
    assert type(adam) is nn.Adam and (adam.lr, adam.beta1, adam.beta2, adam.eps) == (0.05, 0.9, 0.999, 1e-8)


# ----------------------------------------------------------------------------- activations at their kinks

# The derivative at a kink is a convention. Ours is PyTorch's (torch 2.13 gives exactly these
# numbers for x = 0.0 and x = -0.0): the "x > 0" branch is taken only for x > 0, so at 0 ReLU's
# gradient is 0, LeakyReLU's is alpha and ELU's is alpha*e^0 = alpha. The smooth ones are their
# derivatives at 0: sigmoid 1/4, tanh 1, softplus sigmoid(0) = 1/2, arctan 1/(1+0) = 1.
AT_ZERO = [
    # name,          make,                            f(0), f'(0)
    ("ReLU", lambda nn: nn.ReLU(), 0.0, 0.0),
    ("LeakyReLU", lambda nn: nn.LeakyReLU(), 0.0, 0.01),
    ("LeakyReLU 0.2", lambda nn: nn.LeakyReLU(0.2), 0.0, 0.2),
    ("ELU", lambda nn: nn.ELU(), 0.0, 1.0),
    ("ELU 0.5", lambda nn: nn.ELU(0.5), 0.0, 0.5),
    ("Sigmoid", lambda nn: nn.Sigmoid(), 0.5, 0.25),
    ("Tanh", lambda nn: nn.Tanh(), 0.0, 1.0),
    ("Softplus", lambda nn: nn.Softplus(), math.log(2.0), 0.5),
    ("ArcTan", lambda nn: nn.ArcTan(), 0.0, 1.0),
    ("Identity", lambda nn: nn.Identity(), 0.0, 1.0),
]


@pytest.mark.parametrize("name, make, value, slope", AT_ZERO, ids=[c[0] for c in AT_ZERO])
def test_activation_value_and_gradient_at_zero(nn, name, make, value, slope):
    layer = make(nn)
    y = to_list(layer.forward(tensor(nn, [[0.0, -0.0]])))
    grad = to_list(layer.backward(tensor(nn, [[3.0, 3.0]])))
    assert y == [[value, value]]
    assert grad == [[3.0 * slope, 3.0 * slope]], f"{name}'(0) should be {slope} (PyTorch's convention)"


# Either side of the kink, from the textbook derivative: x = +-0.5.
NEAR_ZERO = [
    ("ReLU", lambda nn: nn.ReLU(), [0.0, 0.5], [0.0, 1.0]),
    ("LeakyReLU 0.2", lambda nn: nn.LeakyReLU(0.2), [-0.1, 0.5], [0.2, 1.0]),
    ("ELU 0.5", lambda nn: nn.ELU(0.5), [0.5 * math.expm1(-0.5), 0.5], [0.5 * math.exp(-0.5), 1.0]),
    ("Sigmoid", lambda nn: nn.Sigmoid(), [1 / (1 + math.exp(0.5)), 1 / (1 + math.exp(-0.5))],
     [math.exp(-0.5) / (1 + math.exp(-0.5)) ** 2] * 2),                 # s' = e^-x / (1 + e^-x)², even
    ("Tanh", lambda nn: nn.Tanh(), [math.tanh(-0.5), math.tanh(0.5)], [1 / math.cosh(0.5) ** 2] * 2),
    ("Softplus", lambda nn: nn.Softplus(), [math.log(1 + math.exp(-0.5)), math.log(1 + math.exp(0.5))],
     [1 / (1 + math.exp(0.5)), 1 / (1 + math.exp(-0.5))]),             # softplus' = sigmoid
    ("ArcTan", lambda nn: nn.ArcTan(), [math.atan(-0.5), math.atan(0.5)], [1 / 1.25, 1 / 1.25]),
]


@pytest.mark.parametrize("name, make, values, slopes", NEAR_ZERO, ids=[c[0] for c in NEAR_ZERO])
def test_activation_either_side_of_zero(nn, name, make, values, slopes):
    layer = make(nn)
    y = layer.forward(tensor(nn, [[-0.5, 0.5]]))
    grad = layer.backward(tensor(nn, [[1.0, 1.0]]))
    assert close(y, [values], 1e-15), f"{name}({[-0.5, 0.5]}) = {to_list(y)}, expected {values}"
    assert close(grad, [slopes], 1e-15), f"{name}'({[-0.5, 0.5]}) = {to_list(grad)}, expected {slopes}"


# ----------------------------------------------------------------------------- evaluate over several batches


def identity_model(nn):
    """Dense(1, 1) with W = 1, b = 0: the prediction is the input."""
    model = nn.Sequential([nn.Dense(1, 1)])
    model.layers[0].params["W"], model.layers[0].params["b"] = tensor(nn, [[1.0]]), tensor(nn, [0.0])
    return model


@pytest.mark.parametrize("batch_size", [256, 7, 300, 1000])
def test_evaluate_weights_each_batch_by_its_size(nn, batch_size):
    """300 examples x_i = i, target 0, MSE: example i costs i². The loss over the set is the mean
    over EXAMPLES: Σ_{i<300} i² / 300 = (299·300·599/6) / 300 = 29850.1666...
    With the default batch size 256 the batches hold 256 and 44 examples, whose means are
    255·511/6 = 21717.5 and (8955050 - 5559680)/44 = 77167.5; the mean of those two means
    (49442.5) is wrong."""
    model = identity_model(nn)
    x, y = [[float(i)] for i in range(300)], [[0.0]] * 300
    result = model.evaluate(x, y, loss=nn.MSE(), batch_size=batch_size)
    assert result["loss"] == pytest.approx(299 * 300 * 599 / 6 / 300, rel=1e-13)


def test_evaluate_with_the_default_batch_size_on_a_classifier(nn):
    """Logits (x, 0) for 300 examples: x = 1 for the first 256, x = -1 for the last 44, all of class 0.
    Per example, CE = log(1 + e^-x): log(1 + e^-1) = 0.31326 for x = 1, log(1 + e) = 1.31326 for x = -1.
    Mean over examples: (256·0.31326 + 44·1.31326)/300 = 0.31326 + 44/300 = 0.45993;
    accuracy 256/300. (The mean of the two batch means would be 0.81326.)"""
    model = nn.Sequential([nn.Dense(1, 2)])
    model.layers[0].params["W"], model.layers[0].params["b"] = tensor(nn, [[1.0, 0.0]]), tensor(nn, [0.0, 0.0])
    x = [[1.0]] * 256 + [[-1.0]] * 44
    result = model.evaluate(x, [0] * 300, loss=nn.CrossEntropy())
    assert result["loss"] == pytest.approx(math.log1p(math.exp(-1.0)) + 44 / 300, rel=1e-12)
    assert result["accuracy"] == pytest.approx(256 / 300, abs=1e-15)


def test_predict_in_batches_keeps_every_example_in_order(nn):
    model = identity_model(nn)
    x = [[float(i)] for i in range(23)]
    assert to_list(model.predict(x, batch_size=5)) == x


# ----------------------------------------------------------------------------- fit, step by step


def test_train_step_is_one_step_of_gradient_descent(nn):
    """train_step(model, loss, optimizer, x, y): Dense(1, 1) from W = 0, b = 0; x = 1, 2 with targets 2, 4;
    MSE; SGD lr 0.1 (the first batch of the epoch below, worked the same way):

        predictions 0, 0;  loss ((0-2)² + (0-4)²)/2 = 10;  dL/dpred = 2(p - t)/2 = (-2, -4)
        dW = 1·-2 + 2·-4 = -10;  db = -2 + -4 = -6;  W = 0 - 0.1·-10 = 1;  b = 0 - 0.1·-6 = 0.6
    It returns the loss before the step and the predictions it was computed from."""
    model = nn.Sequential([nn.Dense(1, 1, init="zeros")])
    loss_value, out = nn.train_step(model, nn.MSE(), nn.SGD(0.1), tensor(nn, [[1.0], [2.0]]),
                                    tensor(nn, [[2.0], [4.0]]))
    assert loss_value == pytest.approx(10.0, abs=1e-14)
    assert to_list(out) == [[0.0], [0.0]]
    assert weight(model.layers[0]) == pytest.approx(1.0, abs=1e-14)
    assert to_list(model.layers[0].params["b"])[0] == pytest.approx(0.6, abs=1e-14)
    assert to_list(model.layers[0].grads["W"]) == [[pytest.approx(-10.0, abs=1e-14)]]


def test_one_epoch_of_fit_in_batches_of_2_and_1(nn):
    """Dense(1, 1) from W = 0, b = 0; x = 1, 2, 3 with targets 2, 4, 6; MSE; SGD lr 0.1; batch size 2, no shuffle.

    batch 1 (x = 1, 2): predictions 0, 0; loss ((0-2)² + (0-4)²)/2 = 10;
        dL/dpred = 2(p - t)/2 = (-2, -4);  dW = 1·-2 + 2·-4 = -10;  db = -6
        W = 0 - 0.1·-10 = 1;  b = 0 - 0.1·-6 = 0.6
    batch 2 (x = 3): prediction 3·1 + 0.6 = 3.6; loss (3.6 - 6)² = 5.76;
        dL/dpred = 2(3.6 - 6) = -4.8;  dW = 3·-4.8 = -14.4;  db = -4.8
        W = 1 + 1.44 = 2.44;  b = 0.6 + 0.48 = 1.08
    The epoch's loss is the mean over examples: (2·10 + 1·5.76)/3 = 8.58666..."""
    model = nn.Sequential([nn.Dense(1, 1, init="zeros")])
    history = model.fit([[1.0], [2.0], [3.0]], [[2.0], [4.0], [6.0]], nn.MSE(), nn.SGD(0.1), epochs=1,
                        batch_size=2, shuffle=False, progress=False)
    assert weight(model.layers[0]) == pytest.approx(2.44, abs=1e-14)
    assert to_list(model.layers[0].params["b"])[0] == pytest.approx(1.08, abs=1e-14)
    assert history["loss"] == [pytest.approx((2 * 10 + 5.76) / 3, abs=1e-13)]


def test_the_learning_rate_is_halved_after_lr_plateau_epochs_without_improvement(nn):
    """A model that already fits (prediction 0 = target 0) has loss 0 and gradient 0 forever, so no
    epoch after the first improves. lr_plateau=2: epochs 2 and 3 do not improve, so after epoch 3 the
    rate halves; epochs 4 and 5 do not improve, so after epoch 5 it halves again. history["lr"] holds
    the rate each epoch trained with: 0.4, 0.4, 0.4, 0.2, 0.2, 0.1, 0.1."""
    model = nn.Sequential([nn.Dense(1, 1, init="zeros")])
    history = model.fit([[1.0], [2.0]], [[0.0], [0.0]], nn.MSE(), nn.SGD(0.4), epochs=7, batch_size=2,
                        lr_plateau=2, progress=False)
    assert history["loss"] == [0.0] * 7
    assert history["lr"] == [0.4, 0.4, 0.4, 0.2, 0.2, 0.1, 0.1]


def test_evaluate_on_sequences_averages_over_every_step_whatever_the_batch_size(nn):
    """Embedding(2, 2) used as the whole model: token 0 gives the logits (0, 0), token 1 gives (1, 0).
    Sequences [0] and [1, 1, 1], every step's target class 0. Per step, CE = log(1 + e^(z1 - z0)):
    log 2 for token 0, log(1 + e^-1) for token 1. CrossEntropy on sequences is the mean over all
    4 steps: (log 2 + 3 log(1 + e^-1)) / 4, in one batch; batches of one sequence each must give
    the same, not the mean of the two sequences' means, (log 2 + log(1 + e^-1)) / 2."""
    model = nn.Sequential([nn.Embedding(2, 2)])
    model.layers[0].params["W"] = tensor(nn, [[0.0, 0.0], [1.0, 0.0]])
    ids, targets = [[0], [1, 1, 1]], [[0], [0, 0, 0]]
    expected = (math.log(2.0) + 3 * math.log1p(math.exp(-1.0))) / 4
    for batch_size in (256, 1):
        assert model.evaluate(ids, targets, loss=nn.CrossEntropy(), batch_size=batch_size)["loss"] == \
            pytest.approx(expected, rel=1e-14), f"batch_size={batch_size}"


def test_the_epoch_loss_of_fit_on_sequences_is_the_mean_over_steps(nn):
    """The same two sequences, one per batch, a learning rate too small to matter (1e-12): the epoch's
    loss is the mean over the 4 steps, as above."""
    model = nn.Sequential([nn.Embedding(2, 2)])
    model.layers[0].params["W"] = tensor(nn, [[0.0, 0.0], [1.0, 0.0]])
    history = model.fit([[0], [1, 1, 1]], [[0], [0, 0, 0]], nn.CrossEntropy(), nn.SGD(1e-12), epochs=1,
                        batch_size=1, shuffle=False, progress=False)
    assert history["loss"][0] == pytest.approx((math.log(2.0) + 3 * math.log1p(math.exp(-1.0))) / 4, rel=1e-10)


def test_the_plateau_rule_stops_at_min_lr(nn):
    """As above with min_lr = 0.15: 0.4 -> 0.2 -> max(0.1, 0.15) = 0.15."""
    model = nn.Sequential([nn.Dense(1, 1, init="zeros")])
    history = model.fit([[1.0], [2.0]], [[0.0], [0.0]], nn.MSE(), nn.SGD(0.4), epochs=7, batch_size=2,
                        lr_plateau=2, min_lr=0.15, progress=False)
    assert history["lr"] == [0.4, 0.4, 0.4, 0.2, 0.2, 0.15, 0.15]


def test_early_stopping_counts_only_improvements_larger_than_min_delta(nn):
    """Dense(1, 1) from 0, one example x = 1, target 1, MSE, SGD lr 0.125. The error e = w + b - 1 starts
    at -1; each step moves w and b by -0.125·2e, so e becomes e - 4·0.125·e = e/2 and the loss e² is
    quartered: 1, 1/4, 1/16, 1/64, 1/256, 1/1024, 1/4096 (each epoch's loss is taken before its step).
    min_delta 0.01: epochs 2-5 improve by 0.75, 0.1875, 0.047, 0.0117; epoch 6 by 0.0029 and epoch 7
    by 0.0037 (against epoch 5's 1/256): not enough. early_stopping=2 stops after epoch 7; best epoch 5."""
    model = nn.Sequential([nn.Dense(1, 1, init="zeros")])
    history = model.fit([[1.0]], [[1.0]], nn.MSE(), nn.SGD(0.125), epochs=20, batch_size=1,
                        early_stopping=2, min_delta=0.01, progress=False)
    assert history["loss"] == [0.25 ** k for k in range(7)]
    assert history["best_epoch"] == [5] and history["stopped_epoch"] == [7]
    # the weights kept are those at the end of epoch 5: w = 0.25 + 0.125 + ... + 0.015625 = 1/2 - 1/64
    assert weight(model.layers[0]) == 0.5 - 0.5 ** 6


def test_fit_clips_each_gradient_to_clip_value(nn):
    """Dense(1, 1) from 0, x = 1, target 10, MSE: dW = db = 2(0 - 10)·1 = -20, clipped to -1;
    SGD lr 0.1: W = b = 0 - 0.1·-1 = 0.1 (unclipped they would be 2)."""
    model = nn.Sequential([nn.Dense(1, 1, init="zeros")])
    model.fit([[1.0]], [[10.0]], nn.MSE(), nn.SGD(0.1), epochs=1, batch_size=1, clip_value=1.0, progress=False)
    assert weight(model.layers[0]) == pytest.approx(0.1, abs=1e-15)
    assert to_list(model.layers[0].params["b"]) == [pytest.approx(0.1, abs=1e-15)]


def test_fit_clips_the_global_norm_to_clip_norm(nn):
    """The same step with clip_norm 1: the norm of (dW, db) = (-20, -20) is 20·sqrt(2); both are
    scaled by 1 / (20·sqrt(2) + 1e-6) (PyTorch's clip_grad_norm_ adds the 1e-6 too)."""
    model = nn.Sequential([nn.Dense(1, 1, init="zeros")])
    model.fit([[1.0]], [[10.0]], nn.MSE(), nn.SGD(0.1), epochs=1, batch_size=1, clip_norm=1.0, progress=False)
    assert weight(model.layers[0]) == pytest.approx(0.1 * 20 / (20 * math.sqrt(2.0) + 1e-6), abs=1e-15)


def test_fit_visits_the_examples_in_the_order_random_random_shuffles_them(nn):
    """The randomness protocol: order = list(range(n)), then random.Random(seed).shuffle(order) at the
    start of every epoch. Per-sample SGD on Dense(1, 1) from 0 with MSE, written out as scalars:
    e = w x + b - t;  w -= lr·2e·x;  b -= lr·2e. The final weights depend on the order."""
    import random
    x, t = [0.5, -1.0, 2.0, 1.5, -0.5], [1.0, 0.0, -1.0, 2.0, 0.5]
    order, rng, w, b, lr = list(range(5)), random.Random(3), 0.0, 0.0, 0.05
    for _ in range(2):
        rng.shuffle(order)
        for i in order:
            e = w * x[i] + b - t[i]
            w, b = w - lr * 2 * e * x[i], b - lr * 2 * e
    model = nn.Sequential([nn.Dense(1, 1, init="zeros")])
    model.fit([[v] for v in x], [[v] for v in t], nn.MSE(), nn.SGD(lr), epochs=2, batch_size=1, seed=3,
              progress=False)
    assert weight(model.layers[0]) == pytest.approx(w, abs=1e-15)
    assert to_list(model.layers[0].params["b"])[0] == pytest.approx(b, abs=1e-15)


def test_dropout_mask_follows_random_random_value_by_value(nn):
    """The randomness protocol: one draw u per value, row-major, from the layer's random.Random(seed);
    kept (and scaled by 1/(1 - p)) when u >= p, else zeroed."""
    import random
    rng, p = random.Random(5), 0.25
    x = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
    expected = [[v / (1 - p) if rng.random() >= p else 0.0 for v in row] for row in x]
    layer = nn.Dropout(p, seed=5)
    assert close(layer.forward(tensor(nn, x)), expected, 1e-15)
    assert close(layer.backward(tensor(nn, [[1.0] * 3] * 2)), [[0.0 if v == 0.0 else 1 / (1 - p) for v in row]
                                                             for row in expected], 1e-15)
