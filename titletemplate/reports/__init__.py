"""What ingest writes for people: consolidated workbook and CSV, error report, corrections,
the campaign's status files and a bundle's summary.

The names below are what the jobs (batch, bundle, the command line) use; they import them from
here, never from the modules.
"""

from __future__ import annotations

from .campaign import StatusFiles, expected_units, report_status, write_status
from .corrections import correction_file
from .errorbook import write_errors
from .outputs import start_consolidated, start_corrections
from .report import (
    FileSummary,
    Totals,
    letter,
    message,
    office_map,
    office_of,
    shown,
    totals,
    write_report_json,
)
from .summary import write_summary

__all__ = [
    "FileSummary",
    "StatusFiles",
    "Totals",
    "correction_file",
    "expected_units",
    "letter",
    "message",
    "office_map",
    "office_of",
    "report_status",
    "shown",
    "start_consolidated",
    "start_corrections",
    "totals",
    "write_errors",
    "write_report_json",
    "write_status",
    "write_summary",
]
