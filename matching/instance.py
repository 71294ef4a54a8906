"""Read a matching instance from JSON, for `manage.py match --instance FILE`.

Pure code: the known language and municipality codes are passed in. Unknown
fields are ignored and missing optional fields take the engine's defaults;
anything else that is wrong is an InstanceError naming the item.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from matching.graph import Ambassador, Request

LEVELS = {"basic": 1, "conversational": 2, "fluent": 3, "native": 4}
# A language listed without a level counts as spoken fluently.
DEFAULT_LEVEL = LEVELS["fluent"]


class InstanceError(ValueError):
    pass


@dataclass(frozen=True)
class Instance:
    requests: list[Request]
    ambassadors: list[Ambassador]
    exclusions: set[tuple[str, str]]


@dataclass(frozen=True)
class _Codes:
    languages: Collection[str]
    municipalities: Collection[str]


def _identifier(item: Mapping[str, Any], where: str) -> str:
    value = item.get("id")
    if isinstance(value, bool) or not isinstance(value, str | int) or value == "":
        raise InstanceError(f'{where}: every item needs an "id" (a string or a number).')
    return str(value)


def _strings(item: Mapping[str, Any], key: str, where: str) -> list[str]:
    value = item.get(key, [])
    if not isinstance(value, list) or not all(isinstance(entry, str) for entry in value):
        raise InstanceError(f'{where}: "{key}" must be a list of strings.')
    return value


def _flag(item: Mapping[str, Any], key: str, where: str) -> bool:
    value = item.get(key, False)
    if not isinstance(value, bool):
        raise InstanceError(f'{where}: "{key}" must be true or false.')
    return value


def _count(item: Mapping[str, Any], key: str, default: int, where: str) -> int:
    value = item.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise InstanceError(f'{where}: "{key}" must be a whole number.')
    if value < 0:
        raise InstanceError(f'{where}: "{key}" cannot be negative ({value}).')
    return int(value)


def _language(code: object, codes: _Codes, where: str) -> str:
    if not isinstance(code, str) or code not in codes.languages:
        raise InstanceError(f"{where}: unknown language code {code!r}.")
    return code


def _municipality(code: object, codes: _Codes, where: str) -> str:
    if not isinstance(code, str) or code not in codes.municipalities:
        raise InstanceError(f"{where}: unknown municipality code {code!r}.")
    return code


def _levels(item: Mapping[str, Any], codes: _Codes, where: str) -> dict[str, int]:
    value = item.get("languages", [])
    if isinstance(value, list):
        return {_language(code, codes, where): DEFAULT_LEVEL for code in value}
    if isinstance(value, dict):
        levels = {}
        for code, level in value.items():
            if level not in LEVELS and level not in LEVELS.values():
                raise InstanceError(
                    f"{where}: level {level!r} of {code!r} must be 1-4 or one of "
                    f"{', '.join(LEVELS)}."
                )
            levels[_language(code, codes, where)] = (
                level if isinstance(level, int) else LEVELS[level]
            )
        return levels
    raise InstanceError(f'{where}: "languages" must be a list of codes or a code → level map.')


def _ambassador(item: Mapping[str, Any], codes: _Codes, where: str) -> Ambassador:
    return Ambassador(
        id=_identifier(item, where),
        languages=_levels(item, codes, where),
        municipality=_municipality(item.get("municipality"), codes, where),
        meets_in=frozenset(
            _municipality(code, codes, where) for code in _strings(item, "meets_in", where)
        ),
        digital=_flag(item, "digital", where),
        interests=frozenset(_strings(item, "interests", where)),
        helps_with=frozenset(_strings(item, "helps_with", where)),
        has_children=_flag(item, "has_children", where),
        capacity=_count(item, "capacity", 2, where),
    )


def _request(item: Mapping[str, Any], codes: _Codes, where: str) -> Request:
    languages = [_language(code, codes, where) for code in _strings(item, "languages", where)]
    preferred = item.get("preferred_language", languages[0] if languages else None)
    if preferred is None:
        raise InstanceError(f'{where}: give "languages" or "preferred_language".')
    preferred = _language(preferred, codes, where)
    return Request(
        id=_identifier(item, where),
        preferred_language=preferred,
        languages=frozenset({preferred, *languages}),
        municipality=_municipality(item.get("municipality"), codes, where),
        interests=frozenset(_strings(item, "interests", where)),
        needs=frozenset(_strings(item, "needs", where)),
        children=_count(item, "children", 0, where),
    )


def _items(data: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    items = data.get(key, [])
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise InstanceError(f'"{key}" must be a list of objects.')
    return items


def _unique(ids: list[str], kind: str) -> None:
    seen: set[str] = set()
    for identifier in ids:
        if identifier in seen:
            raise InstanceError(f"{kind} {identifier!r} appears twice.")
        seen.add(identifier)


def instance_parse(
    data: object, *, languages: Collection[str], municipalities: Collection[str]
) -> Instance:
    if not isinstance(data, dict):
        raise InstanceError("The instance must be a JSON object.")
    codes = _Codes(languages=languages, municipalities=municipalities)
    ambassadors = [
        _ambassador(item, codes, f"ambassador {item.get('id', index)!r}")
        for index, item in enumerate(_items(data, "ambassadors"))
    ]
    requests = [
        _request(item, codes, f"request {item.get('id', index)!r}")
        for index, item in enumerate(_items(data, "requests"))
    ]
    _unique([a.id for a in ambassadors], "Ambassador")
    _unique([r.id for r in requests], "Request")
    request_ids = {r.id for r in requests}
    ambassador_ids = {a.id for a in ambassadors}
    exclusions: set[tuple[str, str]] = set()
    pairs = data.get("exclusions", [])
    if not isinstance(pairs, list):
        raise InstanceError('"exclusions" must be a list of [request, ambassador] pairs.')
    for pair in pairs:
        if not (isinstance(pair, list) and len(pair) == 2):
            raise InstanceError(f"Exclusion {pair!r} must be a [request, ambassador] pair.")
        request_id, ambassador_id = (str(part) for part in pair)
        if request_id not in request_ids:
            raise InstanceError(f"Exclusion {pair!r}: no request {request_id!r}.")
        if ambassador_id not in ambassador_ids:
            raise InstanceError(f"Exclusion {pair!r}: no ambassador {ambassador_id!r}.")
        exclusions.add((request_id, ambassador_id))
    return Instance(requests=requests, ambassadors=ambassadors, exclusions=exclusions)
