"""One pass over a worksheet part before calamine reads it: the extent of its values (calamine
builds a dense range, so a stray far cell must be refused first), formulas and error values in
the input block (calamine shows only their cached results), merged ranges and sheet protection.

Two ways, same result:
- `fast_scan` runs a few C-speed regular expressions over the decompressed part. It handles
  what Excel, WPS, LibreOffice, openpyxl and xlsxwriter write: UTF-8, unprefixed elements,
  every cell with an `r` reference, double-quoted attributes, no comments or CDATA in the
  sheet data. Anything else, or anything it cannot account for exactly (a count of tags that
  differs from what its patterns matched), makes it return None.
- `sax_scan` (saxscan.py) streams the part through defusedxml's SAX parser and handles any
  well-formed XML.

The fast path compares each row of the input block that nobody typed in with the row above
as bytes (its own number aside) and counts it without matching its cells one by one. On a
returned template as Excel saves it (2,000 rows, 500 typed in, 1.5 MB of XML): 38 ms -> 18 ms
a file; rows LibreOffice resaved carry their own number in every formula and take the cell by
cell path, looked at ever more sparsely (25 MB of XML: 52.7 -> 54.2 ms, the NUL check and the
rows looked at). tests/test_sheetscan.py checks that both ways give the same
result, on the templates, the returned-file corpus and random sheets.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from typing import NamedTuple

from ..normalize import ErrorValue, FormulaValue
from .saxscan import COLUMN_INDEX as _COLUMN_INDEX
from .saxscan import Merge as Merge
from .saxscan import SheetScan as SheetScan
from .saxscan import Watched as Watched
from .saxscan import cell_ref as cell_ref
from .saxscan import parse_ref as _parse_ref
from .saxscan import sax_scan as sax_scan

# Parts up to this size are scanned in memory: as much as preflight lets all of a workbook's
# parts be (MAX_UNCOMPRESSED_BYTES), so every sheet that passes it takes the fast path; a
# 100,000-row data sheet is ~97 MB. Larger parts would be streamed by sax_scan.
FAST_MAX_BYTES = 200 * 2**20
_CHUNK_BYTES = 4 * 2**20


def scan_sheet(zf: zipfile.ZipFile, part: str, first_row: int, width: int) -> SheetScan:
    """The part's extent, watched formulas and errors (rows >= first_row, columns < width),
    merges and protection.

    Raises:
        SubmissionError: a damaged cell reference (file-unreadable); bad XML reaches the
            caller as the parser's exception.
    """
    if zf.getinfo(part).file_size <= FAST_MAX_BYTES:
        found = fast_scan(zf.read(part), first_row, width)
        if found is not None:
            return found
    return sax_scan(zf, part, first_row, width)


# --- the fast path ------------------------------------------------------------------------

_ATTRS = rb'((?:\s+[\w:.-]+="[^"<]*")*)\s*'
# A cell's start tag and its first child's name: (letters, digits, attributes, "/" for an empty
# cell, child name or ""), or (as the last group) any other c or f tag: a cell this pattern
# cannot read, or a formula that is not a cell's first child.
_CELL = re.compile(
    rb'<(?:c r="([A-Z]{1,3})([0-9]{1,7})"' + _ATTRS + rb"(?:(/)>|>\s*(?:<(\w+))?)|([cf])[\s/>])"
)
_CONTENT = re.compile(rb'<c r="[A-Z]{1,3}[0-9]{1,7}"' + _ATTRS + rb">(.*?)</c>", re.S)
_FORMULA = re.compile(rb"\A\s*<f" + _ATTRS + rb"(?:/>|>([^<]*)</f>)")
_VALUE = re.compile(rb"\A\s*<v" + _ATTRS + rb"(?:/>|>([^<]*)</v>)")
_ATTR = re.compile(rb'([\w:.-]+)="([^"]*)"')
_MERGE = re.compile(rb'<mergeCell\s+ref="([^"<]*)"\s*/>')
_PROTECTION = re.compile(rb"<sheetProtection\b([^>]*)>")
_PROLOG = re.compile(rb"\A(?:\xef\xbb\xbf)?(?:<\?xml\s([^>]*)\?>)?\s*<worksheet[\s>]")
_ENCODING = re.compile(rb"""encoding\s*=\s*["']([^"']*)["']""")
_CELL_TAG = re.compile(rb"<c[\s/>]")
# Any tag in the sheet data other than those of rows, cells, formulas, values and inline text:
# comments, CDATA, instructions, prefixed names, rich-text properties, misplaced elements.
_OTHER_TAG = re.compile(rb"<(?!/|c[\s>/]|row[\s>/]|f[\s>/]|v[\s>/]|is>|t[\s>/]|r>)")
_ENTITY = re.compile(r"&(?:(amp|lt|gt|quot|apos)|#([0-9]{1,7})|#x([0-9a-fA-F]{1,6}));")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
_CONTENT_CHILDREN = (b"v", b"f", b"is")


class _Unsure(Exception):
    """The fast path cannot tell for sure; sax_scan decides."""


def fast_scan(data: bytes, first_row: int, width: int) -> SheetScan | None:
    """scan_sheet's result from the whole part in memory, or None when only sax_scan can say."""
    try:
        lo, hi, outside = _sheet_data(data)
        cells = _cells(data, lo, hi, first_row, width)
        merges, protected = _merges(outside), _protected(outside)
        return SheetScan(cells.max_row, cells.max_col, cells.cells, merges, protected)
    except _Unsure:
        return None


