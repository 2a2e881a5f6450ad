"""Report writers on literal inputs: sheet names, CSV safety, errors.xlsx and report.json."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from collections.abc import Sequence
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from helpers_ingest import GOOD, TEACHER, sheet_rows
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from titletemplate import sheettexts
from titletemplate.columns import COLUMNS
from titletemplate.errors import Issue, Stage, TemplateError
from titletemplate.reports import report
from titletemplate.reports.errorbook import write_errors
from titletemplate.reports.printing import WidthFit
from titletemplate.reports.report import (
    FileSummary,
    mask_value,
    sheet_name,
    shown,
    totals,
    write_consolidated,
    write_report_json,
)
from titletemplate.vocab import Vocab

LONG_UNIT = "日照市某某某某某某某某某某某某某某某某某某某某某某某某有限责任公司第一分公司"


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["a[b]:c*?/\\d"], ["a_b__c____d"]),
        (["x" * 40], ["x" * 31]),
        (["Unit", "unit", "UNIT"], ["Unit", "unit~2", "UNIT~3"]),
        (["y" * 40, "y" * 35], ["y" * 31, "y" * 29 + "~2"]),
        (["'quoted'", "  "], ["quoted", "_"]),
    ],
    ids=["bad-chars", "too-long", "case-duplicates", "long-duplicates", "quotes-blank"],
)
def test_sheet_names_are_legal_and_unique(names: list[str], expected: list[str]) -> None:
    used: set[str] = set()
    assert [sheet_name(n, used) for n in names] == expected


def test_ids_are_masked_by_position_and_other_text_by_pattern() -> None:
    assert mask_value("D", "370102197308291814") == "370102********1814"
    assert mask_value("E", "370102197308291814 张三") == "370102********1814 张三"
    assert mask_value("J", "20190229") == "20190229"
    assert mask_value("D", "") == ""


TOP_ROWS = [  # as calamine reads the consolidated sheet's top rows
    [sheettexts.TITLE_LINE] + [""] * 11,
    [sheettexts.UNIT_LABEL, "", *[""] * 6, sheettexts.SIGNER_LABEL, "", "", ""],
    [float(n) for n in range(1, 13)],
    [c.header for c in COLUMNS],
]


def _row(**changes: str) -> tuple[str, ...]:
    values = {**GOOD, **changes}
    return tuple(values[c.key] for c in COLUMNS)


def test_consolidated_csv_is_bom_utf8_and_formula_safe(tmp_path: Path, vocab: Vocab) -> None:
    rows = [_row(name="=1+2"), _row(cert_no="-12", issuer="@SUM(A1)", review_body="\tx")]
    xlsx, csv_path = write_consolidated(tmp_path / "c.xlsx", tmp_path / "c.csv", rows, vocab)
    raw = csv_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf" + "行政区划代码,证书编号".encode())
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[1].split(",")[4] == "'=1+2"
    assert lines[2].split(",")[1] == "'-12"
    assert lines[2].split(",")[10:] == ["'@SUM(A1)", "'\tx"]
    book = sheet_rows(xlsx)
    assert book[0][0] == "附件 1: 数据梳理格式模板 (职称证书信息)"
    assert (book[4][4], book[5][1]) == ("=1+2", "-12")


def test_split_sheets_follow_routing_order_with_unassigned_last(
    tmp_path: Path, vocab: Vocab
) -> None:
    rows = [_row(), _row(**TEACHER, cert_no="T1"), _row(series="999 其他", cert_no="X")]
    groups = [
        ("012 技工学校教师", "正高级", 1),
        ("904 中小学教师", "中级", 1),
        ("999 其他", "正高级", 1),
    ]
    xlsx, _ = write_consolidated(
        tmp_path / "c.xlsx", tmp_path / "c.csv", rows, vocab, groups=groups, split_by_office=True
    )
    wb = openpyxl.load_workbook(xlsx, read_only=True)
    assert wb.sheetnames == ["日照市教育局", "未分配"]
    assert [r[1] for r in wb["未分配"].iter_rows(min_row=5, values_only=True)] == [
        "鲁0120200000001",
        "X",
    ]
    wb.close()


# Values a writer must escape or keep as text; a row of them per column position.
AWKWARD = [
    "A&B", "<tag>", 'say "hi"', "it's", "=1+2", "+86", "-12", "@SUM(A1)", "日照 市", " lead",
    "trail ", "_x0041_", "a\x01b", "", "鲁&lt;01", "]]>", "全角\u3000", "\u4e00" * 300,
]  # fmt: skip


def _awkward_rows() -> list[tuple[str, ...]]:
    rows = [_row(), _row(**TEACHER, cert_no="T1")]
    for k in range(len(AWKWARD)):
        values = [AWKWARD[(k + i) % len(AWKWARD)] for i in range(len(COLUMNS))]
        values[6], values[7] = ("904 中小学教师", "中级") if k % 2 else ("999 其他", "初级")
        rows.append(tuple(values))
    return rows


def _calamine(path: Path) -> dict[str, list[list[object]]]:
    book = CalamineWorkbook.from_path(str(path))
    return {n: book.get_sheet_by_name(n).to_python(skip_empty_area=False) for n in book.sheet_names}


def test_consolidated_reads_back_the_same_in_openpyxl_and_calamine(
    tmp_path: Path, vocab: Vocab
) -> None:
    rows = _awkward_rows()
    xlsx, _ = write_consolidated(tmp_path / "c.xlsx", tmp_path / "c.csv", rows, vocab)
    headers = [c.header for c in COLUMNS]
    wb = openpyxl.load_workbook(xlsx)
    assert wb.sheetnames == [sheettexts.DATA_SHEET_NAME]
    ws = wb.active
    assert ws.freeze_panes == "A5"
    assert ws["A1"].value == sheettexts.TITLE_LINE and ws["A1"].font.b
    assert [c.value for c in ws[4]] == headers and all(c.font.b for c in ws[4])
    widths = {}  # equal neighbours share one <col> element, as xlsxwriter writes them
    for dim in ws.column_dimensions.values():
        widths |= dict.fromkeys(range(dim.min, dim.max + 1), dim.width)
    # Fitted to the text: the awkward rows reach the cap of 60 characters but in G and H
    # (series, level) (xlsxwriter's width: whole pixels of Calibri 11 plus padding).
    fitted = {i: 60.0 for i in range(1, 13)} | {7: 18.0, 8: 10.0}
    assert widths == {i: pytest.approx(w + 5 / 7, abs=0.01) for i, w in fitted.items()}
    data = list(ws.iter_rows(min_row=5))
    assert len(data) == len(rows)
    for cells, want in zip(data, rows, strict=True):
        # openpyxl does not decode Excel's _xHHHH_ escapes of control characters
        assert [c.value for c in cells] == [
            None if v == "" else v.replace("\x01", "_x0001_").replace("_x0041_", "_x005F_x0041_")
            for v in want
        ]
        assert {c.number_format for c in cells if c.value is not None} == {"@"}
        assert {c.data_type for c in cells if c.value is not None} == {"s"}  # "=1+2" is text
    assert _calamine(xlsx) == {
        sheettexts.DATA_SHEET_NAME: [
            *TOP_ROWS,
            *([*r] for r in rows),
        ]
    }


def test_split_consolidated_reads_back_per_office_in_calamine(tmp_path: Path, vocab: Vocab) -> None:
    rows = _awkward_rows()
    groups = [("012 技工学校教师", "正高级", 1), ("904 中小学教师", "中级", 5)]  # no 999: late
    xlsx, _ = write_consolidated(
        tmp_path / "c.xlsx", tmp_path / "c.csv", rows, vocab, groups=groups, split_by_office=True
    )
    sheets = _calamine(xlsx)
    assert list(sheets) == ["日照市教育局", sheettexts.UNASSIGNED_SHEET]
    teachers = [list(r) for r in rows if r[6] == "904 中小学教师"]
    assert sheets["日照市教育局"][4:] == teachers
    assert sheets[sheettexts.UNASSIGNED_SHEET][4:] == [
        list(r) for r in rows if list(r) not in teachers
    ]
    for sheet in sheets.values():
        assert sheet[3] == [c.header for c in COLUMNS]


def test_split_consolidated_without_rows_has_the_empty_data_sheet(
    tmp_path: Path, vocab: Vocab
) -> None:
    xlsx, _ = write_consolidated(
        tmp_path / "c.xlsx", tmp_path / "c.csv", [], vocab, split_by_office=True
    )
    assert _calamine(xlsx) == {sheettexts.DATA_SHEET_NAME: TOP_ROWS}


def test_consolidated_bytes_are_the_same_for_the_same_rows(tmp_path: Path, vocab: Vocab) -> None:
    written = []
    for name in ("a", "b"):
        xlsx, _ = write_consolidated(
            tmp_path / f"{name}.xlsx", tmp_path / f"{name}.csv", _awkward_rows(), vocab,
            groups=[("904 中小学教师", "中级", 1)], split_by_office=True,
        )  # fmt: skip
        written.append(xlsx.read_bytes())
    assert written[0] == written[1]


def _xlsxwriter_consolidated(sheets: dict[str, Sequence[tuple[str, ...]]]) -> bytes:
    """The consolidated workbook as report.py wrote it with xlsxwriter before fastxlsx."""
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"constant_memory": True, "strings_to_numbers": False})
    wb.set_properties({"created": dt.datetime(2021, 1, 1)})
    bold, text = wb.add_format({"bold": True}), wb.add_format({"num_format": "@"})
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name)
        # The column widths fitted to the header and the first rows (printing.WidthFit).
        fit = WidthFit(len(COLUMNS), [c.width for c in COLUMNS])
        for values in [[c.header for c in COLUMNS], *rows]:
            fit.add(values)
        for i, width in enumerate(fit.widths):
            ws.set_column(i, i, width, text)
        ws.set_paper(9)
        ws.set_landscape()
        ws.fit_to_pages(1, 0)
        ws.center_horizontally()
        ws.repeat_rows(2, 3)
        ws.set_footer(sheettexts.FOOTER)
        ws.merge_range(0, 0, 0, len(COLUMNS) - 1, sheettexts.TITLE_LINE, bold)
        ws.write_string(1, 0, sheettexts.UNIT_LABEL, bold)
        ws.write_string(1, 8, sheettexts.SIGNER_LABEL, bold)
        for i in range(len(COLUMNS)):
            ws.write_number(2, i, i + 1, bold)
        for i, c in enumerate(COLUMNS):
            ws.write_string(3, i, c.header, bold)
        ws.freeze_panes(4, 0)
        for r, values in enumerate(rows, start=4):
            for i, v in enumerate(values):
                if v:
                    assert ws.write_string(r, i, v, text) == 0
    wb.close()
    return buf.getvalue()


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


@pytest.mark.parametrize("split", [False, True])
def test_consolidated_is_what_xlsxwriter_wrote_part_for_part(
    tmp_path: Path, vocab: Vocab, split: bool
) -> None:
    rows = _awkward_rows()
    xlsx, _ = write_consolidated(
        tmp_path / "c.xlsx", tmp_path / "c.csv", rows, vocab, split_by_office=split,
        groups=[("904 中小学教师", "中级", 1), ("999 其他", "初级", 1)],
    )  # fmt: skip
    if split:
        teachers = [r for r in rows if r[6] == "904 中小学教师"]
        others = [r for r in rows if r not in teachers]
        expected = {"日照市教育局": teachers, sheettexts.UNASSIGNED_SHEET: others}
    else:
        expected = {sheettexts.DATA_SHEET_NAME: rows}
    assert _parts(xlsx.read_bytes()) == _parts(_xlsxwriter_consolidated(expected))


def _csv_reference(rows: Sequence[tuple[str, ...]]) -> str:
    """consolidated.csv as csv.writer writes it, formula-like cells prefixed with '."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c.header for c in COLUMNS])
    for values in rows:
        writer.writerow(
            [("'" + v) if v[:1] in ("=", "+", "-", "@", "\t", "\r") else v for v in values]
        )
    return out.getvalue()


