"""Cell values straight from the worksheet XML, exactly as python-calamine gives them, for the
cells that Excel, WPS, LibreOffice and openpyxl write for typed or pasted text and numbers:
shared strings, numbers in non-date formats, booleans. The sheet scan (sheetscan.scan_with_cells)
hands each cell over as it passes, so a returned file's data sheet is parsed once instead of
twice (scan, then calamine): ~30 ms less per returned 2,000-row template.

Anything else (inline or rich strings with phonetic runs, dates and numbers in date or custom
formats, formulas outside the watched input block, error values in the header, unusual
packaging) sets `Grid.ok` to False and the reader asks calamine for that sheet as before.
tests/test_cellvalues.py compares both readers on every sheet of the returned-file corpus and on
random workbooks written by openpyxl, xlsxwriter and LibreOffice.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass

from .sheetscan import FAST_MAX_BYTES, RawCell, xml_text

_RELS = "xl/_rels/workbook.xml.rels"
_SST = "xl/sharedStrings.xml"
_STYLES = "xl/styles.xml"
_REL = re.compile(rb'<Relationship\s[^>]*?Type="[^"]*/(sharedStrings|styles)"[^>]*?/>')
_TARGET = re.compile(rb'Target="([^"]*)"')
_SI = re.compile(rb"<si>(.*?)</si>|<si/>", re.S)
_T = re.compile(rb"<t(\s[^>]*)?>([^<]*)</t>|<t\s*/>")
_PREFIXED = re.compile(rb"<[A-Za-z_][\w.-]*:")
_DECLARATION = re.compile(rb"<\?xml\s[^<>]*\?>[ \t\r\n]*")
_EXT_LST = re.compile(rb"<extLst>.*?</extLst>", re.S)  # never nested in styles.xml
_NUMBER = re.compile(rb"-?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")
_XF_BLOCK = re.compile(rb"<cellXfs\b[^>]*>(.*?)</cellXfs>", re.S)
_XF = re.compile(rb"<xf\b([^>]*?)/?>")
_NUM_FMT = re.compile(rb'<numFmt\s+numFmtId="([0-9]+)"\s+formatCode="([^"]*)"\s*/>')
_ATTR_T = re.compile(rb'\bt="([^"]*)"')
_ATTR_S = re.compile(rb'\bs="([0-9]+)"')
_ATTR_FMT = re.compile(rb'\bnumFmtId="([0-9]+)"')
# Number formats under which calamine gives a number as a float (not a date or time).
_PLAIN_BUILTIN = frozenset(
    (0, 1, 2, 3, 4, 9, 10, 11, 12, 13, 37, 38, 39, 40, 41, 42, 43, 44, 48, 49)
)
_PLAIN_CUSTOM = frozenset(("@", "General", "0", "0.00", "#,##0", "#,##0.00", "0%", "0.00%"))


class _Unsure(Exception):
    """This reader cannot tell for sure; calamine decides."""


@dataclass(frozen=True, slots=True)
class Decoder:
    """The workbook's shared strings and, per cell format, whether numbers stay plain floats."""

    strings: SharedStrings
    plain: Sequence[bool] | None  # by cell format index; None: no styles part, all plain


def load_decoder(zf: zipfile.ZipFile) -> Decoder | None:
    """The decoder for a workbook in the usual layout; None when calamine must read it."""
    parts = decoder_parts(zf)
    return None if parts is None else decode_parts(*parts)


def decoder_parts(zf: zipfile.ZipFile) -> tuple[bytes | None, bytes | None] | None:
    """The raw shared-strings and styles parts a Decoder is made of (None: not there), for a
    worker process to decode; None when calamine must read the workbook."""
    try:
        parts = _parts(zf)
        strings = _small_part(zf, _SST) if parts.get(b"sharedStrings") == _SST else None
        styles = _small_part(zf, _STYLES) if parts.get(b"styles") == _STYLES else None
    except _Unsure:
        return None
    return strings, styles


