"""The benchmark's own report, on a small instance."""

from __future__ import annotations

import json

import pytest

from matching import bench


def test_the_benchmark_reports_an_optimal_run(capsys: pytest.CaptureFixture[str]) -> None:
    assert bench.main(["--requests", "200", "--ambassadors", "60", "--pool", "500"]) == 0
    report = json.loads(capsys.readouterr().out)
    for key in (
        "graph_seconds",
        "assign_seconds",
        "engine_seconds",
        "edges",
        "matched",
        "max_matchable",
        "objective",
        "exact_objective",
        "exact_matched",
        "exact_seconds",
        "matrix_seconds",
        "objective_equal",
        "top5_ms",
    ):
        assert key in report
    assert report["matched"] == report["max_matchable"] == report["exact_matched"]
    assert report["objective_equal"] is True
    assert report["edges"] > 0


def test_the_travel_table_is_symmetric_with_shortest_paths() -> None:
    minutes = bench.region_minutes()
    assert len(minutes) == 8
    assert minutes["2380"]["2380"] == 0
    assert minutes["2321"]["2380"] == minutes["2380"]["2321"] == 65  # via Krokom
    assert minutes["2361"]["2305"] == 70 + 55 + 55  # Sveg-Svenstavik-Östersund-Bräcke
