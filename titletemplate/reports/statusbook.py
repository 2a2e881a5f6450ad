"""status.xlsx: the campaign status as a workbook that prints: a summary sheet (the totals
and one line per review office), then one sheet per review office with its units, those that
need action first."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from .. import sheettexts
from ..files import atomic_open
from ..ooxml import fastxlsx
from .printing import fit_widths, page
from .report import sheet_name
from .status import CampaignStatus, UnitStatus

STATUS_XLSX = "status.xlsx"
_PINNED = dt.datetime(2021, 1, 1)  # same status, same bytes
_UNIT_COUNTS = (
    "files", "rows", "valid_rows", "invalid_rows", "duplicate_rows", "excluded_rows",
    "withdrawn_rows", "open_errors", "correction_issued", "correction_returned",
)  # fmt: skip
_OFFICE_COUNTS = ("rows", "valid_rows", "invalid_rows", "open_errors")


def write_status_xlsx(path: Path, status: CampaignStatus) -> Path:
    title = f"{sheettexts.STATUS_TITLE}({status.campaign},{status.as_of})"
    summary: list[list[object]] = [list(sheettexts.STATUS_OFFICE_HEADERS)]
    for o in status.offices:
        states = [o.states[s] for s in ("open", "missing", "done")]
        counts = [o.counts[k] for k in _OFFICE_COUNTS]
        summary.append([o.office or sheettexts.STATUS_NO_OFFICE, o.units, *states, *counts])
    t = status.totals
    summary.append([
        sheettexts.SUMMARY_TOTAL, t["units"], t["units_open"], t["units_missing"], t["units_done"],
        *(t[k] for k in _OFFICE_COUNTS),
    ])  # fmt: skip
    used: set[str] = set()
    with atomic_open(path, "wb") as fh, fastxlsx.Workbook(fh, _PINNED) as book:
        _sheet(book, sheet_name(sheettexts.SUMMARY_SHEET, used), title, summary)
        by_office: dict[str, list[UnitStatus]] = {}
        for u in status.units:
            by_office.setdefault(u.office or sheettexts.STATUS_NO_OFFICE, []).append(u)
        for office, units in by_office.items():
            rows: list[list[object]] = [list(sheettexts.STATUS_HEADERS)]
            rows += [_unit_cells(u) for u in units]
            _sheet(book, sheet_name(office, used), f"{title} {office}", rows)
        book.close()
    return path


def _unit_cells(u: UnitStatus) -> list[object]:
    received = u.last_received.replace("T", " ").rstrip("Z")
    state = sheettexts.STATUS_STATES[u.state]
    return [u.unit, u.office, state, u.counts["files"], received,
            *(u.counts[k] for k in _UNIT_COUNTS[1:])]  # fmt: skip


def _sheet(
    book: fastxlsx.Workbook, name: str, title: str, rows: Sequence[Sequence[object]]
) -> None:
    """A title row merged across the table, the header row, the rows; both top rows repeat
    on every printed page."""
    n = len(rows[0])
    widths = fit_widths(rows, n)
    ws = book.add_sheet(name, [(i, i, w, fastxlsx.NORMAL) for i, w in enumerate(widths)],
                        freeze_rows=2, page=page(0, 1))  # fmt: skip
    ws.merge_row(0, n - 1, title, fastxlsx.BOLD)
    ws.write_row(1, rows[0], fastxlsx.BOLD)
    for r, cells in enumerate(rows[1:], start=2):
        ws.write_row(
            r,
            cells,
            fastxlsx.BOLD if r == len(rows) and cells[0] == sheettexts.SUMMARY_TOTAL else None,
        )
