"""python -m conformance            print the twin-agreement table (exit 1 if any row fails)
python -m conformance check MODEL.json [--inputs FILE.json] [--n 16] [--seed 0]
                                 compare one saved model's predictions in both twins
python -m conformance grade FILE.py[:NAME] [--like Dense]
                                 grade your own layer, loss or optimizer against the reference (conformance/grade.py)
"""
import sys

USAGE = __doc__


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] == "grade":     # the pure twin is the reference: grade runs without numpy
        from . import grade
        return grade.main(argv[1:])
    try:
        import numpy  # noqa: F401  (the vectorized twin, compared against pure, needs it)
    except ModuleNotFoundError:
        print("python -m conformance compares the pure twin with the vectorized one, which needs numpy: "
              "python3 -m pip install numpy (the pure twin alone needs nothing: python3 -m pure)", file=sys.stderr)
        return 2
    if argv and argv[0] == "check":
        from . import checkmodel
        return checkmodel.main(argv[1:])
    if argv and argv[0] in ("-h", "--help", "help"):
        print("usage:\n" + USAGE)
        return 0
    if argv:
        print(f"python -m conformance: unknown arguments {' '.join(argv)}\nusage:\n{USAGE}", file=sys.stderr)
        return 2
    from . import report
    return report.main()


if __name__ == "__main__":
    sys.exit(main())
