"""Series D, post 2: a bias for offset data, and choosing the learning rate.

Now income = 0.58 salary + 0.67 heritage + 50,000: no line through the origin
fits, so the neuron needs a bias b. With full-batch gradient descent, lr 0.1
converges; lr 1 overshoots more at every step and explodes (fit stops on an
infinite loss). The series' fix: halve the learning rate whenever the
epoch's error rises (fit's lr_plateau=1), which rescues lr 1.
"""
import data
import pictures

from .common import Result, output_dir, to_list

NAME = "d2-bias-and-rate"
TITLE = "A bias for offset data; lr 1 explodes, 0.1 works, halving rescues it"
REPORTED = "lr 1 explodes, lr 0.1 works; halve the rate when the epoch error rises"
UNIT = 100.0
CLIP = 100.0        # the picture draws the exploding curve up to this MSE ...
FIRST = 12          # ... in a panel of the first epochs


def train(nn, X, Y, lr, halve, epochs, losses=None):
    """Train a neuron with a bias; None for the history if it exploded. `losses` collects each epoch's loss."""
    neuron = nn.Sequential([nn.Dense(2, 1, init="zeros")])
    seen = losses if losses is not None else []

    def record(epoch, history):
        seen.append(history["loss"][-1])
        return True

    try:
        history = neuron.fit(X, Y, loss=nn.MSE(), optimizer=nn.SGD(lr), epochs=epochs, batch_size=None,
                             lr_plateau=1 if halve else None, progress=False, callback=record)
    except nn.TrainingError:
        return neuron, None
    return neuron, history


def run(nn, quick=False, out=None):
    result = Result(NAME, REPORTED)
    X, y = data.incomes()
    X = [[v / UNIT for v in row] for row in X]
    Y = [[t / UNIT + 0.5] for t in y]
    epochs = 1000 if quick else 3000
    exploding = []                          # lr 1's loss, epoch by epoch, until it overflows
    _, exploded = train(nn, X, Y, 1.0, halve=False, epochs=epochs, losses=exploding)
    neuron, works = train(nn, X, Y, 0.1, halve=False, epochs=epochs)
    rescued_neuron, rescued = train(nn, X, Y, 1.0, halve=True, epochs=epochs)
    result.check("lr 1 explodes", exploded is None)
    result.check("lr 0.1 converges (MSE < 1e-4)", works is not None and works["loss"][-1] < 1e-4)
    result.check("lr 1 with halving converges", rescued is not None and rescued["loss"][-1] < 1e-4)
    b = to_list(neuron.layers[0].params["b"])[0]
    result.check("the bias finds the offset 0.5 (50,000)", abs(b - 0.5) < 0.05)
    folder = output_dir(out, NAME)
    if folder and works and rescued:
        # The exploding curve is drawn only up to MSE 100 and in a panel of the first epochs: its full height
        # (1e307) would squeeze the other two curves, 300 decades lower, into one line at the bottom.
        shown = exploding[:next((i for i, v in enumerate(exploding) if not v <= CLIP), len(exploding))]
        first = {"lr 1 (explodes)": shown, "lr 0.1": works["loss"][:FIRST],
                 "lr 1, halved when the MSE rises": rescued["loss"][:FIRST]}
        result.picture(pictures.small_multiples(
            f"{folder}/loss.svg", [(f"epochs 1-{FIRST}; lr 1 cut at MSE {CLIP:g}", first),
                                   (f"all {epochs:,} epochs (lr 1 left out)", {k: v for k, v in
                                                                                  (("lr 0.1", works["loss"]),
                                                                                   ("lr 1, halved when the MSE rises",
                                                                                    rescued["loss"]))})],
            columns=2, shared_y=False, log_y=True, title="Learning rates: the loss per epoch",
            y_label="MSE (log scale)", panel_width=320, panel_height=260))
    final_lr = rescued["lr"][-1] if rescued else float("nan")
    result.numbers["lr 1 epochs before overflow"] = len(exploding)
    finite = [v for v in exploding if v == v and v != float("inf")]
    growth = f" (MSE {finite[0]:.2g} after epoch 1, {finite[-1]:.2g} after epoch {len(finite)})" if finite else ""
    return result.finish(f"lr 1: {'explodes' if exploded is None else 'converges'}{growth}; lr 0.1: MSE "
                         f"{works['loss'][-1]:.2g}, b = {b:.4f}; lr 1 halved down to {final_lr:.3g}: "
                         f"MSE {rescued['loss'][-1]:.2g}")
