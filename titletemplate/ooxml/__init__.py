"""Hand-written zip/XML readers and writers for the xlsx parts where the libraries are slow.

Reading: a sheet's extent, formulas, errors, merged ranges and protection by a byte scan (SAX
for the rare cases; calamine reads the values). Writing: fastxlsx's streaming workbooks for the
ingest's plain reports. The names below are the subpackage's API.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazyapi import loader

if TYPE_CHECKING:  # the names are imported on first use: see lazyapi.py
    from .fastxlsx import BOLD, MAX_ROWS, NORMAL, TEXT, Page, Sheet, Workbook, XlsxWriteError
    from .saxscan import Merge, SheetScan, cell_ref
    from .sheetscan import FAST_MAX_BYTES, scan_sheet

__all__ = [
    "BOLD",
    "FAST_MAX_BYTES",
    "MAX_ROWS",
    "NORMAL",
    "TEXT",
    "Merge",
    "Page",
    "Sheet",
    "SheetScan",
    "Workbook",
    "XlsxWriteError",
    "cell_ref",
    "scan_sheet",
]

__getattr__ = loader(
    __name__,
    {
        "BOLD": "fastxlsx",
        "FAST_MAX_BYTES": "sheetscan",
        "MAX_ROWS": "fastxlsx",
        "Merge": "saxscan",
        "NORMAL": "fastxlsx",
        "Page": "fastxlsx",
        "Sheet": "fastxlsx",
        "SheetScan": "saxscan",
        "TEXT": "fastxlsx",
        "Workbook": "fastxlsx",
        "XlsxWriteError": "fastxlsx",
        "cell_ref": "saxscan",
        "scan_sheet": "sheetscan",
    },
)
