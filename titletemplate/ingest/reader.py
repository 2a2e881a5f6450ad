"""Returned workbook -> verified template identity and the raw input rows, with Excel row numbers.

Reading approach, measured on 2 shared cores with real templates from build_template, filled
with shared strings as Excel saves them (each row also carries the locked check formula in M):

| rows   | read_submission  | calamine values | defusedxml SAX scan | openpyxl read_only, values |
|--------|------------------|-----------------|---------------------|----------------------------|
| 2,000  | 0.17 s (12k/s)   | 0.03 s (58k/s)  | 0.12 s (17k/s)      | 0.20 s (10k/s)             |
| 50,000 | 4.4 s (11k/s)    | 1.2 s (42k/s)   | 3.4 s (15k/s)       | 4.9 s (10k/s)              |

calamine reads the values but hides formulas and error cells, so one pass over the data sheet
(sheetscan.py) adds formulas, error values, merges, protection and the sheet's extent. That
pass was a SAX scan when the table above was measured; it is now a regular-expression scan
that falls back to SAX for XML it cannot account for (105 ms -> ~45 ms for a returned
2,000-row template). A single raw-XML pass that also decodes values (shared strings, styles,
date formats by hand) was slower than calamine + scan (2.7 s vs 2.2 s for 50,000 rows without
the M column) and is more code; a decoder of the scan's cells for the values (cellvalues.py)
bought 0.96-1.37x over calamine on the benchmark's three shapes and was removed. The scan runs
first because calamine builds a dense range: a stray far cell aborts the process.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from python_calamine import CalamineWorkbook

from .. import sheettexts
from ..columns import (
    COLUMNS,
    DATA_SHEET,
    FIRST_DATA_ROW,
    HEADER_ROW,
    META_SHEET,
    TITLES_SHEET,
    VOCAB_SHEET,
)
from ..errors import Issue, Stage, SubmissionError
from ..fingerprint import (
    Identity,
)
from ..normalize import clean_text, is_blank
from ..ooxml.sheetscan import Merge, SheetScan, Watched, cell_ref, scan_sheet
from ..privacy import mask_ids_in_text
from ..vocab import Vocab
from . import preflight
from .identity import check_identity, read_identity
from .preflight import Book, parser_errors, read_book

MAX_DATA_ROWS = 100_000
MAX_SHEET_CELLS = 4_000_000  # calamine allocates rows x columns cells, empty or not
WIDTH = len(COLUMNS)
_OWN_SHEETS = {DATA_SHEET, VOCAB_SHEET, META_SHEET}
_EMPTY_ROW = [""] * WIDTH  # a row of empty cells as calamine gives it
# The used range near the top of a worksheet part, as every office suite writes it.
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="[A-Z]+[0-9]+(?::([A-Z]+)[0-9]+)?"')
_HEAD_BYTES = 4096


@dataclass(frozen=True, slots=True)
class SourceRow:
    """One non-blank input row: the 12 raw values A..L and structural findings."""

    excel_row: int  # 1-based row number the clerk sees
    cells: tuple[object, ...]
    findings: tuple[Issue, ...] = ()


@dataclass(frozen=True, slots=True)
class Submission:
    """A returned file that passed every file-level check."""

    path: Path
    sha256: str
    identity: Identity | None  # verified; None only when read with allow_unsigned
    sheet: str
    date1904: bool
    rows: tuple[SourceRow, ...]  # non-blank rows only, in sheet order
    issues: tuple[Issue, ...]  # file- and sheet-level warnings


def read_submission(
    path: str | Path,
    vocab: Vocab,
    public_key: Ed25519PublicKey,
    *,
    allow_unsigned: bool = False,
    loaded: preflight.Loaded | None = None,
) -> Submission:
    """Read one returned `.xlsx`: preflight, identity, header, then the input rows. With
    `loaded` (preflight.read_once of `path`), those bytes are checked, not the file again.

    Raises:
        SubmissionError: the file is rejected; `code` is a catalogue code.
    """
    source = Path(path)
    if loaded is None:
        data = preflight.load_checked(source)
    else:
        data = preflight.check_loaded(source.name, loaded)
    with (
        parser_errors(),
        zipfile.ZipFile(io.BytesIO(data)) as zf,
        CalamineWorkbook.from_filelike(io.BytesIO(data)) as book_values,
    ):
        opened = open_book(zf, book_values, vocab, public_key, source.name, allow_unsigned)
        scan, values = opened.sheets.read(DATA_SHEET, opened.part, WIDTH, WIDTH)
        check_copies(opened)
    check_header(values)
    rows = _source_rows(values, scan)
    outside = first_outside((r.excel_row for r in rows), vocab)
    return Submission(
        path=source,
        sha256=hashlib.sha256(data).hexdigest() if loaded is None else loaded.sha256,
        identity=opened.identity,
        sheet=DATA_SHEET,
        date1904=opened.book.date1904,
        rows=rows,
        issues=(*opened.issues, *data_issues(source.name, scan.protected, outside)),
    )


@dataclass(frozen=True, slots=True)
class Opened:
    """A returned workbook whose identity passed its checks; its data sheet is still unread."""

    book: Book
    part: str  # the data sheet's worksheet part
    sheets: _Sheets
    identity: Identity | None
    issues: tuple[Issue, ...]


def open_book(
    zf: zipfile.ZipFile,
    book_values: CalamineWorkbook,
    vocab: Vocab,
    public_key: Ed25519PublicKey,
    file: str,
    allow_unsigned: bool,
) -> Opened:
    """The workbook's sheets and verified identity (run inside preflight.parser_errors).

    Raises:
        SubmissionError: the file is rejected; `code` is a catalogue code.
    """
    book = read_book(zf)
    part = book.sheets.get(DATA_SHEET)
    sheets = _Sheets(zf, book_values)
    meta = book.sheets.get(META_SHEET)
    identity = read_identity(None if meta is None else sheets.read(META_SHEET, meta, 0, 2)[1], zf)
    issues: list[Issue] = []
    if identity is None:
        if not allow_unsigned:
            raise SubmissionError("template-unsigned")
    else:
        issues += check_identity(identity, vocab, public_key, file)
    if part is None:
        raise SubmissionError("sheet-missing", DATA_SHEET)
    return Opened(book, part, sheets, identity, tuple(issues))


def first_outside(rows: Iterable[int], vocab: Vocab) -> int | None:
    """The first of the input rows `rows` below the campaign's input block."""
    last_input_row = FIRST_DATA_ROW + vocab.campaign.rows - 1
    return next((row for row in rows if row > last_input_row), None)


