"""One worksheet part of fastxlsx's workbooks: rows written top-down become the XML
xlsxwriter writes for them (inline strings as in its constant_memory mode; NORMAL, BOLD and
TEXT cell styles; column widths; frozen rows; print setup), buffered to a temp file.

Speed: a row is one `str.format` call when nothing in it needs escaping (per cell otherwise),
a block of rows (`write_rows`) one compiled f-string comprehension. Strings are escaped as
xlsxwriter does (& < >; control characters and U+FFFE/U+FFFF as _xHHHH_, a literal _xHHHH_
as _x005F_xHHHH_; xml:space="preserve" for leading or trailing whitespace). Where xlsxwriter
would warn and go on, this raises XlsxWriteError: strings over 32,767 UTF-16 units, rows past
1,048,576.
"""

from __future__ import annotations

import math
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import IO

from xlsxwriter.utility import quote_sheetname

from . import xlsxparts, xlsxzip

NORMAL, BOLD, TEXT = 0, 1, 2  # cell style (xf) indexes in styles.xml
MAX_ROWS = 1_048_576
MAX_STRING = 32_767  # UTF-16 units
_BLOCK = 1 << 20  # characters of row XML buffered per sheet before a temp-file write

_SHEET_START = (
    f'{xlsxparts.HEAD}<worksheet xmlns="{xlsxparts.MAIN}" xmlns:r="{xlsxparts.DOC}/relationships">'
)
_MARGINS = (
    '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
)

# Anything in a row's joined text that sends it to the per-cell path: XML specials, control
# characters, non-characters and "_" (a literal _xHHHH_ must be escaped; rare in this data).
_SLOW = re.compile("[&<>_\x00-\x08\x0b-\x1f\ufffe\uffff]")
_LITERAL_ESCAPE = re.compile("(_x[0-9a-fA-F]{4}_)")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f]")
_PLACEHOLDER = re.compile(r"\{(\d+)\}")
_FILLER_SAFE = re.compile(r'(?:[A-Za-z0-9<>="/ ]|\{\d+\})*')  # no quote, brace or backslash
_Filler = Callable[[Iterable[str], Sequence[Sequence[object]]], list[str]]


@dataclass(frozen=True, slots=True)
class Page:
    """How a sheet prints: A4 landscape, one page wide, centred, the rows `repeat_rows`
    (first, last; 0-based) on every page and `footer` (Excel's &P/&N codes) at the bottom;
    what xlsxwriter writes for set_paper(9), set_landscape(), fit_to_pages(1, 0),
    center_horizontally(), repeat_rows() and set_footer()."""

    repeat_rows: tuple[int, int] | None = None
    footer: str = ""


class XlsxWriteError(ValueError):
    """A value or call the workbook cannot hold as given (xlsxwriter would warn and truncate)."""


def col_name(col: int) -> str:
    """Column letters for a 0-based index: 0 -> A, 26 -> AA."""
    name = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        name = chr(65 + rem) + name
    return name


def escape_text(text: str) -> str:
    """`text` as xlsxwriter puts it in an inline string's <t> element."""
    if not _SLOW.search(text):  # nothing below would change it (most text)
        return text
    if "_x" in text:
        text = _LITERAL_ESCAPE.sub(r"_x005F\1", text)
    text = _CONTROL.sub(lambda m: f"_x{ord(m.group()):04X}_", text)
    text = text.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _utf16_len(text: str) -> int:
    return len(text) + sum(ord(ch) > 0xFFFF for ch in text)


def _width(width: float) -> tuple[str, str]:
    """A <col> width in characters as xlsxwriter stores it (via pixels of Calibri 11)."""
    pixels = int(width * 12 + 0.5) if width < 1 else int(width * 7 + 0.5) + 5
    custom = ' customWidth="1"' if pixels != 64 else ""  # 64 px: Excel's default width
    return f'width="{pixels * 256 // 7 / 256.0:.16g}"', custom


