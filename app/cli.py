"""The main command: `python -m pure` trains an MLP on MNIST and reports test accuracy.

    python -m pure                        # an MLP with the DEFAULTS below, on the 10,000 shipped digits
    python -m pure --epochs 5 --hidden 128,64 --data-dir ~/mnist   # full 60,000 if present
    python -m vectorized --model cnn      # a convolutional network (see build_cnn)
    python -m pure --help

Subcommands (the same in both twins; plain `python -m pure ...` is `train`):

    python -m pure train [flags]                          # the main command, by its name
    python -m pure evaluate MODEL.json [--dataset D] [--data-dir DIR] [--out DIR]
    python -m pure predict MODEL.json IMAGE... [--top 3] [--explain OUT.png]

It loads the training digits (by default the 10,000 shipped in data/mnist/,
or the full set if `python -m data download mnist` fetched it), trains with a
live progress line, prints accuracy on the official 10,000-image test set, and
saves the model as JSON (loadable by either twin) with its loss and what it
was trained on. The network's shape, epochs and learning rate come from
DEFAULTS (the pure twin) and VECTORIZED_DEFAULTS (app/arrays.py); `--help`
shows them. The vectorized twin's command (`python -m vectorized`) is this
same code run with numpy arrays: see `run()` and app/arrays.py. evaluate and
predict are in app/usemodel.py, serve in app/serve.py.

This is the application, not the library: it calls a twin (`nn`, the package
pure or vectorized) and the twins never call it.
"""
from __future__ import annotations

import argparse
import math
import os
import shlex
import sys
import time
import warnings
from collections.abc import Sequence

# Chosen on a validation split of the shipped training digits (benchmarks/accuracy.py: the best
# validation score among settings that train within 4 CPU minutes): 95.65% on the official test
# set in 188 CPU-seconds for the whole command on CPython (2026-11-30).
DEFAULTS = {"epochs": 6, "hidden": "96", "batch_size": 32, "lr": 0.1, "optimizer": "momentum", "lr_decay": 0.8}
# --model cnn changes these defaults (a twin may give its own as defaults["cnn"]).
CNN_DEFAULTS = {"epochs": 12, "hidden": "256", "batch_size": 32, "lr": 0.001, "optimizer": "adam", "lr_decay": 0.85,
                "filters": "32,64", "dropout": 0.5}
MODELS = ("mlp", "cnn")


