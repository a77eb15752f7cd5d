"""After training: `evaluate` a saved model on a test set, `predict` the digit in your own images.

    python -m pure evaluate runs/mnist-mlp-pure.json             # accuracy, loss, confusion matrix, pictures
    python -m pure predict runs/mnist-mlp-pure.json digit.png --top 3 --explain why.png

The two subcommands of the main command (app/cli.py dispatches to them; the
vectorized twin runs this same code with numpy arrays, see app/arrays.py).

evaluate loads the model, runs it over the official test set (or --dataset /
--data-dir), and prints accuracy and mean loss computed exactly as `fit` and
`evaluate` compute them (so the accuracy is the one the main command printed
for the same model), the confusion matrix (row = true class, column =
predicted), precision and recall per class, and the most frequent confusions.
It draws, with the standard library (pictures/): confusion.svg and
mistakes.png (the 32 mistakes the model was most sure of, framed in red,
captioned "7 T=1": predicted 7, true 1).

predict reads each image (PNG of any kind, PGM/PPM, IDX: data/imagefiles.py),
prepares it as MNIST digits were prepared (data/prepare.py: grey, ink bright
on dark, cropped, 20 px, centred by mass in 28 x 28) and prints the top
classes with their softmax probabilities. --explain draws, for each image, the
prepared input beside its saliency: |dL/dx| per pixel, where L is the
cross-entropy of the predicted class, obtained from one `backward` through the
network. Bright pixels are those whose change would move the decision most.

What this is not: a server or a batch tool for thousands of files (each image
is prepared in pure Python, ~0.01-0.1 s), nor a calibrated confidence: a
softmax probability is the model's own, over-confident, opinion.
"""
from __future__ import annotations

import argparse
import os
import sys

from pure.activations import Softmax
from pure.ops import argmax, flatten, reshape

from .targets import file_refusal, folder_refusal, one_line_errors

SPLITS = ("test", "train")


def is_image_model(model) -> bool:
    """Does the model take (1, rows, cols) images (a CNN) rather than flat rows of pixels?"""
    return type(model.layers[0]).__name__ == "Conv2D"


def _as_lists(x):
    return x.tolist() if hasattr(x, "tolist") else [list(r) for r in x]


def load_model(nn, path):
    """nn.load(path), or None after printing the reason (a missing or broken file)."""
    try:
        return nn.load(path)
    except (nn.ModelFileError, OSError) as e:
        print(f"error: {e}", file=sys.stderr)
        return None


def dataset_of(model, chosen=None) -> str:
    """The dataset a loaded model is used with: `chosen` (--dataset), else the one its file records
    (trained_on, written by the main command), else mnist (also for a name this command does not know)."""
    from data.mnist import DATASETS
    dataset = chosen or (getattr(model, "trained_on", None) or {}).get("dataset") or "mnist"
    return dataset if dataset in DATASETS else "mnist"


# ---------------------------------------------------------------------------
# evaluate
# ---------------------------------------------------------------------------

def evaluate_parser(twin: str):
    p = argparse.ArgumentParser(
        prog=f"python -m {twin} evaluate",
        description="Measure a saved model on a test set: accuracy and loss (as fit computes them), the "
                    "confusion matrix, precision and recall per class, and pictures of the confusion "
                    "matrix and of the worst mistakes.")
    p.add_argument("model", metavar="MODEL.json", help="a model saved by either twin (e.g. by the main command)")
    p.add_argument("--dataset", default=None, choices=["mnist", "fashion-mnist"],
                   help="which dataset (default: the one the model file says it was trained on, else mnist)")
    p.add_argument("--data-dir", default=None,
                   help="a folder with the standard IDX files; default: the download folder "
                        "($TWINNET_DATA or ~/.cache/twinnet) if it holds them, else the shipped MNIST pieces")
    p.add_argument("--split", default="test", choices=SPLITS, help="which split (default %(default)s)")
    p.add_argument("--limit", type=int, default=None, help="only the first N images")
    p.add_argument("--out", default=None, metavar="DIR",
                   help="folder for confusion.svg and mistakes.png (default: MODEL-evaluate/ beside the model)")
    p.add_argument("--quiet", action="store_true", help="print only the accuracy line")
    return one_line_errors(p)


