"""Finding people, the ambassadors' load and pauses, and a page per ambassador and household."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from ambassadors.audit import audit_record
from ambassadors.models import Ambassador, AuditEvent, BuddyRequest
from ambassadors.services import ApplicationError
from workspace.access import coordinator_required
from workspace.people.forms import PauseForm, SearchForm
from workspace.people.selectors import (
    SEARCH_MIN_LENGTH,
    ambassador_load,
    ambassador_page,
    load_sort,
    people_search,
    request_page,
)
from workspace.people.services import (
    ambassador_activate,
    ambassador_deactivate,
    ambassador_pause,
    ambassador_resume,
)

PAGE_SIZE = 50


@dataclass(frozen=True)
class Column:
    key: str
    label: Promise
    # Counts are most useful busiest first; names and dates from the start.
    numeric: bool = False


COLUMNS = [
    Column("name", gettext_lazy("Name")),
    Column("municipality", gettext_lazy("Municipality")),
    Column("buddies", gettext_lazy("Active buddies"), numeric=True),
    Column("capacity", gettext_lazy("Capacity"), numeric=True),
    Column("free", gettext_lazy("Free places"), numeric=True),
    Column("shifts_past", gettext_lazy("Hotline shifts, last 30 days"), numeric=True),
    Column("shifts_next", gettext_lazy("Hotline shifts, next 30 days"), numeric=True),
    Column("events_past", gettext_lazy("Events attended, last 30 days"), numeric=True),
    Column("events_next", gettext_lazy("Events coming, next 30 days"), numeric=True),
    Column("paused", gettext_lazy("Paused until")),
]


def _headers(sort: str, descending: bool) -> list[dict[str, object]]:
    headers: list[dict[str, object]] = []
    for column in COLUMNS:
        current = column.key == sort
        if current:
            following_descending = not descending
        else:
            following_descending = column.numeric
        headers.append(
            {
                "label": column.label,
                "current": current,
                "aria_sort": ("descending" if descending else "ascending") if current else "",
                "next": f"-{column.key}" if following_descending else column.key,
            }
        )
    return headers


@coordinator_required
@require_safe
def people(request: HttpRequest) -> HttpResponse:
    search = SearchForm(request.GET)
    query = search.cleaned_data["q"].strip() if search.is_valid() else ""
    sort, descending = load_sort(request.GET.get("sort"))
    paused_only = request.GET.get("paused") == "1"
    today = timezone.localdate()
    load = ambassador_load(
        user=request.user,
        now=timezone.now(),
        today=today,
        sort=sort,
        descending=descending,
        paused_only=paused_only,
    )
    page = Paginator(load, PAGE_SIZE).get_page(request.GET.get("page"))
    found = people_search(user=request.user, query=query) if query else None
    if found is not None:
        for model, rows in ((Ambassador, found.ambassadors), (BuddyRequest, found.buddy_requests)):
            audit_record(action=AuditEvent.Action.LIST, subject=model, user=request.user,
                         count=len(rows.rows), via="workspace:people")  # fmt: skip
    return render(
        request,
        "workspace/people/people.html",
        {
            "nav": "people",
            "search": search,
            "query": query,
            "found": found,
            "too_short": 0 < len(query) < SEARCH_MIN_LENGTH,
            "search_min_length": SEARCH_MIN_LENGTH,
            "headers": _headers(sort, descending),
            "paused_only": paused_only,
            "paused_count": ambassador_load(
                user=request.user, now=timezone.now(), today=today, paused_only=True
            ).count(),
            "page": page,
            "today": today,
            "here": request.get_full_path(),
        },
    )


def _back(request: HttpRequest, default: str = "") -> HttpResponse:
    """Back to the page the form was on, sorted and paged as it was."""
    here = request.POST.get("next", "")
    if here and url_has_allowed_host_and_scheme(
        here, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(here)
    return redirect(default or reverse("workspace:people"))


def _row(request: HttpRequest, ambassador_id: int, notice: str, error: str) -> HttpResponse:
    """One row of the load table, for htmx to put in place of the old one."""
    today = timezone.localdate()
    row = ambassador_load(user=request.user, now=timezone.now(), today=today).get(id=ambassador_id)
    return render(
        request,
        "workspace/people/_load_row.html",
        {
            "ambassador": row,
            "today": today,
            "notice": notice,
            "error": error,
            "here": request.POST.get("next", ""),
        },
    )


def _answer(
    request: HttpRequest, ambassador: Ambassador, *, notice: str = "", error: str = ""
) -> HttpResponse:
    htmx = request.headers.get("HX-Request") == "true"
    # htmx swaps the row in place, so the coordinator keeps their place in a long table;
    # without JavaScript the whole page comes back with a message.
    if htmx and ambassador.active:
        return _row(request, ambassador.id, notice, error)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, notice)
    back = _back(request)
    if htmx:
        # Someone no longer in the table has no row to swap: reload the page instead.
        return HttpResponse(headers={"HX-Redirect": back["Location"]})
    return back


def _changed(request: HttpRequest, ambassador: Ambassador, field: str, *, via: str) -> None:
    audit_record(action=AuditEvent.Action.CHANGE, subject=ambassador, user=request.user,
                 via=via, fields=[field])  # fmt: skip


@coordinator_required
@require_POST
def pause(request: HttpRequest, ambassador_id: int) -> HttpResponse:
    ambassador = get_object_or_404(Ambassador.objects.visible_to(request.user), id=ambassador_id)
    form = PauseForm(request.POST)
    if not form.is_valid():
        return _answer(request, ambassador, error=_("Choose the last day of the pause."))
    try:
        ambassador_pause(ambassador=ambassador, until=form.cleaned_data["until"], by=request.user)
    except ApplicationError as error:
        return _answer(request, ambassador, error=f"{ambassador}: {error.message}")
    _changed(request, ambassador, "paused_until", via="workspace:people_pause")
    until = form.cleaned_data["until"]
    return _answer(
        request,
        ambassador,
        notice=_("%(name)s is paused until %(date)s.")
        % {"name": ambassador, "date": date_format(until)},
    )


@coordinator_required
@require_POST
def resume(request: HttpRequest, ambassador_id: int) -> HttpResponse:
    ambassador = get_object_or_404(Ambassador.objects.visible_to(request.user), id=ambassador_id)
    ambassador_resume(ambassador=ambassador, by=request.user)
    _changed(request, ambassador, "paused_until", via="workspace:people_resume")
    return _answer(
        request, ambassador, notice=_("%(name)s is no longer paused.") % {"name": ambassador}
    )


@coordinator_required
@require_safe
def ambassador(request: HttpRequest, ambassador_id: int) -> HttpResponse:
    person = get_object_or_404(
        Ambassador.objects.visible_to(request.user)
        .select_related("home_municipality", "preferred_language")
        .prefetch_related(
            "language_levels__language", "meeting_municipalities", "interests", "helps_with"
        ),
        id=ambassador_id,
    )
    now = timezone.now()
    audit_record(action=AuditEvent.Action.VIEW, subject=person, user=request.user,
                 via="workspace:ambassador")  # fmt: skip
    return render(
        request,
        "workspace/people/ambassador.html",
        {
            "nav": "people",
            "page": ambassador_page(user=request.user, ambassador=person, now=now),
            "today": timezone.localdate(now),
            "here": request.get_full_path(),
        },
    )


@coordinator_required
@require_safe
def buddy_request(request: HttpRequest, request_id: int) -> HttpResponse:
    household = get_object_or_404(
        BuddyRequest.objects.visible_to(request.user)
        .select_related("municipality", "preferred_language")
        .prefetch_related("other_languages", "interests", "needs"),
        id=request_id,
    )
    audit_record(action=AuditEvent.Action.VIEW, subject=household, user=request.user,
                 via="workspace:buddy_request")  # fmt: skip
    return render(
        request,
        "workspace/people/buddy_request.html",
        {
            "nav": "people",
            "page": request_page(user=request.user, buddy_request=household, now=timezone.now()),
            "here": request.get_full_path(),
        },
    )


@coordinator_required
@require_POST
def activate(request: HttpRequest, ambassador_id: int) -> HttpResponse:
    person = get_object_or_404(Ambassador.objects.visible_to(request.user), id=ambassador_id)
    try:
        ambassador_activate(ambassador=person, by=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        _changed(request, person, "active", via="workspace:ambassador_activate")
        messages.success(
            request,
            _("%(name)s is active: they can now be proposed, put on the rota and invited.")
            % {"name": person},
        )
    return _back(request, reverse("workspace:ambassador", args=[person.id]))


@coordinator_required
@require_POST
def deactivate(request: HttpRequest, ambassador_id: int) -> HttpResponse:
    person = get_object_or_404(Ambassador.objects.visible_to(request.user), id=ambassador_id)
    try:
        ambassador_deactivate(ambassador=person, by=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        _changed(request, person, "active", via="workspace:ambassador_deactivate")
        messages.success(
            request,
            _("%(name)s is no longer active: no new buddies, shifts or invitations.")
            % {"name": person},
        )
    return _back(request, reverse("workspace:ambassador", args=[person.id]))
