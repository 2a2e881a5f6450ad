"""The fast sheet scan gives exactly what the SAX scan gives, or steps aside (None).

Compared on every worksheet of every file of the returned-file corpus, on the templates
themselves, and on random sheets from a grammar that mixes what real writers produce with
what only a hostile or broken one would.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from corpus.generate import Case
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from helpers_ingest import GOOD, SCHOOL, fill_bytes, template_bytes
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from officeshape import excel_shaped

from titletemplate.errors import SubmissionError
from titletemplate.ingest import preflight
from titletemplate.normalize import ErrorValue, FormulaValue
from titletemplate.ooxml import sheetscan
from titletemplate.vocab import Vocab

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def _zip(xml: str | bytes) -> zipfile.ZipFile:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("s.xml", xml)
    return zipfile.ZipFile(out)


def _both(xml: str | bytes, first_row: int = 2, width: int = 3) -> tuple[object, object]:
    """(fast result or None, SAX result or the code it raised)."""
    data = xml.encode("utf-8") if isinstance(xml, str) else xml
    try:
        fast: object = sheetscan.fast_scan(data, first_row, width)
    except SubmissionError as exc:
        fast = exc.code
    try:
        sax: object = sheetscan.sax_scan(_zip(data), "s.xml", first_row, width)
    except SubmissionError as exc:
        sax = exc.code
    except Exception as exc:  # malformed XML: the SAX parser's own exception
        sax = type(exc).__name__
    return fast, sax


def _sheet(cells: str, tail: str = "") -> str:
    return f"{DECL}<worksheet {NS}><sheetData>{cells}</sheetData>{tail}</worksheet>"


def test_fast_scan_reads_formulas_errors_merges_protection() -> None:
    xml = _sheet(
        '<row r="2"><c r="A2"><f>B2&amp;"x&#20013;"</f><v>1</v></c>'
        '<c r="B2" t="e"><v>#N/A</v></c><c r="D2"><f>1+1</f><v>2</v></c></row>'
        '<row r="5"><c r="C5" t="e"><v>#DIV/0!</v></c><c r="C6" s="1"/></row>',
        '<sheetProtection password="CC3D" sheet="1"/>'
        '<mergeCells count="1"><mergeCell ref="A3:B4"/></mergeCells>',
    )
    fast, sax = _both(xml)
    assert fast == sax
    assert isinstance(fast, sheetscan.SheetScan)
    assert fast.cells == {
        (2, 0): FormulaValue('B2&"x中"'),
        (2, 1): ErrorValue("#N/A"),
        (5, 2): ErrorValue("#DIV/0!"),
    }
    assert (fast.max_row, fast.max_col, fast.protected) == (5, 3, True)
    assert [m.ref for m in fast.merges] == ["A3:B4"]


@pytest.mark.parametrize(
    "xml",
    [
        _sheet("<row><c><v>1</v></c></row>"),  # cells without references
        _sheet('<row r="1"><c r="A1"><!-- x --><v>1</v></c></row>'),
        _sheet(
            '<row r="1"><c r="A1" t="inlineStr"><is><r><rPr><b/></rPr><t>x</t></r></is></c></row>'
        ),
        _sheet("<row r=\"1\"><c r='A1'><v>1</v></c></row>"),
        _sheet('<row r="3"><c r="A3"><f t="shared" si="0"/><v>1</v></c></row>'),
        _sheet('<row r="3"><c r="A3"><v>1</v><f>1+1</f></c></row>'),
        f'<x:worksheet {NS.replace("xmlns", "xmlns:x")}><x:sheetData><x:row r="1">'
        '<x:c r="A1"><x:v>1</x:v></x:c></x:row></x:sheetData></x:worksheet>',
        '<?xml version="1.0" encoding="ISO-8859-1"?>' + _sheet("")[len(DECL) :],
        _sheet("").replace("</worksheet>", '<c r="Z9"><v>1</v></c></worksheet>'),
    ],
    ids=[
        "no-refs",
        "comment",
        "rich-text",
        "single-quotes",
        "shared-child",
        "f-after-v",
        "prefixed",
        "latin1",
        "cell-outside",
    ],
)
def test_fast_scan_steps_aside_when_unsure(xml: str) -> None:
    assert sheetscan.fast_scan(xml.encode("utf-8"), 2, 3) is None


def test_fast_scan_refuses_the_same_damaged_references() -> None:
    xml = _sheet(
        '<row r="1"><c r="A1"><v>1</v></c></row>',
        '<mergeCells><mergeCell ref="A0:B"/></mergeCells>',
    )
    assert _both(xml) == ("file-unreadable", "file-unreadable")


def test_template_sheets_take_the_fast_path(
    vocab: Vocab, private_key: Ed25519PrivateKey, tmp_path: Path
) -> None:
    """The template as built (xlsxwriter) and as filled and saved by openpyxl."""
    built = template_bytes(vocab, private_key, SCHOOL)
    filled = fill_bytes(built, tmp_path / "f.xlsx", [GOOD, {**GOOD, "name": "=1+1"}])
    formulas = []
    for data in (built, filled.read_bytes()):
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            parts = [n for n in zf.namelist() if n.startswith("xl/worksheets/")]
            assert len(parts) == 4  # data, titles, vocabulary and checksum sheets
            for part in parts:
                fast = sheetscan.fast_scan(zf.read(part), 8, 12)
                assert fast is not None, part
                assert fast == sheetscan.sax_scan(zf, part, 8, 12), part
                formulas.append(fast.cells)
    assert {(9, 4): FormulaValue("1+1")} in formulas


def test_excel_shaped_sheets_take_the_fast_path(
    vocab: Vocab, private_key: Ed25519PrivateKey, tmp_path: Path
) -> None:
    """CR LF after the declarations, the mc/x14ac namespaces, `x14ac:dyDescent` on every row and
    the check column as one shared formula: as Excel saves a returned file."""
    filled = fill_bytes(template_bytes(vocab, private_key, SCHOOL), tmp_path / "f.xlsx",
                        [GOOD, {**GOOD, "name": "=1+1"}])  # fmt: skip
    shaped = excel_shaped(filled.read_bytes())
    with zipfile.ZipFile(io.BytesIO(shaped)) as zf:
        data = zf.read("xl/worksheets/sheet1.xml")
        assert b"x14ac:dyDescent" in data and b't="shared"' in data
        fast = sheetscan.fast_scan(data, 8, 12)
        assert fast is not None
        assert fast == sheetscan.sax_scan(zf, "xl/worksheets/sheet1.xml", 8, 12)
        assert fast.cells == {(9, 4): FormulaValue("1+1")}


@pytest.fixture(scope="module")
def corpus_sheets(returned_corpus: list[tuple[Case, Path]]) -> list[tuple[str, bytes]]:
    sheets = []
    for case, path in returned_corpus:
        try:
            zf = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError):
            continue
        with zf:
            for info in zf.infolist():
                if info.filename.startswith("xl/worksheets/") and info.file_size < 2**26:
                    try:
                        sheets.append((f"{case.name}:{info.filename}", zf.read(info)))
                    except (zipfile.BadZipFile, NotImplementedError, RuntimeError):
                        continue
    return sheets


def test_corpus_sheets_agree(corpus_sheets: list[tuple[str, bytes]]) -> None:
    fast_count = 0
    for name, data in corpus_sheets:
        fast, sax = _both(data, 8, 12)
        if fast is None:
            continue
        fast_count += 1
        assert fast == sax, name
    assert fast_count >= len(corpus_sheets) * 3 // 4, (fast_count, len(corpus_sheets))


# --- random sheets ---------------------------------------------------------------------------

_refs = st.builds(
    lambda col, row: f"{sheetscan.cell_ref(row, col)}",
    st.integers(0, 30),
    st.integers(1, 12),
)
_text = st.text(alphabet="ab=&<>\"'中 \r\n#!/", max_size=6).map(
    lambda s: s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
)
_ws = st.sampled_from(["", "", " ", "\n  "])


@st.composite
def _cell(draw: st.DrawFn) -> str:
    unusual = st.sampled_from(["", "a1", "AAAA1", "B0x"])
    ref = draw(unusual if draw(st.integers(0, 9)) == 0 else _refs)
    attrs = f' r="{ref}"' if ref else ""
    kind = draw(st.sampled_from(["v", "f", "e", "is", "empty", "shared", "master", "open"]))
    if draw(st.booleans()):
        attrs += ' s="3"'
    ws = draw(_ws)
    text = draw(_text)
    if kind == "empty":
        return f"<c{attrs}/>"
    if kind == "open":
        return f"<c{attrs}>{ws}</c>"
    if kind == "v":
        return f"<c{attrs}>{ws}<v>{text}</v></c>"
    if kind == "e":
        return f'<c{attrs} t="e">{ws}<v>{text}</v></c>'
    if kind == "is":
        return f'<c{attrs} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
    if kind == "shared":
        return f'<c{attrs}><f t="shared" si="{draw(st.integers(0, 2))}"/><v>0</v></c>'
    if kind == "master":
        si = draw(st.integers(0, 2))
        return f'<c{attrs}><f t="shared" ref="A1:C9" si="{si}">{text}</f><v>0</v></c>'
    return f"<c{attrs}>{ws}<f>{text}</f>{ws}<v>1</v></c>"


@st.composite
def _sheet_xml(draw: st.DrawFn) -> str:
    rows = []
    for r in range(draw(st.integers(0, 4))):
        cells = "".join(draw(st.lists(_cell(), max_size=4)))
        start = draw(st.sampled_from([f'<row r="{r + 1}">', "<row>", f'<row r="{r + 1}" ht="20">']))
        rows.append(f"{start}{cells}</row>")
    extra = draw(st.sampled_from(["", "<!-- c -->", "<?pi x?>", '<x:c r="A1"/>']))
    tail = draw(
        st.sampled_from(
            [
                "",
                '<sheetProtection sheet="1"/>',
                '<sheetProtection sheet="true" objects="1"/>',
                '<sheetProtection sheet="0"/>',
                '<mergeCells count="1"><mergeCell ref="A2:C3"/></mergeCells>',
                '<mergeCells count="1"><mergeCell ref="B5"/></mergeCells>',
                '<extLst><ext><x14:dataValidations xmlns:x14="urn:x"><xm:f xmlns:xm="urn:y">'
                "A1</xm:f></x14:dataValidations></ext></extLst>",
            ]
        )
    )
    body = "".join(rows)
    if extra and draw(st.integers(0, 3)) == 0:
        body = extra + body
    return _sheet(body, tail).replace('xmlns:x14="urn:x"', 'xmlns:x14="urn:x" xmlns:x="urn:z"')


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_sheet_xml(), st.integers(1, 4), st.integers(0, 5))
def test_random_sheets_agree(xml: str, first_row: int, width: int) -> None:
    fast, sax = _both(xml, first_row, width)
    if fast is not None:
        assert fast == sax


def test_fast_scan_used_by_scan_sheet_for_large_parts_only_up_to_the_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    xml = _sheet('<row r="2"><c r="A2"><f>1</f></c></row>')
    calls: list[str] = []
    real = sheetscan.sax_scan

    def spy(*args: object) -> sheetscan.SheetScan:
        calls.append("sax")
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(sheetscan, "sax_scan", spy)
    assert sheetscan.scan_sheet(_zip(xml), "s.xml", 2, 3).cells == {(2, 0): FormulaValue("1")}
    assert calls == []
    monkeypatch.setattr(sheetscan, "FAST_MAX_BYTES", 10)
    assert sheetscan.scan_sheet(_zip(xml), "s.xml", 2, 3).cells == {(2, 0): FormulaValue("1")}
    assert calls == ["sax"]


def test_small_chunks_give_the_same_result(
    corpus_sheets: list[tuple[str, bytes]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Chunks end at row ends: however small they are, the result does not change."""
    whole = [sheetscan.fast_scan(data, 8, 12) for _, data in corpus_sheets]
    monkeypatch.setattr(sheetscan, "_CHUNK_BYTES", 100)
    chunked = [sheetscan.fast_scan(data, 8, 12) for _, data in corpus_sheets]
    assert chunked == whole
    assert sum(r is not None and r.max_row > 100 for r in chunked) >= 5


