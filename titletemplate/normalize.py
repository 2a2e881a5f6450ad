"""Raw cell values -> clean text per column, with findings for what had to be converted."""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .columns import COLUMNS
from .errors import Issue, Stage

MAX_CELL_TEXT = 200
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_X000D = re.compile(r"_x000[dDaA9]_")  # Excel's escaped CR/LF/TAB that some tools leave behind
_DOTS = re.compile(r"[.•・･‧∙⋅·]")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")
_DATE_TEXT = re.compile(
    r"(?P<y>\d{4})\s*(?:[-/.]|\u5e74)\s*(?P<m>\d{1,2})\s*(?:[-/.]|\u6708)\s*(?P<d>\d{1,2})\s*\u65e5?"
    r"(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?"
)
EXCEL_EPOCH_1900 = dt.date(1899, 12, 30)  # serial 1 = 1900-01-01 after Excel's leap-year bug
EXCEL_EPOCH_1904 = dt.date(1904, 1, 1)
MAX_EXACT_DIGITS = 15  # Excel keeps 15 significant digits of a number


@dataclass(frozen=True, slots=True)
class ErrorValue:
    """An Excel error value in a cell (#N/A, #VALUE!, ...)."""

    text: str


@dataclass(frozen=True, slots=True)
class FormulaValue:
    """A cell holding a formula; its cached result is never trusted."""

    formula: str


def _found(code: str, key: str, value: str, detail: str = "") -> Issue:
    """A cell's finding, placed in its file and row by whoever reads the row."""
    return Issue(code, column=key, value=value, detail=detail, stage=Stage.NORMALISE)


def clean_text(value: str) -> str:
    """NFKC, drop zero-width and control characters and `_x000D_`, collapse and trim spaces."""
    # Printable text has no zero-width or control characters (both are Unicode "Other") and no
    # whitespace but the ASCII space; already in NFKC (most IDs and names), only the spaces are
    # left to do: 3x faster than the full path (test_normalize compares the two).
    if (
        value.isprintable()
        and "_x000" not in value
        and (value.isascii() or unicodedata.is_normalized("NFKC", value))
    ):
        return " ".join(value.split())
    return _clean_text_full(value)


def _clean_text_full(value: str) -> str:
    text = _X000D.sub(" ", value).translate(_ZERO_WIDTH)
    text = unicodedata.normalize("NFKC", text)
    text = _CONTROL.sub(" ", text)
    return " ".join(text.split())


def _number_text(value: float | int) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _digits(value: float | int) -> int:
    if isinstance(value, float) and not math.isfinite(value):
        return 99
    return len(str(abs(int(value))))


def _from_serial(serial: float, date1904: bool) -> dt.date | None:
    if not 1 <= serial < 2_958_466:  # Excel's last date is 9999-12-31
        return None
    epoch = EXCEL_EPOCH_1904 if date1904 else EXCEL_EPOCH_1900
    return epoch + dt.timedelta(days=int(serial))


