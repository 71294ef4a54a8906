"""The pure engine: scores, reasons, the exact assignment, candidates."""

from __future__ import annotations

import random

import networkx as nx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching.bench import region_minutes
from matching.graph import (
    Ambassador,
    AmbassadorPool,
    Request,
    Weights,
    compatibility_graph,
    score,
    solve,
    top_candidates,
)

MINUTES = region_minutes()
OSTERSUND, KROKOM, ARE, SVEG = "2380", "2309", "2321", "2361"
# The autouse fixtures of tests/conftest.py are function-scoped; these tests use none.
PURE = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def request(
    id: str = "r1",
    preferred: str = "ar",
    languages: str = "",
    municipality: str = OSTERSUND,
    **fields: object,
) -> Request:
    return Request(
        id=id,
        preferred_language=preferred,
        languages=frozenset({preferred, *languages.split()}),
        municipality=municipality,
        **fields,  # type: ignore[arg-type]
    )


def ambassador(
    id: str = "a1", languages: str = "sv:4", municipality: str = OSTERSUND, **fields: object
) -> Ambassador:
    levels = {code: int(level) for code, level in (item.split(":") for item in languages.split())}
    return Ambassador(id=id, languages=levels, municipality=municipality, **fields)  # type: ignore[arg-type]


def test_a_household_only_one_ambassador_can_serve_is_not_starved() -> None:
    # Greedy takes the best pair first (Swedish family with Sara, same interests) and
    # leaves the Tigrinya-only household with nobody.
    only_tigrinya = request("r1", "ti", municipality=ARE)
    swedish = request("r2", "sv", interests=frozenset({"skiing", "music"}), children=2)
    sara = ambassador(
        "a1",
        "ti:4 sv:3",
        interests=frozenset({"skiing", "music"}),
        has_children=True,
        capacity=1,
    )
    erik = ambassador("a2", "sv:4", municipality=SVEG, capacity=1)
    greedy_best = score(swedish, sara, MINUTES)
    assert greedy_best is not None
    assert greedy_best.score > (score(only_tigrinya, sara, MINUTES) or greedy_best).score

    result = solve([only_tigrinya, swedish], [sara, erik], MINUTES)

    assert {(p.request, p.ambassador) for p in result.matches} == {("r1", "a1"), ("r2", "a2")}
    assert result.unmatched == []


def test_it_respects_capacity() -> None:
    requests = [request(f"r{n}", "sv") for n in range(5)]
    result = solve(requests, [ambassador("a1", capacity=2)], MINUTES)
    assert len(result.matches) == 2
    assert len(result.unmatched) == 3


def test_it_never_matches_an_excluded_pair() -> None:
    result = solve(
        [request("r1", "sv"), request("r2", "sv")],
        [ambassador("a1", capacity=1), ambassador("a2", municipality=SVEG, capacity=1)],
        MINUTES,
        exclusions=[("r1", "a1"), ("r2", "a1")],
    )
    assert [(p.request, p.ambassador) for p in result.matches] == [("r1", "a2")]
    assert result.unmatched == ["r2"]
    assert all(p.ambassador != "a1" for ps in result.candidates.values() for p in ps)


def test_capacity_zero_gives_no_edge() -> None:
    full = ambassador(capacity=0)
    assert score(request(preferred="sv"), full, MINUTES) is None
    result = solve([request(preferred="sv")], [full], MINUTES)
    assert result.matches == [] and result.unmatched == ["r1"] and result.candidates == {}
    assert compatibility_graph([request(preferred="sv")], [full], MINUTES).number_of_edges() == 0


def test_no_shared_language_gives_no_edge() -> None:
    assert (
        score(request(preferred="ar", languages="en"), ambassador(languages="sv:4"), MINUTES)
        is None
    )
    graph = compatibility_graph([request(preferred="ar")], [ambassador()], MINUTES)
    assert graph.number_of_nodes() == 2 and graph.number_of_edges() == 0


def test_the_preferred_language_beats_another_shared_language() -> None:
    household = request(preferred="ar", languages="en")
    arabic = score(household, ambassador("a1", "ar:3"), MINUTES)
    english = score(household, ambassador("a2", "en:3"), MINUTES)
    assert arabic is not None and english is not None
    assert arabic.score == 7.5  # 10 × 3/4
    assert english.score == 3.0  # 4 × 3/4
    assert arabic.reasons.preferred_language and not english.reasons.preferred_language


def test_the_language_level_counts() -> None:
    household = request(preferred="uk")
    native = score(household, ambassador("a1", "uk:4"), MINUTES)
    basic = score(household, ambassador("a2", "uk:1"), MINUTES)
    assert native is not None and basic is not None
    assert native.score == 10.0 and basic.score == 2.5


