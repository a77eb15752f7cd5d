"""Charts as standalone SVG files: training curves, sweeps, confusion matrices, bars.

    from pictures import svg
    svg.line_chart("loss.svg", {"train": history["loss"], "valid": valid_loss}, y_label="loss")
    svg.small_multiples("sweep.svg", [("lr 0.1", {...}), ("lr 0.01", {...})])
    svg.confusion_matrix("confusion.svg", matrix, class_names=data.class_names("mnist"))
    svg.bar_chart("accuracy.svg", {"0.001": 0.82, "0.01": 0.83, "1": float("nan")})

What it is: four chart functions that take plain Python lists and numbers (call
`.tolist()` on a numpy array first) and write one complete SVG document each
(xmlns, width, height, viewBox), atomically. Text is escaped. Layout is done
by hand with a rough text-width estimate (0.6 x font size per character),
which is why long labels are shortened with an ellipsis rather than measured.

Every drawn element carries a `class` attribute naming its role ("series",
"point", "bar", "cell", "tick-label", "legend", ...), so a test or a
stylesheet can find it.

What it is not: a plotting library. No interactivity, no fonts embedded, no
automatic label collision avoidance beyond what each chart needs.
"""

import math

from .files import write_atomic
from .palette import category, hex_colour, sequential

FONT_FAMILY = "DejaVu Sans, Helvetica, Arial, sans-serif"
CHAR_WIDTH = 0.6            # average glyph width / font size, for layout estimates
BOLD_CHAR_WIDTH = 0.68      # the same for bold text (titles): DejaVu Sans Bold is about 12% wider
DASHES = ["", "6 3", "2 3", "8 3 2 3"]   # after ten colours, series differ by dash pattern too
AXIS_COLOUR = "#444444"
GRID_COLOUR = "#e5e5e5"
TEXT_COLOUR = "#222222"


# ---------------------------------------------------------------------------
# Text and the document
# ---------------------------------------------------------------------------

def escape(text):
    """Text safe inside an SVG element or a quoted attribute.

    &, <, >, and quotes become entities; characters XML 1.0 forbids (control
    characters other than tab and newline, lone surrogates, U+FFFE and U+FFFF) become '?'.
    """
    text = "".join(c if (c >= " " or c in "\t\n") and not "\ud800" <= c <= "\udfff" and c not in "\ufffe\uffff"
                   else "?" for c in str(text))
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("'", "&#39;"))


def text_width(text, size, bold=False):
    """Estimated width in pixels of `text` at font size `size` (bold glyphs are wider)."""
    return len(str(text)) * size * (BOLD_CHAR_WIDTH if bold else CHAR_WIDTH)


def shorten(text, max_width, size, bold=False):
    """`text`, cut and ended with an ellipsis if it would be wider than `max_width`."""
    text = str(text)
    if text_width(text, size, bold) <= max_width:
        return text
    keep = max(1, int(max_width / (size * (BOLD_CHAR_WIDTH if bold else CHAR_WIDTH))) - 1)
    return text[:keep] + "\u2026"


def _text(x, y, content, size=12, anchor="start", css="label", weight=None, fill=TEXT_COLOUR, rotate=None):
    attrs = 'x="%s" y="%s" font-size="%s" text-anchor="%s" class="%s" fill="%s"' % (
        _n(x), _n(y), _n(size), anchor, css, fill)
    if weight:
        attrs += ' font-weight="%s"' % weight
    if rotate is not None:
        attrs += ' transform="rotate(%s %s %s)"' % (_n(rotate), _n(x), _n(y))
    return "<text %s>%s</text>" % (attrs, escape(content))


def _title(width, y, title):
    """A chart's bold title, centred, shortened to fit the picture's width."""
    return _text(width / 2, y, shorten(title, width - 20, 15, bold=True), 15, "middle", "title", weight="bold")


def _line(x1, y1, x2, y2, stroke, css, width=1):
    return '<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="%s" class="%s"/>' % (
        _n(x1), _n(y1), _n(x2), _n(y2), stroke, _n(width), css)


