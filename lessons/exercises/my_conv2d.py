"""Exercise 7: a 2-D convolution layer, written yourself and graded against the reference.

    python3 -m conformance grade lessons/exercises/my_conv2d.py

grade builds MyConv2D(in_channels=2, out_channels=3, kernel_size=3) and MyConv2D(1, 2,
kernel_size=[3, 2], stride=2, padding=1), copies the reference's W and b into your params and
compares forward, dL/dx, dL/dW and dL/db on batches of images. Replace each
`raise NotImplementedError(...)` with what its docstring asks for, in plain Python.
"""

GRADE = {"name": "MyConv2D", "like": "Conv2D", "order": 7}


def pair(v):
    """3 -> (3, 3); [3, 2] -> (3, 2): kernel_size, stride and padding as (height, width)."""
    return (v, v) if isinstance(v, int) else tuple(v)


def pad(image, ph, pw):
    """One image (C, H, W) with ph rows of zeros above and below and pw columns either side."""
    out = []
    for channel in image:
        width = len(channel[0]) + 2 * pw
        rows = [[0.0] * width for _ in range(ph)]
        rows += [[0.0] * pw + list(row) + [0.0] * pw for row in channel]
        rows += [[0.0] * width for _ in range(ph)]
        out.append(rows)
    return out


class MyConv2D:
    """Cross-correlation with out_channels kernels, plus a bias (PyTorch's Conv2d).

    params: W of shape (O, C, kh, kw) (O = out_channels, C = in_channels), b of shape (O,).
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0):
        kh, kw = pair(kernel_size)
        self.stride, self.padding = pair(stride), pair(padding)
        self.params = {"W": [[[[0.0] * kw for _ in range(kh)] for _ in range(in_channels)]
                             for _ in range(out_channels)],
                       "b": [0.0] * out_channels}
        self.grads = {"W": None, "b": None}

    def forward(self, x):
        """x: (N, C, H, W) images. Return y (N, O, H', W'), with x̃ = pad(image, ph, pw) and

            y[n][o][i][j] = b[o] + Σ_c Σ_p Σ_q W[o][c][p][q] · x̃[n][c][i·sh + p][j·sw + q]

        H' = (H + 2 ph - kh) // sh + 1, W' likewise. The kernel is not flipped (cross-correlation).
        Keep the padded images (and the input's H, W) on self: backward needs them.
        """
        raise NotImplementedError("MyConv2D.forward: y = b[o] + sum over c, p, q of W[o][c][p][q] * padded x")

    def backward(self, grad_out):
        """grad_out g: dL/dy (N, O, H', W'). Fill self.grads["W"] and ["b"]; return dL/dx (N, C, H, W).

        Derive them from the forward sum: y[n][o][i][j] depends on b[o], on W[o][c][p][q] through
        the pixel x̃[n][c][i·sh + p][j·sw + q], and on that pixel through W[o][c][p][q]:
            dL/db[o]          = Σ_n Σ_i Σ_j g[n][o][i][j]
            dL/dW[o][c][p][q] = Σ_n Σ_i Σ_j g[n][o][i][j] · x̃[n][c][i·sh + p][j·sw + q]
            dL/dx̃[n][c][i·sh + p][j·sw + q]  +=  g[n][o][i][j] · W[o][c][p][q]  for every o, i, j, p, q
        (+=: patches overlap, a pixel gets the gradient of every patch that read it), then cut the
        padding off dL/dx̃ to get dL/dx.
        """
        raise NotImplementedError("MyConv2D.backward: dL/db, dL/dW and dL/dx from the forward sum")
