"""Predict the 10,000 MNIST test digits with model.json, in chunks (run by test_micropython.py).

Reads digits.bin (each digit's 784 bytes, one after the other) and writes classes.json (the class
of each) and outputs.bin (every output as 8 bytes, little-endian doubles), so that the test compares
the exact numbers with CPython's. A pixel p is p / 255.0, as data.Images gives it. On MicroPython
each chunk is one of STEPS (run.mjs runs each in a call of its own, so the heap is collected between
them); on CPython the steps run here.
"""
import json
import struct
import sys

import pure as nn

CHUNK = 250
state = {"model": nn.load("model.json"), "classes": [], "outputs": open("outputs.bin", "wb")}
with open("digits.bin", "rb") as f:
    state["count"] = len(f.read()) // 784


def chunk(start):
    def step():
        with open("digits.bin", "rb") as f:
            f.seek(start * 784)
            raw = f.read(CHUNK * 784)
        batch = [[p / 255.0 for p in raw[i:i + 784]] for i in range(0, len(raw), 784)]
        for row in state["model"].predict(batch):
            state["classes"].append(row.index(max(row)))
            state["outputs"].write(struct.pack("<%dd" % len(row), *row))
    return step


def finish():
    state["outputs"].close()
    with open("classes.json", "w") as f:
        json.dump(state["classes"], f)


STEPS = [chunk(start) for start in range(0, state["count"], CHUNK)] + [finish]
if sys.implementation.name != "micropython":
    for _step in STEPS:
        _step()