def test_every_sheet_preflight_lets_through_is_scanned_in_memory() -> None:
    """A 100,000-row data sheet is ~97 MB of XML: the SAX scan took it 1.44x slower."""
    assert sheetscan.FAST_MAX_BYTES >= preflight.MAX_UNCOMPRESSED_BYTES


# --- rows that repeat the row above but for its number ---------------------------------------

_KINDS = {
    "empty": '<c r="{ref}" s="1"/>',
    "shared": '<c r="{ref}" s="2"><f t="shared" si="0"/><v></v></c>',
    "blank": '<c r="{ref}"><v></v></c>',
    "formula": '<c r="{ref}"><f>A{n}&lt;&gt;""</f><v></v></c>',
    "error": '<c r="{ref}" t="e"><v></v></c>',
    "text": '<c r="{ref}" t="inlineStr"><is><t></t></is></c>',
    "typed": '<c r="{ref}" t="s"><v>{n}</v></c>',
}
# A repeated row changed in one place: what a hostile or broken writer could hide in a block
# of rows that otherwise repeat (the pattern must not take it for a repeat).
_CHANGES = (
    lambda row, n: row.replace(f'{n}"', f'{n}1"', 1),  # a cell of another row (A15 -> A151)
    lambda row, n: row.replace(f'r="A{n}"', f'r="A1{n}"'),  # A15 -> A115
    lambda row, n: row.replace("<v></v>", "<v>1</v>", 1),  # a value typed in
    lambda row, n: row.replace("</row>", f'<c r="B{n}"><f>1</f></c></row>'),  # a formula
    lambda row, n: row.replace("</row>", f'<c r="C{n}" t="e"><v>#N/A</v></c></row>'),
    lambda row, n: row.replace(f'<row r="{n}"', f'<row r="0{n}"'),  # leading zero
    lambda row, n: row.replace(f'<row r="{n}">', f'<row r="{n}" ht="20">'),
    lambda row, n: row.replace("</row>", "<!-- c --></row>"),
    lambda row, n: row.replace(f'<row r="{n}">', "<row>"),
    lambda row, n: f'<row r="{n}"/>',
    lambda row, n: row.replace("</row>", "\0</row>"),
    lambda row, n: row.replace(' s="1"', ' s="1" t="e"'),
)


