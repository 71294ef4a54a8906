"""The map and the charts as SVG text, drawn from plain data.

No Django here: every word arrives translated and every figure that is not
plotted arrives formatted, so this module only places shapes and escapes text.
Each picture is an `<svg role="img">` named by its own `<title>` and `<desc>`;
the pages put the same figures in a table beside it, because a screen reader
reads no bars.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

SVG_NS = "http://www.w3.org/2000/svg"
FONT = "system-ui, sans-serif"
INK = "#1d2327"
MUTED_INK = "#3d4a50"
GRID = "#d5dee2"
ROAD = "#5c6f77"

# Characters XML 1.0 cannot carry at all, not even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: str) -> str:
    return escape(_NOT_XML.sub("", value))


def _attr(value: str) -> str:
    return quoteattr(_NOT_XML.sub("", value))


def _num(value: float) -> str:
    """A coordinate: short, and the same on every machine."""
    return f"{value:.1f}".removesuffix(".0")


def _text_width(text: str, size: float) -> float:
    # No font metrics without a browser: an average glyph is a bit over half
    # the font size wide, which is enough to keep labels apart.
    return len(text) * size * 0.6


def _open_svg(*, ident: str, width: float, height: float, title: str, desc: str) -> list[str]:
    return [
        f'<svg xmlns="{SVG_NS}" class="picture" role="img" width="{_num(width)}"'
        f' height="{_num(height)}" viewBox="0 0 {_num(width)} {_num(height)}"'
        f" aria-labelledby={_attr(f'{ident}-title {ident}-desc')}"
        # Left to right even on an Arabic page: the places keep their
        # compass sides, time runs as on every axis, and legends stay beside
        # their swatches; each label still reads in its own script's direction.
        f' font-family={_attr(FONT)} direction="ltr" id={_attr(ident)}>',
        f"<title id={_attr(f'{ident}-title')}>{_text(title)}</title>",
        f"<desc id={_attr(f'{ident}-desc')}>{_text(desc)}</desc>",
    ]


# Colours.


def _luminance(colour: str) -> float:
    """Relative luminance of a #rrggbb colour, as WCAG 2 defines it."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2 contrast between two #rrggbb colours: 1 (none) to 21 (black on white)."""
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@dataclass(frozen=True)
class Shade:
    fill: str
    ink: str


# How hard a municipality is pressed, lightest first: nobody waiting, room
# for everyone waiting, more waiting than places, and waiting with no place.
SHADES = (
    Shade(fill="#eef4f6", ink=INK),
    Shade(fill="#fbe3b0", ink=INK),
    Shade(fill="#e8833a", ink=INK),
    Shade(fill="#9c1f1a", ink="#ffffff"),
)
# A municipality outside the coordinator's: drawn for orientation, without figures.
NEUTRAL = Shade(fill="#ffffff", ink=MUTED_INK)

# Series on a white background: each at least 3:1 against it, and told apart
# by lightness as well as hue for readers who see fewer colours.
SERIES_COLOURS = ("#0b5d7a", "#d0782a", "#4b2a7b", "#6b8e23")


def pressure(*, waiting: int, free: int) -> int:
    """The index in SHADES for `waiting` requests against `free` places."""
    if waiting <= 0:
        return 0
    if free <= 0:
        return 3
    return 1 if waiting <= free else 2


# The map.


@dataclass(frozen=True)
class Place:
    """One municipality: where its seat is, and what its card says."""

    key: str
    name: str
    latitude: float
    longitude: float
    # Lines under the name, e.g. ("3 waiting", "5 free places").
    lines: tuple[str, ...] = ()
    # An index in SHADES; None draws the place neutral, without figures.
    shade: int | None = None


@dataclass(frozen=True)
class Road:
    """A road between two places (by key), labelled with its driving time."""

    start: str
    end: str
    label: str
    # Read out by a pointer's tooltip, e.g. "Östersund – Krokom: 20 min (E14)".
    description: str = ""


@dataclass(frozen=True)
class Card:
    """Where a place's card ended up: its centre and size, in SVG units."""

    x: float
    y: float
    width: float
    height: float


