"""Planning meetups from the workspace."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from workspace.access import coordinator_required


@coordinator_required
def meetups(request: HttpRequest) -> HttpResponse:
    return render(request, "workspace/meetups/meetups.html", {})
