"""The funder's figures for one quarter: counted in the database, broken down, made safe.

Counts of people (households, the people in them, event participants, calls)
are broken down by municipality and language, and suppressed with their
totals (see suppression.py) before anything leaves this module: a hidden
figure is a Figure without a value, so no page or file can show it by mistake.
Counts of organisations and events are not about people and are shown whole.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Self

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ambassadors.models import BuddyRequest, Language, Organisation
from ambassadors.selectors import coordinator_municipalities, municipalities_choosable_by
from events.hotline import STOCKHOLM
from events.models import Call, Event, Hotline, Invitation
from matching.models import Match
from workspace.reports.suppression import suppress, with_totals

# Rows and columns are keyed by database id; None is the row of the region-wide
# hotlines and digital events, or the column of calls where no language was chosen.
Key = int | None


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def containing(cls, day: date) -> Self:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def first_day(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def next(self) -> Quarter:
        if self.number == 4:
            return Quarter(self.year + 1, 1)
        return Quarter(self.year, self.number + 1)

    @property
    def previous(self) -> Quarter:
        if self.number == 1:
            return Quarter(self.year - 1, 4)
        return Quarter(self.year, self.number - 1)

    @property
    def last_day(self) -> date:
        return date.fromordinal(self.next.first_day.toordinal() - 1)

    def bounds(self) -> tuple[datetime, datetime]:
        """From the first midnight of the quarter in Stockholm up to, not including, the next's."""
        return (
            datetime.combine(self.first_day, time(), tzinfo=STOCKHOLM),
            datetime.combine(self.next.first_day, time(), tzinfo=STOCKHOLM),
        )

    def __str__(self) -> str:
        return f"{self.year} Q{self.number}"


@dataclass(frozen=True)
class Figure:
    """One published number; `value` None: hidden to protect small groups."""

    value: int | None

    @property
    def hidden(self) -> bool:
        return self.value is None


@dataclass(frozen=True)
class Line:
    heading: str
    figures: list[Figure]
    is_total: bool = False


@dataclass(frozen=True)
class Table:
    """A table as it is published: on the page, in the CSV and in the spreadsheet."""

    slug: str
    title: str
    caption: str
    corner: str
    columns: list[str]
    lines: list[Line]


@dataclass(frozen=True)
class Heading:
    key: Key
    name: str


@dataclass(frozen=True)
class CrossTable:
    """A count of people by municipality (rows) and language (columns), with totals.

    `figures` has one line more than `rows` and one column more than
    `columns`: the totals, hidden where needed like any other figure.
    """

    slug: str
    title: str
    rows: list[Heading]
    columns: list[Heading]
    figures: list[list[Figure]]

    def row_total(self, index: int) -> Figure:
        return self.figures[index][-1]

    def column_total(self, key: Key) -> Figure:
        for index, column in enumerate(self.columns):
            if column.key == key:
                return self.figures[-1][index]
        return Figure(0)

    @property
    def grand_total(self) -> Figure:
        return self.figures[-1][-1]

    def as_table(self) -> Table:
        names = [row.name for row in self.rows] + [_("Total")]
        return Table(
            slug=self.slug,
            title=self.title,
            caption=_("%(measure)s by municipality (rows) and language (columns).")
            % {"measure": self.title},
            corner=_("Municipality"),
            columns=[column.name for column in self.columns] + [_("Total")],
            lines=[
                Line(name, figures, is_total=index == len(self.rows))
                for index, (name, figures) in enumerate(zip(names, self.figures, strict=True))
            ],
        )


@dataclass(frozen=True)
class Report:
    quarter: Quarter
    # The coordinator's municipalities by name; empty: the whole region.
    scope: list[str]
    rows: list[Heading]
    households: CrossTable
    people: CrossTable
    participants: CrossTable
    calls_answered: CrossTable
    calls_missed: CrossTable
    # Per row, then the total: not people, so never hidden.
    organisations: list[int]
    companies: list[int]
    events: list[int]

    @property
    def cross_tables(self) -> list[CrossTable]:
        return [
            self.households,
            self.people,
            self.participants,
            self.calls_answered,
            self.calls_missed,
        ]

    def by_municipality(self) -> Table:
        columns = [
            self.households.title,
            self.people.title,
            _("Organisations taking part"),
            _("Companies reached"),
            _("Events"),
            self.participants.title,
            self.calls_answered.title,
            self.calls_missed.title,
        ]
        names = [row.name for row in self.rows] + [_("Total")]
        lines = []
        for index, name in enumerate(names):
            lines.append(
                Line(
                    name,
                    [
                        self.households.row_total(index),
                        self.people.row_total(index),
                        Figure(self.organisations[index]),
                        Figure(self.companies[index]),
                        Figure(self.events[index]),
                        self.participants.row_total(index),
                        self.calls_answered.row_total(index),
                        self.calls_missed.row_total(index),
                    ],
                    is_total=index == len(self.rows),
                )
            )
        return Table(
            slug="municipalities",
            title=_("By municipality"),
            caption=_("Every figure for the quarter, by municipality."),
            corner=_("Municipality"),
            columns=columns,
            lines=lines,
        )

    def by_language(self) -> Table:
        tables = self.cross_tables
        languages: dict[Key, str] = {}
        for table in tables:
            languages.update((column.key, column.name) for column in table.columns)
        keys = sorted(languages, key=lambda key: (key is None, languages[key].casefold()))
        lines = [
            Line(languages[key], [table.column_total(key) for table in tables]) for key in keys
        ]
        lines.append(Line(_("Total"), [table.grand_total for table in tables], is_total=True))
        return Table(
            slug="languages",
            title=_("By language"),
            caption=_(
                "The counts of people by language: the household's preferred language, "
                "the participant's, the language chosen in the hotline's menu."
            ),
            corner=_("Language"),
            columns=[table.title for table in tables],
            lines=lines,
        )

    def tables(self) -> list[Table]:
        return [
            self.by_municipality(),
            self.by_language(),
            *(table.as_table() for table in self.cross_tables),
        ]


