"""Series B, extension: activation functions (and two losses) compared on one task.

Series B builds its layers with LeakyReLU(0.1) and Sigmoid, then surveys
more activations (Identity, ReLU, ELU, Tanh, ArcTan) and losses (MSE, and
cross-entropy on raw outputs) without training one against another. Here
each activation gets the same job: three interleaved spirals (300 points,
data.spirals), a 2-32-32-3 network with that activation after both hidden
layers, the same initial draws (our default, Xavier), softmax +
cross-entropy, SGD lr 0.05 with momentum 0.9, batches of 20, 200 epochs,
from 3 seeds. Given time, every non-linear one learns the spirals, so the
lesson measures how fast: the first epoch at which the training accuracy
reaches 90% (the mean over the seeds), and the accuracy on 300 new points
(the same spirals, other noise) at the end, with its range over the seeds.
The pictures: each activation's loss curve (first seed) and the epochs to 90%.

What to look for: Identity makes the whole network one linear map, so it
can only cut the plane with straight lines and never gets near 90% on three
spirals. Sigmoid gets there last of the others: its derivative is at most
0.25, and its outputs are all positive, so the next layer's weights move
together. We measured (vectorized, 2026-12-07, means over 3 seeds): ReLU
13 epochs, LeakyReLU 14, Tanh 19, ArcTan 22, ELU 27, Softplus 46, Sigmoid
109, Identity never (53% on new points); on new points every non-linear one
ends at 94-98%. The epochs depend on the rate, which is the same for all
here and tuned for none of them.

Losses: the same ReLU network trained with MSE on one-hot targets (on the
raw outputs, as series B does in b3) against softmax + cross-entropy, at the
same rate; the lesson prints both, without a verdict: here they are close
(90% in 13 epochs with cross-entropy, 15 with MSE; 98% and 99% on new
points), and which one is faster depends on the rate.
"""
import data
import pictures

from .common import Result, output_dir

NAME = "b6-activations"
TITLE = "Activation functions (and MSE vs cross-entropy) compared on three spirals"
REPORTED = "(the series surveys activations and losses but trains none against another)"
ACTIVATIONS = {
    "Identity": lambda nn: nn.Identity(),
    "Sigmoid": lambda nn: nn.Sigmoid(),
    "Tanh": lambda nn: nn.Tanh(),
    "ArcTan": lambda nn: nn.ArcTan(),
    "ReLU": lambda nn: nn.ReLU(),
    "LeakyReLU(0.1)": lambda nn: nn.LeakyReLU(0.1),
    "ELU": lambda nn: nn.ELU(),
    "Softplus": lambda nn: nn.Softplus(),
}
SEEDS = 3
HIDDEN = 32
EPOCHS = 200
TARGET = 0.9        # how fast: the first epoch whose training accuracy reaches 90%


def build(nn, activation, seed):
    make = ACTIVATIONS[activation]
    return nn.Sequential([nn.Dense(2, HIDDEN, seed=10 * seed), make(nn),
                          nn.Dense(HIDDEN, HIDDEN, seed=10 * seed + 1), make(nn),
                          nn.Dense(HIDDEN, 3, seed=10 * seed + 2)])


def train(nn, activation, seed, X, y, epochs, loss="cross-entropy"):
    model = build(nn, activation, seed)
    targets, loss_function = (y, nn.CrossEntropy()) if loss == "cross-entropy" else (nn.one_hot(y, 3), nn.MSE())
    history = model.fit(X, targets, loss=loss_function, optimizer=nn.SGD(0.05, momentum=0.9), epochs=epochs,
                        batch_size=20, seed=seed, progress=False)
    return model, history


def mean(values):
    values = list(values)
    return sum(values) / len(values)


def first_epoch(accuracies, level=TARGET):
    """The first epoch (1-based) whose training accuracy reaches `level`, or None."""
    return next((i + 1 for i, a in enumerate(accuracies) if a >= level), None)


def summary(runs):
    """Over the seeds: (mean epoch to TARGET or None if a seed never got there, mean accuracy on new points,
    lowest, highest)."""
    epochs = [e for e, _ in runs]
    new = [a for _, a in runs]
    return (None if None in epochs else mean(epochs), mean(new), min(new), max(new))


def describe(name, v, seeds, epochs):
    reach = f"{TARGET:.0%} in {v[0]:.0f} epochs" if v[0] is not None else f"not {TARGET:.0%} in {epochs} epochs"
    spread = f" ({v[2]:.0%}-{v[3]:.0%})" if seeds > 1 else ""
    return f"{name}: {reach}, {v[1]:.0%}{spread} on new points"


def run(nn, quick=False, out=None):
    result = Result(NAME, REPORTED)
    per_class = 40 if quick else 100
    X, y = data.spirals(per_class, seed=0)
    X_new, y_new = data.spirals(per_class, seed=1)
    epochs, seeds = (40, 1) if quick else (EPOCHS, SEEDS)
    found, curves = {}, {}
    for activation in ACTIVATIONS:
        runs = []
        for seed in range(seeds):
            model, history = train(nn, activation, seed, X, y, epochs)
            runs.append((first_epoch(history["accuracy"]), nn.accuracy(y_new, model.predict(X_new))))
            if seed == 0:
                curves[activation] = history["loss"]
        found[activation] = summary(runs)
    losses = {}
    for loss in ("cross-entropy", "MSE"):
        runs = []
        for seed in range(seeds):
            model, history = train(nn, "ReLU", seed, X, y, epochs, loss)
            runs.append((first_epoch(history["accuracy"]), nn.accuracy(y_new, model.predict(X_new))))
        losses[loss] = summary(runs)
    result.numbers.update({a: v for a, v in found.items()})
    result.numbers.update({f"ReLU with {loss}": v for loss, v in losses.items()})

    def speed(v):                        # for comparing: never reaching the target counts as slowest
        return v[0] if v[0] is not None else float("inf")

    result.check("Identity (a linear network) does worst on new points",
                 found["Identity"][1] <= min(v[1] for v in found.values()))
    result.check(f"ReLU reaches {TARGET:.0%} training accuracy sooner than Sigmoid",
                 speed(found["ReLU"]) < speed(found["Sigmoid"]))
    if not quick:
        result.check("every activation but Identity ends above 90% on new points",
                     all(v[1] > 0.90 for a, v in found.items() if a != "Identity"))

    folder = output_dir(out, NAME)
    if folder:
        result.picture(pictures.line_chart(f"{folder}/loss.svg", curves, log_y=True, height=420,
                                           title="Three spirals: training loss by activation (seed 0)",
                                           y_label="cross-entropy (log scale)"))
        result.picture(pictures.bar_chart(
            f"{folder}/epochs.svg", {a: v[0] if v[0] is not None else float("nan") for a, v in found.items()},
            title=f"Epochs to {TARGET:.0%} training accuracy (mean of {seeds} seeds)",
            x_label=f"activation after both hidden layers (NaN: not reached in {epochs} epochs)",
            y_label="epochs"))
    table = "; ".join(describe(a, v, seeds, epochs) for a, v in found.items())
    loss_text = "; ".join(describe(loss, v, seeds, epochs) for loss, v in losses.items())
    return result.finish(f"{epochs} epochs, mean of {seeds} seed(s): {table}. The ReLU network by loss: {loss_text}")
