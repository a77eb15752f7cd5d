"""How well your own pictures are recognised: test digits written as image files in seven ways.

    python benchmarks/prepared_images.py                 # 1,000 test digits, vectorized twin (~3-5 min)
    python benchmarks/prepared_images.py --digits 200 --twin pure --hidden 32 --epochs 3

Trains an MLP (784-hidden-10, Adam) on the 10,000 shipped training digits,
then writes each of the first N official test digits as PNG files in the ways
of app/tests/test_image_files_to_model.py (as they are at 28x28, 5x larger,
inverted, blue ink on cream RGB, RGBA on a transparent sheet, off centre on a
200x150 canvas at twice the size, 16-bit interlaced), reads them back with
data.imagefiles and prepares them with data.prepare, and prints the share
classified as the digit they show, beside the share of the original digits
(fed to the model as they are). The preparation is the same standard-library
code for both twins; the twin only changes the model.
"""
import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import data  # noqa: E402
from app.tests.test_image_files_to_model import write_ways  # noqa: E402


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--digits", type=int, default=1000)
    p.add_argument("--twin", default="vectorized", choices=["pure", "vectorized"])
    p.add_argument("--hidden", type=int, default=128)
    p.add_argument("--epochs", type=int, default=5)
    args = p.parse_args(argv)
    nn = __import__(args.twin)
    images, labels = data.load_mnist("train")
    x = [images[i] for i in range(len(images))]
    model = nn.Sequential([nn.Dense(784, args.hidden, seed=0), nn.ReLU(), nn.Dense(args.hidden, 10, seed=1)])
    start = time.perf_counter()
    model.fit(x, list(labels), loss=nn.CrossEntropy(), optimizer=nn.Adam(0.001), epochs=args.epochs,
              batch_size=32, seed=0, progress=False)
    print(f"{args.twin}: 784-{args.hidden}-10 trained on {len(x):,} digits, {args.epochs} epochs, "
          f"{time.perf_counter() - start:.0f} s")

    test_images, test_labels = data.load_mnist("test", limit=args.digits)
    truth = list(test_labels)

    def rate(rows):
        scores = model.predict(rows)
        scores = scores.tolist() if hasattr(scores, "tolist") else scores
        return sum(max(range(10), key=s.__getitem__) == t for s, t in zip(scores, truth)) / len(truth)

    rng = random.Random(0)
    prepared = {}
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        for i in range(len(truth)):
            for way, path in write_ways(Path(folder), i, test_images.pixels(i), rng).items():
                prepared.setdefault(way, []).append(data.prepare_file(path))
                os.remove(path)
    seconds = time.perf_counter() - start
    print(f"{len(truth):,} test digits x {len(prepared)} ways written, read and prepared in {seconds:.0f} s "
          f"(load average {os.getloadavg()[0]:.1f})")
    print(f"  {'originals (no files, no preparation)':<40} {rate([test_images[i] for i in range(len(truth))]):7.2%}")
    for way, rows in prepared.items():
        print(f"  {way:<40} {rate(rows):7.2%}")


if __name__ == "__main__":
    main()
