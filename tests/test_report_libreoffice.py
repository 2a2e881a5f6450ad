"""consolidated.xlsx and errors.xlsx as written by fastxlsx open in LibreOffice: it loads them
(headless), saves them again as xlsx, and every sheet, value and the text format survive."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from lohelper import LibreOffice
from python_calamine import CalamineWorkbook
from test_report import FILES, ISSUES, _awkward_rows

from titletemplate import sheettexts
from titletemplate.columns import COLUMNS
from titletemplate.reports.errorbook import write_errors
from titletemplate.reports.report import write_consolidated
from titletemplate.vocab import Vocab

pytestmark = pytest.mark.libreoffice


def _values(path: Path) -> dict[str, list[list[object]]]:
    book = CalamineWorkbook.from_path(str(path))
    return {n: book.get_sheet_by_name(n).to_python(skip_empty_area=False) for n in book.sheet_names}


def test_libreoffice_opens_and_resaves_the_consolidated_workbook(
    office: LibreOffice, tmp_path: Path, vocab: Vocab
) -> None:
    rows = _awkward_rows()
    groups = [("904 中小学教师", "中级", 1), ("999 其他", "初级", 1)]
    xlsx, _ = write_consolidated(
        tmp_path / "c.xlsx", tmp_path / "c.csv", rows, vocab, groups=groups, split_by_office=True
    )
    saved = office.recalculate(xlsx, tmp_path / "lo")
    ours, theirs = _values(xlsx), _values(saved)
    assert list(theirs) == ["日照市教育局", sheettexts.UNASSIGNED_SHEET]
    assert theirs == ours
    wb = openpyxl.load_workbook(saved)
    for ws in wb.worksheets:
        # (headless LibreOffice saves no view, so the frozen panes are checked in test_report)
        assert ws["A1"].font.b and ws["A4"].font.b
        assert {c.number_format for r in ws.iter_rows(min_row=5) for c in r if c.value} == {"@"}
        assert [c.value for c in ws[4]] == [c.header for c in COLUMNS]
        assert ws.print_title_rows == "$3:$4"  # the column numbers and the headers


def test_libreoffice_opens_and_resaves_the_errors_workbook(
    office: LibreOffice, tmp_path: Path
) -> None:
    path = write_errors(tmp_path / "errors.xlsx", ISSUES, FILES)
    saved = office.recalculate(path, tmp_path / "lo")
    assert _values(saved) == _values(path)
