"""In the admin, a coordinator of Åre sees and changes only Åre's people."""

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client

from ambassadors.models import Ambassador, BuddyRequest, Consent, Coordinator, Municipality
from ambassadors.services import consent_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def are(client: Client, make_coordinator: Callable[..., User]) -> Client:
    client.force_login(make_coordinator("Åre"))
    return client


@pytest.fixture
def requests(make_request: Callable[..., BuddyRequest]) -> dict[str, BuddyRequest]:
    return {
        "are": make_request("Åre", first_name="Ali"),
        "ostersund": make_request("Östersund", first_name="Olga"),
    }


def test_the_change_list_shows_only_are(are: Client, requests: dict[str, BuddyRequest]) -> None:
    html = are.get("/admin/ambassadors/buddyrequest/").content.decode()

    assert "Ali" in html
    assert "Olga" not in html


def test_an_ostersund_request_cannot_be_opened(
    are: Client, requests: dict[str, BuddyRequest]
) -> None:
    own = are.get(f"/admin/ambassadors/buddyrequest/{requests['are'].id}/change/")
    other = are.get(f"/admin/ambassadors/buddyrequest/{requests['ostersund'].id}/change/")

    assert own.status_code == 200
    # The admin treats an object outside the queryset as missing.
    assert other.status_code == 302
    assert other["Location"] == "/admin/"


def test_an_ostersund_request_cannot_be_changed(
    are: Client, requests: dict[str, BuddyRequest]
) -> None:
    target = requests["ostersund"]

    are.post(
        f"/admin/ambassadors/buddyrequest/{target.id}/change/",
        {"first_name": "Changed", "status": "closed"},
    )

    target.refresh_from_db()
    assert (target.first_name, target.status) == ("Olga", "new")


def test_the_export_action_leaves_out_ostersund(
    are: Client, requests: dict[str, BuddyRequest]
) -> None:
    response = are.post(
        "/admin/ambassadors/buddyrequest/",
        {
            "action": "export_csv",
            "_selected_action": [requests["are"].id, requests["ostersund"].id],
        },
    )

    content = response.content.decode()
    assert response["Content-Type"].startswith("text/csv")
    assert "Ali" in content
    assert "Olga" not in content


def test_the_municipality_choices_are_only_are(
    are: Client, requests: dict[str, BuddyRequest]
) -> None:
    html = are.get(f"/admin/ambassadors/buddyrequest/{requests['are'].id}/change/").content.decode()

    select = html[html.index('<select name="municipality"') :]
    select = select[: select.index("</select>")]
    are_id = Municipality.objects.get(name="Åre").id
    assert f'<option value="{are_id}" selected>Åre</option>' in select
    assert "Östersund" not in select


def test_ambassadors_are_scoped_by_home_municipality(
    are: Client, make_ambassador: Callable[..., Ambassador]
) -> None:
    make_ambassador("Åre", first_name="Åsa")
    other = make_ambassador("Östersund", first_name="Östen")

    html = are.get("/admin/ambassadors/ambassador/").content.decode()

    assert "Åsa" in html and "Östen" not in html
    assert are.get(f"/admin/ambassadors/ambassador/{other.id}/change/").status_code == 302


def test_a_coordinator_cannot_appoint_coordinators(are: Client) -> None:
    assert are.get("/admin/ambassadors/coordinator/").status_code == 403


def test_a_region_admin_appoints_a_coordinator_who_can_then_log_in(
    client: Client, make_coordinator: Callable[..., User], django_user_model: type[User]
) -> None:
    client.force_login(make_coordinator(region_admin=True))
    newcomer = django_user_model.objects.create_user("berg", password="a long test password")

    response = client.post(
        "/admin/ambassadors/coordinator/add/",
        {
            "user": newcomer.id,
            "municipalities": [Municipality.objects.get(name="Berg").id],
            "phone": "",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert Coordinator.objects.get(user=newcomer).municipalities.get().name == "Berg"
    newcomer.refresh_from_db()
    assert newcomer.is_staff


def test_someone_without_a_coordinator_role_cannot_use_the_admin(
    client: Client, django_user_model: type[User], requests: dict[str, BuddyRequest]
) -> None:
    client.force_login(django_user_model.objects.create_user("staff", is_staff=True))

    assert client.get("/admin/ambassadors/buddyrequest/").status_code == 403


def test_a_coordinator_activates_their_ambassadors_only(
    are: Client, make_ambassador: Callable[..., Ambassador]
) -> None:
    own = make_ambassador("Åre", first_name="Åsa")
    other = make_ambassador("Östersund", first_name="Östen")

    are.post(
        "/admin/ambassadors/ambassador/",
        {"action": "activate", "_selected_action": [own.id, other.id]},
    )

    own.refresh_from_db()
    other.refresh_from_db()
    assert (own.active, other.active) == (True, False)


def test_a_coordinator_records_a_withdrawal_and_the_consent_stays(
    are: Client, requests: dict[str, BuddyRequest]
) -> None:
    consent = consent_record(
        purpose=Consent.Purpose.BUDDY_REQUEST,
        language="sv",
        channel=Consent.Channel.WEB,
        buddy_request=requests["are"],
    )
    hidden = consent_record(
        purpose=Consent.Purpose.BUDDY_REQUEST,
        language="sv",
        channel=Consent.Channel.WEB,
        buddy_request=requests["ostersund"],
    )

    are.post(
        "/admin/ambassadors/consent/",
        {"action": "withdraw", "_selected_action": [consent.id, hidden.id]},
    )

    consent.refresh_from_db()
    hidden.refresh_from_db()
    assert consent.withdrawn_at is not None
    assert consent.withdrawal_channel == Consent.Channel.PAPER
    assert hidden.withdrawn_at is None
    assert Consent.objects.count() == 2
