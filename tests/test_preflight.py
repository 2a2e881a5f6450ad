"""Pre-read checks: one generated hostile or wrong file per file-level code, and the sheet scan."""

from __future__ import annotations

import io
import struct
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
import xlsxwriter

from titletemplate.errors import SubmissionError
from titletemplate.ingest import preflight
from titletemplate.normalize import ErrorValue, FormulaValue
from titletemplate.ooxml import sheetscan

OLE_HEADER = bytes.fromhex("d0cf11e0a1b11ae1") + bytes(504)
BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    "<si><t>&lol3;</t></si></sst>"
)


def small_xlsx() -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    workbook.add_worksheet("Sheet1").write_string(0, 0, "x")
    workbook.close()
    return buffer.getvalue()


def repack(data: bytes, edit: Callable[[str, bytes], bytes | None]) -> bytes:
    """Copy a zip, passing each part through `edit` (None drops the part)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            content = edit(info.filename, zin.read(info))
            if content is not None:
                zout.writestr(info, content)
    return out.getvalue()


def patch_central_directory(data: bytes, name: str, offset: int, value: int, fmt: str) -> bytes:
    """Overwrite one field of `name`'s central-directory entry (a lying zip header)."""
    buffer = bytearray(data)
    pos = buffer.find(b"PK\x01\x02")
    while pos >= 0:
        length = struct.unpack_from("<H", buffer, pos + 28)[0]
        if buffer[pos + 46 : pos + 46 + length] == name.encode():
            struct.pack_into(fmt, buffer, pos + offset, value)
            return bytes(buffer)
        pos = buffer.find(b"PK\x01\x02", pos + 4)
    raise AssertionError(f"{name} not in the zip")


def rejection(name: str, data: bytes) -> tuple[str, str]:
    with pytest.raises(SubmissionError) as caught:
        preflight.check_bytes(name, data)
    return caught.value.code, caught.value.detail


def test_a_plain_xlsx_passes() -> None:
    preflight.check_bytes("ok.xlsx", small_xlsx())


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("empty.xlsx", b"", "file-empty"),
        ("old.xls", OLE_HEADER, "file-legacy-xls"),
        ("renamed.xlsx", OLE_HEADER, "file-legacy-xls"),
        ("book.et", OLE_HEADER, "file-wps-et"),
        ("page.xlsx", b"<html><body><table><tr><td>1</td></tr></table></body></html>", "file-html"),
        ("page.xlsx", b"\xef\xbb\xbf  <?xml version='1.0'?><Workbook/>", "file-html"),
        ("data.xlsx", "region,name\n371102,\u5f20\u4e09\n".encode(), "file-csv"),
        ("data.xlsx", "region,name\n371102,\u5f20\u4e09\n".encode("gb18030"), "file-csv"),
        ("data.xlsx", "\ufeffa\tb\r\n".encode("utf-16-le"), "file-csv"),
        ("data.xlsx", bytes([0x00, 0x05, 0x16, 0x07]) + bytes(60), "file-not-xlsx"),
    ],
    ids=[
        "zero-bytes",
        "ole-xls",
        "ole-renamed-xlsx",
        "ole-et",
        "html",
        "xml-2003",
        "csv-utf8",
        "csv-gb18030",
        "unicode-text",
        "binary",
    ],
)
def test_magic_bytes(name: str, data: bytes, code: str) -> None:
    assert rejection(name, data)[0] == code


def test_lock_file_is_rejected_by_name(tmp_path: Path) -> None:
    lock = tmp_path / "~$report.xlsx"
    lock.write_bytes(b"\x08clerk" + bytes(150))
    with pytest.raises(SubmissionError) as caught:
        preflight.load_checked(lock)
    assert caught.value.code == "file-lock"


def test_encrypted_xlsx() -> None:
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(small_xlsx())).encrypt("secret", out)
    assert rejection("locked.xlsx", out.getvalue())[0] == "file-encrypted"


def test_encrypted_xlsx_without_msoffcrypto(monkeypatch: pytest.MonkeyPatch) -> None:
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(small_xlsx())).encrypt("secret", out)
    monkeypatch.setitem(sys.modules, "msoffcrypto", None)  # import now raises ImportError
    assert rejection("locked.xlsx", out.getvalue())[0] == "file-encrypted"