@pytest.mark.parametrize("split", [False, True], ids=["one-sheet", "split"])
def test_rows_written_in_blocks_are_what_xlsxwriter_and_csv_writer_write(
    tmp_path: Path, vocab: Vocab, monkeypatch: pytest.MonkeyPatch, split: bool
) -> None:
    monkeypatch.setattr(report, "_BLOCK_ROWS", 3)  # blocks of plain rows, awkward ones, mixed
    plain = [_row(cert_no=f"C{i}") for i in range(7)]
    teachers = [_row(**TEACHER, cert_no=f"T{i}") for i in range(5)]
    rows = [*plain[:4], *teachers[:2], *plain[4:], *_awkward_rows(), *teachers[2:]]
    xlsx, csv_path = write_consolidated(
        tmp_path / "c.xlsx", tmp_path / "c.csv", rows, vocab, split_by_office=split,
        groups=[("904 中小学教师", "中级", 1), ("999 其他", "初级", 1)],
    )  # fmt: skip
    assert csv_path.read_bytes().decode("utf-8-sig") == _csv_reference(rows)
    if split:
        by_office = [r for r in rows if r[6] == "904 中小学教师"]
        others = [r for r in rows if r not in by_office]
        expected = {"日照市教育局": by_office, sheettexts.UNASSIGNED_SHEET: others}
    else:
        expected = {sheettexts.DATA_SHEET_NAME: rows}
    assert _parts(xlsx.read_bytes()) == _parts(_xlsxwriter_consolidated(expected))


