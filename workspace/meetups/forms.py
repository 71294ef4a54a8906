"""The form that plans a meetup from the workspace."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from ambassadors.models import Municipality
from ambassadors.selectors import coordinator_municipalities, municipalities_choosable_by
from events.models import Event

STOCKHOLM = ZoneInfo("Europe/Stockholm")


class StockholmDateTimeField(forms.DateTimeField):
    """A date and time read and shown as Stockholm wall time, whatever zone is active.

    Django refuses the hour that does not exist in spring and the one that
    happens twice in autumn, so an ambiguous time is never guessed.
    """

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def to_python(self, value: Any) -> datetime | None:
        with timezone.override(STOCKHOLM):
            return super().to_python(value)

    def prepare_value(self, value: Any) -> Any:
        with timezone.override(STOCKHOLM):
            return super().prepare_value(value)


# Planned from the match by the pair or on the buddy's page, never as a meetup.
KINDS = [
    (value, capfirst(label))
    for value, label in Event.Kind.choices
    if value != Event.Kind.BUDDY_MEETING
]
AUDIENCES = [(value, capfirst(label)) for value, label in Event.Audience.choices]


class MeetupForm(forms.Form):
    title_sv = forms.CharField(label=_("Title in Swedish"), max_length=120)
    title_en = forms.CharField(label=_("Title in English"), max_length=120, required=False)
    title_ar = forms.CharField(
        label=_("Title in Arabic"),
        max_length=120,
        required=False,
        widget=forms.TextInput(attrs={"dir": "rtl", "lang": "ar"}),
    )
    title_uk = forms.CharField(
        label=_("Title in Ukrainian"),
        max_length=120,
        required=False,
        widget=forms.TextInput(attrs={"lang": "uk"}),
    )
    description_sv = forms.CharField(
        label=_("Description in Swedish"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "lang": "sv"}),
    )
    description_en = forms.CharField(
        label=_("Description in English"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "lang": "en"}),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=KINDS)
    starts_at = StockholmDateTimeField(
        label=_("Starts"), help_text=_("Date and time in Swedish time.")
    )
    ends_at = StockholmDateTimeField(label=_("Ends"), help_text=_("Date and time in Swedish time."))
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.none(),
        required=False,
        empty_label=_("None: a digital meetup"),
    )
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    video_url = forms.URLField(
        label=_("Video link"),
        required=False,
        assume_scheme="https",
        help_text=_("For a digital meetup; an address or a video link is needed to publish."),
    )
    capacity = forms.IntegerField(
        label=_("Places"),
        min_value=1,
        required=False,
        help_text=_("Empty: no limit. Yes answers past the limit join a waiting list."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    audience = forms.ChoiceField(
        label=_("Who is invited"),
        choices=AUDIENCES,
        initial=Event.Audience.AMBASSADORS,
    )
    is_public = forms.BooleanField(
        label=_("List it on the public events page and feed"), required=False, initial=True
    )

    def __init__(self, *args: Any, user: AbstractBaseUser | AnonymousUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        choosable = municipalities_choosable_by(user=user)
        municipality = self.fields["municipality"]
        assert isinstance(municipality, forms.ModelChoiceField)
        municipality.queryset = choosable
        municipality.error_messages["invalid_choice"] = _(
            "You can only plan events in municipalities you coordinate."
        )
        if len(mine := list(choosable[:2])) == 1:
            municipality.initial = mine[0]

    def event_fields(self) -> dict[str, Any]:
        """What `event_create` takes, the audience's municipalities as the API defaults them.

        Those the coordinator coordinates; everyone in the region for a region admin.
        """
        fields = dict(self.cleaned_data)
        mine = coordinator_municipalities(user=self.user)
        fields["audience_municipalities"] = [] if mine is None else list(mine)
        return fields
