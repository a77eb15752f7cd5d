"""Series D, post 6: hidden-layer size and learning-rate annealing on XOR and moons.

Hidden sizes 1, 2, 3, 10, 50 and 100 (tanh units, softmax + cross-entropy,
mini-batches of 20). One unit draws one line: it cannot do XOR or moons.
More units bend the boundary further; past a few dozen they add little here.
Annealing (halving the rate on a plateau) settles the loss lower.
"""
import data
import pictures

from .common import Result, output_dir, to_list

NAME = "d6-hyperparameters"
TITLE = "Hidden sizes 1..100 on XOR and moons; learning-rate annealing"
REPORTED = "(sizes 1, 2, 3, 10, 50, 100 compared on XOR and moons)"
SIZES = [1, 2, 3, 10, 50, 100]


def train(nn, X, y, hidden, epochs, anneal=False):
    model = nn.Sequential([nn.Dense(2, hidden, seed=hidden), nn.Tanh(), nn.Dense(hidden, 2, seed=hidden + 1)])
    history = model.fit(X, y, loss=nn.CrossEntropy(), optimizer=nn.SGD(0.3, momentum=0.9), epochs=epochs,
                        batch_size=20, seed=0, lr_plateau=5 if anneal else None, progress=False)
    return model, history


def run(nn, quick=False, out=None):
    result = Result(NAME, REPORTED)
    epochs = 25 if quick else 200
    tasks = {"XOR": data.xor(200, noise=0.15, seed=0), "moons": data.moons(200, noise=0.15, seed=0)}
    accuracy, panels, boundaries = {}, [], {}
    for task, (X, y) in tasks.items():
        curves = {}
        for hidden in SIZES:
            model, history = train(nn, X, y, hidden, epochs)
            accuracy[task, hidden] = history["accuracy"][-1]
            curves[f"{hidden} hidden"] = history["loss"]
            boundaries[task, hidden] = model
        panels.append((task, curves))
    result.check("1 hidden unit cannot solve XOR (< 90%)", accuracy["XOR", 1] < 0.9)
    result.check("10 hidden units solve XOR (> 95%)", accuracy["XOR", 10] > 0.95)
    result.check("10 hidden units fit moons (> 90%)", accuracy["moons", 10] > 0.90)
    X, y = tasks["moons"]
    _, plain = train(nn, X, y, 10, epochs)
    _, annealed = train(nn, X, y, 10, epochs, anneal=True)
    folder = output_dir(out, NAME)
    if folder:
        result.picture(pictures.small_multiples(f"{folder}/sizes.svg", panels, columns=2))
        result.picture(pictures.line_chart(f"{folder}/annealing.svg", {"constant lr": plain["loss"],
                                           "halved on plateau": annealed["loss"]}, log_y=True,
                                           title="Moons, 10 hidden units", y_label="cross-entropy"))
        for hidden in (1, 3, 50):
            model = boundaries["moons", hidden]
            result.picture(pictures.decision_boundary(
                f"{folder}/moons_{hidden}_hidden.png",
                lambda rows, m=model: [r.index(max(r)) for r in to_list(m.predict(rows))], X, y, resolution=100))
    table = "; ".join(f"{task}: " + ", ".join(f"{h}→{accuracy[task, h]:.0%}" for h in SIZES) for task in tasks)
    return result.finish(f"{table}; moons final loss constant lr {plain['loss'][-1]:.3g}, "
                         f"annealed {annealed['loss'][-1]:.3g}")
