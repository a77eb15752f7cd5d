"""lessons/tiny_network.py, the network in one file, gives the pure package's numbers for the same seed."""
import random

import pure
from lessons import tiny_network as tiny


def train_both(x, y, sizes, epochs, batch_size, lr, seed):
    model = pure.Sequential([pure.Dense(sizes[0], sizes[1], seed=0), pure.Sigmoid(),
                             pure.Dense(sizes[1], sizes[2], seed=1)])
    history = model.fit(x, y, pure.CrossEntropy(), pure.SGD(lr), epochs=epochs, batch_size=batch_size,
                        seed=seed, progress=False)
    layers = [tiny.Dense(sizes[0], sizes[1], seed=0), tiny.Sigmoid(), tiny.Dense(sizes[1], sizes[2], seed=1)]
    losses = tiny.train(layers, x, y, epochs=epochs, batch_size=batch_size, lr=lr, seed=seed)
    return model, history, layers, losses


def assert_same(model, history, layers, losses):
    assert losses == history["loss"]                       # bit for bit, epoch by epoch
    for package_layer, tiny_layer in zip(model.layers[::2], layers[::2]):
        assert tiny_layer.W == package_layer.params["W"]
        assert tiny_layer.b == package_layer.params["b"]


def test_same_weights_and_losses_as_the_package_on_sparse_inputs():
    rng = random.Random(3)
    x = [[rng.uniform(-1, 1) if rng.random() < 0.5 else 0.0 for _ in range(12)] for _ in range(42)]
    y = [rng.randrange(4) for _ in range(42)]                # 42 = 5 batches of 8 and one of 2
    model, history, layers, losses = train_both(x, y, (12, 6, 4), epochs=3, batch_size=8, lr=0.5, seed=5)
    assert_same(model, history, layers, losses)
    assert losses[-1] < losses[0]                            # and it learns


def test_same_numbers_as_the_package_on_mnist_digits():
    import data
    images, labels = data.load_mnist("train", limit=60)
    x, y = [images[i] for i in range(60)], [labels[i] for i in range(60)]
    model, history, layers, losses = train_both(x, y, (784, 8, 10), epochs=2, batch_size=10, lr=0.5, seed=0)
    assert_same(model, history, layers, losses)
    assert tiny.accuracy(layers, x, y) == model.evaluate(x, y)["accuracy"]


def test_the_file_is_short_and_uses_only_the_standard_library():
    source = open(tiny.__file__, encoding="utf-8").read()
    assert len(source.splitlines()) <= 150
    imports = {line.split()[1].split(".")[0] for line in source.splitlines() if line.startswith(("import ", "from "))}
    assert imports <= {"gzip", "math", "os", "random", "struct"}
