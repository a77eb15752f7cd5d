"""Series D, post 6: hidden-layer size and learning-rate annealing on XOR and moons.

Hidden sizes 1, 2, 3, 10, 50 and 100 on two 200-point tasks (XOR's four
noisy corners, and two interleaved moons). Each network is 2 -> hidden tanh
-> 2, trained with softmax + cross-entropy, mini-batches of 20, SGD lr 0.05
with momentum 0.9 (an effective step of about 0.05 / (1 - 0.9) = 0.5), for
200 epochs, from 3 random starts; we report the training accuracy averaged
over the starts. One unit draws one line: it cannot do XOR or moons. A few
units are enough for these small sets; more units bend the boundary further
but add little here.

Learning rate: the same 10-unit network on moons at rates 0.001 to 1, each
with momentum 0.9. With momentum the step a steady gradient ends up taking
is lr / (1 - momentum), ten times lr: the sweep's effective steps run from
0.01 to 10. We report the training accuracy and the loss over the last 20
epochs (means over the starts), and draw the loss curves. We measured
(3 starts, 200 epochs): lr 0.001 (step 0.01) 90% with loss 0.297, still
descending slowly; 0.01 95%, 0.127; 0.05 98%, 0.046; 0.3 98%, 0.038; 1
(step 10) 98% but 0.097, its loss bouncing. Here the best rates span a
factor of six; too small is slow, too large is noisy. (A rate that makes
fit stop on a non-finite loss would be printed as "diverged".)

Annealing: halving the learning rate when the loss has not improved for 5
epochs (fit's lr_plateau=5), against a constant rate, on moons with 10
hidden units. A single run's last epoch is a noisy number, so we compare the
loss averaged over the last 20 epochs and over the 3 starts. Here annealing
does not end lower (we measured 0.0525 annealed vs 0.0462 constant): the
loss is still falling slowly, and a smaller rate only slows that descent.
Halving pays off when a rate is too large for the end of training, the loss
bouncing instead of settling (lesson d2 shows such a rate rescued).

How this differs from the series' post: the series uses sigmoid hidden units
and a squared error, with plain gradient descent; we use tanh units, softmax
+ cross-entropy (the setup the series moves to in post 7) and momentum,
which train these sizes reliably in 200 epochs. The lesson it teaches is the
same: too few units underfit, and the size that suffices depends on the task.
An earlier version of this lesson used lr 0.3 with momentum 0.9 (an
effective step of 3): too large, it made "3 units on XOR: 49%" look like a
capacity limit when it was a training failure.
"""
import data
import pictures

from .common import Result, output_dir, to_list

NAME = "d6-hyperparameters"
TITLE = "Hidden sizes 1..100 on XOR and moons; learning-rate annealing"
REPORTED = "(sizes 1, 2, 3, 10, 50, 100 compared on XOR and moons)"
SIZES = [1, 2, 3, 10, 50, 100]
STARTS = 3
LAST = 20          # epochs averaged when comparing final losses


RATES = [0.001, 0.01, 0.05, 0.3, 1.0]
MOMENTUM = 0.9


def train(nn, X, y, hidden, epochs, start=0, anneal=False, lr=0.05):
    model = nn.Sequential([nn.Dense(2, hidden, seed=100 * start + hidden), nn.Tanh(),
                           nn.Dense(hidden, 2, seed=100 * start + hidden + 1)])
    history = model.fit(X, y, loss=nn.CrossEntropy(), optimizer=nn.SGD(lr, momentum=MOMENTUM), epochs=epochs,
                        batch_size=20, seed=start, lr_plateau=5 if anneal else None, progress=False)
    return model, history


def rate_sweep(nn, X, y, epochs, starts, last):
    """Moons, 10 hidden units, each rate in RATES: (mean training accuracy, mean loss over the last epochs, the
    first start's loss curve), or None for a rate at which a start diverged."""
    found = {}
    for lr in RATES:
        runs = []
        for start in range(starts):
            try:
                runs.append(train(nn, X, y, 10, epochs, start, lr=lr)[1])
            except nn.TrainingError:
                runs = None
                break
        found[lr] = runs and (mean(h["accuracy"][-1] for h in runs), mean(mean(h["loss"][-last:]) for h in runs),
                              runs[0]["loss"])
    return found


def mean(values):
    values = list(values)
    return sum(values) / len(values)


