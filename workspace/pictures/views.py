"""The network at a glance: the map and the charts over time."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from workspace.access import coordinator_required


@coordinator_required
def pictures(request: HttpRequest) -> HttpResponse:
    return render(request, "workspace/pictures/pictures.html", {})
