"""Every kind of returned file the bureau has seen or fears, generated into a folder.

Each case writes one file built from a real template (build_template), edited the way Excel,
WPS, LibreOffice, phones, HR systems or a determined clerk leave it, and states the literal
outcome: accepted or rejected, the file's code, and the (code, row, column) findings.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import tempfile
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from helpers_ingest import PORT, SCHOOL, TEACHER, fill_bytes, row, template_bytes
from test_preflight import BILLION_LAUGHS, patch_central_directory
from test_reader import DATA_PART, STRINGS, STYLES, WORKBOOK, edit_parts, replace
from test_reader import fill as fill_xml

from titletemplate.columns import COLUMNS, DATA_SHEET, FIRST_DATA_ROW, HEADER_ROW, META_SHEET
from titletemplate.normalize import ErrorValue, FormulaValue
from titletemplate.vocab import Vocab

Finding = tuple[str, int | None, str]  # (code, Excel row, column letter)
OLE_HEAD = bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 504  # a CFB header, no streams
LAST_INPUT_ROW = FIRST_DATA_ROW + 2000 - 1  # the campaign's input block (vocab campaign.rows)


@dataclass(frozen=True, slots=True)
class Ctx:
    """What the generators need: the vocabulary and the bureau key that signs templates."""

    vocab: Vocab
    key: Ed25519PrivateKey
    lo_profile: Path | None = None  # LibreOffice profile folder (the libreoffice case only)


@dataclass(frozen=True, slots=True)
class Case:
    """One returned file: how to make it, and what ingest must say about it."""

    name: str
    make: Callable[[Path, Ctx], Path]  # writes the file into the folder, returns its path
    status: str  # "accepted" or "rejected"
    code: str = ""  # the file's code in report.json ("" for a clean accepted file)
    findings: tuple[Finding, ...] = ()
    rows: int = 0  # non-blank input rows counted for the file
    valid: int = 0
    marks: tuple[str, ...] = field(default=())


# --- building blocks ------------------------------------------------------------------------


def _template(ctx: Ctx, unit: str = SCHOOL, rows: int = 50) -> bytes:
    return template_bytes(ctx.vocab, ctx.key, unit, rows)


def _clerk(
    ctx: Ctx, rows: Sequence[Mapping[str, object]], edit: Callable[[Any], None] | None = None
) -> bytes:
    """The template filled with openpyxl as a clerk would, then `edit(workbook)`; bytes."""
    with tempfile.TemporaryDirectory(prefix="tt-corpus-") as tmp:
        path = fill_bytes(_template(ctx), Path(tmp) / "filled.xlsx", rows)
        if edit is not None:
            wb = openpyxl.load_workbook(path)
            edit(wb)
            wb.save(path)
            wb.close()
        return path.read_bytes()


def _xml(ctx: Ctx, cells: Mapping[str, object], **edits: Callable[[str], str]) -> bytes:
    """The template with `cells` written into the data sheet XML (as Excel stores them), plus
    raw edits of other parts keyed by short names (workbook, styles, strings, data)."""
    parts = {"workbook": WORKBOOK, "styles": STYLES, "strings": STRINGS, "data": DATA_PART}
    data_edit = edits.pop("data", None)

    def sheet(xml: str) -> str:
        return fill_xml(cells)(data_edit(xml) if data_edit else xml)

    return edit_parts(_template(ctx), {DATA_PART: sheet, **{parts[k]: v for k, v in edits.items()}})


def _cells(excel_row: int, values: Mapping[str, object]) -> dict[str, object]:
    return {f"{c.letter}{excel_row}": values[c.key] for c in COLUMNS if c.key in values}


def _write(name: str, make: Callable[[Ctx], bytes]) -> Callable[[Path, Ctx], Path]:
    def write(folder: Path, ctx: Ctx) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / name
        path.write_bytes(make(ctx))
        return path

    return write


def _date_styles(xml: str) -> str:
    """Two cellXfs with the CJK built-in date formats 31 and 57, and no <numFmt> for them
    (what Chinese Excel writes); they get the style indexes `count` and `count + 1`."""
    count = int(re.search(r'<cellXfs count="(\d+)"', xml).group(1))  # type: ignore[union-attr]
    extra = "".join(
        f'<xf numFmtId="{n}" fontId="0" fillId="0" borderId="0" applyNumberFormat="1"/>'
        for n in (31, 57)
    )
    xml = xml.replace(f'<cellXfs count="{count}">', f'<cellXfs count="{count + 2}">')
    return xml.replace("</cellXfs>", extra + "</cellXfs>")


def _style_count(ctx: Ctx) -> int:
    with zipfile.ZipFile(io.BytesIO(_template(ctx))) as zf:
        found = re.search(r'<cellXfs count="(\d+)"', zf.read(STYLES).decode())
    assert found is not None
    return int(found.group(1))


def _serial_with_format(ctx: Ctx, fmt_index: int) -> bytes:
    style = str(_style_count(ctx) + fmt_index)  # 0: numFmtId 31, 1: numFmtId 57
    cells = _cells(FIRST_DATA_ROW, row("li", 1, issue_date=43466))  # 2019-01-01

    def sheet(xml: str) -> str:
        xml = fill_xml(cells)(xml)
        return re.sub(r'<c r="J8"( s="\d+")?', f'<c r="J8" s="{style}"', xml)

    return edit_parts(_template(ctx), {STYLES: _date_styles, DATA_PART: sheet})


def _encrypted(ctx: Ctx) -> bytes:
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(_clerk(ctx, [row("li", 1)]))).encrypt("123456", out)
    return out.getvalue()


def _libreoffice(folder: Path, ctx: Ctx) -> Path:
    from lohelper import LibreOffice

    assert ctx.lo_profile is not None, "the libreoffice case needs a profile folder"
    source = folder.parent / f"{folder.name}-lo-src" / "libreoffice-resave.xlsx"
    source.parent.mkdir(parents=True, exist_ok=True)
    source.write_bytes(_clerk(ctx, [row("li", 1), row("wang", 2)]))
    saved = LibreOffice(ctx.lo_profile).recalculate(source, folder)
    return saved


def _checksum_edit(change: Callable[[Any, Ctx], None]) -> Callable[[Ctx], bytes]:
    def make(ctx: Ctx) -> bytes:
        return _clerk(ctx, [row("li", 1)], lambda wb: change(wb, ctx))

    return make


def _drop_checksum_sheet(wb: Any, ctx: Ctx) -> None:
    del wb[META_SHEET]


def _drop_all_checksums(wb: Any, ctx: Ctx) -> None:
    del wb[META_SHEET]
    for name in [p.name for p in wb.custom_doc_props.props]:
        del wb.custom_doc_props[name]


def _edit_checksum_cell(wb: Any, ctx: Ctx) -> None:
    ws = wb[META_SHEET]
    for cells in ws.iter_rows():
        if cells[0].value == "unit_name":
            cells[1].value = PORT
            return
    raise AssertionError("no unit_name row on the checksum sheet: update the corpus")


def _checksum_of_port(wb: Any, ctx: Ctx) -> None:
    other = openpyxl.load_workbook(io.BytesIO(_template(ctx, PORT)))
    ws, theirs = wb[META_SHEET], other[META_SHEET]
    for cells in theirs.iter_rows():
        for cell in cells:
            ws[cell.coordinate].value = cell.value
    other.close()


def _header(wb: Any, ctx: Ctx) -> None:
    wb[DATA_SHEET].cell(HEADER_ROW, 5).value = "姓名（必填）"


def _stretch(lines: int) -> Callable[[str], str]:
    """Pad the shared strings part with whitespace: megabytes that compress to kilobytes."""

    def edit(xml: str) -> str:
        return xml.replace("</sst>", " " * lines + "</sst>")

    return edit


def _zip_with(data: bytes, name: str, content: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            zout.writestr(info, zin.read(info), compress_type=zipfile.ZIP_DEFLATED)
        zout.writestr(name, content, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _wps_dimension(xml: str) -> str:
    return re.sub(r'<dimension ref="[^"]*"/>', '<dimension ref="A1"/>', xml)


def _hidden_by_filter(xml: str) -> str:
    xml = xml.replace('<row r="9" ', '<row r="9" hidden="1" ')
    return xml.replace("</sheetData>", '</sheetData><autoFilter ref="A7:L57"/>', 1)


def _merged(wb: Any, ctx: Ctx) -> None:
    wb[DATA_SHEET].merge_cells("G8:G9")  # one series for two people: row 9 loses its G


def _two_thousand(ctx: Ctx) -> bytes:
    """A 2000-row template (every input row formatted), 3 rows filled far apart."""
    data = _template(ctx, rows=2000)
    cells = {
        **_cells(8, row("li", 1)),
        **_cells(1000, row("wang", 2)),
        **_cells(LAST_INPUT_ROW, row("zhao", 3)),
    }
    return edit_parts(data, {DATA_PART: fill_xml(cells)})


def _openpyxl_rows(rows: Sequence[Mapping[str, object]], at: Sequence[int]) -> Callable[..., None]:
    def edit(wb: Any, *_: object) -> None:
        ws = wb[DATA_SHEET]
        for values, excel_row in zip(rows, at, strict=True):
            for c in COLUMNS:
                if c.key in values:
                    ws.cell(excel_row, c.index + 1).value = values[c.key]

    return edit


# --- the cases --------------------------------------------------------------------------------

ID = "370102197308291814"  # GOOD's ID: male, born 1973-08-29
FILE_ISSUE = (None, "")


def _reject(name: str, file_name: str, code: str, make: Callable[[Ctx], bytes]) -> Case:
    return Case(name, _write(file_name, make), "rejected", code, ((code, *FILE_ISSUE),))


def _one(
    name: str,
    values: Mapping[str, object],
    findings: Sequence[tuple[str, str]] = (),
    valid: int = 1,
) -> Case:
    """One clerk row (row 8) typed into the template with openpyxl; findings on row 8."""
    return Case(
        name,
        _write(f"{name}.xlsx", lambda ctx: _clerk(ctx, [values])),
        "accepted",
        "",
        tuple((code, FIRST_DATA_ROW, column) for code, column in findings),
        rows=1,
        valid=valid,
    )


def _one_xml(
    name: str,
    values: Mapping[str, object],
    findings: Sequence[tuple[str, str]] = (),
    valid: int = 1,
    **edits: Callable[[str], str],
) -> Case:
    """One row (row 8) written into the sheet XML, for what openpyxl cannot write."""
    return Case(
        name,
        _write(f"{name}.xlsx", lambda ctx: _xml(ctx, _cells(FIRST_DATA_ROW, values), **edits)),
        "accepted",
        "",
        tuple((code, FIRST_DATA_ROW, column) for code, column in findings),
        rows=1,
        valid=valid,
    )


X_ID = "11010119900307803x"  # valid with check character X (lower-cased), male
CONVERTED = [("issue-date-converted", "J")]


def _duplicated_sheet(wb: Any) -> None:
    """The clerk copies the data sheet (Excel: Move or Copy) and fills the copy too."""
    copy = wb.copy_worksheet(wb[DATA_SHEET])
    for c in COLUMNS:
        copy.cell(FIRST_DATA_ROW + 1, c.index + 1).value = row("wang", 2)[c.key]


def _wps_format_59(ctx: Ctx) -> bytes:
    """WPS's non-standard built-in numFmtId 59 on a date serial (NOTES T38)."""
    style = str(_style_count(ctx))
    cells = _cells(FIRST_DATA_ROW, row("li", 1, issue_date=43466))

    def styles(xml: str) -> str:
        count = int(re.search(r'<cellXfs count="(\d+)"', xml).group(1))  # type: ignore[union-attr]
        xml = xml.replace(f'<cellXfs count="{count}">', f'<cellXfs count="{count + 1}">')
        return xml.replace(
            "</cellXfs>",
            '<xf numFmtId="59" fontId="0" fillId="0" borderId="0"'
            ' applyNumberFormat="1"/></cellXfs>',
        )

    def sheet(xml: str) -> str:
        return re.sub(r'<c r="J8"( s="\d+")?', f'<c r="J8" s="{style}"', fill_xml(cells)(xml))

    return edit_parts(_template(ctx), {STYLES: styles, DATA_PART: sheet})