class Sheet:
    """One worksheet; rows are written top-down with `write_row`."""

    def __init__(
        self,
        name: str,
        index: int,
        widths: Sequence[tuple[int, int, float, int]],
        freeze_rows: int,
        page: Page | None = None,
    ) -> None:
        self.name, self.index, self.freeze_rows, self.page = name, index, freeze_rows, page
        self._merged: list[str] = []
        self._per_col: dict[int, tuple[float, int]] = {}
        for first, last, width, style in widths:
            self._per_col.update(dict.fromkeys(range(first, last + 1), (width, style)))
        self._col_style = {col: style for col, (_, style) in self._per_col.items()}
        self._tmp: IO[bytes] | None = None  # made at the first full block: most sheets are small
        self._buf: list[str] = []
        self._buffered = 0
        self._last_row = -1
        self._rows = (-1, -1)  # first, last row with a cell
        self._span = (-1, -1)  # first, last column with a cell
        self._templates: dict[tuple[int, int], str] = {}
        self._fillers: dict[tuple[int, int], _Filler] = {}
        self._cell_refs: dict[int, list[tuple[str, str]]] = {}

    def set_widths(self, widths: Sequence[float]) -> None:
        """Widths of columns A.. in characters, decided after the rows are written (the
        columns go into the part when the workbook closes); each keeps its style."""
        for col, width in enumerate(widths):
            self._per_col[col] = (width, self._col_style.get(col, NORMAL))

    def _col_runs(self) -> list[tuple[int, int, float, int]]:
        """(first, last, width, style) of the columns, runs of equal columns merged."""
        runs: list[tuple[int, int, float, int]] = []
        for col in sorted(self._per_col):
            prev = runs[-1] if runs else None
            if prev and prev[1] == col - 1 and prev[2:] == self._per_col[col]:
                runs[-1] = (prev[0], col, *self._per_col[col])
            else:
                runs.append((col, col, *self._per_col[col]))
        return runs

    def merge_row(self, row: int, last_col: int, value: str, style: int = NORMAL) -> None:
        """Row `row` as one merged cell A..`last_col` holding `value`, as xlsxwriter's
        merge_range writes it (the other cells blank, in the same style)."""
        self.write_row(row, [value], style)
        if style and last_col > 0:  # xlsxwriter writes no blank cell without a style
            blanks = "".join(f'<c r="{col_name(c)}{row + 1}" s="{style}"/>'
                             for c in range(1, last_col + 1))  # fmt: skip
            line = self._buf.pop()
            self._buf.append(line[: -len("</row>")] + blanks + "</row>")
            self._extend(row, 0, last_col)
        self._merged.append(f"A{row + 1}:{col_name(last_col)}{row + 1}")

    def write_row(self, row: int, values: Sequence[object], style: int | None = None) -> None:
        """Cells A.. of the 0-based `row`; `style` None means the column's style, if any."""
        if not 0 <= row < MAX_ROWS or row <= self._last_row:
            raise XlsxWriteError(f"{self.name}: row {row + 1} out of range or order")
        line = self._fast_row(row, values, style)
        if line is None:
            line = self._slow_row(row, values, style)
            if line is None:
                return
        self._last_row = row
        self._buf.append(line)
        self._buffered += len(line)
        if self._buffered >= _BLOCK:
            self._flush()

    def write_rows(
        self, first: int, rows: Sequence[Sequence[object]], style: int | None = None
    ) -> None:
        """`rows` at the 0-based rows first, first + 1, ...; the same as `write_row` for each,
        with the checks made once for the block when every value is a non-empty str with
        nothing to escape and every row has as many (most of a consolidated.xlsx)."""
        if not rows:
            return
        last = first + len(rows) - 1
        if not (first >= 0 and self._last_row < first and last < MAX_ROWS):
            raise XlsxWriteError(f"{self.name}: rows {first + 1}-{last + 1} out of range or order")
        n = len(rows[0])
        flat = [value for values in rows for value in values]
        try:
            joined = "".join(flat)  # type: ignore[arg-type]  # TypeError: not all str
        except TypeError:
            joined = None
        if (
            joined is None
            or not n
            or set(map(len, rows)) != {n}
            or _SLOW.search(joined)
            or not all(flat)
            or max(map(len, flat)) > MAX_STRING // 2  # type: ignore[arg-type]
            or list(map(str.strip, flat)) != flat  # type: ignore[arg-type]
        ):
            for row, values in enumerate(rows, first):
                self.write_row(row, values, style)
            return
        fill = self._fillers.get((n, -1 if style is None else style))
        if fill is None:
            fill = self._filler(n, style)
        lines = fill(map(str, range(first + 1, last + 2)), rows)
        self._extend(first, 0, n - 1)
        self._extend(last, 0, n - 1)
        self._last_row = last
        self._buf += lines
        self._buffered += sum(map(len, lines))
        if self._buffered >= _BLOCK:
            self._flush()

    def _fast_row(self, row: int, values: Sequence[object], style: int | None) -> str | None:
        """The row's XML when every value is a non-empty str with nothing to escape."""
        try:
            joined = "".join(values)  # type: ignore[arg-type]  # TypeError: not all str
        except TypeError:
            return None
        n = len(values)
        if (
            not n
            or len(joined) > MAX_STRING // 2
            or _SLOW.search(joined)
            or not all(values)
            or list(map(str.strip, values)) != list(values)  # type: ignore[arg-type]
        ):
            return None
        template = self._templates.get((n, -1 if style is None else style))
        if template is None:
            template = self._template(n, style)
        self._extend(row, 0, n - 1)
        return template.format(row + 1, *values)

    def _template(self, n: int, style: int | None) -> str:
        cells = []
        for col in range(n):
            s = self._style_attr(col, style)
            cells.append(
                f'<c r="{col_name(col)}{{0}}"{s} t="inlineStr"><is><t>{{{col + 1}}}</t></is></c>'
            )
        template = '<row r="{0}">' + "".join(cells) + "</row>"
        self._templates[(n, -1 if style is None else style)] = template
        return template

    def _filler(self, n: int, style: int | None) -> _Filler:
        """The rows' XML from their row numbers and values, by a list comprehension of the
        row template as an f-string: 0.11 s for 100,000 rows of 12 cells where a
        `template.format` call per row takes 0.26 s. Only the template's fixed text, made of
        column letters, style numbers and tags, goes into the compiled source."""
        key = (n, -1 if style is None else style)
        template = self._templates.get(key) or self._template(n, style)
        if not _FILLER_SAFE.fullmatch(template):
            raise ValueError(f"unexpected row template {template!r}")  # pragma: no cover
        body = _PLACEHOLDER.sub(
            lambda m: "{r}" if m[1] == "0" else f"{{v[{int(m[1]) - 1}]}}", template
        )
        source = f"lambda rs, rows: [f'{body}' for r, v in zip(rs, rows)]"
        fill: _Filler = eval(compile(source, "<fastxlsx row filler>", "eval"), {"zip": zip})
        self._fillers[key] = fill
        return fill

    def _style_attr(self, col: int, style: int | None) -> str:
        s = self._col_style.get(col, NORMAL) if style is None else style
        return f' s="{s}"' if s else ""

    def _refs(self, n: int, style: int | None) -> list[tuple[str, str]]:
        """('<c r="X', '" s="N"') for columns A.. in this style, at least `n` of them."""
        refs = self._cell_refs.setdefault(-1 if style is None else style, [])
        for col in range(len(refs), n):
            refs.append((f'<c r="{col_name(col)}', f'"{self._style_attr(col, style)}'))
        return refs

    def _slow_row(self, row: int, values: Sequence[object], style: int | None) -> str | None:
        r = row + 1
        cells = []
        first = last = -1
        refs = self._refs(len(values), style)
        for col, value in enumerate(values):
            if value is None or value == "":
                continue
            head, tail = refs[col]
            ref = f"{head}{r}{tail}"
            if isinstance(value, str):
                if len(value) > MAX_STRING // 2 and _utf16_len(value) > MAX_STRING:
                    raise XlsxWriteError(f"{self.name}!{col_name(col)}{r}: string too long")
                text = escape_text(value)
                space = ' xml:space="preserve"' if text[0].isspace() or text[-1].isspace() else ""
                cells.append(f'{ref} t="inlineStr"><is><t{space}>{text}</t></is></c>')
            elif isinstance(value, int | float) and not isinstance(value, bool):
                if not math.isfinite(value):
                    raise XlsxWriteError(f"{self.name}!{col_name(col)}{r}: {value}")
                cells.append(f"{ref}><v>{value:.16G}</v></c>")
            else:
                raise XlsxWriteError(f"{self.name}!{col_name(col)}{r}: {type(value).__name__}")
            first = col if first < 0 else first
            last = col
        if first < 0:
            return None  # xlsxwriter writes no <row> without cells
        self._extend(row, first, last)
        return f'<row r="{r}">' + "".join(cells) + "</row>"

    def _extend(self, row: int, first: int, last: int) -> None:
        lo, hi = self._span
        self._span = (first if lo < 0 else min(lo, first), max(hi, last))
        self._rows = (row if self._rows[0] < 0 else self._rows[0], row)

    def _flush(self) -> None:
        if self._tmp is None:
            self._tmp = tempfile.TemporaryFile()  # noqa: SIM115 (closed by discard)
        self._tmp.write("".join(self._buf).encode("utf-8"))
        self._buf, self._buffered = [], 0

    def _dimension(self) -> str:
        (r0, r1), (c0, c1) = self._rows, self._span
        if r0 < 0:
            return "A1"
        first, last = f"{col_name(c0)}{r0 + 1}", f"{col_name(c1)}{r1 + 1}"
        return first if first == last else f"{first}:{last}"

    def _head(self) -> str:
        selected = ' tabSelected="1"' if self.index == 0 else ""
        if self.freeze_rows:
            n = self.freeze_rows
            pane = (
                f'<pane ySplit="{n}" topLeftCell="A{n + 1}" activePane="bottomLeft" '
                'state="frozen"/><selection pane="bottomLeft"/>'
            )
            view = f'<sheetView{selected} workbookViewId="0">{pane}</sheetView>'
        else:
            view = f'<sheetView{selected} workbookViewId="0"/>'
        cols = ""
        for first, last, width, style in self._col_runs():
            size, custom = _width(width)
            styled = f' style="{style}"' if style else ""
            cols += f'<col min="{first + 1}" max="{last + 1}" {size}{styled}{custom}/>'
        fit = '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>' if self.page else ""
        return (
            f'{_SHEET_START}{fit}<dimension ref="{self._dimension()}"/><sheetViews>{view}'
            '</sheetViews><sheetFormatPr defaultRowHeight="15"/>'
            + (f"<cols>{cols}</cols>" if cols else "")
        )

    def _tail(self) -> str:
        """What follows sheetData: merged ranges, print options, margins, page setup."""
        merged = "".join(f'<mergeCell ref="{ref}"/>' for ref in self._merged)
        out = f'<mergeCells count="{len(self._merged)}">{merged}</mergeCells>' if merged else ""
        if self.page is None:
            return out + _MARGINS
        out += f'<printOptions horizontalCentered="1"/>{_MARGINS}'
        out += '<pageSetup paperSize="9" fitToHeight="0" orientation="landscape"/>'
        if self.page.footer:
            out += f"<headerFooter><oddFooter>{escape_text(self.page.footer)}</oddFooter>"
            out += "</headerFooter>"
        return out

    def print_titles(self) -> str | None:
        """The sheet's print-titles reference ('Sheet'!$1:$2), if it repeats rows."""
        if self.page is None or self.page.repeat_rows is None:
            return None
        first, last = self.page.repeat_rows
        return f"{quote_sheetname(self.name)}!${first + 1}:${last + 1}"

    def write_part(self, out: xlsxzip.PartStream) -> None:
        """The whole xl/worksheets/sheetN.xml part, streamed into the zip."""
        empty = self._rows[0] < 0
        out.write((self._head() + ("<sheetData/>" if empty else "<sheetData>")).encode())
        if self._tmp is not None:
            self._tmp.seek(0)
            shutil.copyfileobj(self._tmp, out, _BLOCK)
        out.write("".join(self._buf).encode("utf-8"))
        end = "" if empty else "</sheetData>"
        out.write(f"{end}{self._tail()}</worksheet>".encode())

    def part_size(self) -> int:
        """An upper bound of the part's size in bytes (4 per character not yet encoded)."""
        written = 0 if self._tmp is None else self._tmp.tell()
        return written + 4 * (self._buffered + len(self._head()) + len(self._tail())) + 4096

    def discard(self) -> None:
        if self._tmp is not None:
            self._tmp.close()
        self._buf, self._buffered = [], 0
