"""The report workbooks print like the template, as LibreOffice renders them to PDF: A4
landscape, one page wide, the column numbers and headers on every page, "第 N 页 共 M 页",
and consolidated.xlsx's 附件1 title and 填报单位名称(公章) / 负责人(签字) line to sign."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from helpers_ingest import GOOD, PEOPLE
from lohelper import LibreOffice

from titletemplate import sheettexts
from titletemplate.columns import COLUMNS
from titletemplate.errors import Issue, Stage
from titletemplate.reports.errorbook import write_errors
from titletemplate.reports.report import shown, write_consolidated
from titletemplate.vocab import Vocab

pytestmark = pytest.mark.libreoffice
ROWS = 120


def _pages(pdf: Path) -> list[str]:
    """The text of each page (pdftotext, poppler-utils)."""
    args = ["pdfinfo", "-f", "1", "-l", "999", str(pdf)]
    info = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    n = int(next(x for x in info.splitlines() if x.startswith("Pages:")).split()[1])
    sizes = [
        line.split(":", 1)[1].split()
        for line in info.splitlines()
        if line.startswith("Page ") and " size:" in line
    ]
    assert len(sizes) == n and all(s[:3] == ["841.89", "x", "595.304"] for s in sizes), sizes
    return [
        subprocess.run(["pdftotext", "-layout", "-f", str(p), "-l", str(p), str(pdf), "-"],
                       capture_output=True, text=True, check=True).stdout
        for p in range(1, n + 1)
    ]  # fmt: skip


def _rows() -> list[tuple[str, ...]]:
    people = list(PEOPLE.values())
    out = []
    for i in range(ROWS):
        number, name, gender = people[i % len(people)]
        values = GOOD | {"id_number": number, "name": name, "gender": gender}
        values["cert_no"] = f"鲁01202000{i:05d}"
        out.append(tuple(values[c.key] for c in COLUMNS))
    return out


def test_consolidated_prints_one_page_wide_with_its_headers_on_every_page(
    office: LibreOffice, tmp_path: Path, vocab: Vocab
) -> None:
    xlsx, _ = write_consolidated(tmp_path / "c.xlsx", tmp_path / "c.csv", _rows(), vocab,
                                 level=vocab.campaign.bureau)  # fmt: skip
    pages = _pages(office.to_pdf(xlsx, tmp_path / "pdf"))
    assert len(pages) == 2  # 120 rows, every column on each page
    first = pages[0]
    assert "附件 1: 数据梳理格式模板 (职称证书信息)" in first
    assert "填报单位名称 (公章):" in first and vocab.campaign.bureau in first
    assert "负责人 (签字):" in first
    for n, text in enumerate(pages, start=1):
        assert f"第{n}页共{len(pages)}页" in text.replace(" ", "")  # pdftotext drops spaces
        assert "行政区划代码" in text and "评审机构" in text  # every column, on every page
    assert sum(text.count("鲁01202000") for text in pages) == ROWS  # each row printed once


def test_errors_print_one_page_wide_with_the_header_on_every_page(
    office: LibreOffice, tmp_path: Path
) -> None:
    issues = [
        shown(Issue("id-number-checksum", "a.xlsx", "附件1", 8 + i, "id_number",
                    "370102197308291817", stage=Stage.VALIDATE, unit="日照市第一中学",
                    path="/in/a.xlsx"))
        for i in range(ROWS)
    ]  # fmt: skip
    files = []  # the summary sheet then lists the unit from its issues
    xlsx = write_errors(tmp_path / "errors.xlsx", issues, files)
    pages = _pages(office.to_pdf(xlsx, tmp_path / "pdf"))
    assert len(pages) == 4  # the summary, then the unit's 120 issues on three pages
    for text in pages[1:]:
        assert "说明" in text and "校验位错误" in text  # the header row and whole messages
    assert sheettexts.SUMMARY_TOTAL in pages[0]
