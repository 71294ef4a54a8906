"""The exact assignment on plain matrices, against scipy's dense solver."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray
from scipy.optimize import linear_sum_assignment

from matching import assign
from matching.assign import NO_EDGE, b_matching, is_edge

PURE = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def dense_optimum(matrix: NDArray[np.int32], capacity: NDArray[np.int64]) -> tuple[int, int]:
    owner = np.repeat(np.arange(matrix.shape[1]), capacity)
    expanded = matrix[:, owner]
    if expanded.size == 0:
        return 0, 0
    big = 10**9
    cost = np.where(is_edge(expanded), -(big + expanded.astype(np.float64)), 0.0)
    rows, columns = linear_sum_assignment(cost)
    real = is_edge(expanded[rows, columns])
    return int(real.sum()), int(expanded[rows, columns][real].astype(np.int64).sum())


@PURE
@given(
    st.integers(0, 10**6),
    st.integers(1, 40),
    st.integers(1, 15),
    st.floats(0.05, 1.0),
)
def test_it_finds_the_dense_optimum_even_when_the_first_part_misses_it(
    seed: int, rows: int, columns: int, density: float
) -> None:
    rng = np.random.default_rng(seed)
    # Few distinct values: many ties, the hard case for pruning and determinism.
    matrix = rng.integers(-5, 6, size=(rows, columns)).astype(np.int32) * 500
    matrix[rng.random(matrix.shape) > density] = NO_EDGE
    capacity = rng.integers(0, 4, size=columns).astype(np.int64)
    matrix[:, capacity == 0] = NO_EDGE
    result = b_matching(matrix, capacity, score_range=(-2500, 2500))
    matched = result.columns >= 0
    assert np.all(is_edge(matrix[np.flatnonzero(matched), result.columns[matched]]))
    assert np.all(np.bincount(result.columns[matched], minlength=columns) <= capacity)
    expected_count, expected_total = dense_optimum(matrix, capacity)
    assert int(matched.sum()) == expected_count
    total = int(matrix[np.flatnonzero(matched), result.columns[matched]].astype(np.int64).sum())
    assert total == expected_total


def test_a_first_part_that_misses_the_optimum_is_repaired_in_more_rounds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The first part keeps only each row's single best edge, and everyone likes column
    # 0 best: that part can match one row; the check must find the rest.
    monkeypatch.setattr(assign, "ROW_KEEP", 1)
    monkeypatch.setattr(
        assign,
        "_column_thresholds",
        lambda matrix, capacity, extra: np.full(matrix.shape[1], 2**30, dtype=np.int32),
    )
    rng = np.random.default_rng(3)
    matrix = rng.integers(0, 30, size=(60, 12)).astype(np.int32) * 100
    matrix[:, 0] = 5000
    capacity = rng.integers(1, 4, size=12).astype(np.int64)
    result = b_matching(matrix, capacity, score_range=(0, 5000), best=1)
    assert result.rounds > 1
    matched = result.columns >= 0
    total = int(matrix[np.flatnonzero(matched), result.columns[matched]].sum())
    assert (int(matched.sum()), total) == dense_optimum(matrix, capacity)


def test_the_best_columns_are_ordered_with_ties_by_column() -> None:
    matrix = np.array([[5, 7, 7, 1, 7, 3, 7, 7, 0]], dtype=np.int32)
    matrix[0, 8] = NO_EDGE
    result = b_matching(matrix, np.ones(9, dtype=np.int64), score_range=(0, 7), best=5)
    assert result.best.tolist() == [[1, 2, 4, 6, 7]]
    assert result.columns.tolist() == [1]


def test_no_edges_means_nobody_is_matched() -> None:
    matrix = np.full((3, 2), NO_EDGE, dtype=np.int32)
    result = b_matching(matrix, np.ones(2, dtype=np.int64), score_range=(0, 0))
    assert result.columns.tolist() == [-1, -1, -1]
    assert result.edges == 0


def test_it_checks_in_int64_when_the_potentials_outgrow_int32() -> None:
    # Scores near the limit and more places than rows: a column with room is priced at
    # the cardinality weight, too large for the int32 check. The answer must not change.
    rng = np.random.default_rng(7)
    matrix = rng.integers(-240_000, 240_001, size=(320, 200)).astype(np.int32)
    matrix[rng.random(matrix.shape) > 0.05] = NO_EDGE
    capacity = rng.integers(1, 4, size=200).astype(np.int64)
    result = b_matching(matrix, capacity, score_range=(-240_000, 240_000))
    matched = result.columns >= 0
    total = int(matrix[np.flatnonzero(matched), result.columns[matched]].astype(np.int64).sum())
    assert (int(matched.sum()), total) == dense_optimum(matrix, capacity)
