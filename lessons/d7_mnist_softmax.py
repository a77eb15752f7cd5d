"""Series D, post 7: softmax + cross-entropy on MNIST, tanh units, weight decay, momentum, centring.

784 -> hidden tanh -> 10, CrossEntropy (softmax fused), SGD with momentum 0.9
and L2 weight decay, inputs centred (pixel/255 - 0.5, so they average near
zero and tanh units start in their linear range). The series trained on
55,000 images for 100 epochs: 10 hidden units -> 92%, 300 -> 95%. We train on
the 10,000 shipped digits (fewer epochs are enough for this smaller set).
"""
import pictures

from .common import Result, mnist, output_dir

NAME = "d7-mnist-softmax"
TITLE = "MNIST with softmax + cross-entropy, tanh, weight decay, momentum (10 vs 300 hidden)"
REPORTED = "10 hidden -> 92% after 100 epochs; 300 hidden -> 95%"


def run(nn, quick=False, out=None):
    result = Result(NAME, REPORTED)
    x_train, y_train = mnist(nn, "train", limit=500 if quick else None, scale="centered")
    x_test, y_test = mnist(nn, "test", limit=300 if quick else None, scale="centered")
    accuracy, curves = {}, {}
    for hidden in ((10, 20) if quick else (10, 300)):
        model = nn.Sequential([nn.Dense(784, hidden, init="lecun", seed=0), nn.Tanh(),
                               nn.Dense(hidden, 10, seed=1)])
        history = model.fit(x_train, y_train, loss=nn.CrossEntropy(),
                            optimizer=nn.SGD(0.01, momentum=0.9, weight_decay=1e-4), epochs=3 if quick else 30,
                            batch_size=32, validation_data=(x_test, y_test), seed=0, progress=None)
        accuracy[hidden] = history["val_accuracy"][-1]
        curves[f"{hidden} hidden, train"] = history["accuracy"]
        curves[f"{hidden} hidden, test"] = history["val_accuracy"]
    small, large = sorted(accuracy)
    result.check(f"{small} hidden above 60%" if quick else "10 hidden above 90%",
                 accuracy[small] > (0.6 if quick else 0.9))
    result.check("more hidden units do better", accuracy[large] > accuracy[small])
    folder = output_dir(out, NAME)
    if folder:
        result.picture(pictures.line_chart(f"{folder}/accuracy.svg", curves, title="MNIST, tanh + softmax",
                                           y_label="accuracy"))
    return result.finish(", ".join(f"{h} hidden -> {a:.2%}" for h, a in accuracy.items()) + " test accuracy")
