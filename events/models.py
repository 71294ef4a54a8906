"""Meetups: events and recurring series, invitations and answers, reminders, attendance."""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

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


# The buddy hotline: numbers people call, the volunteers who answer, the rota
# that says who is on duty, and a record of every call.


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class HotlineQuerySet(models.QuerySet["Hotline"]):
    def visible_to(self, user: AbstractBaseUser | AnonymousUser) -> Self:
        """A coordinator sees the region's hotlines and those of their municipalities."""
        from ambassadors.selectors import coordinator_municipalities, is_coordinator

        if not is_coordinator(user=user):
            return self.none()
        municipalities = coordinator_municipalities(user=user)
        if municipalities is None:
            return self
        return self.filter(Q(municipality__isnull=True) | Q(municipality__in=municipalities))


class Hotline(models.Model):
    """A number newcomers call for buddy support, answered by volunteers on duty."""

    name = models.CharField(_("name"), max_length=80)
    phone = PhoneNumberField(
        _("hotline number"),
        unique=True,
        help_text=_("The Twilio number people call; volunteers see it as the caller."),
    )
    languages: models.ManyToManyField[Language, HotlineLanguage] = models.ManyToManyField(
        Language, through="HotlineLanguage", related_name="+", verbose_name=_("languages")
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
        help_text=_("Empty: the whole region."),
    )
    fallback_name = models.CharField(_("coordinator on call"), max_length=80)
    fallback_phone = PhoneNumberField(
        _("coordinator's number"),
        help_text=_("Rung when no volunteer answers; told by SMS about voicemail."),
    )
    closed_on_holidays = models.BooleanField(_("closed on public holidays"), default=True)
    min_rest_hours = models.PositiveSmallIntegerField(_("rest between shifts (hours)"), default=11)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = HotlineQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("hotline")
        verbose_name_plural = _("hotlines")

    def __str__(self) -> str:
        return self.name


class HotlineLanguage(models.Model):
    """A language the hotline promises, and the key that chooses it in the call menu."""

    hotline = models.ForeignKey(Hotline, on_delete=models.CASCADE, related_name="menu")
    language = models.ForeignKey(Language, on_delete=models.PROTECT, related_name="+")
    digit = models.PositiveSmallIntegerField(
        _("menu key"), validators=[MinValueValidator(1), MaxValueValidator(9)]
    )
    prompt = models.CharField(
        _("menu prompt"),
        max_length=200,
        blank=True,
        help_text=_("Spoken in the language itself; empty: the built-in prompt."),
    )

    class Meta:
        ordering = ["hotline", "digit"]
        verbose_name = _("hotline language")
        verbose_name_plural = _("hotline languages")
        constraints = [
            models.UniqueConstraint(fields=["hotline", "digit"], name="hotline_digit_once"),
            models.UniqueConstraint(fields=["hotline", "language"], name="hotline_language_once"),
        ]

    def __str__(self) -> str:
        return f"{self.digit}: {self.language}"


