"""Training runs whose every number is compared between CPython and Pyodide (test_pyodide.py).

Each run returns its per-epoch history and every final weight, as plain floats.
Run as a script it prints them as JSON (what Pyodide does, in Node.js).
"""
import json
import sys

import data
import pure as nn


def moons_readme():
    """The README's example: 2-16-2 ReLU on 200 moons, Adam 0.01, 50 epochs of 13 batches (650 steps)."""
    X, y = data.moons(200, noise=0.1, seed=0)
    model = nn.Sequential([nn.Dense(2, 16, seed=0), nn.ReLU(), nn.Dense(16, 2, seed=1)])
    history = model.fit(X, y, loss=nn.CrossEntropy(), optimizer=nn.Adam(0.01), epochs=50, batch_size=16, seed=0,
                        progress=False)
    return {"history": history, "evaluate": model.evaluate(X, y), "weights": model.get_weights()}


def playground_tanh():
    """The playground's 2-16-16-2 with tanh (libm's tanh and exp at work) on spirals, momentum, 30 epochs."""
    X, y = data.toy.spirals(100, classes=3, noise=0.2, seed=1)
    model = nn.Sequential([nn.Dense(2, 16, init="xavier", seed=0), nn.Tanh(), nn.Dense(16, 16, init="xavier", seed=1),
                           nn.Tanh(), nn.Dense(16, 3, seed=2)])
    history = model.fit(X, y, loss=nn.CrossEntropy(), optimizer=nn.SGD(0.05, momentum=0.9), epochs=30,
                        batch_size=32, seed=3, progress=False)
    return {"history": history, "evaluate": model.evaluate(X, y), "weights": model.get_weights()}


def mnist_mlp():
    """784-32-10 sigmoid on the first 1,000 shipped MNIST digits, 2 epochs of 63 batches (126 steps)."""
    images, labels = data.load_mnist("train", limit=1000)
    model = nn.Sequential([nn.Dense(784, 32, seed=0), nn.Sigmoid(), nn.Dense(32, 10, seed=1)])
    history = model.fit(images, labels, loss=nn.CrossEntropy(), optimizer=nn.SGD(0.5), epochs=2, batch_size=16,
                        seed=0, progress=False)
    return {"history": history, "weights": model.get_weights()}


RUNS = {"moons_readme": moons_readme, "playground_tanh": playground_tanh, "mnist_mlp": mnist_mlp}


def all_runs():
    return {name: run() for name, run in RUNS.items()}


if __name__ == "__main__":
    json.dump(all_runs(), sys.stdout, indent=0)    # short lines: Pyodide splits very long ones
    print()
