"""Report column widths fitted to their text: wide characters count two, the widest value
and a margin decide, within the template's minimum and a cap."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from titletemplate.reports.printing import MAX_WIDTH, MIN_WIDTH, WidthFit, fit_widths, text_width


def test_wide_characters_count_two_and_the_longest_line_decides() -> None:
    assert [text_width(v) for v in ("abc", "日照市", "A1 日照", 12345, "ab\n日照市教育局")] == [
        3, 6, 7, 5, 12,
    ]  # fmt: skip


def test_the_widest_value_plus_a_margin_within_the_minimum_and_the_cap() -> None:
    rows = [["a", "日照市第一中学", "x" * 200], ["abcdef", "", None]]
    assert fit_widths(rows, 4, minimum=[10, 4, 4, 7]) == [10, 16, MAX_WIDTH, 7]


def test_a_sheet_is_measured_on_its_first_rows_only() -> None:
    fit = WidthFit(1, [4])
    for n in range(3000):
        fit.add([str(n)])
    fit.add(["x" * 50])  # past the rows measured
    assert fit.widths == [6] and fit.rows == 2000


_cells = st.one_of(
    st.none(),
    st.sampled_from(["", "1", "1.0", "True", "日照", "a\nbb"]),
    st.text(max_size=8),
    st.integers(-5, 5),
    st.floats(allow_nan=False, allow_infinity=False, width=16),
    st.booleans(),
)


@given(st.lists(st.lists(_cells, max_size=5), max_size=8), st.integers(0, 6))
def test_widths_measured_once_per_distinct_value_equal_each_cell_measured(
    rows: list[list[object]], columns: int
) -> None:
    expected = [MIN_WIDTH] * columns
    for row in rows:
        for i, value in enumerate(row[:columns]):
            if value is not None and value != "":
                expected[i] = max(expected[i], min(text_width(value) + 2, MAX_WIDTH))
    assert fit_widths(rows, columns) == expected
    assert fit_widths(iter(rows), columns) == expected