def _rect(x, y, w, h, fill, css, extra=""):
    return '<rect x="%s" y="%s" width="%s" height="%s" fill="%s" class="%s"%s/>' % (
        _n(x), _n(y), _n(w), _n(h), fill, css, extra)


def _n(v):
    """A coordinate as short text: at most two decimals, no trailing zeros."""
    text = "%.2f" % v
    text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _document(width, height, body):
    head = ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" '
            'font-family="%s">\n' % (width, height, width, height, FONT_FAMILY))
    background = '<rect x="0" y="0" width="%d" height="%d" fill="#ffffff" class="background"/>\n' % (width, height)
    return head + background + "\n".join(body) + "\n</svg>\n"


def _save(path, width, height, body):
    return write_atomic(path, _document(int(round(width)), int(round(height)), body).encode("utf-8"))


# ---------------------------------------------------------------------------
# Numbers on axes
# ---------------------------------------------------------------------------

def nice_ticks(lo, hi, count=5, integer=False):
    """Round tick values from at or below `lo` to at or above `hi`.

    The step is 1, 2, 2.5 or 5 times a power of ten, chosen so that there are
    about `count` intervals; `integer=True` keeps the step a whole number.
    """
    lo, hi = _widen(lo, hi)
    raw = (hi - lo) / count
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw * 0.999)
    if integer:
        step = max(1.0, round(step))
    first = math.floor(lo / step + 1e-9) * step
    last = math.ceil(hi / step - 1e-9) * step
    digits = max(0, 2 - int(math.floor(math.log10(step))))
    return [round(first + i * step, digits) for i in range(int(round((last - first) / step)) + 1)]


def log_ticks(lo, hi):
    """Ticks for a logarithmic axis covering [lo, hi] (both > 0): 1-9, 1-2-5 or powers of ten."""
    lo, hi = min(lo, hi), max(lo, hi)
    a = math.floor(math.log10(lo))
    b = math.ceil(math.log10(hi))
    if b == a:
        b += 1
    decades = range(a, b + 1)
    span = math.log10(hi) - math.log10(lo)
    if span <= 1:
        multipliers = range(1, 10)
    elif span <= 2.5:
        multipliers = (1, 2, 5)
    else:
        stride = max(1, int(math.ceil((b - a) / 8)))
        first = a - a % stride                              # the ticks start at or below lo ...
        last = min(b + (-b) % stride, 308)                  # ... and end at or above hi (10^308: the largest double)
        ticks = [10.0 ** d for d in range(first, last + 1, stride)]
        return ticks if ticks[-1] >= hi * (1 - 1e-9) else ticks + [10.0 ** 308]
    candidates = [m * 10.0 ** d for d in decades for m in multipliers]
    below = [c for c in candidates if c <= lo * (1 + 1e-9)]
    above = [c for c in candidates if c >= hi * (1 - 1e-9)]
    start, end = max(below), min(above)
    return [c for c in candidates if start <= c <= end]


def format_number(v):
    """A short label for one number: '%g' with exponents written as 1e-5, not 1e-05."""
    if v != v:
        return "NaN"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    text = "%g" % v
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = mantissa + "e" + str(int(exponent))
    return "0" if text == "-0" else text


def format_ticks(ticks):
    """Labels for linear ticks, all with the same number of decimals (0, 0.5, 1.0 -> 0.0, 0.5, 1.0)."""
    biggest = max(abs(t) for t in ticks) if ticks else 0
    if biggest >= 1e5 or 0 < biggest < 1e-3:
        return [format_number(t) for t in ticks]
    step = min((abs(b - a) for a, b in zip(ticks, ticks[1:])), default=1) or 1
    decimals = 0
    while decimals < 6 and abs(round(step, decimals) - step) > step * 1e-6:
        decimals += 1
    return ["%.*f" % (decimals, t + 0.0 if round(t, decimals) != 0 else 0.0) for t in ticks]   # never "-0.0"


def _widen(lo, hi):
    """An interval with room in it: a single value v becomes v +- 10% (or +-1 around 0)."""
    if hi < lo:
        lo, hi = hi, lo
    if hi - lo < 1e-12 * max(1.0, abs(lo), abs(hi)):
        pad = abs(lo) * 0.1 if lo != 0 else 1.0
        lo, hi = lo - pad, hi + pad
    return lo, hi


