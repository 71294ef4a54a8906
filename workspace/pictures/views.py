"""The network at a glance: the map and the charts over time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_safe

from ambassadors.models import Road
from workspace.access import coordinator_required
from workspace.pictures import svg
from workspace.pictures.selectors import (
    Bucket,
    MunicipalityLoad,
    Period,
    Trends,
    municipality_loads,
    roads,
    trends,
)


def _number(value: float) -> str:
    """A figure in the reader's language: 2,5 in Swedish, and 4 rather than 4.0."""
    if float(value).is_integer():
        return number_format(int(value))
    return number_format(value, decimal_pos=1)


def _picture(markup: str) -> SafeString:
    # svg.py escapes every word it is given; the markup is safe as a whole.
    return mark_safe(markup)


# The map.


def _legend() -> list[str]:
    # In the order of svg.SHADES.
    return [
        _("Nobody waiting"),
        _("Places for all who wait"),
        _("More waiting than places"),
        _("Waiting, no free place"),
    ]


@dataclass(frozen=True)
class MapRow:
    load: MunicipalityLoad
    shading: str


@dataclass(frozen=True)
class Map:
    svg: SafeString
    rows: list[MapRow]
    waiting: int
    ambassadors_with_room: int
    free_places: int
    roads: list[Road]


def _map(loads: list[MunicipalityLoad], edges: list[Road]) -> Map:
    legend = _legend()
    mine = [load for load in loads if load.mine]
    places = []
    for load in loads:
        municipality = load.municipality
        shade: int | None = None
        lines: tuple[str, ...] = ()
        if load.mine:
            shade = svg.pressure(waiting=load.waiting, free=load.free_places)
            lines = (
                ngettext("%(count)d waiting", "%(count)d waiting", load.waiting)
                % {"count": load.waiting},
                ngettext("%(count)d free place", "%(count)d free places", load.free_places)
                % {"count": load.free_places},
            )
        places.append(
            svg.Place(
                key=municipality.code,
                name=municipality.display_name(),
                latitude=float(municipality.latitude),
                longitude=float(municipality.longitude),
                lines=lines,
                shade=shade,
            )
        )
    lines_drawn = [
        svg.Road(
            start=road.start.code,
            end=road.end.code,
            label=_("%(minutes)d min") % {"minutes": road.minutes},
            description=(
                _("%(start)s – %(end)s: %(minutes)d minutes by car (%(via)s)")
                if road.via
                else _("%(start)s – %(end)s: %(minutes)d minutes by car")
            )
            % {
                "start": road.start.display_name(),
                "end": road.end.display_name(),
                "minutes": road.minutes,
                "via": road.via,
            },
        )
        for road in edges
    ]
    waiting = sum(load.waiting for load in mine)
    free = sum(load.free_places for load in mine)
    description = _(
        "A schematic map: each municipality at its seat, coloured by how many buddy requests "
        "wait against the free places of the ambassadors who live there, joined by the roads "
        "between the seats with their driving minutes. In your municipalities %(waiting)d "
        "requests wait and there are %(free)d free places. The table beside the map has the "
        "same figures."
    ) % {"waiting": waiting, "free": free}
    picture = svg.map_svg(
        ident="network-map",
        title=_("Waiting requests and free places by municipality"),
        desc=description,
        places=places,
        roads=lines_drawn,
        legend=legend,
        neutral_label=_("Not one of your municipalities") if len(mine) < len(loads) else "",
    )
    return Map(
        svg=_picture(picture),
        rows=[
            MapRow(load, legend[svg.pressure(waiting=load.waiting, free=load.free_places)])
            for load in mine
        ],
        waiting=waiting,
        ambassadors_with_room=sum(load.ambassadors_with_room for load in mine),
        free_places=free,
        roads=edges,
    )


# The charts.


@dataclass(frozen=True)
class ChartRow:
    label: str
    values: list[str]


@dataclass(frozen=True)
class Chart:
    ident: str
    heading: str
    svg: SafeString
    columns: list[str]
    rows: list[ChartRow]


def _axis_label(bucket: Bucket, period: Period) -> str:
    if period is Period.WEEKS:
        return date_format(bucket.start, "j M")
    return date_format(bucket.start, "M Y")


