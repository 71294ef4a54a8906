"""Meetups for coordinators: events, series, invitations and answers, each through its service.

Every queryset starts from the events the coordinator may see, so an event in
another coordinator's municipality is a 404 to every operation here.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, Prefetch, QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from ambassadors.services import ApplicationError
from api import event_serializers as io
from events.models import Event, Invitation, Series
from events.services import (
    attendance_record,
    event_cancel,
    event_create,
    event_publish,
    event_update,
    invitation_send,
    rsvp,
    series_create,
)

_M = TypeVar("_M", bound=Model)

AUDIENCE_FIELDS = ("audience_municipalities", "audience_languages", "audience_interests")


class EventViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Event],
):
    """Events in your municipalities and those you organise."""

    serializer_class = io.EventSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Event]:
        return (
            Event.objects.visible_to(self.request.user)
            .select_related("municipality", "organiser")
            .prefetch_related(*AUDIENCE_FIELDS)
            .order_by("starts_at", "id")
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=Event.Status.values),
            OpenApiParameter(
                "from", OpenApiTypes.DATE, description="Starting on or after this day."
            ),
            OpenApiParameter(
                "to", OpenApiTypes.DATE, description="Starting on or before this day."
            ),
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        query = io.EventListQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        wanted = query.validated_data
        events = self.get_queryset()
        if "status" in wanted:
            events = events.filter(status=wanted["status"])
        # Days in Stockholm: __date converts with the current time zone.
        if "from" in wanted:
            events = events.filter(starts_at__date__gte=wanted["from"])
        if "to" in wanted:
            events = events.filter(starts_at__date__lte=wanted["to"])
        return self._page(io.EventSerializer, events)

    @extend_schema(
        request=io.EventCreateInput,
        responses={201: io.EventSerializer},
        description="Plan a draft event; you are its organiser. Publish it to invite people.",
    )
    def create(self, request: Request) -> Response:
        data = io.EventCreateInput(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        event = event_create(organiser=request.user, **data.validated_data)
        return Response(io.EventSerializer(self._fresh(event)).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=io.EventUpdateInput,
        responses=io.EventSerializer,
        description="Change an event. A new time or place texts everyone coming.",
    )
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        event = self.get_object()
        data = io.EventUpdateInput(
            data=request.data, partial=True, context=self.get_serializer_context()
        )
        data.is_valid(raise_exception=True)
        event = event_update(event=event, **data.validated_data)
        return Response(io.EventSerializer(self._fresh(event)).data)

    @extend_schema(request=None, responses=io.EventPublishOutput)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str | None = None) -> Response:
        invited = event_publish(event=self.get_object())
        return Response(io.EventPublishOutput({"invited": invited}).data)

    @extend_schema(request=None, responses=io.EventCancelOutput)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        notified = event_cancel(event=self.get_object())
        return Response(io.EventCancelOutput({"notified": notified}).data)

    @extend_schema(
        request=io.SeriesCreateInput,
        responses={201: io.SeriesSerializer},
        description="Repeat this event by an RRULE. It becomes the first occurrence; the "
        "others are drafts that can be changed, published or cancelled one by one.",
    )
    @action(detail=True, methods=["post"])
    def series(self, request: Request, pk: str | None = None) -> Response:
        event = self.get_object()
        data = io.SeriesCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        series = series_create(template=event, rule=data.validated_data["rule"])
        series = Series.objects.prefetch_related(
            Prefetch("occurrences", queryset=self.get_queryset())
        ).get(id=series.id)
        return Response(io.SeriesSerializer(series).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        responses=io.EventSerializer(many=True),
        description="The events of this event's series in order; this event alone when it "
        "is not part of one.",
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def occurrences(self, request: Request, pk: str | None = None) -> Response:
        event = self.get_object()
        if event.series_id is None:
            occurrences = self.get_queryset().filter(id=event.id)
        else:
            occurrences = self.get_queryset().filter(series_id=event.series_id)
        return Response(io.EventSerializer(occurrences, many=True).data)

    @extend_schema(
        methods=["GET"],
        request=None,
        responses=io.InvitationSerializer(many=True),
        description="Everyone invited and their answers.",
    )
    @extend_schema(
        methods=["POST"],
        request=io.InvitationSendInput,
        responses={201: io.InvitationSerializer},
        description="Invite one person you coordinate to a published event by SMS.",
    )
    @action(detail=True, methods=["get", "post"])
    def invitations(self, request: Request, pk: str | None = None) -> Response:
        event = self.get_object()
        if request.method == "POST":
            return self._invite(request, event)
        invitations = event.invitations.select_related("ambassador", "buddy_request").order_by(
            "invited_at", "id"
        )
        return self._page(io.InvitationSerializer, invitations)

    def _invite(self, request: Request, event: Event) -> Response:
        data = io.InvitationSendInput(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        field, guest = data.guest()
        invitation = invitation_send(event=event, guest=guest)
        if invitation is None:
            raise ApplicationError(_("This person is already invited."), field=field)
        return Response(io.InvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)

    def _page(
        self, serializer: type[serializers.ModelSerializer[_M]], rows: QuerySet[_M]
    ) -> Response:
        page = (
            None
            if self.paginator is None
            else self.paginator.paginate_queryset(rows, self.request, view=self)
        )
        if page is None:
            return Response(serializer(rows, many=True).data)
        return self.get_paginated_response(serializer(page, many=True).data)

    def _fresh(self, event: Event) -> Event:
        return self.get_queryset().get(id=event.id)


class InvitationViewSet(viewsets.GenericViewSet[Invitation]):
    """Answers and attendance, for invitations to events you may see."""

    serializer_class = io.InvitationSerializer

    def get_queryset(self) -> QuerySet[Invitation]:
        return Invitation.objects.filter(
            event__in=Event.objects.visible_to(self.request.user)
        ).select_related("event", "ambassador", "buddy_request")

    @extend_schema(
        request=io.RsvpInput,
        responses=io.RsvpOutput,
        description="Answer for the guest. A yes to a full event joins the waiting list.",
    )
    @action(detail=True, methods=["post"])
    def rsvp(self, request: Request, pk: str | None = None) -> Response:
        invitation = self.get_object()
        data = io.RsvpInput(data=request.data)
        data.is_valid(raise_exception=True)
        answer = rsvp(
            invitation=invitation,
            going=data.validated_data["going"],
            channel=Invitation.Channel.API,
        )
        return Response(io.RsvpOutput({"id": invitation.id, "status": answer}).data)

    @extend_schema(request=io.AttendanceInput, responses=io.InvitationSerializer)
    @action(detail=True, methods=["post"])
    def attendance(self, request: Request, pk: str | None = None) -> Response:
        invitation = self.get_object()
        data = io.AttendanceInput(data=request.data)
        data.is_valid(raise_exception=True)
        attendance_record(invitation=invitation, attended=data.validated_data["attended"])
        return Response(io.InvitationSerializer(self.get_object()).data)
