from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from ambassadors.consent import CONSENT_TEXTS
from ambassadors.models import Ambassador, BuddyRequest, Consent, Interest, Language, Municipality

pytestmark = pytest.mark.django_db


def request_form(**overrides: Any) -> dict[str, Any]:
    form = {
        "first_name": "Amina",
        "last_name": "Haddad",
        "phone": "070-174 06 05",
        "preferred_language": Language.objects.get(code="ar").id,
        "other_languages": [Language.objects.get(code="en").id],
        "municipality": Municipality.objects.get(name="Åre").id,
        "arrival_date": "2027-01-15",
        "has_partner": "on",
        "children_ages": "4, 9",
        "interests": [Interest.objects.get(slug="skiing").id],
        "message": "We love the mountains.",
        "consent": "on",
    }
    form.update(overrides)
    return {key: value for key, value in form.items() if value is not None}


def test_the_start_page_sends_a_visitor_to_their_language(client: Client) -> None:
    response = client.get("/", headers={"accept-language": "uk,en;q=0.5"})

    assert response.status_code == 302
    assert response["Location"] == "/uk/"


@pytest.mark.parametrize("code", ["sv", "en", "ar", "uk"])
def test_every_page_links_to_itself_in_every_language(client: Client, code: str) -> None:
    html = client.get(f"/{code}/buddy/").content.decode()

    assert f'<html lang="{code}"' in html
    for other in ["sv", "en", "ar", "uk"]:
        assert f'href="/{other}/buddy/" lang="{other}"' in html


def test_the_arabic_pages_read_right_to_left(client: Client) -> None:
    html = client.get("/ar/buddy/").content.decode()

    assert 'dir="rtl"' in html
    assert 'dir="rtl"' not in client.get("/sv/buddy/").content.decode()


def test_a_request_sent_on_the_arabic_form_is_stored_with_languages_and_consent(
    client: Client,
) -> None:
    response = client.post("/ar/buddy/", request_form(), follow=True)

    assert response.redirect_chain == [("/ar/buddy/thanks/", 302)]
    stored = BuddyRequest.objects.get()
    assert stored.phone == "+46701740605"
    assert stored.preferred_language.code == "ar"
    assert [language.code for language in stored.other_languages.all()] == ["en"]
    assert stored.municipality.name == "Åre"
    assert stored.children_ages == [9, 4]
    assert stored.has_partner is True
    assert stored.source == "web"
    consent = stored.consents.get()
    assert consent.purpose == Consent.Purpose.BUDDY_REQUEST
    assert consent.language == "ar"
    assert consent.text_version == CONSENT_TEXTS[Consent.Purpose.BUDDY_REQUEST].version
    assert consent.channel == Consent.Channel.WEB
    assert consent.text == CONSENT_TEXTS[Consent.Purpose.BUDDY_REQUEST].render("ar")
    assert 'dir="rtl"' in response.content.decode()


def test_the_consent_text_is_shown_in_the_pages_language(client: Client) -> None:
    text = CONSENT_TEXTS[Consent.Purpose.BUDDY_REQUEST]

    html = client.get("/sv/buddy/").content.decode()

    assert text.render("sv") in html
    assert text.render("sv") != text.render("en")


def test_the_same_number_updates_the_open_request_and_says_so(client: Client) -> None:
    client.post("/en/buddy/", request_form())

    response = client.post(
        "/en/buddy/", request_form(phone="+46701740605", children_ages="1"), follow=True
    )

    assert BuddyRequest.objects.count() == 1
    assert BuddyRequest.objects.get().children_ages == [1]
    assert BuddyRequest.objects.get().consents.count() == 2
    assert "updated that request" in response.content.decode()


def test_a_closed_request_does_not_stop_a_new_one(
    client: Client, make_request: Callable[..., BuddyRequest]
) -> None:
    make_request(phone="+46701740605", status=BuddyRequest.Status.CLOSED)

    client.post("/en/buddy/", request_form())

    assert BuddyRequest.objects.count() == 2


