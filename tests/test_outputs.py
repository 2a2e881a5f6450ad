"""The ingest's output files are the same whether worker processes write them (jobs=2) or the
batch process does (jobs=1), and consolidated.csv holds exactly the rows of consolidated.xlsx."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from helpers_ingest import ENGINEER, PORT, SCHOOL, TEACHER, fill, row, run
from python_calamine import CalamineWorkbook

from titletemplate import cliout
from titletemplate.vocab import Vocab

WRONG_CHECK = "370102197308291815"  # GOOD's ID number with another check digit


@pytest.fixture
def returned(vocab: Vocab, private_key: Ed25519PrivateKey, tmp_path: Path) -> Path:
    """Two units' files: valid rows of three series, a bad ID number, a duplicate."""
    folder = tmp_path / "in"
    school = [
        row("li", 1),
        row("wang", 2, **TEACHER),
        row(None, 3, id_number=WRONG_CHECK),
        row("zhao", 4, **ENGINEER),
        row("li", 1),  # the same certificate again
    ]
    fill(vocab, private_key, SCHOOL, folder / "school.xlsx", school)
    fill(vocab, private_key, PORT, folder / "port.xlsx", [row("sun", 5), row("zhou", 6, **TEACHER)])
    return folder


def _outputs(out: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(out)): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.suffix in (".xlsx", ".csv", ".json", ".html")
    }


@pytest.mark.parametrize("split", [False, True], ids=["one-sheet", "split-by-office"])
def test_jobs_1_and_jobs_2_write_the_same_files(
    returned: Path,
    tmp_path: Path,
    vocab: Vocab,
    private_key: Ed25519PrivateKey,
    public_key: Ed25519PublicKey,
    split: bool,
) -> None:
    written = []
    for jobs in (1, 2):
        out = tmp_path / f"out-{jobs}"
        run([returned], out, vocab, public_key, private_key, jobs=jobs, split_by_office=split,
            db_path=tmp_path / f"store-{jobs}.db")  # fmt: skip
        written.append(_outputs(out))
    one, two = written
    assert sorted(one) == [
        "consolidated.csv",
        "consolidated.xlsx",
        "corrections/日照市第一中学.xlsx",
        "errors.xlsx",
        "report.json",
        "status.html",
        "status.json",
        "status.xlsx",
    ]
    assert [name for name in one if one[name] != two[name]] == []


def test_the_csv_holds_the_rows_of_the_workbook(
    returned: Path,
    tmp_path: Path,
    vocab: Vocab,
    public_key: Ed25519PublicKey,
) -> None:
    result = run([returned], tmp_path / "out", vocab, public_key, jobs=2, split_by_office=True)
    with io.StringIO(result.consolidated_csv.read_bytes().decode("utf-8-sig"), newline="") as fh:
        header, *csv_rows = list(csv.reader(fh))
    book = CalamineWorkbook.from_path(str(result.consolidated_xlsx))
    xlsx_rows = []
    assert book.sheet_names == ["日照市人力资源和社会保障局", "日照市教育局", "未分配"]
    for name in book.sheet_names:
        _title, _signer, _numbers, headers, *rows = book.get_sheet_by_name(name).to_python()
        assert headers == header
        xlsx_rows += rows
    # the school's li, wang and zhao (not the bad ID, not the duplicate); the port's sun, zhou
    assert {r[4] for r in csv_rows} == {"李四", "王芳", "赵敏", "孙强", "周静"}
    assert len(csv_rows) == 5
    assert sorted(csv_rows) == sorted(xlsx_rows)


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_correction_that_cannot_be_written_stops_no_other_output(
    vocab: Vocab,
    private_key: Ed25519PrivateKey,
    public_key: Ed25519PublicKey,
    tmp_path: Path,
    jobs: int,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two units with a faulty row each; one unit's correction cannot replace what is at its
    path (as when the clerk has it open in Excel on Windows). The other unit's correction and
    every report are written, the failure is a coded issue of the run, the store does not
    count that correction as issued, and the next run issues it."""
    folder = tmp_path / "in"
    fill(vocab, private_key, SCHOOL, folder / "school.xlsx",
         [row("li", 1), row(None, 3, id_number=WRONG_CHECK)])  # fmt: skip
    fill(vocab, private_key, PORT, folder / "port.xlsx",
         [row("sun", 5), row(None, 4, id_number=WRONG_CHECK)])  # fmt: skip
    out, db = tmp_path / "out", tmp_path / "store.db"
    blocked = out / "corrections" / f"{SCHOOL}.xlsx"
    blocked.mkdir(parents=True)  # nothing can be put in its place
    result = run([folder], out, vocab, public_key, private_key, jobs=jobs, db_path=db)
    assert [p.name for p in result.corrections] == [f"{PORT}.xlsx"]
    assert (out / "corrections" / f"{PORT}.xlsx").is_file()
    (failed,) = [i for i in result.issues if i.code == "correction-not-written"]
    assert (failed.file, failed.unit) == (f"corrections/{SCHOOL}.xlsx", SCHOOL)
    assert "IsADirectoryError" in failed.detail
    assert result.exit_code == 1
    report = json.loads(result.report_json.read_text("utf-8"))
    listed = [i for i in report["issues"] if i["code"] == "correction-not-written"]
    assert len(listed) == 1 and f"corrections/{SCHOOL}.xlsx" in listed[0]["message"]
    with CalamineWorkbook.from_path(str(result.errors_xlsx)) as book:
        unit_rows = book.get_sheet_by_name(SCHOOL).to_python()
    assert [r[1] for r in unit_rows if r[7] == "correction-not-written"] == [
        f"corrections/{SCHOOL}.xlsx"
    ]
    with sqlite3.connect(db) as con:
        issued = [u for (u,) in con.execute("SELECT unit FROM corrections")]
    con.close()
    assert issued == [PORT]
    status = json.loads(result.status.json.read_text("utf-8"))
    assert status["totals"]["correction_issued"] == 1
    monkeypatch.setattr(cliout, "MAX_ISSUE_LINES", 0)  # the console lists no other issue
    cliout.print_summary(result)  # but the failure, however many others there are
    assert f"[correction-not-written] 更正表“corrections/{SCHOOL}.xlsx”" in capsys.readouterr().out

    blocked.rmdir()
    again = run([], out, vocab, public_key, private_key, jobs=jobs, db_path=db)
    assert {p.name for p in again.corrections} == {f"{PORT}.xlsx", f"{SCHOOL}.xlsx"}
    assert not [i for i in again.issues if i.code == "correction-not-written"]