class Axis:
    """A mapping from data values in [lo, hi] to a fraction 0..1 along an axis, with its ticks."""

    def __init__(self, lo, hi, ticks, log=False):
        self.lo, self.hi, self.ticks, self.log = lo, hi, ticks, log
        self.labels = [format_number(t) for t in ticks] if log else format_ticks(ticks)

    def fraction(self, v):
        if self.log:
            return (math.log10(v) - math.log10(self.lo)) / (math.log10(self.hi) - math.log10(self.lo))
        return (v - self.lo) / (self.hi - self.lo)


def x_axis(values):
    """A tight x axis: exactly the data's range, ticks inside it; whole-number steps for epochs."""
    if not values:
        return Axis(0.0, 1.0, nice_ticks(0.0, 1.0))
    integer = all(float(v).is_integer() for v in values)
    lo, hi = min(values), max(values)
    if lo == hi:
        lo, hi = (lo - 1, hi + 1) if integer else _widen(lo, hi)
    if integer and hi - lo <= 12:
        ticks = [float(t) for t in range(int(lo), int(hi) + 1)]
    else:
        ticks = [t for t in nice_ticks(lo, hi, 6, integer) if lo - 1e-9 * (hi - lo) <= t <= hi + 1e-9 * (hi - lo)]
    return Axis(lo, hi, ticks)


def y_axis(values, log=False):
    """A loose y axis: from the first round tick below the data to the first one above it."""
    if log:
        values = [v for v in values if v > 0]
        if not values:
            return Axis(1.0, 10.0, [1.0, 10.0], log=True)
        ticks = log_ticks(min(values), max(values))
        return Axis(ticks[0], ticks[-1], ticks, log=True)
    if not values:
        ticks = nice_ticks(0.0, 1.0)
    else:
        ticks = nice_ticks(min(values), max(values))
    return Axis(ticks[0], ticks[-1], ticks)


# ---------------------------------------------------------------------------
# Series: from what callers pass to clean runs of points
# ---------------------------------------------------------------------------

def _usable(v, log):
    return isinstance(v, (int, float)) and math.isfinite(v) and (v > 0 or not log)


def prepare_series(series, log_y=False):
    """label -> values, or label -> (x, y) pairs, as a list of (label, points, missing).

    `points` is a list of (x, y) with None for y where the value cannot be drawn
    (None, NaN, infinity, or y <= 0 on a log axis); `missing` counts those.
    """
    if not isinstance(series, dict):
        raise TypeError("series must be a dict of label -> list of values (or of (x, y) pairs), got %s"
                        % type(series).__name__)
    prepared = []
    for label, values in series.items():
        values = list(values)
        points = []
        for i, v in enumerate(values):
            if isinstance(v, (list, tuple)):
                if len(v) != 2:
                    raise ValueError("series %r: point %d should be an (x, y) pair, got %r" % (label, i, v))
                x, y = v
            else:
                x, y = i + 1, v
            if not _usable(x, False):
                continue
            points.append((x, y if _usable(y, log_y) else None))
        missing = sum(1 for _, y in points if y is None) + (len(values) - len(points))
        prepared.append((str(label), points, missing))
    return prepared


def _runs(points):
    """Split points at the missing ones: the line breaks where a value is NaN or infinite."""
    runs, current = [], []
    for x, y in points:
        if y is None:
            if current:
                runs.append(current)
            current = []
        else:
            current.append((x, y))
    if current:
        runs.append(current)
    return runs


def _missing_note(missing, log_y):
    """The legend's second line for a series with values that could not be drawn ('' if none)."""
    if not missing:
        return ""
    return "%d not drawn (%s)" % (missing, "NaN/inf/<=0" if log_y else "NaN/inf")


# ---------------------------------------------------------------------------
# One plot: axes, ticks, lines
# ---------------------------------------------------------------------------

def _tick_label_width(axis, size=11):
    return max((text_width(label, size) for label in axis.labels), default=0)


