"""A person's data for a coordinator to hand over (a page and JSON), and their erasure."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from ambassadors.audit import audit_record
from ambassadors.models import Ambassador, AuditEvent, BuddyRequest
from ambassadors.privacy import Person, PersonNotFound, person_erase, person_export, person_find
from workspace.access import coordinator_required


def _person(request: HttpRequest, kind: str, key: int) -> tuple[Ambassador | BuddyRequest, Person]:
    """The row the page was for, and everything with its number that the user may see.

    Per row rather than by number in the address: numbers stay out of the server's logs.
    """
    row: Ambassador | BuddyRequest
    if kind == "ambassador":
        row = get_object_or_404(
            Ambassador.objects.visible_to(request.user).filter(erased_at__isnull=True), id=key
        )
    elif kind == "request":
        row = get_object_or_404(
            BuddyRequest.objects.visible_to(request.user).filter(erased_at__isnull=True), id=key
        )
    else:
        raise Http404
    try:
        return row, person_find(phone=str(row.phone), user=request.user)
    except PersonNotFound:
        raise Http404 from None


def _back(kind: str, key: int) -> str:
    return reverse("workspace:ambassador" if kind == "ambassador" else "workspace:buddy_request",
                   args=[key])  # fmt: skip


@coordinator_required
@require_safe
def export(request: HttpRequest, kind: str, key: int) -> HttpResponse:
    row, person = _person(request, kind, key)
    data = person_export(phone=person.phone, user=request.user)
    for subject in person.rows:
        audit_record(action=AuditEvent.Action.EXPORT, subject=subject, user=request.user,
                     via="workspace:person_export")  # fmt: skip
    if request.GET.get("format") == "json":
        response = HttpResponse(
            json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="person-{kind}-{key}.json"'
        return response
    return render(
        request,
        "workspace/people/export.html",
        {"nav": "people", "row": row, "kind": kind, "data": data, "back": _back(kind, key)},
    )


@coordinator_required
@require_http_methods(["GET", "HEAD", "POST"])
def erase(request: HttpRequest, kind: str, key: int) -> HttpResponse:
    """GET asks to confirm; only a POST erases."""
    row, person = _person(request, kind, key)
    if request.method != "POST":
        return render(
            request,
            "workspace/people/erase.html",
            {"nav": "people", "row": row, "kind": kind, "person": person, "back": _back(kind, key)},
        )
    person_erase(phone=person.phone, user=request.user, via="workspace:person_erase")
    messages.success(request, _("The person was erased."))
    return redirect("workspace:people")
