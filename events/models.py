"""Meetups: events and recurring series, invitations and answers, reminders, attendance."""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ambassadors.models import (
    Ambassador,
    BuddyRequest,
    Interest,
    Language,
    Municipality,
    Organisation,
    OutboundSms,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

# The languages an event's title and description can be written in.
EVENT_LANGUAGES = ("sv", "en", "ar", "uk")


class Accessibility(models.TextChoices):
    STEP_FREE = "step_free", _("step-free access")
    HEARING_LOOP = "hearing_loop", _("hearing loop")
    QUIET_ROOM = "quiet_room", _("quiet room")
    ACCESSIBLE_TOILET = "accessible_toilet", _("accessible toilet")
    CHILDREN_WELCOME = "children_welcome", _("children welcome")
    INTERPRETER = "interpreter", _("interpreter on request")


class Series(models.Model):
    """A recurring event: an RFC 5545 rule in Europe/Stockholm wall time.

    Its occurrences are Event rows, so each can be changed or cancelled alone.
    """

    rule = models.CharField(
        _("recurrence rule"),
        max_length=200,
        help_text=_("RFC 5545 RRULE, e.g. FREQ=MONTHLY;BYDAY=1TU;COUNT=6"),
    )
    first_start = models.DateTimeField(_("first start"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("recurring series")
        verbose_name_plural = _("recurring series")

    def __str__(self) -> str:
        return self.rule


def default_reminder_offsets() -> list[int]:
    return list(settings.EVENT_REMINDER_OFFSETS)


class EventQuerySet(models.QuerySet["Event"]):
    def visible_to(self, user: AbstractBaseUser | AnonymousUser) -> Self:
        """A coordinator sees the events in their municipalities and those they organise."""
        from ambassadors.selectors import coordinator_municipalities, is_coordinator

        if not is_coordinator(user=user):
            return self.none()
        municipalities = coordinator_municipalities(user=user)
        if municipalities is None:
            return self
        return self.filter(Q(municipality__in=municipalities) | Q(organiser_id=user.pk))

    def upcoming_public(self) -> Self:
        return self.filter(
            status=Event.Status.PUBLISHED, is_public=True, ends_at__gt=timezone.now()
        ).order_by("starts_at")


class Event(models.Model):
    class Kind(models.TextChoices):
        NETWORK_MEETUP = "network_meetup", _("network meetup")
        WELCOME_EVENING = "welcome_evening", _("welcome evening")
        STUDY_VISIT = "study_visit", _("study visit")
        TRAINING = "training", _("ambassador training")
        DIGITAL = "digital", _("digital meetup")
        BUDDY_MEETING = "buddy_meeting", _("buddy meeting")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")
        CANCELLED = "cancelled", _("cancelled")

    class Audience(models.TextChoices):
        AMBASSADORS = "ambassadors", _("ambassadors")
        NEWCOMERS = "newcomers", _("newcomers")
        BOTH = "both", _("ambassadors and newcomers")

    title_sv = models.CharField(_("title in Swedish"), max_length=120)
    title_en = models.CharField(_("title in English"), max_length=120, blank=True)
    title_ar = models.CharField(_("title in Arabic"), max_length=120, blank=True)
    title_uk = models.CharField(_("title in Ukrainian"), max_length=120, blank=True)
    description_sv = models.TextField(_("description in Swedish"), blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    description_ar = models.TextField(_("description in Arabic"), blank=True)
    description_uk = models.TextField(_("description in Ukrainian"), blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    starts_at = models.DateTimeField(_("starts"), db_index=True)
    ends_at = models.DateTimeField(_("ends"))
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("municipality"),
        help_text=_("Where it takes place; empty for a digital meetup."),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    accessibility = models.JSONField(
        _("accessibility"), default=list, blank=True, help_text=_("Keys from Accessibility.")
    )
    video_url = models.URLField(_("video link"), blank=True)
    capacity = models.PositiveIntegerField(
        _("places"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    audience = models.CharField(
        _("audience"), max_length=12, choices=Audience, default=Audience.AMBASSADORS
    )
    audience_municipalities = models.ManyToManyField(
        Municipality,
        blank=True,
        related_name="+",
        verbose_name=_("only people in"),
        help_text=_("Empty: everywhere."),
    )
    audience_languages = models.ManyToManyField(
        Language, blank=True, related_name="+", verbose_name=_("only people speaking")
    )
    audience_interests = models.ManyToManyField(
        Interest, blank=True, related_name="+", verbose_name=_("only people interested in")
    )
    is_public = models.BooleanField(
        _("listed publicly"), default=True, help_text=_("On the public page and feed.")
    )
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="organised_events",
        verbose_name=_("organiser"),
        help_text=_("The coordinator; empty for a buddy meeting an ambassador planned."),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("on behalf of"),
    )
    series = models.ForeignKey(
        Series, on_delete=models.CASCADE, null=True, blank=True, related_name="occurrences"
    )
    # Where the rule put this occurrence, whatever it was moved to since (RECURRENCE-ID).
    recurrence_start = models.DateTimeField(_("start by the rule"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.DRAFT, db_index=True
    )
    # The number people answer with: "JA 57". Given on publishing.
    code = models.PositiveSmallIntegerField(_("answer code"), null=True, blank=True)
    reminder_offsets = models.JSONField(
        _("reminders (minutes before)"),
        default=default_reminder_offsets,
        blank=True,
        help_text=_("Defaults to EVENT_REMINDER_OFFSETS: 1440 and 120, a day and two hours."),
    )
    # A buddy meeting belongs to one match.
    match = models.ForeignKey(
        "matching.Match",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="meetings",
    )
    sequence = models.PositiveIntegerField(
        _("revision"), default=0, help_text=_("Raised on every change calendars must see.")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="event_ends_after_it_starts"
            ),  # fmt: skip
        ]

    def __str__(self) -> str:
        return f"{self.title_sv} ({timezone.localtime(self.starts_at):%Y-%m-%d %H:%M})"

    def title(self, language: str | None = None) -> str:
        language = (language or get_language() or "sv")[:2]
        return str(getattr(self, f"title_{language}", "") or self.title_sv or self.title_en)

    def description(self, language: str | None = None) -> str:
        language = (language or get_language() or "sv")[:2]
        text = getattr(self, f"description_{language}", "") or self.description_sv
        return str(text or self.description_en)

    @property
    def is_digital(self) -> bool:
        return bool(self.video_url) and not self.address


class Invitation(models.Model):
    """One person asked to one event, and their answer."""

    class Status(models.TextChoices):
        INVITED = "invited", _("invited, no answer yet")
        GOING = "going", _("coming")
        DECLINED = "declined", _("not coming")
        WAITLISTED = "waitlisted", _("on the waiting list")
        PLACE_OFFERED = "place_offered", _("offered a freed place")

    class Channel(models.TextChoices):
        SMS = "sms", _("SMS")
        LINK = "link", _("personal link")
        API = "api", _("API")
        COORDINATOR = "coordinator", _("coordinator")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="invitations")
    ambassador = models.ForeignKey(
        Ambassador, on_delete=models.CASCADE, null=True, blank=True, related_name="invitations"
    )
    buddy_request = models.ForeignKey(
        BuddyRequest,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
    )
    status = models.CharField(
        _("answer"), max_length=14, choices=Status, default=Status.INVITED, db_index=True
    )
    channel = models.CharField(_("answered through"), max_length=12, choices=Channel, blank=True)
    invited_at = models.DateTimeField(_("invited"), default=timezone.now)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    # Waiting list order: the time of the "yes" that found the event full.
    waitlisted_at = models.DateTimeField(_("on the waiting list since"), null=True, blank=True)
    place_expires_at = models.DateTimeField(_("freed place held until"), null=True, blank=True)
    attended = models.BooleanField(_("attended"), null=True, blank=True)

    class Meta:
        ordering = ["event", "invited_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(ambassador__isnull=False, buddy_request__isnull=True)
                    | Q(ambassador__isnull=True, buddy_request__isnull=False)
                ),
                name="invitation_has_one_guest",
            ),
            models.UniqueConstraint(
                fields=["event", "ambassador"], name="one_invitation_per_ambassador"
            ),
            models.UniqueConstraint(
                fields=["event", "buddy_request"], name="one_invitation_per_household"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.guest} → {self.event}"

    @property
    def guest(self) -> Ambassador | BuddyRequest:
        guest = self.ambassador or self.buddy_request
        assert guest is not None
        return guest


class Reminder(models.Model):
    """One reminder to one guest who is coming, written when they say yes.

    The dispatcher claims a row (PENDING → SENT or DROPPED) before it writes the
    text, so each reminder is sent once; a row whose event has started is dropped.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENT = "sent", _("sent")
        DROPPED = "dropped", _("dropped: too late")

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="reminders")
    offset = models.PositiveIntegerField(_("minutes before the start"))
    due_at = models.DateTimeField(_("due"))
    status = models.CharField(_("status"), max_length=8, choices=Status, default=Status.PENDING)
    message = models.ForeignKey(
        OutboundSms, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    handled_at = models.DateTimeField(_("sent or dropped"), null=True, blank=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        indexes = [models.Index(fields=["status", "due_at"], name="reminder_due")]
        constraints = [
            models.UniqueConstraint(fields=["invitation", "offset", "due_at"], name="reminder_once")
        ]

    def __str__(self) -> str:
        return f"{self.offset} min before → {self.invitation}"