def _rich_text(xml: str) -> str:
    """Name E8 as rich text pasted from Word: two runs with their own fonts."""
    runs = "<is><r><rPr><b/></rPr><t>张</t></r><r><t>三</t></r></is>"
    return re.sub(
        r'<c r="E8"([^>]*?)t="inlineStr"><is>.*?</is>', rf'<c r="E8"\1t="inlineStr">{runs}', xml
    )


EXTRA: list[Case] = [
    _one("id-with-crlf-and-tabs", row(id_number="370102\t197308291814\r\n")),
    _one("id-with-spaces", row(id_number="370102 19730829 1814")),
    _one(
        "id-wrong-check-digit",
        row(id_number="370102197308291817"),
        [("id-number-checksum", "D")],
        valid=0,
    ),
    _one(
        "id-impossible-birth-date",
        row(id_number="370102197302301811"),
        [("id-number-birth-date", "D")],
        valid=0,
    ),
    _one("date-int-yyyymmdd", row(issue_date=20190101)),
    _one("date-slashes", row(issue_date="2019/1/1"), CONVERTED),
    _one("date-dots", row(issue_date="2019.1.1"), CONVERTED),
    _one("date-with-midnight", row(issue_date="2019-1-1 0:00:00"), CONVERTED),
    _one("date-two-digit-year", row(issue_date="19-1-1"), [("issue-date-format", "J")], valid=0),
    _one("date-year-month", row(issue_date="2014-09"), [("issue-date-format", "J")], valid=0),
    _one("date-year-month-int", row(issue_date=201409), [("issue-date-format", "J")], valid=0),
    _one(
        "gender-as-digit", row(gender="1"), [("gender-unknown", "F")], valid=0
    ),  # no codes in that list
    _one("name-as-number", row(name=123), [("name-invalid", "E")], valid=0),
    _one("name-with-dots", row(name="阿卜杜拉•买买提")),
    _one_xml("name-rich-text", row(), data=_rich_text),
    Case(
        "wps-numfmt-59",
        _write("wps-numfmt-59.xlsx", _wps_format_59),
        "accepted",
        "",
        (("issue-date-converted", 8, "J"),),
        rows=1,
        valid=1,
    ),
    _one_xml(
        "formula-external-link",
        row(cert_no=FormulaValue("[1]Sheet1!$A$2")),
        [("cell-formula", "B")],
        valid=0,
    ),
    Case(
        "duplicate-ids-in-file",
        _write("duplicate-ids-in-file.xlsx", lambda ctx: _clerk(ctx, [row(None, 1), row(None, 2)])),
        "accepted",
        "",
        (("duplicate-conflict", 8, "D"), ("duplicate-conflict", 9, "D")),
        rows=2,
        valid=0,
    ),
    Case(
        "data-sheet-duplicated",
        _write(
            "data-sheet-duplicated.xlsx", lambda ctx: _clerk(ctx, [row("li", 1)], _duplicated_sheet)
        ),
        "rejected",
        "data-sheet-copied",
        (("data-sheet-copied", None, ""),),
    ),
    _reject(
        "stray-far-cell",
        "stray-far-cell.xlsx",
        "file-too-large",
        lambda ctx: _xml(ctx, {**_cells(8, row("li", 1)), "XFD1500": "x"}),
    ),
    _reject(
        "sheet-part-missing",
        "sheet-part-missing.xlsx",
        "sheet-missing",
        lambda ctx: edit_parts(_template(ctx), {DATA_PART: None}),
    ),
]