def _draw_axes(body, box, xa, ya, x_label="", y_label="", size=11):
    """Grid lines, the two axis lines, tick marks and tick labels, and the axis titles."""
    left, top, right, bottom = box
    for tick, label in zip(ya.ticks, ya.labels):
        y = bottom - ya.fraction(tick) * (bottom - top)
        body.append(_line(left, y, right, y, GRID_COLOUR, "grid"))
        body.append(_line(left - 4, y, left, y, AXIS_COLOUR, "tick"))
        body.append(_text(left - 7, y + size * 0.35, label, size, "end", "tick-label"))
    for tick, label in zip(xa.ticks, xa.labels):
        x = left + xa.fraction(tick) * (right - left)
        body.append(_line(x, bottom, x, bottom + 4, AXIS_COLOUR, "tick"))
        body.append(_text(x, bottom + 6 + size, label, size, "middle", "tick-label"))
    body.append(_line(left, bottom, right, bottom, AXIS_COLOUR, "axis"))
    body.append(_line(left, top, left, bottom, AXIS_COLOUR, "axis"))
    if x_label:
        body.append(_text((left + right) / 2, bottom + 2 * size + 14, x_label, size + 1, "middle", "axis-label"))
    if y_label:
        x = left - _tick_label_width(ya, size) - 16
        body.append(_text(x, (top + bottom) / 2, y_label, size + 1, "middle", "axis-label", rotate=-90))


def _draw_series(body, box, xa, ya, prepared, styles, dots=()):
    """Each series as polylines (one per unbroken run) and circles for points standing alone
    (every point of a series named in `dots`)."""
    left, top, right, bottom = box

    def px(point):
        x, y = point
        return (left + xa.fraction(x) * (right - left), bottom - ya.fraction(y) * (bottom - top))

    for label, points, _ in prepared:
        colour, dash = styles[label]
        for run in _runs(points):
            coords = [px(p) for p in run]
            if len(coords) == 1 or label in dots:
                for x, y in coords:
                    body.append('<circle cx="%s" cy="%s" r="3.5" fill="%s" class="point"/>' % (_n(x), _n(y), colour))
                continue
            dash_attr = ' stroke-dasharray="%s"' % dash if dash else ""
            body.append('<polyline points="%s" fill="none" stroke="%s" stroke-width="2" '
                        'stroke-linejoin="round" stroke-linecap="round" class="series"%s/>' % (
                            " ".join("%s,%s" % (_n(x), _n(y)) for x, y in coords), colour, dash_attr))