MAP_WIDTH = 560.0
MAP_HEIGHT = 680.0
MAP_MARGIN = 16.0
# Room kept between two cards, so a road's label fits between them: wider
# side by side, where the label lies across the road.
CARD_GAP_X = 64.0
CARD_GAP_Y = 36.0
NAME_SIZE = 15.0
LINE_SIZE = 13.0
LINE_HEIGHT = 17.0


def _card_size(place: Place) -> tuple[float, float]:
    widths = [_text_width(place.name, NAME_SIZE)]
    widths += [_text_width(line, LINE_SIZE) for line in place.lines]
    return max(96.0, max(widths) + 20), 30 + LINE_HEIGHT * len(place.lines)


def _project(places: Sequence[Place]) -> dict[str, tuple[float, float]]:
    """Seats onto the plane: equirectangular, longitudes shrunk by the cosine of the
    mean latitude so a kilometre is about as long either way; north up."""
    if not places:
        return {}
    shrink = math.cos(math.radians(sum(p.latitude for p in places) / len(places)))
    raw = {p.key: (p.longitude * shrink, -p.latitude) for p in places}
    xs, ys = [x for x, _ in raw.values()], [y for _, y in raw.values()]
    span_x, span_y = max(xs) - min(xs), max(ys) - min(ys)
    scale = min(
        MAP_WIDTH / span_x if span_x else math.inf, MAP_HEIGHT / span_y if span_y else math.inf
    )
    if math.isinf(scale):
        scale = 0.0
    return {key: ((x - min(xs)) * scale, (y - min(ys)) * scale) for key, (x, y) in raw.items()}


def layout(places: Sequence[Place]) -> dict[str, Card]:
    """Cards at their seats, then pushed apart until no two overlap, with a gap between.

    Östersund and Krokom are 20 minutes apart: at any scale that shows the
    whole region their cards would cover each other, so a schematic moves
    them apart, as a metro map does, and the rest of the map keeps its shape.
    """
    points = _project(places)
    # One size for all: the schematic looks calm, and a coordinator who sees
    # figures in fewer municipalities gets the same picture as the region.
    needed = [_card_size(p) for p in places]
    width = max((w for w, _ in needed), default=0.0)
    height = max((h for _, h in needed), default=0.0)
    apart_x, apart_y = width + CARD_GAP_X, height + CARD_GAP_Y
    centres = {key: list(point) for key, point in points.items()}
    keys = list(centres)
    for _round in range(500):
        moved = False
        for i, first in enumerate(keys):
            for second in keys[i + 1 :]:
                a, b = centres[first], centres[second]
                dx, dy = b[0] - a[0], b[1] - a[1]
                over_x, over_y = apart_x - abs(dx), apart_y - abs(dy)
                if over_x <= 0 or over_y <= 0:
                    continue
                moved = True
                # Along the axis that needs the shorter push (relative to the
                # card's size there); ties go by list order.
                axis, over, delta = (
                    (1, over_y, dy) if over_y / apart_y <= over_x / apart_x else (0, over_x, dx)
                )
                step = (over / 2 + 0.01) * (1 if delta >= 0 else -1)
                a[axis] -= step
                b[axis] += step
        if not moved:
            break
    return {key: Card(x=x, y=y, width=width, height=height) for key, (x, y) in centres.items()}


def _leave_card(card: Card, dx: float, dy: float) -> float:
    """How far along (dx, dy) from the card's centre the ray crosses its edge (0 to 1+)."""
    limits = []
    if dx:
        limits.append(card.width / 2 / abs(dx))
    if dy:
        limits.append(card.height / 2 / abs(dy))
    return min(limits) if limits else 0.0