def parse_args(argv, twin: str, defaults=DEFAULTS):
    from .targets import one_line_errors
    first = one_line_errors(argparse.ArgumentParser(prog=f"python -m {twin} [train]", add_help=False))
    first.add_argument("--model", choices=MODELS, default="mlp")
    model = first.parse_known_args(argv)[0].model
    if model == "cnn":
        defaults = dict(defaults, **defaults.get("cnn", CNN_DEFAULTS))
    p = argparse.ArgumentParser(
        prog=f"python -m {twin} [train]",
        epilog=f"Other subcommands: python -m {twin} evaluate MODEL.json (accuracy, confusion matrix, pictures); "
               f"python -m {twin} predict MODEL.json IMAGE... (classify your own images); "
               f"python -m pure serve [MODEL.json] (draw digits, train and read the pure twin in your browser). "
               f"Each has --help.",
        description=f"Train a multilayer perceptron (or, with --model cnn, a convolutional network) on "
                    f"MNIST with the {twin} twin, print its accuracy on the official test set and save it "
                    f"as JSON. The defaults shown are those of --model {model}.")
    p.add_argument("--model", choices=MODELS, default="mlp",
                   help="mlp: dense layers; cnn: conv 5x5, max-pool 2, conv 5x5, max-pool 2 (see --filters), "
                        "then the --hidden dense layers (default %(default)s). A CNN is slow on the pure twin: "
                        "minutes per thousand digits; try --limit 1000 --test-limit 1000 --filters 8,16")
    p.add_argument("--filters", default=defaults.get("filters", "32,64"),
                   help="--model cnn: filters of the two convolutions (default %(default)s)")
    p.add_argument("--dropout", type=float, default=defaults.get("dropout", 0.0),
                   help="--model cnn: dropout before the last dense layer (default %(default)s)")
    p.add_argument("--epochs", type=int, default=defaults["epochs"],
                   help="passes over the training set (default %(default)s)")
    p.add_argument("--hidden", default=defaults["hidden"],
                   help="hidden (dense) layer sizes, comma-separated, e.g. 128,64 (default %(default)s)")
    p.add_argument("--activation", default="relu",
                   help="hidden activation: relu, leaky_relu, tanh, sigmoid, elu, ... (default %(default)s)")
    p.add_argument("--batch-size", type=int, default=defaults["batch_size"],
                   help="examples per step; 1 = per-sample SGD (default %(default)s)")
    p.add_argument("--lr", type=float, default=defaults["lr"], help="learning rate (default %(default)s)")
    p.add_argument("--optimizer", default=defaults["optimizer"], choices=["sgd", "momentum", "adam"],
                   help="sgd, momentum (SGD with momentum 0.9) or adam (default %(default)s)")
    p.add_argument("--lr-decay", type=float, default=defaults.get("lr_decay", 0.8),
                   help="multiply the learning rate by this after every epoch (default %(default)s; 1 = off)")
    p.add_argument("--seed", type=int, default=0, help="seed for weights and shuffling (default %(default)s)")
    p.add_argument("--dataset", default="mnist", choices=["mnist", "fashion-mnist"],
                   help="which dataset (default %(default)s)")
    p.add_argument("--data-dir", default=None,
                   help="folder with the standard IDX files (e.g. the full 60,000-image set); default: the "
                        "download folder ($TWINNET_DATA/<dataset> or ~/.cache/twinnet/<dataset>, filled by "
                        "`python -m data download`) if it holds the files, else the MNIST pieces shipped in "
                        "data/mnist/")
    p.add_argument("--limit", type=int, default=None, help="use only the first N training images")
    p.add_argument("--test-limit", type=int, default=None, metavar="N",
                   help="test on only the first N test images (default: all 10,000), for quick runs")
    p.add_argument("--out", default=None,
                   help=f"where to save the model (default runs/<dataset>-<model>-{twin}.json)")
    p.add_argument("--checkpoint", default=None, metavar="PATH",
                   help="save the whole training run (weights, optimizer state, random generators, "
                        "epoch, history) to PATH after every --checkpoint-every epochs, atomically")
    p.add_argument("--checkpoint-every", type=int, default=None, metavar="N",
                   help="epochs between checkpoints (with --checkpoint; default 1)")
    p.add_argument("--resume", action="store_true",
                   help="continue the run saved in --checkpoint PATH, if that file exists; the result is "
                        "the same, bit for bit, as a run that was never interrupted")
    p.add_argument("--no-progress", action="store_true", help="no live progress line")
    p.add_argument("--quiet", action="store_true", help="print only the final result")
    one_line_errors(p)
    args = p.parse_args(argv)
    try:                                    # every item a number: '' or 96,,64 is not what anyone meant
        args.hidden_sizes = [int(h) for h in args.hidden.split(",")]
    except ValueError:
        p.error(f"--hidden must be comma-separated integers such as 128,64 (one per hidden layer), "
                f"got {args.hidden!r}")
    for name in ("epochs", "batch_size"):
        if getattr(args, name) < 1:
            p.error(f"--{name.replace('_', '-')} must be at least 1")
    if not 0 < args.lr < math.inf:
        p.error(f"--lr must be positive and finite, got {args.lr}")
    if args.limit is not None and args.limit < 1:
        p.error(f"--limit must be at least 1, got {args.limit}")
    if args.test_limit is not None and args.test_limit < 1:
        p.error(f"--test-limit must be at least 1, got {args.test_limit}")
    try:
        from pure.activations import get as activation
        activation(args.activation)
    except ValueError as e:
        p.error(f"--activation: {e}")
    if not 0 < args.lr_decay <= 1:
        p.error("--lr-decay must be in (0, 1]")
    if any(h < 1 for h in args.hidden_sizes):
        p.error("--hidden sizes must be positive")
    try:
        args.filter_counts = [int(f) for f in args.filters.split(",")]
    except ValueError:
        args.filter_counts = []
    if len(args.filter_counts) != 2 or min(args.filter_counts) < 1:
        p.error(f"--filters must be two positive integers, e.g. 32,64; got {args.filters!r}")
    if not 0 <= args.dropout < 1:
        p.error("--dropout must be in [0, 1)")
    if model == "mlp" and (args.filters != defaults.get("filters", "32,64") or args.dropout != 0.0):
        p.error("--filters and --dropout are for --model cnn")
    if args.checkpoint_every is not None and args.checkpoint is None:
        p.error("--checkpoint-every needs --checkpoint PATH (the file to save the run to)")
    if args.checkpoint_every is None:
        args.checkpoint_every = 1
    if args.checkpoint_every < 1:
        p.error("--checkpoint-every must be at least 1")
    if args.resume and args.checkpoint is None:
        p.error("--resume needs --checkpoint PATH (the file to continue from)")
    if args.checkpoint and args.out and os.path.realpath(args.checkpoint) == os.path.realpath(args.out):
        p.error("--checkpoint and --out are the same file: the model would overwrite the checkpoint")
    return args


