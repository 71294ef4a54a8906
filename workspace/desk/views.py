"""Today's work: what needs a coordinator."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from workspace.access import coordinator_required


@coordinator_required
def today(request: HttpRequest) -> HttpResponse:
    return render(request, "workspace/desk/today.html", {})
