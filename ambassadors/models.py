"""People and places: the registry everything else stands on."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Self, TypeVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from ambassadors.validators import (
    normalise_org_number,
    validate_children_ages,
    validate_mobile,
    validate_org_number,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

_M = TypeVar("_M", bound=models.Model)


class OrgNumberField(models.CharField[str, str]):
    """A Swedish organisation number, stored in one spelling (556016-0680).

    One spelling lets the unique constraint see "5560160680" and
    "556016-0680" as the same organisation.
    """

    default_validators = [validate_org_number]

    def to_python(self, value: object) -> str | None:
        text: str | None = super().to_python(value)
        return normalise_org_number(text) if text else text

    def get_prep_value(self, value: object) -> object:
        value = super().get_prep_value(value)
        return normalise_org_number(value) if isinstance(value, str) and value else value


class Municipality(models.Model):
    """One of the region's eight municipalities, with its seat (centralort)."""

    code = models.CharField(_("municipality code"), max_length=4, unique=True)
    name = models.CharField(_("name"), max_length=40)
    seat = models.CharField(_("seat"), max_length=40)
    latitude = models.DecimalField(_("latitude"), max_digits=8, decimal_places=5)
    longitude = models.DecimalField(_("longitude"), max_digits=8, decimal_places=5)

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return self.name

    def display_name(self, language: str | None = None) -> str:
        return self.name


class Road(models.Model):
    """An edge of the travel graph: a road connection between two seats."""

    start = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    end = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    minutes = models.PositiveSmallIntegerField(_("driving minutes"))
    via = models.CharField(_("via"), max_length=80, blank=True)

    class Meta:
        ordering = ["start__name", "end__name"]
        verbose_name = _("road connection")
        verbose_name_plural = _("road connections")
        constraints = [
            models.UniqueConstraint(fields=["start", "end"], name="road_unique_pair"),
            models.CheckConstraint(condition=~Q(start=models.F("end")), name="road_not_a_loop"),
        ]

    def __str__(self) -> str:
        return f"{self.start} – {self.end} ({self.minutes} min)"


class Language(models.Model):
    """A language by its ISO 639 code (639-1 where there is one, else 639-3)."""

    code = models.CharField(_("ISO 639 code"), max_length=8, unique=True)
    name_native = models.CharField(_("name in the language itself"), max_length=60)
    name_sv = models.CharField(_("name in Swedish"), max_length=60)
    name_en = models.CharField(_("name in English"), max_length=60)
    right_to_left = models.BooleanField(_("written right to left"), default=False)

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("language")
        verbose_name_plural = _("languages")

    def __str__(self) -> str:
        return self.name_en

    def display_name(self, language: str | None = None) -> str:
        """The name for a reader of `language` (the active one by default)."""
        language = (language or get_language() or "en")[:2]
        if language == self.code:
            return self.name_native
        local = self.name_sv if language == "sv" else self.name_en
        if language in ("sv", "en"):
            return local
        if self.name_native == self.name_en:
            return self.name_native
        return f"{self.name_native} ({self.name_en})"


class CatalogueItem(models.Model):
    """An entry of an editable catalogue, named in the web pages' languages."""

    slug = models.SlugField(_("key"), max_length=40, unique=True)
    name_en = models.CharField(_("name in English"), max_length=80)
    name_sv = models.CharField(_("name in Swedish"), max_length=80, blank=True)
    name_ar = models.CharField(_("name in Arabic"), max_length=80, blank=True)
    name_uk = models.CharField(_("name in Ukrainian"), max_length=80, blank=True)
    active = models.BooleanField(_("offered on the forms"), default=True)

    class Meta:
        abstract = True
        ordering = ["name_en"]

    def __str__(self) -> str:
        return self.name_en

    def display_name(self, language: str | None = None) -> str:
        language = (language or get_language() or "en")[:2]
        return getattr(self, f"name_{language}", "") or self.name_en


class Interest(CatalogueItem):
    class Meta(CatalogueItem.Meta):
        verbose_name = _("interest")
        verbose_name_plural = _("interests")


class Need(CatalogueItem):
    """Something a newcomer may want help with."""

    class Meta(CatalogueItem.Meta):
        verbose_name = _("need")
        verbose_name_plural = _("needs")


class Source(models.TextChoices):
    WEB = "web", _("web form")
    API = "api", _("API")
    ADMIN = "admin", _("entered by a coordinator")
    IMPORT = "import", _("import")
    DEMO = "demo", _("demo data")


