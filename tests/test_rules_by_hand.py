"""Rules whose bugs once survived the mutation check, each with answers worked by hand.

AvgPool2D with a rectangular window, the size of the confusion matrix, the plateau
rule's min_delta on both sides of its threshold, the plateau counters across a
resume, the checkpoint's data fingerprint, and the model file's parameter budget
counted over every layer. Every expected number is written here, not computed by
the code under test.
"""
import json
import types

import pytest

from conftest import to_list


# ---------------------------------------------------------------- AvgPool2D, a (2, 3) window

def test_avgpool_with_a_2_by_3_window_by_hand(nn):
    # one 2x6 image: two windows of 2 rows x 3 columns, side by side (stride = size)
    x = [[[[1.0, 2.0, 3.0, 10.0, 20.0, 30.0],
           [4.0, 5.0, 6.0, 40.0, 50.0, 60.0]]]]
    pool = nn.AvgPool2D((2, 3))
    y = to_list(pool.forward(_array(nn, x)))
    # (1+2+3+4+5+6)/6 = 21/6 = 3.5 ; (10+20+30+40+50+60)/6 = 210/6 = 35
    assert y == [[[[3.5, 35.0]]]]
    g = to_list(pool.backward(_array(nn, [[[[6.0, 12.0]]]])))
    # each window's gradient spread evenly over its 6 values: 6/6 = 1, 12/6 = 2
    assert g == [[[[1.0, 1.0, 1.0, 2.0, 2.0, 2.0],
                   [1.0, 1.0, 1.0, 2.0, 2.0, 2.0]]]]


def test_avgpool_with_a_3_by_2_window_and_stride_1_by_hand(nn):
    x = [[[[1.0, 2.0, 3.0],
           [4.0, 5.0, 6.0],
           [7.0, 8.0, 9.0]]]]
    pool = nn.AvgPool2D((3, 2), stride=1)
    y = to_list(pool.forward(_array(nn, x)))
    # columns 0-1: (1+2+4+5+7+8)/6 = 27/6 = 4.5 ; columns 1-2: (2+3+5+6+8+9)/6 = 33/6 = 5.5
    assert y == [[[[4.5, 5.5]]]]
    g = to_list(pool.backward(_array(nn, [[[[6.0, 12.0]]]])))
    # column 0 gets 1 from the first window, column 2 gets 2 from the second, column 1 both: 3
    assert g == [[[[1.0, 3.0, 2.0], [1.0, 3.0, 2.0], [1.0, 3.0, 2.0]]]]


def _array(nn, x):
    if nn.__name__ == "vectorized":
        import numpy as np
        return np.array(x, dtype=np.float64)
    return x


# ---------------------------------------------------------------- the confusion matrix's size

def test_confusion_matrix_of_3_classes_with_one_never_predicted(nn):
    # class 2 is in y_true but never predicted: the matrix is still 3 x 3
    m = nn.confusion_matrix([0, 1, 2, 2], [0, 1, 1, 0])
    assert m == [[1, 0, 0],
                 [0, 1, 0],
                 [1, 1, 0]]


def test_confusion_matrix_of_3_classes_with_one_never_true(nn):
    # class 2 is predicted but never true: 3 x 3 too
    m = nn.confusion_matrix([0, 1, 1], [2, 1, 0])
    assert m == [[0, 0, 1],
                 [1, 1, 0],
                 [0, 0, 0]]
    # and n_classes, when given, is the size whatever the labels
    assert nn.confusion_matrix([0, 1], [1, 1], n_classes=3) == [[0, 1, 0], [0, 1, 0], [0, 0, 0]]


# ---------------------------------------------------------------- the plateau rule's min_delta

def _plateau_state(best, since, min_delta, patience=1, lr=1.0):
    return types.SimpleNamespace(plateau_best=best, since_plateau_best=since, min_delta=min_delta,
                                 lr_plateau=patience, lr_factor=0.5, min_lr=0.0,
                                 optimizer=types.SimpleNamespace(lr=lr))