def map_svg(
    *,
    ident: str,
    title: str,
    desc: str,
    places: Sequence[Place],
    roads: Sequence[Road],
    legend: Sequence[str],
    neutral_label: str = "",
) -> str:
    """The municipalities as cards at their seats, joined by their roads, with a legend.

    `legend` names SHADES in order (as many as are used); `neutral_label`, if
    given, adds the neutral card to the legend.
    """
    cards = layout(places)
    if cards:
        left = min(c.x - c.width / 2 for c in cards.values())
        top = min(c.y - c.height / 2 for c in cards.values())
        right = max(c.x + c.width / 2 for c in cards.values())
        bottom = max(c.y + c.height / 2 for c in cards.values())
    else:
        left = top = right = bottom = 0.0
    shift_x, shift_y = MAP_MARGIN - left, MAP_MARGIN - top
    entries = [(SHADES[i], label) for i, label in enumerate(legend[: len(SHADES)])]
    if neutral_label:
        entries.append((NEUTRAL, neutral_label))
    legend_top = bottom + shift_y + MAP_MARGIN + 8
    width = max(
        right + shift_x + MAP_MARGIN,
        max((_text_width(label, LINE_SIZE) + 56 for _, label in entries), default=0),
    )
    height = legend_top + 24 * len(entries) + MAP_MARGIN

    out = _open_svg(ident=ident, width=width, height=height, title=title, desc=desc)
    out.append(f'<g class="roads" stroke="{ROAD}" stroke-width="2.5">')
    labels = []
    for road in roads:
        if road.start not in cards or road.end not in cards:
            continue
        a, b = cards[road.start], cards[road.end]
        x1, y1, x2, y2 = a.x + shift_x, a.y + shift_y, b.x + shift_x, b.y + shift_y
        tooltip = f"<title>{_text(road.description)}</title>" if road.description else ""
        out.append(
            f'<line class="road" x1="{_num(x1)}" y1="{_num(y1)}" x2="{_num(x2)}"'
            f' y2="{_num(y2)}">{tooltip}</line>'
        )
        # The label sits halfway along the part of the road no card covers.
        dx, dy = x2 - x1, y2 - y1
        leave, enter = _leave_card(a, dx, dy), 1 - _leave_card(b, dx, dy)
        middle = (leave + enter) / 2 if leave < enter else 0.5
        labels.append((x1 + dx * middle, y1 + dy * middle, road.label))
    out.append("</g>")
    out.append(f'<g class="road-labels" font-size="12" fill="{INK}" text-anchor="middle">')
    for x, y, label in labels:
        half = _text_width(label, 12) / 2 + 5
        out.append(
            f'<rect x="{_num(x - half)}" y="{_num(y - 9)}" width="{_num(2 * half)}" height="18"'
            f' rx="9" fill="#ffffff" stroke="{ROAD}"/>'
            f'<text class="road-label" x="{_num(x)}" y="{_num(y + 4)}">{_text(label)}</text>'
        )
    out.append("</g>")

    out.append('<g class="places" text-anchor="middle">')
    for place in places:
        card = cards[place.key]
        shade = NEUTRAL if place.shade is None else SHADES[place.shade]
        x, y = card.x + shift_x, card.y + shift_y
        # The name and lines, centred in the card however many lines there are.
        top_y = y - _card_size(place)[1] / 2
        dashes = ' stroke-dasharray="4 3"' if place.shade is None else ""
        out.append(
            f'<g class="place" data-key={_attr(place.key)}>'
            f'<rect x="{_num(x - card.width / 2)}" y="{_num(y - card.height / 2)}"'
            f' width="{_num(card.width)}"'
            f' height="{_num(card.height)}" rx="6" fill="{shade.fill}" stroke="{INK}"'
            f' stroke-width="1.5"{dashes}/>'
            f'<text x="{_num(x)}" y="{_num(top_y + 21)}" font-size="{_num(NAME_SIZE)}"'
            f' font-weight="700" fill="{shade.ink}">{_text(place.name)}</text>'
        )
        for row, line in enumerate(place.lines):
            baseline = top_y + 21 + LINE_HEIGHT * (row + 1)
            out.append(
                f'<text class="figure" x="{_num(x)}" y="{_num(baseline)}"'
                f' font-size="{_num(LINE_SIZE)}" fill="{shade.ink}">{_text(line)}</text>'
            )
        out.append("</g>")
    out.append("</g>")

    out.append(f'<g class="legend" font-size="{_num(LINE_SIZE)}" fill="{INK}">')
    for row, (shade, label) in enumerate(entries):
        y = legend_top + 24 * row
        dashes = ' stroke-dasharray="4 3"' if shade is NEUTRAL else ""
        out.append(
            f'<rect x="{_num(MAP_MARGIN)}" y="{_num(y)}" width="28" height="18" rx="3"'
            f' fill="{shade.fill}" stroke="{INK}"{dashes}/>'
            f'<text x="{_num(MAP_MARGIN + 38)}" y="{_num(y + 14)}">{_text(label)}</text>'
        )
    out.append("</g></svg>")
    return "".join(out)


