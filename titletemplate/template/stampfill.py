"""Correction workbooks without compiling a whole template for each one.

A correction is build_template(..., prefill=the unit's invalid rows, marks=...). Almost all of
its cost is fixed (the vocabulary sheet, its names, validations and formats, packaging) and
almost none of its bytes depend on the rows. So each process builds one probe correction per
(vocabulary, key, issue time) with build_template, and a correction is made of
- the probe's parts with the unit's strings, properties and password hashes stamped in
  (stamp.py): the vocabulary and checksum sheets, theme, core and app properties ...;
- a frame per input-row count: the data sheet without its input cells, rendered once by
  datasheet.write_data_sheet (layout, validations, conditional formats, page setup) for the
  probe unit; the unit name's string index is the same for every unit (see below);
- the input block's rows, rendered here the way xlsxwriter writes them (its per-cell calls
  were 40% of the time), and the comments and VML of the marks, rendered by xlsxwriter from a
  bare sheet with the same layout;
- the strings new to the probe's shared-string table, appended to sharedStrings.xml:
  build_template writes the data sheet last, so the probe's strings keep their indices and
  the prefilled values follow in the order of their first use;
- styles.xml, whose order is the order of the styles' first use (a marked cell before the
  first check cell or after it), and the print area in workbook.xml.
The bytes equal build_template's (tests/test_corrections_fast.py compares them over many
rows, marks and units). The fast path declines and the caller builds from scratch when it
cannot be exact: no marks (the probe has comments and the marked style), a unit string that
collides (see stamp.py), an xlsxwriter warning, or a probe that fails its own check that the
fast path gives its bytes (e.g. under another xlsxwriter version).
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any
from xml.sax.saxutils import escape

import xlsxwriter
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from xlsxwriter.comments import Comments
from xlsxwriter.exceptions import XlsxWriterException
from xlsxwriter.vml import Vml

from ..columns import CHECK_LETTER, COLUMNS, DATA_SHEET
from ..errors import TemplateError
from ..fingerprint import CELL_PART, Origin, make_identity
from ..keys import sheet_password
from ..vocab import Unit, Vocab
from . import xlsxinternals as xi
from .build import build_template, write_sheets
from .datasheet import (
    WORKBOOK_OPTIONS,
    check_request,
    formats,
    shared_formula_xml,
    write_comments,
    write_data_sheet,
)
from .protection import WORKBOOK_PART, legacy_hash
from .stamp import (
    SST_PART,
    Head,
    Probe,
    guarded,
    make_probe,
    probe_unit,
    stamped_parts,
    unit_strings,
    zip_parts,
)
from .titlesheet import FORMAT_ORDER
from .vocabsheet import SheetFormulas, checked, compile_sheet

DATA_PART = "xl/worksheets/sheet1.xml"
COMMENTS_PART = "xl/comments1.xml"
VML_PART = "xl/drawings/vmlDrawing1.vml"
STYLES_PART = "xl/styles.xml"
_PROBE_ROWS = 21
_PROBE_MARKS: Mapping[tuple[int, str], str] = MappingProxyType({(0, COLUMNS[0].key): "probe"})
_CHECK_COL = ord(CHECK_LETTER) - ord("A")
_MAX_STRING = 32767  # xlsxwriter truncates longer cell text, with a warning
# The probe's origin: its strings stand in for a correction's, as the probe unit's do.
_PROBE_ORIGIN = Origin((("titletemplate-probe-corrects-5c1d", 1),))
_CACHE_SIZE = 64  # probes, frames and styles kept per process (a campaign needs one probe)


@dataclass(frozen=True, slots=True)
class _Frame:
    """The data sheet for some number of input rows without their cells (probe unit)."""

    sheet: SheetFormulas
    xml: str
    print_area: str
    styles: tuple[str, ...]  # format names in the order the frame first uses them
    dxf_styles: tuple[str, ...]  # the same for conditional formats


@dataclass(frozen=True, slots=True)
class FillProbe:
    """A probe correction and what the fast path needs to rebuild its data-sheet parts."""

    base: Probe
    password: str  # the probe's sheet password
    strings: Mapping[str, int]  # the shared-string table as build_template left it
    unit_values: tuple[str, ...]  # the probe unit's stamp.unit_strings
    other_refs: int  # string cells outside the data sheet
    counts: bytes  # the probe's `count=".." uniqueCount=".."` in sharedStrings.xml
    print_area: bytes  # the probe's print-area reference in workbook.xml
    text_xf: int  # style index of the vocabulary and checksum sheets' text cells
    heads: dict[str, Head]  # compressed heads of the parts that the data sheet leaves alone
    frames: dict[int, _Frame | None] = field(default_factory=dict)  # by input-row count


@dataclass(frozen=True, slots=True)
class _DataSheet:
    """The parts a data sheet drives."""

    parts: dict[str, bytes]
    new_strings: list[str]  # shared strings new to the probe's table, in index order
    refs: int  # string cells on the data sheet
    text_xf: int


_probes: dict[tuple[str, bytes, str, bool], FillProbe | None] = {}
_styles: dict[tuple[Any, ...], bytes] = {}


def build_filled(
    vocab: Vocab,
    unit: Unit,
    key: Ed25519PrivateKey,
    *,
    issued_at: str,
    rows: int,
    prefill: Sequence[Mapping[str, str]],
    marks: Mapping[tuple[int, str], str],
    origin: Origin | None = None,
) -> bytes | None:
    """build_template's bytes for these arguments, from this process's probe; None when the
    fast path cannot be exact (then build the template from scratch).

    Raises:
        ValueError: bad `rows`, `prefill` or `marks`, as build_template.
    """
    check_request(rows, prefill, marks)
    if not marks:
        return None
    public = key.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    cache_key = (vocab.fingerprint, public, issued_at, origin is not None)
    if cache_key not in _probes:
        _bounded(_probes)
        _probes[cache_key] = guarded(
            "fill probe", lambda: make_fill_probe(vocab, key, issued_at, origin is not None)
        )
    probe = _probes[cache_key]
    if probe is None:
        return None
    return guarded(
        "fill", lambda: fill(probe, vocab, unit, key, issued_at, rows, prefill, marks, origin)
    )


def make_fill_probe(
    vocab: Vocab, key: Ed25519PrivateKey, issued_at: str, with_origin: bool = False
) -> FillProbe | None:
    """The probe correction (with a sentinel origin for corrections that have one), or None
    when the fast path cannot give its bytes exactly."""
    unit = probe_unit()
    origin = _PROBE_ORIGIN if with_origin else None
    data = build_template(
        vocab, unit, key, issued_at=issued_at, rows=_PROBE_ROWS, marks=_PROBE_MARKS,
        origin=origin,
    )  # fmt: skip
    base = make_probe(vocab, key, data, issued_at, origin)
    if base is None:
        return None
    identity = make_identity(vocab, unit, issued_at, key, origin)
    password = sheet_password(key, identity.template_id)
    # The table as build_template fills it, from the same writes (parsing sharedStrings.xml
    # back is not exact: xlsxwriter's _xHHHH_ escapes are not one-to-one).
    book = xlsxwriter.Workbook(io.BytesIO(), dict(WORKBOOK_OPTIONS))
    sheet = compile_sheet(vocab, _PROBE_ROWS)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        write_sheets(book, vocab, unit, identity, password, sheet, (), _PROBE_MARKS)
    table = book.str_table
    strings = dict(table.string_table)
    sst = base.parts[SST_PART]
    if xi.sst(strings, table.count) != sst or not sst.endswith(b"</sst>"):
        return None
    counts = f'count="{table.count}" uniqueCount="{table.unique_count}"'.encode()
    values = unit_strings(identity)
    heads = {k: v for k, v in base.heads.items() if k != DATA_PART}
    # What is left (string cells elsewhere, print area, text style) comes from the probe's
    # own data sheet, rendered the fast way; then the probe must come out byte for byte.
    probe = FillProbe(base, password, strings, values, table.count, counts, b"", 0, heads)
    frame = _frame(probe, vocab, _PROBE_ROWS)
    own = None if frame is None else _render(frame, strings, vocab, unit, (), _PROBE_MARKS)
    if frame is None or own is None:
        return None
    print_area = f">{escape(frame.print_area)}<".encode()
    if base.parts[WORKBOOK_PART].count(print_area) != 1:
        return None
    probe = replace(
        probe, other_refs=table.count - own.refs, print_area=print_area, text_xf=own.text_xf
    )
    if fill(probe, vocab, unit, key, issued_at, _PROBE_ROWS, (), _PROBE_MARKS, origin) != data:
        return None
    return probe


def fill(
    probe: FillProbe,
    vocab: Vocab,
    unit: Unit,
    key: Ed25519PrivateKey,
    issued_at: str,
    rows: int,
    prefill: Sequence[Mapping[str, str]],
    marks: Mapping[tuple[int, str], str],
    origin: Origin | None = None,
) -> bytes | None:
    """The correction from the probe, or None when the fast path does not apply."""
    identity = make_identity(vocab, unit, issued_at, key, origin)
    password = sheet_password(key, identity.template_id)
    parts = stamped_parts(probe.base, identity, password)
    frame = _frame(probe, vocab, rows)
    if parts is None or frame is None:
        return None
    values = unit_strings(identity)
    if len(values) != len(probe.unit_values) or max(map(len, values)) > CELL_PART:
        return None  # a value the checksum sheet continues over rows: the probe has one row
    swap = dict(zip(probe.unit_values, values, strict=True))
    strings = {swap.get(s, s): i for s, i in probe.strings.items()}
    own = _render(frame, strings, vocab, unit, prefill, marks)
    if own is None or own.text_xf != probe.text_xf:
        return None
    old = f'<sheetProtection password="{legacy_hash(probe.password)}"'.encode()
    new = f'<sheetProtection password="{legacy_hash(password)}"'.encode()
    parts |= own.parts
    parts[DATA_PART] = parts[DATA_PART].replace(old, new, 1)
    count = probe.other_refs + own.refs
    counts = f'count="{count}" uniqueCount="{len(strings) + len(own.new_strings)}"'.encode()
    sst = parts[SST_PART].replace(probe.counts, counts, 1)
    parts[SST_PART] = sst[: -len(b"</sst>")] + xi.si_elements(own.new_strings) + b"</sst>"
    area = f">{escape(frame.print_area)}<".encode()
    parts[WORKBOOK_PART] = parts[WORKBOOK_PART].replace(probe.print_area, area, 1)
    return zip_parts(probe.base, parts, probe.heads)


def _frame(probe: FillProbe, vocab: Vocab, rows: int) -> _Frame | None:
    """The data sheet for `rows` input rows without their cells, with the probe's unit and
    password, as xlsxwriter's Workbook.close writes a first sheet; cached on the probe."""
    if rows in probe.frames:
        return probe.frames[rows]
    _bounded(probe.frames)
    probe.frames[rows] = None
    sheet = compile_sheet(vocab, rows)
    ctx = sheet.context
    _, fmt, data = _bare_sheet(probe.strings)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            write_data_sheet(
                data, fmt, vocab, probe_unit(), probe.password, sheet, (), _PROBE_MARKS,
                cells=False,
            )  # fmt: skip
            # The cells left out would have stretched the used range to the block's corners.
            last_col = _CHECK_COL + max(len(sheet.shared) - 1, 0)
            for row, col in ((ctx.first_row - 1, 0), (ctx.last_row - 1, last_col)):
                checked(xi.check_dimensions(data, row, col), "dimension")
            data.active = 1
            # The conditional formats and validations are the same for every row count;
            # xlsxwriter spends ~15 ms a sheet on their _xlfn prefixes.
            xi.cache_formula_preparation(data)
            data.comments = {}  # else the rows of comments would be written, empty
            xml = xi.assembled(data).decode("utf-8")
        except (Warning, XlsxWriterException, TemplateError):
            return None
    if sheet.shared:
        # xlsxwriter gives each 16-row block the columns its cells span: the layout rows
        # share their block with the first input rows, which reach the last helper column.
        spans = f'spans="1:{_CHECK_COL + len(sheet.shared)}"'
        xml = xml.replace(f'spans="1:{_CHECK_COL + 1}"', spans)
    protection = f'<sheetProtection password="{legacy_hash(probe.password)}"'
    if xml.count("</sheetData>") != 1 or xml.count(protection) != 1:
        return None
    xf = sorted((f.xf_index, name) for name, f in fmt.items() if f.xf_index is not None)
    dxf = sorted((f.dxf_index, name) for name, f in fmt.items() if f.dxf_index is not None)
    order = tuple(name for _, name in xf), tuple(name for _, name in dxf)
    frame = _Frame(sheet, xml, data.print_area_range, *order)
    probe.frames[rows] = frame
    return frame


