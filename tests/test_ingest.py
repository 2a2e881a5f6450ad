"""Ingest over the store: idempotence, supersession, duplicates across files and runs,
exclusion lists, rejected files, the ledger, split by office and CSV safety."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from helpers_ingest import (
    ENGINEER,
    ISSUED_AT,
    OFFICE,
    PEOPLE,
    PORT,
    ROWS,
    SCHOOL,
    TEACHER,
    counts,
    fill,
    fill_bytes,
    issues,
    row,
    run,
    sheet_rows,
)

from titletemplate.batch import IngestResult
from titletemplate.errors import KeyFileError
from titletemplate.ingest import identity, reader
from titletemplate.ingest.store import Store
from titletemplate.keys import generate_keypair, load_private_key
from titletemplate.template.build import build_template
from titletemplate.vocab import Vocab

Env = tuple[Vocab, Ed25519PrivateKey, Ed25519PublicKey]
DISTRICT = "东港区人力资源和社会保障局"


@pytest.fixture
def env(vocab: Vocab, private_key: Ed25519PrivateKey, public_key: Ed25519PublicKey) -> Env:
    return vocab, private_key, public_key


def _fill(env: Env, unit: str, path: Path, rows: list[dict[str, object]]) -> Path:
    return fill(env[0], env[1], unit, path, rows)


def _run(env: Env, paths: list[Path], out: Path, **options: Any) -> IngestResult:
    result = run(paths, out, env[0], env[2], env[1], **options)
    _assert_accounting(result)
    return result


def _assert_accounting(result: IngestResult) -> None:
    parts = ("valid_rows", "invalid_rows", "duplicate_rows", "excluded_rows")
    for f in result.files:
        assert f["rows"] == sum(f[p] for p in parts), f  # type: ignore[literal-required]
    t = result.totals
    assert t["rows"] == sum(t[p] for p in parts)  # type: ignore[literal-required]
    assert t["rows"] == sum(f["rows"] for f in result.files)
    assert t["files"] == t["accepted_files"] + t["rejected_files"] == len(result.files)


def _db_rows(result: IngestResult) -> list[tuple[str, int, str]]:
    return _db_rows_at(result.db_path)


def test_reingesting_the_same_files_changes_nothing(env: Env, tmp_path: Path) -> None:
    _fill(env, SCHOOL, tmp_path / "in" / "a.xlsx", [row("li", 1), row("wang", 2, gender="男")])
    first = _run(env, [tmp_path / "in"], tmp_path / "out")
    csv_before, db_before = first.consolidated_csv.read_bytes(), _db_rows(first)
    second = _run(env, [tmp_path / "in"], tmp_path / "out")
    assert counts(second) == counts(first) == [("a.xlsx", "accepted", 2, 1, 1, 0, 0)]
    assert [f["code"] for f in second.files] == ["file-already-ingested"]
    assert issues(second) == [("file-already-ingested", None, ""), ("gender-id-mismatch", 9, "F")]
    assert _db_rows(second) == db_before
    assert second.consolidated_csv.read_bytes() == csv_before


def test_a_newer_submission_of_a_template_supersedes_the_older(env: Env, tmp_path: Path) -> None:
    _fill(env, SCHOOL, tmp_path / "in1" / "v1.xlsx", [row("li", 1), row("wang", 2)])
    _run(env, [tmp_path / "in1"], tmp_path / "out")
    _fill(env, SCHOOL, tmp_path / "in2" / "v2.xlsx", [row("zhou", 5), row("sun", 4), row("li", 1)])
    result = _run(env, [tmp_path / "in2"], tmp_path / "out")
    assert counts(result) == [("v2.xlsx", "accepted", 3, 3, 0, 0, 0)]
    assert [(i.code, i.file) for i in result.issues] == [("submission-superseded", "v1.xlsx")]
    assert [r[4] for r in sheet_rows(result.consolidated_xlsx)[4:]] == ["周静", "孙强", "李四"]
    assert _db_rows(result) == [  # history keeps the older rows
        ("v1.xlsx", 8, "valid"),
        ("v1.xlsx", 9, "valid"),
        ("v2.xlsx", 8, "valid"),
        ("v2.xlsx", 9, "valid"),
        ("v2.xlsx", 10, "valid"),
    ]


def test_two_versions_in_one_batch_keep_the_later_path(env: Env, tmp_path: Path) -> None:
    _fill(env, SCHOOL, tmp_path / "in" / "a.xlsx", [row("li", 1)])
    _fill(env, SCHOOL, tmp_path / "in" / "b.xlsx", [row("wang", 2)])
    result = _run(env, [tmp_path / "in"], tmp_path / "out")
    assert [(Path(f["path"]).name, f["code"]) for f in result.files] == [
        ("a.xlsx", "submission-superseded"),
        ("b.xlsx", ""),
    ]
    assert [r[4] for r in sheet_rows(result.consolidated_xlsx)[4:]] == ["王芳"]


def test_a_file_returned_on_the_previous_layout_is_read_and_checked_as_before(
    env: Env, tmp_path: Path
) -> None:
    vocab, key, _ = env
    unit = vocab.find_unit(SCHOOL)
    assert unit is not None
    rows = [row("li", 1), row("wang", 2, gender="男"), row("zhao", 3, id_number="E1234")]
    results = []
    for layout in ("1", "2"):
        data = build_template(vocab, unit, key, issued_at=ISSUED_AT, rows=ROWS, layout=layout)
        path = fill_bytes(data, tmp_path / layout / "in" / "a.xlsx", rows)
        results.append(_run(env, [path.parent], tmp_path / layout / "out"))
    old, new = results
    assert (
        issues(old)
        == issues(new)
        == [("gender-id-mismatch", 9, "F"), ("id-number-length", 10, "D")]
    )
    assert counts(old) == counts(new) == [("a.xlsx", "accepted", 3, 1, 2, 0, 0)]
    assert {"1", "2"} == identity.READABLE_LAYOUTS


def test_cross_file_duplicates_and_conflicts(env: Env, tmp_path: Path) -> None:
    _fill(env, SCHOOL, tmp_path / "in" / "a.xlsx", [row("li", 1), row("wang", 2), row("zhao", 3)])
    _fill(
        env,
        OFFICE,
        tmp_path / "in" / "b.xlsx",
        [row("li", 1), row("wang", 2, issue_date="20191120"), row("sun", 4)],
    )
    result = _run(env, [tmp_path / "in"], tmp_path / "out")
    assert issues(result) == [
        ("duplicate-conflict", 9, "B"),
        ("duplicate-certificate", 8, "B"),
        ("duplicate-conflict", 9, "B"),
    ]
    assert counts(result) == [
        ("a.xlsx", "accepted", 3, 2, 1, 0, 0),
        ("b.xlsx", "accepted", 3, 1, 1, 1, 0),
    ]
    assert [result.message(i) for i in result.issues[:2]] == [
        f"第 9 行:同一证书在“{OFFICE} b.xlsx 第 9 行”中也有报送,但内容不一致,请核对。",
        f"第 8 行:该证书已在“{SCHOOL} a.xlsx 第 8 行”中报送,按一条记录处理。",
    ]
    assert sorted(p.name for p in result.corrections) == sorted(
        [f"{SCHOOL}.xlsx", f"{OFFICE}.xlsx"]
    )
    with Store(result.db_path) as store:
        kept = store.candidates()[0].row_id
        assert [(s.unit, s.file_name, s.excel_row) for s in store.sources(kept)] == [
            (SCHOOL, "a.xlsx", 8),
            (OFFICE, "b.xlsx", 8),
        ]


def test_a_conflict_with_an_earlier_run_reports_both_rows(env: Env, tmp_path: Path) -> None:
    _fill(env, SCHOOL, tmp_path / "in1" / "a.xlsx", [row("li", 1)])
    first = _run(env, [tmp_path / "in1"], tmp_path / "out")
    assert first.exit_code == 0
    _fill(env, OFFICE, tmp_path / "in2" / "b.xlsx", [row("li", 1, name="李 四", issuer="")])
    _fill(env, PORT, tmp_path / "in2" / "c.xlsx", [row("li", 1, level="副高级")])
    second = _run(env, [tmp_path / "in2"], tmp_path / "out")
    assert [(i.file, i.code, i.row) for i in second.issues] == [
        ("b.xlsx", "issuer-missing", 8),
        ("c.xlsx", "title-not-in-series", 8),
    ]
    _fill(env, DISTRICT, tmp_path / "in3" / "d.xlsx", [row("li", 1, issue_date="20191118")])
    third = _run(env, [tmp_path / "in3"], tmp_path / "out")
    assert [(i.file, i.code, i.row) for i in third.issues] == [
        ("d.xlsx", "duplicate-conflict", 8),
        ("a.xlsx", "duplicate-conflict", 8),  # the earlier file's row is reported again
    ]
    # Every unit with something open gets its correction, whichever run found it.
    assert sorted(p.name for p in third.corrections) == sorted(
        [f"{SCHOOL}.xlsx", f"{DISTRICT}.xlsx", f"{OFFICE}.xlsx", f"{PORT}.xlsx"]
    )
    assert len(sheet_rows(third.consolidated_xlsx)) == 4 + 0  # the top rows, no row is valid


def test_same_person_and_title_through_two_channels(env: Env, tmp_path: Path) -> None:
    _fill(env, SCHOOL, tmp_path / "in" / "a.xlsx", [row("li", 1, cert_no="")])
    _fill(env, OFFICE, tmp_path / "in" / "b.xlsx", [row("li", 1, cert_no="")])
    result = _run(env, [tmp_path / "in"], tmp_path / "out")
    assert issues(result) == [("duplicate-person-title", 8, "D")]
    assert result.issues[0].value == "371102********0034"


def test_revoked_and_e_certified_lists(env: Env, tmp_path: Path) -> None:
    revoked = tmp_path / "revoked.csv"
    revoked.write_text(f"证件号码\n{PEOPLE['wang'][0]}\n", encoding="utf-8")
    ecert = tmp_path / "ecert.csv"
    ecert.write_text(f"证件号码,证书编号\n{PEOPLE['zhao'][0]},鲁0120200000003\n", encoding="utf-8")
    rows = [row("li", 1), row("wang", 2), row("zhao", 3), row("zhao", 4, **TEACHER)]
    _fill(env, SCHOOL, tmp_path / "in" / "a.xlsx", rows)
    result = _run(env, [tmp_path / "in"], tmp_path / "out", revoked=revoked, ecert=ecert)
    assert issues(result) == [("title-revoked", 9, "I"), ("already-e-certified", 10, "B")]
    assert counts(result) == [("a.xlsx", "accepted", 4, 2, 1, 0, 1)]
    again = _run(env, [tmp_path / "in"], tmp_path / "out")  # the stored lists still apply
    assert counts(again) == counts(result)


@pytest.mark.usefixtures("forked_workers")
def test_rejected_and_crashing_files_do_not_stop_the_batch(
    env: Env, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "in"
    _fill(env, SCHOOL, folder / "a.xlsx", [row("li", 1)])
    _fill(env, PORT, folder / "boom.xlsx", [row("wang", 2)])
    (folder / "empty.xlsx").write_bytes(b"")
    (folder / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    (folder / "sub").mkdir()
    (folder / "sub" / "scan.pdf").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    real: Callable[..., reader.Submission] = reader.read_submission

    def flaky(path: Path, *args: Any, **kwargs: Any) -> reader.Submission:
        if Path(path).name == "boom.xlsx":
            raise RuntimeError(f"bug while reading {PEOPLE['wang'][0]}")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(reader, "read_submission", flaky)
    with caplog.at_level(logging.ERROR, logger="titletemplate"):
        result = _run(env, [folder], tmp_path / "out")
    assert sorted((Path(f["path"]).name, f["status"], f["code"]) for f in result.files) == [
        ("a.xlsx", "accepted", ""),
        ("boom.xlsx", "rejected", "file-unreadable"),
        ("empty.xlsx", "rejected", "file-empty"),
        ("old.xls", "rejected", "file-legacy-xls"),
        ("scan.pdf", "rejected", "file-not-xlsx"),
    ]
    boom = next(i for i in result.issues if i.file == "boom.xlsx")
    assert (boom.code, boom.detail) == ("file-unreadable", "RuntimeError")
    assert [r.exc_info[0] for r in caplog.records if r.exc_info] == [RuntimeError]
    assert result.totals["valid_rows"] == 1 and result.exit_code == 1


def test_missing_units_from_the_manifest(env: Env, tmp_path: Path) -> None:
    manifest = tmp_path / "manifest.csv"
    manifest.write_text(
        f"unit,code,template_id,file,sha256\n{SCHOOL},,t1,a.xlsx,x\n{PORT},,t2,b.xlsx,y\n",
        encoding="utf-8-sig",
    )
    _fill(env, SCHOOL, tmp_path / "in" / "a.xlsx", [row("li", 1)])
    result = _run(env, [tmp_path / "in"], tmp_path / "out", manifest=manifest)
    assert result.missing_units == (PORT,)
    assert result.exit_code == 0


def test_split_by_office_puts_rows_on_their_review_office_sheet(env: Env, tmp_path: Path) -> None:
    rows = [row("li", 1, **ENGINEER), row("wang", 2, **TEACHER), row("zhao", 3), row("sun", 4)]
    _fill(env, SCHOOL, tmp_path / "in" / "a.xlsx", rows)
    result = _run(env, [tmp_path / "in"], tmp_path / "out", split_by_office=True)
    wb = openpyxl.load_workbook(result.consolidated_xlsx, read_only=True)
    sheets = {ws.title: [r[4] for r in ws.iter_rows(min_row=5, values_only=True)] for ws in wb}
    wb.close()
    assert sheets == {
        "日照市人力资源和社会保障局": ["李四"],
        OFFICE: ["王芳"],
        "未分配": ["赵敏", "孙强"],  # technical-school teachers at senior level: no office
    }


def test_csv_cells_cannot_run_as_formulas(env: Env, tmp_path: Path) -> None:
    vocab, key, _ = env
    unit = vocab.find_unit(SCHOOL)
    assert unit is not None
    values = row("li", 1, name="=张三", issuer="+山东省人力资源和社会保障厅", review_body="@X")
    data = build_template(
        vocab, unit, key, issued_at="2021-03-18T08:00:00Z", rows=5,
        prefill=[{k: str(v) for k, v in values.items()}],
    )  # fmt: skip
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.xlsx").write_bytes(data)
    result = _run(env, [tmp_path / "in"], tmp_path / "out")
    assert counts(result)[0][3] == 1  # unknown organisations are warnings only
    lines = result.consolidated_csv.read_text("utf-8-sig").splitlines()
    assert lines[1].split(",")[3:5] == ["371102198506120034", "'=张三"]
    assert lines[1].split(",")[10:] == ["'+山东省人力资源和社会保障厅", "'@X"]
    assert sheet_rows(result.consolidated_xlsx)[4][4] == "=张三"  # a string, not a formula


def test_a_private_key_of_another_pair_is_refused(env: Env, tmp_path: Path) -> None:
    private_path, _ = generate_keypair(tmp_path / "keys")
    other, _ = load_private_key(private_path)
    with pytest.raises(KeyFileError) as caught:
        run([tmp_path], tmp_path / "out", env[0], env[2], other)
    assert caught.value.code == "key-mismatch"


def test_progress_is_reported_per_file(env: Env, tmp_path: Path) -> None:
    _fill(env, SCHOOL, tmp_path / "in" / "a.xlsx", [row("li", 1)])
    _fill(env, PORT, tmp_path / "in" / "b.xlsx", [row("wang", 2)])
    seen: list[tuple[int, int]] = []
    _run(env, [tmp_path / "in"], tmp_path / "out", progress=lambda d, t: seen.append((d, t)))
    assert seen == [(0, 2), (1, 2), (2, 2)]


def test_a_crash_mid_batch_leaves_whole_files_and_a_rerun_completes(
    env: Env, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill(env, SCHOOL, tmp_path / "in" / "a.xlsx", [row("li", 1)])
    _fill(env, PORT, tmp_path / "in" / "b.xlsx", [row("wang", 2), row("zhao", 3)])
    real_insert = Store._insert_issues
    calls: list[int] = []

    def dying(*args: Any) -> None:
        calls.append(1)
        if len(calls) == 2:  # while storing b.xlsx, after its rows were inserted
            raise KeyboardInterrupt
        real_insert(*args)

    monkeypatch.setattr(Store, "_insert_issues", staticmethod(dying))
    with pytest.raises(KeyboardInterrupt):
        run([tmp_path / "in"], tmp_path / "out", env[0], env[2])
    monkeypatch.undo()
    assert _db_rows_at(tmp_path / "out" / "titletemplate.db") == [("a.xlsx", 8, "valid")]
    result = _run(env, [tmp_path / "in"], tmp_path / "out")
    assert [(Path(f["path"]).name, f["code"]) for f in result.files] == [
        ("a.xlsx", "file-already-ingested"),
        ("b.xlsx", ""),
    ]
    assert len(_db_rows(result)) == 3


def _db_rows_at(path: Path) -> list[tuple[str, int, str]]:
    db = sqlite3.connect(path)
    try:
        return db.execute(
            "SELECT s.file_name, r.excel_row, r.status FROM rows r"
            " JOIN submissions s ON s.id = r.submission_id ORDER BY s.id, r.excel_row"
        ).fetchall()
    finally:
        db.close()
