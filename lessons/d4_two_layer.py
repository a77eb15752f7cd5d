"""Series D, post 4: a 2-2-1 sigmoid network can represent XOR.

Two hidden sigmoid units draw two lines: h1 ≈ OR(x1, x2), h2 ≈ NAND(x1, x2);
the output unit computes AND(h1, h2) = XOR(x1, x2). Weights of ±20 make the
sigmoids nearly steps. Learning these weights is the next lesson.
"""
import data

import pictures

from .common import Result, output_dir, tensor, to_list

NAME = "d4-two-layer"
TITLE = "A 2-2-1 sigmoid network computes XOR with hand-picked weights"
REPORTED = "a 2-2-1 network can compute XOR"


def run(nn, quick=False, out=None):
    result = Result(NAME, REPORTED)
    net = nn.Sequential([nn.Dense(2, 2), nn.Sigmoid(), nn.Dense(2, 1), nn.Sigmoid()])
    net.layers[0].params["W"] = tensor(nn, [[20.0, -20.0], [20.0, -20.0]])   # columns: OR, NAND
    net.layers[0].params["b"] = tensor(nn, [-10.0, 30.0])
    net.layers[2].params["W"] = tensor(nn, [[20.0], [20.0]])                 # AND of the two
    net.layers[2].params["b"] = tensor(nn, [-30.0])
    X, y = data.xor_table()
    outputs = [row[0] for row in to_list(net.forward(X))]
    result.check("every output within 0.001 of XOR", all(abs(o - t) < 1e-3 for o, t in zip(outputs, y)))
    folder = output_dir(out, NAME)
    if folder:
        result.picture(pictures.decision_boundary(
            f"{folder}/xor.png", lambda rows: [1 if r[0] > 0.5 else 0 for r in to_list(net.forward(rows))], X, y,
            bounds=(-0.5, 1.5, -0.5, 1.5), resolution=120, title="Hand-picked 2-2-1 network: XOR regions",
            note="Two lines (hidden units OR and NAND) cut the plane; the output is 1 between them.",
            class_names=["0", "1"]))
    return result.finish("outputs " + ", ".join(f"{o:.5f}" for o in outputs) + " for (0,0), (0,1), (1,0), (1,1)")
