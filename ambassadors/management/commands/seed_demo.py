"""Fill the database with an invented but believable network, for demos and trying things out.

Safe to run again: people are keyed by phone number, organisations by
organisation number and coordinators by username, so a second run puts the
demo back the way it was instead of adding to it.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from stdnum import luhn
from stdnum.se import orgnr

from ambassadors.models import (
    Ambassador,
    AmbassadorLanguage,
    BuddyRequest,
    Consent,
    Coordinator,
    Interest,
    Language,
    LanguageLevel,
    Municipality,
    Need,
    Organisation,
    Road,
    Source,
)
from ambassadors.services import consent_record

SEED = 2026
AMBASSADOR_COUNT = 60
REQUEST_COUNT = 120
DEMO_PASSWORD = "demo-password-2026"

# Where newcomers settle: most in Östersund, few in the small inland
# municipalities. Ambassadors lean less on Östersund so that every
# municipality has a few people to match with.
REQUEST_MUNICIPALITIES = {
    "Östersund": 45,
    "Krokom": 12,
    "Åre": 12,
    "Härjedalen": 7,
    "Strömsund": 7,
    "Berg": 6,
    "Ragunda": 3,
    "Bräcke": 3,
}
AMBASSADOR_MUNICIPALITIES = {
    "Östersund": 40,
    "Krokom": 12,
    "Åre": 12,
    "Härjedalen": 8,
    "Strömsund": 8,
    "Berg": 8,
    "Ragunda": 6,
    "Bräcke": 6,
}

# The households' own languages, roughly as the region's newcomers arrive:
# refugees and their families, Ukrainians under temporary protection, and
# labour migrants to healthcare, tourism and forestry.
REQUEST_LANGUAGES = {
    "ar": 16,
    "uk": 14,
    "so": 10,
    "ti": 10,
    "prs": 9,
    "pl": 8,
    "de": 8,
    "en": 7,
    "th": 6,
    "nl": 6,
}
# "sv" is an ambassador born in Sweden; the rest came here themselves.
AMBASSADOR_BACKGROUNDS = {
    "sv": 26,
    "ar": 6,
    "uk": 5,
    "de": 4,
    "so": 3,
    "ti": 3,
    "prs": 3,
    "pl": 3,
    "en": 3,
    "th": 2,
    "nl": 2,
}

# Second languages households from each group often bring with them.
SECOND_LANGUAGES = {
    "ar": ("en", "ku", "fr"),
    "so": ("en", "ar"),
    "ti": ("am", "ar", "en"),
    "prs": ("fa", "en", "ps"),
    "uk": ("ru", "en", "pl"),
    "pl": ("en", "de"),
    "th": ("en",),
    "de": ("en", "fr"),
    "nl": ("en", "de"),
    "en": ("fr", "es"),
}
# What Swedish-born ambassadors picked up at school, at work or next door.
SWEDISH_EXTRA_LANGUAGES = ("de", "fr", "es", "fi", "no", "sma")

# The languages messages are written in; anyone else reads them in English.
MESSAGE_LANGUAGES = ("sv", "en", "ar", "uk")

NAMES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # language: (first names, last names). Polish last names are ones that do
    # not change with gender, so any first name goes with any of them.
    "sv": (
        ("Erik", "Anna", "Lars", "Karin", "Johan", "Maria", "Per", "Eva", "Anders", "Sara")
        + ("Olof", "Ingrid", "Nils", "Elin", "Maja", "Gustav", "Kerstin", "Jonas"),
        ("Andersson", "Johansson", "Nilsson", "Eriksson", "Olsson", "Persson", "Berglund")
        + ("Hedlund", "Lundberg", "Sundqvist", "Wikström", "Öberg", "Nordin", "Bergström"),
    ),
    "ar": (
        ("Ahmad", "Mohammed", "Omar", "Yousef", "Khaled", "Hassan", "Amina", "Fatima")
        + ("Layla", "Rania", "Nour", "Huda", "Samir", "Maryam", "Zainab", "Tariq"),
        ("Al-Hassan", "Haddad", "Khalil", "Mansour", "Nasser", "Saleh", "Darwish", "Ibrahim"),
    ),
    "so": (
        ("Abdi", "Ahmed", "Hodan", "Faadumo", "Cabdullahi", "Mahad", "Ayaan", "Hibaaq")
        + ("Liban", "Nimco", "Sahra", "Warsame"),
        ("Farah", "Jama", "Abdi", "Hassan", "Mohamed", "Osman", "Egal", "Yusuf", "Nur"),
    ),
    "ti": (
        ("Yonas", "Tesfay", "Selam", "Helen", "Dawit", "Mebrat", "Senait", "Filmon")
        + ("Kidane", "Luwam", "Semhar", "Biniam"),
        ("Tesfamariam", "Gebremedhin", "Haile", "Berhane", "Tekle", "Woldu", "Kahsay"),
    ),
    "prs": (
        ("Farid", "Mariam", "Nasrin", "Hamid", "Zahra", "Shabnam", "Jawad", "Mahbooba")
        + ("Sohrab", "Parwana", "Wahid", "Fereshta"),
        ("Ahmadi", "Rahimi", "Hakimi", "Karimi", "Sultani", "Noori", "Haidari", "Wardak"),
    ),
    "uk": (
        ("Olena", "Oksana", "Iryna", "Andriy", "Mykola", "Taras", "Yulia", "Kateryna")
        + ("Dmytro", "Nataliia", "Serhiy", "Halyna"),
        ("Shevchenko", "Kovalenko", "Bondarenko", "Tkachenko", "Melnyk", "Kravchenko")
        + ("Lysenko", "Marchenko", "Boyko"),
    ),
    "pl": (
        ("Agnieszka", "Katarzyna", "Piotr", "Tomasz", "Magdalena", "Marek", "Joanna")
        + ("Paweł", "Anna", "Krzysztof", "Ewa", "Michał"),
        ("Nowak", "Wójcik", "Kowalczyk", "Mazur", "Krawczyk", "Kaczmarek", "Zając", "Król"),
    ),
    "th": (
        ("Somchai", "Malee", "Siriporn", "Nattapong", "Kanya", "Pim", "Wanida", "Apinya")
        + ("Chanida", "Sakda", "Ploy", "Thanawat"),
        ("Saetang", "Srisuk", "Chaiyaporn", "Wongsakul", "Boonmee", "Jaidee", "Kaewmanee"),
    ),
    "de": (
        ("Lukas", "Anna", "Jonas", "Lena", "Felix", "Sophie", "Maximilian", "Katharina")
        + ("Tobias", "Julia", "Matthias", "Sabine"),
        ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Wagner", "Becker", "Hoffmann"),
    ),
    "nl": (
        ("Daan", "Sanne", "Bram", "Femke", "Thijs", "Lotte", "Jeroen", "Anouk", "Joost")
        + ("Marieke", "Ruben", "Eva"),
        ("de Vries", "Jansen", "van den Berg", "Bakker", "Visser", "Smit", "Meijer", "de Jong"),
    ),
    "en": (
        ("James", "Emma", "Oliver", "Sarah", "Daniel", "Rachel", "Thomas", "Hannah")
        + ("Michael", "Laura", "David", "Chloe"),
        ("Smith", "Taylor", "Brown", "Wilson", "Evans", "Walker", "Hughes", "Robinson"),
    ),
}

MESSAGES = (
    "I would like someone to practise Swedish with over a coffee.",
    "We have never lived with snow. How do people get around in winter?",
    "I like walking and would love to see the mountains.",
    "Could someone explain how Försäkringskassan and Skatteverket work?",
    "I play the guitar and would like to find people to play music with.",
    "Vi vill gärna lära känna någon som bor här och kan visa oss runt.",
    "Is there a football team for adults who are not very good?",
)
MESSAGES_WITH_CHILDREN = (
    "Our children would like to try skiing this winter.",
    "We would like to meet a family with children of a similar age.",
    "How does preschool work, and how do we apply for a place?",
)

REQUEST_STATUSES = {
    BuddyRequest.Status.NEW: 72,
    BuddyRequest.Status.MATCHING: 16,
    BuddyRequest.Status.CLOSED: 6,
    BuddyRequest.Status.WITHDRAWN: 6,
}

# Invented employers and partners: any likeness to a real company is chance.
# The numbers pass the Luhn check and nothing more, so one may still belong
# to a real company; keep them out of anything that leaves the demo.
ORGANISATIONS = (
    # name, first nine digits (the check digit is computed), kind, municipality
    ("Storsjö Vård & Omsorg AB", "556071423", Organisation.Kind.EMPLOYER, "Östersund"),
    ("Jämtbygg Entreprenad AB", "556184907", Organisation.Kind.EMPLOYER, "Östersund"),
    ("Frösö Digital AB", "559112358", Organisation.Kind.EMPLOYER, "Östersund"),
    ("Åredalens Fjällturism AB", "556340217", Organisation.Kind.EMPLOYER, "Åre"),
    ("Krokoms Trä & Snickeri AB", "556523184", Organisation.Kind.EMPLOYER, "Krokom"),
    ("Härjedalens Fjällgårdar AB", "556702956", Organisation.Kind.EMPLOYER, "Härjedalen"),
    ("Ströms Skog och Mark AB", "556811340", Organisation.Kind.EMPLOYER, "Strömsund"),
    ("Bergs Lantbruksservice AB", "559034671", Organisation.Kind.EMPLOYER, "Berg"),
    ("Inlandets Språkskola AB", "556905528", Organisation.Kind.OTHER, "Bräcke"),
)

COORDINATORS = (
    # username, first name, last name, region admin, municipalities
    ("region", "Karin", "Lindqvist", True, ()),
    ("are", "Jonas", "Åkerlund", False, ("Åre",)),
    ("ostersund", "Sofia", "Hedman", False, ("Östersund",)),
)


def demo_phone_numbers(count: int) -> list[str]:
    """Numbers for demo people, starting with PTS's range for fiction.

    PTS keeps 070-174 06 05 to 070-174 06 99 for films and books; past those
    95 the numbers run on (070-174 07 00 …) and may reach real phones, which
    is why the command refuses to run with any SMS backend but the console.
    """
    return [f"+4670174{605 + index:04d}" for index in range(count)]


def demo_org_number(stem: str) -> str:
    return orgnr.format(stem + luhn.calc_check_digit(stem))


def spread(count: int, weights: Mapping[str, int], rng: random.Random) -> list[str]:
    """`count` keys in proportion to `weights`, in random order.

    Counted out by largest remainder rather than drawn one by one, so the
    shape holds for any seed: Östersund leads and Ragunda still gets its few.
    """
    total = sum(weights.values())
    exact = {key: count * weight / total for key, weight in weights.items()}
    counts = {key: int(share) for key, share in exact.items()}
    short = count - sum(counts.values())
    for key in sorted(exact, key=lambda name: exact[name] - counts[name], reverse=True)[:short]:
        counts[key] += 1
    keys = [key for key, times in counts.items() for _ in range(times)]
    rng.shuffle(keys)
    return keys


@dataclass(frozen=True)
class Reference:
    """The migrated reference data the demo draws on."""

    municipalities: dict[str, Municipality]
    languages: dict[str, Language]
    interests: dict[str, Interest]
    needs: dict[str, Need]
    neighbours: dict[str, list[str]]

    @classmethod
    def load(cls) -> Reference:
        municipalities = {m.name: m for m in Municipality.objects.all()}
        languages = {language.code: language for language in Language.objects.all()}
        wanted_languages = {
            *NAMES,
            *SWEDISH_EXTRA_LANGUAGES,
            *(code for codes in SECOND_LANGUAGES.values() for code in codes),
        }
        if not set(REQUEST_MUNICIPALITIES) <= municipalities.keys() or not (
            wanted_languages <= languages.keys()
        ):
            raise CommandError(
                "The region's municipalities and languages are missing. Run migrate first."
            )
        neighbours: dict[str, set[str]] = {name: set() for name in municipalities}
        for road in Road.objects.select_related("start", "end"):
            neighbours[road.start.name].add(road.end.name)
            neighbours[road.end.name].add(road.start.name)
        return cls(
            municipalities=municipalities,
            languages=languages,
            # Ordered, so the seeded draws pick the same rows each run.
            interests={i.slug: i for i in Interest.objects.filter(active=True).order_by("slug")},
            needs={n.slug: n for n in Need.objects.filter(active=True).order_by("slug")},
            neighbours={name: sorted(names) for name, names in neighbours.items()},
        )


@dataclass
class AmbassadorPlan:
    first_name: str
    last_name: str
    preferred_language: str
    languages: dict[str, LanguageLevel]
    home: str
    meets_in: list[str]
    meets_digitally: bool
    interests: list[str]
    helps_with: list[str]
    has_children: bool
    capacity: int
    active: bool
    paused_until: date | None
    age: timedelta


@dataclass
class RequestPlan:
    first_name: str
    last_name: str
    preferred_language: str
    other_languages: list[str]
    municipality: str
    arrival_date: date
    has_partner: bool
    children_ages: list[int]
    interests: list[str]
    needs: list[str]
    message: str
    status: str
    age: timedelta


def _some(rng: random.Random, items: Sequence[str], low: int, high: int) -> list[str]:
    return rng.sample(list(items), min(len(items), rng.randint(low, high)))


def _name(rng: random.Random, language: str) -> tuple[str, str]:
    first_names, last_names = NAMES[language]
    return rng.choice(first_names), rng.choice(last_names)


def plan_ambassadors(
    rng: random.Random, *, count: int, today: date, reference: Reference
) -> list[AmbassadorPlan]:
    homes = spread(count, AMBASSADOR_MUNICIPALITIES, rng)
    backgrounds = spread(count, AMBASSADOR_BACKGROUNDS, rng)
    # Coordinators activate an ambassador after meeting them, so a few recent
    # sign-ups wait inactive; a couple more have paused for a while.
    waiting = set(rng.sample(range(count), 4))
    paused = set(rng.sample(sorted(set(range(count)) - waiting), 2))
    plans = []
    for index, (home, background) in enumerate(zip(homes, backgrounds, strict=True)):
        first_name, last_name = _name(rng, background)
        languages = _ambassador_languages(rng, background)
        has_children = rng.random() < 0.5
        interests = [slug for slug in reference.interests if has_children or slug != "parenting"]
        plans.append(
            AmbassadorPlan(
                first_name=first_name,
                last_name=last_name,
                preferred_language=_message_language(rng, background, languages),
                languages=languages,
                home=home,
                meets_in=_some(rng, reference.neighbours[home], 0, 2),
                meets_digitally=rng.random() < 0.35,
                interests=_some(rng, interests, 2, 4),
                helps_with=_some(rng, list(reference.needs), 2, 4),
                has_children=has_children,
                capacity=rng.choices((1, 2, 3), weights=(2, 6, 2))[0],
                active=index not in waiting,
                paused_until=(
                    today + timedelta(days=rng.randint(14, 60)) if index in paused else None
                ),
                age=timedelta(days=rng.randint(3, 400), minutes=rng.randint(0, 24 * 60)),
            )
        )
    return plans


def _ambassador_languages(rng: random.Random, background: str) -> dict[str, LanguageLevel]:
    if background == "sv":
        languages = {
            "sv": LanguageLevel.NATIVE,
            "en": LanguageLevel.FLUENT if rng.random() < 0.8 else LanguageLevel.CONVERSATIONAL,
        }
        if rng.random() < 0.4:
            extra = rng.choice(SWEDISH_EXTRA_LANGUAGES)
            languages[extra] = rng.choice((LanguageLevel.BASIC, LanguageLevel.CONVERSATIONAL))
        return languages
    # Born abroad: their first language, and Swedish well enough to guide others.
    languages = {
        background: LanguageLevel.NATIVE,
        "sv": LanguageLevel.FLUENT if rng.random() < 0.7 else LanguageLevel.CONVERSATIONAL,
    }
    if background != "en" and rng.random() < 0.7:
        languages["en"] = rng.choice((LanguageLevel.CONVERSATIONAL, LanguageLevel.FLUENT))
    if rng.random() < 0.3:
        extra = rng.choice(SECOND_LANGUAGES[background])
        languages.setdefault(
            extra,
            rng.choice(
                (LanguageLevel.CONVERSATIONAL, LanguageLevel.CONVERSATIONAL, LanguageLevel.FLUENT)
            ),
        )
    return languages


def _message_language(
    rng: random.Random, background: str, languages: Mapping[str, LanguageLevel]
) -> str:
    # Half of those whose first language the texts are written in choose it.
    if background != "sv" and background in MESSAGE_LANGUAGES and rng.random() < 0.5:
        return background
    if languages.get("sv", 0) >= LanguageLevel.FLUENT or "en" not in languages:
        return "sv"
    return "en"


def plan_requests(
    rng: random.Random, *, count: int, today: date, reference: Reference
) -> list[RequestPlan]:
    places = spread(count, REQUEST_MUNICIPALITIES, rng)
    languages = spread(count, REQUEST_LANGUAGES, rng)
    plans = []
    for place, language in zip(places, languages, strict=True):
        first_name, last_name = _name(rng, language)
        has_partner = rng.random() < 0.6
        children = (
            sorted((rng.randint(0, 17) for _ in range(rng.randint(1, 3))), reverse=True)
            if rng.random() < 0.55
            else []
        )
        needs = _some(rng, [slug for slug in reference.needs if slug != "school"], 1, 3)
        if children and rng.random() < 0.7:
            needs.append("school")
        interests = [slug for slug in reference.interests if children or slug != "parenting"]
        messages = MESSAGES + (MESSAGES_WITH_CHILDREN if children else ())
        plans.append(
            RequestPlan(
                first_name=first_name,
                last_name=last_name,
                preferred_language=language,
                other_languages=_other_languages(rng, language),
                municipality=place,
                arrival_date=today + timedelta(days=rng.randint(-90, 120)),
                has_partner=has_partner,
                children_ages=children,
                interests=_some(rng, interests, 1, 3),
                needs=[slug for slug in needs if slug in reference.needs],
                message=rng.choice(messages) if rng.random() < 0.4 else "",
                status=rng.choices(list(REQUEST_STATUSES), weights=list(REQUEST_STATUSES.values()))[
                    0
                ],
                age=timedelta(days=rng.randint(0, 60), minutes=rng.randint(0, 24 * 60)),
            )
        )
    return plans


def _other_languages(rng: random.Random, language: str) -> list[str]:
    if rng.random() < 0.25:
        return []
    others = _some(rng, SECOND_LANGUAGES[language], 1, 2)
    # A little Swedish, from an app or a course before the move.
    if rng.random() < 0.2:
        others.append("sv")
    return [code for code in dict.fromkeys(others) if code != language]


def organisations_save(*, reference: Reference) -> None:
    for name, stem, kind, municipality in ORGANISATIONS:
        Organisation.objects.update_or_create(
            org_number=demo_org_number(stem),
            defaults={
                "name": name,
                "kind": kind,
                "municipality": reference.municipalities[municipality],
            },
        )


def ambassadors_save(
    *, plans: Sequence[AmbassadorPlan], phones: Sequence[str], reference: Reference, now: datetime
) -> None:
    for plan, phone in zip(plans, phones, strict=True):
        ambassador, created = Ambassador.objects.update_or_create(
            phone=phone,
            defaults={
                "first_name": plan.first_name,
                "last_name": plan.last_name,
                "preferred_language": reference.languages[plan.preferred_language],
                "home_municipality": reference.municipalities[plan.home],
                "meets_digitally": plan.meets_digitally,
                "has_children": plan.has_children,
                "capacity": plan.capacity,
                "active": plan.active,
                "paused_until": plan.paused_until,
                "source": Source.DEMO,
            },
        )
        ambassador.language_levels.exclude(language__code__in=plan.languages).delete()
        for code, level in plan.languages.items():
            AmbassadorLanguage.objects.update_or_create(
                ambassador=ambassador,
                language=reference.languages[code],
                defaults={"level": level},
            )
        # As in sign-up: the home municipality is always a place they can meet.
        ambassador.meeting_municipalities.set(
            [reference.municipalities[name] for name in [plan.home, *plan.meets_in]]
        )
        ambassador.interests.set([reference.interests[slug] for slug in plan.interests])
        ambassador.helps_with.set([reference.needs[slug] for slug in plan.helps_with])
        if created:
            _backdate(ambassador, now - plan.age)
        if not ambassador.consents.filter(purpose=Consent.Purpose.AMBASSADOR).exists():
            consent_record(
                purpose=Consent.Purpose.AMBASSADOR,
                language=plan.preferred_language,
                channel=Consent.Channel.WEB,
                ambassador=ambassador,
            )


def requests_save(
    *, plans: Sequence[RequestPlan], phones: Sequence[str], reference: Reference, now: datetime
) -> None:
    for plan, phone in zip(plans, phones, strict=True):
        buddy_request, created = BuddyRequest.objects.update_or_create(
            phone=phone,
            defaults={
                "first_name": plan.first_name,
                "last_name": plan.last_name,
                "preferred_language": reference.languages[plan.preferred_language],
                "municipality": reference.municipalities[plan.municipality],
                "arrival_date": plan.arrival_date,
                "has_partner": plan.has_partner,
                "children_ages": plan.children_ages,
                "message": plan.message,
                "status": plan.status,
                "source": Source.DEMO,
            },
        )
        buddy_request.other_languages.set(
            [reference.languages[code] for code in plan.other_languages]
        )
        buddy_request.interests.set([reference.interests[slug] for slug in plan.interests])
        buddy_request.needs.set([reference.needs[slug] for slug in plan.needs])
        if created:
            _backdate(buddy_request, now - plan.age)
        if not buddy_request.consents.filter(purpose=Consent.Purpose.BUDDY_REQUEST).exists():
            consent_record(
                purpose=Consent.Purpose.BUDDY_REQUEST,
                language=plan.preferred_language,
                channel=Consent.Channel.WEB,
                buddy_request=buddy_request,
            )


def _backdate(person: Ambassador | BuddyRequest, moment: datetime) -> None:
    # A list where everyone signed up in the same second does not look like a
    # network; `created_at` is auto_now_add, so only an update can move it.
    # Consents keep the time they were really recorded: backdated, they would
    # predate the text version they name.
    changes: dict[str, datetime] = {"created_at": moment}
    if isinstance(person, BuddyRequest):
        changes["status_changed_at"] = moment
    type(person).objects.filter(id=person.id).update(**changes)


def coordinators_save(*, reference: Reference) -> None:
    user_model = get_user_model()
    for username, first_name, last_name, region_admin, municipalities in COORDINATORS:
        user, _ = user_model.objects.update_or_create(
            username=username,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "is_staff": True,
                "is_active": True,
            },
        )
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        coordinator, _ = Coordinator.objects.update_or_create(
            user=user, defaults={"is_region_admin": region_admin}
        )
        coordinator.municipalities.set([reference.municipalities[name] for name in municipalities])


def _refuse_unless_safe() -> None:
    if getattr(settings, "PRODUCTION", False):
        raise CommandError(
            "seed_demo refuses to run in production: it adds invented people and coordinators "
            "with a published password. Use it on a development or demo installation."
        )
    if settings.SMS_BACKEND != "console":
        raise CommandError(
            f"seed_demo refuses to run with SMS_BACKEND={settings.SMS_BACKEND!r}: the demo "
            "people have made-up numbers, some of which may belong to real phones, and must "
            "never be texted. Set SMS_BACKEND=console."
        )


def _refuse_to_overwrite_real_people(phones: Sequence[str]) -> None:
    taken = (
        Ambassador.objects.filter(phone__in=phones).exclude(source=Source.DEMO).count()
        + BuddyRequest.objects.filter(phone__in=phones).exclude(source=Source.DEMO).count()
    )
    if taken:
        raise CommandError(
            f"{taken} people not made by seed_demo have one of the demo phone numbers "
            f"({phones[0]} to {phones[-1]}). Remove or renumber them first; seed_demo "
            "will not overwrite them."
        )


class Command(BaseCommand):
    help = (
        "Create an invented demo network: ambassadors, buddy requests, organisations and "
        "three demo coordinators. Safe to run again; refuses in production."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        _refuse_unless_safe()
        rng = random.Random(SEED)
        now = timezone.now()
        today = timezone.localdate(now)
        phones = demo_phone_numbers(AMBASSADOR_COUNT + REQUEST_COUNT)
        ambassador_phones = phones[:AMBASSADOR_COUNT]
        request_phones = phones[AMBASSADOR_COUNT:]

        with transaction.atomic():
            _refuse_to_overwrite_real_people(phones)
            reference = Reference.load()
            # Plan everything before writing, so the seeded draws do not
            # depend on what a previous run left in the database.
            ambassador_plans = plan_ambassadors(
                rng, count=AMBASSADOR_COUNT, today=today, reference=reference
            )
            request_plans = plan_requests(
                rng, count=REQUEST_COUNT, today=today, reference=reference
            )

            organisations_save(reference=reference)
            self.stdout.write(f"Organisations: {len(ORGANISATIONS)}")
            ambassadors_save(
                plans=ambassador_plans, phones=ambassador_phones, reference=reference, now=now
            )
            self.stdout.write(f"Ambassadors: {len(ambassador_plans)}")
            requests_save(plans=request_plans, phones=request_phones, reference=reference, now=now)
            self.stdout.write(f"Buddy requests: {len(request_plans)}")
            coordinators_save(reference=reference)
            self.stdout.write(f"Coordinators: {len(COORDINATORS)}")

            summary = (
                f"Demo network: {Ambassador.objects.filter(source=Source.DEMO).count()} "
                f"ambassadors, {BuddyRequest.objects.filter(source=Source.DEMO).count()} "
                f"requests, {len(ORGANISATIONS)} organisations, "
                f"{len(COORDINATORS)} coordinators."
            )
        self.stdout.write(self.style.SUCCESS(summary))
        self.stdout.write(
            f"Demo logins (demo only, never on a real installation), password {DEMO_PASSWORD}:"
        )
        for username, first_name, last_name, region_admin, municipalities in COORDINATORS:
            scope = "region admin" if region_admin else ", ".join(municipalities)
            self.stdout.write(f"  {username:<10} {first_name} {last_name} ({scope})")
        # The demo hotline stands on these ambassadors. By the command's name,
        # so that this app does not import the events app.
        if apps.is_installed("events"):
            call_command("seed_demo_hotline", stdout=self.stdout, stderr=self.stderr)