@pytest.mark.parametrize("monitored, improves", [
    (0.5, True),        # 1.0 - 0.5 = 0.5 > 0.25: an improvement
    (0.7499, True),     # just more than min_delta below the best
    (0.75, False),      # exactly min_delta below: not an improvement (the rule is strict)
    (0.8, False),       # better than the best, but by less than min_delta
    (1.0, False),
    (1.2, False),
])
def test_plateau_min_delta_on_both_sides_of_its_threshold(nn, monitored, improves):
    state = _plateau_state(best=1.0, since=0, min_delta=0.25)
    nn.training.Run.lower_lr_on_plateau(state, monitored)
    if improves:
        assert (state.plateau_best, state.since_plateau_best, state.optimizer.lr) == (monitored, 0, 1.0)
    else:       # patience 1: lowered at once (1.0 x 0.5), the counter back to 0, the best kept
        assert (state.plateau_best, state.since_plateau_best, state.optimizer.lr) == (1.0, 0, 0.5)


def test_plateau_counts_epochs_without_improvement_up_to_its_patience(nn):
    state = _plateau_state(best=1.0, since=0, min_delta=0.0, patience=3, lr=0.8)
    for monitored, since, lr in [(1.0, 1, 0.8), (1.5, 2, 0.8), (1.0, 0, 0.4), (0.9, 0, 0.4)]:
        nn.training.Run.lower_lr_on_plateau(state, monitored)
        assert (state.since_plateau_best, state.optimizer.lr) == (since, lr)
    assert state.plateau_best == 0.9


def _fit_with_plateau(nn, epochs, **options):
    import data
    X, y = data.moons(60, noise=0.2, seed=0)
    model = nn.Sequential([nn.Dense(2, 6, seed=0), nn.Tanh(), nn.Dense(6, 2, seed=1)])
    # min_delta 5: a cross-entropy near 0.7 can never drop by 5, so only the first epoch improves
    return model.fit(X, y, loss=nn.CrossEntropy(), optimizer=nn.SGD(0.1), epochs=epochs, batch_size=20,
                     seed=3, lr_plateau=3, min_delta=5.0, progress=False, **options)


def test_the_plateau_lowers_the_lr_after_its_patience(nn):
    history = _fit_with_plateau(nn, 8)
    # epoch 1 improves on inf; epochs 2, 3, 4 do not: lowered after epoch 4, again after epoch 7
    assert history["lr"] == [0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025]


@pytest.mark.parametrize("stop_at", [3, 4, 5])
def test_a_resumed_run_lowers_the_lr_at_the_same_epoch_as_an_uninterrupted_one(nn, tmp_path, stop_at):
    path = tmp_path / "plateau.ckpt.json"

    def interrupt(epoch, history):
        if epoch == stop_at:
            raise KeyboardInterrupt
    with pytest.raises(KeyboardInterrupt):
        _fit_with_plateau(nn, 8, checkpoint=path, callback=interrupt)
    saved = json.loads(path.read_text())
    assert saved["epoch"] == stop_at - 1
    # after epochs 1..k-1: the best is epoch 1's loss, and k-2 epochs since (mod the patience 3)
    assert saved["plateau"]["since_best"] == (stop_at - 2) % 3
    history = _fit_with_plateau(nn, 8, checkpoint=path, resume=True)
    assert history["lr"] == [0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025]


# ---------------------------------------------------------------- the checkpoint's data fingerprint

def _small_set():
    x = [[0.0, 1.0], [2.0, 3.0], [4.0, 5.0], [6.0, 7.0], [8.0, 9.0]]
    y = [0, 1, 0, 1, 1]
    return x, y


def test_the_fingerprint_changes_when_any_single_input_or_label_changes(nn):
    fingerprint = nn.checkpoint.fingerprint
    x, y = _small_set()
    original = fingerprint(x, y)
    assert len(original) == 64 and original == fingerprint([list(r) for r in x], list(y))   # deterministic
    seen = {original}
    for i in range(len(x)):
        for j in range(2):
            changed = [list(r) for r in x]
            changed[i][j] += 0.5
            seen.add(fingerprint(changed, y))
        labels = list(y)
        labels[i] = 1 - labels[i]
        seen.add(fingerprint(x, labels))
    assert len(seen) == 1 + 2 * len(x) + len(x)      # every change gives its own fingerprint


def test_the_fingerprint_covers_every_label_of_a_large_set(nn):
    fingerprint = nn.checkpoint.fingerprint
    n = 300                               # more than the 256 inputs it samples: every label still counts
    x = [[float(i)] for i in range(n)]
    y = [i % 2 for i in range(n)]
    original = fingerprint(x, y)
    for i in (0, 1, 150, n - 2, n - 1):
        labels = list(y)
        labels[i] = 1 - labels[i]
        assert fingerprint(x, labels) != original, i
    # the first input is always among the sampled ones
    assert fingerprint([[0.5]] + x[1:], y) != original
    # and the size counts: one example fewer is another data set
    assert fingerprint(x[:-1], y[:-1]) != original


