"""Exclusion lists (--revoked, --ecert): CSV or xlsx files of ID numbers, optionally with
certificate numbers and title names, loaded into a lookup that matches canonical rows."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from .. import sheettexts
from ..errors import ExclusionListError
from ..normalize import clean_text, is_lossy_number, normalize_cell
from ..vocab import text_key

HEADER_SCAN_ROWS = 10  # a header row further down than this is not looked for
_KEYS = ("id_number", "cert_no", "title_name")


class ExclusionKind(StrEnum):
    REVOKED = "revoked"  # title revoked: rows are rejected (title-revoked)
    ECERT = "ecert"  # already issued as an e-certificate: rows are excluded (already-e-certified)


@dataclass(frozen=True, slots=True)
class ExclusionEntry:
    """One listed person; empty cert_no / title_name match any certificate of that person."""

    id_number: str
    cert_no: str = ""
    title_name: str = ""

    def match_keys(self) -> tuple[str, str, str]:
        """ID number, certificate number and title name as `matches` compares them."""
        return self.id_number.upper(), self.cert_no.upper(), text_key(self.title_name)


@dataclass(frozen=True, slots=True)
class ExclusionList:
    kind: ExclusionKind
    entries: tuple[ExclusionEntry, ...]
    source: str = ""  # file name the list came from

    def index(self) -> Mapping[str, tuple[ExclusionEntry, ...]]:
        """Entries by upper-cased ID number."""
        out: dict[str, list[ExclusionEntry]] = {}
        for e in self.entries:
            out.setdefault(e.id_number.upper(), []).append(e)
        return {k: tuple(v) for k, v in out.items()}


def matches(
    index: Mapping[str, Sequence[ExclusionEntry]], id_number: str, cert_no: str, title_name: str
) -> bool:
    """True when a listed entry names this person and, where given, this certificate/title."""
    for e in index.get(id_number.upper(), ()):
        if e.cert_no and e.cert_no.upper() != cert_no.upper():
            continue
        if e.title_name and text_key(e.title_name) != text_key(title_name):
            continue
        return True
    return False


def load_exclusions(path: str | Path, kind: ExclusionKind | str) -> ExclusionList:
    """Read a CSV (UTF-8 or GB18030) or xlsx list. The header row is found by its Chinese
    header names or English keys; without one, columns are ID number, cert no, title name.

    Raises:
        ExclusionListError: `exclusion-list-unreadable`, `exclusion-list-empty` or
            `exclusion-id-precision-lost` (a numeric ID cell whose digits are gone).
    """
    p = Path(path)
    try:
        rows = list(_xlsx_rows(p) if p.suffix.lower() in (".xlsx", ".xlsm") else _csv_rows(p))
    except (OSError, ValueError, KeyError, csv.Error, zipfile.BadZipFile) as exc:
        raise ExclusionListError(
            "exclusion-list-unreadable", f"{p.name}: {type(exc).__name__}"
        ) from None
    entries = tuple(_entries(rows, p.name))
    if not entries:
        raise ExclusionListError("exclusion-list-empty", p.name)
    return ExclusionList(ExclusionKind(kind), entries, p.name)


def _csv_rows(path: Path) -> Iterator[list[object]]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("gb18030")  # Excel/WPS on Chinese Windows save CSV in GBK
    first = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first and "," not in first else ","
    yield from csv.reader(io.StringIO(text), delimiter=delimiter)


def _xlsx_rows(path: Path) -> Iterator[list[object]]:
    # Imported here, not with the module: the store (and `status`) need not load openpyxl.
    import openpyxl  # with defusedxml installed, openpyxl parses XML safely
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except InvalidFileException as exc:  # reported as what it is: not a list it can read
        raise ValueError(str(exc)) from None
    try:
        ws = wb.worksheets[0]
        ws.reset_dimensions()  # WPS may write <dimension ref="A1">
        for row in ws.iter_rows(values_only=True):
            yield list(row)
    finally:
        wb.close()


def _header_map(row: Sequence[object]) -> dict[str, int] | None:
    names = {text_key(n): key for key, ns in sheettexts.EXCLUSION_HEADERS.items() for n in ns}
    names.update({k: k for k in _KEYS})
    found: dict[str, int] = {}
    for i, cell in enumerate(row):
        key = names.get(text_key(clean_text(str(cell)))) if cell is not None else None
        if key and key not in found:
            found[key] = i
    return found if "id_number" in found else None


def _entries(rows: list[list[object]], name: str) -> Iterable[ExclusionEntry]:
    columns = {"id_number": 0, "cert_no": 1, "title_name": 2}
    start = 0
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        found = _header_map(row)
        if found:
            columns, start = found, i + 1
            break
    for n, row in enumerate(rows[start:], start=start + 1):
        cells = {k: (row[i] if i < len(row) else None) for k, i in columns.items()}
        if is_lossy_number(cells["id_number"]):
            raise ExclusionListError("exclusion-id-precision-lost", f"{name}: {n}")
        id_number = normalize_cell("id_number", cells["id_number"])[0]
        if not id_number:
            continue
        yield ExclusionEntry(
            id_number,
            normalize_cell("cert_no", cells.get("cert_no"))[0],
            normalize_cell("title_name", cells.get("title_name"))[0],
        )