# Charts over time.


@dataclass(frozen=True)
class Series:
    """One line or one set of bars: a value per category, None where there is none."""

    name: str
    values: tuple[float | None, ...]


CHART_WIDTH = 640.0
CHART_HEIGHT = 260.0
TICK_SIZE = 12.0


def plain_number(value: float) -> str:
    """A figure as Python writes it, whole numbers without ".0"; pages pass a localised one."""
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def nice_ticks(highest: float, *, whole: bool = True, count: int = 4) -> list[float]:
    """Round steps from 0 up to at least `highest`: 0, 5, 10, 15 rather than 0, 3.7, 7.4.

    Steps are 1, 2 or 5 times a power of ten, so one decimal always writes them.
    """
    top = max(highest, 1.0)
    rough = top / count
    magnitude = 10 ** math.floor(math.log10(rough))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= rough)
    if whole:
        step = max(1.0, float(math.ceil(step)))
    steps = math.ceil(top / step - 1e-9)
    return [step * i for i in range(steps + 1)]


@dataclass(frozen=True)
class _Frame:
    left: float
    top: float
    width: float
    height: float
    ticks: list[float]

    def y(self, value: float) -> float:
        return self.top + self.height * (1 - value / self.ticks[-1])

    @property
    def bottom(self) -> float:
        return self.top + self.height


def _chart_start(
    *,
    ident: str,
    title: str,
    desc: str,
    categories: Sequence[str],
    series: Sequence[Series],
    whole: bool,
    number: Callable[[float], str],
) -> tuple[list[str], _Frame]:
    """The frame every chart shares: legend, y axis with grid lines, category labels."""
    for one in series:
        if len(one.values) != len(categories):
            raise ValueError(f"{one.name!r} has {len(one.values)} values for {len(categories)}")
    values = [v for one in series for v in one.values if v is not None]
    ticks = nice_ticks(max(values, default=0.0), whole=whole)
    tick_labels = [number(t) for t in ticks]
    left = max(_text_width(label, TICK_SIZE) for label in tick_labels) + 14
    legend_rows = 1 if len(series) > 1 else 0
    top = 12 + 24 * legend_rows
    frame = _Frame(
        left=left,
        top=top,
        width=CHART_WIDTH - left - 12,
        height=CHART_HEIGHT - top - 30,
        ticks=ticks,
    )
    out = _open_svg(ident=ident, width=CHART_WIDTH, height=CHART_HEIGHT, title=title, desc=desc)
    if legend_rows:
        out.append(f'<g class="legend" font-size="{_num(TICK_SIZE + 1)}" fill="{INK}">')
        x = frame.left
        for index, one in enumerate(series):
            colour = SERIES_COLOURS[index % len(SERIES_COLOURS)]
            out.append(
                f'<rect x="{_num(x)}" y="4" width="14" height="14" fill="{colour}"/>'
                f'<text x="{_num(x + 20)}" y="16">{_text(one.name)}</text>'
            )
            x += 20 + _text_width(one.name, TICK_SIZE + 1) + 24
        out.append("</g>")
    out.append(
        f'<g class="y-axis" font-size="{_num(TICK_SIZE)}" fill="{MUTED_INK}" text-anchor="end">'
    )
    for tick, label in zip(ticks, tick_labels, strict=True):
        y = frame.y(tick)
        out.append(
            f'<line x1="{_num(frame.left)}" y1="{_num(y)}" x2="{_num(frame.left + frame.width)}"'
            f' y2="{_num(y)}" stroke="{GRID}"/>'
            f'<text x="{_num(frame.left - 6)}" y="{_num(y + 4)}">{_text(label)}</text>'
        )
    out.append("</g>")
    out.append(
        f'<line class="x-axis" x1="{_num(frame.left)}" y1="{_num(frame.bottom)}"'
        f' x2="{_num(frame.left + frame.width)}" y2="{_num(frame.bottom)}" stroke="{INK}"/>'
    )
    # Every label when they fit; else every second, third … so none overlap.
    slot = frame.width / max(len(categories), 1)
    widest = max((_text_width(c, TICK_SIZE) for c in categories), default=0.0) + 8
    every = max(1, math.ceil(widest / slot))
    out.append(
        f'<g class="x-labels" font-size="{_num(TICK_SIZE)}" fill="{MUTED_INK}"'
        ' text-anchor="middle">'
    )
    for index in range(0, len(categories), every):
        x = frame.left + slot * (index + 0.5)
        out.append(
            f'<text x="{_num(x)}" y="{_num(frame.bottom + 18)}">{_text(categories[index])}</text>'
        )
    out.append("</g>")
    return out, frame


