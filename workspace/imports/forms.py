"""The two steps of an import: the upload, and the go-ahead after the preview."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ambassadors.services import ApplicationError
from workspace.imports.reading import (
    MAX_BYTES,
    ImportFile,
    ImportKind,
    import_file_read,
)


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("The file holds"),
        choices=ImportKind.choices,
        widget=forms.RadioSelect,
        initial=ImportKind.AMBASSADORS,
    )
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Saved from Excel as CSV (comma or semicolon separated), in UTF-8 or Excel's "
            "Windows encoding. At most 2 MB and 5000 rows."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,text/csv,text/plain"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean_file(self) -> ImportFile:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB: split it into smaller files.")
                % {"size": MAX_BYTES // (1024 * 1024)}
            )
        try:
            return import_file_read(name=upload.name or "", content=upload.read())
        except ApplicationError as error:
            raise forms.ValidationError(error.message) from None


class CommitForm(forms.Form):
    """The go-ahead. For people, the coordinator also vouches for their consent."""

    digest = forms.CharField(widget=forms.HiddenInput)
    consent = forms.BooleanField(
        label=_(
            "These people have agreed to be ambassadors, and their consent is kept in the "
            "CRM or on paper"
        ),
        error_messages={
            "required": _("Import people only once you know they have agreed: tick the box.")
        },
    )

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        if kind != ImportKind.AMBASSADORS:
            # Organisations are not people: no consent to vouch for.
            del self.fields["consent"]
