"""The reader on real templates from build_template, edited at the XML level the way Excel,
WPS and clerks leave them: identity, header, protection, rows and cell types."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
import re
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from titletemplate.errors import Issue, Stage, SubmissionError
from titletemplate.fingerprint import make_identity
from titletemplate.ingest import identity
from titletemplate.ingest.inputs import find_input_files
from titletemplate.ingest.reader import SourceRow, Submission, read_submission
from titletemplate.normalize import ErrorValue, FormulaValue
from titletemplate.template.build import build_template
from titletemplate.vocab import Unit, Vocab

ISSUED_AT = "2021-03-17T08:00:00Z"
DATA_PART = "xl/worksheets/sheet1.xml"  # build_template writes the data sheet first
WORKBOOK = "xl/workbook.xml"
STRINGS = "xl/sharedStrings.xml"
STYLES = "xl/styles.xml"
CUSTOM = "docProps/custom.xml"
GOOD = (
    "371100000000日照市本级",
    "鲁0120200000001",
    "身份证",
    "370102197308291814",
    "张三",
    "男",
    "012 技工学校教师",
    "正高级",
    "正高级实习指导教师",
    "20191119",
    "山东省人力资源和社会保障厅",
    "山东省人力资源和社会保障厅",
)
EMPTY = (None,) * 12


@pytest.fixture(scope="session")
def template(vocab: Vocab, unit: Unit, private_key: Ed25519PrivateKey) -> bytes:
    return build_template(vocab, unit, private_key, issued_at=ISSUED_AT)


# --- building returned files ----------------------------------------------------------------


def edit_parts(data: bytes, edits: Mapping[str, Callable[[str], str] | None]) -> bytes:
    """Copy the package; each named part goes through its function (None drops the part)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            if info.filename in edits and edits[info.filename] is None:
                continue
            content = zin.read(info)
            edit = edits.get(info.filename)
            if edit is not None:
                content = edit(content.decode("utf-8")).encode("utf-8")
            zout.writestr(info, content, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def replace(old: str, new: str) -> Callable[[str], str]:
    def edit(xml: str) -> str:
        assert old in xml, f"{old!r} not found: the template layout changed, update the test"
        return xml.replace(old, new)

    return edit


def cell_xml(ref: str, value: object, style: str = "") -> str:
    s = f' s="{style}"' if style else ""
    if isinstance(value, FormulaValue):
        return f'<c r="{ref}"{s}><f>{escape(value.formula)}</f><v>0</v></c>'
    if isinstance(value, ErrorValue):
        return f'<c r="{ref}"{s} t="e"><v>{escape(value.text)}</v></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"{s}><v>{value}</v></c>'
    text = escape(str(value))
    return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def fill(
    cells: Mapping[str, object], styles: Mapping[str, str] | None = None
) -> Callable[[str], str]:
    """Write cells into the data sheet XML as Excel stores them (keeping each cell's style)."""

    def edit(xml: str) -> str:
        new_rows: dict[int, list[str]] = {}
        for ref, value in cells.items():
            found = re.search(rf'<c r="{ref}"( s="(\d+)")?[^>]*?(/>|>.*?</c>)', xml)
            style = (styles or {}).get(ref) or (found.group(2) if found else "") or ""
            if found:
                xml = xml[: found.start()] + cell_xml(ref, value, style) + xml[found.end() :]
            else:
                new_rows.setdefault(int(ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")), []).append(
                    cell_xml(ref, value, style)
                )
        added = "".join(f'<row r="{r}">{"".join(c)}</row>' for r, c in sorted(new_rows.items()))
        return xml.replace("</sheetData>", added + "</sheetData>")

    return edit


def row_cells(row: int, values: tuple[object, ...]) -> dict[str, object]:
    return {f"{chr(65 + i)}{row}": v for i, v in enumerate(values) if v is not None}


def submit(tmp_path: Path, data: bytes, name: str = "unit.xlsx") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.fixture()
def read(tmp_path: Path, vocab: Vocab, public_key: Ed25519PublicKey) -> Callable[..., Submission]:
    def run(data: bytes, *, vocab_: Vocab = vocab, allow_unsigned: bool = False) -> Submission:
        return read_submission(
            submit(tmp_path, data), vocab_, public_key, allow_unsigned=allow_unsigned
        )

    return run


@pytest.fixture()
def rejected(read: Callable[..., Submission]) -> Callable[..., tuple[str, str]]:
    def run(data: bytes, **kwargs: object) -> tuple[str, str]:
        with pytest.raises(SubmissionError) as caught:
            read(data, **kwargs)
        return caught.value.code, caught.value.detail

    return run


def rows_of(sub: Submission) -> list[tuple[int, tuple[object, ...]]]:
    return [(r.excel_row, r.cells) for r in sub.rows]


# --- a clean file ----------------------------------------------------------------------------


def test_filled_template_reads_cleanly(
    template: bytes,
    read: Callable[..., Submission],
    vocab: Vocab,
    unit: Unit,
    private_key: Ed25519PrivateKey,
) -> None:
    data = edit_parts(
        template, {DATA_PART: fill(row_cells(8, GOOD) | {"E9": "李四", "J9": "20200101"})}
    )
    sub = read(data)
    assert rows_of(sub) == [
        (8, GOOD),
        (9, (None, None, None, None, "李四", None, None, None, None, "20200101", None, None)),
    ]
    assert sub.identity == make_identity(vocab, unit, ISSUED_AT, private_key)
    assert (sub.sheet, sub.date1904, sub.issues) == ("附件1", False, ())
    assert sub.sha256 == hashlib.sha256(data).hexdigest()
    assert sub.rows[0].findings == ()


def test_empty_template_has_no_rows(template: bytes, read: Callable[..., Submission]) -> None:
    sub = read(template)
    assert (sub.rows, sub.issues) == ((), ())


# --- identity ---------------------------------------------------------------------------------

DROP_CHECKSUM_SHEET = replace(
    '<sheet name="_checksum" sheetId="4" state="veryHidden" r:id="rId4"/>', ""
)


def test_no_checksum_sheet_and_no_property_is_unsigned(
    template: bytes, rejected: Callable[..., tuple[str, str]]
) -> None:
    data = edit_parts(template, {WORKBOOK: DROP_CHECKSUM_SHEET, CUSTOM: None})
    assert rejected(data) == ("template-unsigned", "")


def test_document_property_stands_in_for_a_lost_checksum_sheet(
    template: bytes,
    read: Callable[..., Submission],
    vocab: Vocab,
    unit: Unit,
    private_key: Ed25519PrivateKey,
) -> None:
    sub = read(edit_parts(template, {WORKBOOK: DROP_CHECKSUM_SHEET}))
    assert sub.identity == make_identity(vocab, unit, ISSUED_AT, private_key)


def test_allow_unsigned_reads_rows_without_identity(
    template: bytes, read: Callable[..., Submission]
) -> None:
    data = edit_parts(
        template, {WORKBOOK: DROP_CHECKSUM_SHEET, CUSTOM: None, DATA_PART: fill({"E8": "x"})}
    )
    sub = read(data, allow_unsigned=True)
    assert (sub.identity, [r.excel_row for r in sub.rows]) == (None, [8])


def test_edited_identity_field_is_tampered(
    template: bytes, rejected: Callable[..., tuple[str, str]]
) -> None:
    data = edit_parts(template, {STRINGS: replace(ISSUED_AT, "2021-03-17T09:00:00Z"), CUSTOM: None})
    assert rejected(data) == ("template-tampered", "signature")


def test_checksum_sheet_disagreeing_with_the_property_is_tampered(
    template: bytes, rejected: Callable[..., tuple[str, str]]
) -> None:
    data = edit_parts(template, {CUSTOM: replace(ISSUED_AT, "2021-03-18T08:00:00Z")})
    assert rejected(data) == ("template-tampered", "document property")


def test_incomplete_checksum_sheet_is_tampered(
    template: bytes, rejected: Callable[..., tuple[str, str]]
) -> None:
    data = edit_parts(template, {STRINGS: replace("<t>signature</t>", "<t>note</t>"), CUSTOM: None})
    assert rejected(data) == ("template-tampered", "checksum sheet")


def test_other_campaign(
    template: bytes, rejected: Callable[..., tuple[str, str]], vocab: Vocab
) -> None:
    other = dataclasses.replace(
        vocab, campaign=dataclasses.replace(vocab.campaign, code="rizhao-2022")
    )
    assert rejected(template, vocab_=other) == ("template-wrong-campaign", "rizhao-2021")


def test_unknown_layout(
    template: bytes, rejected: Callable[..., tuple[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(identity, "READABLE_LAYOUTS", frozenset({"3"}))
    assert rejected(template) == ("template-layout-unknown", "2")


def test_outdated_vocabulary_is_a_warning(
    template: bytes, read: Callable[..., Submission], vocab: Vocab
) -> None:
    newer = dataclasses.replace(
        vocab, campaign=dataclasses.replace(vocab.campaign, contact="8866228")
    )
    sub = read(edit_parts(template, {DATA_PART: fill({"E8": "x"})}), vocab_=newer)
    assert [(i.code, i.file, i.detail) for i in sub.issues] == [
        ("template-vocab-outdated", "unit.xlsx", vocab.fingerprint[:12])
    ]
    assert len(sub.rows) == 1


# --- sheet and header -------------------------------------------------------------------------


def test_renamed_data_sheet(template: bytes, rejected: Callable[..., tuple[str, str]]) -> None:
    data = edit_parts(template, {WORKBOOK: replace('name="附件1"', 'name="Sheet1"')})
    assert rejected(data) == ("sheet-missing", "附件1")


def test_edited_header(template: bytes, rejected: Callable[..., tuple[str, str]]) -> None:
    data = edit_parts(template, {DATA_PART: fill({"D4": "身份证号"})})
    assert rejected(data) == ("header-mismatch", "D: 身份证号")


def test_header_mismatch_masks_an_id_number(
    template: bytes, rejected: Callable[..., tuple[str, str]]
) -> None:
    data = edit_parts(template, {DATA_PART: fill({"A4": "370102197308291814"})})
    assert rejected(data) == ("header-mismatch", "A: 370102********1814")


def test_header_spacing_and_width_are_ignored(
    template: bytes, read: Callable[..., Submission]
) -> None:
    data = edit_parts(
        template, {DATA_PART: fill({"D4": " 证件\u3000号码\n", "A4": "行政区划代码"})}
    )
    assert read(data).issues == ()


def test_removed_protection_is_a_warning(template: bytes, read: Callable[..., Submission]) -> None:
    def unprotect(xml: str) -> str:
        return re.sub(r"<sheetProtection [^>]*/>", "", xml, count=1)

    sub = read(edit_parts(template, {DATA_PART: unprotect}))
    assert sub.issues == (Issue("template-protection-removed", "unit.xlsx", "附件1"),)


# --- rows -------------------------------------------------------------------------------------


def test_formatted_empty_rows_are_skipped(template: bytes, read: Callable[..., Submission]) -> None:
    data = edit_parts(template, {DATA_PART: fill({"E8": "a", "E500": "b", "L2007": "c"})})
    assert [r.excel_row for r in read(data).rows] == [8, 500, 2007]


def test_whitespace_only_rows_are_blank(template: bytes, read: Callable[..., Submission]) -> None:
    data = edit_parts(template, {DATA_PART: fill({"A8": " ", "E8": "\u3000", "E9": "x"})})
    assert [r.excel_row for r in read(data).rows] == [9]


def test_wps_dimension_a1_is_not_trusted(template: bytes, read: Callable[..., Submission]) -> None:
    data = edit_parts(
        template,
        {
            DATA_PART: lambda xml: fill({"E30": "x"})(
                re.sub(r'<dimension ref="[^"]*"/>', '<dimension ref="A1"/>', xml)
            )
        },
    )
    assert [r.excel_row for r in read(data).rows] == [30]


def test_rows_hidden_by_a_filter_are_read(template: bytes, read: Callable[..., Submission]) -> None:
    data = edit_parts(
        template,
        {
            DATA_PART: lambda xml: fill({"E9": "x"})(
                xml.replace('<row r="9" ', '<row r="9" hidden="1" ')
            )
        },
    )
    assert [r.excel_row for r in read(data).rows] == [9]


def test_row_pasted_below_the_block_is_read_with_one_warning(
    template: bytes, read: Callable[..., Submission]
) -> None:
    data = edit_parts(template, {DATA_PART: fill({"E8": "a", "E2010": "b", "E2011": "c"})})
    sub = read(data)
    assert [r.excel_row for r in sub.rows] == [8, 2010, 2011]
    assert [(i.code, i.sheet, i.row) for i in sub.issues] == [
        ("rows-outside-input-block", "附件1", 2010)
    ]


def test_merged_cells_give_each_row_a_finding(
    template: bytes, read: Callable[..., Submission]
) -> None:
    merge = replace('<mergeCells count="4">', '<mergeCells count="5"><mergeCell ref="A9:C10"/>')
    data = edit_parts(
        template,
        {DATA_PART: lambda xml: fill({"A9": "371100000000", "E9": "a", "E10": "b"})(merge(xml))},
    )
    finding = Issue("row-merged-cells", column="region_code", value="A9:C10", stage=Stage.NORMALISE)
    assert [(r.excel_row, r.findings) for r in read(data).rows] == [
        (9, (finding,)),
        (10, (finding,)),
    ]


def test_formulas_and_error_values(template: bytes, read: Callable[..., Submission]) -> None:
    cells = {
        "B8": FormulaValue('A8&"x"'),
        "D8": ErrorValue("#N/A"),
        "E8": "name",
        "F8": ErrorValue("#VALUE!"),
    }
    data = edit_parts(template, {DATA_PART: fill(cells)})
    assert read(data).rows[0].cells[1:6] == (
        FormulaValue('A8&"x"'),
        None,
        ErrorValue("#N/A"),
        "name",
        ErrorValue("#VALUE!"),
    )


def test_formula_with_an_error_result_is_a_formula(
    template: bytes, read: Callable[..., Submission]
) -> None:
    data = edit_parts(
        template,
        {
            DATA_PART: replace(
                '<c r="D8" s="10"/>', '<c r="D8" s="10" t="e"><f>NA()</f><v>#N/A</v></c>'
            )
        },
    )
    assert read(data).rows[0].cells[3] == FormulaValue("NA()")


def test_numbers_stay_numbers_and_text_stays_text(
    template: bytes, read: Callable[..., Submission]
) -> None:
    cells = {"B8": "0012345", "D8": 370102197308291814, "D9": "370102197308291814", "E9": True}
    sub = read(edit_parts(template, {DATA_PART: fill(cells)}))
    assert [r.cells[1:5] for r in sub.rows] == [
        ("0012345", None, 3.7010219730829184e17, None),
        (None, None, "370102197308291814", True),
    ]


DATE_FORMATS = (31, 57, 20)  # CJK built-in dates (no <numFmt> element needed), and h:mm


def add_styles(xml: str) -> str:
    """Append one cellXfs entry per DATE_FORMATS id."""
    count = int(re.search(r'<cellXfs count="(\d+)"', xml).group(1))  # type: ignore[union-attr]
    extra = "".join(
        f'<xf numFmtId="{n}" fontId="0" fillId="0" borderId="0" applyNumberFormat="1"/>'
        for n in DATE_FORMATS
    )
    xml = xml.replace(
        f'<cellXfs count="{count}">', f'<cellXfs count="{count + len(DATE_FORMATS)}">'
    )
    return xml.replace("</cellXfs>", extra + "</cellXfs>")


def test_cjk_builtin_date_formats_arrive_as_dates(
    template: bytes, read: Callable[..., Submission]
) -> None:
    with zipfile.ZipFile(io.BytesIO(template)) as zf:
        xfs = re.search(r'<cellXfs count="(\d+)"', zf.read(STYLES).decode())
    first = int(xfs.group(1))  # type: ignore[union-attr]
    styles = {"J8": str(first), "J9": str(first + 1), "J10": str(first + 2)}
    cells = {"J8": 43466, "J9": 43467, "J10": 0.5}
    data = edit_parts(template, {STYLES: add_styles, DATA_PART: fill(cells, styles)})
    assert [r.cells[9] for r in read(data).rows] == [dt.date(2019, 1, 1), dt.date(2019, 1, 2), 0.5]


def test_date1904_flag(template: bytes, read: Callable[..., Submission]) -> None:
    data = edit_parts(
        template,
        {
            WORKBOOK: replace("<workbookPr ", '<workbookPr date1904="1" '),
            DATA_PART: fill({"J8": 42004}),
        },
    )
    sub = read(data)
    assert (sub.date1904, sub.rows[0].cells[9]) == (True, 42004.0)


# --- hostile and oversized content ------------------------------------------------------------


def test_stray_far_cell_is_too_large(
    template: bytes, rejected: Callable[..., tuple[str, str]]
) -> None:
    data = edit_parts(template, {DATA_PART: fill({"XFD2000": "x"})})
    assert rejected(data) == ("file-too-large", "附件1!XFD2007")


def test_too_many_rows(template: bytes, rejected: Callable[..., tuple[str, str]]) -> None:
    data = edit_parts(template, {DATA_PART: fill({"A200000": "x"})})
    assert rejected(data) == ("file-too-large", "附件1!A200000")


def test_malformed_sheet_xml(template: bytes, rejected: Callable[..., tuple[str, str]]) -> None:
    data = edit_parts(template, {DATA_PART: replace("</sheetData>", "</sheetDat>")})
    assert rejected(data) == ("file-unsafe-xml", "SAXParseException")


def test_entities_after_a_long_prolog_are_still_refused(
    template: bytes, rejected: Callable[..., tuple[str, str]]
) -> None:
    def hostile(xml: str) -> str:
        head, _, body = xml.partition("?>")
        entity = '<!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa">]>'
        return head + "?><!--" + " " * 70_000 + "-->" + entity + body.replace("<t>", "<t>&a;", 1)

    code, _ = rejected(edit_parts(template, {STRINGS: hostile}))
    assert code == "file-unsafe-xml"


# --- finding input files ----------------------------------------------------------------------


def test_find_input_files(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    for name in ("b.xlsx", "A.XLSX", "sub/c.xlsx", "~$b.xlsx", "old.xls", "wps.et", "notes.pdf"):
        (tmp_path / name).write_bytes(b"PK\x03\x04")
    (tmp_path / "web.xls").write_bytes(b"<html><table></table></html>")
    files, issues = find_input_files([tmp_path, tmp_path / "b.xlsx", tmp_path / "missing.xlsx"])
    assert [p.relative_to(tmp_path.resolve()).as_posix() for p in files] == [
        "A.XLSX",
        "b.xlsx",
        "sub/c.xlsx",
    ]
    assert [(i.code, i.file) for i in issues] == [
        ("file-unreadable", "missing.xlsx"),
        ("file-not-xlsx", "notes.pdf"),
        ("file-legacy-xls", "old.xls"),
        ("file-html", "web.xls"),
        ("file-wps-et", "wps.et"),
        ("file-lock", "~$b.xlsx"),
    ]


def test_source_row_defaults() -> None:
    assert SourceRow(8, EMPTY).findings == ()
