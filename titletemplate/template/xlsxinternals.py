"""Every use of XlsxWriter's and zipfile's internals, in one place.

The fast builders (stamp.py for batch builds, stampfill.py for corrections) reuse the parts of
a probe template and write only what differs, which needs XlsxWriter's part writers and
indexes below its public API, and zipfile's deflate hook; datasheet.py writes the check
formulas without xlsxwriter's per-formula scans, and as shared formulas.
tests/test_library_internals.py names each internal used here, so that a release that
changes one fails loudly; pyproject.toml caps XlsxWriter below its next minor release; and
stamp.guarded falls back to the public-API build when a fast builder fails."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from xlsxwriter.custom import Custom
from xlsxwriter.sharedstrings import SharedStrings, SharedStringTable
from xlsxwriter.styles import Styles
from xlsxwriter.worksheet import CellFormulaTuple, Worksheet

_PREPARED_MAX = 4096
_prepared: dict[tuple[str, bool], str] = {}


def check_dimensions(sheet: Any, row: int, col: int) -> int:
    """Stretch the sheet's used range to (row, col), as writing a cell there would."""
    rc: int = sheet._check_dimensions(row, col)
    return rc


def cache_formula_preparation(sheet: Any) -> None:
    """Remember xlsxwriter's formula preparation (its _xlfn prefixes, ~15 ms a sheet for the
    conditional formats and validations) per formula, across sheets of this process."""

    def prepare(formula: str, expand_future_functions: bool = False) -> str:
        key = (formula, expand_future_functions)
        if key not in _prepared:
            if len(_prepared) >= _PREPARED_MAX:
                _prepared.clear()
            _prepared[key] = Worksheet._prepare_formula(sheet, formula, expand_future_functions)
        return _prepared[key]

    sheet._prepare_formula = prepare


def prepare_vml(book: Any) -> None:
    """Give out the comment shapes' ids, as Workbook.close does before writing."""
    book._prepare_vml()


def xf_index(fmt: Any) -> int:
    """The cell style index of a format (given out on first use, as when a cell uses it)."""
    index: int = fmt._get_xf_index()
    return index


def dxf_index(fmt: Any) -> int:
    """The differential style index of a format used by a conditional format."""
    index: int = fmt._get_dxf_index()
    return index


def seed_strings(book: Any, strings: Mapping[str, int]) -> None:
    """Start the workbook's shared-string table as `strings` (text -> index)."""
    book.str_table.string_table = dict(strings)
    book.str_table.unique_count = len(strings)


def shared_string_index(table: Any, text: str) -> int:
    """The index of `text` in a shared-string table, added at the end if new."""
    index: int = table._get_shared_string_index(text)
    return index


def styles_xml(book: Any) -> bytes:
    """styles.xml as Workbook.close writes it, once every style index is given out."""
    book._prepare_format_properties()
    styles = Styles()
    styles._set_style_properties(
        [
            book.xf_formats,
            book.palette,
            book.font_count,
            book.num_formats,
            book.border_count,
            book.fill_count,
            book.custom_colors,
            book.dxf_formats,
            book.has_comments,
        ]
    )
    return assembled(styles)


def assembled(writer: Any, *args: Any) -> bytes:
    """The XML an xlsxwriter part writer (Comments, Vml, Styles ...) writes for `args`."""
    writer._set_filehandle(io.StringIO())
    writer._assemble_xml_file(*args)
    text: str = writer.fh.getvalue()
    return text.encode("utf-8")


def si_element(text: str) -> str:
    """The `<si>` element xlsxwriter writes for `text`."""
    writer = SharedStrings()
    writer._set_filehandle(io.StringIO())
    writer._write_si(text)
    out: str = writer.fh.getvalue()
    return out


def si_elements(strings: Sequence[str]) -> bytes:
    """The `<si>` elements of `strings`, in order."""
    return "".join(si_element(text) for text in strings).encode("utf-8")


def sst(strings: Mapping[str, int], count: int) -> bytes:
    """sharedStrings.xml for a table, as xlsxwriter writes it."""
    table = SharedStringTable()
    table.string_table, table.count, table.unique_count = dict(strings), count, len(strings)
    table._sort_string_data()
    writer = SharedStrings()
    writer.string_table = table
    return assembled(writer)


def custom_xml(properties: Sequence[tuple[str, str]]) -> bytes:
    """docProps/custom.xml with these text properties, as xlsxwriter writes it."""
    writer = Custom()
    writer._set_filehandle(io.StringIO())
    writer._set_properties([(name, value, "text") for name, value in properties])
    writer._assemble_xml_file()
    text: str = writer.fh.getvalue()
    return text.encode("utf-8")


def write_entry(dest: Any, part: bytes, compressor: Any) -> None:
    """Write `part` to an open zip entry, deflated by `compressor` instead of the handle's
    own (a replayed or resumed deflate stream: stamp.py)."""
    dest._compressor = compressor
    dest.write(part)


def _as_given(formula: str, expand_future_functions: bool = False) -> str:
    return formula.removeprefix("=")


@contextlib.contextmanager
def formulas_as_given(sheet: Any) -> Iterator[None]:
    """Write formulas without xlsxwriter's ~60 regex substitutions per formula that add
    "_xlfn." prefixes (3 s for 2,000 check formulas): formulas.lint admits only Excel 2007
    functions, which need none."""
    sheet._prepare_formula = _as_given
    try:
        yield
    finally:
        del sheet._prepare_formula


def write_formula_cell(sheet: Any, row: int, col: int, formula: str, style: Any) -> int:
    """What write_formula stores, without its scan for dynamic-array functions (0.15 ms per
    3 KB check formula, 40% of a small correction's build)."""
    rc = check_dimensions(sheet, row, col)
    if rc == 0:
        sheet.table[row][col] = CellFormulaTuple(_as_given(formula), style, "")
    return rc


class _Element(str):
    """A cell's whole `<f>` element, written as it is."""

    __slots__ = ()


def write_formula_element(sheet: Any, row: int, col: int, xml: str, style: Any) -> int:
    """A formula cell whose `<f>` element is `xml` as given (a shared formula's
    `<f t="shared" ...>`, which xlsxwriter cannot write)."""
    if "_xml_formula_element" not in vars(sheet):
        plain = sheet._xml_formula_element

        def write(formula: str, result: Any, attributes: Any = ()) -> None:
            if not isinstance(formula, _Element):
                plain(formula, result, attributes)
                return
            attr = "".join(f' {k}="{v}"' for k, v in attributes)
            sheet.fh.write(f"<c{attr}>{formula}<v></v></c>")

        sheet._xml_formula_element = write
    rc = check_dimensions(sheet, row, col)
    if rc == 0:
        sheet.table[row][col] = CellFormulaTuple(_Element(xml), style, "")
    return rc