class ScopedQuerySet(models.QuerySet[_M]):
    """Rows a user may see: a coordinator sees their municipalities only."""

    municipality_field = "municipality"

    def visible_to(self, user: AbstractBaseUser | AnonymousUser) -> Self:
        from ambassadors.selectors import coordinator_municipalities

        municipalities = coordinator_municipalities(user=user)
        if municipalities is None:
            return self
        return self.filter(**{f"{self.municipality_field}__in": municipalities})


# What an erased person's name fields read afterwards: not blank, so pages and
# the admin still have something to link, and nothing of the person.
ERASED_NAME = "(erased)"


def erased_phone(kind: str, key: int) -> str:
    """A unique stand-in for an erased person's number, which is no number at all.

    Ambassador.phone is unique, so every erased row gets its own; the value
    names nobody and reaches no phone.
    """
    return f"erased-{kind}-{key}"


class AmbassadorQuerySet(ScopedQuerySet["Ambassador"]):
    municipality_field = "home_municipality"

    def in_service(self) -> Self:
        """Ambassadors we may still process: not erased, consent not withdrawn.

        Matching, invitations and the rota read only these, so an ambassador a
        coordinator reactivates by mistake after a withdrawal still gets nothing.
        No consent row at all means entered on paper or imported: no withdrawal.
        """
        consents = Consent.objects.filter(
            ambassador=models.OuterRef("pk"), purpose=Consent.Purpose.AMBASSADOR
        )
        withdrawn = Q(models.Exists(consents)) & ~Q(
            models.Exists(consents.filter(withdrawn_at__isnull=True))
        )
        return self.filter(erased_at__isnull=True).exclude(withdrawn)


class BuddyRequestQuerySet(ScopedQuerySet["BuddyRequest"]):
    def in_service(self) -> Self:
        """Requests we may still process: not erased, consent not withdrawn."""
        consents = Consent.objects.filter(buddy_request=models.OuterRef("pk"))
        withdrawn = Q(models.Exists(consents)) & ~Q(
            models.Exists(consents.filter(withdrawn_at__isnull=True))
        )
        return self.filter(erased_at__isnull=True).exclude(withdrawn)


