"""lessons/exercises/my_mse.py, solved; and its classic bugs."""


class MyMSE:
    def forward(self, pred, target):
        self.diff = [[p - t for p, t in zip(p_row, t_row)] for p_row, t_row in zip(pred, target)]
        self.count = sum(len(row) for row in self.diff)
        return sum(d * d for row in self.diff for d in row) / self.count

    def backward(self):
        return [[2.0 * d / self.count for d in row] for row in self.diff]


class ForgotTheTwo(MyMSE):
    """dL/dpred = (pred - target) / n: the 2 of the square's derivative forgotten."""

    def backward(self):
        return [[d / self.count for d in row] for row in self.diff]


class DividedByTheBatchOnly(MyMSE):
    """The mean taken over the N examples only, not over all N x D numbers (in both forward and backward)."""

    def forward(self, pred, target):
        super().forward(pred, target)
        self.count = len(self.diff)
        return sum(d * d for row in self.diff for d in row) / self.count


class WrongSign(MyMSE):
    """dL/dpred = 2 (target - pred) / n."""

    def backward(self):
        return [[-2.0 * d / self.count for d in row] for row in self.diff]


BUGS = {
    "ForgotTheTwo": ["The first disagreement: dL/dpred", "0.5 times the reference everywhere"],
    "DividedByTheBatchOnly": ["The first disagreement: loss", "4 times the reference everywhere"],
    "WrongSign": ["The first disagreement: dL/dpred", "a sign flipped?"],
}