def test_a_bad_number_is_shown_next_to_the_field_and_announced(client: Client) -> None:
    response = client.post("/en/buddy/", request_form(phone="12"))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in html
    assert '<a href="#id_phone">' in html
    assert 'id="id_phone_error"' in html
    assert 'aria-invalid="true" aria-describedby="id_phone_helptext id_phone_error"' in html
    assert html.index('id="id_phone_error"') < html.index('name="phone"')
    assert BuddyRequest.objects.count() == 0


def test_a_landline_is_refused_on_the_form(client: Client) -> None:
    response = client.post("/en/buddy/", request_form(phone="08-465 004 00"))

    assert "landline" in response.content.decode()
    assert BuddyRequest.objects.count() == 0


def test_without_consent_nothing_is_stored(client: Client) -> None:
    response = client.post("/en/buddy/", request_form(consent=None))

    assert "We can only help you if you agree." in response.content.decode()
    assert BuddyRequest.objects.count() == 0
    assert Consent.objects.count() == 0


def test_childrens_ages_must_be_numbers(client: Client) -> None:
    response = client.post("/en/buddy/", request_form(children_ages="four, nine"))

    assert "Write the ages as numbers" in response.content.decode()
    assert BuddyRequest.objects.count() == 0


def test_the_thanks_page_without_a_submission_goes_back_to_the_form(client: Client) -> None:
    response = client.get("/en/buddy/thanks/")

    assert response["Location"] == "/en/buddy/"


def ambassador_form(**overrides: Any) -> dict[str, Any]:
    form = {
        "first_name": "Olena",
        "last_name": "Kovalenko",
        "phone": "+46701740606",
        "preferred_language": Language.objects.get(code="uk").id,
        "level_uk": "4",
        "level_sv": "2",
        "level_en": "",
        "home_municipality": Municipality.objects.get(name="Krokom").id,
        "meeting_municipalities": [Municipality.objects.get(name="Östersund").id],
        "meets_digitally": "on",
        "has_children": "on",
        "capacity": "2",
        "consent": "on",
    }
    form.update(overrides)
    return {key: value for key, value in form.items() if value is not None}


def test_an_ambassador_signs_up_in_ukrainian_and_waits_for_a_coordinator(
    client: Client,
) -> None:
    response = client.post("/uk/ambassador/", ambassador_form(), follow=True)

    assert response.redirect_chain == [("/uk/ambassador/thanks/", 302)]
    ambassador = Ambassador.objects.get()
    assert ambassador.active is False
    levels = {level.language.code: level.level for level in ambassador.language_levels.all()}
    assert levels == {"uk": 4, "sv": 2}
    assert {m.name for m in ambassador.meeting_municipalities.all()} == {"Krokom", "Östersund"}
    consent = ambassador.consents.get()
    assert (consent.purpose, consent.language) == (Consent.Purpose.AMBASSADOR, "uk")


def test_an_ambassador_must_speak_at_least_one_language(client: Client) -> None:
    response = client.post("/en/ambassador/", ambassador_form(level_uk="", level_sv=""))

    assert 'id="languages_error"' in response.content.decode()
    assert Ambassador.objects.count() == 0


def test_a_number_cannot_sign_up_twice(client: Client) -> None:
    client.post("/en/ambassador/", ambassador_form())

    response = client.post("/en/ambassador/", ambassador_form(first_name="Someone"))

    assert "already registered as an ambassador" in response.content.decode()
    assert Ambassador.objects.get().first_name == "Olena"


def test_the_forms_work_without_javascript(client: Client) -> None:
    for path in ["/en/buddy/", "/en/ambassador/"]:
        html = client.get(path).content.decode()
        assert "<script" not in html
        assert 'method="post"' in html


def test_childrens_ages_may_be_written_the_arabic_way(client: Client) -> None:
    client.post("/ar/buddy/", request_form(children_ages="٤، ٩"))

    assert BuddyRequest.objects.get().children_ages == [9, 4]
