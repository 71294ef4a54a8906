"""Benchmark the matching engine on generated instances of the region.

    python -m matching.bench --requests 2000 --ambassadors 500 [--seed 1] [--pool 10000]

Prints one JSON object: the engine's times, how many households it matched against
the most that can be, its objective against an independent exact optimum (scipy's
dense `linear_sum_assignment` on the capacity-expanded matrix) and that solver's own
time in the same run, and the median time of one request's top five against a pool.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Sequence

import networkx as nx
import numpy as np
import scipy.sparse as sp
from scipy.optimize import linear_sum_assignment
from scipy.sparse.csgraph import maximum_flow

from matching.assign import is_edge
from matching.graph import Ambassador, AmbassadorPool, Request, Weights, solve

# The travel graph of ambassadors/migrations/0002_reference_data.py (ROADS): from, to,
# driving minutes. Copied so the benchmark needs no database; keep the two in step.
ROADS = [
    ("2380", "2309", 20),
    ("2309", "2321", 45),
    ("2380", "2305", 55),
    ("2380", "2326", 55),
    ("2326", "2361", 70),
    ("2380", "2313", 80),
    ("2309", "2313", 85),
    ("2380", "2303", 80),
    ("2305", "2303", 50),
    ("2313", "2303", 75),
    ("2321", "2326", 85),
]

# Share of the population per municipality (Östersund, Krokom, Åre, Härjedalen,
# Strömsund, Berg, Ragunda, Bräcke).
POPULATION = {
    "2380": 45,
    "2309": 12,
    "2321": 12,
    "2361": 7,
    "2313": 7,
    "2326": 6,
    "2303": 3,
    "2305": 3,
}

# Newcomers' preferred languages, roughly as they arrive in the region.
NEWCOMER_LANGUAGES = {
    "ar": 18,
    "uk": 14,
    "so": 9,
    "ti": 8,
    "prs": 7,
    "pl": 6,
    "de": 5,
    "th": 5,
    "nl": 4,
    "en": 4,
    "fa": 4,
    "ru": 3,
    "tr": 3,
    "es": 3,
    "ro": 2,
    "ku": 2,
    "am": 2,
    "fi": 1,
}
# Second languages that come with a first one.
ALSO_SPOKEN = {"uk": "ru", "prs": "fa", "fa": "prs", "ti": "am", "so": "ar", "ku": "ar"}

# The catalogue slugs of ambassadors/migrations/0002_reference_data.py.
INTERESTS = [
    "outdoor-life",
    "mountain-hiking",
    "skiing",
    "hunting-fishing",
    "cooking",
    "music",
    "football",
    "ice-hockey",
    "running",
    "crafts",
    "gaming",
    "reading",
    "parenting",
]
NEEDS = [
    "housing",
    "partner-work",
    "school",
    "healthcare",
    "swedish",
    "leisure",
    "getting-around",
    "authorities",
]


def region_minutes() -> dict[str, dict[str, int]]:
    """Shortest driving minutes between every two municipalities of the region."""
    roads: nx.Graph[str] = nx.Graph()
    roads.add_nodes_from(POPULATION)
    roads.add_weighted_edges_from(ROADS, weight="minutes")
    return {
        start: {end: int(minutes) for end, minutes in lengths.items()}
        for start, lengths in nx.all_pairs_dijkstra_path_length(roads, weight="minutes")
    }


def _pick(rng: np.random.Generator, shares: dict[str, int], size: int) -> list[str]:
    keys = list(shares)
    weights = np.array([shares[key] for key in keys], dtype=float)
    return [keys[i] for i in rng.choice(len(keys), size=size, p=weights / weights.sum())]


def _subset(rng: np.random.Generator, items: Sequence[str], most: int) -> frozenset[str]:
    count = int(rng.integers(0, most + 1))
    return frozenset(items[i] for i in rng.choice(len(items), size=count, replace=False))


def generate_requests(count: int, seed: int) -> list[Request]:
    rng = np.random.default_rng([seed, 1])
    places = _pick(rng, POPULATION, count)
    preferred = _pick(rng, NEWCOMER_LANGUAGES, count)
    requests = []
    for n in range(count):
        languages = {preferred[n]}
        if rng.random() < 0.6:
            languages.add("en")
        if rng.random() < 0.3:
            languages.add("sv")
        if preferred[n] in ALSO_SPOKEN and rng.random() < 0.4:
            languages.add(ALSO_SPOKEN[preferred[n]])
        requests.append(
            Request(
                id=f"r{n:06d}",
                preferred_language=preferred[n],
                languages=frozenset(languages),
                municipality=places[n],
                interests=_subset(rng, INTERESTS, 4),
                needs=_subset(rng, NEEDS, 3),
                children=int(rng.integers(1, 4)) if rng.random() < 0.4 else 0,
            )
        )
    return requests


def generate_ambassadors(
    count: int, seed: int, minutes: dict[str, dict[str, int]]
) -> list[Ambassador]:
    rng = np.random.default_rng([seed, 2])
    places = _pick(rng, POPULATION, count)
    native = _pick(rng, NEWCOMER_LANGUAGES, count)
    ambassadors = []
    for n in range(count):
        if rng.random() < 0.5:
            # Swedish-born: Swedish, nearly always English, sometimes a school language.
            languages = {"sv": 4}
            if rng.random() < 0.85:
                languages["en"] = int(rng.integers(2, 4))
            if rng.random() < 0.2:
                languages[str(rng.choice(["de", "es", "fr"]))] = int(rng.integers(1, 3))
        else:
            # Moved here earlier: their own language, Swedish learnt, often English.
            languages = {native[n]: 4, "sv": int(rng.integers(2, 4))}
            if rng.random() < 0.6:
                languages.setdefault("en", int(rng.integers(2, 4)))
            if native[n] in ALSO_SPOKEN and rng.random() < 0.3:
                languages.setdefault(ALSO_SPOKEN[native[n]], int(rng.integers(2, 5)))
        home = places[n]
        near = sorted(place for place, m in minutes[home].items() if 0 < m <= 60)
        meets = frozenset(near[: int(rng.integers(0, 3))]) if rng.random() < 0.4 else frozenset()
        ambassadors.append(
            Ambassador(
                id=f"a{n:06d}",
                languages=languages,
                municipality=home,
                meets_in=meets,
                digital=bool(rng.random() < 0.4),
                interests=_subset(rng, INTERESTS, 4),
                helps_with=_subset(rng, NEEDS, 4),
                has_children=bool(rng.random() < 0.4),
                capacity=int(rng.integers(1, 4)),
            )
        )
    return ambassadors


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def exact_dense(
    requests: Sequence[Request],
    ambassadors: Sequence[Ambassador],
    minutes: dict[str, dict[str, int]],
    weights: Weights | None = None,
) -> dict[str, float | int]:
    """The optimum by scipy's dense linear_sum_assignment, independent of the engine's
    solver (it shares only the scores). Rows are requests, columns capacity slots."""
    started = time.perf_counter()
    pool = AmbassadorPool([a for a in ambassadors if a.capacity > 0], minutes, weights or Weights())
    millis = pool._matrix(pool._batch(requests))
    low, high = pool.score_range
    slots = min(len(requests), int(pool.capacity.sum()))
    # Cardinality first: every edge is worth more than any total score difference.
    big = (slots + 1) * (abs(low) + abs(high) + 1)
    owner = np.repeat(np.arange(len(pool)), pool.capacity)
    expanded = millis[:, owner]
    cost = np.where(is_edge(expanded), -(big + expanded.astype(np.float64)), 0.0)
    built = time.perf_counter()
    rows, columns = linear_sum_assignment(cost)
    solved = time.perf_counter()
    real = is_edge(expanded[rows, columns])
    return {
        "exact_matched": int(real.sum()),
        "exact_objective": int(expanded[rows, columns][real].astype(np.int64).sum()) / 1000,
        "exact_seconds": solved - built,
        "matrix_seconds": built - started,
    }


def max_matchable(
    requests: Sequence[Request],
    ambassadors: Sequence[Ambassador],
    minutes: dict[str, dict[str, int]],
) -> int:
    """The most requests that can be matched, by maximum flow (no scores involved)."""
    pool = AmbassadorPool([a for a in ambassadors if a.capacity > 0], minutes)
    millis = pool._matrix(pool._batch(requests))
    rows, columns = np.nonzero(is_edge(millis))
    r, a = len(requests), len(pool)
    source, sink = r + a, r + a + 1
    starts = np.concatenate([np.full(r, source), rows, r + np.arange(a)])
    ends = np.concatenate([np.arange(r), r + columns, np.full(a, sink)])
    capacity = np.concatenate([np.ones(r + len(rows), dtype=np.int32), pool.capacity])
    network = sp.csr_array(
        (capacity.astype(np.int32), (starts, ends)), shape=(r + a + 2, r + a + 2)
    )
    return int(maximum_flow(network, source, sink, method="dinic").flow_value)


def top5_milliseconds(pool_size: int, seed: int, calls: int = 50) -> float:
    minutes = region_minutes()
    pool = AmbassadorPool(generate_ambassadors(pool_size, seed + 1, minutes), minutes)
    times = []
    for request in generate_requests(calls, seed + 1):
        started = time.perf_counter()
        pool.top_candidates(request, k=5)
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def run(requests: int, ambassadors: int, seed: int = 1, pool: int = 10_000) -> dict[str, object]:
    minutes = region_minutes()
    _progress(f"generating {requests} requests and {ambassadors} ambassadors (seed {seed})")
    request_list = generate_requests(requests, seed)
    ambassador_list = generate_ambassadors(ambassadors, seed, minutes)
    _progress("engine")
    result = solve(request_list, ambassador_list, minutes)
    _progress(f"engine took {result.timings['total']:.3f} s; maximum flow")
    most = max_matchable(request_list, ambassador_list, minutes)
    _progress("dense exact solver")
    exact = exact_dense(request_list, ambassador_list, minutes)
    _progress(f"dense solver took {exact['exact_seconds']:.3f} s; top five against {pool}")
    top5 = top5_milliseconds(pool, seed)
    objective, optimum = result.objective, float(exact["exact_objective"])
    stats = result.timings
    return {
        "requests": requests,
        "ambassadors": ambassadors,
        "seed": seed,
        "graph_seconds": round(stats["graph"], 4),
        "assign_seconds": round(stats["assign"], 4),
        "engine_seconds": round(stats["graph"] + stats["assign"], 4),
        "explain_seconds": round(stats["explain"], 4),
        "total_seconds": round(stats["total"], 4),
        "edges": result.stats["edges"],
        "kept_edges": result.stats["kept"],
        "rounds": result.stats["rounds"],
        "matched": len(result.matches),
        "max_matchable": most,
        "objective": objective,
        "exact_objective": optimum,
        "exact_matched": exact["exact_matched"],
        "objective_equal": abs(objective - optimum) <= 1e-6 * max(1.0, abs(optimum)),
        "exact_seconds": round(float(exact["exact_seconds"]), 4),
        "matrix_seconds": round(float(exact["matrix_seconds"]), 4),
        "engine_within_exact": stats["graph"] + stats["assign"] <= exact["exact_seconds"],
        "top5_ms": round(top5, 3),
        "top5_pool": pool,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m matching.bench", description=__doc__)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--ambassadors", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--pool", type=int, default=10_000, help="ambassadors in the top-five measurement"
    )
    arguments = parser.parse_args(argv)
    report = run(arguments.requests, arguments.ambassadors, arguments.seed, arguments.pool)
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