def evaluate_command(nn, argv, to_inputs, to_tensor=None) -> int:
    import data
    import pictures

    args = evaluate_parser(nn.TWIN).parse_args(argv)
    if args.limit is not None and args.limit < 1:
        print("error: --limit must be at least 1", file=sys.stderr)
        return 2
    out = os.path.splitext(args.model)[0] + "-evaluate" if args.out is None else args.out
    problem = folder_refusal("--out", out, files=("confusion.svg", "mistakes.png"), inputs=[args.model])
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    model = load_model(nn, args.model)
    if model is None:
        return 2
    record = getattr(model, "trained_on", {}) or {}
    dataset = dataset_of(model, args.dataset)
    where = f"the {dataset} {args.split} set" + (f" in {args.data_dir}" if args.data_dir else "")
    try:
        images, labels = data.load_mnist(args.split, args.data_dir, dataset, args.limit)
    except (data.DataError, OSError, ValueError) as e:      # (ValueError: e.g. images of 0x0 pixels)
        print(f"error: {where}: {e}", file=sys.stderr)
        return 2
    if len(images) == 0:
        print(f"error: {where} holds no images: nothing to evaluate", file=sys.stderr)
        return 2
    loss = model.loss
    loss_note = ""
    if loss is None:
        loss = nn.CrossEntropy()
        loss_note = " (the file records no loss; CrossEntropy, the main command's, is used)"
    x = to_inputs(images, as_images=is_image_model(model))
    y = list(labels)
    try:
        scores = model.predict(x)
    except ValueError as e:
        print(f"error: {args.model} does not take {images.rows}x{images.cols} {dataset} images: {e}",
              file=sys.stderr)
        return 2
    names = data.class_names(dataset)
    problem = misfit(model, loss, scores, len(names))
    if problem:
        print(f"error: {args.model} does not fit {where}: {problem}", file=sys.stderr)
        return 2
    # The very computations of Sequential.evaluate, on the one prediction (see pure/network.py).
    mean_loss = nn.training.batched_loss(loss, scores, y)
    accuracy = nn.accuracy(y_true=y, y_pred=scores)
    matrix = nn.confusion_matrix(y_true=y, y_pred=scores, n_classes=10)
    precision, recall = nn.precision_recall(matrix)

    print(f"{args.model}: accuracy {accuracy:.2%}, loss {mean_loss:.4f} ({type(loss).__name__}{loss_note}) "
          f"on {len(y):,} {dataset} {args.split} images")
    if not args.quiet:                  # --quiet: the accuracy line only (the pictures are still drawn)
        if "test_accuracy" in record and args.split == "test" and args.limit is None and args.data_dir is None:
            print(f"  (when trained, the main command printed test accuracy {record['test_accuracy']:.2%})")
        print(confusion_text(matrix, names))
        print(per_class_text(matrix, precision, recall, names))
        top = most_confused(matrix, 5)
        if top:
            print("most frequent confusions: " + ", ".join(f"{names[t]} read as {names[p]} ({n})"
                                                             for n, t, p in top))

    probabilities = Softmax().forward(_as_lists(scores))        # plain lists, from either twin
    predicted = [argmax(row) for row in probabilities]
    mistakes = [i for i in range(len(y)) if predicted[i] != y[i]]
    mistakes.sort(key=lambda i: (probabilities[i][y[i]], i))          # least probability on the truth first
    worst = mistakes[:32]
    confusion_path = pictures.confusion_matrix(os.path.join(out, "confusion.svg"), matrix, class_names=names,
                                               title=f"{os.path.basename(args.model)}: {accuracy:.2%}")
    written = [confusion_path]
    if worst:
        rows = (len(worst) + 7) // 8
        written.append(pictures.image_grid(os.path.join(out, "mistakes.png"), [images[i] for i in worst],
                                           rows=rows, cols=min(8, len(worst)),
                                           labels=[(predicted[i], y[i]) for i in worst], scale=2))
    if not args.quiet:
        print(f"pictures: {', '.join(written)}" + (f" (the {len(worst)} surest mistakes, caption "
                                                   f"'7 T=1' = predicted 7, true 1)" if worst else ""))
    return 0


def misfit(model, loss, scores, classes: int):
    """Why a model's outputs and loss cannot be measured against class labels 0..classes-1, or None:
    evaluate measures a classifier, one score per class, trained with CrossEntropy."""
    width = len(scores[0]) if len(scores) and hasattr(scores[0], "__len__") else None
    if width != classes:
        return (f"it gives {width if width is not None else 'no row of'} scores per image, but the data has "
                f"{classes} classes (a model trained for other data?)")
    if type(loss).__name__ != "CrossEntropy":
        return (f"its file records the loss {type(loss).__name__}, which needs targets shaped like the outputs, "
                f"not class labels; evaluate measures classifiers trained with CrossEntropy")
    return None


def confusion_text(matrix, names) -> str:
    """The confusion matrix as a text table: rows are true classes, columns predicted."""
    width = max(5, max(len(str(v)) for row in matrix for v in row) + 1)
    short = [str(i) for i in range(len(names))]
    lines = ["confusion matrix (row = true class, column = predicted):",
             "      " + "".join(s.rjust(width) for s in short)]
    for k, row in enumerate(matrix):
        lines.append(short[k].rjust(4) + "  " + "".join(str(v).rjust(width) for v in row))
    return "\n".join(lines)


