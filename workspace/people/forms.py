"""The people page's inputs: the search box and the pause form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search people"),
        required=False,
        max_length=100,
        help_text=_("A name, a phone number in any spelling, or an email address."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


class PauseForm(forms.Form):
    until = forms.DateField(
        label=_("Paused until"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
