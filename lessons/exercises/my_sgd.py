"""Exercise 6: stochastic gradient descent with momentum, graded against the reference.

    python3 -m conformance grade lessons/exercises/my_sgd.py

An optimizer has no forward: step(layers) moves every layer's params against its grads. grade
hands your MySGD(lr=0.1) and MySGD(lr=0.05, momentum=0.9) a list of layers (objects with
`params` and `grads`, dicts of the same names; tensors are nested lists of any depth), calls
step(layers) three times with new grads each time, and compares the params after each step.
Replace the `raise NotImplementedError(...)` with what the docstring asks for.
"""

GRADE = {"name": "MySGD", "like": "SGD", "order": 6}


def elementwise(f, *tensors):
    """f applied number by number to tensors of the same shape (nested lists of any depth)."""
    if isinstance(tensors[0], list):
        return [elementwise(f, *parts) for parts in zip(*tensors)]
    return f(*tensors)


class MySGD:
    """p <- p - lr * v, with v = momentum * v + g (v starts at g); without momentum v is just g."""

    def __init__(self, lr, momentum=0.0):
        self.lr, self.momentum = lr, momentum
        self.velocity = {}        # one v per parameter: key it by (layer position, name)

    def step(self, layers):
        """For every layer i and every name in layer.params, with g = layer.grads[name]:

            without momentum:  layer.params[name] = p - lr * g
            with momentum:     v = g on the first step, else momentum * v + g  (kept in self.velocity
                               under (i, name) for the next step); layer.params[name] = p - lr * v

        elementwise(lambda p, g: p - self.lr * g, param, grad) does the arithmetic on whole tensors.
        """
        raise NotImplementedError("MySGD.step: params <- params - lr * (momentum * v + grads)")
