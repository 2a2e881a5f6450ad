"""errors.xlsx: this run's findings (a summary per unit and per code, then a sheet per unit)
and the errors still open in the whole campaign, every sheet printing like the template (A4
landscape, one page wide, the header row repeated, columns fitted to the text)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from .. import messages, sheettexts
from ..columns import BY_KEY
from ..errors import CATALOGUE, Issue
from ..files import atomic_open
from ..ooxml import fastxlsx
from .printing import fit_widths, page
from .report import _PINNED, FileSummary, _Book, _xlsx_errors, letter, message, sheet_name

_MESSAGE_WIDTH = 60  # the message column wraps rather than widen the page past this


def write_errors(
    path: Path,
    issues: Sequence[Issue],
    files: Sequence[FileSummary],
    campaign_open: Sequence[Issue] = (),
    mask_ids: bool = True,
) -> Path:
    """errors.xlsx: a summary sheet (per unit, per code), one sheet per unit with this run's
    issues, then the errors still open in the whole campaign (`campaign_open`), whichever
    run found them; every issue as report.shown gives it."""
    by_unit: dict[str, list[Issue]] = {}
    for r in issues:
        by_unit.setdefault(r.unit or sheettexts.NO_UNIT, []).append(r)
    used: set[str] = set()
    with atomic_open(path, "wb") as fh, fastxlsx.Workbook(fh, _PINNED) as book, _xlsx_errors():
        summary_columns = [(0, 0, 32, fastxlsx.NORMAL), (1, 7, 10, fastxlsx.NORMAL)]
        summary = book.add_sheet(sheet_name(sheettexts.SUMMARY_SHEET, used), summary_columns,
                                 page=page(0, 0))  # fmt: skip
        _summary(summary, issues, files)
        sheets = list(by_unit.items())
        if campaign_open:
            sheets.append((sheettexts.CAMPAIGN_OPEN_SHEET, list(campaign_open)))
        for unit, items in sheets:
            rows = [_issue_cells(i, mask_ids) for i in items]
            widths = fit_widths([sheettexts.ERRORS_HEADERS, *rows], len(sheettexts.ERRORS_HEADERS),
                                maximum=_MESSAGE_WIDTH)  # fmt: skip
            columns = [(i, i, w, fastxlsx.NORMAL) for i, w in enumerate(widths)]
            ws = book.add_sheet(sheet_name(unit, used), columns, freeze_rows=1, page=page(0, 0))
            _Book.row(ws, 0, sheettexts.ERRORS_HEADERS, fastxlsx.BOLD)
            for n, cells in enumerate(rows, start=1):
                _Book.row(ws, n, cells)
        book.close()
    return path


def _issue_cells(i: Issue, mask_ids: bool) -> list[object]:
    header = BY_KEY[i.column].header if i.column is not None else ""
    severity = messages.SEVERITY_NAMES[str(i.severity)]
    return [
        i.unit,
        i.file,
        i.sheet,
        i.row,
        letter(i.column),
        header,
        i.value,
        i.code,
        severity,
        message(i, mask_ids),
    ]


def _summary(ws: fastxlsx.Sheet, issues: Sequence[Issue], files: Sequence[FileSummary]) -> None:
    _Book.row(ws, 0, sheettexts.SUMMARY_UNIT_HEADERS, fastxlsx.BOLD)
    per_unit: dict[str, list[int]] = {}
    for f in files:
        counts = per_unit.setdefault(f["unit"] or sheettexts.NO_UNIT, [0] * 7)
        found = (1, f["rows"], f["valid_rows"], f["invalid_rows"], f["duplicate_rows"])
        for k, n in enumerate((*found, f["excluded_rows"])):
            counts[k] += n
    issue_counts = Counter(r.unit or sheettexts.NO_UNIT for r in issues)
    r = 1
    for unit, counts in per_unit.items():
        counts[6] = issue_counts.pop(unit, 0)
        _Book.row(ws, r, [unit, *counts])
        r += 1
    for unit, n in issue_counts.items():  # units known only from issues (earlier files)
        _Book.row(ws, r, [unit, 0, 0, 0, 0, 0, 0, n])
        r += 1
    total = [sum(c[k] for c in per_unit.values()) for k in range(6)]
    _Book.row(ws, r, [sheettexts.SUMMARY_TOTAL, *total, len(issues)], fastxlsx.BOLD)
    r += 2
    _Book.row(ws, r, sheettexts.SUMMARY_CODE_HEADERS, fastxlsx.BOLD)
    for code, n in sorted(Counter(i.code for i in issues).items()):
        r += 1
        severity = messages.SEVERITY_NAMES[str(CATALOGUE[code].severity)]
        _Book.row(ws, r, [code, severity, n])
