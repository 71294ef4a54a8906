"""Runs of the matching engine, the proposals they make, and the pairs never to propose."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ambassadors.models import Ambassador, BuddyRequest


class Exclusion(models.Model):
    """A request and an ambassador the engine must not pair again."""

    class Reason(models.TextChoices):
        DECLINED = "declined", _("the ambassador declined")
        ENDED_BADLY = "ended_badly", _("an earlier match ended badly")
        BLOCKED = "blocked", _("blocked by a coordinator")
        NO_ANSWER = "no_answer", _("the ambassador did not answer the offer in time")
        NEW_MATCH = "new_match", _("the pair asked for a new match")

    buddy_request = models.ForeignKey(
        BuddyRequest, on_delete=models.CASCADE, related_name="exclusions"
    )
    ambassador = models.ForeignKey(Ambassador, on_delete=models.CASCADE, related_name="exclusions")
    reason = models.CharField(_("reason"), max_length=12, choices=Reason)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )

    class Meta:
        verbose_name = _("exclusion")
        verbose_name_plural = _("exclusions")
        constraints = [
            models.UniqueConstraint(
                fields=["buddy_request", "ambassador"], name="exclusion_once_per_pair"
            )
        ]

    def __str__(self) -> str:
        return f"{self.buddy_request} × {self.ambassador}"


class Match(models.Model):
    """An accepted pairing: it stays as it is and uses up the ambassador's capacity."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        ENDED = "ended", _("ended")

    class Met(models.IntegerChoices):
        # The digits people reply to "Have you met?".
        YES = 1, _("yes, we have met")
        NOT_YET = 2, _("not yet")
        NEW_MATCH = 3, _("we need a new match")

    buddy_request = models.ForeignKey(
        BuddyRequest, on_delete=models.PROTECT, related_name="matches"
    )
    ambassador = models.ForeignKey(Ambassador, on_delete=models.PROTECT, related_name="matches")
    status = models.CharField(_("status"), max_length=8, choices=Status, default=Status.ACTIVE)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    offer = models.OneToOneField(
        "Offer", on_delete=models.SET_NULL, null=True, blank=True, related_name="match"
    )
    followup_sent_at = models.DateTimeField(_("follow-up sent"), null=True, blank=True)
    met_ambassador = models.PositiveSmallIntegerField(
        _("ambassador's answer: have you met?"), choices=Met, null=True, blank=True
    )
    met_newcomer = models.PositiveSmallIntegerField(
        _("newcomer's answer: have you met?"), choices=Met, null=True, blank=True
    )

    class Meta:
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        constraints = [
            models.UniqueConstraint(
                fields=["buddy_request"],
                condition=Q(status="active"),
                name="one_active_match_per_request",
            )
        ]

    def __str__(self) -> str:
        return f"{self.buddy_request} – {self.ambassador}"


class MatchRun(models.Model):
    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", _("schedule")
        COORDINATOR = "coordinator", _("coordinator")
        COMMAND = "command", _("command line")

    trigger = models.CharField(_("started by"), max_length=12, choices=Trigger)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    seconds = models.FloatField(_("seconds"), default=0)
    requests = models.PositiveIntegerField(_("waiting requests"), default=0)
    ambassadors = models.PositiveIntegerField(_("ambassadors with room"), default=0)
    matched = models.PositiveIntegerField(_("proposals"), default=0)
    objective = models.FloatField(_("total score"), default=0)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("matching run")
        verbose_name_plural = _("matching runs")

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} ({self.matched}/{self.requests})"


class Proposal(models.Model):
    """The engine's choice of ambassador for one request, waiting for a coordinator."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")
        SUPERSEDED = "superseded", _("superseded by a newer run")
        UNANSWERED = "unanswered", _("no candidate took the offer")
        ENDED = "ended", _("the match it led to has ended")

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="proposals")
    buddy_request = models.ForeignKey(
        BuddyRequest, on_delete=models.CASCADE, related_name="proposals"
    )
    ambassador = models.ForeignKey(Ambassador, on_delete=models.CASCADE, related_name="proposals")
    score = models.FloatField(_("score"))
    reasons = models.JSONField(_("reasons"))
    explanation = models.TextField(_("explanation"))
    explanation_language = models.CharField(_("explanation language"), max_length=8)
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.PROPOSED, db_index=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        ordering = ["-run__started_at", "buddy_request_id"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        constraints = [
            # One live proposal per request: a new run supersedes the old one.
            models.UniqueConstraint(
                fields=["buddy_request"],
                condition=Q(status__in=["proposed", "approved"]),
                name="one_live_proposal_per_request",
            )
        ]

    def __str__(self) -> str:
        return f"{self.buddy_request} → {self.ambassador} ({self.score:.1f})"


class Candidate(models.Model):
    """One of the next best ambassadors for a proposal's request, kept for the coordinator."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="candidates")
    ambassador = models.ForeignKey(Ambassador, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField(_("rank"))
    score = models.FloatField(_("score"))
    reasons = models.JSONField(_("reasons"))

    class Meta:
        ordering = ["proposal", "rank"]
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "ambassador"], name="candidate_once")
        ]

    def __str__(self) -> str:
        return f"{self.rank}. {self.ambassador} ({self.score:.1f})"


class Offer(models.Model):
    """A buddy offer sent by SMS to one ambassador, answered with its code.

    An approved proposal leads to one offer at a time: a decline or silence
    passes the request on to the next best ambassador in a new offer.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("waiting for an answer")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")
        EXPIRED = "expired", _("no answer in time")
        WITHDRAWN = "withdrawn", _("withdrawn")

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="offers")
    buddy_request = models.ForeignKey(BuddyRequest, on_delete=models.CASCADE, related_name="offers")
    ambassador = models.ForeignKey(Ambassador, on_delete=models.CASCADE, related_name="offers")
    code = models.CharField(_("code"), max_length=6)
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.OPEN, db_index=True
    )
    score = models.FloatField(_("score"))
    reasons = models.JSONField(_("reasons"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"), db_index=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    decline_reason = models.CharField(_("reason given"), max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        constraints = [
            # Two ambassadors can never hold the same request at once.
            models.UniqueConstraint(
                fields=["buddy_request"],
                condition=Q(status="open"),
                name="one_open_offer_per_request",
            ),
            # The code an ambassador replies with names one of their offers.
            models.UniqueConstraint(
                fields=["ambassador", "code"], name="offer_code_per_ambassador"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.buddy_request} → {self.ambassador} ({self.status})"
