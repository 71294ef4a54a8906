"""Fields that take reference data by its code, and name an unknown code."""

from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from rest_framework import serializers

from ambassadors.models import Interest, Language, Municipality, Need

_M = TypeVar("_M", bound=Model)


class CodeField(serializers.SlugRelatedField[_M]):
    """A reference by its code; a code with a NUL character is refused before the lookup.

    PostgreSQL cannot take a NUL in a query parameter at all: without this the
    lookup itself fails with a server error instead of a 400.
    """

    def to_internal_value(self, data: Any) -> _M:
        if isinstance(data, str) and "\x00" in data:
            self.fail("null_characters")
        return super().to_internal_value(data)


def code_field(
    queryset: QuerySet[_M], *, slug_field: str = "code", what: str, **kwargs: Any
) -> serializers.SlugRelatedField[_M]:
    return CodeField(
        slug_field=slug_field,
        queryset=queryset,
        error_messages={
            "does_not_exist": f'Unknown {what} "{{value}}".',
            "invalid": f"Give the {what} as a string.",
            "null_characters": f"The {what} must not contain NUL characters.",
        },
        **kwargs,
    )


def municipality_field(**kwargs: Any) -> serializers.SlugRelatedField[Municipality]:
    return code_field(Municipality.objects.all(), what="municipality code", **kwargs)


def language_field(**kwargs: Any) -> serializers.SlugRelatedField[Language]:
    return code_field(Language.objects.all(), what="language code", **kwargs)


def interest_field(**kwargs: Any) -> serializers.SlugRelatedField[Interest]:
    return code_field(Interest.objects.all(), slug_field="slug", what="interest", **kwargs)


def need_field(**kwargs: Any) -> serializers.SlugRelatedField[Need]:
    return code_field(Need.objects.all(), slug_field="slug", what="need", **kwargs)