def _sheet_data(data: bytes) -> tuple[int, int, bytes]:
    """The span of the cells inside <sheetData> and the XML around it."""
    prolog = _PROLOG.match(data)
    if prolog is None or _MARK in data:  # a NUL byte: the parser refuses the part
        raise _Unsure
    declared = _ENCODING.search(prolog.group(1) or b"")
    if declared and declared.group(1).lower() not in (b"utf-8", b"utf8"):
        raise _Unsure
    # A second sheetData inside the first is an unexpected tag; cells after the last are
    # cells outside: both make the fast path unsure.
    start = data.find(b"<sheetData")
    if start < 0:
        raise _Unsure
    end = data.rfind(b"</sheetData>")
    if end < start:
        end = start  # <sheetData/>: no cells
    outside = data[:start] + data[end:]
    if _CELL_TAG.search(outside):
        raise _Unsure
    return start + len(b"<sheetData"), end, outside  # the cells, read in place (no copy)


def _cells(data: bytes, lo: int, hi: int, first_row: int, width: int) -> Cells:
    """Extent and watched cells of the cells in data[lo:hi], which start and end between rows."""
    if _OTHER_TAG.search(data, lo, hi):
        raise _Unsure
    tally = _Tally({cell_ref(1, i)[:-1].encode() for i in range(min(width, 702))}, first_row)
    for start, end in _unrepeated(data, lo, hi, tally):
        for pos, stop in _row_chunks(data, start, end):  # bounded lists however large
            tally.add(_CELL.findall(data, pos, stop))
    max_col = max((_column(letter) for letter in tally.letters), default=-1)
    found = _watched_cells(data, lo, hi, tally.watched) if tally.watched else {}
    return Cells(tally.max_row, max_col, found)


class Cells(NamedTuple):
    max_row: int
    max_col: int
    cells: Watched


_Found = list[tuple[bytes, bytes, bytes, bytes, bytes, bytes]]  # _CELL.findall's groups


