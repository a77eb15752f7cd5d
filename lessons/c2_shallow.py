"""Series C, step 2: a shallow network (one hidden layer) on the same binary task.

784 -> 32 ReLU -> 1 sigmoid, binary cross-entropy, full-batch gradient descent
(with momentum 0.9, to need fewer epochs). One hidden layer lets the model
combine strokes, where logistic regression could only weigh pixels: recall
on the 8s rises.
"""
import pictures

from . import binary_task
from .common import Result, output_dir

NAME = "c2-shallow"
TITLE = "A shallow network (one hidden layer) on the binary task"
REPORTED = "(a shallow network improves on logistic regression)"


def run(nn, quick=False, out=None, data_dir=None):
    result = Result(NAME, REPORTED)
    x_train, t_train, x_test, t_test = binary_task.load(nn, 400 if quick else 3000, 300 if quick else 2000,
                                                          directory=data_dir, result=result)
    model = nn.Sequential([nn.Dense(784, 32, init="he", seed=0), nn.ReLU(),
                           nn.Dense(32, 1, seed=1), nn.Sigmoid()])
    history = model.fit(x_train, t_train, loss=nn.BinaryCrossEntropy(), optimizer=nn.SGD(0.2, momentum=0.9),
                        epochs=25 if quick else 150, batch_size=None, seed=0, progress=False)
    r = binary_task.report(nn, model, x_test, t_test)
    result.check("accuracy above 92%", r["accuracy"] > 0.92)
    result.check("recall above 25%" if quick else "recall above 50%", r["recall"] > (0.25 if quick else 0.5))
    folder = output_dir(out, NAME)
    if folder:
        result.picture(pictures.line_chart(f"{folder}/loss.svg", {"training loss": history["loss"]},
                                           title="Shallow network", y_label="binary cross-entropy"))
    return result.finish(f"test accuracy {r['accuracy']:.1%}, recall {r['recall']:.1%}, specificity "
                         f"{r['specificity']:.1%}")
