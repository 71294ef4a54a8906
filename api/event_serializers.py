"""Meetups over the API: one small input serializer per operation, one output per resource."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ambassadors.models import (
    Ambassador,
    BuddyRequest,
    Interest,
    Language,
    Municipality,
    Organisation,
)
from ambassadors.selectors import (
    coordinator_municipalities,
    is_region_admin,
    municipalities_choosable_by,
)
from api.fields import interest_field, language_field, municipality_field
from events.models import Accessibility, Event, Invitation, Series

_M = TypeVar("_M", bound=Model)

User = AbstractBaseUser | AnonymousUser


class AwareDateTimeField(serializers.DateTimeField):
    """An ISO 8601 time with its UTC offset: a bare "18:00" is ambiguous twice a year."""

    default_error_messages = {
        "naive": gettext_lazy("Give the time with its UTC offset, e.g. 2026-03-03T18:00:00+01:00."),
        "range": gettext_lazy("Give a time between the years 2000 and 2100."),
    }

    def enforce_timezone(self, value: datetime) -> datetime:
        if timezone.is_naive(value):
            self.fail("naive")
        # Before 1900 Stockholm kept local mean time (+01:12:12), an offset RFC 3339 cannot
        # write; no meetup is planned that far back or ahead anyway.
        if not 2000 <= value.year <= 2100:
            self.fail("range")
        return super().enforce_timezone(value)


@extend_schema_field(OpenApiTypes.INT)
class VisibleIdField(serializers.PrimaryKeyRelatedField[_M]):
    """An id among the rows the requesting coordinator may see; any other id is unknown."""

    default_error_messages = {
        "does_not_exist": gettext_lazy('No "{pk_value}" among the ones you may see.'),
    }

    def __init__(self, *, visible: Callable[[User], QuerySet[_M]], **kwargs: Any) -> None:
        self.visible = visible
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet[_M]:
        return self.visible(self.context["request"].user)


def _user(serializer: serializers.Serializer[Any]) -> User:
    user: User = serializer.context["request"].user
    return user


def _check_choosable(serializer: serializers.Serializer[Any], *chosen: Municipality) -> None:
    choosable = municipalities_choosable_by(user=_user(serializer))
    if any(not choosable.filter(id=municipality.id).exists() for municipality in chosen):
        raise serializers.ValidationError(
            _("You can only plan events in municipalities you coordinate.")
        )


class EventListQuery(serializers.Serializer[Any]):
    """The query of the event list; `from` is a Python keyword, hence `get_fields`."""

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        return {
            "status": serializers.ChoiceField(choices=Event.Status.choices, required=False),
            "from": serializers.DateField(required=False),
            "to": serializers.DateField(required=False),
        }


class EventCreateInput(serializers.Serializer[Any]):
    title_sv = serializers.CharField(max_length=120)
    title_en = serializers.CharField(max_length=120, required=False, allow_blank=True)
    title_ar = serializers.CharField(max_length=120, required=False, allow_blank=True)
    title_uk = serializers.CharField(max_length=120, required=False, allow_blank=True)
    description_sv = serializers.CharField(required=False, allow_blank=True)
    description_en = serializers.CharField(required=False, allow_blank=True)
    description_ar = serializers.CharField(required=False, allow_blank=True)
    description_uk = serializers.CharField(required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=Event.Kind.choices)
    starts_at = AwareDateTimeField(help_text="ISO 8601 with the UTC offset.")
    ends_at = AwareDateTimeField(help_text="ISO 8601 with the UTC offset; after starts_at.")
    municipality = municipality_field(
        required=False,
        allow_null=True,
        help_text="Where it takes place; one you coordinate. Null for a digital meetup.",
    )
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    accessibility = serializers.ListField(
        child=serializers.ChoiceField(choices=Accessibility.choices),
        required=False,
        default=list,
    )
    video_url = serializers.URLField(required=False, allow_blank=True)
    capacity = serializers.IntegerField(
        min_value=1, required=False, allow_null=True, help_text="Null: no limit."
    )
    audience = serializers.ChoiceField(
        choices=Event.Audience.choices, required=False, default=Event.Audience.AMBASSADORS
    )
    audience_municipalities = municipality_field(
        many=True,
        required=False,
        help_text="Only people in these. Default: the municipalities you coordinate. "
        "Empty (region admins only): everywhere.",
    )
    audience_languages = language_field(
        many=True, required=False, help_text="Only people speaking one of these."
    )
    audience_interests = interest_field(
        many=True, required=False, help_text="Only people interested in one of these."
    )
    is_public = serializers.BooleanField(required=False, default=True)
    organisation = VisibleIdField[Organisation](
        visible=Organisation.objects.visible_to,
        required=False,
        allow_null=True,
        help_text="Organised on behalf of this organisation (its id).",
    )

    def validate_kind(self, value: str) -> str:
        if value == Event.Kind.BUDDY_MEETING:
            raise serializers.ValidationError(_("A buddy meeting is planned from its match."))
        return value

    def validate_municipality(self, value: Municipality | None) -> Municipality | None:
        if value is not None:
            _check_choosable(self, value)
        return value

    def validate_audience_municipalities(self, value: list[Municipality]) -> list[Municipality]:
        if not value and not is_region_admin(user=_user(self)):
            # Empty means everyone in the region, which only a region admin may invite.
            raise serializers.ValidationError(
                _("Choose the municipalities whose people are invited.")
            )
        _check_choosable(self, *value)
        return value

    def validate_accessibility(self, value: list[str]) -> list[str]:
        return list(dict.fromkeys(value))

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not self.partial and "audience_municipalities" not in attrs:
            mine = coordinator_municipalities(user=_user(self))
            attrs["audience_municipalities"] = [] if mine is None else list(mine)
        # A change of one end alone is checked against the other by the service.
        if "starts_at" in attrs and "ends_at" in attrs and attrs["ends_at"] <= attrs["starts_at"]:
            raise serializers.ValidationError({"ends_at": _("The event must end after it starts.")})
        return attrs


class EventUpdateInput(EventCreateInput):
    """The same fields as on creation, each optional (PATCH)."""


class EventSerializer(serializers.ModelSerializer[Event]):
    # A digital event has no municipality and may have no link yet: null, not "".
    municipality = serializers.SlugRelatedField[Municipality](
        slug_field="code", read_only=True, allow_null=True
    )
    video_url = serializers.SerializerMethodField()
    accessibility = serializers.ListField(
        child=serializers.ChoiceField(choices=Accessibility.choices), read_only=True
    )
    audience_municipalities = serializers.SlugRelatedField[Municipality](
        slug_field="code", many=True, read_only=True
    )
    audience_languages = serializers.SlugRelatedField[Language](
        slug_field="code", many=True, read_only=True
    )
    audience_interests = serializers.SlugRelatedField[Interest](
        slug_field="slug", many=True, read_only=True
    )
    organiser_name = serializers.SerializerMethodField()

    class Meta:
        model = Event
        fields = [
            "id",
            "title_sv",
            "title_en",
            "title_ar",
            "title_uk",
            "description_sv",
            "description_en",
            "description_ar",
            "description_uk",
            "kind",
            "status",
            "starts_at",
            "ends_at",
            "municipality",
            "address",
            "accessibility",
            "video_url",
            "capacity",
            "audience",
            "audience_municipalities",
            "audience_languages",
            "audience_interests",
            "is_public",
            "organiser",
            "organiser_name",
            "organisation",
            "series",
            "recurrence_start",
            "code",
            "sequence",
            "created_at",
            "published_at",
            "cancelled_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_video_url(self, obj: Event) -> str | None:
        return obj.video_url or None

    def get_organiser_name(self, obj: Event) -> str:
        if obj.organiser is None:
            return ""
        return obj.organiser.get_full_name() or obj.organiser.get_username()


class EventPublishOutput(serializers.Serializer[dict[str, int]]):
    invited = serializers.IntegerField(help_text="How many people were texted an invitation.")


class EventCancelOutput(serializers.Serializer[dict[str, int]]):
    notified = serializers.IntegerField(
        help_text="How many people who were coming or waiting were texted the cancellation."
    )


class SeriesCreateInput(serializers.Serializer[Any]):
    rule = serializers.CharField(
        max_length=200,
        help_text="An RFC 5545 RRULE in Stockholm wall time, e.g. FREQ=MONTHLY;BYDAY=1TU;COUNT=6.",
    )


class SeriesSerializer(serializers.ModelSerializer[Series]):
    occurrences = EventSerializer(many=True, read_only=True)

    class Meta:
        model = Series
        fields = ["id", "rule", "first_start", "created_at", "occurrences"]
        read_only_fields = fields


class InvitationSerializer(serializers.ModelSerializer[Invitation]):
    """One guest's invitation and answer: who by type, id and first name; never a number."""

    guest_type = serializers.SerializerMethodField()
    guest_id = serializers.SerializerMethodField()
    guest_first_name = serializers.SerializerMethodField()

    class Meta:
        model = Invitation
        fields = [
            "id",
            "event",
            "status",
            "channel",
            "invited_at",
            "answered_at",
            "waitlisted_at",
            "place_expires_at",
            "attended",
            "guest_type",
            "guest_id",
            "guest_first_name",
        ]
        read_only_fields = fields

    def get_guest_type(self, obj: Invitation) -> str:
        return "ambassador" if obj.ambassador_id is not None else "buddy_request"

    def get_guest_id(self, obj: Invitation) -> int:
        return obj.guest.id

    def get_guest_first_name(self, obj: Invitation) -> str:
        return obj.guest.first_name


class InvitationSendInput(serializers.Serializer[Any]):
    ambassador = VisibleIdField[Ambassador](
        visible=Ambassador.objects.visible_to,
        required=False,
        help_text="Invite this ambassador (its id) …",
    )
    buddy_request = VisibleIdField[BuddyRequest](
        visible=BuddyRequest.objects.visible_to,
        required=False,
        help_text="… or this household (its id).",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if len(attrs) != 1:
            raise serializers.ValidationError(_("Give either an ambassador or a buddy request."))
        return attrs

    def guest(self) -> tuple[str, Ambassador | BuddyRequest]:
        """The field given and the person it names."""
        [(field, guest)] = self.validated_data.items()
        return field, guest


class RsvpInput(serializers.Serializer[Any]):
    going = serializers.BooleanField(help_text="True: coming. False: not coming.")


class RsvpOutput(serializers.Serializer[dict[str, Any]]):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(
        choices=Invitation.Status.choices,
        help_text="After the answer: a yes to a full event joins the waiting list.",
    )


class AttendanceInput(serializers.Serializer[Any]):
    attended = serializers.BooleanField()
