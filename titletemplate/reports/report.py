"""Ingest outputs: consolidated.xlsx/.csv (valid rows in the Attachment-1 layout), errors.xlsx
(one row per issue, a summary and a sheet per unit) and report.json."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import functools
import itertools
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any, TypedDict, cast

from .. import messages, sheettexts
from ..columns import BY_KEY, COLUMNS
from ..errors import Issue, TemplateError
from ..files import atomic_open
from ..ooxml import fastxlsx
from ..privacy import mask_ids_in_text, mask_value
from ..vocab import Vocab, text_key
from .printing import WidthFit, page

MAX_SHEET_NAME = 31  # Excel's limit
CONSOLIDATED_TOP = 4  # title, unit and signer line, column numbers, headers; then the rows
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_CSV_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")  # cells a spreadsheet would run as formulas
_CSV_RISK = re.compile("\x00[" + re.escape("".join(_CSV_TRIGGERS)) + "]")  # a cell's start
_CSV_QUOTED = ',"\r\n'  # csv.writer quotes a cell with any of these
_PINNED = dt.datetime(2021, 1, 1)  # workbook created date: same inputs, same bytes
_KEYS = tuple(c.key for c in COLUMNS)
_ID_COLUMN = BY_KEY["id_number"].letter


class FileSummary(TypedDict):
    """One input file as in report.json; rows == valid + invalid + duplicate + excluded +
    withdrawn + outdated (the last two only in corrections: prefilled rows the unit emptied,
    and rows a later correction had already replaced)."""

    path: str
    status: str  # accepted | rejected | ignored (system files in an archive)
    code: str
    unit: str
    template_id: str
    rows: int
    valid_rows: int
    invalid_rows: int
    duplicate_rows: int
    excluded_rows: int
    withdrawn_rows: int
    outdated_rows: int


class Totals(TypedDict):
    files: int
    accepted_files: int
    rejected_files: int
    ignored_files: int
    rows: int
    valid_rows: int
    invalid_rows: int
    duplicate_rows: int
    excluded_rows: int
    withdrawn_rows: int
    outdated_rows: int


def letter(column: str | None) -> str:
    """The column letter of a column key, "" for none: how every report names a column."""
    return "" if column is None else BY_KEY[column].letter


def shown(issue: Issue, mask_ids: bool = True) -> Issue:
    """The issue as reports show it: its value, detail, file name and path with ID numbers
    masked if asked (a clerk may name a file after a person: name + ID number)."""
    if not mask_ids:
        return issue
    i = issue  # every field spelled out: 3x faster than dataclasses.replace
    value = mask_value(letter(i.column), i.value) if i.value else ""
    detail = mask_ids_in_text(i.detail) if i.detail else ""
    return Issue(i.code, _masked_name(i.file), i.sheet, i.row, i.column, value, detail, i.stage,
                 i.other, i.unit, _masked_name(i.path))  # fmt: skip


@functools.lru_cache(maxsize=1024)
def _masked_name(name: str) -> str:
    """A file name or path with ID numbers masked: one per file, shared by its issues."""
    return mask_ids_in_text(name) if name else name


@functools.lru_cache(maxsize=1 << 16)
def message(issue: Issue, mask_ids: bool = True) -> str:
    """The Chinese message of a shown issue (ID numbers masked if asked). Remembered: each
    issue of a run is worded for report.json and again for errors.xlsx."""
    column = letter(issue.column)
    header = BY_KEY[issue.column].header if issue.column is not None else ""
    fields = {"file": issue.file, "sheet": issue.sheet, "row": issue.row, "column": column}
    fields |= {"header": header, "value": issue.value, "detail": issue.detail}
    text = messages.render(issue.code, fields)
    return mask_ids_in_text(text) if mask_ids else text


def totals(files: Sequence[FileSummary]) -> Totals:
    return Totals(
        files=len(files),
        accepted_files=sum(f["status"] == "accepted" for f in files),
        rejected_files=sum(f["status"] == "rejected" for f in files),
        ignored_files=sum(f["status"] == "ignored" for f in files),
        rows=sum(f["rows"] for f in files),
        valid_rows=sum(f["valid_rows"] for f in files),
        invalid_rows=sum(f["invalid_rows"] for f in files),
        duplicate_rows=sum(f["duplicate_rows"] for f in files),
        excluded_rows=sum(f["excluded_rows"] for f in files),
        withdrawn_rows=sum(f["withdrawn_rows"] for f in files),
        outdated_rows=sum(f["outdated_rows"] for f in files),
    )


# --- report.json ----------------------------------------------------------------------


def write_report_json(
    path: Path,
    files: Sequence[FileSummary],
    issues: Sequence[Issue],
    total: Totals,
    missing_units: Sequence[str],
    mask_ids: bool = True,
    campaign: Mapping[str, int] | None = None,
    campaign_open: Sequence[Issue] = (),
) -> Path:
    """report.json: this run's files, issues (as `shown` gives them) and totals, the units
    still missing, and the whole campaign after this run (`campaign`: status.json's totals;
    the errors still open)."""
    # A clerk may name a file after a person (name + ID number): paths are masked too.
    where = mask_ids_in_text if mask_ids else str

    def listed(found: Sequence[Issue]) -> list[dict[str, object]]:
        return [
            {
                "code": i.code,
                "severity": str(i.severity),
                "file": where(i.path),
                "sheet": i.sheet,
                "row": i.row,
                "column": letter(i.column),
                "message": message(i, mask_ids),
            }
            for i in found
        ]

    data: dict[str, object] = {
        "files": [{**f, "path": where(f["path"])} for f in files],
        "issues": listed(issues),
        "totals": dict(total),
        "missing_units": list(missing_units),
    }
    if campaign is not None:
        data["campaign"] = {"totals": dict(campaign), "open_issues": listed(campaign_open)}
    encoder = json.JSONEncoder(ensure_ascii=False, indent=2)
    with atomic_open(path, "wb") as fh:  # in pieces: never the whole document as one string
        pieces: list[str] = []
        for piece in encoder.iterencode(data):
            pieces.append(piece)
            if len(pieces) >= _JSON_PIECES:
                fh.write("".join(pieces).encode("utf-8"))
                pieces.clear()
        fh.write(("".join(pieces) + "\n").encode("utf-8"))
    return path


_JSON_PIECES = 4096

# --- workbooks ------------------------------------------------------------------------


def sheet_name(name: str, used: set[str]) -> str:
    """A legal, unique sheet name: no []:*?/\\, at most 31 characters, not blank."""
    base = _BAD_SHEET_CHARS.sub("_", name).strip("' ") or "_"
    candidate, n = base[:MAX_SHEET_NAME], 1
    while candidate.casefold() in used:
        n += 1
        suffix = f"~{n}"
        candidate = base[: MAX_SHEET_NAME - len(suffix)] + suffix
    used.add(candidate.casefold())
    return candidate


class _Blocks:
    """A sheet whose rows are collected and written a block at a time (fastxlsx checks and
    formats a block of plain text rows at once); `flush` before the workbook closes."""

    def __init__(self, sheet: fastxlsx.Sheet) -> None:
        self.sheet = self._sheet = sheet
        self._first, self._style = 0, -1
        self._rows: list[Sequence[object]] = []

    def write_row(self, r: int, cells: Sequence[object], style: int | None = None) -> None:
        if r != self._first + len(self._rows) or style != self._style:
            self.flush()
            self._first, self._style = r, -1 if style is None else style
        self._rows.append(cells)
        if len(self._rows) >= _BLOCK_ROWS:
            self.flush()
            self._first = r + 1

    def flush(self) -> None:
        if self._rows:
            style = None if self._style < 0 else self._style
            self._sheet.write_rows(self._first, self._rows, style)
            self._rows = []


_BLOCK_ROWS = 2048


class _Book:
    """The one seam every report row goes through (test_privacy interrupts a write here)."""

    @staticmethod
    def row(
        ws: fastxlsx.Sheet | _Blocks, r: int, cells: Sequence[object], style: int | None = None
    ) -> None:
        ws.write_row(r, cells, style)


@contextlib.contextmanager
def _xlsx_errors() -> Iterator[None]:
    """A value fastxlsx cannot write (an overlong string, too many rows) stops the report."""
    try:
        yield
    except fastxlsx.XlsxWriteError as e:
        raise TemplateError("xlsx-write-failed", str(e)) from e


def office_map(vocab: Vocab) -> dict[tuple[str, str], str]:
    """(series display key, level) -> review office, from routing.yaml (first route wins)."""
    display = {s.name: s.display for s in vocab.series}
    out: dict[tuple[str, str], str] = {}
    for route in vocab.routing:
        for scope in route.scope:
            for level in scope.levels:
                key = (text_key(display.get(scope.series, scope.series)), text_key(level))
                out.setdefault(key, route.office)
    return out


def office_of(offices: Mapping[tuple[str, str], str], series: str, level: str) -> str:
    """The review office for a row's series and level, or the unassigned sheet's name."""
    return offices.get((text_key(series), text_key(level)), sheettexts.UNASSIGNED_SHEET)


def write_consolidated(
    path_xlsx: Path,
    path_csv: Path,
    rows: Iterable[tuple[str, ...]],
    vocab: Vocab,
    *,
    groups: Sequence[tuple[str, str, int]] = (),
    split_by_office: bool = False,
    level: str = "",
) -> tuple[Path, Path]:
    """Both consolidated files in one pass over `rows` (12 canonical values each).

    `groups` ((series, level, count) of the rows) decides the office sheets and their order.
    Each sheet prints like the template: the 附件1 title, a 填报单位名称(公章) / 负责人(签字)
    line naming `level` (who consolidated it) to sign and stamp, the numbered columns and
    their headers repeated on every A4 landscape page, one page wide.
    The workbook is written with fastxlsx (the bulk of an ingest's output; see its docstring).
    """
    headers = [c.header for c in COLUMNS]
    offices = office_map(vocab)
    widths = [(i, i, c.width, fastxlsx.TEXT) for i, c in enumerate(COLUMNS)]
    signer_col = BY_KEY["title_name"].index  # where the template puts its signer label
    unit_line: list[object] = [sheettexts.UNIT_LABEL, level, *[""] * (signer_col - 2)]
    unit_line.append(sheettexts.SIGNER_LABEL)
    numbers = list(range(1, len(COLUMNS) + 1))
    with (
        atomic_open(path_xlsx, "wb") as xfh,
        atomic_open(path_csv, "w", encoding="utf-8-sig", newline="") as cfh,
        fastxlsx.Workbook(xfh, _PINNED) as book,
        _xlsx_errors(),
    ):
        used: set[str] = set()
        sheets: dict[str, _Blocks] = {}
        next_row: dict[str, int] = {}
        fits: dict[str, WidthFit] = {}

        def start(name: str) -> None:
            top = CONSOLIDATED_TOP
            sheet = book.add_sheet(
                sheet_name(name, used), widths, freeze_rows=top, page=page(top - 2, top - 1)
            )
            sheet.merge_row(0, len(COLUMNS) - 1, sheettexts.TITLE_LINE, fastxlsx.BOLD)
            ws = _Blocks(sheet)
            _Book.row(ws, 1, unit_line, fastxlsx.BOLD)
            _Book.row(ws, 2, numbers, fastxlsx.BOLD)
            _Book.row(ws, 3, headers, fastxlsx.BOLD)
            sheets[name], next_row[name] = ws, CONSOLIDATED_TOP
            fits[name] = WidthFit(len(COLUMNS), [c.width for c in COLUMNS])
            fits[name].add(headers)

        names: list[str] = [sheettexts.DATA_SHEET_NAME]
        if split_by_office:
            wanted = {office_of(offices, s, lv) for s, lv, n in groups if n}
            order = [r.office for r in vocab.routing] + [sheettexts.UNASSIGNED_SHEET]
            names = [o for o in dict.fromkeys(order) if o in wanted]
        for name in names:
            start(name)
        writer = csv.writer(cast(IO[str], cfh))  # opened in text mode
        writer.writerow(headers)
        name = names[0] if names else ""
        for block in _blocks(rows):
            _write_csv(cast(IO[str], cfh), writer, block)
            for values in block:
                if split_by_office:
                    name = office_of(offices, values[6], values[7])
                    if name not in sheets:  # rows changed since `groups` was counted
                        start(name)
                _Book.row(sheets[name], next_row[name], values, fastxlsx.TEXT)
                next_row[name] += 1
                fits[name].add(values)
        if not sheets:  # split by office with no rows: the empty data sheet
            start(sheettexts.DATA_SHEET_NAME)
        for name, ws in sheets.items():
            ws.flush()
            ws.sheet.set_widths(fits[name].widths)
        book.close()
    return path_xlsx, path_csv


def _blocks(rows: Iterable[tuple[str, ...]]) -> Iterator[list[tuple[str, ...]]]:
    it = iter(rows)
    while block := list(itertools.islice(it, _BLOCK_ROWS)):
        yield block


def _write_csv(fh: IO[str], writer: Any, block: Sequence[tuple[str, ...]]) -> None:
    """The rows as csv.writer writes them, a cell a spreadsheet would run as a formula
    prefixed with ' ; one join for the block when no cell needs quoting or the prefix."""
    joined = "\x00" + "\x00".join(itertools.chain.from_iterable(block))
    # `in` finds one character some 30 times faster than a character class does
    if not (any(c in joined for c in _CSV_QUOTED) or _CSV_RISK.search(joined)):
        fh.write("\r\n".join(map(",".join, block)) + "\r\n")
        return
    for values in block:
        if _CSV_RISK.search("\x00" + "\x00".join(values)):  # cheap check first
            writer.writerow([("'" + v) if v.startswith(_CSV_TRIGGERS) else v for v in values])
        else:
            writer.writerow(values)
