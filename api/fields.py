"""Fields that take reference data by its code, and name an unknown code."""

from typing import Any

from django.db.models import Model, QuerySet
from rest_framework import serializers

from ambassadors.models import Interest, Language, Municipality, Need


def code_field(
    queryset: QuerySet[Model], *, slug_field: str = "code", what: str, **kwargs: Any
) -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(
        slug_field=slug_field,
        queryset=queryset,
        error_messages={
            "does_not_exist": f'Unknown {what} "{{value}}".',
            "invalid": f"Give the {what} as a string.",
        },
        **kwargs,
    )


def municipality_field(**kwargs: Any) -> serializers.SlugRelatedField:
    return code_field(Municipality.objects.all(), what="municipality code", **kwargs)


def language_field(**kwargs: Any) -> serializers.SlugRelatedField:
    return code_field(Language.objects.all(), what="language code", **kwargs)


def interest_field(**kwargs: Any) -> serializers.SlugRelatedField:
    return code_field(Interest.objects.all(), slug_field="slug", what="interest", **kwargs)


def need_field(**kwargs: Any) -> serializers.SlugRelatedField:
    return code_field(Need.objects.all(), slug_field="slug", what="need", **kwargs)
