"""The public web forms: a newcomer's request and an ambassador's sign-up."""

from __future__ import annotations

import re
from typing import Any, Protocol

from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise
from phonenumber_field.formfields import PhoneNumberField

from ambassadors.models import (
    Ambassador,
    Interest,
    Language,
    LanguageLevel,
    Municipality,
    Need,
)
from ambassadors.validators import validate_children_ages, validate_mobile


class Named(Protocol):
    """Reference data that names itself in the reader's language."""

    def display_name(self, language: str | None = None) -> str: ...


class NamedChoiceField(forms.ModelChoiceField[Any]):
    def label_from_instance(self, obj: Named) -> str:
        return obj.display_name()


class NamedMultipleChoiceField(forms.ModelMultipleChoiceField[Any]):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Named) -> str:
        return obj.display_name()


# django-phonenumber-field ships no type information.
class MobileNumberField(PhoneNumberField):  # type: ignore[misc]
    default_validators = [validate_mobile]

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Mobile number"))
        kwargs.setdefault(
            "help_text",
            _("A Swedish number (070 123 45 67) or one with its country code (+44 …)."),
        )
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"})
        )
        super().__init__(region="SE", **kwargs)


class ChildrenAgesField(forms.CharField):
    """Ages written as "4, 9" become [9, 4]."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> list[int]:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return []
        # The Arabic comma too: the form is filled in in Arabic. int() reads
        # Arabic-Indic digits (٤) as well.
        parts = [part for part in re.split(r"[\s,;،]+", text) if part]
        if not all(part.isdigit() for part in parts):
            raise forms.ValidationError(
                _("Write the ages as numbers separated by commas, e.g. 4, 9."), code="invalid"
            )
        return [int(part) for part in parts]

    def validate(self, value: Any) -> None:
        validate_children_ages(value)


def _municipality_field(label: StrOrPromise) -> NamedChoiceField:
    return NamedChoiceField(queryset=Municipality.objects.all(), label=label)


class NameFields(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Labels stand above their fields: a colon adds nothing there, and
        # reads oddly in the error summary ("Mobile number:: …").
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    first_name = forms.CharField(
        label=_("First name"),
        max_length=80,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=80,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    phone = MobileNumberField()


class BuddyRequestForm(NameFields):
    preferred_language = NamedChoiceField(
        queryset=Language.objects.all(),
        label=_("Your preferred language"),
        help_text=_("The language you would most like to speak with your buddy."),
    )
    other_languages = NamedMultipleChoiceField(
        queryset=Language.objects.all(),
        required=False,
        label=_("Other languages you speak"),
    )
    municipality = _municipality_field(_("Where you live or are moving to"))
    arrival_date = forms.DateField(
        label=_("When you arrive (or arrived)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave it empty if you do not know yet."),
    )
    has_partner = forms.BooleanField(label=_("A partner moves with me"), required=False)
    children_ages = ChildrenAgesField(
        label=_("Ages of the children who move with you"),
        help_text=_("Separated by commas, e.g. 4, 9. Leave it empty if no children move with you."),
    )
    interests = NamedMultipleChoiceField(
        queryset=Interest.objects.filter(active=True), required=False, label=_("Your interests")
    )
    needs = NamedMultipleChoiceField(
        queryset=Need.objects.filter(active=True),
        required=False,
        label=_("What you would like help with"),
    )
    message = forms.CharField(
        label=_("Anything else your buddy should know"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    consent = forms.BooleanField(
        label=_("I have read the text above and agree."),
        error_messages={"required": _("We can only help you if you agree.")},
    )

    def submission(self) -> dict[str, Any]:
        """The cleaned data as `buddy_request_submit` takes it."""
        data = dict(self.cleaned_data)
        del data["consent"]
        return data


class AmbassadorSignUpForm(NameFields):
    email = forms.EmailField(
        label=_("Email"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    preferred_language = NamedChoiceField(
        queryset=Language.objects.filter(code__in=[code for code, _name in settings.LANGUAGES]),
        label=_("Language for our texts to you"),
    )
    home_municipality = _municipality_field(_("Where you live"))
    meeting_municipalities = NamedMultipleChoiceField(
        queryset=Municipality.objects.all(),
        required=False,
        label=_("Other municipalities where you can meet"),
    )
    meets_digitally = forms.BooleanField(label=_("I can also meet by video"), required=False)
    interests = NamedMultipleChoiceField(
        queryset=Interest.objects.filter(active=True), required=False, label=_("Your interests")
    )
    helps_with = NamedMultipleChoiceField(
        queryset=Need.objects.filter(active=True),
        required=False,
        label=_("What you can help newcomers with"),
    )
    has_children = forms.BooleanField(label=_("I have children"), required=False)
    capacity = forms.TypedChoiceField(
        label=_("How many buddies at a time"),
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        initial=2,
    )
    about = forms.CharField(
        label=_("A few words about you"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    consent = forms.BooleanField(
        label=_("I have read the text above and agree."),
        error_messages={"required": _("We can only make you an ambassador if you agree.")},
    )

    LEVEL_PREFIX = "level_"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.spoken_languages = list(Language.objects.all())
        level_choices = [("", _("—"))] + [(level.value, level.label) for level in LanguageLevel]
        for language in self.spoken_languages:
            self.fields[self.LEVEL_PREFIX + language.code] = forms.TypedChoiceField(
                label=language.display_name(),
                choices=level_choices,
                coerce=int,
                empty_value=None,
                required=False,
            )

    def level_fields(self) -> list[forms.BoundField]:
        return [self[self.LEVEL_PREFIX + language.code] for language in self.spoken_languages]

    def other_fields(self) -> list[forms.BoundField]:
        return [field for field in self if not field.name.startswith(self.LEVEL_PREFIX)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        languages = {
            language: data[self.LEVEL_PREFIX + language.code]
            for language in self.spoken_languages
            if data.get(self.LEVEL_PREFIX + language.code)
        }
        self.languages_error: StrOrPromise = ""
        if not languages:
            self.languages_error = _("Choose at least one language you speak, with your level.")
            self.add_error(None, self.languages_error)
        data["languages"] = languages
        return data

    def submission(self) -> dict[str, Any]:
        """The cleaned data as `ambassador_sign_up` takes it."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name != "consent" and not name.startswith(self.LEVEL_PREFIX)
        }


