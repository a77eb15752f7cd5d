"""lessons/exercises/my_sgd.py, solved; and its classic bugs."""


def _map(f, *tensors):
    if isinstance(tensors[0], list):
        return [_map(f, *parts) for parts in zip(*tensors)]
    return f(*tensors)


class MySGD:
    def __init__(self, lr, momentum=0.0):
        self.lr, self.momentum = lr, momentum
        self.velocity = {}

    def step(self, layers):
        for i, layer in enumerate(layers):
            for name, param in layer.params.items():
                grad = layer.grads[name]
                if self.momentum:
                    v = self.velocity.get((i, name))
                    v = grad if v is None else _map(lambda a, g: self.momentum * a + g, v, grad)
                    self.velocity[(i, name)] = v
                    grad = v
                layer.params[name] = _map(lambda p, g: p - self.lr * g, param, grad)


class ClimbsUp(MySGD):
    """p + lr * g: a step up the gradient."""

    def step(self, layers):
        for layer in layers:
            for name, param in layer.params.items():
                layer.params[name] = _map(lambda p, g: p + self.lr * g, param, layer.grads[name])


class ForgetsTheVelocity(MySGD):
    """The velocity is not kept from one step to the next: momentum does nothing."""

    def step(self, layers):
        self.velocity = {}
        super().step(layers)


class OneVelocityForAll(MySGD):
    """One velocity per parameter name, shared by every layer (keyed by name, not by (layer, name))."""

    def step(self, layers):
        for layer in layers:
            for name, param in layer.params.items():
                grad = layer.grads[name]
                if self.momentum:
                    v = self.velocity.get(name)
                    v = grad if v is None or len(v) != len(grad) else _map(lambda a, g: self.momentum * a + g,
                                                                            v, grad)
                    self.velocity[name] = v
                    grad = v
                layer.params[name] = _map(lambda p, g: p - self.lr * g, param, grad)


BUGS = {
    "ClimbsUp": ["The first disagreement: step 1"],
    "ForgetsTheVelocity": ["The first disagreement: step 2", "momentum=0.9"],
    "OneVelocityForAll": ["The first disagreement: step 2", "two layers (W 3x2 and b; W 2x1), layer 0 params['W']"],
}
