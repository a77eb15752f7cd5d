"""Series D, post 1: a linear neuron without bias learns a formula from 5 rows.

income = 0.58 * salary + 0.67 * heritage. A neuron with no bias and no
activation computes exactly w1 * salary + w2 * heritage, so gradient descent
on the squared error should find w = [0.58, 0.67]. Amounts are in units of
100,000, so the numbers the neuron sees are near 1 (see d2 for why that matters).
"""
import data
import pictures

from .common import Result, output_dir, to_list

NAME = "d1-linear-neuron"
TITLE = "A linear neuron without bias learns income = 0.58 salary + 0.67 heritage"
REPORTED = "weights converge to 0.58 and 0.67"
UNIT = 100.0      # the table is in thousands; the neuron sees units of 100,000


def run(nn, quick=False, out=None):
    result = Result(NAME, REPORTED)
    X, y = data.incomes()
    X = [[v / UNIT for v in row] for row in X]
    Y = [[t / UNIT] for t in y]
    neuron = nn.Sequential([nn.Dense(2, 1, init="zeros", bias=False)])
    history = neuron.fit(X, Y, loss=nn.MSE(), optimizer=nn.SGD(0.5), epochs=1000 if quick else 5000,
                         batch_size=None, progress=False)
    w1, w2 = (row[0] for row in to_list(neuron.layers[0].params["W"]))
    tolerance = 0.02 if quick else 1e-4
    result.check(f"weights within {tolerance} of 0.58 and 0.67",
                 abs(w1 - 0.58) < tolerance and abs(w2 - 0.67) < tolerance)
    folder = output_dir(out, NAME)
    if folder:
        result.picture(pictures.line_chart(f"{folder}/loss.svg", {"MSE": history["loss"]}, log_y=True,
                                           title="Linear neuron", y_label="MSE (log scale)"))
    return result.finish(f"w = [{w1:.4f}, {w2:.4f}] after {len(history['loss'])} full-batch steps")