def build_mlp(nn, n_in, hidden_sizes, n_out, activation, seed):
    """784 -> hidden... -> 10 with He weights for ReLU-like units, Xavier otherwise."""
    init = "he" if activation.lower() in ("relu", "leaky_relu", "leakyrelu", "elu") else "xavier"
    layers, width = [], n_in
    for i, h in enumerate(hidden_sizes):
        layers += [nn.Dense(width, h, init=init, seed=seed + i), nn.activations.get(activation)]
        width = h
    layers.append(nn.Dense(width, n_out, init="xavier", seed=seed + len(hidden_sizes)))
    return nn.Sequential(layers)


def build_cnn(nn, image_shape, hidden_sizes, n_out, activation, seed, filters=(32, 64), dropout=0.0):
    """Two convolution blocks, then dense layers: on (1, 28, 28) digits, with filters (f1, f2),

        conv 5x5, f1 filters -> act -> max-pool 2     (f1, 12, 12)
        conv 5x5, f2 filters -> act -> max-pool 2     (f2, 4, 4)
        flatten (16 f2) -> dense hidden... -> act -> [dropout] -> dense n_out

    He weights for ReLU-like units, Xavier otherwise. Needs images of at least 16x16.
    """
    init = "he" if activation.lower() in ("relu", "leaky_relu", "leakyrelu", "elu") else "xavier"
    channels, (f1, f2) = image_shape[0], filters
    layers = [nn.Conv2D(channels, f1, 5, init=init, seed=seed), nn.activations.get(activation), nn.MaxPool2D(2),
              nn.Conv2D(f1, f2, 5, init=init, seed=seed + 1), nn.activations.get(activation), nn.MaxPool2D(2),
              nn.Flatten()]
    shape = tuple(image_shape)
    for layer in layers:                     # the width Flatten gives, from the layers' own shape rules
        shape = layer.output_shape(shape)
    width = shape[0]
    for i, h in enumerate(hidden_sizes):
        layers += [nn.Dense(width, h, init=init, seed=seed + 2 + i), nn.activations.get(activation)]
        width = h
    if dropout:
        layers.append(nn.Dropout(dropout, seed=seed + 3 + len(hidden_sizes)))
    layers.append(nn.Dense(width, n_out, init="xavier", seed=seed + 2 + len(hidden_sizes)))
    return nn.Sequential(layers)


class ImageBatch(Sequence):
    """data.Images seen as one-channel images: item i is [rows x cols floats] (1 x rows x cols), made on demand."""

    def __init__(self, images):
        self.images = images

    def __len__(self):
        return len(self.images)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return ImageBatch(self.images[index])
        return [self.images.image(index)]


def to_inputs(images, as_images: bool = False):
    """The pure twin trains on data.Images directly: a list-like of float rows, made on demand.

    as_images=True: a list-like of (1, rows, cols) images, for a CNN (see ImageBatch).
    """
    return ImageBatch(images) if as_images else images