def bar_chart(
    *,
    ident: str,
    title: str,
    desc: str,
    categories: Sequence[str],
    series: Sequence[Series],
    number: Callable[[float], str] = plain_number,
    whole: bool = True,
) -> str:
    """Bars side by side per category, one colour per series; each bar tells its value on hover."""
    out, frame = _chart_start(
        ident=ident,
        title=title,
        desc=desc,
        categories=categories,
        series=series,
        whole=whole,
        number=number,
    )
    slot = frame.width / max(len(categories), 1)
    bar = slot * 0.8 / max(len(series), 1)
    for index, one in enumerate(series):
        colour = SERIES_COLOURS[index % len(SERIES_COLOURS)]
        out.append(f'<g class="series" fill="{colour}">')
        for position, value in enumerate(one.values):
            if value is None:
                continue
            x = frame.left + slot * position + slot * 0.1 + bar * index
            y = frame.y(value)
            tooltip = f"{categories[position]}: {one.name}: {number(value)}"
            out.append(
                f'<rect class="bar" x="{_num(x)}" y="{_num(y)}" width="{_num(bar)}"'
                f' height="{_num(frame.bottom - y)}"><title>{_text(tooltip)}</title></rect>'
            )
        out.append("</g>")
    out.append("</svg>")
    return "".join(out)


def line_chart(
    *,
    ident: str,
    title: str,
    desc: str,
    categories: Sequence[str],
    series: Sequence[Series],
    number: Callable[[float], str] = plain_number,
    whole: bool = False,
) -> str:
    """A line per series through a point per category; a missing value breaks the line."""
    out, frame = _chart_start(
        ident=ident,
        title=title,
        desc=desc,
        categories=categories,
        series=series,
        whole=whole,
        number=number,
    )
    slot = frame.width / max(len(categories), 1)
    for index, one in enumerate(series):
        colour = SERIES_COLOURS[index % len(SERIES_COLOURS)]
        out.append(f'<g class="series" stroke="{colour}" fill="{colour}">')
        runs: list[list[tuple[float, float]]] = [[]]
        points = []
        for position, value in enumerate(one.values):
            if value is None:
                runs.append([])
                continue
            point = (frame.left + slot * (position + 0.5), frame.y(value))
            runs[-1].append(point)
            points.append((point, f"{categories[position]}: {one.name}: {number(value)}"))
        for run in runs:
            if len(run) > 1:
                coordinates = " ".join(f"{_num(x)},{_num(y)}" for x, y in run)
                out.append(
                    f'<polyline class="line" points="{coordinates}" fill="none"'
                    ' stroke-width="2.5"/>'
                )
        for (x, y), tooltip in points:
            out.append(
                f'<circle class="point" cx="{_num(x)}" cy="{_num(y)}" r="4">'
                f"<title>{_text(tooltip)}</title></circle>"
            )
        out.append("</g>")
    out.append("</svg>")
    return "".join(out)
