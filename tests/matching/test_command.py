import json
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ambassadors.models import Ambassador, BuddyRequest
from matching.instance import InstanceError, instance_parse
from matching.models import MatchRun, Proposal

pytestmark = pytest.mark.django_db

EXAMPLE = {
    "ambassadors": [
        {"id": "a1", "languages": ["sv", "ar"], "municipality": "2380",
         "meets_in": ["2380", "2309"], "digital": True, "interests": ["skiing"],
         "has_children": False, "capacity": 2},
        {"id": "a2", "languages": ["sv", "ti"], "municipality": "2321", "capacity": 1},
    ],
    "requests": [
        {"id": "r1", "languages": ["ar", "en"], "preferred_language": "ar",
         "municipality": "2321", "interests": ["skiing"], "children": 1},
        {"id": "r2", "languages": ["ti"], "municipality": "2380", "favourite_colour": "blue"},
        {"id": "r3", "languages": ["so"], "municipality": "2380"},
    ],
    "exclusions": [["r2", "a1"]],
}  # fmt: skip


def match_file(tmp_path: Path, instance: object) -> dict[str, Any]:
    path = tmp_path / "instance.json"
    path.write_text(json.dumps(instance), encoding="utf-8")
    out = StringIO()
    call_command("match", "--instance", str(path), "--json", stdout=out)
    result: dict[str, Any] = json.loads(out.getvalue())
    return result


def test_an_instance_file_is_solved_without_touching_the_database(tmp_path: Path) -> None:
    result = match_file(tmp_path, EXAMPLE)

    pairs = {(m["request"], m["ambassador"]) for m in result["matches"]}
    assert pairs == {("r1", "a1"), ("r2", "a2")}
    assert result["unmatched"] == ["r3"]
    assert result["objective"] == pytest.approx(sum(m["score"] for m in result["matches"]))
    assert result["seconds"] >= 0
    r1 = next(m for m in result["matches"] if m["request"] == "r1")
    assert r1["reasons"]["interests"] == ["skiing"]
    assert r1["reasons"]["digital"] is True
    assert MatchRun.objects.count() == 0
    assert Proposal.objects.count() == 0


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (
            lambda d: d["ambassadors"][0].update(languages=["sv", "xx"]),
            "ambassador 'a1': unknown language code 'xx'",
        ),
        (
            lambda d: d["requests"][0].update(municipality="9999"),
            "request 'r1': unknown municipality code '9999'",
        ),
        (
            lambda d: d["ambassadors"][1].update(capacity=-1),
            "ambassador 'a2': \"capacity\" cannot be negative",
        ),
        (
            lambda d: d["requests"].append(
                {"id": "r1", "languages": ["sv"], "municipality": "2380"}
            ),
            "Request 'r1' appears twice",
        ),
        (lambda d: d["exclusions"].append(["r9", "a1"]), "no request 'r9'"),
        (lambda d: d["ambassadors"][0].update(languages={"sv": "superb"}), "level 'superb'"),
    ],
)
def test_bad_input_names_the_item(change: Callable[[dict[str, Any]], None], words: str) -> None:
    data = json.loads(json.dumps(EXAMPLE))
    change(data)

    with pytest.raises(InstanceError) as error:
        instance_parse(data, languages={"sv", "ar", "ti", "so", "en"},
                       municipalities={"2380", "2321", "2309"})  # fmt: skip

    assert words in str(error.value)


def test_bad_input_exits_with_2_and_writes_nothing(tmp_path: Path) -> None:
    data = json.loads(json.dumps(EXAMPLE))
    data["requests"][0]["preferred_language"] = "klingon"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")

    with pytest.raises(CommandError) as error:
        call_command("match", "--instance", str(path), "--json")

    assert error.value.returncode == 2
    assert "unknown language code 'klingon'" in str(error.value)
    assert MatchRun.objects.count() == 0


def test_malformed_json_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"requests": [', encoding="utf-8")

    with pytest.raises(CommandError, match="not valid JSON") as error:
        call_command("match", "--instance", str(path))

    assert error.value.returncode == 2


def test_a_dry_run_stores_nothing(
    ambassador: Callable[..., Ambassador], household: Callable[..., BuddyRequest]
) -> None:
    ambassador("Östersund", "ar:4")
    amina = household("Östersund", "ar")
    out = StringIO()

    call_command("match", "--dry-run", "--json", stdout=out)

    result = json.loads(out.getvalue())
    assert [m["request"] for m in result["matches"]] == [str(amina.id)]
    assert MatchRun.objects.count() == 0
    assert Proposal.objects.count() == 0


def test_the_command_stores_a_run(
    ambassador: Callable[..., Ambassador], household: Callable[..., BuddyRequest]
) -> None:
    ambassador("Östersund", "ar:4")
    household("Östersund", "ar")
    household("Östersund", "th")
    out = StringIO()

    call_command("match", stdout=out)

    assert "1 proposals for 2 waiting requests" in out.getvalue()
    assert MatchRun.objects.get().trigger == MatchRun.Trigger.COMMAND
    assert Proposal.objects.count() == 1