def writable(path: str, flag: str):
    """Can a file be saved at `path`? Creates its folder; None if so, else why not (checked before training:
    a folder, a device, a file where a folder should be, a read-only folder, a full disk)."""
    from pure.modelfile import ModelFileError, writable_target
    folder = os.path.dirname(os.path.abspath(path))
    try:
        os.makedirs(folder, exist_ok=True)
        writable_target(path)
    except ModelFileError as e:
        return f"{flag}: {e}"
    except (FileExistsError, NotADirectoryError):
        return f"{flag} {path}: {folder} (or a folder above it) is a file, not a folder"
    except OSError as e:
        return f"{flag} {path}: cannot create the folder {folder}: {e.strerror}"
    probe = os.path.join(folder, f".{os.path.basename(path)}.{os.getpid()}.probe")
    try:                                    # write a little and sync: a full disk says so now
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, bytes(1 << 16))
            os.fsync(fd)
        finally:
            os.close(fd)
            os.unlink(probe)
    except OSError as e:
        return f"{flag} {path}: cannot write in {folder}: {e.strerror}"
    return None


def preflight(args, train_images, test_images, out):
    """What the run needs after training, checked before the first epoch; None or what is wrong."""
    if len(train_images) == 0:
        return f"no training images in {args.data_dir or 'the data folder'}"
    if len(test_images) == 0:
        return f"the test set in {args.data_dir or 'the data folder'} holds no images"
    if (test_images.rows, test_images.cols) != (train_images.rows, train_images.cols):
        return (f"the test images are {test_images.rows}x{test_images.cols} but the training images "
                f"{train_images.rows}x{train_images.cols}: a model trained on one cannot be tested on the other")
    if args.checkpoint:
        problem = writable(args.checkpoint, "--checkpoint")
        if problem:
            return problem
    return writable(out, "--out")


def target_refusal(args, out):
    """--out and --checkpoint, checked before the data is loaded (app/targets.py): None or what is wrong.

    Neither may be '', a folder, a device, a pipe, a path under a file or one of the data files;
    --out never replaces a checkpoint, and --checkpoint replaces an existing file only with --resume."""
    from data.errors import DataError
    from data.files import file_format
    from data.mnist import find_files

    from .targets import file_refusal, refusal
    inputs = []
    for split in ("train", "test"):
        try:
            inputs += find_files(split, args.data_dir, args.dataset)
        except (DataError, OSError, ValueError):
            pass                            # said when the data is loaded
    problem = file_refusal("--out", out, inputs, picture=False)
    if problem:
        return problem
    if file_format(out) == "twinnet-checkpoint":
        return refusal("--out", out, "it is a checkpoint (another run's?), not a model file; --out never "
                                     "replaces one: choose another path")
    if args.checkpoint is None:
        return None
    problem = file_refusal("--checkpoint", args.checkpoint, inputs, picture=False)
    if problem:
        return problem
    if os.path.exists(args.checkpoint) and not args.resume:
        return (f"--checkpoint {args.checkpoint} already exists (another run's checkpoint?); add --resume to "
                f"continue that run, or remove the file (or choose another path) to start afresh")
    return None