# What each figure counts, shown on the page and written into the spreadsheet.
DEFINITIONS: list[tuple[Promise, Promise]] = [
    (
        gettext_lazy("Households matched"),
        gettext_lazy(
            "Buddy requests that got a match (an ambassador accepted) in the quarter. A "
            "household matched twice in the quarter counts once; one matched again in a later "
            "quarter counts in that quarter too. By the household's municipality and preferred "
            "language."
        ),
    ),
    (
        gettext_lazy("People in them"),
        gettext_lazy(
            "The people in those households: the person who asked, their partner and their "
            "children, as the request gives them."
        ),
    ),
    (
        gettext_lazy("Organisations taking part"),
        gettext_lazy(
            "Organisations that joined the network in the quarter (an import counts as "
            "joining), or on whose behalf a published event took place in it. By the "
            "organisation's municipality."
        ),
    ),
    (
        gettext_lazy("Companies reached"),
        gettext_lazy("The employers among the organisations taking part."),
    ),
    (
        gettext_lazy("Events"),
        gettext_lazy(
            "Published events that started in the quarter, not counting cancelled ones or the "
            "buddy meetings ambassadors plan with their household. By the event's municipality; "
            "digital events are region-wide."
        ),
    ),
    (
        gettext_lazy("Participants"),
        gettext_lazy(
            "Guests at those events: those marked as attended, and where attendance was not "
            "taken, those who said they were coming. A household invited together counts as one "
            "guest. By the event's municipality and the guest's preferred language."
        ),
    ),
    (
        gettext_lazy("Calls answered"),
        gettext_lazy(
            "Hotline calls in the quarter that a volunteer, the backup or the coordinator "
            "answered. By the hotline's municipality (region-wide hotlines on their own row) and "
            "the language chosen in the menu."
        ),
    ),
    (
        gettext_lazy("Calls missed"),
        gettext_lazy(
            "Hotline calls in opening hours that nobody answered, including those where the "
            "caller left a voicemail. Calls outside opening hours are not counted."
        ),
    ),
]

SUPPRESSION_NOTE = gettext_lazy(
    "Counts of people under 5 (1 to 4) are not shown, and neither is any other figure "
    "that would let a reader work one out from the totals. Both show as “..”. Counts of "
    "organisations and events are shown in full."
)

# How a hidden figure is written, everywhere.
HIDDEN = ".."


def _cross_table(
    *,
    slug: str,
    title: str,
    rows: list[Heading],
    counts: Counter[tuple[Key, Key]],
    columns: list[Heading],
    hide: frozenset[tuple[int, int]] | None = None,
) -> tuple[CrossTable, frozenset[tuple[int, int]]]:
    """The counts laid out and suppressed; `hide` reuses another table's hidden cells."""
    cells = [[counts[(row.key, column.key)] for column in columns] for row in rows]
    if hide is None:
        table, hidden = suppress(cells)
    else:
        table, hidden = with_totals(cells), hide
    figures = [
        [Figure(None if (i, j) in hidden else value) for j, value in enumerate(line)]
        for i, line in enumerate(table)
    ]
    return CrossTable(slug, title, rows, columns, figures), hidden


def _languages(keys: Iterable[Key]) -> list[Heading]:
    """Column headings for the languages among `keys`, by name; "no language chosen" last."""
    wanted = set(keys)
    languages = Language.objects.in_bulk([key for key in wanted if key is not None])
    headings = sorted(
        (Heading(key, language.display_name()) for key, language in languages.items()),
        key=lambda heading: heading.name.casefold(),
    )
    if None in wanted:
        headings.append(Heading(None, _("No language chosen")))
    return headings


def _counted(pairs: Iterable[tuple[Key, Key]]) -> Counter[tuple[Key, Key]]:
    return Counter(pairs)


