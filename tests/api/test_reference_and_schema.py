import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_municipalities_are_public_with_travel_minutes(api: APIClient) -> None:
    response = api.get("/api/v1/municipalities/")

    assert response.status_code == 200
    by_code = {row["code"]: row for row in response.json()}
    assert len(by_code) == 8
    assert by_code["2321"]["seat"] == "Järpen"
    assert by_code["2321"]["travel_minutes"]["2380"] == 65


def test_languages_interests_and_needs_are_public(api: APIClient) -> None:
    languages = api.get("/api/v1/languages/").json()
    interests = api.get("/api/v1/interests/").json()
    needs = api.get("/api/v1/needs/").json()

    assert {"code": "ti", "name_native": "ትግርኛ", "name_sv": "tigrinja", "name_en": "Tigrinya",
            "right_to_left": False} in languages  # fmt: skip
    assert "skiing" in {row["slug"] for row in interests}
    assert "authorities" in {row["slug"] for row in needs}


def test_the_consent_texts_are_public_in_each_language(api: APIClient) -> None:
    response = api.get("/api/v1/consent-texts/", {"language": "uk"})

    assert response.status_code == 200
    assert {row["purpose"] for row in response.json()} == {"buddy_request", "ambassador"}
    assert {row["language"] for row in response.json()} == {"uk"}


def test_the_openapi_schema_validates_without_warnings(tmp_path: object) -> None:
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", f"{tmp_path}/s.yaml")


def test_the_schema_and_the_docs_are_served(api: APIClient) -> None:
    schema = api.get("/api/schema/", {"format": "json"})

    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/buddy-requests/" in paths
    assert "/api/v1/ambassadors/{id}/" in paths
    assert api.get("/api/docs/").status_code == 200


def test_the_docs_page_loads_nothing_from_another_host(api: APIClient) -> None:
    html = api.get("/api/docs/").content.decode()

    assert "swagger-ui" in html
    assert "cdn" not in html.lower()
    assert "https://" not in html
