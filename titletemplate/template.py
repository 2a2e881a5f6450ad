"""The locked, signed Attachment-1 workbook per reporting unit (xlsxwriter), and batch builds."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import math
import re
import unicodedata
import warnings
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, fields
from pathlib import Path
from types import MappingProxyType
from typing import Any

import xlsxwriter
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from xlsxwriter.exceptions import XlsxWriterException

from . import idcard, messages, privacy
from .columns import (
    BY_KEY,
    CHECK_LETTER,
    COLUMNS,
    DATA_SHEET,
    EXAMPLE_ROW,
    EXPLANATION_ROW,
    FIRST_DATA_ROW,
    HEADER_ROW,
    INSTRUCTIONS_ROW,
    META_SHEET,
    NUMBER_ROW,
    TITLE_ROW,
    UNIT_ROW,
    VOCAB_SHEET,
)
from .errors import Severity, TemplateError
from .files import write_bytes_atomic
from .fingerprint import Identity, make_identity, template_id
from .keys import sheet_password
from .protection import DATA_SHEET_PROTECTION, lock_structure, write_checksum_sheet
from .protection import identity_properties as identity_properties  # re-exported API
from .protection import template_password as template_password  # re-exported API
from .stamp import Probe, make_probe, probe_unit, stamp
from .vocab import Unit, Vocab
from .vocabsheet import SheetFormulas, checked, compile_sheet, vocab_lists, write_vocab_sheet

EXCEL_MAX_ROWS = 1_048_576
EXAMPLE_ID_FIRST17 = "37010219730829181"  # synthetic: Jinan Lixia, 1973-08-29, odd digit = male
CHECK_WIDTH = 30
MANIFEST_NAME = "manifest.csv"
MANIFEST_HEADER = ("unit", "code", "template_id", "file", "sha256")
_CHECK_COL = ord(CHECK_LETTER) - ord("A")
_LAST_INPUT_COL = COLUMNS[-1].index
_LINE_HEIGHT = 15.0  # points per wrapped line of 11-point text, CJK fonts included
_UNSAFE_NAME = re.compile(r'[\x00-\x1f\\/:*?"<>|]')
_RESERVED_NAMES = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10))}
_RESERVED_NAMES |= {f"LPT{i}" for i in range(1, 10)}


@dataclass(frozen=True, slots=True)
class ManifestEntry:
    """One built template, as listed in manifest.csv."""

    unit: str
    unit_code: str
    template_id: str
    file: str  # file name inside the output folder
    sha256: str


# --- public API ---------------------------------------------------------------------------


def build_template(
    vocab: Vocab,
    unit: Unit,
    key: Ed25519PrivateKey,
    *,
    issued_at: str,
    rows: int | None = None,
    prefill: Sequence[Mapping[str, str]] = (),
    marks: Mapping[tuple[int, str], str] = MappingProxyType({}),
) -> bytes:
    """The template for `unit` as xlsx bytes; the same arguments give the same bytes.

    Args:
        issued_at: ISO 8601 time, signed into the identity and used as the created date.
        rows: input rows (default: the campaign's).
        prefill: values by column key for the input rows from the first one on (corrections).
        marks: (prefill index, column key) -> Chinese message; that cell gets a red fill and
            the message as a comment.

    Raises:
        TemplateError: a formula or text breaks an Excel limit, or xlsxwriter refused a call.
        ValueError: bad `rows`, `prefill`, `marks` or `issued_at`.
    """
    n = vocab.campaign.rows if rows is None else rows
    _check_request(n, prefill, marks)
    created = _parse_issued_at(issued_at)
    identity = make_identity(vocab, unit, issued_at, key)
    password = sheet_password(key, identity.template_id)
    sheet = compile_sheet(vocab, n)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            data = _render(vocab, unit, identity, password, sheet, created, prefill, marks)
        except (Warning, XlsxWriterException) as exc:
            # The text may quote a cell value: mask ID-like numbers before it travels on.
            detail = privacy.mask_ids_in_text(str(exc))[:200]
            raise TemplateError("xlsxwriter-rejected", detail) from None
    return lock_structure(data, password)


def write_template(path: str | Path, data: bytes) -> Path:
    """Write template bytes atomically; returns the path written."""
    target = Path(path)
    write_bytes_atomic(target, data)
    return target


def build_templates(
    vocab: Vocab,
    units: Sequence[Unit],
    key: Ed25519PrivateKey,
    out_dir: str | Path,
    *,
    issued_at: str,
    rows: int | None = None,
    jobs: int = 2,
    progress: Callable[[int], None] | None = None,
) -> list[ManifestEntry]:
    """One template per unit as `<out_dir>/<unit name>.xlsx`, plus `manifest.csv`.

    Returns:
        The manifest entries in the order of `units`.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    names = _file_names(units)
    raw_key = key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    state = (_vocab_fields(vocab), raw_key, issued_at, rows, str(out))
    entries: list[ManifestEntry | None] = [None] * len(units)
    if jobs <= 1 or len(units) <= 1:
        local = _make_state(*state)
        for i, unit in enumerate(units):
            entries[i] = _build_with(local, unit, names[i])
            if progress is not None:
                progress(i + 1)
    else:
        # Vocab holds MappingProxyType lookups, which do not pickle: workers rebuild it once
        # from its plain fields, and the key travels as raw bytes.
        with ProcessPoolExecutor(jobs, initializer=_init_worker, initargs=state) as pool:
            futures = {pool.submit(_build_one, u, names[i]): i for i, u in enumerate(units)}
            for done, future in enumerate(as_completed(futures), start=1):
                built = future.result()
                if isinstance(built, tuple):
                    raise TemplateError(*built)
                entries[futures[future]] = built
                if progress is not None:
                    progress(done)
    result = [e for e in entries if e is not None]
    _write_manifest(out / MANIFEST_NAME, result)
    return result


# --- request checks -----------------------------------------------------------------------


def _check_request(
    rows: int, prefill: Sequence[Mapping[str, str]], marks: Mapping[tuple[int, str], str]
) -> None:
    if not 1 <= rows <= EXCEL_MAX_ROWS - FIRST_DATA_ROW + 1:
        raise ValueError(f"rows must be between 1 and {EXCEL_MAX_ROWS - FIRST_DATA_ROW + 1}")
    if len(prefill) > rows:
        raise ValueError(f"{len(prefill)} prefill rows do not fit {rows} input rows")
    unknown = {k for values in prefill for k in values if k not in BY_KEY}
    unknown |= {k for _, k in marks if k not in BY_KEY}
    if unknown:
        raise ValueError(f"unknown column keys: {sorted(unknown)}")
    if any(not 0 <= i < rows for i, _ in marks):
        raise ValueError("a mark points outside the input rows")


def _parse_issued_at(issued_at: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(issued_at)
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment


# --- workbook -----------------------------------------------------------------------------


def _render(
    vocab: Vocab,
    unit: Unit,
    identity: Identity,
    password: str,
    sheet: SheetFormulas,
    created: dt.datetime,
    prefill: Sequence[Mapping[str, str]],
    marks: Mapping[tuple[int, str], str],
) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            # Cell text is data, never a number, formula or link.
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    workbook.set_properties(
        {"title": messages.TITLE_LINE, "company": vocab.campaign.bureau, "created": created}
    )
    for name, value in identity_properties(identity):
        checked(workbook.set_custom_property(name, value, "text"), "property")
    fmt = _formats(workbook)
    data = workbook.add_worksheet(DATA_SHEET)
    vocab_sheet = workbook.add_worksheet(VOCAB_SHEET)
    meta = workbook.add_worksheet(META_SHEET)

    _write_layout(data, fmt, unit, sheet)
    _write_input_block(data, fmt, vocab, sheet, prefill, marks)
    _write_page_setup(data, sheet)
    data.protect(password, dict(DATA_SHEET_PROTECTION))
    data.activate()

    write_vocab_sheet(workbook, vocab_sheet, vocab_lists(vocab), fmt["text"])
    vocab_sheet.very_hidden()
    vocab_sheet.protect(password)

    write_checksum_sheet(meta, identity, fmt["text"])
    meta.very_hidden()
    meta.protect(password)

    workbook.close()
    return buffer.getvalue()


def _formats(workbook: Any) -> dict[str, Any]:
    border = {"border": 1, "valign": "vcenter"}
    text = {"num_format": "@"}
    specs: dict[str, dict[str, Any]] = {
        "text": text,
        "title": {"bold": True, "font_size": 14, "valign": "vcenter"},
        "label": {"bold": True, "valign": "vcenter"},
        "unit": {"valign": "vcenter", "bottom": 1, **text},
        "number": {**border, "align": "center"},
        "header": {
            **border,
            "bold": True,
            "align": "center",
            "text_wrap": True,
            "bg_color": "#D9E1F2",
        },
        "example": {
            **border,
            **text,
            "italic": True,
            "font_color": "#808080",
            "bg_color": "#F2F2F2",
        },
        "explanation": {**border, "text_wrap": True, "valign": "top", "font_size": 9},
        "instructions": {**border, "text_wrap": True, "valign": "top"},
        "input": {**border, **text, "locked": False},
        "marked": {**border, **text, "locked": False, "bg_color": "#FFC7CE"},
        # Hidden: the formula bar shows nothing, the cell shows the hint.
        "check": {**border, "locked": True, "hidden": True, "font_color": "#C00000"},
        "summary": {"bold": True, "font_color": "#C00000", "hidden": True},
        "bad": {"bg_color": "#FFC7CE", "font_color": "#9C0006"},
        "doubtful": {"bg_color": "#FFEB9C", "font_color": "#9C5700"},
    }
    return {name: workbook.add_format(spec) for name, spec in specs.items()}


def _text_width(text: str) -> int:
    """Approximate width in Excel column units: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _lines(text: str, width: float) -> int:
    # 10% slack: Excel wraps at word and punctuation boundaries, not at the exact width.
    return max(1, math.ceil(_text_width(text) * 1.1 / max(width, 1.0)))


def _write_layout(data: Any, fmt: dict[str, Any], unit: Unit, sheet: SheetFormulas) -> None:
    """Rows 1-7 of the notice's Attachment 1, and the check column's head."""
    for column in COLUMNS:
        checked(data.set_column(column.index, column.index, column.width), "width")
    checked(data.set_column(_CHECK_COL, _CHECK_COL, CHECK_WIDTH), "width")
    last = _LAST_INPUT_COL
    r = TITLE_ROW - 1
    checked(data.merge_range(r, 0, r, last, messages.TITLE_LINE, fmt["title"]), "title")
    checked(data.set_row(r, 26), "height")
    r = UNIT_ROW - 1
    signer_col = BY_KEY["title_name"].index  # the signer label stands above column I in the notice
    checked(data.write_string(r, 0, messages.UNIT_LABEL, fmt["label"]), "unit")
    checked(data.merge_range(r, 1, r, signer_col - 1, unit.name, fmt["unit"]), "unit")
    checked(data.write_string(r, signer_col, messages.SIGNER_LABEL, fmt["label"]), "signer")
    checked(data.merge_range(r, signer_col + 1, r, last, "", fmt["unit"]), "signer")
    checked(data.write_formula(r, _CHECK_COL, sheet.summary, fmt["summary"], ""), "summary")
    checked(data.set_row(r, 22), "height")
    example = dict(messages.EXAMPLE_VALUES, id_number=idcard.complete(EXAMPLE_ID_FIRST17))
    for column in COLUMNS:
        c = column.index
        checked(data.write_number(NUMBER_ROW - 1, c, c + 1, fmt["number"]), "number")
        checked(data.write_string(HEADER_ROW - 1, c, column.header, fmt["header"]), "header")
        checked(data.write_string(EXAMPLE_ROW - 1, c, example[column.key], fmt["example"]), "ex")
        checked(
            data.write_string(EXPLANATION_ROW - 1, c, column.explanation, fmt["explanation"]), "ex"
        )
    checked(
        data.write_string(HEADER_ROW - 1, _CHECK_COL, messages.CHECK_HEADER, fmt["header"]), "h"
    )
    checked(
        data.write_string(EXAMPLE_ROW - 1, _CHECK_COL, messages.EXAMPLE_MARK, fmt["example"]), "m"
    )
    checked(
        data.write_string(
            EXPLANATION_ROW - 1, _CHECK_COL, messages.EXPLANATION_MARK, fmt["explanation"]
        ),
        "m",
    )
    checked(data.set_row(HEADER_ROW - 1, 30), "height")
    # Wrapped rows do not grow by themselves in a file written without Excel: size them here.
    # The explanations are in 9 point, hence the smaller line height.
    explanation_lines = max(_lines(c.explanation, c.width * 11 / 9) for c in COLUMNS)
    checked(data.set_row(EXPLANATION_ROW - 1, 12.0 * explanation_lines + 4), "height")
    r = INSTRUCTIONS_ROW - 1
    total_width = sum(c.width for c in COLUMNS)
    checked(data.merge_range(r, 0, r, last, messages.INSTRUCTIONS, fmt["instructions"]), "help")
    checked(data.set_row(r, _LINE_HEIGHT * (_lines(messages.INSTRUCTIONS, total_width) + 1)), "h")


def _write_input_block(
    data: Any,
    fmt: dict[str, Any],
    vocab: Vocab,
    sheet: SheetFormulas,
    prefill: Sequence[Mapping[str, str]],
    marks: Mapping[tuple[int, str], str],
) -> None:
    ctx = sheet.context
    first, last = ctx.first_row - 1, ctx.last_row - 1  # zero-based
    # xlsxwriter runs ~60 regex substitutions per formula to add "_xlfn." prefixes: 3 s for
    # 2,000 check formulas. lint() admits only Excel 2007 functions, which need no prefix, so
    # the instance skips that step while the block is written.
    data._prepare_formula = _strip_equals
    try:
        for i, r in enumerate(range(first, last + 1)):
            values = prefill[i] if i < len(prefill) else {}
            for column in COLUMNS:
                cell_fmt = fmt["marked"] if (i, column.key) in marks else fmt["input"]
                value = values.get(column.key, "")
                if value:
                    checked(data.write_string(r, column.index, value, cell_fmt), "prefill")
                else:
                    checked(data.write_blank(r, column.index, None, cell_fmt), "input")
            formula = sheet.check_formula(r + 1)
            checked(data.write_formula(r, _CHECK_COL, formula, fmt["check"], ""), "check")
    finally:
        del data._prepare_formula
    for (i, key), message in sorted(marks.items()):
        options = {"author": vocab.campaign.bureau, "x_scale": 2.5, "y_scale": 1.5}
        checked(data.write_comment(first + i, BY_KEY[key].index, message, options), "comment")
    for validation in sheet.validations:
        c = BY_KEY[validation.key].index
        checked(data.data_validation(first, c, last, c, dict(validation.options)), validation.key)
    for highlight in sheet.highlights:
        c = BY_KEY[highlight.key].index
        style = fmt["bad"] if highlight.severity is Severity.ERROR else fmt["doubtful"]
        options = {"type": "formula", "criteria": "=" + highlight.formula, "format": style}
        checked(data.conditional_format(first, c, last, c, options), highlight.key)


def _strip_equals(formula: str, expand_future_functions: bool = False) -> str:
    return formula.removeprefix("=")


def _write_page_setup(data: Any, sheet: SheetFormulas) -> None:
    # Rows 1-4 stay in view; the tall example/explanation/instructions rows scroll away so a
    # laptop screen still shows a dozen input rows.
    data.freeze_panes(HEADER_ROW, 0)
    data.set_landscape()
    data.set_paper(9)  # A4
    data.fit_to_pages(1, 0)
    data.repeat_rows(NUMBER_ROW - 1, HEADER_ROW - 1)
    checked(data.print_area(0, 0, sheet.context.last_row - 1, _CHECK_COL), "print area")
    data.set_footer(messages.FOOTER)
    data.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)


# --- batch --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _WorkerState:
    vocab: Vocab
    key: Ed25519PrivateKey
    issued_at: str
    rows: int | None
    out_dir: Path
    probes: list[Probe | None]  # at most one: built on first use


_state: _WorkerState | None = None


def _vocab_fields(vocab: Vocab) -> dict[str, Any]:
    return {f.name: getattr(vocab, f.name) for f in fields(vocab) if f.init}


def _make_state(
    vocab_fields: dict[str, Any], raw_key: bytes, issued_at: str, rows: int | None, out_dir: str
) -> _WorkerState:
    return _WorkerState(
        Vocab(**vocab_fields),
        Ed25519PrivateKey.from_private_bytes(raw_key),
        issued_at,
        rows,
        Path(out_dir),
        [],
    )


def _init_worker(*args: Any) -> None:
    global _state
    _state = _make_state(*args)


def _build_stamped(state: _WorkerState, unit: Unit) -> bytes:
    """build_template's bytes, stamped into the batch's probe template when that applies."""
    vocab, key, issued_at = state.vocab, state.key, state.issued_at
    if not state.probes:
        built = build_template(vocab, probe_unit(), key, issued_at=issued_at, rows=state.rows)
        state.probes.append(make_probe(vocab, key, built, issued_at))
    probe = state.probes[0]
    data = stamp(probe, vocab, unit, key, issued_at) if probe is not None else None
    if data is None:
        data = build_template(vocab, unit, key, issued_at=issued_at, rows=state.rows)
    return data


def _build_with(state: _WorkerState, unit: Unit, file_name: str) -> ManifestEntry:
    data = _build_stamped(state, unit)
    write_template(state.out_dir / file_name, data)
    return ManifestEntry(
        unit=unit.name,
        unit_code=unit.code,
        template_id=template_id(state.vocab, unit, state.issued_at),
        file=file_name,
        sha256=hashlib.sha256(data).hexdigest(),
    )


def _build_one(unit: Unit, file_name: str) -> ManifestEntry | tuple[str, str]:
    """Pool task. A TemplateError comes back as (code, detail): exceptions are pickled with
    their message only, which would lose the code."""
    if _state is None:
        raise RuntimeError("worker not initialised")
    try:
        return _build_with(_state, unit, file_name)
    except TemplateError as exc:
        return exc.code, exc.detail


def safe_file_name(name: str) -> str:
    """A file name for `name` that Windows, macOS and Linux all accept (no extension)."""
    stem = _UNSAFE_NAME.sub("_", unicodedata.normalize("NFC", name)).strip(" .") or "_"
    if stem.split(".")[0].upper() in _RESERVED_NAMES:
        stem = "_" + stem
    return stem[:120]


def _file_names(units: Sequence[Unit]) -> list[str]:
    names: list[str] = []
    taken: set[str] = set()
    for unit in units:
        stem = safe_file_name(unit.name)
        name, n = f"{stem}.xlsx", 1
        while name.casefold() in taken:
            n += 1
            name = f"{stem}-{n}.xlsx"
        taken.add(name.casefold())
        names.append(name)
    return names


def _write_manifest(path: Path, entries: Sequence[ManifestEntry]) -> None:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(MANIFEST_HEADER)
    for e in entries:
        writer.writerow((e.unit, e.unit_code, e.template_id, e.file, e.sha256))
    # The BOM makes Excel open the UTF-8 file with the Chinese unit names intact.
    write_bytes_atomic(path, text.getvalue().encode("utf-8-sig"))
