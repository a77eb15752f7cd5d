"""Both twins refuse the same bad input, with the same kind of exception.

"A script written against one runs unchanged against the other" holds for
its mistakes too: what one twin rejects, the other must not silently accept.
"""
import pytest

from conformance.twins import TWINS, for_twin


def dense_backward(nn, grad_out):
    layer = nn.Dense(2, 2)
    layer.forward(for_twin(nn, [[1.0, 2.0]]))
    return layer.backward(for_twin(nn, grad_out))


def fit(nn, x, y, **options):
    model = nn.Sequential([nn.Dense(2, 1)])
    return model.fit(for_twin(nn, x), for_twin(nn, y), loss=nn.MSE(), optimizer=nn.SGD(0.1), progress=False,
                     **options)


BAD = [
    ("Dense input of the wrong width", ValueError, lambda nn: nn.Dense(3, 2).forward(for_twin(nn, [[1.0, 2.0]]))),
    ("Dense input without a batch axis", ValueError, lambda nn: nn.Dense(2, 2).forward(for_twin(nn, [1.0, 2.0]))),
    ("Dense ragged batch", ValueError, lambda nn: nn.Dense(2, 1).forward([[1.0, 2.0], [1.0]])),
    ("Dense backward before forward", RuntimeError, lambda nn: nn.Dense(2, 2).backward(for_twin(nn, [[1.0, 2.0]]))),
    ("Dense grad_out of the wrong shape", ValueError, lambda nn: dense_backward(nn, [[1.0]])),
    ("Dense(0, 2)", ValueError, lambda nn: nn.Dense(0, 2)),
    ("Dropout(1.0)", ValueError, lambda nn: nn.Dropout(1.0)),
    ("activation of an empty batch", ValueError, lambda nn: nn.ReLU().forward(for_twin(nn, []))),
    ("Flatten without a batch axis", ValueError, lambda nn: nn.Flatten().forward(for_twin(nn, [1.0, 2.0]))),
    ("MSE shapes differ", ValueError, lambda nn: nn.MSE().forward(for_twin(nn, [[1.0, 2.0]]), for_twin(nn, [[1.0]]))),
    ("BCE prediction above 1", ValueError,
     lambda nn: nn.BinaryCrossEntropy().forward(for_twin(nn, [[1.5]]), for_twin(nn, [[1.0]]))),
    ("BCE target above 1", ValueError,
     lambda nn: nn.BinaryCrossEntropy().forward(for_twin(nn, [[0.5]]), for_twin(nn, [[2.0]]))),
    ("CrossEntropy class out of range", ValueError,
     lambda nn: nn.CrossEntropy().forward(for_twin(nn, [[1.0, 2.0]]), [2])),
    ("CrossEntropy one-hot targets", ValueError,
     lambda nn: nn.CrossEntropy().forward(for_twin(nn, [[1.0, 2.0]]), [[0.0, 1.0]])),
    ("CrossEntropy fractional target", ValueError,
     lambda nn: nn.CrossEntropy().forward(for_twin(nn, [[1.0, 2.0]]), [0.5])),
    ("CrossEntropy boolean target", ValueError,
     lambda nn: nn.CrossEntropy().forward(for_twin(nn, [[1.0, 2.0]]), [True])),
    ("CrossEntropy more targets than rows", ValueError,
     lambda nn: nn.CrossEntropy().forward(for_twin(nn, [[1.0, 2.0]]), [0, 1])),
    ("SGD(lr=0)", ValueError, lambda nn: nn.SGD(0.0)),
    ("SGD momentum 1", ValueError, lambda nn: nn.SGD(0.1, momentum=1.0)),
    ("Adam beta1 1", ValueError, lambda nn: nn.Adam(beta1=1.0)),
    ("clip by value 0", ValueError, lambda nn: nn.clip_grads_by_value([], 0)),
    ("clip by norm -1", ValueError, lambda nn: nn.clip_grads_by_norm([], -1)),
    ("empty Sequential", ValueError, lambda nn: nn.Sequential([])),
    ("Sequential of misfitting layers", ValueError, lambda nn: nn.Sequential([nn.Dense(2, 3), nn.Dense(4, 1)])),
    ("unknown initializer", ValueError, lambda nn: nn.Dense(2, 2, init="kaiming")),
    ("normal initializer with negative std", ValueError, lambda nn: nn.Dense(2, 2, init="normal(-1)")),
    ("fit batch_size 0", ValueError, lambda nn: fit(nn, [[1.0, 2.0]], [[1.0]], batch_size=0)),
    ("fit more targets than inputs", ValueError, lambda nn: fit(nn, [[1.0, 2.0]], [[1.0], [2.0]])),
    ("set_weights of the wrong shape", ValueError,
     lambda nn: nn.Sequential([nn.Dense(2, 1)]).set_weights([{"W": [[1.0]]}])),
]


@pytest.mark.parametrize("what, error, call", BAD, ids=[b[0] for b in BAD])
@pytest.mark.parametrize("nn", TWINS, ids=lambda nn: nn.TWIN)
def test_bad_input_is_refused(nn, what, error, call):
    with pytest.raises(error):
        call(nn)
