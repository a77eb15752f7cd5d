"""lessons/exercises/my_conv2d.py, solved; and its classic bugs."""


def pair(v):
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
    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0):
        kh, kw = pair(kernel_size)
        self.stride, self.padding = pair(stride), pair(padding)
        self.params = {"W": [[[[0.0] * kw for _ in range(kh)] for _ in range(in_channels)]
                             for _ in range(out_channels)],
                       "b": [0.0] * out_channels}
        self.grads = {"W": None, "b": None}

    def forward(self, x):
        W, b = self.params["W"], self.params["b"]
        (sh, sw), (ph, pw) = self.stride, self.padding
        n_out, C, kh, kw = len(W), len(W[0]), len(W[0][0]), len(W[0][0][0])
        self.xp = [pad(image, ph, pw) for image in x]
        self.in_hw = (len(x[0][0]), len(x[0][0][0]))
        H, Wd = len(self.xp[0][0]), len(self.xp[0][0][0])
        oh, ow = (H - kh) // sh + 1, (Wd - kw) // sw + 1
        return [[[[b[o] + sum(W[o][c][p][q] * xp[c][i * sh + p][j * sw + q]
                              for c in range(C) for p in range(kh) for q in range(kw))
                   for j in range(ow)] for i in range(oh)] for o in range(n_out)] for xp in self.xp]

    def backward(self, grad_out):
        W = self.params["W"]
        (sh, sw), (ph, pw) = self.stride, self.padding
        n_out, C, kh, kw = len(W), len(W[0]), len(W[0][0]), len(W[0][0][0])
        dW = [[[[0.0] * kw for _ in range(kh)] for _ in range(C)] for _ in range(n_out)]
        db = [0.0] * n_out
        grad_in = []
        for xp, g in zip(self.xp, grad_out):
            dxp = [[[0.0] * len(xp[0][0]) for _ in xp[0]] for _ in range(C)]
            for o in range(n_out):
                for i, g_row in enumerate(g[o]):
                    for j, gij in enumerate(g_row):
                        db[o] += gij
                        for c in range(C):
                            for p in range(kh):
                                for q in range(kw):
                                    dW[o][c][p][q] += gij * xp[c][i * sh + p][j * sw + q]
                                    dxp[c][i * sh + p][j * sw + q] += gij * W[o][c][p][q]
            h, w = self.in_hw
            grad_in.append([[row[pw:pw + w] for row in channel[ph:ph + h]] for channel in dxp])
        self.grads["W"], self.grads["b"] = dW, db
        return grad_in


class FlippedKernel(MyConv2D):
    """A true convolution (the kernel flipped), where the contract's Conv2D is a cross-correlation."""

    def forward(self, x):
        W = self.params["W"]
        self.params["W"] = [[[row[::-1] for row in k[::-1]] for k in filt] for filt in W]
        try:
            return super().forward(x)
        finally:
            self.params["W"] = W


class OverwritesOverlaps(MyConv2D):
    """dL/dx written with = instead of +=: where patches overlap, only the last one counts."""

    def backward(self, grad_out):
        grads = super().backward(grad_out)
        W = self.params["W"]
        (sh, sw), (ph, pw) = self.stride, self.padding
        n_out, C, kh, kw = len(W), len(W[0]), len(W[0][0]), len(W[0][0][0])
        grad_in = []
        for xp, g in zip(self.xp, grad_out):
            dxp = [[[0.0] * len(xp[0][0]) for _ in xp[0]] for _ in range(C)]
            for o in range(n_out):
                for i, g_row in enumerate(g[o]):
                    for j, gij in enumerate(g_row):
                        for c in range(C):
                            for p in range(kh):
                                for q in range(kw):
                                    dxp[c][i * sh + p][j * sw + q] = gij * W[o][c][p][q]
            h, w = self.in_hw
            grad_in.append([[row[pw:pw + w] for row in channel[ph:ph + h]] for channel in dxp])
        del grads
        return grad_in


class BiasOfOneImage(MyConv2D):
    """dL/db summed over the first image of the batch only."""

    def backward(self, grad_out):
        grad_in = super().backward(grad_out)
        self.grads["b"] = [sum(v for row in channel for v in row) for channel in grad_out[0]]
        return grad_in


BUGS = {
    "FlippedKernel": ["The first disagreement: forward", "The bug is in forward()"],
    "OverwritesOverlaps": ["The first disagreement: dL/dx", "the bug is in backward()"],
    "BiasOfOneImage": ["The first disagreement: dL/db", "the bug is in backward()"],
}
