"""lessons/exercises/my_cross_entropy.py, solved; and its classic bugs."""
import math


class MyCrossEntropy:
    def forward(self, pred, target):
        self.probs, self.target = [], list(target)
        total = 0.0
        for z, y in zip(pred, target):
            m = max(z)
            exps = [math.exp(v - m) for v in z]
            s = sum(exps)
            total += m + math.log(s) - z[y]
            self.probs.append([e / s for e in exps])
        return total / len(pred)

    def backward(self):
        n = len(self.probs)
        grad = []
        for p_row, y in zip(self.probs, self.target):
            row = [p / n for p in p_row]
            row[y] -= 1.0 / n
            grad.append(row)
        return grad


class NoMaxSubtracted(MyCrossEntropy):
    """softmax as e^z / Σ e^z, without subtracting max(z) first: e^1000 overflows."""

    def forward(self, pred, target):
        self.probs, self.target = [], list(target)
        total = 0.0
        for z, y in zip(pred, target):
            exps = [math.exp(v) for v in z]
            s = sum(exps)
            total += math.log(s) - z[y]
            self.probs.append([e / s for e in exps])
        return total / len(pred)


class ForgotTheOneHot(MyCrossEntropy):
    """dL/dz = softmax(z) / N: the -1 at the target class forgotten."""

    def backward(self):
        n = len(self.probs)
        return [[p / n for p in row] for row in self.probs]


class NotAveraged(MyCrossEntropy):
    """The gradient not divided by N (the loss is a mean)."""

    def backward(self):
        n = len(self.probs)
        return [[v * n for v in row] for row in super().backward()]


BUGS = {
    "NoMaxSubtracted": ["your forward(pred, target) raised OverflowError", "extreme logits"],
    "ForgotTheOneHot": ["The first disagreement: dL/dpred"],
    "NotAveraged": ["The first disagreement: dL/dpred", "5 times the reference everywhere"],
}
