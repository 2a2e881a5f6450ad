"""The titles sheet (the notice's sheet2, 职称名称): contents from titles.yaml, locked, printed
like the data sheet, and passed over by the reader unless a data sheet was copied under its name."""

from __future__ import annotations

import io
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from helpers_ingest import ROWS, SCHOOL, fill_bytes, row, template_bytes
from lohelper import LibreOffice
from openpyxl.utils.protection import hash_password

from titletemplate import sheettexts
from titletemplate.columns import COLUMNS, DATA_SHEET, FIRST_DATA_ROW
from titletemplate.errors import SubmissionError
from titletemplate.fingerprint import identity_from_rows
from titletemplate.ingest.reader import read_submission
from titletemplate.keys import sheet_password
from titletemplate.vocab import Vocab

HEADERS = ("职称系列", "职称级别", "职称名称", "可接受的旧称或其他写法")


@pytest.fixture(scope="module")
def template(vocab: Vocab, private_key: Ed25519PrivateKey) -> bytes:
    return template_bytes(vocab, private_key, SCHOOL)


@pytest.fixture(scope="module")
def book(template: bytes) -> Iterator[Any]:
    workbook = openpyxl.load_workbook(io.BytesIO(template))
    yield workbook
    workbook.close()


@pytest.fixture(scope="module")
def sheet(book: Any) -> Any:
    return book["职称名称"]


def _values(sheet: Any) -> list[tuple[object, ...]]:
    return [tuple(r) for r in sheet.iter_rows(values_only=True)]


def test_it_is_the_second_sheet_visible_as_the_instructions_say(book: Any) -> None:
    assert [(ws.title, ws.sheet_state) for ws in book.worksheets] == [
        ("附件1", "visible"),
        ("职称名称", "visible"),
        ("_vocab", "veryHidden"),
        ("_checksum", "veryHidden"),
    ]
    assert "5. 职称名称: 请按照sheet2职称名称中所列内容规范填写。" in sheettexts.INSTRUCTIONS
    assert book.active.title == "附件1"


def test_it_lists_titles_by_series_and_level_with_old_names(sheet: Any) -> None:
    values = _values(sheet)
    assert values[0][0] == "职称名称表 (填写附件1第9列“职称名称”时, 请按本表所列内容规范填写)"
    assert values[1] == HEADERS
    assert values[2:6] == [
        ("012 技工学校教师", "正高级", "正高级讲师", None),
        ("012 技工学校教师", "正高级", "正高级实习指导教师", "技工学校教师-正高级 实习指导教师"),
        ("012 技工学校教师", "副高级", "高级讲师", None),
        ("012 技工学校教师", "副高级", "高级实习指导教师", None),
    ]
    assert ("012 技工学校教师", "初级", "教员", "旧名称, 老证书上的可照填") in values


def test_it_lists_every_title_of_the_vocabulary_once(sheet: Any, vocab: Vocab) -> None:
    codes = {s.name: s.code for s in vocab.series}
    expected = [(f"{codes[t.series]} {t.series}", t.level, t.name) for t in vocab.titles]
    listed = [v[:3] for v in _values(sheet)[2:]]
    assert sorted(listed) == sorted(expected)
    assert len(listed) == len(vocab.titles) > 250


def test_it_is_locked_with_the_template_password(
    sheet: Any, book: Any, private_key: Ed25519PrivateKey
) -> None:
    identity = identity_from_rows(list(book["_checksum"].iter_rows(values_only=True)))
    assert identity is not None
    password = sheet_password(private_key, identity.template_id)
    assert sheet.protection.sheet and sheet.protection.password == hash_password(password)
    assert all(c.protection.locked for r in sheet.iter_rows() for c in r)
    # Locked cells stay selectable: a clerk may copy a name from here.
    assert not sheet.protection.selectLockedCells


def test_it_prints_a4_portrait_with_the_headers_on_every_page(sheet: Any, vocab: Vocab) -> None:
    assert sheet.freeze_panes == "A3"
    assert (sheet.page_setup.orientation, int(sheet.page_setup.paperSize)) == ("portrait", 9)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert (sheet.page_setup.fitToWidth or 1, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.print_title_rows == "$1:$2"
    assert sheet.print_area == f"'职称名称'!$A$1:$D${len(vocab.titles) + 2}"
    assert sheet.oddFooter.center.text == "第 &P 页 共 &N 页"


def test_the_reader_passes_it_over(
    template: bytes, vocab: Vocab, public_key: Ed25519PublicKey, tmp_path: Path
) -> None:
    path = fill_bytes(template, tmp_path / "returned.xlsx", [row("li", 1)])
    submission = read_submission(path, vocab, public_key)
    assert [r.excel_row for r in submission.rows] == [FIRST_DATA_ROW]
    assert submission.issues == ()


def test_a_data_sheet_copied_under_its_name_is_still_caught(
    template: bytes, vocab: Vocab, public_key: Ed25519PublicKey, tmp_path: Path
) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(template))
    del wb["职称名称"]
    copy = wb.copy_worksheet(wb[DATA_SHEET])
    copy.title = "职称名称"
    for c in COLUMNS:
        copy.cell(FIRST_DATA_ROW, c.index + 1).value = row("wang", 2)[c.key]
    path = tmp_path / "copied.xlsx"
    wb.save(path)
    wb.close()
    with pytest.raises(SubmissionError) as caught:
        read_submission(path, vocab, public_key)
    assert (caught.value.code, caught.value.detail) == ("data-sheet-copied", "职称名称")


@pytest.mark.libreoffice
def test_libreoffice_prints_it_after_the_data_sheet(
    vocab: Vocab, private_key: Ed25519PrivateKey, office: LibreOffice, tmp_path: Path
) -> None:
    source = tmp_path / "in" / "template.xlsx"
    source.parent.mkdir()
    source.write_bytes(template_bytes(vocab, private_key, SCHOOL, rows=ROWS))
    pdf = office.to_pdf(source, tmp_path / "out")

    def pdftotext(page: int) -> str:
        cmd = ["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"]
        return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout

    info = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", "99", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    sizes = [line.split("size:")[1].split("pts")[0].split() for line in info.splitlines()
             if line.startswith("Page") and "size:" in line]  # fmt: skip
    portrait = [i + 1 for i, (w, _, h) in enumerate(sizes) if float(w) < float(h)]
    assert portrait and portrait == list(range(portrait[0], len(sizes) + 1))
    assert len(portrait) >= 3
    for page in portrait:  # the header rows repeat on every page of the titles sheet
        text = pdftotext(page)
        assert all(h in text for h in HEADERS), text[:200]
        assert f"第{page}页共{len(sizes)}页" in text.replace(" ", "")