def data_issues(file: str, protected: bool, outside: int | None) -> list[Issue]:
    """The data sheet's warnings: protection removed, rows below the input block."""
    issues = [] if protected else [Issue("template-protection-removed", file, DATA_SHEET)]
    if outside is not None:
        issues.append(Issue("rows-outside-input-block", file, DATA_SHEET, outside))
    return issues


class _Sheets:
    """A workbook's sheets: each scanned (sheetscan.py), then its values read by calamine once
    the scan has shown that the sheet is within the limits."""

    def __init__(self, zf: zipfile.ZipFile, book_values: CalamineWorkbook) -> None:
        self.zf, self.book_values = zf, book_values

    def read(
        self, name: str, part: str, watched: int, value_width: int
    ) -> tuple[SheetScan, Sequence[Sequence[object]]]:
        """The sheet's scan (formulas and errors in rows >= FIRST_DATA_ROW, columns < watched)
        and its rows of values (at least the first `value_width` columns)."""
        scan = scan_sheet(self.zf, part, FIRST_DATA_ROW, watched)
        guard(name, scan)
        if scan.max_row == 0:
            return scan, []
        return scan, self.book_values.get_sheet_by_name(name).to_python(skip_empty_area=False)


MAX_ROW = FIRST_DATA_ROW - 1 + MAX_DATA_ROWS


def guard(name: str, scan: SheetScan) -> None:
    """calamine allocates every cell of the sheet's range: refuse sheets beyond the limits."""
    if scan.max_row > MAX_ROW:
        raise SubmissionError("file-too-large", f"{name}!{cell_ref(scan.max_row, 0)}")
    if scan.max_row * (scan.max_col + 1) > MAX_SHEET_CELLS:
        raise SubmissionError("file-too-large", f"{name}!{cell_ref(scan.max_row, scan.max_col)}")


def _input_cell(value: object) -> object:
    """calamine's value as the API promises: None for empty, serials for time-only formats."""
    if value == "":
        return None
    if isinstance(value, dt.timedelta):
        return value.total_seconds() / 86400
    if isinstance(value, dt.time):
        return (value.hour * 3600 + value.minute * 60 + value.second) / 86400
    return value


