"""Input for today's page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ambassadors.models import Ambassador
from matching.models import Proposal


class PickForm(forms.Form):
    """One of a proposal's runners-up, chosen instead of the engine's choice."""

    ambassador = forms.ModelChoiceField(
        queryset=Ambassador.objects.none(),
        error_messages={
            "required": _("Pick one of the proposal's candidates."),
            "invalid_choice": _("Pick one of the proposal's candidates."),
        },
    )

    def __init__(self, *args: Any, proposal: Proposal, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Runners-up may live outside the coordinator's municipalities: a
        # neighbour can be the nearest speaker of the language.
        field = self.fields["ambassador"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Ambassador.objects.filter(
            id__in=proposal.candidates.values("ambassador_id")
        )
