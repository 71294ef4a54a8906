"""What matching holds about a person, for export, erasure, consent withdrawal and retention.

Registered with ambassadors.privacy from MatchingConfig.ready(): the
ambassadors app runs it without importing this app (see `PersonPart` there).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import models

from ambassadors.models import BuddyRequest
from ambassadors.privacy import Erasure, Subjects, rows_export
from matching.models import Candidate, Exclusion, Match, Offer, Proposal
from matching.offers import offer_next


class MatchingPart:
    """Proposals, candidates, offers, matches and exclusions."""

    label = "matching"
    # After events (whose buddy meetings point at matches), before ambassadors.
    stage = 20

    def export(self, subjects: Subjects) -> dict[str, list[dict[str, object]]]:
        theirs = subjects.theirs
        return {
            "matching.proposal": rows_export(Proposal.objects.filter(theirs)),
            "matching.candidate": rows_export(
                Candidate.objects.filter(ambassador_id__in=subjects.ambassador_ids)
            ),
            "matching.offer": rows_export(Offer.objects.filter(theirs)),
            "matching.match": rows_export(Match.objects.filter(theirs)),
            "matching.exclusion": rows_export(Exclusion.objects.filter(theirs)),
        }

    def contacts(self, subjects: Subjects) -> tuple[set[int], set[int]]:
        """Their buddies, and those they were offered or proposed to (or with)."""
        ambassadors: set[int] = set()
        requests: set[int] = set()
        for rows in (Offer.objects, Match.objects, Proposal.objects):
            pairs = rows.filter(subjects.theirs).values_list("ambassador_id", "buddy_request_id")
            for ambassador_id, request_id in pairs:
                ambassadors.add(ambassador_id)
                requests.add(request_id)
        return ambassadors, requests

    def release(self, subjects: Subjects, *, now: datetime) -> None:
        """Their open offers end (an ambassador's go to the next candidate); their matches end
        (a household whose buddy left waits for the engine again); proposals naming them lapse.
        """
        theirs = subjects.theirs
        request_ids = subjects.request_ids
        offers = Offer.objects.filter(theirs, status=Offer.Status.OPEN).select_related("proposal")
        for offer in offers:
            closed = Offer.objects.filter(id=offer.id, status=Offer.Status.OPEN).update(
                status=Offer.Status.WITHDRAWN, answered_at=now
            )
            if closed and offer.buddy_request_id not in request_ids:
                offer_next(proposal=offer.proposal)
        for match in Match.objects.filter(theirs, status=Match.Status.ACTIVE):
            Match.objects.filter(id=match.id).update(status=Match.Status.ENDED, ended_at=now)
            if match.buddy_request_id not in request_ids:
                Proposal.objects.filter(
                    buddy_request_id=match.buddy_request_id, status=Proposal.Status.APPROVED
                ).update(status=Proposal.Status.ENDED)
                BuddyRequest.objects.filter(
                    id=match.buddy_request_id, status=BuddyRequest.Status.MATCHED
                ).update(status=BuddyRequest.Status.NEW, status_changed_at=now)
        Proposal.objects.filter(theirs, status=Proposal.Status.PROPOSED).update(
            status=Proposal.Status.SUPERSEDED
        )
        Proposal.objects.filter(
            buddy_request_id__in=request_ids, status=Proposal.Status.APPROVED
        ).update(status=Proposal.Status.ENDED)

    def erase(self, subjects: Subjects, erasure: Erasure, *, now: datetime) -> None:
        """Matches, offers and proposals stay as the report's counts, without their free texts."""
        theirs = subjects.theirs
        erasure.redact(
            Offer, Offer.objects.filter(theirs).exclude(decline_reason="").update(decline_reason="")
        )
        erasure.redact(
            Proposal,
            Proposal.objects.filter(theirs).exclude(explanation="").update(explanation=""),
        )
        erasure.delete(Candidate.objects.filter(ambassador_id__in=subjects.ambassador_ids))
        erasure.delete(Exclusion.objects.filter(theirs))

    def requests_served(self) -> models.QuerySet[Any]:
        return Match.objects.values("buddy_request_id")
