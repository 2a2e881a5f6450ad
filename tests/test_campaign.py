"""The campaign loop: a returned correction replaces exactly the rows it was made from (fixed,
still wrong, withdrawn), changes nothing when it comes again or after a newer one, and mixes
with a unit that sends its whole template again."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import openpyxl
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from helpers_ingest import SCHOOL, counts, fill, issues, row, run

from titletemplate.batch import IngestResult
from titletemplate.columns import COLUMNS, DATA_SHEET, FIRST_DATA_ROW
from titletemplate.vocab import Vocab

Env = tuple[Vocab, Ed25519PrivateKey, Ed25519PublicKey]
FIRST = "2021-03-20T09:00:00Z"
SECOND = "2021-03-27T09:00:00Z"
THIRD = "2021-04-03T09:00:00Z"
BAD_ID = "371102198506120027"  # wang's number with a wrong check digit
ROWS = [
    row("li", 1),  # 8
    row("wang", 2, id_number=BAD_ID),  # 9
    row("zhao", 3, issue_date="20190229"),  # 10
    row("sun", 4, issue_date="20190230"),  # 11
    row("zhou", 5),  # 12
]
COL = {c.key: c.index + 1 for c in COLUMNS}


@pytest.fixture
def env(vocab: Vocab, private_key: Ed25519PrivateKey, public_key: Ed25519PublicKey) -> Env:
    return vocab, private_key, public_key


def _run(env: Env, paths: list[Path], out: Path, db: Path, at: str) -> IngestResult:
    result = run(paths, out, env[0], env[2], env[1], db_path=db, received_at=at)
    parts = ("valid", "invalid", "duplicate", "excluded", "withdrawn", "outdated")
    for f in result.files:
        assert f["rows"] == sum(f[f"{p}_rows"] for p in parts), f  # type: ignore[literal-required]
    return result


def _clerk(correction: Path, to: Path, edits: dict[int, dict[str, str] | None]) -> Path:
    """The correction as a clerk returns it: `edits` by correction row (None: emptied)."""
    book = openpyxl.load_workbook(correction)
    sheet = book[DATA_SHEET]
    for r, changes in edits.items():
        for key, column in COL.items():
            if changes is None:
                sheet.cell(r, column).value = None
            elif key in changes:
                sheet.cell(r, column).value = changes[key]
    to.parent.mkdir(parents=True, exist_ok=True)
    book.save(to)
    book.close()
    return to


def _current(db: Path) -> list[tuple[str, str, str]]:
    """(name, status, file) of the campaign's current rows."""
    with sqlite3.connect(db) as con:
        found = con.execute(
            "SELECT r.name, r.status, s.file_name FROM rows r JOIN submissions s"
            " ON s.id = r.submission_id WHERE s.status = 'current' AND r.retired = ''"
            " ORDER BY r.name"
        ).fetchall()
    con.close()
    return found


FIX_ONE_KEEP_ONE_DELETE_ONE: dict[int, dict[str, str] | None] = {
    FIRST_DATA_ROW: {"id_number": "371102198506120026"},  # wang fixed
    FIRST_DATA_ROW + 1: {"issue_date": "20190231"},  # zhao still wrong
    FIRST_DATA_ROW + 2: None,  # sun withdrawn
}


def _first_round(env: Env, tmp_path: Path) -> tuple[Path, Path]:
    original = fill(env[0], env[1], SCHOOL, tmp_path / "in" / "school.xlsx", ROWS)
    db = tmp_path / "store.db"
    first = _run(env, [original], tmp_path / "r1", db, FIRST)
    assert counts(first) == [("school.xlsx", "accepted", 5, 2, 3, 0, 0)]
    (correction,) = first.corrections
    return db, correction


def test_a_correction_replaces_exactly_its_source_rows(env: Env, tmp_path: Path) -> None:
    db, correction = _first_round(env, tmp_path)
    returned = _clerk(correction, tmp_path / "in2" / "c1.xlsx", FIX_ONE_KEEP_ONE_DELETE_ONE)
    second = _run(env, [returned], tmp_path / "r2", db, SECOND)
    assert [(f["rows"], f["valid_rows"], f["invalid_rows"], f["withdrawn_rows"])
            for f in second.files] == [(3, 1, 1, 1)]  # fmt: skip
    assert issues(second, "c1.xlsx") == [
        ("issue-date-invalid", 9, "J"),
        ("row-withdrawn", 10, ""),
    ]
    withdrawn = next(i for i in second.issues if i.code == "row-withdrawn")
    assert second.message(withdrawn) == (
        f"第 10 行:单位在更正表中删除了该行,原报送的“{SCHOOL} school.xlsx 第 11 行”已撤回,"
        "不再汇总。"
    )
    assert _current(db) == sorted(
        [("李四", "valid", "school.xlsx"), ("周静", "valid", "school.xlsx"),
         ("王芳", "valid", "c1.xlsx"), ("赵敏", "invalid", "c1.xlsx")]
    )  # fmt: skip
    # The next correction carries only the row still wrong, from the correction it came in.
    (again,) = second.corrections
    book = openpyxl.load_workbook(again, read_only=True)
    names = [
        r[0]
        for r in book[DATA_SHEET].iter_rows(
            min_row=FIRST_DATA_ROW, min_col=5, max_col=5, values_only=True
        )
        if r[0]
    ]
    book.close()
    assert names == ["赵敏"]
    # errors.xlsx and report.json add what is still open in the whole campaign.
    book = openpyxl.load_workbook(second.errors_xlsx, read_only=True)
    still = [r[:5] for r in book["全部未解决错误"].iter_rows(min_row=2, values_only=True)]
    book.close()
    assert still == [(SCHOOL, "c1.xlsx", DATA_SHEET, 9, "J")]
    report = json.loads(second.report_json.read_text("utf-8"))
    assert [(i["code"], i["row"]) for i in report["campaign"]["open_issues"]] == [
        ("issue-date-invalid", 9)
    ]
    # The same file again changes nothing.
    third = _run(env, [returned], tmp_path / "r3", db, THIRD)
    assert issues(third)[0] == ("file-already-ingested", None, "")
    assert len(_current(db)) == 4


