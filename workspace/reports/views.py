"""The figures the funder asks for: on a page, as CSV and as a spreadsheet."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from workspace.access import coordinator_required
from workspace.reports import export
from workspace.reports.figures import (
    DEFINITIONS,
    HIDDEN,
    SUPPRESSION_NOTE,
    Quarter,
    funder_report,
)
from workspace.reports.forms import QuarterForm


def _chosen(request: HttpRequest) -> tuple[QuarterForm, Quarter | None]:
    """The quarter in ?year=&quarter=, the current one standing in for what is left out."""
    current = Quarter.containing(timezone.localdate())
    form = QuarterForm(
        {
            "year": request.GET.get("year", current.year),
            "quarter": request.GET.get("quarter", current.number),
        }
    )
    if not form.is_valid():
        return form, None
    return form, Quarter(form.cleaned_data["year"], form.cleaned_data["quarter"])


def _query(quarter: Quarter) -> str:
    return urlencode({"year": quarter.year, "quarter": quarter.number})


@coordinator_required
def reports(request: HttpRequest) -> HttpResponse:
    form, quarter = _chosen(request)
    context: dict[str, object] = {"nav": "reports", "form": form}
    if quarter is None:
        return render(request, "workspace/reports/reports.html", context, status=400)
    report = funder_report(user=request.user, quarter=quarter)
    context.update(
        report=report,
        tables=report.tables(),
        definitions=DEFINITIONS,
        note=SUPPRESSION_NOTE,
        hidden=HIDDEN,
        query=_query(quarter),
        previous=_query(quarter.previous),
        next=_query(quarter.next),
    )
    return render(request, "workspace/reports/reports.html", context)


def _attachment(content: str | bytes, *, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@coordinator_required
def report_csv(request: HttpRequest) -> HttpResponse:
    _form, quarter = _chosen(request)
    if quarter is None:
        return HttpResponseBadRequest(_("Choose a year (2000–2100) and a quarter (1–4)."))
    report = funder_report(user=request.user, quarter=quarter)
    return _attachment(
        export.report_csv(report),
        content_type="text/csv; charset=utf-8",
        name=export.file_name(report, "csv"),
    )


@coordinator_required
def report_xlsx(request: HttpRequest) -> HttpResponse:
    _form, quarter = _chosen(request)
    if quarter is None:
        return HttpResponseBadRequest(_("Choose a year (2000–2100) and a quarter (1–4)."))
    report = funder_report(user=request.user, quarter=quarter)
    return _attachment(
        export.report_xlsx(report),
        content_type=export.XLSX_TYPE,
        name=export.file_name(report, "xlsx"),
    )
