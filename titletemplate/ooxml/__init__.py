"""Hand-written zip/XML readers and writers for the xlsx parts where the libraries are slow.

Reading: a sheet's cells and merged ranges by a byte scan (SAX for the rare cases), and the
shared strings and styles that decode them. Writing: fastxlsx's streaming workbooks for the
ingest's plain reports. The names below are the subpackage's API.
"""

from __future__ import annotations

from .cellvalues import Decoder, Grid, decode_parts, decoder_parts, load_decoder
from .fastxlsx import BOLD, MAX_ROWS, NORMAL, TEXT, Page, Sheet, Workbook, XlsxWriteError
from .saxscan import Merge, SheetScan, cell_ref
from .sheetscan import FAST_MAX_BYTES, scan_sheet, scan_with_cells
from .zipparts import Package

__all__ = [
    "BOLD",
    "FAST_MAX_BYTES",
    "MAX_ROWS",
    "NORMAL",
    "TEXT",
    "Decoder",
    "Grid",
    "Merge",
    "Package",
    "Page",
    "Sheet",
    "SheetScan",
    "Workbook",
    "XlsxWriteError",
    "cell_ref",
    "decode_parts",
    "decoder_parts",
    "load_decoder",
    "scan_sheet",
    "scan_with_cells",
]