@st.composite
def _repeating_sheet(draw: st.DrawFn) -> str:
    cells = draw(
        st.lists(st.tuples(st.integers(0, 6), st.sampled_from(sorted(_KINDS))), max_size=5)
    )
    numbers = draw(st.lists(st.integers(1, 300), min_size=1, max_size=40))
    if draw(st.booleans()):
        numbers.sort()
    rows = []
    for n in numbers:
        body = "".join(
            _KINDS[kind].format(ref=sheetscan.cell_ref(n, col), n=n) for col, kind in cells
        )
        row = f'<row r="{n}">{body}</row>'
        if draw(st.integers(0, 3)) == 0:
            row = draw(st.sampled_from(_CHANGES))(row, n)
        rows.append(row)
    return _sheet("".join(rows))


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_repeating_sheet(), st.integers(1, 300), st.integers(0, 5))
def test_repeating_rows_agree(xml: str, first_row: int, width: int) -> None:
    fast, sax = _both(xml, first_row, width)
    if fast is not None:
        assert fast == sax


def test_rows_that_repeat_are_not_matched_cell_by_cell(monkeypatch: pytest.MonkeyPatch) -> None:
    """An input block nobody typed in is compared row by row, not cell by cell: same result."""
    kinds = {"A": "empty", "B": "empty", "L": "blank", "M": "shared", "N": "shared"}
    row = "".join(_KINDS[k].format(ref=f"{c}{{n}}") for c, k in kinds.items())
    rows = [f'<row r="{n}">{row.format(n=n)}</row>' for n in range(8, 2008)]
    rows[600] = rows[600].replace("<v></v>", "<v>x</v>", 1)  # one row typed in, in between
    xml = _sheet("".join(rows))
    matched: list[int] = []
    real = sheetscan._Tally.add
    monkeypatch.setattr(
        sheetscan._Tally,
        "add",
        lambda self, found: (matched.append(len(found)), real(self, found))[1],
    )
    fast, sax = _both(xml, 8, 12)
    assert fast == sax
    assert isinstance(fast, sheetscan.SheetScan) and fast.max_row == 2007
    assert sum(matched) <= 5 * len(kinds)  # the first row, the typed one, three after it