def decode_parts(strings: bytes | None, styles: bytes | None) -> Decoder | None:
    """The Decoder of the parts decoder_parts gave; None when calamine must read the workbook."""
    try:
        shared = SharedStrings([]) if strings is None else _strings(strings)
        plain = None if styles is None else _plain_formats(styles)
    except _Unsure:
        return None
    return Decoder(shared, plain)


def _parts(zf: zipfile.ZipFile) -> dict[bytes, str]:
    """The workbook's shared-strings and styles parts, which must be the usual ones."""
    if _RELS not in zf.NameToInfo:
        raise _Unsure
    found: dict[bytes, str] = {}
    for match in _REL.finditer(zf.read(_RELS)):
        target = _TARGET.search(match.group(0))
        if target is None:
            raise _Unsure
        path = target.group(1).decode("utf-8", "replace")
        path = path.lstrip("/") if path.startswith("/") else "xl/" + path
        if path not in (_SST, _STYLES) or path not in zf.NameToInfo:
            raise _Unsure
        found[match.group(1)] = path
    return found


def _small_part(zf: zipfile.ZipFile, part: str) -> bytes:
    """The part after its XML declaration; Excel ends that with CR LF, and its styles part
    carries x14/x15 extensions in `<extLst>`, which hold no number format or cell format."""
    if zf.getinfo(part).file_size > FAST_MAX_BYTES:
        raise _Unsure
    data = zf.read(part)
    declaration = _DECLARATION.match(data)
    if declaration is not None:
        data = data[declaration.end() :]
    if part == _STYLES and b"<extLst" in data:
        data = _EXT_LST.sub(b"", data)
    if b"\r" in data or b"<!" in data or _PREFIXED.search(data):
        raise _Unsure  # line ends, comments, CDATA, prefixed names: the XML parser's business
    return data


class SharedStrings:
    """The shared-string table, each entry decoded when a cell first uses it (a returned
    template's table holds the whole vocabulary; its data sheet uses a few dozen entries)."""

    def __init__(self, items: list[bytes]) -> None:
        self._items = items
        # By index, None until decoded; Grid.add reads it directly (a call less per cell).
        self.decoded: list[str | None] = [None] * len(items)

    def __len__(self) -> int:
        return len(self._items)

    def get(self, index: int) -> str:
        if index >= len(self._items):
            raise _Unsure
        text = self.decoded[index]
        if text is None:
            item = self._items[index]
            if item[:3] == b"<t>" and item.find(b"<", 3) == len(item) - 4:  # <t>text</t>
                text = self.decoded[index] = run_text(b"", item[3:-4])
                return text
            runs = _T.findall(item)
            if len(runs) != item.count(b"<t>") + item.count(b"<t ") + item.count(b"<t/"):
                raise _Unsure
            text = self.decoded[index] = "".join(run_text(a, raw) for a, raw in runs)
        return text


def _strings(data: bytes) -> SharedStrings:
    if b"<rPh" in data:
        raise _Unsure  # phonetic runs: their text is not part of the string
    items = _SI.findall(data)
    if len(items) != data.count(b"<si"):
        raise _Unsure
    return SharedStrings(items)


def _plain_formats(data: bytes) -> list[bool]:
    custom = {int(i): _text(code) for i, code in _NUM_FMT.findall(data)}
    if len(custom) != data.count(b"<numFmt ") or len(_XF_BLOCK.findall(data)) != 1:
        raise _Unsure
    block = _XF_BLOCK.findall(data)[0]
    xfs = _XF.findall(block)
    if len(xfs) != block.count(b"<xf"):
        raise _Unsure
    plain = []
    for attrs in xfs:
        found = _ATTR_FMT.search(attrs)
        fmt = int(found.group(1)) if found else 0
        plain.append(fmt in _PLAIN_BUILTIN or custom.get(fmt) in _PLAIN_CUSTOM)
    return plain


