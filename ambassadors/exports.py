"""CSV exports of people, for coordinators. Callers pass an already scoped queryset."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone

from ambassadors.models import LEVEL_NAMES, Ambassador, BuddyRequest, Organisation

# A spreadsheet runs a cell that starts with one of these as a formula; names
# and free text come from the public, so they are defused with a quote.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return buffer.getvalue()


def _codes(items: Iterable[object], attribute: str) -> str:
    return " ".join(sorted(str(getattr(item, attribute)) for item in items))


def buddy_requests_csv(queryset: QuerySet[BuddyRequest]) -> str:
    queryset = queryset.select_related("preferred_language", "municipality").prefetch_related(
        "other_languages", "interests", "needs"
    )
    return _csv(
        [
            "id", "first_name", "last_name", "phone", "preferred_language", "other_languages",
            "municipality", "arrival_date", "has_partner", "children_ages", "interests", "needs",
            "status", "source", "created_at",
        ],
        (
            [
                r.id, r.first_name, r.last_name, r.phone, r.preferred_language.code,
                _codes(r.other_languages.all(), "code"), r.municipality.code, r.arrival_date,
                r.has_partner, " ".join(str(age) for age in r.children_ages),
                _codes(r.interests.all(), "slug"), _codes(r.needs.all(), "slug"), r.status,
                r.source, r.created_at.isoformat(),
            ]
            for r in queryset
        ),
    )  # fmt: skip


def ambassadors_csv(queryset: QuerySet[Ambassador]) -> str:
    queryset = queryset.select_related("preferred_language", "home_municipality").prefetch_related(
        "language_levels__language", "meeting_municipalities", "interests", "helps_with"
    )
    return _csv(
        [
            "id", "first_name", "last_name", "phone", "email", "preferred_language", "languages",
            "home_municipality", "meeting_municipalities", "meets_digitally", "interests",
            "helps_with", "has_children", "capacity", "paused_until", "active", "created_at",
        ],
        (
            [
                a.id, a.first_name, a.last_name, a.phone, a.email, a.preferred_language.code,
                " ".join(
                    f"{level.language.code}:{LEVEL_NAMES[level.level]}"
                    for level in a.language_levels.all()
                ),
                a.home_municipality.code, _codes(a.meeting_municipalities.all(), "code"),
                a.meets_digitally, _codes(a.interests.all(), "slug"),
                _codes(a.helps_with.all(), "slug"), a.has_children, a.capacity, a.paused_until,
                a.active, a.created_at.isoformat(),
            ]
            for a in queryset
        ),
    )  # fmt: skip


def organisations_csv(queryset: QuerySet[Organisation]) -> str:
    return _csv(
        ["id", "name", "org_number", "kind", "municipality", "created_at"],
        (
            [o.id, o.name, o.org_number, o.kind, o.municipality.code, o.created_at.isoformat()]
            for o in queryset.select_related("municipality")
        ),
    )


def csv_download(content: str, *, name: str) -> HttpResponse:
    """A CSV export as a dated attachment, e.g. buddy-requests-2026-11-24.csv."""
    stamp = timezone.localtime().strftime("%Y-%m-%d")
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.csv"'
    return response
