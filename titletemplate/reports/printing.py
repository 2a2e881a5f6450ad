"""How the report workbooks print, like the template: A4 landscape, one page wide, the title
and header rows repeated, "第 N 页 共 M 页" in the footer, column widths fitted to the text."""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable, Sequence

from .. import sheettexts
from ..ooxml import fastxlsx

MIN_WIDTH = 4.0  # characters
MAX_WIDTH = 60.0
FIT_ROWS = 2000  # longer text wraps onto more lines in print rather than widen the page


def page(first: int, last: int) -> fastxlsx.Page:
    """The print setup of a report sheet whose rows first..last (0-based) repeat on each
    page, with the template's footer."""
    return fastxlsx.Page((first, last), sheettexts.FOOTER)


class WidthFit:
    """Column widths fitted to the text of a sheet's first rows: the header rows and
    FIT_ROWS data rows decide (a consolidated sheet may hold 100,000 rows; measuring every
    cell would cost more than writing it)."""

    def __init__(self, columns: int, minimum: Sequence[float] = ()) -> None:
        self.widths = fit_widths((), columns, minimum=minimum)
        self.rows = 0

    def add(self, row: Sequence[object]) -> None:
        if self.rows < FIT_ROWS:
            self.rows += 1
            self.widths = fit_widths([row], len(self.widths), minimum=self.widths)


def text_width(value: object) -> float:
    """The width of a value in Excel's character units: CJK and other wide characters count
    two (Excel's default font draws them about twice as wide as a digit)."""
    text = value if isinstance(value, str) else str(value)
    longest = max(text.split("\n"), key=len) if "\n" in text else text
    return len(longest) if longest.isascii() else _wide_width(longest)


@functools.lru_cache(maxsize=4096)
def _wide_width(line: str) -> int:
    """A report's columns repeat their texts (codes, messages, units, titles): each is
    measured once, not once per cell (~25 µs a cell: ~0.8 s of errors.xlsx for 30,000 rows)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


def fit_widths(
    rows: Iterable[Sequence[object]],
    columns: int,
    *,
    minimum: Sequence[float] = (),
    maximum: float = MAX_WIDTH,
) -> list[float]:
    """Per column: the widest value in `rows` plus a margin, within [minimum, maximum]. Each
    distinct value of a column is measured once: report columns repeat their texts (codes,
    messages, units), and errors.xlsx has ~10 cells a finding."""
    widths = [minimum[i] if i < len(minimum) else MIN_WIDTH for i in range(columns)]
    table = rows if isinstance(rows, Sequence) else list(rows)
    for i in range(columns):
        column = [row[i] for row in table if i < len(row)]
        # measured as text_width measures them: 1, 1.0, -0.0 and True each as its own text
        for text in {v if type(v) is str else str(v) for v in column if v is not None}:
            if widths[i] >= maximum:
                break
            if text and 2 * len(text) + 2 > widths[i]:  # else it cannot widen: not measured
                widths[i] = max(widths[i], min(text_width(text) + 2, maximum))
    return widths