_CELL = st.text(st.sampled_from("ab日,\"=+-@\t\r\n\x00' _<&"), max_size=4)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.tuples(*[_CELL] * len(COLUMNS)), max_size=6))
def test_any_rows_give_the_csv_that_csv_writer_gives(
    tmp_path: Path, vocab: Vocab, rows: list[tuple[str, ...]]
) -> None:
    report._BLOCK_ROWS, saved = 2, report._BLOCK_ROWS
    try:
        _, csv_path = write_consolidated(tmp_path / "c.xlsx", tmp_path / "c.csv", rows, vocab)
    finally:
        report._BLOCK_ROWS = saved
    assert csv_path.read_bytes().decode("utf-8-sig") == _csv_reference(rows)


def test_a_value_starting_with_rich_text_tags_is_escaped_unlike_xlsxwriter(
    tmp_path: Path, vocab: Vocab
) -> None:
    # xlsxwriter writes a string that starts with "<r>" and ends with "</r>" as raw rich-text
    # XML (invalid XML for this value); fastxlsx escapes it like any other text.
    rows = [_row(name="<r>a & b</r>")]
    xlsx, _ = write_consolidated(tmp_path / "c.xlsx", tmp_path / "c.csv", rows, vocab)
    assert _calamine(xlsx)[sheettexts.DATA_SHEET_NAME][4][4] == "<r>a & b</r>"