def _series_styles(labels):
    """label -> (colour, dash): ten colours, then the colours again with dashes."""
    return {label: (hex_colour(category(i)), DASHES[(i // 10) % len(DASHES)]) for i, label in enumerate(labels)}


def _legend_entry(body, x, y, text, colour, dash, size=12, dot=False):
    dash_attr = ' stroke-dasharray="%s"' % dash if dash else ""
    if dot:
        body.append('<circle cx="%s" cy="%s" r="3.5" fill="%s" class="legend-key"/>' % (_n(x + 9), _n(y), colour))
    else:
        body.append('<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="3" class="legend-key"%s/>' % (
            _n(x), _n(y), _n(x + 18), _n(y), colour, dash_attr))
    body.append(_text(x + 24, y + size * 0.35, text, size, "start", "legend"))


def _no_data(body, box):
    left, top, right, bottom = box
    body.append(_text((left + right) / 2, (top + bottom) / 2, "no data to draw", 13, "middle", "note",
                      fill="#888888"))


def _all_values(prepared):
    xs = [x for _, points, _ in prepared for x, _ in points]
    ys = [y for _, points, _ in prepared for _, y in points if y is not None]
    return xs, ys


# ---------------------------------------------------------------------------
# The charts
# ---------------------------------------------------------------------------

def line_chart(path, series, title="", x_label="epoch", y_label="", width=640, height=400, log_y=False, dots=()):
    """Curves over epochs (or any x): one line per series, axes, ticks, a legend.

    `series` maps a label to a list of y values (x = 1, 2, ..., n) or to a list
    of (x, y) pairs. A NaN, infinite or None value breaks the line there (a
    training run that diverged stops being drawn where it diverged, and its
    legend entry says how many values were not drawn); a point standing alone
    between gaps is drawn as a dot. With `log_y=True` the y axis is
    logarithmic and values <= 0 are left out the same way. The labels in
    `dots` are drawn as dots only, no line (data points beside fitted curves).
    The legend sits on the right; when a label would not fit there whole, it
    goes under the chart instead (the picture grows), so no label is cut.
    Returns `path`.
    """
    prepared = prepare_series(series, log_y)
    xs, ys = _all_values(prepared)
    xa, ya = x_axis(xs), y_axis(ys, log_y)
    styles = _series_styles([label for label, _, _ in prepared])
    legend = [(label, _missing_note(missing, log_y)) for label, _, missing in prepared]
    dots = set(dots)

    size = 11
    max_legend = width * 0.32
    widest = max((max(text_width(label, 12), text_width(note, 10)) for label, note in legend), default=0)
    below = bool(legend) and 30 + widest > max_legend
    legend_width = 0 if below or not legend else 30 + widest + 20
    top = 40 if title else 16
    left = 14 + _tick_label_width(ya, size) + (22 if y_label else 0)
    last_tick = text_width(xa.labels[-1], size) / 2 if xa.labels and xa.fraction(xa.ticks[-1]) > 0.9 else 0
    right = width - max(16, last_tick + 4) - legend_width          # room for half the last x tick label
    bottom = height - (2 * size + 28 if x_label else size + 20)
    box = (left, top, right, bottom)

    body = []
    if title:
        body.append(_title(width, 24, title))
    _draw_axes(body, box, xa, ya, x_label, y_label, size)
    if ys:
        _draw_series(body, box, xa, ya, prepared, styles, dots)
    else:
        _no_data(body, box)
    if below:
        y = height + 6
        for label, note in legend:
            colour, dash = styles[label]
            text = label + ("  (" + note + ")" if note else "")
            _legend_entry(body, 16, y, shorten(text, width - 60, 12), colour, dash, dot=label in dots)
            y += 20
        height = y
    else:
        y = top + 8
        for label, note in legend:
            colour, dash = styles[label]
            _legend_entry(body, right + 20, y, label, colour, dash, dot=label in dots)
            if note:
                y += 15
                body.append(_text(right + 44, y + 3, note, 10, "start", "legend-note", fill="#c0392b"))
            y += 20
    return _save(path, width, height, body)


def small_multiples(path, panels, columns=3, shared_y=True, title="", x_label="epoch", y_label="",
                    log_y=False, panel_width=300, panel_height=220):
    """Several line charts in a grid, one SVG: a sweep's curves side by side.

    `panels` is a list of (panel title, series) pairs, each series as in
    `line_chart`. A label keeps its colour in every panel and one legend at the
    top explains them all. `shared_y=True` gives every panel the same y range,
    so heights compare across panels; `shared_y=False` lets each panel fit its
    own data. The x label is written under the bottom row, the y label beside
    the first column. Returns `path`.
    """
    panels = list(panels)
    if columns < 1:
        raise ValueError("columns must be at least 1, got %r" % columns)
    prepared = [(str(name), prepare_series(series, log_y)) for name, series in panels]
    labels = []
    for _, items in prepared:
        labels += [label for label, _, _ in items if label not in labels]
    styles = _series_styles(labels)
    shared = y_axis(_all_values([item for _, items in prepared for item in items])[1], log_y) if shared_y else None

    columns = max(1, min(columns, len(panels))) if panels else 1
    rows = max(1, int(math.ceil(len(panels) / columns)))
    width = columns * panel_width

    body = []
    top = 10
    if title:
        body.append(_title(width, 26, title))
        top = 40
    top = _flow_legend(body, labels, styles, width, top)

    size = 10
    axes = [shared or y_axis(_all_values(items)[1], log_y) for _, items in prepared]
    left_pad = 12 + max((_tick_label_width(a, size) for a in axes), default=0) + (20 if y_label else 0)
    for index, ((name, items), ya) in enumerate(zip(prepared, axes)):
        row, column = divmod(index, columns)
        x0, y0 = column * panel_width, top + row * panel_height
        xs, ys = _all_values(items)
        xa = x_axis(xs)
        last_tick = text_width(xa.labels[-1], size) / 2 if xa.labels and xa.fraction(xa.ticks[-1]) > 0.9 else 0
        box = (x0 + left_pad, y0 + 26, x0 + panel_width - max(14, last_tick + 4),
               y0 + panel_height - (2 * size + 26 if x_label else size + 16))
        body.append(_text((box[0] + box[2]) / 2, y0 + 16, shorten(name, panel_width - 20, 12), 12, "middle",
                          "panel-title", weight="bold"))
        last_in_column = index + columns >= len(prepared)
        _draw_axes(body, box, xa, ya, x_label if last_in_column else "", y_label if column == 0 else "", size)
        if ys:
            _draw_series(body, box, xa, ya, items, styles)
        else:
            _no_data(body, box)
    return _save(path, width, top + rows * panel_height, body)


def _flow_legend(body, labels, styles, width, top):
    """A legend laid out left to right, wrapping; returns the y below it."""
    if not labels:
        return top
    x, y = 16, top + 10
    for label in labels:
        text = shorten(label, width * 0.4, 12)
        entry = 24 + text_width(text, 12) + 22
        if x + entry > width - 10 and x > 16:
            x, y = 16, y + 20
        colour, dash = styles[label]
        _legend_entry(body, x, y, text, colour, dash)
        x += entry
    return y + 14


def confusion_matrix(path, matrix, class_names=None, title="", cell_size=None):
    """A heat map of a confusion matrix: row = true class, column = predicted class.

    Each cell shows its count; its shade is the count as a fraction of its row
    (the share of that true class predicted as each class), so the diagonal
    reads as per-class recall even when classes are unbalanced. The overall
    accuracy (trace / total) is written under the title. Returns `path`.
    """
    matrix = [list(row) for row in matrix]
    n = len(matrix)
    if n == 0 or any(len(row) != n for row in matrix):
        raise ValueError("confusion_matrix needs a square, non-empty matrix; got rows of lengths %s"
                         % [len(row) for row in matrix])
    names = [str(c) for c in (class_names if class_names is not None else range(n))]
    if len(names) != n:
        raise ValueError("%d class names for a %dx%d matrix" % (len(names), n, n))

    cell = cell_size or max(28.0, min(96.0, 480.0 / n))
    font = min(16.0, max(9.0, cell * 0.28))
    names_shown = [shorten(name, 150, 12) for name in names]
    longest = max(text_width(name, 12) for name in names_shown)
    rotate_columns = longest > cell - 6

    top = 16 + (26 if title else 0) + 22
    left = 34 + longest + 10
    grid = cell * n
    under = (longest * 0.71 + 14) if rotate_columns else 22
    width = left + grid + 24
    height = top + grid + under + 28
    if title and text_width(title, 15) + 30 > width:          # a long title widens the picture; the grid is centred
        extra = min(text_width(title, 15) + 30, 1200) - width
        left += extra / 2
        width += extra

    body = []
    if title:
        body.append(_title(width, 26, title))
    total = sum(_finite(v) for row in matrix for v in row)
    correct = sum(_finite(matrix[i][i]) for i in range(n))
    if total > 0:
        body.append(_text(width / 2, top - 12, "accuracy %.1f%% (%s of %s)" % (
            100.0 * correct / total, format_number(correct), format_number(total)), 12, "middle", "subtitle",
            fill="#555555"))

    for i, row in enumerate(matrix):
        row_total = sum(_finite(v) for v in row)
        for j, value in enumerate(row):
            share = _finite(value) / row_total if row_total > 0 else 0.0
            x, y = left + j * cell, top + i * cell
            body.append(_rect(x, y, cell, cell, hex_colour(sequential(share)), "cell",
                              ' stroke="#ffffff" stroke-width="1"'))
            ink = "#ffffff" if share > 0.5 else TEXT_COLOUR
            body.append(_text(x + cell / 2, y + cell / 2 + font * 0.35, _count(value), font, "middle", "count",
                              fill=ink))
    for i, name in enumerate(names_shown):
        body.append(_text(left - 8, top + (i + 0.5) * cell + 4, name, 12, "end", "class-name"))
        cx = left + (i + 0.5) * cell
        if rotate_columns:
            body.append(_text(cx + 4, top + grid + 12, name, 12, "end", "class-name", rotate=-45))
        else:
            body.append(_text(cx, top + grid + 16, name, 12, "middle", "class-name"))
    body.append(_text(left - longest - 28, top + grid / 2, "true class", 13, "middle", "axis-label", rotate=-90))
    body.append(_text(left + grid / 2, top + grid + under + 14, "predicted class", 13, "middle", "axis-label"))
    return _save(path, width, height, body)


def _finite(v):
    return v if isinstance(v, (int, float)) and math.isfinite(v) else 0


def _count(v):
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v) if isinstance(v, int) else format_number(v)


def bar_chart(path, values, title="", y_label="", width=640, height=400, x_label=""):
    """One bar per entry of `values` (label -> number), e.g. accuracy per learning rate.

    Each bar has its value written on it. A NaN or infinite value (a run that
    diverged) gets no bar and the word "NaN" (or "inf") in its place, so the
    failure shows instead of disappearing. Negative values hang below zero.
    Returns `path`.
    """
    if not isinstance(values, dict):
        raise TypeError("values must be a dict of label -> number, got %s" % type(values).__name__)
    items = [(str(label), v) for label, v in values.items()]
    finite = [v for _, v in items if _usable(v, False)]
    ya = y_axis(finite + [0.0])
    size = 11

    top = 48 if title else 24
    left = 14 + _tick_label_width(ya, size) + (22 if y_label else 0)
    right = width - 16
    slot = (right - left) / max(1, len(items))
    label_shown = [shorten(label, 140, size) for label, _ in items]
    longest = max((text_width(label, size) for label in label_shown), default=0)
    rotate = longest > slot - 6
    if rotate and label_shown:
        # a label turned 40 degrees reaches cos(40) of its length to the left of its bar's centre
        reach = 0.77 * text_width(label_shown[0], size) - slot / 2 + 8
        if reach > left:
            left = reach
            slot = (right - left) / len(items)
    under = (longest * 0.65 + 22) if rotate else size + 16
    bottom = height - under - (22 if x_label else 6)
    box = (left, top, right, bottom)

    body = []
    if title:
        body.append(_title(width, 24, title))
    _draw_axes(body, box, Axis(0, 1, []), ya, "", y_label, size)
    zero = bottom - ya.fraction(0.0) * (bottom - top)
    if ya.lo < 0:
        body.append(_line(left, zero, right, zero, AXIS_COLOUR, "zero"))
    colour = hex_colour(category(0))
    for i, ((_, v), label) in enumerate(zip(items, label_shown)):
        cx = left + (i + 0.5) * slot
        if rotate:
            body.append(_text(cx + 4, bottom + 14, label, size, "end", "category", rotate=-40))
        else:
            body.append(_text(cx, bottom + size + 6, label, size, "middle", "category"))
        if not _usable(v, False):
            body.append(_text(cx, zero - 6, format_number(v) if isinstance(v, float) else "none", 12, "middle",
                              "value missing", fill="#c0392b", weight="bold"))
            continue
        y = bottom - ya.fraction(v) * (bottom - top)
        bar_w = slot * 0.7
        body.append(_rect(cx - bar_w / 2, min(y, zero), bar_w, abs(zero - y), colour, "bar"))
        value = format_number(float("%.3g" % v))
        if v >= 0:
            body.append(_text(cx, y - 5, value, 11, "middle", "value"))
        elif y - zero >= 18:
            body.append(_text(cx, y - 6, value, 11, "middle", "value", fill="#ffffff"))   # inside the bar's end
        else:
            body.append(_text(cx, y + 13, value, 11, "middle", "value"))
    if x_label:
        body.append(_text((left + right) / 2, height - 10, x_label, size + 1, "middle", "axis-label"))
    return _save(path, width, height, body)
