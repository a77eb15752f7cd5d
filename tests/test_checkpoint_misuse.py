"""Checkpoints misused: another run's file, other data, ignored arguments, a finished run, a full disk."""
import errno
import json
import os
import warnings

import pytest

import data


def moons(seed=0):
    X, y = data.moons(60, noise=0.2, seed=seed)
    return X, y


def run(nn, epochs, X=None, y=None, lr=0.05, seed=3, **options):
    if X is None:
        X, y = moons()
    model = nn.Sequential([nn.Dense(2, 6, seed=0), nn.Tanh(), nn.Dense(6, 2, seed=1)])
    optimizer = nn.SGD(lr, momentum=0.9)
    history = model.fit(X, y, loss=nn.CrossEntropy(), optimizer=optimizer, epochs=epochs, batch_size=8, seed=seed,
                        progress=False, **options)
    return model, history


def test_another_runs_checkpoint_is_not_overwritten_without_resume(nn, tmp_path):
    path = tmp_path / "run.ckpt.json"
    run(nn, 2, checkpoint=path)
    before = path.read_bytes()
    with pytest.raises(ValueError, match="already exists.*resume=True"):
        run(nn, 3, checkpoint=path)
    assert path.read_bytes() == before
    run(nn, 3, checkpoint=path, resume=True)                    # with resume it continues
    assert json.loads(path.read_text())["epoch"] == 3


def test_resuming_with_other_data_of_the_same_size_is_refused(nn, tmp_path):
    path = tmp_path / "run.ckpt.json"
    run(nn, 2, checkpoint=path)
    X, y = moons(seed=1)                                         # 60 other examples
    with pytest.raises(nn.ModelFileError, match="other training data.*fingerprints differ"):
        run(nn, 4, X, y, checkpoint=path, resume=True)


def test_the_fingerprint_is_the_same_in_both_twins():
    np = pytest.importorskip("numpy")
    from pure.checkpoint import fingerprint
    X, y = moons()
    assert fingerprint(X, y) == fingerprint(np.asarray(X), np.asarray(y))
    assert fingerprint(X, y) != fingerprint(X, [1 - t for t in y])


def test_a_resume_says_which_arguments_it_ignores(nn, tmp_path):
    path = tmp_path / "run.ckpt.json"
    run(nn, 2, checkpoint=path)
    with pytest.warns(UserWarning, match=r"ignoring seed=9 .* and the learning rate 0.5 \(the run started with "
                                         r"0.05"):
        run(nn, 3, lr=0.5, seed=9, checkpoint=path, resume=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")                           # same arguments: nothing to say
        run(nn, 4, checkpoint=path, resume=True)


def test_resuming_a_finished_run_says_so(nn, tmp_path):
    path = tmp_path / "run.ckpt.json"
    run(nn, 2, checkpoint=path)
    with pytest.warns(UserWarning, match="already finished at epoch 2 .*nothing left to train"):
        _, history = run(nn, 2, checkpoint=path, resume=True)
    assert len(history["loss"]) == 2


def test_a_failed_checkpoint_write_warns_and_training_goes_on(nn, tmp_path, monkeypatch):
    import pure.checkpoint

    def full_disk(path, text, what="model"):
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(pure.checkpoint, "atomic_write_text", full_disk)
    reference, _ = run(nn, 3)
    with pytest.warns(UserWarning, match=r"could not write checkpoint .* at epoch 1 \(No space left on device\); "
                                         r"training continues"):
        model, history = run(nn, 3, checkpoint=tmp_path / "c.json")
    assert len(history["loss"]) == 3
    assert [layer.params["W"].tolist() if hasattr(layer.params["W"], "tolist") else layer.params["W"]
            for layer in model.layers[::2]] == \
        [layer.params["W"].tolist() if hasattr(layer.params["W"], "tolist") else layer.params["W"]
         for layer in reference.layers[::2]]


@pytest.mark.skipif(not __import__("os").path.exists("/dev/null"), reason="needs /dev/null")
def test_a_checkpoint_onto_a_device_is_refused_before_training(nn, tmp_path):
    link = tmp_path / "c.json"
    link.symlink_to("/dev/null")
    with pytest.raises(nn.ModelFileError, match="it is a device"):
        run(nn, 2, checkpoint=link, resume=True)


def test_resume_cleans_up_what_a_killed_save_left_even_in_a_folder_named_with_brackets(tmp_path):
    """remove_stale_temporaries looks for the writer's own temporary name (pure.modelfile.temporary_name)."""
    from pure.checkpoint import remove_stale_temporaries
    from pure.modelfile import temporary_name
    folder = tmp_path / "runs [2]"                       # glob would read "[2]" as a set of characters
    folder.mkdir()
    path = folder / "run.ckpt.json"
    leftover = temporary_name(str(path), "1234-abcd")
    assert os.path.basename(leftover) == ".run.ckpt.json.1234-abcd.tmp"
    open(leftover, "w").close()
    (folder / "run.ckpt.json").write_text("{}")
    (folder / ".other.json.1-2.tmp").write_text("")      # another file's temporary stays
    assert remove_stale_temporaries(path) == 1
    assert sorted(os.listdir(folder)) == [".other.json.1-2.tmp", "run.ckpt.json"]


def test_resume_cleans_up_next_to_the_file_a_symbolic_link_points_to(tmp_path):
    """A save through a link writes its temporary file next to the real file: that is where resume looks."""
    from pure.checkpoint import remove_stale_temporaries
    from pure.modelfile import temporary_name
    (tmp_path / "store").mkdir()
    real = tmp_path / "store" / "real.json"
    real.write_text("{}")
    link = tmp_path / "run.ckpt.json"
    link.symlink_to(real)
    open(temporary_name(str(real), "1234-abcd"), "w").close()
    assert remove_stale_temporaries(link) == 1
    assert os.listdir(tmp_path / "store") == ["real.json"]
