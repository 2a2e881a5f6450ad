"""A small streaming xlsx writer for the ingest's plain report workbooks.

Why it exists: consolidated.xlsx holds every valid row (12 text cells each), and xlsxwriter's
constant_memory path spends about 7 us per cell in Python (dispatch, format lookup, three regex
passes and a file write per cell): some 8 s for 100,000 rows, one of the largest costs of an
ingest. xlsxsheet builds each row with one `str.format` call when nothing in it needs
escaping and per cell otherwise, and a block of such rows (`write_rows`) with one compiled
f-string comprehension and one set of checks, which makes the write many times faster.

What it writes is what xlsxwriter writes for the same calls, part for part (the tests compare
the XML bytes): the fixed parts from xlsxparts and xl/worksheets/sheetN.xml from xlsxsheet.
Supported: sheets of rows written top-down, str and int/float cells (None and "" are left
out), three cell styles (NORMAL, BOLD, TEXT = number format "@"), column widths with a column
style, frozen top rows, print setup. This module is the package: the sheets' names, the parts
and the zip; the callers' API (Workbook, Page, the styles) is importable from here.

Memory stays bounded: each sheet's rows go to an unnamed temp file in blocks, and `close()`
streams every part into the zip through xlsxzip (ISA-L deflate, fixed timestamps: same rows,
same bytes).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import IO

from . import xlsxparts, xlsxzip
from .xlsxsheet import BOLD, MAX_ROWS, NORMAL, TEXT, Page, Sheet, XlsxWriteError, col_name

__all__ = [
    "BOLD",
    "MAX_ROWS",
    "MAX_SHEET_NAME",
    "NORMAL",
    "TEXT",
    "Page",
    "Sheet",
    "Workbook",
    "XlsxWriteError",
    "col_name",
]

MAX_SHEET_NAME = 31
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


class Workbook:
    """Sheets added with `add_sheet`, rows streamed to temp files, the zip written on `close`."""

    def __init__(self, fh: IO[bytes], created: dt.datetime) -> None:
        self._fh = fh
        self._created = created
        self.sheets: list[Sheet] = []
        self._names: set[str] = set()

    def add_sheet(
        self,
        name: str,
        widths: Sequence[tuple[int, int, float, int]] = (),
        freeze_rows: int = 0,
        page: Page | None = None,
    ) -> Sheet:
        """A sheet; `widths` are (first col, last col, width in characters, column style)."""
        bad = _BAD_SHEET_CHARS.search(name) or name.startswith("'") or name.endswith("'")
        if not name or len(name) > MAX_SHEET_NAME or bad:
            raise XlsxWriteError(f"illegal sheet name {name!r}")
        if name.casefold() in self._names:
            raise XlsxWriteError(f"duplicate sheet name {name!r}")
        self._names.add(name.casefold())
        sheet = Sheet(name, len(self.sheets), widths, freeze_rows, page)
        self.sheets.append(sheet)
        return sheet

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, *exc: object) -> None:
        for sheet in self.sheets:
            sheet.discard()

    def close(self) -> None:
        if not self.sheets:
            raise XlsxWriteError("a workbook needs at least one sheet")
        titles = [(s.index, s.name, t) for s in self.sheets if (t := s.print_titles())]
        parts = xlsxparts.package_parts([s.name for s in self.sheets], self._created, titles)
        zf = xlsxzip.ZipWriter(self._fh)
        for name, data in parts[:3]:
            zf.write(name, data.encode())
        for sheet in self.sheets:
            # the size is an upper bound: it chooses zip64 when needed
            with zf.open(f"xl/worksheets/sheet{sheet.index + 1}.xml", sheet.part_size()) as out:
                sheet.write_part(out)
            sheet.discard()
        for name, data in parts[3:]:
            zf.write(name, data.encode())
        zf.close()
