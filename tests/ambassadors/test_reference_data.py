import networkx as nx
import pytest

from ambassadors.models import Interest, Language, Municipality, Need
from ambassadors.selectors import travel_graph, travel_minutes

pytestmark = pytest.mark.django_db

SEATS = {
    "2303": ("Ragunda", "Hammarstrand"),
    "2305": ("Bräcke", "Bräcke"),
    "2309": ("Krokom", "Krokom"),
    "2313": ("Strömsund", "Strömsund"),
    "2321": ("Åre", "Järpen"),
    "2326": ("Berg", "Svenstavik"),
    "2361": ("Härjedalen", "Sveg"),
    "2380": ("Östersund", "Östersund"),
}


def test_migrations_create_the_eight_municipalities_with_their_codes_and_seats() -> None:
    found = {m.code: (m.name, m.seat) for m in Municipality.objects.all()}

    assert found == SEATS


def test_every_seat_lies_inside_jamtland_harjedalen() -> None:
    for municipality in Municipality.objects.all():
        assert 61.5 < municipality.latitude < 65.2, municipality
        assert 11.9 < municipality.longitude < 17.2, municipality


def test_the_travel_graph_joins_every_municipality() -> None:
    graph = travel_graph()

    assert set(graph.nodes) == set(SEATS)
    assert nx.is_connected(graph)
    assert all(data["minutes"] > 0 for _a, _b, data in graph.edges(data=True))


def test_travel_minutes_follow_the_shortest_road() -> None:
    minutes = travel_minutes()

    # Järpen to Östersund runs along the E14 through Krokom: 45 + 20 minutes.
    assert minutes["2321"]["2380"] == 65
    assert minutes["2380"]["2321"] == 65
    # Sveg is reached through Svenstavik.
    assert minutes["2361"]["2380"] == 70 + 55
    assert minutes["2380"]["2380"] == 0


def test_a_caller_cannot_change_the_shared_travel_graph() -> None:
    travel_graph().remove_node("2380")

    assert "2380" in travel_graph()


@pytest.mark.parametrize(
    "code",
    "sv en ar so ti prs fa ku uk ru pl de nl es fr th tr hi zh".split(),
)
def test_the_languages_the_region_needs_are_there_with_three_names(code: str) -> None:
    language = Language.objects.get(code=code)

    assert language.name_native and language.name_sv and language.name_en


def test_right_to_left_scripts_are_marked() -> None:
    rtl = set(Language.objects.filter(right_to_left=True).values_list("code", flat=True))

    assert {"ar", "fa", "prs"} <= rtl
    assert "sv" not in rtl


def test_a_language_is_named_for_its_reader() -> None:
    arabic = Language.objects.get(code="ar")

    assert arabic.display_name("sv") == "arabiska"
    assert arabic.display_name("en") == "Arabic"
    assert arabic.display_name("ar") == "العربية"
    assert arabic.display_name("uk") == "العربية (Arabic)"


def test_the_catalogues_hold_interests_and_needs_in_four_languages() -> None:
    assert Interest.objects.filter(slug__in=["outdoor-life", "skiing", "parenting"]).count() == 3
    housing = Need.objects.get(slug="housing")
    assert housing.display_name("sv") == "Bostad"
    assert housing.display_name("uk") == "Житло"
    assert Need.objects.filter(name_ar="").count() == 0
    assert Need.objects.count() == 8


def test_a_language_named_the_same_in_english_is_not_named_twice() -> None:
    assert Language.objects.get(code="en").display_name("ar") == "English"
