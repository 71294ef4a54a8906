"""Bringing ambassadors and organisations in from a spreadsheet: upload, preview, import.

The uploaded file waits in the coordinator's session (server-side, in the
database) between the preview and the import, never in a public folder; it
is dropped once imported, cancelled or replaced.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ambassadors.services import ApplicationError
from workspace.access import coordinator_required
from workspace.imports.forms import CommitForm, UploadForm
from workspace.imports.reading import (
    COLUMNS,
    Column,
    ImportFile,
    ImportKind,
    import_template_csv,
)
from workspace.imports.services import ImportRefused, import_commit, import_preview

SESSION_KEY = "workspace_import"


def _stored(request: HttpRequest) -> tuple[str, ImportFile] | None:
    stored = request.session.get(SESSION_KEY)
    if not isinstance(stored, dict) or stored.get("kind") not in ImportKind.values:
        return None
    upload = ImportFile(name=stored["name"], text=stored["text"], encoding=stored["encoding"])
    return stored["kind"], upload


def _columns() -> list[tuple[str, str, tuple[Column, ...]]]:
    return [(kind, str(label), COLUMNS[kind]) for kind, label in ImportKind.choices]


@coordinator_required
def upload(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    if form.is_bound and form.is_valid():
        file: ImportFile = form.cleaned_data["file"]
        request.session[SESSION_KEY] = {
            "kind": form.cleaned_data["kind"],
            "name": file.name,
            "text": file.text,
            "encoding": file.encoding,
        }
        return redirect("workspace:import_preview")
    stored = _stored(request)
    return render(
        request,
        "workspace/imports/upload.html",
        {
            "nav": "import",
            "form": form,
            "columns": _columns(),
            "pending": stored[1] if stored else None,
        },
        status=400 if form.errors else 200,
    )


def _preview_page(
    request: HttpRequest,
    *,
    kind: str,
    file: ImportFile,
    form: CommitForm | None = None,
    status: int = 200,
) -> HttpResponse:
    plan = import_preview(kind=kind, text=file.text, user=request.user)
    return render(
        request,
        "workspace/imports/preview.html",
        {
            "nav": "import",
            "plan": plan,
            "file": file,
            "kind_label": ImportKind(kind).label,
            "form": form or CommitForm(kind=kind, initial={"digest": file.digest}),
        },
        status=status,
    )


@coordinator_required
def preview(request: HttpRequest) -> HttpResponse:
    stored = _stored(request)
    if stored is None:
        messages.info(request, _("Upload a file to see what it would import."))
        return redirect("workspace:import")
    kind, file = stored
    return _preview_page(request, kind=kind, file=file)


@coordinator_required
@require_POST
def commit(request: HttpRequest) -> HttpResponse:
    stored = _stored(request)
    if stored is None:
        messages.error(request, _("There is no file waiting to be imported: upload it again."))
        return redirect("workspace:import")
    kind, file = stored
    form = CommitForm(request.POST, kind=kind)
    if not form.is_valid():
        return _preview_page(request, kind=kind, file=file, form=form, status=400)
    if form.cleaned_data["digest"] != file.digest:
        # Another tab uploaded a different file since this preview was shown.
        messages.error(
            request,
            _("Another file was uploaded since that preview. Check this one before importing."),
        )
        return redirect("workspace:import_preview")
    try:
        result = import_commit(kind=kind, text=file.text, user=request.user)
    except ImportRefused:
        messages.error(
            request,
            _("Nothing was imported: the file has errors now. Correct them and upload it again."),
        )
        return redirect("workspace:import_preview")
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("workspace:import_preview")
    del request.session[SESSION_KEY]
    if kind == ImportKind.AMBASSADORS:
        text = _(
            "Imported. New ambassadors: %(created)s; merged into existing ones: %(merged)s; "
            "already registered: %(unchanged)s. New ambassadors are not active until you "
            "activate them."
        )
    else:
        text = _("Imported. New organisations: %(created)s; already registered: %(unchanged)s.")
    messages.success(
        request,
        text % {"created": result.created, "merged": result.merged, "unchanged": result.unchanged},
    )
    return redirect("workspace:import")


@coordinator_required
@require_POST
def cancel(request: HttpRequest) -> HttpResponse:
    request.session.pop(SESSION_KEY, None)
    messages.info(request, _("The file was dropped. Nothing was imported."))
    return redirect("workspace:import")


@coordinator_required
def template(request: HttpRequest, kind: str) -> HttpResponse:
    """An empty sheet with the headings, to fill in and upload."""
    if kind not in ImportKind.values:
        raise Http404
    response = HttpResponse(import_template_csv(kind=kind), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{kind}-import.csv"'
    return response
