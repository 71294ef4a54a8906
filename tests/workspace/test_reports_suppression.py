"""Small-cell suppression: no count of 1 to 4 people shows, and none can be worked out."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from workspace.reports.suppression import suppress, with_totals

# Mostly small counts, so that tables are full of cells to hide; now and then a large one.
counts = st.one_of(st.integers(0, 6), st.integers(0, 6), st.integers(0, 60))
tables = st.integers(1, 6).flatmap(
    lambda width: st.lists(st.lists(counts, min_size=width, max_size=width), min_size=1, max_size=7)
)


def equations(table: list[list[int]], hidden: frozenset[tuple[int, int]]) -> np.ndarray:
    """What a reader knows about the hidden cells: each row and column adds up to its total.

    One row per equation, one column per hidden cell (in sorted order); the
    known cells only move the right-hand side, which does not matter here.
    """
    height, width = len(table), len(table[0])
    unknowns = sorted(hidden)
    lines: list[list[float]] = []
    for row in range(height):
        lines.append([(-1.0 if c == width - 1 else 1.0) if r == row else 0.0 for r, c in unknowns])
    for column in range(width):
        lines.append(
            [(-1.0 if r == height - 1 else 1.0) if c == column else 0.0 for r, c in unknowns]
        )
    return np.array(lines).reshape(len(lines), len(unknowns))


def can_be_worked_out(table: list[list[int]], hidden: frozenset[tuple[int, int]]) -> list[int]:
    """Indexes (in sorted order) of the hidden cells the equations pin down to one value."""
    known = equations(table, hidden)
    rank = np.linalg.matrix_rank(known) if known.size else 0
    pinned = []
    for index in range(len(hidden)):
        alone = np.zeros((1, len(hidden)))
        alone[0, index] = 1.0
        if np.linalg.matrix_rank(np.vstack([known, alone])) == rank:
            pinned.append(index)
    return pinned


@settings(max_examples=400, deadline=None)
@given(tables)
def test_every_count_of_one_to_four_is_hidden_totals_included(cells: list[list[int]]) -> None:
    table, hidden = suppress(cells)

    for row, values in enumerate(table):
        for column, value in enumerate(values):
            if 1 <= value <= 4:
                assert (row, column) in hidden


@settings(max_examples=400, deadline=None)
@given(tables)
def test_no_hidden_cell_can_be_worked_out_from_the_totals(cells: list[list[int]]) -> None:
    table, hidden = suppress(cells)

    assert can_be_worked_out(table, hidden) == []


@settings(max_examples=200, deadline=None)
@given(tables)
def test_no_row_or_column_has_a_single_hidden_cell(cells: list[list[int]]) -> None:
    table, hidden = suppress(cells)

    for row in range(len(table)):
        assert sum((row, column) in hidden for column in range(len(table[0]))) != 1
    for column in range(len(table[0])):
        assert sum((row, column) in hidden for row in range(len(table))) != 1


@settings(max_examples=200, deadline=None)
@given(tables)
def test_the_totals_are_the_sums_and_the_cells_are_untouched(cells: list[list[int]]) -> None:
    table, _ = suppress(cells)

    assert [row[:-1] for row in table[:-1]] == cells
    assert [row[-1] for row in table[:-1]] == [sum(row) for row in cells]
    assert table[-1][-1] == sum(map(sum, cells))
    assert table == with_totals(cells)


@given(st.lists(st.lists(st.integers(5, 500), min_size=3, max_size=3), min_size=1, max_size=5))
def test_a_table_without_small_counts_hides_nothing(cells: list[list[int]]) -> None:
    assert suppress(cells)[1] == frozenset()


def test_a_lone_small_cell_takes_the_smallest_other_count_of_its_row_and_column() -> None:
    table, hidden = suppress([[3, 7, 20], [9, 6, 30], [40, 50, 60]])

    # 3 is hidden; 7 is the smallest beside it in its row, 9 in its column,
    # and 6 then keeps the second row and the second column from having one each.
    assert hidden == {(0, 0), (0, 1), (1, 0), (1, 1)}
    assert table[0] == [3, 7, 20, 30]


def test_hidden_cells_that_could_be_solved_through_a_bridge_get_a_partner() -> None:
    # Two separate blocks of small counts, each safe on its own, joined by one
    # small count: that one is pinned down unless another cell joins the blocks.
    cells = [
        [2, 2, 1, 0, 50],
        [2, 2, 0, 0, 50],
        [0, 0, 2, 2, 50],
        [0, 0, 2, 2, 50],
        [50, 50, 50, 50, 50],
    ]

    table, hidden = suppress(cells)

    assert can_be_worked_out(table, hidden) == []


def test_a_table_with_nothing_to_break_down_by_is_all_zeros_and_hides_nothing() -> None:
    assert suppress([[], []]) == ([[0], [0], [0]], frozenset())
