"""Finding people, and the ambassadors' load and pauses."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from workspace.access import coordinator_required


@coordinator_required
def people(request: HttpRequest) -> HttpResponse:
    return render(request, "workspace/people/people.html", {})
