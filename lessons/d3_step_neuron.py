"""Series D, post 3: regression vs classification, and why a step neuron cannot learn XOR.

Part 1, why linear regression is the wrong tool for classification. Ten
points on a line, class 0 left of 0 and class 1 right of it. Fit a straight
line to the 0/1 labels by least squares (a linear neuron trained with MSE:
that is linear regression) and call a point class 1 where the line is above
0.5: the threshold lands at 0, every point is right. Now add five points far
to the right (x = 8..12), all class 1, the easiest points there could be.
Least squares must also fit them: the line flattens to get closer to them,
its 0.5 crossing moves right (to about 0.68) and the point at 0.4 is now
misclassified, although nothing near the boundary changed. Regression
penalises being "too right" (an output of 3 for a label of 1) as much as
being wrong. A sigmoid neuron trained with cross-entropy (logistic
regression, lesson c1) does not: far, confident points cost almost nothing,
so its boundary stays between the classes.

Part 2, a step neuron outputs 1 when x·w + b > 0, else 0: a straight line
splits the plane. The perceptron rule (w += lr (target - output) x) finds
such a line for AND and OR, but no line puts (0,1) and (1,0) on one side and
(0,0) and (1,1) on the other: on XOR it can never get all four right. The
step has no useful derivative, so this rule replaces backpropagation here.
"""
import data

import pictures

from .common import Result, output_dir, tensor, to_list

NAME = "d3-step-neuron"
TITLE = "Regression vs classification; a step neuron learns AND and OR but never XOR"
REPORTED = "linear regression is the wrong tool for classification; a step neuron cannot learn XOR"


def perceptron(nn, X, y, epochs=50, lr=0.1):
    """Train a step neuron with the perceptron rule; returns its best accuracy over the epochs."""
    neuron = nn.Dense(2, 1, init="zeros")
    best = 0.0
    for _ in range(epochs):
        for x, t in zip(X, y):
            out = 1 if to_list(neuron.forward([x]))[0][0] > 0 else 0
            error = t - out
            W, b = to_list(neuron.params["W"]), to_list(neuron.params["b"])
            neuron.params["W"] = tensor(nn, [[W[0][0] + lr * error * x[0]], [W[1][0] + lr * error * x[1]]])
            neuron.params["b"] = tensor(nn, [b[0] + lr * error])
        outputs = [1 if v[0] > 0 else 0 for v in to_list(neuron.forward(X))]
        best = max(best, sum(o == t for o, t in zip(outputs, y)) / len(y))
    return best


LINE = [-2.0, -1.6, -1.2, -0.8, -0.4, 0.4, 0.8, 1.2, 1.6, 2.0]
FAR = [8.0, 9.0, 10.0, 11.0, 12.0]


def threshold(nn, model, logistic):
    """Where the model's output crosses 0.5 (its decision boundary): x = (0.5 - b) / w, or -b / w for a sigmoid."""
    w = to_list(model.layers[0].params["W"])[0][0]
    b = to_list(model.layers[0].params["b"])[0]
    return -b / w if logistic else (0.5 - b) / w


def regression_vs_classification(nn, quick):
    """(threshold, accuracy on the ten points) for linear and logistic regression, without and with FAR."""
    found, curves = {}, {}
    grid = [[-3.0 + 0.25 * k] for k in range(65)]                       # x from -3 to 13
    for extra in ([], FAR):
        X = [[x] for x in LINE + extra]
        Y = [[1.0 if x > 0 else 0.0] for x in LINE + extra]
        linear = nn.Sequential([nn.Dense(1, 1, init="zeros")])
        linear.fit(X, Y, loss=nn.MSE(), optimizer=nn.SGD(0.01), epochs=2000 if quick else 20000, batch_size=None,
                   progress=False)
        logistic = nn.Sequential([nn.Dense(1, 1, init="zeros"), nn.Sigmoid()])
        logistic.fit(X, Y, loss=nn.BinaryCrossEntropy(), optimizer=nn.SGD(0.5), epochs=2000, batch_size=None,
                     progress=False)
        for name, model, is_logistic in (("linear", linear, False), ("logistic", logistic, True)):
            t = threshold(nn, model, is_logistic)
            t = 0.0 if abs(t) < 0.005 else t             # print 0.00, not -0.00
            right = sum(1 for x in LINE if (x > t) == (x > 0)) / len(LINE)
            found[name, bool(extra)] = (t, right)
            label = f"{'line' if name == 'linear' else 'sigmoid'} fitted to {'all 15' if extra else 'the 10'} points"
            if name == "logistic" and extra:
                label += " (it covers the 10-point sigmoid)"
            curves[label] = [(x[0], out[0]) for x, out in zip(grid, to_list(model.predict(grid)))]
    return found, curves


def run(nn, quick=False, out=None):
    result = Result(NAME, REPORTED)
    found, curves = regression_vs_classification(nn, quick)
    result.numbers.update({f"{name} {'with' if far else 'without'} far points": v for (name, far), v in found.items()})
    result.check("linear regression: all ten right without the far points", found["linear", False][1] == 1.0)
    result.check("linear regression: the far points move its threshold past 0.4 (a mistake)",
                 found["linear", True][1] < 1.0)
    result.check("logistic regression: all ten right with the far points", found["logistic", True][1] == 1.0)
    X, xor = data.xor_table()
    AND = [int(a and b) for a, b in X]
    OR = [int(a or b) for a, b in X]
    scores = {name: perceptron(nn, X, y, epochs=20 if quick else 100) for name, y in
              (("AND", AND), ("OR", OR), ("XOR", xor))}
    result.check("AND learned", scores["AND"] == 1.0)
    result.check("OR learned", scores["OR"] == 1.0)
    result.check("XOR never above 3 of 4", scores["XOR"] <= 0.75)
    regression = (f"linear regression threshold {found['linear', False][0]:.2f} ({found['linear', False][1]:.0%} "
                  f"right), with 5 far class-1 points {found['linear', True][0]:.2f} ({found['linear', True][1]:.0%});"
                  f" logistic with them {found['logistic', True][0]:.2f} ({found['logistic', True][1]:.0%})")
    folder = output_dir(out, NAME)
    if folder:
        curves["the 0.5 threshold"] = [(-3.0, 0.5), (13.0, 0.5)]
        curves["the 10 points (label 0 or 1)"] = [(x, 1.0 if x > 0 else 0.0) for x in LINE]
        curves["the 5 far points (label 1)"] = [(x, 1.0) for x in FAR]
        result.picture(pictures.line_chart(
            f"{folder}/regression.svg", curves, x_label="x (class 1 where x > 0)",
            y_label="output (class 1 where above 0.5)", height=440,
            dots=["the 10 points (label 0 or 1)", "the 5 far points (label 1)"],
            title="Fitting 0/1 labels: a line vs a sigmoid"))
    return result.finish(regression + "; step neuron: "
                         + ", ".join(f"{k} best accuracy {v:.0%}" for k, v in scores.items()))