class SignInForm(NameFields):
    """An ambassador's mobile number, to send a sign-in code to."""

    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]


class SignInCodeForm(forms.Form):
    code = forms.RegexField(
        label=_("The code from the text"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("The code has six digits.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "maxlength": "6"}
        ),
    )


class PauseForm(forms.Form):
    until = forms.DateField(
        label=_("Pause until"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("No new buddies or hotline shifts up to and including this day."),
    )


class AmbassadorProfileForm(AmbassadorSignUpForm):
    """The sign-up form without what only a coordinator changes: number and home municipality."""

    phone = None  # type: ignore[assignment]
    home_municipality = None  # type: ignore[assignment]
    consent = None  # type: ignore[assignment]
    # A coordinator may have set more than the sign-up offers: every value the
    # model allows is a choice, so saving never quietly lowers it.
    capacity = forms.TypedChoiceField(
        label=_("How many buddies at a time"),
        choices=[(n, str(n)) for n in range(1, 11)],
        coerce=int,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Likewise a language for texts set by a coordinator stays choosable.
        field = self.fields["preferred_language"]
        assert isinstance(field, NamedChoiceField)
        current = self.initial.get("preferred_language")
        field.queryset = Language.objects.filter(
            Q(code__in=[code for code, _name in settings.LANGUAGES]) | Q(id=current)
        )

    @classmethod
    def initial_for(cls, ambassador: Ambassador) -> dict[str, Any]:
        """The form's starting values: the ambassador as stored."""
        initial: dict[str, Any] = {
            name: getattr(ambassador, name)
            for name in (
                "first_name",
                "last_name",
                "email",
                "meets_digitally",
                "has_children",
                "capacity",
                "about",
            )
        }
        initial["preferred_language"] = ambassador.preferred_language_id
        initial["meeting_municipalities"] = list(ambassador.meeting_municipalities.all())
        initial["interests"] = list(ambassador.interests.all())
        initial["helps_with"] = list(ambassador.helps_with.all())
        for row in ambassador.language_levels.select_related("language"):
            initial[cls.LEVEL_PREFIX + row.language.code] = row.level
        return initial

    def changed_fields(self) -> list[str]:
        """Names of the changed details, the levels counted as one: "languages"."""
        return sorted(
            {
                "languages" if name.startswith(self.LEVEL_PREFIX) else name
                for name in self.changed_data
            }
        )


class NewcomerLanguageForm(forms.Form):
    preferred_language = NamedChoiceField(
        queryset=Language.objects.all(),
        label=_("The language we write to you in"),
        help_text=_("We also look for a buddy who speaks it."),
    )
