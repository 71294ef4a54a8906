"""HTTP in, services out. Every list, read, change and export is scoped in its queryset."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.throttling import BaseThrottle, ScopedRateThrottle

from ambassadors.audit import audit_record
from ambassadors.consent import CONSENT_LANGUAGES, CONSENT_TEXTS
from ambassadors.exports import (
    ambassadors_csv,
    buddy_requests_csv,
    csv_download,
    organisations_csv,
)
from ambassadors.models import (
    Ambassador,
    AuditEvent,
    BuddyRequest,
    Consent,
    Interest,
    Language,
    Municipality,
    Need,
    Organisation,
)
from ambassadors.selectors import travel_minutes
from ambassadors.services import (
    ApplicationError,
    ambassador_sign_up,
    ambassador_update,
    buddy_request_submit,
    buddy_request_update,
    municipality_scope_check,
)
from api import serializers
from api.permissions import IsCoordinator
from api.serializers import AmbassadorSerializer, BuddyRequestSerializer
from matching.explain import explanation, explanation_language
from matching.models import MatchRun, Proposal
from matching.services import (
    match_run,
    proposal_approve,
    proposal_pick,
    proposal_reject,
    request_candidates,
)

_M = TypeVar("_M", bound=Model)

CSV_RESPONSE = {(200, "text/csv"): OpenApiTypes.STR}


class PublicCreateMixin:
    """`create` is open to the public and throttled per client; the rest is for coordinators."""

    action: str

    def get_permissions(self) -> list[BasePermission]:
        if self.action == "create":
            return [AllowAny()]
        return [IsCoordinator()]

    def get_throttles(self) -> list[BaseThrottle]:
        if self.action == "create":
            self.throttle_scope = "signup"
            return [ScopedRateThrottle()]
        return []


class AuditedMixin:
    """Lists, reads and exports of people leave a row in the audit trail (ids only)."""

    basename: str

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        view: Any = self  # a GenericViewSet, which this mixin is put in front of
        response: Response = super().list(request, *args, **kwargs)  # type: ignore[misc]
        queryset = view.filter_queryset(view.get_queryset())
        audit_record(
            action=AuditEvent.Action.LIST, subject=queryset.model, user=request.user,
            count=queryset.count(), via=f"api:{self.basename}-list",
        )  # fmt: skip
        return response

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        view: Any = self
        response: Response = super().retrieve(request, *args, **kwargs)  # type: ignore[misc]
        audit_record(
            action=AuditEvent.Action.VIEW, subject=view.get_object(), user=request.user,
            via=f"api:{self.basename}-detail",
        )  # fmt: skip
        return response

    def _exported(self, request: Request, queryset: QuerySet[Any]) -> None:
        audit_record(
            action=AuditEvent.Action.EXPORT, subject=queryset.model, user=request.user,
            count=queryset.count(), via=f"api:{self.basename}-export",
        )  # fmt: skip


class BuddyRequestViewSet(
    AuditedMixin,
    PublicCreateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[BuddyRequest],
):
    serializer_class = BuddyRequestSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[BuddyRequest]:
        return (
            BuddyRequest.objects.visible_to(self.request.user)
            .select_related("preferred_language", "municipality")
            .prefetch_related("other_languages", "interests", "needs", "consents")
            .order_by("created_at", "id")
        )

    @extend_schema(
        request=serializers.BuddyRequestSubmitInput,
        responses={
            201: serializers.BuddyRequestSubmitOutput,
            200: serializers.BuddyRequestSubmitOutput,
        },
        auth=[],
        description="A newcomer household asks for a buddy. Public and throttled. "
        "A number with an open request updates that request (200) instead of opening "
        "a second one (201).",
    )
    def create(self, request: Request) -> Response:
        data = serializers.BuddyRequestSubmitInput(data=request.data)
        data.is_valid(raise_exception=True)
        buddy_request, updated = buddy_request_submit(
            **data.submission(), channel=Consent.Channel.API
        )
        detail = (
            _("Your existing request was updated.") if updated else _("Your request was received.")
        )
        body = serializers.BuddyRequestSubmitOutput(
            {"id": buddy_request.id, "status": buddy_request.status, "updated": updated,
             "detail": detail}
        ).data  # fmt: skip
        return Response(body, status=status.HTTP_200_OK if updated else status.HTTP_201_CREATED)

    @extend_schema(request=serializers.BuddyRequestUpdateInput, responses=BuddyRequestSerializer)
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        buddy_request = self.get_object()
        data = serializers.BuddyRequestUpdateInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        buddy_request_update(buddy_request=buddy_request, user=request.user, **data.validated_data)
        audit_record(
            action=AuditEvent.Action.CHANGE, subject=buddy_request, user=request.user,
            via="api:buddy-request-detail", fields=data.validated_data,
        )  # fmt: skip
        return Response(BuddyRequestSerializer(self.get_object()).data)

    @extend_schema(
        responses=serializers.RequestCandidateSerializer(many=True),
        description="The five ambassadors with room who would suit this request best.",
    )
    @action(detail=True, methods=["get"])
    def candidates(self, request: Request, pk: str | None = None) -> Response:
        buddy_request = self.get_object()
        language = explanation_language(buddy_request.preferred_language.code)
        rows = [
            {
                "ambassador": ambassador.id,
                "ambassador_name": str(ambassador),
                "score": pairing.score,
                "reasons": pairing.reasons.as_dict(),
                "explanation": explanation(pairing.reasons.as_dict(), language=language),
            }
            for ambassador, pairing in request_candidates(buddy_request=buddy_request)
        ]
        return Response(serializers.RequestCandidateSerializer(rows, many=True).data)  # type: ignore[arg-type]

    @extend_schema(responses=CSV_RESPONSE, description="Every request you may see, as CSV.")
    @action(detail=False, methods=["get"])
    def export(self, request: Request) -> HttpResponse:
        self._exported(request, self.get_queryset())
        return csv_download(buddy_requests_csv(self.get_queryset()), name="buddy-requests")


class AmbassadorViewSet(
    AuditedMixin,
    PublicCreateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Ambassador],
):
    serializer_class = AmbassadorSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Ambassador]:
        return (
            Ambassador.objects.visible_to(self.request.user)
            .select_related("preferred_language", "home_municipality")
            .prefetch_related(
                "language_levels__language",
                "meeting_municipalities",
                "interests",
                "helps_with",
                "consents",
            )
            .order_by("first_name", "id")
        )

    @extend_schema(
        request=serializers.AmbassadorSignUpInput,
        responses={201: serializers.AmbassadorSignUpOutput},
        auth=[],
        description="Someone who lives in the region signs up as an ambassador. Public and "
        "throttled. The ambassador stays inactive until a coordinator has met them.",
    )
    def create(self, request: Request) -> Response:
        data = serializers.AmbassadorSignUpInput(data=request.data)
        data.is_valid(raise_exception=True)
        ambassador = ambassador_sign_up(**data.submission(), channel=Consent.Channel.API)
        body = serializers.AmbassadorSignUpOutput(
            {"id": ambassador.id, "active": ambassador.active,
             "detail": _("Thank you. A coordinator will contact you.")}
        ).data  # fmt: skip
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(request=serializers.AmbassadorUpdateInput, responses=AmbassadorSerializer)
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        ambassador = self.get_object()
        data = serializers.AmbassadorUpdateInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        ambassador_update(ambassador=ambassador, user=request.user, **data.validated_data)
        audit_record(
            action=AuditEvent.Action.CHANGE, subject=ambassador, user=request.user,
            via="api:ambassador-detail", fields=data.validated_data,
        )  # fmt: skip
        return Response(AmbassadorSerializer(self.get_object()).data)

    @extend_schema(responses=CSV_RESPONSE, description="Every ambassador you may see, as CSV.")
    @action(detail=False, methods=["get"])
    def export(self, request: Request) -> HttpResponse:
        self._exported(request, self.get_queryset())
        return csv_download(ambassadors_csv(self.get_queryset()), name="ambassadors")


class OrganisationViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Organisation],
):
    serializer_class = serializers.OrganisationSerializer

    def get_queryset(self) -> QuerySet[Organisation]:
        return Organisation.objects.visible_to(self.request.user).select_related("municipality")

    def perform_create(self, serializer: BaseSerializer[Organisation]) -> None:
        municipality_scope_check(
            user=self.request.user,
            municipality=serializer.validated_data["municipality"],
            field="municipality",
        )
        serializer.save()

    @extend_schema(responses=CSV_RESPONSE, description="Every organisation you may see, as CSV.")
    @action(detail=False, methods=["get"])
    def export(self, request: Request) -> HttpResponse:
        return csv_download(organisations_csv(self.get_queryset()), name="organisations")


class ReferenceList(generics.ListAPIView[_M]):
    """Reference data: public, read-only, unpaginated."""

    permission_classes = [AllowAny]
    pagination_class = None


class MunicipalityList(ReferenceList[Municipality]):
    queryset = Municipality.objects.all()
    serializer_class = serializers.MunicipalitySerializer

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "travel_minutes": travel_minutes()}


class LanguageList(ReferenceList[Language]):
    queryset = Language.objects.all()
    serializer_class = serializers.LanguageSerializer


class InterestList(ReferenceList[Interest]):
    queryset = Interest.objects.filter(active=True)
    serializer_class = serializers.InterestSerializer


class NeedList(ReferenceList[Need]):
    queryset = Need.objects.filter(active=True)
    serializer_class = serializers.NeedSerializer


class ConsentTextList(ReferenceList[Any]):
    """The consent texts to show before a submission, in the languages we have them in."""

    serializer_class = serializers.ConsentTextSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "language", str, enum=list(CONSENT_LANGUAGES), description="Default: all."
            )
        ]
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> list[dict[str, str]]:  # type: ignore[override]
        wanted = self.request.query_params.get("language")
        languages = [wanted] if wanted in CONSENT_LANGUAGES else list(CONSENT_LANGUAGES)
        return [
            {
                "purpose": text.purpose,
                "version": text.version,
                "language": language,
                "text": text.render(language),
            }
            for text in CONSENT_TEXTS.values()
            for language in languages
        ]


class MatchRunViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[MatchRun],
):
    """Runs of the matching engine over all waiting requests."""

    serializer_class = serializers.MatchRunSerializer
    queryset = MatchRun.objects.all()

    @extend_schema(request=None, responses={201: serializers.MatchRunSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        run, _result = match_run(trigger=MatchRun.Trigger.COORDINATOR, user=request.user)
        return Response(serializers.MatchRunSerializer(run).data, status=status.HTTP_201_CREATED)


class ProposalViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Proposal],
):
    """The engine's proposals for requests you may see; approve, pick another or reject."""

    serializer_class = serializers.ProposalSerializer

    def get_queryset(self) -> QuerySet[Proposal]:
        queryset = (
            Proposal.objects.filter(
                buddy_request__in=BuddyRequest.objects.visible_to(self.request.user)
            )
            .select_related("ambassador")
            .prefetch_related("candidates__ambassador", "offers__ambassador")
            .order_by("-run__started_at", "id")
        )
        wanted = self.request.query_params.get("status")
        return queryset.filter(status=wanted) if wanted else queryset

    @extend_schema(request=None, responses=serializers.ProposalSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        proposal = proposal_approve(proposal=self.get_object(), user=request.user)
        return Response(serializers.ProposalSerializer(self._fresh(proposal)).data)

    @extend_schema(request=serializers.ProposalPickInput, responses=serializers.ProposalSerializer)
    @action(detail=True, methods=["post"])
    def pick(self, request: Request, pk: str | None = None) -> Response:
        proposal = self.get_object()
        data = serializers.ProposalPickInput(data=request.data)
        data.is_valid(raise_exception=True)
        ambassador = proposal.candidates.filter(
            ambassador_id=data.validated_data["ambassador"]
        ).first()
        if ambassador is None:
            raise ApplicationError(_("Pick one of the proposal's candidates."), field="ambassador")
        proposal = proposal_pick(proposal=proposal, ambassador=ambassador.ambassador,
                                 user=request.user)  # fmt: skip
        return Response(serializers.ProposalSerializer(self._fresh(proposal)).data)

    @extend_schema(request=None, responses=serializers.ProposalSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        proposal = proposal_reject(proposal=self.get_object(), user=request.user)
        return Response(serializers.ProposalSerializer(self._fresh(proposal)).data)

    def _fresh(self, proposal: Proposal) -> Proposal:
        return self.get_queryset().get(id=proposal.id)