def test_distance_costs_half_as_much_when_the_ambassador_also_meets_by_video() -> None:
    household = request(preferred="sv", municipality=ARE)  # Åre-Östersund: 65 minutes
    in_person = score(household, ambassador("a1"), MINUTES)
    by_video = score(household, ambassador("a2", digital=True), MINUTES)
    assert in_person is not None and by_video is not None
    assert in_person.reasons.minutes == 65
    assert in_person.score == 10.0 - 3.25
    assert by_video.score == 10.0 - 3.25 / 2
    assert by_video.reasons.digital and not in_person.reasons.digital


def test_distance_is_from_the_nearest_place_the_ambassador_meets() -> None:
    household = request(preferred="sv", municipality=ARE)
    travels = ambassador(meets_in=frozenset({KROKOM}))  # Krokom-Åre: 45 minutes
    pairing = score(household, travels, MINUTES)
    assert pairing is not None and pairing.reasons.minutes == 45


def test_interests_needs_and_family_count_and_are_capped() -> None:
    many = frozenset({"skiing", "music", "cooking", "running", "crafts"})
    needs = frozenset({"housing", "school", "healthcare", "swedish"})
    household = request(preferred="sv", interests=many, needs=needs, children=1)
    helper = ambassador(interests=many, helps_with=needs, has_children=True)
    plain = score(request(preferred="sv"), ambassador(), MINUTES)
    full = score(household, helper, MINUTES)
    assert plain is not None and full is not None
    assert full.score - plain.score == 3 * 1.0 + 2.0 + 3 * 1.5
    assert full.reasons.interests == ("cooking", "crafts", "music", "running", "skiing")
    assert full.reasons.needs == ("healthcare", "housing", "school", "swedish")
    assert full.reasons.family
    childless = score(household, ambassador(interests=many, helps_with=needs), MINUTES)
    assert childless is not None and full.score - childless.score == 2.0


def test_the_reasons_name_the_shared_languages_best_first() -> None:
    household = request(preferred="uk", languages="en sv ru")
    pairing = score(household, ambassador(languages="sv:2 en:3 ru:4 uk:1 de:4"), MINUTES)
    assert pairing is not None
    assert pairing.reasons.languages == ("uk", "ru", "en", "sv")
    assert pairing.reasons.as_dict() == {
        "languages": ["uk", "ru", "en", "sv"],
        "preferred_language": True,
        "minutes": 0,
        "digital": False,
        "interests": [],
        "family": False,
        "needs": [],
    }


def test_weights_change_the_score() -> None:
    pairing = score(request(preferred="sv"), ambassador(), MINUTES, Weights(preferred_language=6))
    assert pairing is not None and pairing.score == 6.0


def test_an_unknown_municipality_is_an_error_that_names_it() -> None:
    try:
        solve([request(preferred="sv", municipality="9999")], [ambassador()], MINUTES)
    except KeyError as error:
        assert "9999" in str(error)
    else:  # pragma: no cover
        raise AssertionError("no error")


def test_top_candidates_are_best_first_ties_by_id_and_k_long() -> None:
    household = request(preferred="ar", languages="sv")
    pool = [
        ambassador("c", "sv:4"),
        ambassador("b", "sv:4"),
        ambassador("a", "ar:4"),
        ambassador("d", "sv:4", municipality=SVEG),
        ambassador("e", "de:4"),
    ]
    best = top_candidates(household, pool, MINUTES, k=3)
    assert [p.ambassador for p in best] == ["a", "b", "c"]
    assert [p.ambassador for p in top_candidates(household, pool, MINUTES)] == ["a", "b", "c", "d"]
    excluded = top_candidates(household, pool, MINUTES, k=2, exclusions=[("r1", "a")])
    assert [p.ambassador for p in excluded] == ["b", "c"]


def test_the_candidates_include_the_match_and_at_most_five() -> None:
    requests = [request(f"r{n}", "sv", interests=frozenset({"skiing"})) for n in range(3)]
    ambassadors = [
        ambassador(f"a{n}", interests=frozenset({"skiing"} if n < 7 else set()), capacity=1)
        for n in range(9)
    ]
    result = solve(requests, ambassadors, MINUTES)
    for match in result.matches:
        listed = result.candidates[match.request]
        assert match in listed and len(listed) == 5
        assert [p.score for p in listed] == sorted((p.score for p in listed), reverse=True)


def random_instance(
    seed: int, requests: int, ambassadors: int
) -> tuple[list[Request], list[Ambassador]]:
    rng = random.Random(seed)
    languages = ["sv", "en", "ar", "uk", "so"]
    places = sorted(MINUTES)
    interests = [f"i{n}" for n in range(20)]  # more than the lookup table takes
    needs = ["housing", "school", "swedish", "healthcare"]
    made_requests = [
        Request(
            id=f"r{n}",
            preferred_language=rng.choice(languages),
            languages=frozenset(rng.sample(languages, rng.randint(0, 2))),
            municipality=rng.choice(places),
            interests=frozenset(rng.sample(interests, rng.randint(0, 5))),
            needs=frozenset(rng.sample(needs, rng.randint(0, 4))),
            children=rng.choice([0, 0, 2]),
        )
        for n in range(requests)
    ]
    made_ambassadors = [
        Ambassador(
            id=f"a{n}",
            languages={
                code: rng.randint(1, 4) for code in rng.sample(languages, rng.randint(1, 2))
            },
            municipality=rng.choice(places),
            meets_in=frozenset(rng.sample(places, rng.randint(0, 2))),
            digital=rng.random() < 0.5,
            interests=frozenset(rng.sample(interests, rng.randint(0, 5))),
            helps_with=frozenset(rng.sample(needs, rng.randint(0, 4))),
            has_children=rng.random() < 0.5,
            capacity=rng.randint(0, 3),
        )
        for n in range(ambassadors)
    ]
    return made_requests, made_ambassadors