def test_truncated_zip() -> None:
    data = small_xlsx()
    assert rejection("cut.xlsx", data[: len(data) // 2])[0] == "file-corrupt"


def test_zip_without_workbook() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("word/document.xml", "<w:document/>")
    assert rejection("doc.xlsx", out.getvalue())[0] == "file-not-workbook"


def test_strict_ooxml() -> None:
    data = repack(
        small_xlsx(),
        lambda name, content: (
            content.replace(
                b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
                b"http://purl.oclc.org/ooxml/spreadsheetml/main",
            )
            if name == "xl/workbook.xml"
            else content
        ),
    )
    assert rejection("strict.xlsx", data)[0] == "file-strict-ooxml"


def test_declared_size_bomb() -> None:
    bomb = patch_central_directory(small_xlsx(), "xl/worksheets/sheet1.xml", 24, 300 * 2**20, "<I")
    assert rejection("bomb.xlsx", bomb) == ("file-too-large", "300 MB uncompressed")


def test_compression_ratio(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(preflight, "RATIO_FLOOR", 2**20)
    data = repack(
        small_xlsx(),
        lambda name, content: content + b" " * 2**21 if name.endswith("sheet1.xml") else content,
    )
    code, detail = rejection("packed.xlsx", data)
    assert (code, detail.split()[0]) == ("file-too-large", "ratio")


def test_too_many_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(preflight, "MAX_PARTS", 3)
    assert rejection("parts.xlsx", small_xlsx())[0] == "file-too-large"


def test_file_over_the_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(preflight, "MAX_FILE_BYTES", 1000)
    big = tmp_path / "big.xlsx"
    big.write_bytes(small_xlsx())
    with pytest.raises(SubmissionError) as caught:
        preflight.load_checked(big)
    assert caught.value.code == "file-too-large"


def test_encrypted_zip_entry() -> None:
    data = patch_central_directory(small_xlsx(), "xl/workbook.xml", 8, 0x1, "<H")
    assert rejection("zipcrypto.xlsx", data)[0] == "file-encrypted"


def test_billion_laughs_in_shared_strings() -> None:
    data = repack(
        small_xlsx(),
        lambda name, content: (
            BILLION_LAUGHS.encode() if name == "xl/sharedStrings.xml" else content
        ),
    )
    assert rejection("laughs.xlsx", data) == ("file-unsafe-xml", "DOCTYPE")


def test_endless_comment_before_the_root_element() -> None:
    data = repack(
        small_xlsx(),
        lambda name, content: (
            b"<?xml version='1.0'?><!--" + b" " * (2 * 2**20) + b"--><sst/>"
            if name == "xl/sharedStrings.xml"
            else content
        ),
    )
    assert rejection("comment.xlsx", data) == ("file-unsafe-xml", "prolog")


def test_unreadable_path_names_the_exception_class(tmp_path: Path) -> None:
    folder = tmp_path / "folder.xlsx"
    folder.mkdir()
    with pytest.raises(SubmissionError) as caught:
        preflight.load_checked(folder)
    assert (caught.value.code, caught.value.detail) == ("file-unreadable", "IsADirectoryError")


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("a.xlsx", None),
        ("A.XLSX", None),
        ("~$a.xlsx", "file-lock"),
        ("a.xls", "file-legacy-xls"),
        ("a.et", "file-wps-et"),
        ("a.csv", "file-csv"),
        ("a.html", "file-html"),
        ("a.xlsm", "file-not-xlsx"),
        ("a.pdf", "file-not-xlsx"),
    ],
)
def test_name_code(name: str, code: str | None) -> None:
    assert preflight.name_code(Path(name)) == code


# --- the sheet scan -------------------------------------------------------------------------

SHEET_NS = 'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def scan(xml: str, first_row: int = 2, width: int = 3) -> sheetscan.SheetScan:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("s.xml", xml)
    with zipfile.ZipFile(out) as zf:
        return sheetscan.scan_sheet(zf, "s.xml", first_row, width)


def test_scan_finds_formulas_errors_merges_and_protection() -> None:
    result = scan(
        f"<x:worksheet {SHEET_NS}><x:sheetData>"
        '<x:row r="2"><x:c r="A2"><x:f>B2&amp;"x"</x:f><x:v>1</x:v></x:c>'
        '<x:c r="B2" t="e"><x:v>#N/A</x:v></x:c>'
        '<x:c r="D2"><x:f>1+1</x:f><x:v>2</x:v></x:c></x:row>'
        '<x:row r="5"><x:c r="C5" t="e"><x:v>#DIV/0!</x:v></x:c></x:row>'
        "</x:sheetData>"
        '<x:sheetProtection sheet="1"/><x:mergeCells><x:mergeCell ref="A3:B4"/></x:mergeCells>'
        "</x:worksheet>"
    )
    assert result.cells == {
        (2, 0): FormulaValue('B2&"x"'),
        (2, 1): ErrorValue("#N/A"),
        (5, 2): ErrorValue("#DIV/0!"),
    }
    assert (result.max_row, result.max_col, result.protected) == (5, 3, True)
    assert [(m.ref, m.first_row, m.first_col, m.last_row) for m in result.merges] == [
        ("A3:B4", 3, 0, 4)
    ]


def test_scan_follows_cells_without_references() -> None:
    xml = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        '<row><c><v>1</v></c></row><row><c><v>1</v></c><c t="e"><v>#REF!</v></c></row>'
        "</sheetData></worksheet>"
    )
    result = scan(xml)
    assert (result.cells, result.max_row, result.max_col, result.protected) == (
        {(2, 1): ErrorValue("#REF!")},
        2,
        1,
        False,
    )


def test_scan_gives_shared_formula_children_the_master_text() -> None:
    xml = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        '<row r="1"><c r="A1"><f t="shared" ref="A1:A3" si="0">B1*2</f><v>0</v></c></row>'
        '<row r="2"><c r="A2"><f t="shared" si="0"/><v>0</v></c></row>'
        '<row r="3"><c r="A3"><f t="shared" si="0"/><v>0</v></c></row>'
        "</sheetData></worksheet>"
    )
    assert scan(xml).cells == {(2, 0): FormulaValue("B1*2"), (3, 0): FormulaValue("B1*2")}


@pytest.mark.parametrize("ref", ["a1", "A", "A1B", "ABCD1", "A\u00b2"])
def test_scan_rejects_damaged_cell_references(ref: str) -> None:
    xml = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        f'<row r="1"><c r="{ref}"><v>1</v></c></row></sheetData></worksheet>'
    )
    with pytest.raises(SubmissionError) as caught:
        scan(xml)
    assert (caught.value.code, caught.value.detail) == ("file-unreadable", "cell reference")


@pytest.mark.parametrize(
    ("row", "col", "ref"), [(1, 0, "A1"), (9, 25, "Z9"), (3, 701, "ZZ3"), (7, 16383, "XFD7")]
)
def test_cell_ref(row: int, col: int, ref: str) -> None:
    assert sheetscan.cell_ref(row, col) == ref