def run(nn, quick=False, out=None):
    result = Result(NAME, REPORTED)
    epochs = 30 if quick else 200
    starts = 1 if quick else STARTS
    last = min(LAST, epochs // 4)
    tasks = {"XOR": data.xor(200, noise=0.15, seed=0), "moons": data.moons(200, noise=0.15, seed=0)}
    accuracy, panels, boundaries = {}, [], {}
    for task, (X, y) in tasks.items():
        curves = {}
        for hidden in SIZES:
            finals = []
            for start in range(starts):
                model, history = train(nn, X, y, hidden, epochs, start)
                finals.append(history["accuracy"][-1])
                if start == 0:
                    curves[f"{hidden} hidden"] = history["loss"]
                    boundaries[task, hidden] = model
            accuracy[task, hidden] = mean(finals)
        panels.append((task, curves))
    result.numbers.update({f"{task} {h}": a for (task, h), a in accuracy.items()})
    result.check("1 hidden unit cannot solve XOR (< 90%)", accuracy["XOR", 1] < 0.9)
    result.check("3 hidden units solve XOR (> 95%)", accuracy["XOR", 3] > 0.95)
    result.check("10 hidden units fit moons (> 90%)", accuracy["moons", 10] > 0.90)
    X, y = tasks["moons"]
    sweep = rate_sweep(nn, X, y, epochs, starts, last)
    result.numbers.update({f"lr {lr}": v[:2] if v else None for lr, v in sweep.items()})
    trained = [lr for lr, v in sweep.items() if v]
    best_rate = max(trained, key=lambda lr: (sweep[lr][0], -sweep[lr][1]))
    result.check("the smallest rate ends with a higher loss than the best rate",
                 sweep[RATES[0]] and sweep[RATES[0]][1] > sweep[best_rate][1])
    result.check("the best rate is neither the smallest nor the largest", RATES[0] < best_rate < RATES[-1])
    plain, annealed = [], []
    for start in range(starts):
        plain.append(train(nn, X, y, 10, epochs, start)[1]["loss"])
        annealed.append(train(nn, X, y, 10, epochs, start, anneal=True)[1]["loss"])
    plain_end = mean(mean(curve[-last:]) for curve in plain)
    annealed_end = mean(mean(curve[-last:]) for curve in annealed)
    result.numbers.update({"constant": plain_end, "annealed": annealed_end})
    verdict = ("annealing ends lower" if annealed_end < plain_end else
               "the constant rate ends lower" if plain_end < annealed_end else "the same")
    folder = output_dir(out, NAME)
    if folder:
        result.picture(pictures.small_multiples(f"{folder}/sizes.svg", panels, columns=2, y_label="cross-entropy",
                                                title="Training loss by hidden-layer size (first start)"))
        result.picture(pictures.line_chart(f"{folder}/annealing.svg", {"constant lr": plain[0],
                                           "halved on plateau": annealed[0]}, log_y=True,
                                           title="Moons, 10 hidden units (first start)", y_label="cross-entropy"))
        result.picture(pictures.line_chart(
            f"{folder}/learning_rates.svg",
            {f"lr {lr} (effective {lr / (1 - MOMENTUM):.3g})": v[2] for lr, v in sweep.items() if v}, log_y=True,
            title="Moons, 10 hidden units: loss by learning rate (first start)",
            y_label="cross-entropy (log scale)"))
        for hidden in (1, 3, 50):
            model = boundaries["moons", hidden]
            result.picture(pictures.decision_boundary(
                f"{folder}/moons_{hidden}_hidden.png",
                lambda rows, m=model: [r.index(max(r)) for r in to_list(m.predict(rows))], X, y, resolution=100,
                title=f"Moons, {hidden} hidden unit{'s' if hidden > 1 else ''}: {accuracy['moons', hidden]:.0%}",
                class_names=["MOON 0", "MOON 1"]))
    table = "; ".join(f"{task}: " + ", ".join(f"{h}→{accuracy[task, h]:.0%}" for h in SIZES) for task in tasks)
    rates = ", ".join(f"lr {lr} (step {lr / (1 - MOMENTUM):.3g}): "
                      + (f"{v[0]:.0%}, loss {v[1]:.3g}" if v else "diverged") for lr, v in sweep.items())
    return result.finish(f"training accuracy, mean of {starts} start(s): {table}; learning rates on moons, 10 hidden, "
                         f"momentum {MOMENTUM} (effective step lr / (1 - {MOMENTUM}) in brackets): {rates}; "
                         f"moons loss over the last {last} "
                         f"epochs (mean of {starts} start(s)): constant lr {plain_end:.3g}, annealed "
                         f"{annealed_end:.3g} ({verdict})")
