"""The figures the funder asks for."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from workspace.access import coordinator_required


@coordinator_required
def reports(request: HttpRequest) -> HttpResponse:
    return render(request, "workspace/reports/reports.html", {})