def _header_text(value: object) -> str:
    return "".join(clean_text("" if value is None else str(value)).split())


def _header_problem(values: Sequence[Sequence[object]]) -> str | None:
    """The first header cell that differs from the template ("E: text"); None when all match."""
    found = values[HEADER_ROW - 1] if len(values) >= HEADER_ROW else []
    for col in COLUMNS:
        cell = _input_cell(found[col.index]) if col.index < len(found) else None
        if _header_text(cell) != _header_text(sheettexts.HEADERS[col.key]):
            text = mask_ids_in_text(clean_text("" if cell is None else str(cell)))[:50]
            return f"{col.letter}: {text}"
    return None


def check_header(values: Sequence[Sequence[object]]) -> None:
    problem = _header_problem(values)
    if problem is not None:
        raise SubmissionError("header-mismatch", problem)


def check_copies(opened: Opened) -> None:
    """A copy of the data sheet (Excel's Move or Copy) with rows in it would be skipped
    silently: reject the file so that no row is lost."""
    sheets = opened.sheets
    for name, part in opened.book.sheets.items():
        if name in _OWN_SHEETS or (name == TITLES_SHEET and _narrow(sheets.zf, part)):
            continue
        scan, values = sheets.read(name, part, WIDTH, WIDTH)
        if scan.max_row < FIRST_DATA_ROW:
            continue
        if _header_problem(values) is None and _source_rows(values, scan):
            raise SubmissionError("data-sheet-copied", name)


def _narrow(zf: zipfile.ZipFile, part: str) -> bool:
    """True when the sheet's used range, as its part declares it, ends left of the last input
    column, so it cannot hold the data sheet's header. The titles sheet (the notice's sheet2,
    four columns) is passed over this way: reading it costs more than the rest of a small
    returned file, while a data sheet copied under its name is still caught."""
    with zf.open(part) as fh:
        found = _DIMENSION.search(fh.read(_HEAD_BYTES))
    if found is None:
        return False
    last = (found.group(1) or b"A").decode("ascii")
    return len(last) == 1 and ord(last) - ord("A") < COLUMNS[-1].index


def _source_rows(values: Sequence[Sequence[object]], scan: SheetScan) -> tuple[SourceRow, ...]:
    last = len(values)
    # merges cannot overlap, so this budget bounds honest files
    merged = _merge_findings(scan.merges, FIRST_DATA_ROW, last, WIDTH * max(last, 1))
    numbered = zip(range(FIRST_DATA_ROW, last + 1), values[FIRST_DATA_ROW - 1 :], strict=True)
    return _rows_of(numbered, scan.cells, merged)


def _rows_of(
    numbered: Iterable[tuple[int, Sequence[object]]],
    cells: Watched,
    merged: Mapping[int, list[Issue]],
) -> tuple[SourceRow, ...]:
    watched_rows = {row for row, _ in cells}
    rows: list[SourceRow] = []
    for excel_row, raw in numbered:
        if raw[:WIDTH] == _EMPTY_ROW and excel_row not in watched_rows:
            continue  # the common case, decided without a tuple per row
        if len(raw) >= WIDTH and excel_row not in watched_rows:
            cells_of_row = tuple([_input_cell(v) for v in raw[:WIDTH]])
        else:
            cells_of_row = tuple(
                cells.get((excel_row, i)) or (_input_cell(raw[i]) if i < len(raw) else None)
                for i in range(WIDTH)
            )
        if is_blank(cells_of_row):
            continue
        rows.append(SourceRow(excel_row, cells_of_row, tuple(merged.get(excel_row, ()))))
    return tuple(rows)


def _merge_findings(
    merges: Sequence[Merge], first: int, last: int, budget: int
) -> dict[int, list[Issue]]:
    """row (first..last) -> one finding per merged range that touches the input block in
    that row; at most `budget` findings."""
    out: dict[int, list[Issue]] = {}
    for merge in merges:
        if merge.first_col >= WIDTH or merge.last_row < FIRST_DATA_ROW:
            continue
        key, stage = COLUMNS[merge.first_col].key, Stage.NORMALISE
        finding = Issue("row-merged-cells", column=key, value=merge.ref, stage=stage)
        for row in range(
            max(merge.first_row, first, FIRST_DATA_ROW), min(merge.last_row, last) + 1
        ):
            out.setdefault(row, []).append(finding)
            budget -= 1
            if budget <= 0:
                return out
    return out