def test_an_overlong_value_stops_the_write_and_leaves_no_file(tmp_path: Path, vocab: Vocab) -> None:
    rows = [_row(), _row(issuer="x" * 32_768)]
    with pytest.raises(TemplateError, match=r"xlsx-write-failed: 附件1!K6: string too long"):
        write_consolidated(tmp_path / "c.xlsx", tmp_path / "c.csv", rows, vocab)
    assert list(tmp_path.iterdir()) == []


def _file(path: str, unit: str, **counts: int) -> FileSummary:
    base = {"rows": 0, "valid_rows": 0, "invalid_rows": 0, "duplicate_rows": 0, "excluded_rows": 0}
    base |= {"withdrawn_rows": 0, "outdated_rows": 0}
    base |= counts
    status = "rejected" if not unit else "accepted"
    return FileSummary(path=path, status=status, code="", unit=unit, template_id="", **base)  # type: ignore[typeddict-item]


FILES = [
    _file("/in/a.xlsx", LONG_UNIT, rows=3, valid_rows=1, invalid_rows=1, duplicate_rows=1),
    _file("/in/b.xlsx", "日照市教育局", rows=1, excluded_rows=1),
    _file("/in/c.xls", ""),
]
ISSUES = [
    shown(Issue("file-legacy-xls", "c.xls", path="/in/c.xls")),
    shown(
        Issue(
            "id-number-checksum",
            "a.xlsx",
            "附件1",
            9,
            "id_number",
            "370102197308291817",
            stage=Stage.VALIDATE,
            unit=LONG_UNIT,
            path="/in/a.xlsx",
        )
    ),
    shown(
        Issue(
            "already-e-certified",
            "b.xlsx",
            "附件1",
            8,
            "cert_no",
            "鲁01",
            stage=Stage.DEDUPE,
            unit="日照市教育局",
            path="/in/b.xlsx",
        )
    ),
]


