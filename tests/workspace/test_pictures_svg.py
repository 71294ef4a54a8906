"""The pure drawing: the map and the charts as SVG, from plain data, without a database."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workspace.pictures import svg

NS = {"svg": svg.SVG_NS}

# The region's seats, as the reference data migration has them.
SEATS = [
    ("2303", "Ragunda", 63.1036, 16.346),
    ("2305", "Bräcke", 62.75, 15.418),
    ("2309", "Krokom", 63.3262, 14.4564),
    ("2313", "Strömsund", 63.852, 15.556),
    ("2321", "Åre", 63.3478, 13.468),
    ("2326", "Berg", 62.7685, 14.4359),
    ("2361", "Härjedalen", 62.0345, 14.3577),
    ("2380", "Östersund", 63.1767, 14.6361),
]


def places(shade: int | None = 1) -> list[svg.Place]:
    return [
        svg.Place(code, name, lat, lon, lines=("3 waiting", "5 free places"), shade=shade)
        for code, name, lat, lon in SEATS
    ]


def parse(markup: str) -> ET.Element:
    return ET.fromstring(markup)


def texts(root: ET.Element) -> list[str]:
    return ["".join(element.itertext()) for element in root.iter(f"{{{svg.SVG_NS}}}text")]


def test_the_map_is_an_image_named_by_its_title_and_description() -> None:
    root = parse(
        svg.map_svg(
            ident="m", title="Waiting", desc="Eight places", places=places(), roads=[], legend=[]
        )
    )

    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "m-title m-desc"
    # On an Arabic page too: west stays left, and legends beside their swatches.
    assert root.get("direction") == "ltr"
    assert root.find("svg:title", NS) is not None
    assert root.find("svg:title", NS).get("id") == "m-title"  # type: ignore[union-attr]
    assert root.find("svg:desc", NS).text == "Eight places"  # type: ignore[union-attr]


def test_the_map_has_a_card_per_municipality_with_its_figures() -> None:
    root = parse(
        svg.map_svg(ident="m", title="t", desc="d", places=places(), roads=[], legend=["a", "b"])
    )

    cards = root.findall(".//svg:g[@class='place']", NS)
    assert [card.get("data-key") for card in cards] == [code for code, *_ in SEATS]
    assert texts(cards[-1]) == ["Östersund", "3 waiting", "5 free places"]


def test_no_two_cards_overlap_though_krokom_is_twenty_minutes_from_östersund() -> None:
    cards = list(svg.layout(places()).values())

    for i, a in enumerate(cards):
        for b in cards[i + 1 :]:
            apart_x = abs(a.x - b.x) >= (a.width + b.width) / 2
            apart_y = abs(a.y - b.y) >= (a.height + b.height) / 2
            assert apart_x or apart_y


def test_the_map_keeps_north_up_and_west_left() -> None:
    cards = svg.layout(places())

    assert cards["2313"].y < cards["2380"].y < cards["2361"].y  # Strömsund, Östersund, Sveg
    assert cards["2321"].x < cards["2380"].x < cards["2303"].x  # Järpen, Östersund, Hammarstrand


def test_each_road_is_a_line_labelled_with_its_minutes() -> None:
    roads = [
        svg.Road("2380", "2309", "20 min", "Östersund – Krokom: 20 minutes (E14)"),
        svg.Road("2326", "2361", "70 min"),
    ]

    root = parse(
        svg.map_svg(ident="m", title="t", desc="d", places=places(), roads=roads, legend=[])
    )

    lines = root.findall(".//svg:line[@class='road']", NS)
    assert len(lines) == 2
    assert lines[0].find("svg:title", NS).text == "Östersund – Krokom: 20 minutes (E14)"  # type: ignore[union-attr]
    labels = root.findall(".//svg:text[@class='road-label']", NS)
    assert [label.text for label in labels] == ["20 min", "70 min"]


def test_a_road_to_a_place_not_on_the_map_is_left_out() -> None:
    root = parse(
        svg.map_svg(
            ident="m",
            title="t",
            desc="d",
            places=places(),
            roads=[svg.Road("2380", "9999", "5 min")],
            legend=[],
        )
    )

    assert root.findall(".//svg:line[@class='road']", NS) == []


def test_the_legend_names_each_shade_and_the_neutral_card() -> None:
    root = parse(
        svg.map_svg(
            ident="m",
            title="t",
            desc="d",
            places=places(),
            roads=[],
            legend=["Nobody", "Enough", "More", "None free"],
            neutral_label="Not yours",
        )
    )

    legend = root.find(".//svg:g[@class='legend']", NS)
    assert legend is not None
    assert texts(legend) == ["Nobody", "Enough", "More", "None free", "Not yours"]
    fills = [rect.get("fill") for rect in legend.findall("svg:rect", NS)]
    assert fills == [shade.fill for shade in svg.SHADES] + [svg.NEUTRAL.fill]


def test_a_place_outside_the_coordinators_municipalities_is_drawn_neutral() -> None:
    root = parse(
        svg.map_svg(
            ident="m",
            title="t",
            desc="d",
            places=[svg.Place("2380", "Östersund", 63.18, 14.64)],
            roads=[],
            legend=[],
        )
    )

    rect = root.find(".//svg:g[@class='place']/svg:rect", NS)
    assert rect is not None
    assert rect.get("fill") == svg.NEUTRAL.fill
    assert rect.get("stroke-dasharray")


@pytest.mark.parametrize(
    ("waiting", "free", "shade"),
    [(0, 0, 0), (0, 4, 0), (2, 4, 1), (4, 4, 1), (5, 4, 2), (1, 0, 3)],
)
def test_the_shade_grows_with_requests_per_free_place(waiting: int, free: int, shade: int) -> None:
    assert svg.pressure(waiting=waiting, free=free) == shade


@pytest.mark.parametrize("shade", [*svg.SHADES, svg.NEUTRAL])
def test_the_text_on_every_card_colour_is_easy_to_read(shade: svg.Shade) -> None:
    # WCAG 2 AA for normal text.
    assert svg.contrast_ratio(shade.fill, shade.ink) >= 4.5


@pytest.mark.parametrize("colour", [*svg.SERIES_COLOURS, svg.ROAD])
def test_bars_lines_and_roads_stand_out_from_the_white_page(colour: str) -> None:
    # WCAG 2.1 AA for graphics that carry meaning.
    assert svg.contrast_ratio(colour, "#ffffff") >= 3


def test_the_contrast_of_black_on_white_is_twenty_one() -> None:
    assert svg.contrast_ratio("#000000", "#ffffff") == pytest.approx(21)


MONTHS = ["Jan", "Feb", "Mar", "Apr"]


def test_a_bar_chart_has_a_bar_per_value_with_its_value_as_tooltip() -> None:
    root = parse(
        svg.bar_chart(
            ident="c",
            title="Requests",
            desc="Per month",
            categories=MONTHS,
            series=[svg.Series("Requests", (3, 0, 7, 2))],
        )
    )

    bars = root.findall(".//svg:rect[@class='bar']", NS)
    assert len(bars) == 4
    assert [bar.find("svg:title", NS).text for bar in bars] == [  # type: ignore[union-attr]
        "Jan: Requests: 3",
        "Feb: Requests: 0",
        "Mar: Requests: 7",
        "Apr: Requests: 2",
    ]


def test_taller_values_get_taller_bars_and_zero_gets_none() -> None:
    root = parse(
        svg.bar_chart(
            ident="c",
            title="t",
            desc="d",
            categories=MONTHS,
            series=[svg.Series("n", (3, 0, 7, 2))],
        )
    )

    heights = [
        float(bar.get("height", "")) for bar in root.findall(".//svg:rect[@class='bar']", NS)
    ]
    assert heights[1] == 0
    assert heights[2] > heights[0] > heights[3] > 0


def test_grouped_bars_have_a_bar_per_series_and_a_legend() -> None:
    root = parse(
        svg.bar_chart(
            ident="c",
            title="Calls",
            desc="d",
            categories=MONTHS,
            series=[
                svg.Series("Answered", (5, 6, 7, 8)),
                svg.Series("Voicemail", (1, 0, 1, 0)),
                svg.Series("Missed", (0, 2, 0, None)),
            ],
        )
    )

    groups = root.findall(".//svg:g[@class='series']", NS)
    assert [len(g.findall("svg:rect", NS)) for g in groups] == [4, 4, 3]
    assert [g.get("fill") for g in groups] == list(svg.SERIES_COLOURS[:3])
    legend = root.find(".//svg:g[@class='legend']", NS)
    assert legend is not None
    assert texts(legend) == ["Answered", "Voicemail", "Missed"]


def test_a_single_series_needs_no_legend() -> None:
    root = parse(
        svg.bar_chart(
            ident="c",
            title="t",
            desc="d",
            categories=MONTHS,
            series=[svg.Series("n", (1, 2, 3, 4))],
        )
    )

    assert root.find(".//svg:g[@class='legend']", NS) is None


def test_a_line_chart_has_a_point_per_value_and_breaks_where_one_is_missing() -> None:
    root = parse(
        svg.line_chart(
            ident="c",
            title="Median days",
            desc="d",
            categories=["a", "b", "c", "d", "e", "f"],
            series=[svg.Series("Days", (4.5, 3.0, None, 6.0, 2.5, None))],
        )
    )

    points = root.findall(".//svg:circle[@class='point']", NS)
    assert len(points) == 4
    assert points[0].find("svg:title", NS).text == "a: Days: 4.5"  # type: ignore[union-attr]
    lines = root.findall(".//svg:polyline[@class='line']", NS)
    assert [len(line.get("points", "").split()) for line in lines] == [2, 2]


def test_the_y_axis_steps_are_round_and_reach_the_highest_value() -> None:
    assert svg.nice_ticks(23) == [0, 10, 20, 30]
    assert svg.nice_ticks(7) == [0, 2, 4, 6, 8]
    assert svg.nice_ticks(0) == [0, 1]
    assert svg.nice_ticks(3.7, whole=False) == [0, 1, 2, 3, 4]
    assert svg.nice_ticks(0.6, whole=False) == [0, 0.5, 1]
    assert svg.nice_ticks(37, whole=False) == [0, 10, 20, 30, 40]
    assert svg.nice_ticks(0, whole=False) == [0, 0.5, 1]


def test_the_charts_write_figures_with_the_number_format_they_are_given() -> None:
    root = parse(
        svg.line_chart(
            ident="c",
            title="t",
            desc="d",
            categories=["a"],
            series=[svg.Series("Days", (2.5,))],
            number=lambda value: f"{value:.1f}".replace(".", ","),
        )
    )

    assert root.find(".//svg:circle/svg:title", NS).text == "a: Days: 2,5"  # type: ignore[union-attr]


def test_when_the_categories_do_not_fit_every_other_label_is_shown() -> None:
    weeks = [f"{day} Mar" for day in range(1, 27)]

    root = parse(
        svg.bar_chart(
            ident="c", title="t", desc="d", categories=weeks, series=[svg.Series("n", (1,) * 26)]
        )
    )

    shown = texts(root.find(".//svg:g[@class='x-labels']", NS))  # type: ignore[arg-type]
    assert shown[0] == "1 Mar"
    assert 1 < len(shown) < 26
    assert set(shown) <= set(weeks)


def test_a_series_of_the_wrong_length_is_refused() -> None:
    with pytest.raises(ValueError, match="3 values for 4"):
        svg.bar_chart(
            ident="c", title="t", desc="d", categories=MONTHS, series=[svg.Series("n", (1, 2, 3))]
        )


def test_labels_are_escaped_not_read_as_markup() -> None:
    root = parse(
        svg.bar_chart(
            ident="c",
            title='<script>alert("x")</script> & co',
            desc="d",
            categories=["<b>Jan</b>"],
            series=[svg.Series("A & B", (1,))],
        )
    )

    assert root.find("svg:title", NS).text == '<script>alert("x")</script> & co'  # type: ignore[union-attr]
    assert root.find(".//svg:script", NS) is None
    assert root.find(".//svg:rect[@class='bar']/svg:title", NS).text == "<b>Jan</b>: A & B: 1"  # type: ignore[union-attr]


@given(
    name=st.text(max_size=30),
    line=st.text(max_size=30),
    label=st.text(max_size=20),
    ident=st.text(max_size=10),
)
def test_any_text_makes_well_formed_svg(name: str, line: str, label: str, ident: str) -> None:
    map_markup = svg.map_svg(
        ident=ident or "m",
        title=name,
        desc=line,
        places=[
            svg.Place("a", name, 63.0, 14.0, lines=(line,), shade=2),
            svg.Place(label, label, 63.1, 14.1),
        ],
        roads=[svg.Road("a", label, label, name)],
        legend=[label],
        neutral_label=name,
    )
    chart_markup = svg.bar_chart(
        ident=ident or "c",
        title=name,
        desc=line,
        categories=[label, name],
        series=[svg.Series(line, (1, 2))],
    )

    parse(map_markup)
    parse(chart_markup)


def test_an_empty_map_and_an_empty_chart_still_draw() -> None:
    parse(svg.map_svg(ident="m", title="t", desc="d", places=[], roads=[], legend=[]))
    parse(svg.bar_chart(ident="c", title="t", desc="d", categories=[], series=[]))
    parse(svg.line_chart(ident="c", title="t", desc="d", categories=["a"], series=[]))


def test_places_on_the_same_spot_are_pulled_apart() -> None:
    cards = svg.layout([svg.Place(str(i), f"Place {i}", 63.0, 14.0) for i in range(4)])

    positions = {(round(card.x), round(card.y)) for card in cards.values()}
    assert len(positions) == 4