def _per_row(rows: Sequence[Heading], keys: Iterable[Key]) -> list[int]:
    counts = Counter(keys)
    per_row = [counts[row.key] for row in rows]
    return [*per_row, sum(per_row)]


def _events(
    *, user: AbstractBaseUser | AnonymousUser, rows: Sequence[Heading], quarter: Quarter
) -> QuerySet[Event]:
    start, end = quarter.bounds()
    places = [row.key for row in rows if row.key is not None]
    # A coordinator also sees the events they organised in other municipalities;
    # those belong to the report of the municipality where they took place.
    return (
        Event.objects.visible_to(user)
        .filter(status=Event.Status.PUBLISHED, starts_at__gte=start, starts_at__lt=end)
        .exclude(kind=Event.Kind.BUDDY_MEETING)
        .filter(Q(municipality__in=places) | Q(municipality__isnull=True))
    )


def funder_report(*, user: AbstractBaseUser | AnonymousUser, quarter: Quarter) -> Report:
    """The quarter's figures within what `user` may see, suppressed for publishing."""
    start, end = quarter.bounds()
    municipalities = list(municipalities_choosable_by(user=user).order_by("name"))
    rows = [Heading(m.id, m.name) for m in municipalities]
    rows.append(Heading(None, _("Region-wide or digital")))
    scoped = coordinator_municipalities(user=user) is not None

    matched = Match.objects.filter(created_at__gte=start, created_at__lt=end)
    households: Counter[tuple[Key, Key]] = Counter()
    people: Counter[tuple[Key, Key]] = Counter()
    for request in (
        BuddyRequest.objects.visible_to(user)
        .filter(id__in=matched.values("buddy_request_id"))
        .only("municipality_id", "preferred_language_id", "has_partner", "children_ages")
    ):
        key = (request.municipality_id, request.preferred_language_id)
        households[key] += 1
        people[key] += request.household_size
    household_languages = _languages(language for _place, language in households)
    households_table, hidden = _cross_table(
        slug="households",
        title=_("Households matched"),
        rows=rows,
        counts=households,
        columns=household_languages,
    )
    # The same cells are hidden: a household's size next to a hidden count of
    # households would tell who they are. A count of people is never smaller
    # than its count of households, so no small count of people is left showing.
    people_table, _hidden = _cross_table(
        slug="people",
        title=_("People in them"),
        rows=rows,
        counts=people,
        columns=household_languages,
        hide=hidden,
    )

    events = _events(user=user, rows=rows, quarter=quarter)
    attended = Q(attended=True) | Q(attended__isnull=True, status=Invitation.Status.GOING)
    participants = _counted(
        Invitation.objects.filter(event__in=events)
        .filter(attended)
        .annotate(
            guest_language=Coalesce(
                "ambassador__preferred_language_id", "buddy_request__preferred_language_id"
            )
        )
        .values_list("event__municipality_id", "guest_language")
    )
    participants_table, _hidden = _cross_table(
        slug="participants",
        title=_("Participants"),
        rows=rows,
        counts=participants,
        columns=_languages(language for _place, language in participants),
    )

    calls = Call.objects.filter(
        hotline__in=Hotline.objects.visible_to(user), started_at__gte=start, started_at__lt=end
    )
    answered = _counted(
        calls.filter(outcome=Call.Outcome.ANSWERED).values_list(
            "hotline__municipality_id", "language_id"
        )
    )
    missed = _counted(
        calls.filter(outcome__in=[Call.Outcome.MISSED, Call.Outcome.VOICEMAIL]).values_list(
            "hotline__municipality_id", "language_id"
        )
    )
    answered_table, _hidden = _cross_table(
        slug="calls-answered",
        title=_("Calls answered"),
        rows=rows,
        counts=answered,
        columns=_languages(language for _place, language in answered),
    )
    missed_table, _hidden = _cross_table(
        slug="calls-missed",
        title=_("Calls missed"),
        rows=rows,
        counts=missed,
        columns=_languages(language for _place, language in missed),
    )

    held = (
        Event.objects.filter(
            status=Event.Status.PUBLISHED,
            starts_at__gte=start,
            starts_at__lt=end,
            organisation__isnull=False,
        )
        .exclude(kind=Event.Kind.BUDDY_MEETING)
        .values("organisation_id")
    )
    organisations = list(
        Organisation.objects.visible_to(user)
        .filter(Q(created_at__gte=start, created_at__lt=end) | Q(id__in=held))
        .values_list("municipality_id", "kind")
    )

    return Report(
        quarter=quarter,
        scope=[m.name for m in municipalities] if scoped else [],
        rows=rows,
        households=households_table,
        people=people_table,
        participants=participants_table,
        calls_answered=answered_table,
        calls_missed=missed_table,
        organisations=_per_row(rows, (place for place, _kind in organisations)),
        companies=_per_row(
            rows,
            (place for place, kind in organisations if kind == Organisation.Kind.EMPLOYER),
        ),
        events=_per_row(rows, events.values_list("municipality_id", flat=True)),
    )