def independent_optimum(
    requests: list[Request], ambassadors: list[Ambassador], exclusions: set[tuple[str, str]]
) -> tuple[int, int]:
    """(matched, total millis) by networkx's blossom on capacity copies, with weights
    that put cardinality first."""
    graph: nx.Graph[tuple[str, str, int]] = nx.Graph()
    big = 10**7
    for r in requests:
        for a in ambassadors:
            pairing = score(r, a, MINUTES)
            if pairing is None or (r.id, a.id) in exclusions:
                continue
            for copy in range(a.capacity):
                graph.add_edge(
                    ("r", r.id, 0), ("a", a.id, copy), weight=big + round(pairing.score * 1000)
                )
    matching = nx.max_weight_matching(graph)
    weights = [graph.edges[edge]["weight"] for edge in matching]
    return len(weights), sum(weight - big for weight in weights)


@PURE
@given(
    st.integers(0, 10**6),
    st.integers(0, 9),
    st.integers(0, 7),
    st.integers(0, 4),
)
def test_it_matches_the_independent_optimum(
    seed: int, requests: int, ambassadors: int, excluded: int
) -> None:
    made_requests, made_ambassadors = random_instance(seed, requests, ambassadors)
    rng = random.Random(seed)
    exclusions = {
        (rng.choice(made_requests).id, rng.choice(made_ambassadors).id)
        for _ in range(excluded)
        if made_requests and made_ambassadors
    }
    result = solve(made_requests, made_ambassadors, MINUTES, exclusions)
    matched, millis = independent_optimum(made_requests, made_ambassadors, exclusions)
    assert len(result.matches) == matched
    assert round(result.objective * 1000) == millis
    load: dict[str, int] = {}
    for pairing in result.matches:
        load[pairing.ambassador] = load.get(pairing.ambassador, 0) + 1
        assert (pairing.request, pairing.ambassador) not in exclusions
    capacity = {a.id: a.capacity for a in made_ambassadors}
    assert all(load[a] <= capacity[a] for a in load)
    assert sorted(result.unmatched + [p.request for p in result.matches]) == sorted(
        r.id for r in made_requests
    )


@PURE
@given(st.integers(0, 10**6))
def test_the_vectorised_scores_equal_the_scalar_ones(seed: int) -> None:
    made_requests, made_ambassadors = random_instance(seed, 6, 6)
    graph = compatibility_graph(made_requests, made_ambassadors, MINUTES)
    for r in made_requests:
        for a in made_ambassadors:
            pairing = score(r, a, MINUTES)
            edge = graph.get_edge_data(("r", r.id), ("a", a.id))
            if pairing is None:
                assert edge is None
            else:
                assert edge is not None
                assert edge["score"] == pairing.score and edge["reasons"] == pairing.reasons
        best = AmbassadorPool(made_ambassadors, MINUTES).top_candidates(r, k=3)
        expected = sorted(
            (p for p in (score(r, a, MINUTES) for a in made_ambassadors) if p is not None),
            key=lambda p: (-p.score, p.ambassador),
        )[:3]
        assert best == expected


def test_same_input_same_output_in_any_order() -> None:
    made_requests, made_ambassadors = random_instance(7, 40, 15)
    first = solve(made_requests, made_ambassadors, MINUTES)
    shuffled_requests, shuffled_ambassadors = made_requests[:], made_ambassadors[:]
    random.Random(1).shuffle(shuffled_requests)
    random.Random(2).shuffle(shuffled_ambassadors)
    second = solve(shuffled_requests, shuffled_ambassadors, MINUTES)
    assert first.matches == second.matches
    assert first.candidates == second.candidates
    assert first.unmatched == second.unmatched


def test_the_graph_has_bipartite_nodes_with_capacity() -> None:
    graph = compatibility_graph([request(preferred="sv")], [ambassador(capacity=3)], MINUTES)
    assert graph.nodes[("r", "r1")] == {"bipartite": 0}
    assert graph.nodes[("a", "a1")] == {"bipartite": 1, "capacity": 3}
    assert graph.edges[("r", "r1"), ("a", "a1")]["score"] == 10.0


def test_duplicate_ids_are_refused() -> None:
    try:
        solve([request("r1", "sv"), request("r1", "sv")], [ambassador()], MINUTES)
    except ValueError as error:
        assert "r1" in str(error)
    else:  # pragma: no cover
        raise AssertionError("no error")
