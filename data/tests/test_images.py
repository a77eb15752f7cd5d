"""Images: scaling tables, indexing, slicing views, subsets."""

from collections.abc import Sequence

import pytest

from data import Images
from data.images import SCALES


def make_images(count=6, rows=2, cols=3):
    """Image i has pixels 10*i, 10*i+1, ... (all different, all < 256)."""
    pixels = bytes(10 * i + k for i in range(count) for k in range(rows * cols))
    return Images(pixels, rows, cols), pixels


def test_shape_len_raw():
    images, pixels = make_images()
    assert len(images) == 6
    assert images.shape == (6, 2, 3)
    assert images.raw.tobytes() == pixels
    assert images.raw.readonly
    assert isinstance(images, Sequence)


@pytest.mark.parametrize(
    "scale, expected",
    [
        ("unit", [0.0, 128 / 255, 1.0]),
        ("centered", [-0.5, 128 / 255 - 0.5, 0.5]),
        ("raw", [0.0, 128.0, 255.0]),
    ],
)
def test_scales(scale, expected):
    images = Images(bytes([0, 128, 255]), 1, 3, scale=scale)
    assert images[0] == expected
    assert all(type(value) is float for value in images[0])


def test_default_scale_is_unit_and_floats_are_shared():
    images, pixels = make_images()
    assert images.scale == "unit"
    first = images[0]
    assert all(value is SCALES["unit"][pixel] for value, pixel in zip(first, pixels))


def test_with_scale_shares_the_bytes():
    images, _ = make_images()
    centered = images.with_scale("centered")
    assert centered.scale == "centered" and images.scale == "unit"
    assert centered.raw.obj is images.raw.obj
    assert centered[1] == [value - 0.5 for value in images[1]]


def test_indexing_like_a_list():
    images, pixels = make_images()
    assert images[2] == [SCALES["unit"][p] for p in pixels[12:18]]
    assert images[-1] == images[5]
    with pytest.raises(IndexError):
        images[6]
    with pytest.raises(IndexError):
        images[-7]
    with pytest.raises(TypeError):
        images[1.0]


def test_iteration_and_pixels():
    images, pixels = make_images()
    rows = list(images)
    assert len(rows) == 6 and rows[3] == images[3]
    assert images.pixels(4) == pixels[24:30]


def test_image_is_two_dimensional():
    images, _ = make_images()
    picture = images.with_scale("raw").image(1)
    assert picture == [[10.0, 11.0, 12.0], [13.0, 14.0, 15.0]]


def test_slice_is_a_view():
    images, pixels = make_images()
    middle = images[2:5]
    assert isinstance(middle, Images)
    assert middle.shape == (3, 2, 3)
    assert middle[0] == images[2] and middle[-1] == images[4]
    assert middle.raw.obj is pixels  # shares the original bytes
    assert images[4:2].shape == (0, 2, 3)
    assert images[-2:].shape == (2, 2, 3)
    assert images[:].raw.tobytes() == pixels


def test_slice_with_step_and_subset_copy_the_chosen_images():
    images, _ = make_images()
    every_other = images[::2]
    assert [every_other[i] for i in range(3)] == [images[0], images[2], images[4]]
    backwards = images[::-1]
    assert backwards[0] == images[5]
    chosen = images.subset([5, 0, -1])
    assert chosen.shape == (3, 2, 3)
    assert list(chosen) == [images[5], images[0], images[5]]
    assert images.subset(range(1, 3)).raw.obj is images.raw.obj
    with pytest.raises(IndexError):
        images.subset([6])


def test_subset_keeps_the_scale():
    images, _ = make_images()
    assert images.with_scale("raw").subset([1])[0] == [10.0, 11.0, 12.0, 13.0, 14.0, 15.0]
    assert images.with_scale("raw")[1:2].scale == "raw"


def test_render():
    images = Images(bytes([0, 255, 128, 0]), 2, 2)
    assert images.render(0) == " @\n+ "


def test_accepts_bytearray_but_stays_read_only():
    buffer = bytearray(b"\x01\x02\x03\x04")
    images = Images(buffer, 2, 2)
    with pytest.raises(TypeError):
        images.raw[0] = 9


def test_bad_arguments():
    with pytest.raises(ValueError, match="whole number"):
        Images(bytes(7), 2, 2)
    with pytest.raises(ValueError, match="unknown scale"):
        Images(bytes(4), 2, 2, scale="percent")