def _row_label(bucket: Bucket, period: Period) -> str:
    if period is Period.WEEKS:
        year, week, _weekday = bucket.start.isocalendar()
        return _("Week %(week)d, %(year)d (%(first)s – %(last)s)") % {
            "week": week,
            "year": year,
            "first": date_format(bucket.start, "j M"),
            "last": date_format(bucket.end - timedelta(days=1), "j M"),
        }
    return date_format(bucket.start, "YEAR_MONTH_FORMAT")


def _chart(
    *,
    ident: str,
    heading: str,
    desc: str,
    figures: Trends,
    series: list[tuple[str, list[int] | list[float | None]]],
    line: bool = False,
    none: str = "",
) -> Chart:
    categories = [_axis_label(bucket, figures.period) for bucket in figures.buckets]
    drawn = [svg.Series(name, tuple(values)) for name, values in series]
    draw = svg.line_chart if line else svg.bar_chart
    picture = draw(
        ident=ident,
        title=heading,
        desc=desc,
        categories=categories,
        series=drawn,
        number=_number,
    )
    columns = [
        [none if value is None else _number(value) for value in values] for _, values in series
    ]
    rows = [
        ChartRow(_row_label(bucket, figures.period), [column[i] for column in columns])
        for i, bucket in enumerate(figures.buckets)
    ]
    return Chart(ident, heading, _picture(picture), [name for name, _values in series], rows)


def _charts(figures: Trends) -> list[Chart]:
    months = figures.period is Period.MONTHS
    per = _("per month") if months else _("per week")
    span = _("the last 12 months") if months else _("the last 26 weeks")
    return [
        _chart(
            ident="chart-requests",
            heading=_("Buddy requests"),
            desc=_("New buddy requests %(per)s over %(span)s.") % {"per": per, "span": span},
            figures=figures,
            series=[(_("Requests"), figures.requests)],
        ),
        _chart(
            ident="chart-matches",
            heading=_("Matches"),
            desc=_("Matches made %(per)s over %(span)s.") % {"per": per, "span": span},
            figures=figures,
            series=[(_("Matches"), figures.matches)],
        ),
        _chart(
            ident="chart-days-to-match",
            heading=_("Median days to a match"),
            desc=_(
                "For the matches made in each period, the median number of days from the "
                "request to the match, over %(span)s; no point where nothing was matched."
            )
            % {"span": span},
            figures=figures,
            series=[(_("Median days"), figures.median_days_to_match)],
            line=True,
            none=_("no match"),
        ),
        _chart(
            ident="chart-declines",
            heading=_("Declined offers"),
            desc=_("Buddy offers ambassadors said no to, %(per)s over %(span)s.")
            % {"per": per, "span": span},
            figures=figures,
            series=[(_("Declined"), figures.declines)],
        ),
        _chart(
            ident="chart-attendance",
            heading=_("Meetup attendance"),
            desc=_(
                "Guests who said they would come to the meetups that took place, and guests "
                "who came, %(per)s over %(span)s. Buddy meetings and cancelled events are "
                "left out."
            )
            % {"per": per, "span": span},
            figures=figures,
            series=[
                (_("Said they would come"), figures.meetup_going),
                (_("Came"), figures.meetup_attended),
            ],
        ),
        _chart(
            ident="chart-calls",
            heading=_("Hotline calls"),
            desc=_(
                "Calls to your hotlines answered, left as voicemail and missed, %(per)s over "
                "%(span)s. Calls outside opening hours are left out."
            )
            % {"per": per, "span": span},
            figures=figures,
            series=[
                (_("Answered"), figures.calls_answered),
                (_("Voicemail"), figures.calls_voicemail),
                (_("Missed"), figures.calls_missed),
            ],
        ),
    ]


@coordinator_required
@require_safe
def pictures(request: HttpRequest) -> HttpResponse:
    """The map of waiting requests and free places; charts by month or, with ?period=weeks, week."""
    try:
        period = Period(request.GET.get("period", Period.MONTHS))
    except ValueError:
        period = Period.MONTHS
    figures = trends(user=request.user, period=period, now=timezone.now())
    return render(
        request,
        "workspace/pictures/pictures.html",
        {
            "nav": "pictures",
            "map": _map(municipality_loads(user=request.user), roads()),
            "charts": _charts(figures),
            "period": period.value,
            "periods": [
                (Period.MONTHS.value, _("Last 12 months")),
                (Period.WEEKS.value, _("Last 26 weeks")),
            ],
        },
    )