class OpeningHours(models.Model):
    """One opening window in the week; each window on each open day is one shift."""

    hotline = models.ForeignKey(Hotline, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        ordering = ["hotline", "weekday", "opens"]
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes__gt=models.F("opens")), name="opening_closes_after_it_opens"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class HotlineClosure(models.Model):
    """Days the hotline is closed besides the public holidays (inclusive)."""

    hotline = models.ForeignKey(Hotline, on_delete=models.CASCADE, related_name="closures")
    first_day = models.DateField(_("from"))
    last_day = models.DateField(_("to"))
    reason = models.CharField(_("reason"), max_length=120, blank=True)

    class Meta:
        ordering = ["hotline", "first_day"]
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        constraints = [
            models.CheckConstraint(
                condition=Q(last_day__gte=models.F("first_day")), name="closure_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_day}–{self.last_day}"


class HotlineVolunteer(models.Model):
    """An ambassador who answers the hotline, within their availability and limit.

    They take calls in the languages they speak at least conversationally.
    """

    hotline = models.ForeignKey(Hotline, on_delete=models.CASCADE, related_name="volunteers")
    ambassador = models.ForeignKey(
        Ambassador, on_delete=models.CASCADE, related_name="hotline_volunteering"
    )
    max_shifts_per_week = models.PositiveSmallIntegerField(
        _("at most shifts a week"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(7)],
    )
    active = models.BooleanField(_("takes shifts"), default=True)
    joined_at = models.DateTimeField(_("joined"), default=timezone.now)

    class Meta:
        ordering = ["hotline", "ambassador__first_name"]
        verbose_name = _("hotline volunteer")
        verbose_name_plural = _("hotline volunteers")
        constraints = [
            models.UniqueConstraint(fields=["hotline", "ambassador"], name="volunteer_once"),
        ]

    def __str__(self) -> str:
        return str(self.ambassador)


class Availability(models.Model):
    """A weekly window a volunteer can take shifts in; a shift must lie inside one."""

    volunteer = models.ForeignKey(
        HotlineVolunteer, on_delete=models.CASCADE, related_name="availability"
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday)
    starts = models.TimeField(_("from"))
    ends = models.TimeField(_("to"))

    class Meta:
        ordering = ["volunteer", "weekday", "starts"]
        verbose_name = _("availability")
        verbose_name_plural = _("availability")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends__gt=models.F("starts")), name="availability_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts:%H:%M}–{self.ends:%H:%M}"


class Absence(models.Model):
    """Days a volunteer is away (inclusive): no shifts then."""

    volunteer = models.ForeignKey(
        HotlineVolunteer, on_delete=models.CASCADE, related_name="absences"
    )
    first_day = models.DateField(_("from"))
    last_day = models.DateField(_("to"))
    note = models.CharField(_("note"), max_length=120, blank=True)

    class Meta:
        ordering = ["volunteer", "first_day"]
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        constraints = [
            models.CheckConstraint(
                condition=Q(last_day__gte=models.F("first_day")), name="absence_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_day}–{self.last_day}"


class Rota(models.Model):
    """The shifts of one period, planned as a draft and published as a whole."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")

    hotline = models.ForeignKey(Hotline, on_delete=models.CASCADE, related_name="rotas")
    first_day = models.DateField(_("from"))
    last_day = models.DateField(_("to"))
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["hotline", "-first_day"]
        verbose_name = _("rota")
        verbose_name_plural = _("rotas")
        constraints = [
            models.CheckConstraint(
                condition=Q(last_day__gte=models.F("first_day")), name="rota_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.hotline}: {self.first_day}–{self.last_day}"


class Shift(models.Model):
    """One opening window on one day. Volunteers swap it by its number: "BYT 12"."""

    hotline = models.ForeignKey(Hotline, on_delete=models.CASCADE, related_name="shifts")
    rota = models.ForeignKey(Rota, on_delete=models.CASCADE, related_name="shifts")
    number = models.PositiveIntegerField(_("number"))
    starts_at = models.DateTimeField(_("starts"), db_index=True)
    ends_at = models.DateTimeField(_("ends"))

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        constraints = [
            models.UniqueConstraint(fields=["hotline", "number"], name="shift_number_once"),
            models.UniqueConstraint(fields=["hotline", "starts_at"], name="shift_start_once"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="shift_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}: {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"


class ShiftAssignment(models.Model):
    """A volunteer on a shift: for one promised language, or as the backup (no language)."""

    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="assignments")
    volunteer = models.ForeignKey(
        HotlineVolunteer, on_delete=models.CASCADE, related_name="assignments"
    )
    language = models.ForeignKey(
        Language,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: the backup."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # Claimed by the dispatcher before it writes the text, so each goes once.
    reminded_day_before_at = models.DateTimeField(null=True, blank=True)
    reminded_hour_before_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["shift", "language"]
        verbose_name = _("shift assignment")
        verbose_name_plural = _("shift assignments")
        constraints = [
            models.UniqueConstraint(fields=["shift", "volunteer"], name="volunteer_once_a_shift"),
            models.UniqueConstraint(
                fields=["shift", "language"],
                condition=Q(language__isnull=False),
                name="one_volunteer_per_language",
            ),
            models.UniqueConstraint(
                fields=["shift"], condition=Q(language__isnull=True), name="one_backup_per_shift"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} → {self.shift}"

    @property
    def is_backup(self) -> bool:
        return self.language_id is None


class RotaGap(models.Model):
    """A place on a shift nobody could take, and why."""

    class Reason(models.TextChoices):
        NO_SPEAKER = "no_speaker", _("no volunteer speaks the language")
        NOBODY_AVAILABLE = "nobody_available", _("no speaker is available then")
        ALL_TAKEN = "all_taken", _("every speaker available then has enough shifts or needs rest")
        REMOVED = "removed", _("emptied by a coordinator")

    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="gaps")
    language = models.ForeignKey(
        Language,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: the backup."),
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason)

    class Meta:
        ordering = ["shift", "language"]
        verbose_name = _("uncovered place")
        verbose_name_plural = _("uncovered places")

    def __str__(self) -> str:
        return f"{self.shift}: {self.language or '-'} ({self.reason})"


class ShiftSwap(models.Model):
    """A volunteer offering their place on a shift; the first eligible taker gets it."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        TAKEN = "taken", _("taken")
        WITHDRAWN = "withdrawn", _("withdrawn")
        EXPIRED = "expired", _("expired: the shift started")

    assignment = models.ForeignKey(ShiftAssignment, on_delete=models.CASCADE, related_name="swaps")
    offered_by = models.ForeignKey(
        HotlineVolunteer, on_delete=models.CASCADE, related_name="swaps_offered"
    )
    taken_by = models.ForeignKey(
        HotlineVolunteer,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="swaps_taken",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.OPEN)
    created_at = models.DateTimeField(_("offered"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("shift swap")
        verbose_name_plural = _("shift swaps")
        constraints = [
            models.UniqueConstraint(
                fields=["assignment"],
                condition=Q(status="open"),
                name="one_open_swap_per_assignment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.offered_by} → {self.assignment.shift} ({self.status})"


class Call(models.Model):
    """One call to a hotline: when, in which language, and who answered.

    Only the caller's last digits are kept: enough to tell two calls apart in
    a conversation with a volunteer, not enough to call anyone back.
    """

    class Outcome(models.TextChoices):
        IN_PROGRESS = "in_progress", _("in progress")
        ANSWERED = "answered", _("answered")
        VOICEMAIL = "voicemail", _("voicemail left")
        MISSED = "missed", _("missed")
        CLOSED = "closed", _("outside opening hours")

    class Answerer(models.TextChoices):
        VOLUNTEER = "volunteer", _("volunteer on duty")
        BACKUP = "backup", _("backup")
        COORDINATOR = "coordinator", _("coordinator")

    hotline = models.ForeignKey(Hotline, on_delete=models.CASCADE, related_name="calls")
    call_sid = models.CharField(_("Twilio CallSid"), max_length=64, unique=True)
    caller_last_digits = models.CharField(_("caller's last digits"), max_length=4, blank=True)
    started_at = models.DateTimeField(_("started"), default=timezone.now, db_index=True)
    language = models.ForeignKey(
        Language, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    shift = models.ForeignKey(
        Shift, on_delete=models.SET_NULL, null=True, blank=True, related_name="calls"
    )
    # Who is rung, in order: [[role, volunteer id], …] then the coordinator.
    chain = models.JSONField(default=list, blank=True)
    attempt = models.PositiveSmallIntegerField(_("rung so far"), default=0)
    outcome = models.CharField(
        _("outcome"), max_length=12, choices=Outcome, default=Outcome.IN_PROGRESS
    )
    answered_by = models.ForeignKey(
        HotlineVolunteer,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="calls_answered",
    )
    answerer = models.CharField(_("answered by"), max_length=12, choices=Answerer, blank=True)
    duration_s = models.PositiveIntegerField(_("duration (s)"), null=True, blank=True)
    recording_sid = models.CharField(_("voicemail recording"), max_length=64, blank=True)
    recording_duration_s = models.PositiveIntegerField(
        _("voicemail length (s)"), null=True, blank=True
    )
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("call")
        verbose_name_plural = _("calls")

    def __str__(self) -> str:
        return f"{self.hotline} {timezone.localtime(self.started_at):%Y-%m-%d %H:%M}"