def _as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return _number_text(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%Y%m%d")
    if isinstance(value, dt.time):
        return value.isoformat()
    return clean_text(str(value))


def _identifier(key: str, value: object) -> str:
    """ID and certificate numbers: numbers become their digits (rules judge the raw type)."""
    if is_lossy_number(value):
        assert isinstance(value, int | float)
        return f"{float(value):.14E}" if math.isfinite(value) else str(value)  # as Excel shows it
    text = _as_text(value)
    return "".join(text.split()).upper() if key == "id_number" else text


def is_lossy_number(value: object) -> bool:
    """A numeric cell that cannot hold the digits of an identifier exactly (16+ digits)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return (
        not math.isfinite(value)
        or not float(value).is_integer()
        or _digits(value) > MAX_EXACT_DIGITS
    )


def _issue_date(value: object, date1904: bool, out: list[Issue]) -> str:
    key = "issue_date"
    if isinstance(value, dt.datetime | dt.date):
        result = value.strftime("%Y%m%d")
        out.append(_found("issue-date-converted", key, str(value)[:10], result))
        return result
    if isinstance(value, int | float) and not isinstance(value, bool):
        text = _number_text(value)
        if re.fullmatch(r"\d{6}|\d{8}", text):  # YYYYMM typed as a number: rules judge it
            return text
        day = _from_serial(float(value), date1904) if math.isfinite(value) else None
        if day is None:
            return text
        result = day.strftime("%Y%m%d")
        out.append(_found("issue-date-converted", key, text, result))
        return result
    text = _as_text(value)
    match = _DATE_TEXT.fullmatch(text)
    if match:
        result = f"{match['y']}{int(match['m']):02d}{int(match['d']):02d}"
        out.append(_found("issue-date-converted", key, text, result))
        return result
    return text


def _name(value: object) -> str:
    return _name_text(_as_text(value))


def _name_text(text: str) -> str:
    text = _DOTS.sub("·", text)
    if " " in text and _CJK.search(text) and not _LATIN.search(text):
        text = text.replace(" ", "")  # CJK names lose inner spaces; Latin names keep them
    return text


def normalize_cell(key: str, value: object, date1904: bool = False) -> tuple[str, list[Issue]]:
    """Normalise one raw cell of column `key` into text plus findings."""
    out: list[Issue] = []
    if isinstance(value, ErrorValue):
        return "", [_found("cell-error-value", key, value.text)]
    if isinstance(value, FormulaValue):
        return "", [_found("cell-formula", key, value.formula[:50])]
    if isinstance(value, bool):  # TRUE/FALSE typed or pasted into a text column
        return "", [_found("cell-boolean", key, "TRUE" if value else "FALSE")]
    if key in ("id_number", "cert_no"):
        text = _identifier(key, value)
    elif key == "issue_date":
        text = _issue_date(value, date1904, out)
    elif key == "name":
        text = _name(value)
    else:
        text = _as_text(value)
    if len(text) > MAX_CELL_TEXT:
        return "", [_found("cell-too-long", key, text[:20] + "…", str(len(text)))]
    return text, out


_SLOTS = tuple((c.key, c.index) for c in COLUMNS)  # (key, zero-based index): read per cell
# Columns whose values repeat from row to row (vocabulary entries, dates): their normalisation
# is remembered per process, which makes a typical row ~1.5x cheaper to validate. Identifiers
# and names are nearly all distinct and are not remembered. (rulerun.evaluate remembers the
# outcomes of the rules that read only these columns.)
REPEATING = frozenset(
    ("region_code", "id_type", "gender", "series", "level", "title_name", "issue_date",
     "issuer", "review_body")
)  # fmt: skip
MEMO_COLUMNS = REPEATING  # those normalize_row remembers: none inside validate.caches_off()
_MEMO: dict[tuple[str, type, object, bool], tuple[str, tuple[Issue, ...]]] = {}
_MEMO_MAX = 20_000


def _normalize_memo(key: str, value: object, date1904: bool) -> tuple[str, tuple[Issue, ...]]:
    """normalize_cell for a repeating column (the type is part of the key: 1 == 1.0 == True)."""
    memo_key = (key, type(value), value, date1904)
    hit = _MEMO.get(memo_key)
    if hit is None:
        text, found = normalize_cell(key, value, date1904)
        hit = (text, tuple(found))
        if len(_MEMO) >= _MEMO_MAX:
            _MEMO.clear()
        _MEMO[memo_key] = hit
    return hit


def _id_number_text(value: str) -> str:
    return "".join(clean_text(value).split()).upper()


# What normalize_cell makes of a text cell (type str, no subclass) of the distinct columns,
# without its isinstance chain; only for texts up to MAX_CELL_TEXT, which yield no finding.
# test_normalize checks each against normalize_cell.
_TEXT_OF_STR: dict[str, Callable[[str], str]] = {
    "id_number": _id_number_text,
    "cert_no": clean_text,
    "name": lambda value: _name_text(clean_text(value)),
}


def normalize_row(
    raw: Sequence[object], date1904: bool = False
) -> tuple[dict[str, str], list[Issue]]:
    """Normalise the 12 raw cells of a row (missing trailing cells count as blank)."""
    values: dict[str, str] = {}
    findings: list[Issue] = []
    width = len(raw)
    memo_columns, memo_get, text_of_str = MEMO_COLUMNS, _MEMO.get, _TEXT_OF_STR.get
    for key, index in _SLOTS:
        cell = raw[index] if index < width else None
        if key in memo_columns:
            hit = memo_get((key, type(cell), cell, date1904))
            values[key], found = hit if hit is not None else _normalize_memo(key, cell, date1904)
        else:
            fast = text_of_str(key) if type(cell) is str else None
            text = fast(cell) if fast is not None else None  # type: ignore[arg-type]
            if text is not None and len(text) <= MAX_CELL_TEXT:
                values[key] = text
                continue
            values[key], found = normalize_cell(key, cell, date1904)  # type: ignore[assignment]
        if found:
            findings.extend(found)
    return values, findings


def is_blank(raw: Sequence[object]) -> bool:
    """A row is blank when every input cell is empty after cleaning."""
    for cell in raw[: len(COLUMNS)]:
        if cell is None:
            continue
        if isinstance(cell, str):
            if cell[:1].isalnum():
                return False  # clean_text keeps letters and digits: no need to clean it
            if not clean_text(cell):
                continue
        return False
    return True
