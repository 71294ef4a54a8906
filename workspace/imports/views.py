"""Bringing ambassadors and organisations in from a spreadsheet."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from workspace.access import coordinator_required


@coordinator_required
def upload(request: HttpRequest) -> HttpResponse:
    return render(request, "workspace/imports/upload.html", {})