class _Tally:
    """What the cells seen so far add up to: the extent of the cells with content (those
    calamine reads) and the watched ones (formulas and errors in the input block)."""

    def __init__(self, watched_letters: set[bytes], first_row: int) -> None:
        self.watched_letters, self.first_row = watched_letters, first_row
        self.max_row, self.letters = 0, set[bytes]()
        self.watched: list[tuple[int, bytes]] = []

    def add(self, found: _Found) -> None:
        max_row, letters, watched_letters = self.max_row, self.letters, self.watched_letters
        row, digits_of_row = 0, b""  # a row's cells share its digits: one int() per row
        for letter, digits, attrs, _, child, stray in found:
            if stray:
                raise _Unsure
            if not child:
                continue
            if child not in _CONTENT_CHILDREN:
                raise _Unsure
            if digits != digits_of_row:
                row, digits_of_row = int(digits), digits
                if row > max_row:
                    max_row = row
            letters.add(letter)
            if (
                (child == b"f" or b't="e"' in attrs)
                and row >= self.first_row
                and letter in watched_letters
            ):
                self.watched.append((row, letter))
        self.max_row = max_row


# --- rows that repeat the row above but for its number ---------------------------------------
# A template's input block is mostly rows nobody typed in: each the same cells as the row above,
# with the row's own number in the references. Such a row is compared with the row before it as
# bytes and counted without matching its cells one by one: the same cells, so the same letters,
# no watched cell, and content (or none) in the row of its own number.
_ROW_OPEN = b'<row r="'
_ROW_CLOSE = b"</row>"
_MARK = b"\0"  # where a row's number stands in a row's pattern (a part holding one is unsure)
# A value or text with something in it: a row the clerk filled, which no other row repeats.
_FILLED = re.compile(rb"<[vt](?:\s[^>]*)?>[^<]")


def _unrepeated(data: bytes, lo: int, hi: int, tally: _Tally) -> Iterator[tuple[int, int]]:
    """The spans of data[lo:hi] whose cells must be matched one by one; each row that repeats
    the row pattern before it (see _pattern) is skipped and counted in `tally` instead.

    Rows that neither repeat a pattern nor make one (typed in, or resaved by an office suite
    that writes each row's formulas in full) are looked at ever more sparsely, up to one in
    _SPARSEST: those between stay in the spans, and a sheet without repeats costs little more
    than its cell by cell match."""
    pattern: tuple[bytes, bool] | None = None  # (the row with _MARK for its number, content?)
    pos = seg = lo
    failed = 0  # rows since the last repeat that neither repeated a pattern nor made one
    while (start := data.find(_ROW_OPEN, pos, hi)) >= 0:
        quote = data.find(b'"', start + len(_ROW_OPEN), start + len(_ROW_OPEN) + 8)
        digits = data[start + len(_ROW_OPEN) : quote] if quote > 0 else b""
        if pattern is not None and digits.isdigit():
            row = pattern[0].replace(_MARK, digits)
            if data.startswith(row, start) and start + len(row) <= hi:
                if seg < start:
                    yield seg, start
                if pattern[1] and int(digits) > tally.max_row:
                    tally.max_row = int(digits)
                pos = seg = start + len(row)
                failed = 0
                continue
        end = data.find(_ROW_CLOSE, start, hi)
        if end < 0:
            break
        end += len(_ROW_CLOSE)
        pattern = None
        if digits.isdigit() and not _FILLED.search(data, start, end):
            pattern = _pattern(data, start, end, digits, tally)
        pos = end
        if pattern is None:
            failed += 1
            pos += (end - start) * (min(2**failed, _SPARSEST) - 1)  # rows left to the spans
    if seg < hi:
        yield seg, hi


_SPARSEST = 64


def _pattern(
    data: bytes, start: int, end: int, digits: bytes, tally: _Tally
) -> tuple[bytes, bool] | None:
    """The row data[start:end] with _MARK for its number in its own tag and in each cell
    reference, and whether a cell has content; None unless every cell is one the fast path
    reads, in this row, and unwatched (a watched cell must be read from each row)."""
    if data.find(b"<row", start + 1, end) >= 0:
        return None
    at = start + len(_ROW_OPEN)
    pieces, content = [data[start:at], _MARK], False
    at += len(digits)
    for match in _CELL.finditer(data, at, end):
        letter, _, attrs, _, child, stray = match.groups()
        if stray:
            return None
        if child:
            if child not in _CONTENT_CHILDREN:
                return None
            if letter in tally.watched_letters and (child == b"f" or b't="e"' in attrs):
                return None
            content = True
        pieces += [data[at : match.start(2)], _MARK]
        at = match.end(2)
    pieces.append(data[at:end])
    return b"".join(pieces), content


