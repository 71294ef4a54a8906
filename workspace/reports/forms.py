"""Which quarter to report on."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

QUARTERS = [
    (1, _("Q1 (January–March)")),
    (2, _("Q2 (April–June)")),
    (3, _("Q3 (July–September)")),
    (4, _("Q4 (October–December)")),
]


class QuarterForm(forms.Form):
    # The network started long after 2000; the bound only keeps dates sane.
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(label=_("Quarter"), choices=QUARTERS, coerce=int)