class Ambassador(models.Model):
    first_name = models.CharField(_("first name"), max_length=80)
    last_name = models.CharField(_("last name"), max_length=80, blank=True)
    phone = PhoneNumberField(_("mobile number"), unique=True, validators=[validate_mobile])
    email = models.EmailField(_("email"), blank=True)
    preferred_language = models.ForeignKey(
        Language,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("language for messages"),
    )
    languages: models.ManyToManyField[Language, AmbassadorLanguage] = models.ManyToManyField(
        Language, through="AmbassadorLanguage", related_name="ambassadors"
    )
    home_municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="ambassadors",
        verbose_name=_("home municipality"),
    )
    meeting_municipalities = models.ManyToManyField(
        Municipality,
        related_name="+",
        blank=True,
        verbose_name=_("municipalities where they can meet"),
    )
    meets_digitally = models.BooleanField(_("also meets digitally"), default=False)
    interests = models.ManyToManyField(Interest, blank=True, verbose_name=_("interests"))
    helps_with = models.ManyToManyField(Need, blank=True, verbose_name=_("can help with"))
    has_children = models.BooleanField(_("has children"), default=False)
    capacity = models.PositiveSmallIntegerField(
        _("capacity"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_("How many buddies at once."),
    )
    paused_until = models.DateField(_("paused until"), null=True, blank=True)
    active = models.BooleanField(
        _("active"),
        default=False,
        help_text=_("Set by a coordinator once they have met the ambassador."),
    )
    about = models.TextField(_("about"), blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source, default=Source.ADMIN)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Set when the person was erased: the row stays, anonymised, for the report's counts.
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True, editable=False)

    objects = AmbassadorQuerySet.as_manager()

    class Meta:
        ordering = ["first_name", "last_name"]
        verbose_name = _("ambassador")
        verbose_name_plural = _("ambassadors")

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def is_paused(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.paused_until is not None and self.paused_until >= today


class LanguageLevel(models.IntegerChoices):
    BASIC = 1, _("basic")
    CONVERSATIONAL = 2, _("conversational")
    FLUENT = 3, _("fluent")
    NATIVE = 4, _("native")


# Levels by name, as the API and exports spell them.
LEVEL_NAMES = {level.value: level.name.lower() for level in LanguageLevel}


class AmbassadorLanguage(models.Model):
    ambassador = models.ForeignKey(
        Ambassador, on_delete=models.CASCADE, related_name="language_levels"
    )
    language = models.ForeignKey(Language, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(_("level"), choices=LanguageLevel)

    class Meta:
        ordering = ["-level", "language__name_en"]
        verbose_name = _("language")
        verbose_name_plural = _("languages")
        constraints = [
            models.UniqueConstraint(
                fields=["ambassador", "language"], name="ambassador_language_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.language} ({self.get_level_display()})"


class BuddyRequest(models.Model):
    """A newcomer household asking for a buddy."""

    class Status(models.TextChoices):
        NEW = "new", _("new")
        MATCHING = "matching", _("matching")
        OFFERED = "offered", _("offered")
        MATCHED = "matched", _("matched")
        CLOSED = "closed", _("closed")
        WITHDRAWN = "withdrawn", _("withdrawn")

    OPEN_STATUSES = (Status.NEW, Status.MATCHING, Status.OFFERED, Status.MATCHED)

    first_name = models.CharField(_("first name"), max_length=80)
    last_name = models.CharField(_("last name"), max_length=80, blank=True)
    phone = PhoneNumberField(_("mobile number"), validators=[validate_mobile], db_index=True)
    preferred_language = models.ForeignKey(
        Language,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("preferred language"),
    )
    other_languages = models.ManyToManyField(
        Language, blank=True, related_name="+", verbose_name=_("other languages")
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="buddy_requests",
        verbose_name=_("municipality"),
    )
    arrival_date = models.DateField(_("expected arrival"), null=True, blank=True)
    has_partner = models.BooleanField(_("moving with a partner"), default=False)
    children_ages = models.JSONField(
        _("children's ages"), default=list, blank=True, validators=[validate_children_ages]
    )
    interests = models.ManyToManyField(Interest, blank=True, verbose_name=_("interests"))
    needs = models.ManyToManyField(Need, blank=True, verbose_name=_("needs"))
    message = models.TextField(_("message"), blank=True, max_length=2000)
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.NEW, db_index=True
    )
    source = models.CharField(_("source"), max_length=10, choices=Source, default=Source.ADMIN)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    status_changed_at = models.DateTimeField(_("status changed"), default=timezone.now)
    # Set when the household was erased: the row stays, anonymised, for the report's counts.
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True, editable=False)

    objects = BuddyRequestQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("buddy request")
        verbose_name_plural = _("buddy requests")
        constraints = [
            # A second request from the same number updates the open one.
            models.UniqueConstraint(
                fields=["phone"],
                condition=Q(status__in=["new", "matching", "offered", "matched"]),
                name="one_open_request_per_phone",
            )
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def household_size(self) -> int:
        return 1 + int(self.has_partner) + len(self.children_ages)


class Organisation(models.Model):
    """An employer or partner taking part in the network."""

    class Kind(models.TextChoices):
        EMPLOYER = "employer", _("employer")
        PUBLIC = "public", _("public body")
        ASSOCIATION = "association", _("association")
        OTHER = "other", _("other")

    name = models.CharField(_("name"), max_length=200)
    org_number = OrgNumberField(
        _("organisation number"),
        max_length=11,
        unique=True,
        help_text=_("Ten digits, e.g. 556016-0680."),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind, default=Kind.EMPLOYER)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="organisations",
        verbose_name=_("municipality"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class Coordinator(models.Model):
    """Region or municipality staff; a region admin manages every municipality."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coordinator"
    )
    municipalities = models.ManyToManyField(
        Municipality, blank=True, related_name="coordinators", verbose_name=_("municipalities")
    )
    is_region_admin = models.BooleanField(
        _("region admin"), default=False, help_text=_("Manages all municipalities.")
    )
    phone = PhoneNumberField(_("phone"), blank=True)

    class Meta:
        verbose_name = _("coordinator")
        verbose_name_plural = _("coordinators")

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.get_username()


class Consent(models.Model):
    """Who agreed to what, having been shown which text, when and how.

    Rows are never deleted: withdrawal is recorded beside the consent.
    """

    class Purpose(models.TextChoices):
        BUDDY_REQUEST = "buddy_request", _("buddy request")
        AMBASSADOR = "ambassador", _("ambassador sign-up")

    class Channel(models.TextChoices):
        WEB = "web", _("web form")
        API = "api", _("API")
        SMS = "sms", _("SMS")
        PAPER = "paper", _("on paper, entered by a coordinator")

    buddy_request = models.ForeignKey(
        BuddyRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="consents"
    )
    ambassador = models.ForeignKey(
        Ambassador, on_delete=models.PROTECT, null=True, blank=True, related_name="consents"
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose)
    text_version = models.CharField(_("text version"), max_length=20)
    language = models.CharField(_("language shown"), max_length=8)
    text = models.TextField(_("text shown"))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel)
    given_at = models.DateTimeField(_("given"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawal_channel = models.CharField(
        _("withdrawn through"), max_length=10, choices=Channel, blank=True
    )

    class Meta:
        ordering = ["-given_at"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(buddy_request__isnull=False, ambassador__isnull=True)
                    | Q(buddy_request__isnull=True, ambassador__isnull=False)
                ),
                name="consent_has_one_subject",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} {self.text_version} ({self.language})"


class OutboundSms(models.Model):
    """One text to one person: written here first, then sent by a task that claims it.

    The status only moves forward (see STATUS_RANK), whatever order Twilio's
    callbacks arrive in.
    """

    class Purpose(models.TextChoices):
        OFFER = "offer", _("buddy offer")
        INTRODUCTION = "introduction", _("introduction")
        FOLLOWUP = "followup", _("follow-up")
        REPLY = "reply", _("reply to a text")
        OPT_OUT = "opt_out", _("opt-out confirmation")
        INVITATION = "invitation", _("event invitation")
        REMINDER = "reminder", _("event reminder")
        EVENT_NOTICE = "event_notice", _("event change or cancellation")
        ROTA = "rota", _("hotline rota")
        SHIFT_REMINDER = "shift_reminder", _("hotline shift reminder")
        SWAP = "swap", _("hotline shift swap")
        VOICEMAIL = "voicemail", _("hotline voicemail notice")
        OTP = "otp", _("sign-in code")
        CONFIRMATION = "confirmation", _("confirmation with the household's link")

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENDING = "sending", _("handed to Twilio")
        SENT = "sent", _("sent")
        DELIVERED = "delivered", _("delivered")
        UNDELIVERED = "undelivered", _("undelivered")
        FAILED = "failed", _("failed")
        SUPPRESSED = "suppressed", _("not sent: the number opted out")

    to = PhoneNumberField(_("to"))
    ambassador = models.ForeignKey(
        Ambassador, on_delete=models.SET_NULL, null=True, blank=True, related_name="sms"
    )
    buddy_request = models.ForeignKey(
        BuddyRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="sms"
    )
    purpose = models.CharField(_("purpose"), max_length=16, choices=Purpose)
    language = models.CharField(_("language"), max_length=8)
    body = models.TextField(_("text"))
    encoding = models.CharField(_("encoding"), max_length=8)
    segments = models.PositiveSmallIntegerField(_("segments"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status, default=Status.QUEUED, db_index=True
    )
    send_after = models.DateTimeField(_("not before"), default=timezone.now, db_index=True)
    twilio_sid = models.CharField(
        _("Twilio SID"), max_length=64, null=True, blank=True, unique=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error_code = models.PositiveIntegerField(_("last error code"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    in_reply_to = models.ForeignKey(
        "InboundSms",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name=_("in reply to"),
        help_text=_("Set when the text went back in the webhook's TwiML answer."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("handed over"), null=True, blank=True)
    status_changed_at = models.DateTimeField(_("status changed"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("outbound SMS")
        verbose_name_plural = _("outbound SMS")

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} → {self.to} ({self.status})"


# How far along each status is. A callback may only move a message to a
# higher rank: "sent" arriving after "delivered" changes nothing.
STATUS_RANK: dict[str, int] = {
    OutboundSms.Status.QUEUED: 0,
    OutboundSms.Status.SENDING: 1,
    OutboundSms.Status.SENT: 2,
    OutboundSms.Status.DELIVERED: 3,
    OutboundSms.Status.UNDELIVERED: 3,
    OutboundSms.Status.FAILED: 3,
    OutboundSms.Status.SUPPRESSED: 3,
}


class InboundSms(models.Model):
    """Every text that reached the service, as Twilio posted it."""

    message_sid = models.CharField(_("Twilio MessageSid"), max_length=64, unique=True)
    from_number = models.CharField(_("from"), max_length=40, db_index=True)
    to_number = models.CharField(_("to"), max_length=40, blank=True)
    body = models.TextField(_("text"), blank=True)
    opt_out_type = models.CharField(_("Twilio OptOutType"), max_length=16, blank=True)
    ambassador = models.ForeignKey(
        Ambassador, on_delete=models.SET_NULL, null=True, blank=True, related_name="inbound_sms"
    )
    buddy_request = models.ForeignKey(
        BuddyRequest,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inbound_sms",
    )
    intent = models.CharField(_("read as"), max_length=12, blank=True)
    outcome = models.CharField(_("what happened"), max_length=200, blank=True)
    needs_attention = models.BooleanField(
        _("needs a coordinator"),
        default=False,
        db_index=True,
        help_text=_("Nobody could read it as an answer; a coordinator should look."),
    )
    dealt_with_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    dealt_with_at = models.DateTimeField(_("dealt with"), null=True, blank=True)
    received_at = models.DateTimeField(_("received"), default=timezone.now)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("inbound SMS")
        verbose_name_plural = _("inbound SMS")

    def __str__(self) -> str:
        return f"{self.from_number}: {self.body[:40]}"


class OptOut(models.Model):
    """A number that asked for no more texts. Nothing is sent to it until START."""

    class Source(models.TextChoices):
        KEYWORD = "keyword", _("replied with a stop word")
        TWILIO = "twilio", _("Twilio reported the opt-out")
        COORDINATOR = "coordinator", _("entered by a coordinator")

    phone = models.CharField(_("number"), max_length=40, unique=True)
    source = models.CharField(_("how"), max_length=12, choices=Source)
    created_at = models.DateTimeField(_("opted out"), default=timezone.now)

    class Meta:
        verbose_name = _("opt-out")
        verbose_name_plural = _("opt-outs")

    def __str__(self) -> str:
        return self.phone


class TwilioDeletion(models.Model):
    """A message or recording to delete at Twilio after an erasure, until Twilio has.

    It holds the SID only, never whose it was: a SID names nobody by itself,
    and the row goes once Twilio has deleted the record (or never had it).
    """

    class Kind(models.TextChoices):
        MESSAGE = "message", _("message")
        RECORDING = "recording", _("recording")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    sid = models.CharField(_("Twilio SID"), max_length=64, unique=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_try_at = models.DateTimeField(_("next try"), default=timezone.now, db_index=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    # Set when Twilio refused for good: a coordinator deletes it in Twilio's console.
    failed_at = models.DateTimeField(_("given up"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("deletion at Twilio")
        verbose_name_plural = _("deletions at Twilio")

    def __str__(self) -> str:
        return f"{self.kind} {self.sid}"


class AuditEvent(models.Model):
    """Who viewed, changed, exported or erased whose data, and when.

    It names the subject by its kind and id and lists the names of changed
    fields, never their values: the log holds no personal data of its own,
    so it can be kept after the person is erased.
    """

    class Action(models.TextChoices):
        VIEW = "view", _("viewed")
        LIST = "list", _("listed")
        CREATE = "create", _("created")
        CHANGE = "change", _("changed")
        EXPORT = "export", _("exported")
        ERASE = "erase", _("erased")
        ANONYMISE = "anonymise", _("anonymised by the retention rule")
        WITHDRAW = "withdraw", _("withdrew consent")
        SIGN_IN = "sign_in", _("signed in")

    class Actor(models.TextChoices):
        STAFF = "staff", _("coordinator or admin")
        AMBASSADOR = "ambassador", _("the ambassador themself")
        NEWCOMER = "newcomer", _("the newcomer, through a signed link")
        SYSTEM = "system", _("the service itself")

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor_kind = models.CharField(_("who"), max_length=12, choices=Actor)
    # Kept as plain ids: erasing a person must not erase the record of who
    # looked at whom.
    actor_user_id = models.BigIntegerField(_("user id"), null=True, blank=True)
    actor_ambassador_id = models.BigIntegerField(_("ambassador id"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=12, choices=Action)
    subject_type = models.CharField(_("subject type"), max_length=40)
    subject_id = models.BigIntegerField(_("subject id"), null=True, blank=True)
    # How many rows a list or an export held, for actions on many.
    count = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    # Where it happened: a URL name, an admin action or a command, never a query string.
    via = models.CharField(_("via"), max_length=120, blank=True)
    # Names of the changed fields, never their values.
    fields = models.JSONField(_("fields"), default=list, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit trail")
        indexes = [models.Index(fields=["subject_type", "subject_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_kind} {self.action} {self.subject_type}"
