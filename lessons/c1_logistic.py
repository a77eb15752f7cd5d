"""Series C, step 1: logistic regression is a one-neuron network.

p = sigmoid(x·w + b), trained with binary cross-entropy by full-batch gradient
descent (every step uses every training example), then thresholded at 0.5.
We report accuracy, recall (how many 8s are found) and specificity (how many
non-8s are rightly rejected) with the confusion matrix.
The original divides the cost by the number of features instead of the
number of examples; we divide by the number of examples (the mean), which
is what the gradient formula assumes.
"""
import pictures

from . import binary_task
from .common import Result, output_dir

NAME = "c1-logistic"
TITLE = "Logistic regression as a one-neuron network, recall and specificity"
REPORTED = "~88% validation accuracy (the original's photo task)"


def run(nn, quick=False, out=None, data_dir=None):
    result = Result(NAME, REPORTED)
    x_train, t_train, x_test, t_test = binary_task.load(nn, 400 if quick else 3000, 300 if quick else 2000,
                                                          directory=data_dir, result=result)
    model = nn.Sequential([nn.Dense(784, 1, init="zeros"), nn.Sigmoid()])
    history = model.fit(x_train, t_train, loss=nn.BinaryCrossEntropy(), optimizer=nn.SGD(0.5),
                        epochs=80 if quick else 200, batch_size=None, seed=0, progress=False)
    r = binary_task.report(nn, model, x_test, t_test)
    result.check("the loss falls below half its start", history["loss"][-1] < history["loss"][0] / 2)
    result.check("accuracy above the 90% of always saying no", r["accuracy"] > 0.9)
    result.check("recall above 15%" if quick else "recall above 40%", r["recall"] > (0.15 if quick else 0.4))
    folder = output_dir(out, NAME)
    if folder:
        result.picture(pictures.line_chart(f"{folder}/loss.svg", {"training loss": history["loss"]},
                                           title="Logistic regression, full-batch gradient descent",
                                           y_label="binary cross-entropy"))
        result.picture(pictures.confusion_matrix(f"{folder}/confusion.svg", r["confusion_matrix"],
                                                 class_names=["not 8", "8"], title="Is it an 8?"))
    return result.finish(f"test accuracy {r['accuracy']:.1%}, recall {r['recall']:.1%}, specificity "
                         f"{r['specificity']:.1%} (digit 8 vs rest)")
