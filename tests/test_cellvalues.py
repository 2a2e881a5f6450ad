"""Values read from the sheet XML by cellvalues equal what calamine reads, cell for cell and type
for type, wherever cellvalues does not step aside: on every sheet of the returned-file corpus,
on the templates, on random workbooks from xlsxwriter and openpyxl, and on returned files in
the shape Excel saves them."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import helpers_ingest
import openpyxl
import pytest
import xlsxwriter
from corpus.generate import Case
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from helpers_ingest import ISSUED_AT, PEOPLE, SCHOOL
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from officeshape import excel_shaped
from python_calamine import CalamineWorkbook

from titletemplate.columns import FIRST_DATA_ROW
from titletemplate.ingest import preflight
from titletemplate.ingest.reader import read_submission
from titletemplate.ooxml.cellvalues import Grid, load_decoder
from titletemplate.ooxml.sheetscan import scan_with_cells
from titletemplate.template.build import build_template
from titletemplate.vocab import Vocab

WIDTH = 12
Compared = tuple[int, int, object]  # (sheets read from the XML, cells compared, first difference)


def _compare(data: bytes, watched: int = WIDTH) -> tuple[int, int]:
    """(sheets read by cellvalues, cells compared); asserts every compared cell is equal."""
    used = cells = 0
    with (
        zipfile.ZipFile(io.BytesIO(data)) as zf,
        CalamineWorkbook.from_filelike(io.BytesIO(data)) as book,
    ):
        decoder = load_decoder(zf)
        if decoder is None:
            return 0, 0
        for name, part in preflight.read_book(zf).sheets.items():
            grid = Grid(decoder, WIDTH, FIRST_DATA_ROW, watched, 100_000)
            scan, complete = scan_with_cells(zf, part, FIRST_DATA_ROW, watched, grid.add, WIDTH)
            if not (complete and grid.ok):
                continue
            used += 1
            ours = grid.values()
            theirs = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
            watched_cells = set(scan.cells)
            for r in range(max(len(ours), len(theirs))):
                mine = ours[r] if r < len(ours) else []
                other = theirs[r] if r < len(theirs) else []
                for c in range(WIDTH):
                    if (r + 1, c) in watched_cells:
                        continue  # formulas and errors: the scan's values replace both
                    a = mine[c] if c < len(mine) else ""
                    b = other[c] if c < len(other) else ""
                    assert (type(a), a) == (type(b), b), (name, r + 1, c)
                    cells += 1
    return used, cells


@pytest.fixture(scope="module")
def corpus_files(returned_corpus: list[tuple[Case, Path]]) -> list[tuple[str, bytes]]:
    out = []
    for case, path in returned_corpus:
        data = path.read_bytes()
        try:
            preflight.check_bytes(case.name, data)
        except Exception:
            continue  # not a workbook the reader opens
        out.append((case.name, data))
    return out


def test_corpus_values_agree(corpus_files: list[tuple[str, bytes]]) -> None:
    used_files = 0
    for name, data in corpus_files:
        try:
            used, cells = _compare(data)
        except AssertionError as exc:
            raise AssertionError(f"{name}: {exc}") from None
        except Exception:
            continue  # calamine or the scan refuses the file: the reader rejects it
        used_files += used > 0 and cells > 0
    assert used_files >= len(corpus_files) * 2 // 3, (used_files, len(corpus_files))


# --- random workbooks ------------------------------------------------------------------------

_texts = st.text(
    alphabet=st.sampled_from([*list("ab 1.-=&<>\"'_x000D中\n\t"), "\xa0", "\u3000", "😀"]),
    max_size=8,
)
_values = st.one_of(
    _texts,
    st.integers(-(10**15), 10**15),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.booleans(),
    st.dates(dt.date(1900, 3, 1), dt.date(2100, 1, 1)),
    st.none(),
)
_formats = st.sampled_from([None, "@", "0.00", "0%", "yyyy-mm-dd", "General", "#,##0", "yyyymmdd"])
_cells = st.lists(
    st.tuples(st.integers(1, 12), st.integers(0, WIDTH - 1), _values, _formats), max_size=25
)


def _xlsxwriter_book(cells: list[tuple[int, int, object, str | None]]) -> bytes:
    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out, {"strings_to_numbers": False, "strings_to_formulas": False})
    ws = wb.add_worksheet("S")
    formats: dict[str | None, object] = {}
    for row, col, value, fmt in cells:
        if fmt not in formats:
            formats[fmt] = wb.add_format({"num_format": fmt}) if fmt else None
        if isinstance(value, dt.date):
            ws.write_datetime(
                row - 1, col, value, formats[fmt] or wb.add_format({"num_format": "yyyy-mm-dd"})
            )
        elif value is not None:
            ws.write(row - 1, col, value, formats[fmt])
    wb.close()
    return out.getvalue()


def _openpyxl_book(cells: list[tuple[int, int, object, str | None]]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "S"
    for row, col, value, fmt in cells:
        cell = ws.cell(row, col + 1)
        if isinstance(value, str) and value.startswith("="):
            value = "'" + value
        cell.value = value
        if fmt:
            cell.number_format = fmt
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_cells, st.sampled_from(["xlsxwriter", "openpyxl"]))
def test_random_workbooks_agree(
    cells: list[tuple[int, int, object, str | None]], writer: str
) -> None:
    try:
        data = _xlsxwriter_book(cells) if writer == "xlsxwriter" else _openpyxl_book(cells)
    except (ValueError, TypeError):
        return  # a value the writer itself refuses
    _compare(data, watched=0)


def test_random_workbooks_mostly_read_from_the_xml() -> None:
    """The comparison above must not pass by stepping aside every time."""
    plain = [
        (r, c, v, None) for r, c, v in [(1, 0, "a&b"), (2, 3, 12.5), (3, 11, True), (4, 1, " x ")]
    ]
    for make in (_xlsxwriter_book, _openpyxl_book):
        used, cells = _compare(make(plain), watched=0)
        assert used == 1 and cells == 4 * WIDTH


# --- files as Excel saves them ---------------------------------------------------------------


def test_excel_shaped_returned_files_are_read_from_the_xml(
    vocab: Vocab, private_key: Ed25519PrivateKey, public_key: Ed25519PublicKey, tmp_path: Path
) -> None:
    """CR LF after the XML declarations and x14/x15 extensions in styles.xml (what Excel writes)
    no longer send the whole file to calamine; the values stay calamine's, cell for cell."""
    found = vocab.find_unit(SCHOOL)
    assert found is not None
    people = enumerate(PEOPLE, start=1)
    rows = [{k: str(v) for k, v in helpers_ingest.row(p, i).items()} for i, p in people]
    built = build_template(vocab, found, private_key, issued_at=ISSUED_AT, rows=20, prefill=rows)
    shaped = excel_shaped(built)
    with zipfile.ZipFile(io.BytesIO(shaped)) as zf:
        assert zf.read("xl/sharedStrings.xml")[:80].count(b"?>\r\n<sst ") == 1
        assert b"<x14:slicerStyles " in zf.read("xl/styles.xml")
        assert load_decoder(zf) is not None
    used, cells = _compare(shaped)
    assert used == 4 and cells > 0  # all four sheets
    paths = [tmp_path / "built.xlsx", tmp_path / "shaped.xlsx"]
    paths[0].write_bytes(built)
    paths[1].write_bytes(shaped)
    read = [read_submission(p, vocab, public_key) for p in paths]
    assert [r.cells for r in read[1].rows] == [r.cells for r in read[0].rows]
    assert len(read[1].rows) == len(PEOPLE)