def test_an_older_correction_after_a_newer_one_changes_nothing(env: Env, tmp_path: Path) -> None:
    db, older = _first_round(env, tmp_path)
    # The same original ingested a week later elsewhere gives a newer correction of the
    # same rows (same template, same source rows, later issue time).
    other = _run(env, [tmp_path / "in" / "school.xlsx"], tmp_path / "r1b",
                 tmp_path / "other.db", SECOND)  # fmt: skip
    (newer,) = other.corrections
    fixed = {FIRST_DATA_ROW: {"id_number": "371102198506120026"},
             FIRST_DATA_ROW + 1: {"issue_date": "20190301"},
             FIRST_DATA_ROW + 2: {"issue_date": "20190302"}}  # fmt: skip
    new = _clerk(newer, tmp_path / "in2" / "newer.xlsx", fixed)
    old = _clerk(older, tmp_path / "in2" / "older.xlsx", FIX_ONE_KEEP_ONE_DELETE_ONE)
    _run(env, [new], tmp_path / "r2", db, THIRD)
    after_newer = _current(db)
    assert [s for _, s, _ in after_newer] == ["valid"] * 5
    late = _run(env, [old], tmp_path / "r3", db, THIRD)
    assert [(f["rows"], f["valid_rows"], f["outdated_rows"]) for f in late.files] == [(2, 0, 2)]
    assert issues(late, "older.xlsx") == [
        ("correction-outdated", 8, ""), ("issue-date-invalid", 9, "J"),
        ("correction-outdated", 9, ""),
    ]  # fmt: skip
    assert _current(db) == after_newer
    assert late.corrections == ()


def test_a_correction_then_the_whole_template_again(env: Env, tmp_path: Path) -> None:
    db, correction = _first_round(env, tmp_path)
    returned = _clerk(correction, tmp_path / "in2" / "c1.xlsx", FIX_ONE_KEEP_ONE_DELETE_ONE)
    _run(env, [returned], tmp_path / "r2", db, SECOND)
    whole = [ROWS[0], row("wang", 2), row("zhao", 3), ROWS[4]]  # sun left out
    again = fill(env[0], env[1], SCHOOL, tmp_path / "in3" / "school-v2.xlsx", whole)
    third = _run(env, [again], tmp_path / "r3", db, THIRD)
    assert counts(third) == [("school-v2.xlsx", "accepted", 4, 4, 0, 0, 0)]
    assert _current(db) == sorted(
        (name, "valid", "school-v2.xlsx") for name in ("李四", "王芳", "赵敏", "周静")
    )
    assert third.corrections == ()


def test_the_whole_template_again_then_a_correction(env: Env, tmp_path: Path) -> None:
    db, correction = _first_round(env, tmp_path)
    whole = [ROWS[0], row("wang", 2), row("zhao", 3), row("sun", 4), ROWS[4]]
    again = fill(env[0], env[1], SCHOOL, tmp_path / "in2" / "school-v2.xlsx", whole)
    _run(env, [again], tmp_path / "r2", db, SECOND)
    # The correction arrives last: it replaces the rows it was made from, now those of the
    # template's current version (the later arrival wins, as between two versions).
    returned = _clerk(correction, tmp_path / "in3" / "c1.xlsx", FIX_ONE_KEEP_ONE_DELETE_ONE)
    third = _run(env, [returned], tmp_path / "r3", db, THIRD)
    assert [(f["valid_rows"], f["invalid_rows"], f["withdrawn_rows"]) for f in third.files] == [
        (1, 1, 1)
    ]
    assert _current(db) == sorted(
        [("李四", "valid", "school-v2.xlsx"), ("周静", "valid", "school-v2.xlsx"),
         ("王芳", "valid", "c1.xlsx"), ("赵敏", "invalid", "c1.xlsx")]
    )  # fmt: skip