def test_errors_workbook_has_a_summary_then_a_sheet_per_unit(tmp_path: Path) -> None:
    path = write_errors(tmp_path / "errors.xlsx", ISSUES, FILES)
    wb = openpyxl.load_workbook(path, read_only=True)
    assert wb.sheetnames == ["汇总", "未识别单位", LONG_UNIT[:31], "日照市教育局"]
    summary = [r for r in wb["汇总"].iter_rows(values_only=True)]
    assert summary[:5] == [
        ("单位", "文件数", "行数", "有效", "有误", "重复", "排除", "问题数"),
        (LONG_UNIT, 1, 3, 1, 1, 1, 0, 1),
        ("日照市教育局", 1, 1, 0, 0, 0, 1, 1),
        ("未识别单位", 1, 0, 0, 0, 0, 0, 1),
        ("合计", 3, 4, 1, 1, 1, 1, 3),
    ]
    assert [r[:3] for r in summary[6:]] == [
        ("代码", "级别", "数量"),
        ("already-e-certified", "信息", 1),
        ("file-legacy-xls", "错误", 1),
        ("id-number-checksum", "错误", 1),
    ]
    unit_rows = list(wb[LONG_UNIT[:31]].iter_rows(values_only=True))
    assert unit_rows == [
        ("单位", "文件", "工作表", "行号", "列", "列名", "内容", "代码", "级别", "说明"),
        (LONG_UNIT, "a.xlsx", "附件1", 9, "D", "证件号码", "370102********1817",
         "id-number-checksum", "错误",
         "第 9 行 证件号码(D 列)“370102********1817”校验位错误,请核对号码。"),
    ]  # fmt: skip
    wb.close()


def test_report_json_is_exactly_the_documented_document(tmp_path: Path) -> None:
    total = totals(FILES)
    path = write_report_json(tmp_path / "report.json", FILES, ISSUES[1:2], total, ["X"])
    assert json.loads(path.read_text("utf-8")) == {
        "files": [dict(f) for f in FILES],
        "issues": [
            {
                "code": "id-number-checksum",
                "severity": "error",
                "file": "/in/a.xlsx",
                "sheet": "附件1",
                "row": 9,
                "column": "D",
                "message": "第 9 行 证件号码(D 列)“370102********1817”校验位错误,请核对号码。",
            }
        ],
        "totals": {
            "files": 3,
            "accepted_files": 2,
            "rejected_files": 1,
            "ignored_files": 0,
            "rows": 4,
            "valid_rows": 1,
            "invalid_rows": 1,
            "duplicate_rows": 1,
            "excluded_rows": 1,
            "withdrawn_rows": 0,
            "outdated_rows": 0,
        },
        "missing_units": ["X"],
    }
