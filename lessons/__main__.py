"""python -m lessons [list | run NAME [--backend pure|vectorized] [--quick] [--out DIR] [--data-dir DIR]]"""
import argparse
import importlib
import inspect
import sys

# The lessons in the order a course would teach them: module names in this folder.
LESSONS = [
    "a1_neuron", "sentiment_rnn", "zhou_cnn",
    "b1_backprop", "b2_quadrants", "b3_mnist_mse", "b4_overflow", "b5_student_teacher", "b6_activations",
    "c1_logistic", "c2_shallow", "c3_deep",
    "d1_linear_neuron", "d2_bias_and_rate", "d3_step_neuron", "d4_two_layer", "d5_backprop_xor",
    "autograd", "d6_hyperparameters", "d7_mnist_softmax", "d8_validation",
    "char_lstm", "micropython_predict",
]


def modules():
    """(module name, module) for every lesson present."""
    found = []
    for name in LESSONS:
        try:
            found.append((name, importlib.import_module(f"lessons.{name}")))
        except ModuleNotFoundError as e:
            if e.name != f"lessons.{name}":
                raise
    return found


def by_name(name):
    for module_name, module in modules():
        if name in (module.NAME, module_name):
            return module
    known = ", ".join(m.NAME for _, m in modules())
    raise SystemExit(f"error: no lesson {name!r}; known: {known}")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m lessons", description=__doc__)
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("list", help="list the lessons (the default)")
    run = sub.add_parser("run", help="run one lesson")
    run.add_argument("name")
    run.add_argument("--backend", choices=["pure", "vectorized"], default="pure")
    run.add_argument("--quick", action="store_true", help="small data, few epochs (what the tests run)")
    run.add_argument("--out", default="lesson-output", help="folder for pictures (default %(default)s)")
    run.add_argument("--data-dir", default=None,
                     help="folder with the MNIST IDX files (e.g. the full 60,000-image training set); default: "
                          "the `python -m data download mnist` folder if it holds them, else the shipped digits")
    args = parser.parse_args(argv)
    if args.command in (None, "list"):
        for _, module in modules():
            print(f"{module.NAME:24s} {module.TITLE}")
        return 0
    module = by_name(args.name)
    options = {}
    if args.data_dir is not None:
        if "data_dir" not in inspect.signature(module.run).parameters:
            raise SystemExit(f"error: {module.NAME} uses no MNIST data; --data-dir applies to the MNIST lessons")
        options["data_dir"] = args.data_dir
    nn = importlib.import_module(args.backend)
    print(f"{module.NAME}: {module.TITLE} [{args.backend}{', quick' if args.quick else ''}]")
    result = module.run(nn, quick=args.quick, out=args.out, **options)
    print(result)
    return 0 if result.ok else 1


if __name__ == "__main__":
    from app.cli import quiet_on_closed_pipe     # `python -m lessons | head`: no traceback
    sys.exit(quiet_on_closed_pipe(main))