def run_text(t_attrs: bytes, raw: bytes) -> str:
    """The text of a <t> element as calamine gives it: trimmed unless space is preserved."""
    text = _text(raw)
    return text if b'xml:space="preserve"' in t_attrs else text.strip(" \t\n\r")


def _text(raw: bytes) -> str:
    if b"_x" in raw:
        raise _Unsure  # calamine decodes OOXML's _xHHHH_ escapes
    text = xml_text(raw)
    if text is None:
        raise _Unsure
    return text


class Grid:
    """Rows of cell values (columns 0..width-1) built from the scan's cells, as calamine's
    to_python(skip_empty_area=False) gives them; `ok` False once a cell needs calamine.

    Formula and error cells in the watched block (rows >= first_row, columns < watched) are
    "" here: the scan reports them and the reader puts its own values there.
    """

    def __init__(
        self, decoder: Decoder, width: int, first_row: int, watched: int, max_rows: int
    ) -> None:
        self.decoder, self.width = decoder, width
        self.first_row, self.watched, self.max_rows = first_row, watched, max_rows
        self.rows: dict[int, list[object]] = {}
        self.ok = True
        self._formats: dict[bytes, tuple[bytes, bool]] = {}  # cell attributes -> (type, plain)

    def add(self, cells: list[RawCell]) -> None:
        if not self.ok:
            return
        try:
            strings, formats, rows = self.decoder.strings, self._formats, self.rows
            decoded, max_rows = strings.decoded, self.max_rows
            count = len(decoded)
            for row, col, attrs, child, child_attrs, text, inline in cells:
                if row > max_rows:
                    raise _Unsure  # the reader refuses the sheet by its extent
                kind = (formats.get(attrs) or self._format(attrs))[0]
                if kind == b"s" and child == b"v" and not child_attrs and text.isdigit():
                    index = int(text)  # the common case, inline
                    value: object = decoded[index] if index < count else None
                    if value is None:
                        value = strings.get(index)
                elif child == b"is" and inline is not None and kind == b"inlineStr":
                    value = run_text(*inline)
                else:
                    value = self._value(row, col, attrs, child, child_attrs, text)
                line = rows.get(row)
                if line is None:
                    line = rows[row] = [""] * self.width
                line[col] = value
        except _Unsure:
            self.ok = False
            self.rows = {}

    def values(self) -> list[list[object]]:
        """Rows 1..the last row with a value."""
        blank: list[object] = [""] * self.width  # shared: the reader only reads rows
        last = max(self.rows, default=0)
        return [self.rows.get(r, blank) for r in range(1, last + 1)]

    def _value(
        self, row: int, col: int, attrs: bytes, child: bytes, child_attrs: bytes, text: bytes
    ) -> object:
        kind, plain = self._format(attrs)
        watched = row >= self.first_row and col < self.watched
        if child == b"f" or kind == b"e":
            if watched:
                return ""
            raise _Unsure
        if child != b"v" or child_attrs not in (b"", b"/"):
            raise _Unsure
        if child_attrs == b"/":
            text = b""
        if kind == b"s":
            if not text.isdigit():
                raise _Unsure
            return self.decoder.strings.get(int(text))
        if kind == b"n":
            if not text:
                return ""
            if not plain or _NUMBER.fullmatch(text) is None:
                raise _Unsure
            return float(text)
        if kind == b"b" and text in (b"0", b"1"):
            return text == b"1"
        if kind == b"str":
            return _text(text)
        raise _Unsure

    def _format(self, attrs: bytes) -> tuple[bytes, bool]:
        known = self._formats.get(attrs)
        if known is None:
            kind = _ATTR_T.search(attrs)
            style = _ATTR_S.search(attrs)
            index = int(style.group(1)) if style else 0
            plain_formats = self.decoder.plain
            if plain_formats is None:
                plain = True
            elif index < len(plain_formats):
                plain = plain_formats[index]
            else:
                raise _Unsure
            known = self._formats[attrs] = (kind.group(1) if kind else b"n", plain)
        return known
