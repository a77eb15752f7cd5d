"""data.prepare, rule by rule, against numbers worked by hand (not computed by the module under test).

Every threshold is tried on both sides; every rounding at an exact .5. The pictures are tiny
and made of binary-exact values (0, 0.25, 0.5, 0.75, 1, 1/64), so most answers are exact.
"""
import functools

import pytest

import data
from data import DataError
from data.prepare import border_pixels, ink_box, ink_of, median, prepare_digit, resize_area

# ---------------------------------------------------------------------------
# helpers: pictures and reading a 28 x 28 frame back
# ---------------------------------------------------------------------------


def sheet(width, height, paper, marks):
    """A width x height picture of `paper` brightness with {(row, col): value} marks."""
    grey = [paper] * (width * height)
    for (r, c), v in marks.items():
        grey[r * width + c] = v
    return grey


def block(width, height, left, top, w, h, ink=1.0, paper=0.0):
    """A w x h rectangle of `ink` on `paper`, its top-left corner at (left, top)."""
    return [ink if left <= c < left + w and top <= r < top + h else paper for r in range(height) for c in range(width)]


def lit(frame, side=28):
    """(rows, cols) that hold any ink in a frame."""
    rows = sorted({i // side for i, v in enumerate(frame) if v > 0})
    cols = sorted({i % side for i, v in enumerate(frame) if v > 0})
    return rows, cols


def assert_solid_rectangle(frame, rows, cols):
    """Ink 1 (to 1e-12) exactly on rows x cols of the frame, 0 elsewhere."""
    for r in range(28):
        for c in range(28):
            v = frame[r * 28 + c]
            if r in rows and c in cols:
                assert v == pytest.approx(1.0, abs=1e-12), (r, c, v)
            else:
                assert v == 0.0, (r, c, v)


# ---------------------------------------------------------------------------
# step 2: the background is the median of the border; light paper is turned round
# ---------------------------------------------------------------------------

def test_median_of_odd_and_even_lists():
    assert median([3.0, 1.0, 2.0]) == 2.0
    assert median([5.0]) == 5.0
    assert median([4.0, 1.0, 3.0, 2.0]) == 2.5          # even: the mean of the two middle values, 2 and 3
    assert median([0.75, 0.25]) == 0.5
    assert median([0.0, 0.0, 1.0, 1.0, 1.0, 1.0]) == 1.0


def test_border_is_the_outer_ring_each_pixel_once():
    four = [float(v) for v in range(16)]                   # 4 x 4: 0 1 2 3 / 4 5 6 7 / 8 9 10 11 / 12 13 14 15
    assert sorted(border_pixels(four, 4, 4)) == [0, 1, 2, 3, 4, 7, 8, 11, 12, 13, 14, 15]
    wide = [float(v) for v in range(15)]                   # 5 x 3: the ring is all but 6, 7, 8
    assert sorted(border_pixels(wide, 5, 3)) == [0, 1, 2, 3, 4, 5, 9, 10, 11, 12, 13, 14]
    tall = [float(v) for v in range(12)]                   # 3 x 4: the ring is all but 4 and 7
    assert sorted(border_pixels(tall, 3, 4)) == [0, 1, 2, 3, 5, 6, 8, 9, 10, 11]
    assert sorted(border_pixels([1.0, 2.0, 3.0, 4.0], 2, 2)) == [1, 2, 3, 4]


def test_the_background_comes_from_the_border_only():
    # 5 x 5: a light ring (0.75) around a dark 3 x 3 middle: inverted, the middle is the ink
    grey = sheet(5, 5, 0.75, {(r, c): 0.0 for r in range(1, 4) for c in range(1, 4)})
    assert ink_of(grey, 5, 5) == sheet(5, 5, 0.0, {(r, c): 1.0 for r in range(1, 4) for c in range(1, 4)})
    # 7 x 7: a dark ring (24 pixels) around a light middle (25 pixels): the median of the whole picture
    # would be light (and invert it); the border's is dark: kept as it is
    big = sheet(7, 7, 0.0, {(r, c): 1.0 for r in range(1, 6) for c in range(1, 6)})
    assert ink_of(big, 7, 7) == big


def test_stretch_subtracts_the_background_and_divides_by_the_span():
    # 4 x 4 paper 0.25 (dark: kept), middle 0.75 0.5 / 0.0 0.25: ink = (v - 0.25) / (0.75 - 0.25), clamped at 0
    grey = sheet(4, 4, 0.25, {(1, 1): 0.75, (1, 2): 0.5, (2, 1): 0.0, (2, 2): 0.25})
    ink = ink_of(grey, 4, 4)
    assert ink == sheet(4, 4, 0.0, {(1, 1): 1.0, (1, 2): 0.5})


def test_invert_when_the_paper_is_light_on_both_sides_of_one_half():
    above, below = 0.5 + 1 / 64, 0.5 - 1 / 64        # binary-exact, just either side of the 0.5 threshold
    # light paper (above 0.5), a black dot: inverted, the dot is the ink
    ink = ink_of(sheet(3, 3, above, {(1, 1): 0.0}), 3, 3)
    assert ink == sheet(3, 3, 0.0, {(1, 1): 1.0})
    # dark paper (below 0.5), the same black dot: not inverted, the dot is darker than the paper: no ink
    assert ink_of(sheet(3, 3, below, {(1, 1): 0.0}), 3, 3) == [0.0] * 9
    # ... and a white dot on it is the ink
    assert ink_of(sheet(3, 3, below, {(1, 1): 1.0}), 3, 3) == sheet(3, 3, 0.0, {(1, 1): 1.0})


def test_a_half_grey_sheet_counts_as_dark_paper():
    # exactly 0.5 is not "above 0.5": not inverted. A white dot is ink: (1 - 0.5) / (1 - 0.5) = 1
    assert ink_of(sheet(3, 3, 0.5, {(1, 1): 1.0}), 3, 3) == sheet(3, 3, 0.0, {(1, 1): 1.0})
    # a black dot on it is darker than the paper: no ink, so prepare refuses the picture
    assert ink_of(sheet(3, 3, 0.5, {(1, 1): 0.0}), 3, 3) == [0.0] * 9
    with pytest.raises(DataError, match="no ink found"):
        prepare_digit(sheet(3, 3, 0.5, {(1, 1): 0.0}), 3, 3)


def test_an_even_border_takes_the_mean_of_its_two_middle_values():
    # 4 x 4: 12 border pixels, six at 0.25 (the top row, then the left column below it) and six at 0.75.
    # The median is (0.25 + 0.75) / 2 = 0.5: not above 0.5, so not inverted; either middle value alone
    # would be 0.25 (kept, other numbers) or 0.75 (inverted): a white dot in the middle tells them apart.
    grey = [0.25, 0.25, 0.25, 0.25,
            0.25, 1.00, 0.00, 0.75,
            0.25, 0.00, 0.00, 0.75,
            0.75, 0.75, 0.75, 0.75]
    assert sorted(border_pixels(grey, 4, 4)) == [0.25] * 6 + [0.75] * 6
    # background 0.5, span 0.5: the white dot (1 - 0.5) / 0.5 = 1, the 0.75 pixels 0.5, the rest 0
    assert ink_of(grey, 4, 4) == [0.0, 0.0, 0.0, 0.0,
                                  0.0, 1.0, 0.0, 0.5,
                                  0.0, 0.0, 0.0, 0.5,
                                  0.5, 0.5, 0.5, 0.5]


# ---------------------------------------------------------------------------
# step 3: the ink box
# ---------------------------------------------------------------------------

def test_ink_box_of_a_7_by_30_stroke():
    width, height = 20, 40
    stroke = block(width, height, 6, 4, 7, 30)                # columns 6..12, rows 4..33
    assert ink_box(stroke, width, height) == (6, 4, 13, 34)     # right and bottom exclusive
    corner = block(width, height, 13, 10, 7, 30)               # touching the right and bottom edges
    assert ink_box(corner, width, height) == (13, 10, 20, 40)
    one = sheet(5, 5, 0.0, {(0, 0): 1.0})
    assert ink_box(one, 5, 5) == (0, 0, 1, 1)
    assert ink_box([0.0] * 25, 5, 5) is None


def test_faint_ink_at_the_threshold_does_not_widen_the_box():
    at = sheet(5, 5, 0.0, {(2, 2): 1.0, (0, 4): 0.05})
    assert ink_box(at, 5, 5) == (2, 2, 3, 3)                    # exactly INK (0.05): not ink
    above = sheet(5, 5, 0.0, {(2, 2): 1.0, (0, 4): 0.0500001})
    assert ink_box(above, 5, 5) == (2, 0, 5, 3)                 # just above INK: rows 0..2, columns 2..4
    low = sheet(5, 5, 0.0, {(2, 2): 1.0, (4, 0): 0.0500001})
    assert ink_box(low, 5, 5) == (0, 2, 3, 5)


# ---------------------------------------------------------------------------
# steps 4 and 5: the scale (rounded half up), the re-stretch, the centre of mass (rounded half up)
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("w,h,new_w,new_h,rows,cols", [
    # 7 x 30 -> 7 * 20 / 30 = 4.67 -> 5 wide, 20 tall; centre (2, 9.5): shift (12, floor(4.5 + 0.5) = 5)
    (7, 30, 5, 20, range(5, 25), range(12, 17)),
    # 5 x 8 -> 12.5 -> 13 (half up; round() would give 12); centre (6, 9.5): shift (8, 5)
    (5, 8, 13, 20, range(5, 25), range(8, 21)),
    # 8 x 5 -> 20 x 13: the same, across; centre (9.5, 6): shift (5, 8)
    (8, 5, 20, 13, range(8, 21), range(5, 25)),
    # 11 x 50 -> 4.4 -> 4 (ceil would give 5); centre (1.5, 9.5): shift (floor(12.5 + 0.5) = 13, 5)
    (11, 50, 4, 20, range(5, 25), range(13, 17)),
    # 1 x 60 -> 0.33 -> at least 1 column; centre (0, 9.5): shift (14, 5)
    (1, 60, 1, 20, range(5, 25), range(14, 15)),
    # 20 x 20: unchanged size; centre (9.5, 9.5): shift (5, 5)
    (20, 20, 20, 20, range(5, 25), range(5, 25)),
])
def test_a_solid_block_is_scaled_rounded_half_up_and_centred(w, h, new_w, new_h, rows, cols):
    width, height = w + 5, h + 4
    out = prepare_digit(block(width, height, 2, 3, w, h), width, height)
    assert (len(rows), len(cols)) == (new_h, new_w)
    assert_solid_rectangle(out, set(rows), set(cols))


def test_the_ink_is_stretched_again_after_resizing():
    # a 40 x 40 one-pixel outline (on a 44 x 44 canvas) halves to 20 x 20: each new pixel averages a
    # 2 x 2 block; a corner block holds 3 ink pixels (0.75), an edge block 2 (0.5), the inside none.
    # Stretched again so the strongest is 1: corners 1, edges 0.5 / 0.75 = 2/3. Centre (9.5, 9.5): shift 5.
    outline = [1.0 if 2 <= r < 42 and 2 <= c < 42 and (r in (2, 41) or c in (2, 41)) else 0.0
               for r in range(44) for c in range(44)]
    out = prepare_digit(outline, 44, 44)
    assert lit(out) == (list(range(5, 25)), list(range(5, 25)))
    for r, c in ((5, 5), (5, 24), (24, 5), (24, 24)):
        assert out[r * 28 + c] == 1.0
    for r, c in ((5, 6), (5, 15), (24, 23), (6, 5), (15, 24)):
        assert out[r * 28 + c] == pytest.approx(2 / 3, abs=1e-15)
    assert out[6 * 28 + 6] == 0.0 and out[15 * 28 + 15] == 0.0


def test_resize_area_halves_and_keeps_weights_summing_to_one():
    # 4 x 2 -> 2 x 1: each new pixel is the mean of a 2 x 2 block
    # (0 + 1 + 1 + 1) / 4 = 0.75 and (0.5 + 0.5 + 0.25 + 0.75) / 4 = 0.5
    assert resize_area([0.0, 1.0, 0.5, 0.5, 1.0, 1.0, 0.25, 0.75], 4, 2, 2, 1) == [0.75, 0.5]
    # 3 -> 2 columns: new pixel 0 covers [0, 1.5): all of 0 and half of 1: (2 + 0.5 * 4) / 1.5 = 8 / 3
    assert resize_area([2.0, 4.0, 8.0], 3, 1, 2, 1) == pytest.approx([8 / 3, 20 / 3])
    # 1 x 3 -> 1 x 2 (down a column, the other axis): the same numbers
    assert resize_area([2.0, 4.0, 8.0], 1, 3, 1, 2) == pytest.approx([8 / 3, 20 / 3])
    # 2 x 3 -> 1 x 2: both axes at once, columns averaged then rows
    assert resize_area([0.0, 2.0, 4.0, 4.0, 8.0, 8.0], 2, 3, 1, 2) == pytest.approx([(1 + 0.5 * 4) / 1.5,
                                                                                      (0.5 * 4 + 8) / 1.5])


def test_ink_pushed_past_the_frame_is_cut_off():
    # a 20 x 20 square whose ink is all in its top-left 2 x 2 corner plus one faint pixel at the far
    # corner: the centre of mass sits near the top-left, so the shift pushes the far corner out.
    big = block(22, 22, 1, 1, 2, 2)
    big[20 * 22 + 20] = 0.25                            # ink box 20 x 20: (1, 1) .. (20, 20)
    out = prepare_digit(big, 22, 22)
    # mass: 4 pixels of 1 at (0..1, 0..1) and 0.25 at (19, 19): cx = cy = (2 + 4.75) / 4.25 = 1.588;
    # shift floor(14 - 1.588 + 0.5) = 12: the block lands on 12..13, the faint corner on 31 (cut off)
    assert lit(out) == ([12, 13], [12, 13])
    assert sum(out) == 4.0


# ---------------------------------------------------------------------------
# a property: a prepared digit is a fixed point of prepare
# ---------------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def prepared_digits():
    images, _ = data.load_mnist("test", limit=200)
    return [prepare_digit(images[i], 28, 28) for i in range(len(images))]


def scaled_up(x, factor, width=28):
    height = len(x) // width
    return [x[(r // factor) * width + c // factor] for r in range(height * factor) for c in range(width * factor)]


def test_preparing_a_prepared_digit_again_changes_nothing():
    """Measured (2026-12-07) over all 10,000 MNIST test digits: preparing a prepared digit again gives it
    back bit for bit, except 3 whose ink the first pass pushed past the frame's edge (the cut changes
    the box, then everything). Why exactly: the border is 0 and the peak 1 (stretch divides by 1.0), the
    box is 20 on its longer side (the 20 -> 20 resize has weights exactly 1), and the centre of mass is
    within half a pixel of (14, 14) (shift 0). The same holds at 2x and 4x, on a bigger canvas at any
    whole-pixel offset: weights 1/2 and 1/4 are exact and fsum rounds each sum of k equal halves exactly.
    So the bound asserted is 0 for digits not touching the frame's edge."""
    hypothesis = pytest.importorskip("hypothesis")
    st = hypothesis.strategies
    digits = prepared_digits()
    inside = [i for i, y in enumerate(digits) if (lambda b: b[0] > 0 and b[1] > 0 and b[2] < 28 and b[3] < 28)(
        ink_box(y, 28, 28))]
    assert len(inside) >= 190                      # measured 198 of 200

    @hypothesis.settings(max_examples=30, deadline=None, derandomize=True)
    @hypothesis.given(st.sampled_from(inside), st.sampled_from([1, 2, 4]), st.integers(0, 6), st.integers(0, 6),
                      st.integers(0, 6), st.integers(0, 6))
    def check(index, factor, left, top, right, bottom):
        y = digits[index]
        width, height = (28 + left + right) * factor, (28 + top + bottom) * factor
        canvas = [0.0] * (width * height)
        big = scaled_up(y, factor)
        for r in range(28 * factor):
            start = (top * factor + r) * width + left * factor
            canvas[start:start + 28 * factor] = big[r * 28 * factor:(r + 1) * 28 * factor]
        assert prepare_digit(canvas, width, height) == y

    check()