def _render(
    frame: _Frame,
    strings: Mapping[str, int],
    vocab: Vocab,
    unit: Unit,
    prefill: Sequence[Mapping[str, str]],
    marks: Mapping[tuple[int, str], str],
) -> _DataSheet | None:
    """The data sheet, its comments and VML and styles.xml, for a string table that starts as
    `strings`."""
    book, fmt, data = _bare_sheet(strings)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            write_comments(data, fmt, vocab, unit, frame.sheet, marks)
            xi.prepare_vml(book)
        except (Warning, XlsxWriterException, TemplateError):
            return None
    for name in frame.styles:  # the frame's styles come first, as in the sheet
        xi.xf_index(fmt[name])
    for name in frame.dxf_styles:
        xi.dxf_index(fmt[name])
    block = _input_rows(book.str_table, fmt, frame.sheet, prefill, marks)
    if block is None:
        return None
    xml = frame.xml.replace("</sheetData>", block + "</sheetData>", 1)
    parts = {DATA_PART: xml.encode("utf-8")}
    parts[COMMENTS_PART] = xi.assembled(Comments(), data.comments_list)
    parts[VML_PART] = xi.assembled(
        Vml(), data.vml_data_id, data.vml_shape_id, data.comments_list, data.buttons_list
    )
    for name in FORMAT_ORDER:  # the titles sheet comes next, then the text of the hidden ones
        xi.xf_index(fmt[name])
    text_xf = xi.xf_index(fmt["text"])
    # styles.xml lists the formats in style-index order, which their first uses decide.
    order = (book.has_comments, *((f.xf_index, f.dxf_index) for f in book.formats))
    if order not in _styles:
        _bounded(_styles)
        _styles[order] = xi.styles_xml(book)
    parts[STYLES_PART] = _styles[order]
    table = book.str_table
    new = list(table.string_table)[len(strings) :]
    return _DataSheet(parts, new, table.count, text_xf)