def per_class_text(matrix, precision, recall, names) -> str:
    lines = ["class              precision  recall  examples"]
    for k, name in enumerate(names):
        lines.append(f"{k} {name[:15]:<15}  {precision[k]:9.2%}  {recall[k]:6.2%}  {sum(matrix[k]):8,}")
    return "\n".join(lines)


def most_confused(matrix, count):
    """The `count` largest off-diagonal cells: (n, true, predicted)."""
    cells = [(matrix[t][p], t, p) for t in range(len(matrix)) for p in range(len(matrix)) if t != p and matrix[t][p]]
    return sorted(cells, key=lambda c: (-c[0], c[1], c[2]))[:count]


# ---------------------------------------------------------------------------
# predict
# ---------------------------------------------------------------------------

def predict_parser(twin: str):
    p = argparse.ArgumentParser(
        prog=f"python -m {twin} predict",
        description="Classify your own images with a saved model. Each image (PNG, PGM/PPM, IDX) is "
                    "prepared like an MNIST digit: grey, inverted if the paper is light, cropped to the ink, "
                    "scaled to 20 pixels, centred by mass in 28x28 (see data/prepare.py).")
    p.add_argument("model", metavar="MODEL.json", help="a model saved by either twin")
    p.add_argument("images", metavar="IMAGE", nargs="+", help="image files, one digit each")
    p.add_argument("--top", type=int, default=3, help="how many classes to show per image (default %(default)s)")
    p.add_argument("--explain", default=None, metavar="OUT.png",
                   help="draw each prepared input beside its saliency |dL/dx| (which pixels decided)")
    p.add_argument("--dataset", default=None, choices=["mnist", "fashion-mnist"],
                   help="class names to print (default: the model file's dataset, else mnist)")
    return one_line_errors(p)


def predict_command(nn, argv, to_inputs, to_tensor=None) -> int:
    import data
    import pictures

    to_tensor = to_tensor or (lambda rows: rows)
    args = predict_parser(nn.TWIN).parse_args(argv)
    if args.top < 1:
        print("error: --top must be at least 1", file=sys.stderr)
        return 2
    if args.explain is not None:
        problem = file_refusal("--explain", args.explain, inputs=[args.model, *args.images])
        if problem:
            print(f"error: {problem}", file=sys.stderr)
            return 2
    model = load_model(nn, args.model)
    if model is None:
        return 2
    dataset = dataset_of(model, args.dataset)
    names = data.class_names(dataset)
    image_model = is_image_model(model)
    if dataset == "fashion-mnist":
        print("note: images are prepared as MNIST's digits were (20 px box, centred by mass); Fashion-MNIST's "
              "pictures were made differently (scaled to fill 28x28), so expect weaker results", file=sys.stderr)

    prepared, paths, failed = [], [], 0
    for path in args.images:
        try:
            prepared.append(data.prepare_file(path))
            paths.append(path)
        except data.DataError as e:
            print(f"error: {e}", file=sys.stderr)
            failed += 1
    if not prepared:
        return 2

    def batch(rows):
        return to_tensor([reshape(r, (1, 28, 28)) for r in rows] if image_model else rows)

    try:
        scores = _as_lists(model.predict(batch(prepared)))
    except ValueError as e:
        print(f"error: {args.model} does not take 28x28 images: {e}", file=sys.stderr)
        return 2
    probabilities = Softmax().forward(scores)
    top = min(args.top, len(probabilities[0]))
    for path, row in zip(paths, probabilities):
        order = sorted(range(len(row)), key=lambda k: (-row[k], k))[:top]
        label = (lambda k: str(k) if names[k] == str(k) else f"{k} {names[k]}")
        print(f"{path}: " + ", ".join(f"{label(k)} ({row[k]:.1%})" for k in order))

    if args.explain is not None:
        tiles, captions = [], []
        for x, row in zip(prepared, probabilities):
            k = argmax(row)
            s = saliency(nn, model, batch([x]), k)
            top_value = max(s)
            tiles += [x, [v / top_value if top_value > 0 else 0.0 for v in s]]
            captions += [f"in {k}", "why"]
        pictures.image_grid(args.explain, tiles, rows=len(prepared), cols=2, labels=captions, scale=4)
        print(f"explanation: {args.explain} (left: the prepared input; right: |dL/dx|, brightest = most "
              f"decisive pixels)")
    return 1 if failed else 0


def saliency(nn, model, x, target_class):
    """|dL/dx| for one input (a batch of one), L = cross-entropy of `target_class`: 784 floats.

    One forward in evaluation mode, the loss's gradient, one backward to the input.
    """
    modes = [layer.training for layer in model.layers]
    model.eval()
    try:
        loss = nn.CrossEntropy()
        loss.forward(model.forward(x), [target_class])
        grad = _as_lists(model.backward(loss.backward(), need_input_grad=True))[0]
    finally:
        for layer, mode in zip(model.layers, modes):
            layer.training = mode
    return [abs(v) for v in flatten(grad)]
