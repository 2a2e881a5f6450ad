"""The one-page summary workbook of a bundle: per unit, its files and rows, and the totals,
set to print on one landscape A4 page."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from typing import Any, Protocol

import xlsxwriter

from .. import sheettexts
from ..vocab import Vocab

_PINNED = dt.datetime(2021, 1, 1)  # the same files give the same bytes
_A4 = 9


class _File(Protocol):
    @property
    def unit(self) -> str: ...
    @property
    def rows(self) -> int: ...
    @property
    def valid_rows(self) -> int: ...


def write_summary(files: Sequence[_File], vocab: Vocab) -> bytes:
    """The summary workbook's bytes."""
    per_unit: dict[str, list[int]] = {}
    for f in files:
        counts = per_unit.setdefault(f.unit or sheettexts.NO_UNIT, [0, 0, 0])
        counts[0] += 1
        counts[1] += f.rows
        counts[2] += f.valid_rows
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    book.set_properties({"created": _PINNED})
    sheet: Any = book.add_worksheet(sheettexts.SUMMARY_SHEET)
    bold = book.add_format({"bold": True, "border": 1})
    cell = book.add_format({"border": 1})
    title = book.add_format({"bold": True, "font_size": 14})
    sheet.write_string(
        0, 0, sheettexts.BUNDLE_SUMMARY_TITLE.format(campaign=vocab.campaign.name), title
    )
    sheet.write_row(2, 0, sheettexts.BUNDLE_SUMMARY_HEADERS, bold)
    row = 3
    for unit in sorted(per_unit):
        sheet.write_string(row, 0, unit, cell)
        sheet.write_row(row, 1, per_unit[unit], cell)
        row += 1
    totals = [sum(c[i] for c in per_unit.values()) for i in range(3)]
    sheet.write_string(row, 0, sheettexts.SUMMARY_TOTAL, bold)
    sheet.write_row(row, 1, totals, bold)
    sheet.set_column(0, 0, 40)
    sheet.set_column(1, 3, 12)
    sheet.set_landscape()
    sheet.set_paper(_A4)
    sheet.fit_to_pages(1, 1)
    book.close()
    return out.getvalue()
