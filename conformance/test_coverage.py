"""Conformance covers every public component: no layer, loss, optimizer or initializer is left out.

When a twin gains a public layer (say Conv2D), these tests fail until the
suite feeds it fixtures too.
"""
import inspect

import pure
import vectorized
from conformance import fixtures
from conformance.components import CLIPPINGS, LOSSES, OPTIMIZERS, checked_layer_types


def public_subclasses(module, base):
    return {name for name in module.__all__
            if inspect.isclass(getattr(module, name)) and issubclass(getattr(module, name), base)
            and getattr(module, name) is not base}


def test_both_twins_export_the_same_public_names():
    assert sorted(pure.__all__) == sorted(vectorized.__all__)
    missing = [name for name in pure.__all__ if not hasattr(vectorized, name)]
    assert not missing, f"vectorized lacks {missing}"


def test_every_public_layer_is_checked():
    unchecked = public_subclasses(pure, pure.Layer) - checked_layer_types()
    assert not unchecked, f"layers with no conformance fixtures: {sorted(unchecked)}"


def test_every_public_loss_is_checked():
    from pure.losses import Loss
    checked = {type(make(pure)).__name__ for _, make, _ in LOSSES}
    unchecked = public_subclasses(pure, Loss) - checked
    assert not unchecked, f"losses with no conformance fixtures: {sorted(unchecked)}"


def test_every_public_optimizer_is_checked():
    from pure.optimizers import Optimizer
    checked = {type(make(pure)).__name__ for _, make in OPTIMIZERS}
    unchecked = public_subclasses(pure, Optimizer) - checked
    assert not unchecked, f"optimizers with no conformance fixtures: {sorted(unchecked)}"


def test_every_clipping_function_is_checked():
    public = {name for name in pure.__all__ if name.startswith("clip_")}
    assert public == {name for name, _ in CLIPPINGS}


def test_every_named_initializer_is_checked():
    checked = {case.spec.split("(")[0] for case in fixtures.initializer_cases()}
    unchecked = set(pure.init.NAMES) - checked
    assert not unchecked, f"initializers with no statistical test: {sorted(unchecked)}"
