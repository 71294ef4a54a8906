"""Data protection rights over the API: export and erase a person, within your municipalities."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ambassadors.audit import audit_record
from ambassadors.models import AuditEvent
from ambassadors.privacy import Person, PersonNotFound, person_erase, person_export, person_find
from api import serializers
from api.permissions import IsCoordinator


def _person(request: Request, phone: str) -> Person:
    """The rows with this number the user may see; 404 when there are none."""
    try:
        return person_find(phone=phone, user=request.user)
    except PersonNotFound as error:
        raise Http404(error.message) from None


class PersonExportView(APIView):
    """Everything held about a person, by table, for a coordinator to hand over."""

    permission_classes = [IsCoordinator]

    @extend_schema(
        parameters=[OpenApiParameter("phone", str, required=True, description="Any spelling.")],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        data = serializers.PersonPhoneInput(data=request.query_params)
        data.is_valid(raise_exception=True)
        person = _person(request, data.validated_data["phone"])
        export = person_export(phone=person.phone, user=request.user)
        for row in person.rows:
            audit_record(
                action=AuditEvent.Action.EXPORT, subject=row, user=request.user,
                via="api:person-export",
            )  # fmt: skip
        return Response(export)


class PersonEraseView(APIView):
    """Erase a person: their ambassador and requests you may see, and all that hangs on them."""

    permission_classes = [IsCoordinator]

    @extend_schema(request=serializers.PersonPhoneInput, responses=serializers.ErasureOutput)
    def post(self, request: Request) -> Response:
        data = serializers.PersonPhoneInput(data=request.data)
        data.is_valid(raise_exception=True)
        person = _person(request, data.validated_data["phone"])
        erasure = person_erase(phone=person.phone, user=request.user, via="api:person-erase")
        return Response(serializers.ErasureOutput(erasure.as_dict()).data)