def test_the_fingerprint_is_the_same_for_a_reordered_copy_only_when_equal(nn):
    fingerprint = nn.checkpoint.fingerprint
    x, y = _small_set()
    swapped_x = [x[1], x[0]] + x[2:]
    swapped_y = [y[1], y[0]] + y[2:]
    assert fingerprint(swapped_x, swapped_y) != fingerprint(x, y)     # the order of examples is part of it


# ---------------------------------------------------------------- the parameter budget, over every layer

def test_the_parameter_budget_counts_every_layer(nn, tmp_path):
    # Dense(3, 4): 3*4 + 4 = 16 parameters; Dense(4, 2): 4*2 + 2 = 10; together 26
    model = nn.Sequential([nn.Dense(3, 4, seed=0), nn.ReLU(), nn.Dense(4, 2, seed=1)])
    path = str(tmp_path / "two.json")
    nn.save(model, path)
    assert len(nn.load(path, max_params=26).layers) == 3            # exactly the budget: loads
    for budget in (25, 20, 16):                                     # each layer alone fits 16 or 20
        with pytest.raises(nn.ModelFileError, match=f"more than {budget:,} parameters"):
            nn.load(path, max_params=budget)
    with pytest.raises(nn.ModelFileError, match="more than 15 parameters"):
        nn.load(path, max_params=15)                                # the first layer alone is over


def test_the_budget_of_a_checkpoint_counts_every_layer(nn, tmp_path):
    import data
    X, y = data.moons(20, noise=0.2, seed=0)
    model = nn.Sequential([nn.Dense(2, 5, seed=0), nn.Tanh(), nn.Dense(5, 2, seed=1)])   # 15 + 12 = 27
    path = tmp_path / "run.ckpt.json"
    model.fit(X, y, loss=nn.CrossEntropy(), optimizer=nn.SGD(0.1), epochs=1, batch_size=10, seed=0,
              progress=False, checkpoint=path)
    assert len(nn.io.load_checkpoint(str(path), max_params=27).layers) == 3
    with pytest.raises(nn.ModelFileError, match="more than 26 parameters"):
        nn.io.load_checkpoint(str(path), max_params=26)


# ---------------------------------------------------------------- ONNX and PyTorch: a Conv2D padded unequally

def _conv_padded_1_0():
    import vectorized
    import numpy as np
    conv = vectorized.Conv2D(1, 1, (1, 1), padding=(1, 0), seed=0)
    conv.params["W"] = np.ones((1, 1, 1, 1))
    conv.params["b"] = np.zeros(1)
    return vectorized.Sequential([conv])


# a 1x1 kernel of weight 1 copies the image; padding (1, 0) adds a row of zeros above and below, no column
IMAGE = [[[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]]]
PADDED = [[[[0.0, 0.0, 0.0], [1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [0.0, 0.0, 0.0]]]]


def test_a_conv_padded_1_0_by_hand_in_the_twins(nn):
    conv = nn.Conv2D(1, 1, (1, 1), padding=(1, 0), seed=0)
    conv.params["W"] = _array(nn, [[[[1.0]]]])
    conv.params["b"] = _array(nn, [0.0])
    assert to_list(conv.forward(_array(nn, IMAGE))) == PADDED


def test_a_conv_padded_1_0_by_hand_in_onnxruntime(tmp_path):
    pytest.importorskip("numpy")
    pytest.importorskip("onnx")
    pytest.importorskip("onnxruntime")
    import vectorized
    from vectorized.interop import run_onnx
    path = tmp_path / "padded.onnx"
    vectorized.save_onnx(_conv_padded_1_0(), path)
    assert run_onnx(path, IMAGE).tolist() == PADDED


def test_a_conv_padded_1_0_by_hand_in_pytorch():
    pytest.importorskip("numpy")
    torch = pytest.importorskip("torch")
    import vectorized
    module = vectorized.to_torch(_conv_padded_1_0())
    with torch.no_grad():
        assert module(torch.tensor(IMAGE, dtype=torch.float64)).tolist() == PADDED
    back = vectorized.from_torch(module)
    assert tuple(back.layers[0].padding) == (1, 0)