def _input_rows(
    table: Any,
    fmt: dict[str, Any],
    sheet: SheetFormulas,
    prefill: Sequence[Mapping[str, str]],
    marks: Mapping[tuple[int, str], str],
) -> str | None:
    """The `<row>` elements of the input block as xlsxwriter writes them for
    datasheet._write_input_cells: a shared string or a blank per input cell, styled "marked"
    or "input", then the check formula. Style indices are handed out at first use, in the
    same order as xlsxwriter's; None for a value xlsxwriter would truncate with a warning."""
    ctx = sheet.context
    # Every input row fills columns A to the check column and its hidden helpers.
    spans = f"1:{_CHECK_COL + max(len(sheet.shared), 1)}"
    chunks = [escape(c) for c in sheet.check_chunks]
    out: list[str] = []
    for i, r in enumerate(range(ctx.first_row, ctx.last_row + 1)):
        values = prefill[i] if i < len(prefill) else {}
        out.append(f'<row r="{r}" spans="{spans}">')
        for column in COLUMNS:
            style = xi.xf_index(fmt["marked" if (i, column.key) in marks else "input"])
            value = values.get(column.key, "")
            if not value:
                out.append(f'<c r="{column.letter}{r}" s="{style}"/>')
                continue
            if len(value) > _MAX_STRING:
                return None
            index = xi.shared_string_index(table, value)
            out.append(f'<c r="{column.letter}{r}" s="{style}" t="s"><v>{index}</v></c>')
        check = xi.xf_index(fmt["check"])
        if sheet.shared:
            for j, helper in enumerate(sheet.shared):
                f = shared_formula_xml(sheet, j, r)
                out.append(f'<c r="{helper.letter}{r}" s="{check}">{f}<v></v></c>')
            out.append("</row>")
            continue
        formula = str(r).join(chunks)
        out.append(f'<c r="{CHECK_LETTER}{r}" s="{check}"><f>{formula}</f><v></v></c></row>')
    return "".join(out)


def _bare_sheet(strings: Mapping[str, int]) -> tuple[Any, dict[str, Any], Any]:
    """A workbook with the template's formats and an empty data sheet, whose shared-string
    table starts as `strings`."""
    book = xlsxwriter.Workbook(io.BytesIO(), dict(WORKBOOK_OPTIONS))
    fmt = formats(book)
    data = book.add_worksheet(DATA_SHEET)
    xi.seed_strings(book, strings)
    return book, fmt, data


def _bounded(cache: dict[Any, Any], size: int = _CACHE_SIZE) -> None:
    """Empty a per-process cache that is full."""
    if len(cache) >= size:
        cache.clear()
