"""Memory: the shipped MNIST pieces stay compact (bytes, not float lists)."""

import pytest

from data import load_mnist

# tracemalloc traces allocations on CPython only; PyPy skips this file.
tracemalloc = pytest.importorskip("tracemalloc")

MB = 1024 * 1024


def test_both_shipped_pieces_cost_well_under_100_mb():
    tracemalloc.start()
    try:
        train_images, train_labels = load_mnist("train")
        test_images, test_labels = load_mnist("test")
        batch = [train_images[i] for i in range(64)]  # what one training step touches
        current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(train_images) + len(test_images) == 20000 and len(batch) == 64
    held = 20000 * 28 * 28  # the pixels themselves, one byte each
    assert current < held + 5 * MB, f"holding {current / MB:.1f} MB"
    assert peak < 100 * MB, f"peak {peak / MB:.1f} MB while loading"