def resume_command(twin: str, argv) -> str:
    """The command that continues an interrupted run: the same arguments, and --resume.

    >>> resume_command("pure", ["--epochs", "3", "--checkpoint", "run.json"])
    'python -m pure --epochs 3 --checkpoint run.json --resume'
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    return f"python -m {twin} " + " ".join(shlex.quote(a) for a in argv + ([] if "--resume" in argv else ["--resume"]))


def expected_epoch(nn, model, optimizer, x, y, batch_size) -> str:
    """'about 0:00:48 per epoch', from one training step on copies of the model and optimizer (the run's own
    weights and state untouched), timed again if it was quick (a first call may pay for warming up)."""
    import copy

    from pure.progress import format_duration
    n = min(batch_size, len(x))
    xb, yb = [x[i] for i in range(n)], [y[i] for i in range(n)]
    best = math.inf
    for _ in range(2):
        start = time.perf_counter()
        try:
            nn.train_step(copy.deepcopy(model), nn.CrossEntropy(), copy.deepcopy(optimizer), xb, yb)
        except (ArithmeticError, ValueError):       # fit says what is wrong, in its own words
            return "time per epoch not known"
        best = min(best, time.perf_counter() - start)
        if best > 0.5:
            break
    return f"about {format_duration(best * len(x) / n)} per epoch (one batch of {n} timed)"


def run(nn, argv=None, to_inputs=to_inputs, defaults=DEFAULTS) -> int:
    import data

    args = parse_args(argv, nn.TWIN, defaults)
    say = (lambda *a: None) if args.quiet else print
    out = args.out if args.out is not None else os.path.join("runs", f"{args.dataset}-{args.model}-{nn.TWIN}.json")
    problem = target_refusal(args, out)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    try:
        train_images, train_labels = data.load_mnist("train", args.data_dir, args.dataset, args.limit)
        test_images, test_labels = data.load_mnist("test", args.data_dir, args.dataset, args.test_limit)
    except (data.DataError, OSError, ValueError) as e:      # (ValueError: e.g. images of 0x0 pixels)
        print(f"error: {args.data_dir or 'the data'}: {e}", file=sys.stderr)
        return 2
    problem = preflight(args, train_images, test_images, out)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    try:
        if args.model == "cnn":
            x_train, x_test = to_inputs(train_images, as_images=True), to_inputs(test_images, as_images=True)
            model = build_cnn(nn, (1, train_images.rows, train_images.cols), args.hidden_sizes, 10,
                              args.activation, args.seed, filters=args.filter_counts, dropout=args.dropout)
        else:
            x_train, x_test = to_inputs(train_images), to_inputs(test_images)
            model = build_mlp(nn, train_images.image_size, args.hidden_sizes, 10, args.activation, args.seed)
    except ValueError as e:                 # e.g. images too small for the CNN's windows, a layer over the budget
        sizes = f"--hidden {args.hidden}" + (f", --filters {args.filters}" if args.model == "cnn" else "")
        print(f"error: --model {args.model} on {train_images.rows}x{train_images.cols} images ({sizes}): {e}",
              file=sys.stderr)
        return 2
    optimizer = {"sgd": lambda: nn.SGD(args.lr), "momentum": lambda: nn.SGD(args.lr, momentum=0.9),
                 "adam": lambda: nn.Adam(args.lr)}[args.optimizer]()
    say(f"{nn.TWIN}: {model!r}, {model.count_params():,} parameters")
    expected = "" if args.quiet else "; " + expected_epoch(nn, model, optimizer, x_train, train_labels, args.batch_size)
    say(f"training on {len(train_images):,} {args.dataset} images, testing on {len(test_images):,}; "
        f"{args.optimizer} lr {args.lr}, batch {args.batch_size}, {args.epochs} epochs, seed {args.seed}{expected}")

    trained_epochs = []

    def decay(epoch, history):
        optimizer.lr *= args.lr_decay
        trained_epochs.append(epoch)
    resuming = args.resume and os.path.exists(args.checkpoint)
    if resuming:
        say(f"resuming from {args.checkpoint}")
    start = time.perf_counter()
    with warnings.catch_warnings():         # fit's warnings (a resume ignoring --seed, a checkpoint
        warnings.simplefilter("always")     # that could not be written) as plain lines
        warnings.showwarning = lambda message, *rest, **more: print(f"warning: {message}", file=sys.stderr)
        try:
            history = model.fit(x_train, train_labels, loss=nn.CrossEntropy(), optimizer=optimizer,
                                epochs=args.epochs, batch_size=args.batch_size, seed=args.seed, callback=decay,
                                progress=False if (args.no_progress or args.quiet) else None,
                                verbose=not args.quiet, checkpoint=args.checkpoint,
                                checkpoint_every=args.checkpoint_every, resume=args.resume)
        except nn.TrainingError as e:
            print(f"error: {e}", file=sys.stderr)
            return 1
        except nn.ModelFileError as e:          # a checkpoint that cannot be resumed
            print(f"error: {e}", file=sys.stderr)
            return 2
        except KeyboardInterrupt:
            how = (f"resume with: {resume_command(nn.TWIN, argv)}" if args.checkpoint else
                   "nothing was saved; run with --checkpoint PATH to be able to resume")
            print(f"\ninterrupted; {how}", file=sys.stderr)
            return 130
    seconds = time.perf_counter() - start
    results = model.evaluate(x_test, test_labels)
    model.trained_on = {"command": f"python -m {nn.TWIN} train", "dataset": args.dataset,
                        "train_images": len(train_images), "epochs": args.epochs, "seed": args.seed,
                        "test_images": len(test_images), "test_accuracy": results["accuracy"],
                        "test_loss": results["loss"]}
    try:
        nn.save(model, out)
    except (OSError, ValueError) as e:      # after a preflight check: the disk filled up while training?
        rescue = os.path.join(os.path.expanduser("~"), f"rescued-{os.path.basename(out)}")
        print(f"error: could not save the model to {out}: {e}", file=sys.stderr)
        try:
            nn.save(model, rescue)
            print(f"the trained model was saved to {rescue} instead", file=sys.stderr)
        except (OSError, ValueError):
            pass
        return 1
    done = len(history["loss"])
    trained = (f"the run in {args.checkpoint} had already finished ({done} epoch{'s' if done != 1 else ''}); "
               f"not trained again" if resuming and not trained_epochs else
               f"trained in {seconds:.1f}s ({seconds / max(1, args.epochs):.1f}s per epoch)")
    print(f"test accuracy {results['accuracy']:.2%} (loss {results['loss']:.4f}) on {len(test_images):,} "
          f"test images; {trained}; model saved to {out}")
    if not math.isfinite(results["loss"]):
        print(f"error: the test loss is {results['loss']}: the model's outputs overflow (a learning rate of "
              f"{args.lr} too large?)", file=sys.stderr)
        return 1
    return 0


SUBCOMMANDS = ("train", "evaluate", "predict", "serve")


def dispatch(nn, argv=None, to_inputs=to_inputs, defaults=DEFAULTS, to_tensor=None) -> int:
    """`python -m <twin> [train|evaluate|predict] ...`: no subcommand (or a flag first) means train."""
    if hasattr(sys.stdout, "reconfigure") and not sys.stdout.isatty():   # (a test's stand-in may have neither)
        sys.stdout.reconfigure(line_buffering=True)     # piped or logged: each line when it is printed
    return quiet_on_closed_pipe(_dispatch, nn, argv, to_inputs, defaults, to_tensor)


def quiet_on_closed_pipe(command, *args) -> int:
    """command(*args)'s exit status, or 141 (128 + SIGPIPE, as a shell reports) with no traceback when the
    reader of standard output went away (`... | head`): the entry points of pure, vectorized, lessons,
    conformance, tests.mutate and tests.fuzz run through this (data/__main__.py, which may not import app/,
    says the same in its own lines)."""
    try:
        try:
            return command(*args)
        finally:                        # (after a SystemExit too, as argparse's --help raises)
            sys.stdout.flush()          # a reader that went away is noticed here, not at interpreter exit
    except BrokenPipeError:             # `... | head` closed our standard output: stop quietly, as Unix tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())   # no second error when Python flushes
        return 141


def _dispatch(nn, argv, to_inputs, defaults, to_tensor) -> int:
    from . import usemodel

    argv = sys.argv[1:] if argv is None else list(argv)
    command = argv[0] if argv and argv[0] in SUBCOMMANDS else None
    if command == "evaluate":
        return usemodel.evaluate_command(nn, argv[1:], to_inputs, to_tensor)
    if command == "predict":
        return usemodel.predict_command(nn, argv[1:], to_inputs, to_tensor)
    if command == "serve":              # the pages of web/, where the pure twin runs in the browser
        from . import serve
        return serve.main(argv[1:])
    if command == "train":
        argv = argv[1:]
    elif argv and not argv[0].startswith("-"):
        print(f"python -m {nn.TWIN}: unknown subcommand {argv[0]!r}; choose train (the default), evaluate, "
              f"predict or serve (each has --help)", file=sys.stderr)
        return 2
    try:
        return run(nn, argv, to_inputs=to_inputs, defaults=defaults)
    except KeyboardInterrupt:               # outside training (loading, testing): nothing to resume
        print("\ninterrupted", file=sys.stderr)
        return 130


def main(argv=None) -> int:
    import pure
    return dispatch(pure, argv)