CASES: list[Case] = [
    # --- whole files from real programs ---
    Case(
        "excel-openpyxl-clean",
        _write(
            "excel-openpyxl-clean.xlsx", lambda ctx: _clerk(ctx, [row("li", 1), row("wang", 2)])
        ),
        "accepted",
        rows=2,
        valid=2,
    ),
    Case("libreoffice-resave", _libreoffice, "accepted", rows=2, valid=2, marks=("libreoffice",)),
    _one_xml("wps-dimension-a1", row("li", 1), data=_wps_dimension),
    _reject(
        "strict-ooxml",
        "strict-ooxml.xlsx",
        "file-strict-ooxml",
        lambda ctx: edit_parts(
            _clerk(ctx, [row("li", 1)]),
            {
                WORKBOOK: lambda xml: xml.replace(
                    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
                    "http://purl.oclc.org/ooxml/spreadsheetml/main",
                )
            },
        ),
    ),
    _reject("encrypted", "encrypted.xlsx", "file-encrypted", _encrypted),
    _reject("legacy-xls", "legacy-xls.xls", "file-legacy-xls", lambda ctx: OLE_HEAD),
    _reject("ole-named-xlsx", "ole-named-xlsx.xlsx", "file-legacy-xls", lambda ctx: OLE_HEAD),
    _reject("wps-et", "wps-et.et", "file-wps-et", lambda ctx: OLE_HEAD),
    _reject(
        "html-renamed",
        "html-renamed.xlsx",
        "file-html",
        lambda ctx: "<html><body><table><tr><td>证书编号</td></tr></table></body></html>".encode(),
    ),
    _reject(
        "csv-renamed",
        "csv-renamed.xlsx",
        "file-csv",
        lambda ctx: f"行政区划代码,证书编号,证件号码\n371100000000,鲁0120200000001,{ID}\n".encode(
            "gb18030"
        ),
    ),
    _reject("zero-byte", "zero-byte.xlsx", "file-empty", lambda ctx: b""),
    _reject(
        "excel-lock-file",
        "~$excel-lock-file.xlsx",
        "file-lock",
        lambda ctx: (
            b"\x05clerk" + b" " * 49 + b"\x05\x00c\x00l\x00e\x00r\x00k\x00" + b"\x20\x00" * 50
        ),
    ),
    _reject(
        "truncated-zip",
        "truncated-zip.xlsx",
        "file-corrupt",
        lambda ctx: _clerk(ctx, [row("li", 1)])[:9000],
    ),
    _reject(
        "zip-not-a-workbook",
        "zip-not-a-workbook.xlsx",
        "file-not-workbook",
        lambda ctx: _zip_with(b"PK\x05\x06" + b"\x00" * 18, "word/document.xml", b"<w:document/>"),
    ),
    _reject(
        "zip-bomb-declared",
        "zip-bomb-declared.xlsx",
        "file-too-large",
        lambda ctx: patch_central_directory(_template(ctx), DATA_PART, 24, 300 * 2**20, "<I"),
    ),
    _reject(
        "zip-bomb-real",
        "zip-bomb-real.xlsx",
        "file-too-large",
        lambda ctx: edit_parts(_template(ctx), {STRINGS: _stretch(12 * 2**20)}),
    ),
    _reject(
        "entity-expansion",
        "entity-expansion.xlsx",
        "file-unsafe-xml",
        lambda ctx: edit_parts(_template(ctx), {STRINGS: lambda xml: BILLION_LAUGHS}),
    ),
    # --- identity and layout ---
    Case(
        "checksum-sheet-deleted",  # the signed document property still identifies the file
        _write("checksum-sheet-deleted.xlsx", _checksum_edit(_drop_checksum_sheet)),
        "accepted",
        rows=1,
        valid=1,
    ),
    _reject(
        "checksum-missing",
        "checksum-missing.xlsx",
        "template-unsigned",
        _checksum_edit(_drop_all_checksums),
    ),
    _reject(
        "checksum-edited",
        "checksum-edited.xlsx",
        "template-tampered",
        _checksum_edit(_edit_checksum_cell),
    ),
    _reject(
        "checksum-of-other-unit",
        "checksum-of-other-unit.xlsx",
        "template-tampered",
        _checksum_edit(_checksum_of_port),
    ),
    _reject(
        "data-sheet-renamed",
        "data-sheet-renamed.xlsx",
        "sheet-missing",
        lambda ctx: _clerk(
            ctx, [row("li", 1)], lambda wb: setattr(wb[DATA_SHEET], "title", "Sheet1")
        ),
    ),
    _reject(
        "header-edited",
        "header-edited.xlsx",
        "header-mismatch",
        lambda ctx: _clerk(ctx, [row("li", 1)], lambda wb: _header(wb, ctx)),
    ),
    _reject(
        "column-deleted",
        "column-deleted.xlsx",
        "header-mismatch",
        lambda ctx: _clerk(ctx, [row("li", 1)], lambda wb: wb[DATA_SHEET].delete_cols(6)),
    ),
    _reject(
        "column-inserted",
        "column-inserted.xlsx",
        "header-mismatch",
        lambda ctx: _clerk(ctx, [row("li", 1)], lambda wb: wb[DATA_SHEET].insert_cols(3)),
    ),
    Case(
        "protection-removed",
        _write(
            "protection-removed.xlsx",
            lambda ctx: _clerk(
                ctx, [row("li", 1)], lambda wb: setattr(wb[DATA_SHEET].protection, "sheet", False)
            ),
        ),
        "accepted",
        "",
        (("template-protection-removed", None, ""),),
        rows=1,
        valid=1,
    ),
    # --- rows ---
    Case(
        "data-below-input-block",
        _write(
            "data-below-input-block.xlsx",
            lambda ctx: _clerk(
                ctx, [row("li", 1)], _openpyxl_rows([row("wang", 2)], [LAST_INPUT_ROW + 3])
            ),
        ),
        "accepted",
        "",
        (("rows-outside-input-block", LAST_INPUT_ROW + 3, ""),),
        rows=2,
        valid=2,
    ),
    Case(
        "merged-cells",
        _write(
            "merged-cells.xlsx",
            lambda ctx: _clerk(ctx, [row("li", 1), row("wang", 2)], lambda wb: _merged(wb, ctx)),
        ),
        "accepted",
        "",
        (("row-merged-cells", 8, "G"), ("row-merged-cells", 9, "G"), ("series-missing", 9, "G")),
        rows=2,
        valid=0,
    ),
    Case(
        "2000-formatted-rows-3-filled",
        _write("2000-formatted-rows-3-filled.xlsx", _two_thousand),
        "accepted",
        rows=3,
        valid=3,
    ),
    Case(
        "rows-hidden-by-filter",
        _write(
            "rows-hidden-by-filter.xlsx",
            lambda ctx: _xml(
                ctx,
                {**_cells(8, row("li", 1)), **_cells(9, row("wang", 2))},
                data=_hidden_by_filter,
            ),
        ),
        "accepted",
        rows=2,
        valid=2,
    ),
    # --- ID numbers ---
    _one(
        "id-float-e17",
        row(id_number=3.70102197308292e17),
        [("id-number-precision-lost", "D")],
        valid=0,
    ),
    _one("id-int", row(id_number=int(ID)), [("id-number-precision-lost", "D")], valid=0),
    _one("id-lower-case-x", row(id_number=X_ID)),
    _one("id-full-width", row(id_number="３７０１０２１９７３０８２９１８１４")),
    _one("id-zero-width-spaces", row(id_number="370102\u200b19730829\u200b1814\u200b")),
    _one_xml("id-x000d", row(id_number=ID + "_x000D_")),
    _one("id-15-digit", row(id_number="370102730829181"), [("id-number-15-digit", "D")], valid=0),
    # --- issue dates ---
    _one("date-datetime", row(issue_date=dt.datetime(2019, 1, 1)), CONVERTED),
    Case(
        "date-serial-numfmt-31",
        _write("date-serial-numfmt-31.xlsx", lambda ctx: _serial_with_format(ctx, 0)),
        "accepted",
        "",
        (("issue-date-converted", 8, "J"),),
        rows=1,
        valid=1,
    ),
    Case(
        "date-serial-numfmt-57",
        _write("date-serial-numfmt-57.xlsx", lambda ctx: _serial_with_format(ctx, 1)),
        "accepted",
        "",
        (("issue-date-converted", 8, "J"),),
        rows=1,
        valid=1,
    ),
    _one("date-iso-text", row(issue_date="2019-01-01"), CONVERTED),
    _one("date-chinese-text", row(issue_date="2019年1月1日"), CONVERTED),
    _one("date-feb-29-2019", row(issue_date="20190229"), [("issue-date-invalid", "J")], valid=0),
    _one_xml(
        "date-1904-system",
        row(issue_date=42004),
        CONVERTED,
        workbook=replace("<workbookPr ", '<workbookPr date1904="1" '),
    ),
    # --- cell types ---
    _one(
        "formula-cells",
        row(cert_no='=A8&"1"', name="=E7"),
        [("cell-formula", "B"), ("cell-formula", "E")],
        valid=0,
    ),
    _one_xml(
        "error-values",
        row(name=ErrorValue("#N/A"), issuer=FormulaValue("NA()")),
        [("cell-error-value", "E"), ("cell-formula", "K")],
        valid=0,
    ),
    _one(
        "values-outside-lists",
        row(id_type="军官证", gender="未知", level="特级"),
        [("id-type-unknown", "C"), ("gender-unknown", "F"), ("level-unknown", "H")],
        valid=0,
    ),
    _one(
        "stale-title-after-series-change",
        row(series=TEACHER["series"]),
        [("title-not-in-series", "I")],
        valid=0,
    ),
    _one(
        "booleans-in-text-cells",
        row(name=True, issuer=False),
        [("cell-boolean", "E"), ("cell-boolean", "K")],
        valid=0,
    ),
    _one("very-long-name", row(name="张" * 300), [("cell-too-long", "E")], valid=0),
    _one("names-with-odd-spaces", row("wang", 2, name="\u3000王 芳\u00a0")),
    *EXTRA,
]

NAMES = [c.name for c in CASES]
assert len(set(NAMES)) == len(NAMES), "case names must be unique"


def make_all(folder: Path, ctx: Ctx) -> list[tuple[Case, Path]]:
    """Every case written into `folder`; the LibreOffice ones only where soffice is installed."""
    from lohelper import find_soffice

    office = find_soffice() is not None
    return [(c, c.make(folder, ctx)) for c in CASES if office or "libreoffice" not in c.marks]
