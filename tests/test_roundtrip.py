"""vocab -> template -> filled (by clerks with openpyxl, and by the library) -> ingest ->
reports -> correction workbook -> fixed -> ingested again."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import openpyxl
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from helpers_ingest import (
    ENGINEER,
    PEOPLE,
    SCHOOL,
    TEACHER,
    counts,
    fill,
    fill_bytes,
    issues,
    row,
    run,
    sheet_rows,
    xlsx_text,
)

from titletemplate.batch import IngestResult
from titletemplate.columns import COLUMNS
from titletemplate.template.build import build_template
from titletemplate.vocab import Vocab

WRONG_CHECK_DIGIT = "371102198506120027"
CLERK_ROWS = [
    row("li", 1),  # 8: fine
    row("wang", 2, id_number=WRONG_CHECK_DIGIT),  # 9
    row("zhao", 3, id_number=3.71121197903040040e17),  # 10: typed as a number
    row("sun", 4, issue_date="2019-02-29"),  # 11: no such day
    row("zhou", 5, **{**TEACHER, "title_name": ENGINEER["title_name"]}),  # 12: foreign title
    row("wu", 6, name="吴\u3000磊 "),  # 13: full-width space, trailing space: fine
    row("li", 1),  # 14: row 8 again
]
EXPECTED_ISSUES = [
    ("id-number-checksum", 9, "D"),
    ("id-number-precision-lost", 10, "D"),
    ("issue-date-converted", 11, "J"),
    ("issue-date-invalid", 11, "J"),
    ("title-not-in-series", 12, "I"),
    ("duplicate-certificate", 14, "B"),
]


@pytest.fixture(scope="module")
def clerk_run(
    tmp_path_factory: pytest.TempPathFactory,
    vocab: Vocab,
    private_key: Ed25519PrivateKey,
    public_key: Ed25519PublicKey,
) -> tuple[Path, IngestResult]:
    root = tmp_path_factory.mktemp("roundtrip")
    fill(vocab, private_key, SCHOOL, root / "in" / "school.xlsx", CLERK_ROWS)
    return root, run([root / "in"], root / "out", vocab, public_key, private_key)


def test_clerk_filled_file_gives_literal_issues(clerk_run: tuple[Path, IngestResult]) -> None:
    _, result = clerk_run
    assert issues(result) == EXPECTED_ISSUES
    assert counts(result) == [("school.xlsx", "accepted", 7, 2, 4, 1, 0)]
    assert result.exit_code == 1


def test_consolidated_rows_are_the_valid_ones_as_text(clerk_run: tuple[Path, IngestResult]) -> None:
    _, result = clerk_run
    rows = sheet_rows(result.consolidated_xlsx)
    assert rows[3] == tuple(c.header for c in COLUMNS)
    assert [(r[3], r[4]) for r in rows[4:]] == [
        ("371102198506120034", "李四"),
        ("371102199202020071", "吴磊"),
    ]


def test_report_json_has_the_documented_shape(clerk_run: tuple[Path, IngestResult]) -> None:
    _, result = clerk_run
    data = json.loads(result.report_json.read_text("utf-8"))
    assert list(data) == ["files", "issues", "totals", "missing_units", "campaign"]
    assert list(data["files"][0]) == [
        "path", "status", "code", "unit", "template_id",
        "rows", "valid_rows", "invalid_rows", "duplicate_rows", "excluded_rows",
        "withdrawn_rows", "outdated_rows",
    ]  # fmt: skip
    assert list(data["issues"][0]) == [
        "code",
        "severity",
        "file",
        "sheet",
        "row",
        "column",
        "message",
    ]
    assert data["issues"][0] == {
        "code": "id-number-checksum",
        "severity": "error",
        "file": data["files"][0]["path"],
        "sheet": "附件1",
        "row": 9,
        "column": "D",
        "message": "第 9 行 证件号码(D 列)“371102********0027”校验位错误,请核对号码。",
    }
    assert data["totals"] == {
        "files": 1, "accepted_files": 1, "rejected_files": 0, "ignored_files": 0, "rows": 7,
        "valid_rows": 2, "invalid_rows": 4, "duplicate_rows": 1, "excluded_rows": 0,
        "withdrawn_rows": 0, "outdated_rows": 0,
    }  # fmt: skip
    assert SCHOOL not in data["missing_units"] and "日照市教育局" in data["missing_units"]
    # The whole campaign after this run: its totals, and every error still open (here the
    # file's own four invalid rows, one error each).
    campaign = data["campaign"]
    assert {k: campaign["totals"][k] for k in ("rows", "valid_rows", "invalid_rows")} == {
        "rows": 7, "valid_rows": 2, "invalid_rows": 4,
    }  # fmt: skip
    assert [(i["code"], i["row"]) for i in campaign["open_issues"]] == [
        (i["code"], i["row"]) for i in data["issues"] if i["severity"] == "error"
    ]


def test_raw_ids_appear_in_no_report(clerk_run: tuple[Path, IngestResult]) -> None:
    _, result = clerk_run
    raw = [p[0] for p in PEOPLE.values()] + [WRONG_CHECK_DIGIT]
    texts = {
        "report.json": result.report_json.read_text("utf-8"),
        "errors.xlsx": xlsx_text(result.errors_xlsx),
        "messages": "\n".join(result.message(i) + i.value for i in result.issues),
    }
    leaks = [(name, i) for name, text in texts.items() for i in raw if i in text]
    assert leaks == []


def test_correction_workbook_prefills_the_invalid_rows_and_marks_cells(
    clerk_run: tuple[Path, IngestResult],
) -> None:
    _, result = clerk_run
    assert [p.name for p in result.corrections] == [f"{SCHOOL}.xlsx"]
    wb = openpyxl.load_workbook(result.corrections[0])
    ws = wb["附件1"]
    assert ws["B2"].value == SCHOOL
    assert [(ws.cell(r, 4).value, ws.cell(r, 5).value) for r in range(8, 13)] == [
        (WRONG_CHECK_DIGIT, "王芳"),
        ("3.71121197903040E+17", "赵敏"),
        (PEOPLE["sun"][0], "孙强"),
        (PEOPLE["zhou"][0], "周静"),
        (None, None),
    ]
    assert ws["J10"].value == "20190229"
    comments = {c.coordinate: c.comment.text for r in ws["A8:L12"] for c in r if c.comment}
    assert comments == {
        "D8": "第 8 行 证件号码(D 列)“371102********0027”校验位错误,请核对号码。",
        "D9": "第 9 行 证件号码(D 列)被 Excel 存成了数字,后几位已丢失,无法恢复。"
        "请将该列设为文本后重新填写。",
        "J10": "第 10 行 发证日期(J 列)“2019-02-29”已转换为 20190229,请以后按 20210101 格式填写。\n"
        "第 10 行 发证日期(J 列)“20190229”不是真实存在的日期。",
        "I11": "第 11 行 职称名称(I 列)“工程师”不属于所选的职称系列和级别"
        "(904 中小学教师 中级),请重新选择。",
    }
    wb.close()


def test_a_fixed_correction_workbook_is_accepted(
    clerk_run: tuple[Path, IngestResult],
    vocab: Vocab,
    public_key: Ed25519PublicKey,
    private_key: Ed25519PrivateKey,
) -> None:
    root, first = clerk_run
    fixed = fill_bytes(
        first.corrections[0].read_bytes(),
        root / "in2" / "school-fixed.xlsx",
        [
            {"id_number": PEOPLE["wang"][0]},
            {"id_number": PEOPLE["zhao"][0]},
            {"issue_date": "20190228"},
            {"title_name": TEACHER["title_name"]},
        ],
    )
    result = run([fixed], root / "out2", vocab, public_key, private_key, db_path=first.db_path)
    assert issues(result) == []
    assert counts(result) == [("school-fixed.xlsx", "accepted", 4, 4, 0, 0, 0)]
    assert len(sheet_rows(result.consolidated_xlsx)) == 4 + 6  # both files' valid rows


def test_library_filled_template_round_trip(
    tmp_path: Path, vocab: Vocab, private_key: Ed25519PrivateKey, public_key: Ed25519PublicKey
) -> None:
    unit = vocab.find_unit(SCHOOL)
    assert unit is not None
    prefill = [
        {k: str(v) for k, v in r.items()}
        for r in (row("li", 1), row("wang", 2, gender="男"), row("zhao", 3, cert_no="鲁 01"))
    ]
    data = build_template(
        vocab, unit, private_key, issued_at="2021-03-18T08:00:00Z", rows=20, prefill=prefill
    )
    path = tmp_path / "in" / "library.xlsx"
    path.parent.mkdir()
    path.write_bytes(data)
    result = run([path], tmp_path / "out", vocab, public_key)
    assert issues(result) == [("gender-id-mismatch", 9, "F"), ("cert-no-whitespace", 10, "B")]
    assert counts(result) == [("library.xlsx", "accepted", 3, 1, 2, 0, 0)]
    assert result.corrections == ()  # no private key given: no corrections


def test_unmasked_reports_show_raw_ids_when_asked(
    tmp_path: Path,
    vocab: Vocab,
    private_key: Ed25519PrivateKey,
    public_key: Ed25519PublicKey,
    caplog: pytest.LogCaptureFixture,
) -> None:
    fill(vocab, private_key, SCHOOL, tmp_path / "in" / "s.xlsx", CLERK_ROWS[:2])
    with caplog.at_level(logging.DEBUG):
        result = run([tmp_path / "in"], tmp_path / "out", vocab, public_key, mask_ids=False)
    assert WRONG_CHECK_DIGIT in xlsx_text(result.errors_xlsx)
    assert WRONG_CHECK_DIGIT in result.report_json.read_text("utf-8")
    assert all(WRONG_CHECK_DIGIT not in r.getMessage() for r in caplog.records)


def test_clerk_formulas_merges_and_date_serials(
    tmp_path: Path, vocab: Vocab, private_key: Ed25519PrivateKey, public_key: Ed25519PublicKey
) -> None:
    path = fill(vocab, private_key, SCHOOL, tmp_path / "in" / "a.xlsx", CLERK_ROWS[:1])
    wb = openpyxl.load_workbook(path)
    ws = wb["附件1"]
    for c, value in enumerate(row("wang", 2).values(), start=1):
        ws.cell(9, c).value = value
    for c, value in enumerate(row("zhao", 3).values(), start=1):
        ws.cell(10, c).value = value
    ws["J8"] = 43466  # a date typed into a General cell: serial 2019-01-01
    ws["E9"] = "=A8"  # pasted with its formula
    ws.merge_cells("G10:H10")
    wb.save(path)
    result = run([path], tmp_path / "out", vocab, public_key)
    assert issues(result) == [
        ("issue-date-converted", 8, "J"),
        ("cell-formula", 9, "E"),
        ("row-merged-cells", 10, "G"),
        ("level-missing", 10, "H"),
    ]
    assert counts(result) == [("a.xlsx", "accepted", 3, 1, 2, 0, 0)]