def _row_chunks(data: bytes, lo: int, hi: int) -> Iterator[tuple[int, int]]:
    """(start, end) spans of about _CHUNK_BYTES that end at a row end (cuts no cell)."""
    pos = lo
    while pos < hi:
        cut = data.find(b"</row>", min(pos + _CHUNK_BYTES, hi), hi)
        stop = hi if cut < 0 else cut
        yield pos, stop
        pos = stop


def _column(letters: bytes) -> int:
    text = letters.decode("ascii")
    col = _COLUMN_INDEX.get(text)
    if col is None:
        col = (ord(text[0]) - 64) * 676 + _COLUMN_INDEX[text[1:]]
    return col


def _watched_cells(data: bytes, lo: int, hi: int, watched: list[tuple[int, bytes]]) -> Watched:
    """Formula text or error value of the watched cells `watched` (row, letters)."""
    wanted = {f"{letters.decode()}{row}" for row, letters in watched}
    found: Watched = {}
    for match in _CELL.finditer(data, lo, hi):
        if match.group(1) is None:  # a stray tag; _fast has made sure there is none
            continue
        ref = (match.group(1) + match.group(2)).decode("ascii")
        if ref not in wanted:
            continue
        content = _CONTENT.match(data, match.start(), hi)
        if content is None:
            raise _Unsure
        attrs = dict(_ATTR.findall(content.group(1)))
        body = content.group(2)
        formula = _FORMULA.match(body)
        row, col = _parse_ref(ref)
        if formula is not None:
            f_attrs = dict(_ATTR.findall(formula.group(1)))
            text = _text(formula.group(2) or b"")
            if f_attrs.get(b"t") == b"shared" and not text:
                raise _Unsure  # a shared formula's child: its text is the master's
            found[(row, col)] = FormulaValue(text)
        elif attrs.get(b"t") == b"e":
            value = _VALUE.match(body)
            if value is None:
                raise _Unsure
            found[(row, col)] = ErrorValue(_text(value.group(2) or b""))
        else:
            raise _Unsure
    return found


def _text(raw: bytes) -> str:
    """Character data as an XML parser reports it: decoded, entities and line ends resolved."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise _Unsure from None
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "&" not in text:
        return text
    if text.count("&") != len(_ENTITY.findall(text)):
        raise _Unsure
    return _ENTITY.sub(_entity, text)


def _entity(match: re.Match[str]) -> str:
    name, decimal, hexadecimal = match.groups()
    if name:
        return _NAMED[name]
    code = int(decimal) if decimal else int(hexadecimal, 16)
    if not (0x20 <= code <= 0xD7FF or code in (9, 10, 13) or 0xE000 <= code <= 0x10FFFF):
        raise _Unsure  # not a legal XML character: the parser refuses the file
    if code in (0xFFFE, 0xFFFF):
        raise _Unsure
    return chr(code)


def _merges(data: bytes) -> tuple[Merge, ...]:
    refs = _MERGE.findall(data)
    if len(refs) != data.count(b"<mergeCell") - data.count(b"<mergeCells") or b":mergeCell" in data:
        raise _Unsure
    out = []
    for raw in refs:
        ref = _text(raw)
        first, _, last = ref.partition(":")
        first_row, first_col = _parse_ref(first)
        last_row, _ = _parse_ref(last or first)
        out.append(Merge(ref, first_row, first_col, last_row))
    return tuple(out)


def _protected(data: bytes) -> bool:
    tags = _PROTECTION.findall(data)
    if len(tags) != data.count(b"<sheetProtection") or b":sheetProtection" in data:
        raise _Unsure
    protected = False
    for attrs in tags:
        if b"'" in attrs:
            raise _Unsure
        value = dict(_ATTR.findall(attrs)).get(b"sheet", b"")
        protected = value.lower() in (b"1", b"true")
    return protected
