"""Every lesson's --quick mode runs and its checks hold (checks are bounds that can fail).

All lessons run on the vectorized twin; the pure twin runs the lessons that
are quick on it (the twins give the same numbers: conformance proves it,
and test_pure_and_vectorized_lessons_agree checks it on one lesson).
"""
import pytest

from lessons.__main__ import modules

PURE_QUICK = {"a1-neuron", "b1-backprop", "b2-quadrants", "b4-overflow", "c1-logistic", "d1-linear-neuron",
              "d2-bias-and-rate", "d3-step-neuron", "d4-two-layer", "d5-backprop-xor", "d6-hyperparameters"}
TESTED_ELSEWHERE = {"a2-sentiment", "char-lstm", "a3-cnn"}     # tests/test_recurrent.py, tests/test_conv.py
LESSONS = [module for _, module in modules() if module.NAME not in TESTED_ELSEWHERE]


@pytest.mark.parametrize("lesson", LESSONS, ids=[m.NAME for m in LESSONS])
def test_quick_lesson_checks_hold(nn, lesson, tmp_path):
    if nn.TWIN == "pure" and lesson.NAME not in PURE_QUICK:
        pytest.skip("slow on the pure twin; its vectorized run is the quick check")
    result = lesson.run(nn, quick=True, out=str(tmp_path))
    assert result.checks, "a lesson must check something"
    assert result.ok, str(result)
    for path in result.pictures:
        with open(path, "rb") as f:
            head = f.read(64)
        assert head.startswith(b"\x89PNG\r\n\x1a\n") or b"<svg" in head or head.startswith(b"<?xml")


def test_pure_and_vectorized_lessons_agree():
    pytest.importorskip("numpy")
    import pure
    import vectorized
    from lessons import b2_quadrants
    assert b2_quadrants.run(pure, quick=True).ours == b2_quadrants.run(vectorized, quick=True).ours


def test_lesson_list_and_unknown_name(capsys):
    from lessons.__main__ import main
    assert main(["list"]) == 0
    listing = capsys.readouterr().out
    assert "a1-neuron" in listing and "d8-validation" in listing
    with pytest.raises(SystemExit, match="no lesson 'z9'"):
        main(["run", "z9"])
