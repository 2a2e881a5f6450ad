"""What ingest writes for people: consolidated workbook and CSV, error report, corrections,
the campaign's status files and a bundle's summary.

The names below are what the jobs (batch, bundle, the command line) use; they import them from
here, never from the modules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazyapi import loader

if TYPE_CHECKING:  # the names are imported on first use: see lazyapi.py
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

__getattr__ = loader(
    __name__,
    {
        "FileSummary": "report",
        "StatusFiles": "campaign",
        "Totals": "report",
        "correction_file": "corrections",
        "expected_units": "campaign",
        "letter": "report",
        "message": "report",
        "office_map": "report",
        "office_of": "report",
        "report_status": "campaign",
        "shown": "report",
        "start_consolidated": "outputs",
        "start_corrections": "outputs",
        "totals": "report",
        "write_errors": "errorbook",
        "write_report_json": "report",
        "write_status": "campaign",
        "write_summary": "summary",
    },
)
