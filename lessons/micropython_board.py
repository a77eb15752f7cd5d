"""main.py for a MicroPython board: predict digits with a model file (lesson micropython-predict writes it there).

Needs, next to it on the board: model.json (saved by either twin), digits.bin (each digit's 784 pixel
bytes, one after the other) and labels.bin (one byte each); in /lib: pure/ and the stand-ins (see the
lesson). Prints how many it got right, the time per digit and the classes. Imports only pure and what
MicroPython has: it runs unchanged on CPython too (the lesson runs it there first).
"""
import time

import pure as nn


def clock():
    """Seconds, from MicroPython's microsecond ticks where there are (time.perf_counter elsewhere)."""
    return time.ticks_us() / 1e6 if hasattr(time, "ticks_us") else time.perf_counter()


def predict_file(model_path="model.json", digits_path="digits.bin", batch=10):
    """The class of each digit in digits_path, predicted `batch` at a time (a small heap on a board)."""
    model = nn.load(model_path)
    with open(digits_path, "rb") as f:
        raw = f.read()
    classes = []
    for start in range(0, len(raw), 784 * batch):
        chunk = raw[start:start + 784 * batch]
        rows = [[p / 255.0 for p in chunk[i:i + 784]] for i in range(0, len(chunk), 784)]
        for out in model.predict(rows):
            classes.append(out.index(max(out)))
    return classes


def main():
    started = clock()
    classes = predict_file()
    seconds = clock() - started
    with open("labels.bin", "rb") as f:
        labels = list(f.read())
    right = sum(1 for c, label in zip(classes, labels) if c == label)
    print("right: %d of %d; %.4f s per digit (the model's loading included)" % (right, len(classes),
                                                                                seconds / max(1, len(classes))))
    print("classes: " + " ".join(str(c) for c in classes))


if __name__ == "__main__":
    main()
