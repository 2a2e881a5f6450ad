"""What a scan of a worksheet part gives (SheetScan), cell references, and the scan that
handles any well-formed XML: `sax_scan` streams the part through defusedxml's SAX parser
(DTDs and entities refused). sheetscan.py has the fast path, which gives the same result for
the XML that office suites write, and decides which of the two runs."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from xml.sax.handler import ContentHandler
from xml.sax.xmlreader import AttributesImpl

from defusedxml.expatreader import DefusedExpatParser

from ..errors import SubmissionError
from ..normalize import ErrorValue, FormulaValue


@dataclass(frozen=True, slots=True)
class Merge:
    ref: str
    first_row: int
    first_col: int  # zero-based
    last_row: int


Watched = dict[tuple[int, int], ErrorValue | FormulaValue]  # (row, column) -> formula or error


@dataclass(frozen=True, slots=True)
class SheetScan:
    """What one streaming pass over a worksheet part found (rows 1-based, columns 0-based)."""

    max_row: int  # last row with a value or formula; 0 for an empty sheet
    max_col: int
    cells: Watched  # watched cells only
    merges: tuple[Merge, ...]
    protected: bool


def cell_ref(row: int, col: int) -> str:
    """(1-based row, 0-based column) -> "A1"."""
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row}"


COLUMN_INDEX = {cell_ref(1, i)[:-1]: i for i in range(702)}  # A..ZZ: one lookup per cell


def _number(text: str) -> int:
    if not (text.isascii() and text.isdigit()):
        raise SubmissionError("file-unreadable", "cell reference")
    return int(text)


def parse_ref(ref: str) -> tuple[int, int]:
    """ "AB12" -> (12, 27); anything else is a damaged file."""
    letters = ref.rstrip("0123456789")
    col = COLUMN_INDEX.get(letters)
    if col is None:
        if len(letters) != 3 or not (letters.isascii() and letters.isalpha() and letters.isupper()):
            raise SubmissionError("file-unreadable", "cell reference")
        col = (ord(letters[0]) - 64) * 676 + COLUMN_INDEX[letters[1:]]
    return _number(ref[len(letters) :]), col


class _SheetHandler(ContentHandler):
    """Streams a worksheet: value extent, and formulas/errors in the watched block.

    Watched cells are rows >= `first_row`, columns < `width`. Cells without an `r` attribute
    (legal, written by some generators) continue from the previous cell or row.
    """

    def __init__(self, first_row: int, width: int) -> None:
        super().__init__()
        self.first_row, self.width = first_row, width
        self.row, self.col = 0, -1
        self.max_row, self.max_col = 0, -1
        self.cells: Watched = {}
        self.merges: list[Merge] = []
        self.protected = False
        self._type: str | None = None
        self._watch = False
        self._in_cell = False  # f/v/is elsewhere (an extLst's xm:f) are not cell content
        self._text: list[str] | None = None
        self._formula: str | None = None
        self._error: str | None = None
        self._shared_si: str | None = None
        self._shared: dict[str, str] = {}  # shared-formula index -> the master's text

    def startElement(self, name: str, attrs: AttributesImpl) -> None:  # SAX API name
        if ":" in name:
            name = name.rpartition(":")[2]
        if name == "c":
            ref = attrs.get("r")
            if ref:
                self.row, self.col = parse_ref(ref)
            else:
                self.col += 1
            self._type = attrs.get("t")
            self._in_cell = True
            self._watch = self.col < self.width and self.row >= self.first_row
            self._formula = self._error = None
        elif name in ("v", "f", "is") and self._in_cell:
            self.max_row = max(self.max_row, self.row)
            self.max_col = max(self.max_col, self.col)
            if name == "f":
                si = attrs.get("si") if attrs.get("t") == "shared" else None
                self._shared_si = si
                if self._watch or (si is not None and attrs.get("ref")):  # masters: for children
                    self._text = []
            elif name == "v" and self._watch and self._type == "e":
                self._text = []
        elif name == "row":
            ref = attrs.get("r")
            self.row = _number(ref) if ref else self.row + 1
            self.col = -1
        elif name == "mergeCell":
            self._add_merge(attrs.get("ref", ""))
        elif name == "sheetProtection":
            self.protected = attrs.get("sheet", "").lower() in ("1", "true")

    def endElement(self, name: str) -> None:  # SAX API name
        if ":" in name:
            name = name.rpartition(":")[2]
        if name == "f" and self._text is not None:
            text = "".join(self._text)
            if self._shared_si is not None:
                if text:
                    self._shared[self._shared_si] = text
                else:
                    text = self._shared.get(self._shared_si, "")
            self._formula, self._text = text, None
        elif name == "v" and self._text is not None:
            self._error, self._text = "".join(self._text), None
        elif name == "c":
            self._in_cell = False
            if not self._watch:
                return
            if self._formula is not None:
                self.cells[(self.row, self.col)] = FormulaValue(self._formula)
            elif self._error is not None:
                self.cells[(self.row, self.col)] = ErrorValue(self._error)

    def characters(self, content: str) -> None:
        if self._text is not None:
            self._text.append(content)

    def _add_merge(self, ref: str) -> None:
        first, _, last = ref.partition(":")
        first_row, first_col = parse_ref(first)
        last_row, _ = parse_ref(last or first)
        self.merges.append(Merge(ref, first_row, first_col, last_row))


def sax_scan(zf: zipfile.ZipFile, part: str, first_row: int, width: int) -> SheetScan:
    """One streaming pass over a worksheet part (defusedxml; DTDs and entities refused)."""
    handler = _SheetHandler(first_row, width)
    parser = DefusedExpatParser(forbid_dtd=True)
    parser.setContentHandler(handler)
    with zf.open(part) as fh:
        parser.parse(fh)
    return SheetScan(
        handler.max_row, handler.max_col, handler.cells, tuple(handler.merges), handler.protected
    )
