"""The campaign status after a generated campaign with a correction (fixed, still wrong and
withdrawn rows), a whole template sent again, a duplicate, a rejected file and units that never
returned: status.json's totals reconcile exactly with the store and the consolidated rows, and
status.xlsx / status.html show the same numbers."""

from __future__ import annotations

import csv
import json
import re
import sqlite3
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from helpers_ingest import ENGINEER, OFFICE, PORT, SCHOOL, fill, row, run
from test_campaign import FIX_ONE_KEEP_ONE_DELETE_ONE, ROWS, _clerk

from titletemplate.batch import IngestResult
from titletemplate.cli import main
from titletemplate.reports.campaign import report_status
from titletemplate.vocab import Vocab

DISTRICT = "东港区人力资源和社会保障局"


@pytest.fixture(scope="module")
def campaign(
    vocab: Vocab,
    private_key: Ed25519PrivateKey,
    public_key: Ed25519PublicKey,
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, IngestResult]:
    tmp = tmp_path_factory.mktemp("campaign")
    db = tmp / "store.db"
    first = [
        fill(vocab, private_key, SCHOOL, tmp / "in1" / "school.xlsx", ROWS),
        fill(vocab, private_key, PORT, tmp / "in1" / "port.xlsx", [row("wu", 21)]),
        fill(vocab, private_key, OFFICE, tmp / "in1" / "office.xlsx", [ROWS[0]]),  # duplicate
    ]
    (tmp / "in1" / "garbage.xlsx").write_bytes(b"not a workbook")
    one = run([tmp / "in1"], tmp / "r1", vocab, public_key, private_key, db_path=db,
              received_at="2021-03-20T09:00:00Z")  # fmt: skip
    assert [p.name for p in one.corrections] == [f"{SCHOOL}.xlsx"] and first
    returned = _clerk(one.corrections[0], tmp / "in2" / "c1.xlsx", FIX_ONE_KEEP_ONE_DELETE_ONE)
    port = [row("wu", 21), row("zhou", 22, **ENGINEER)]
    again = fill(vocab, private_key, PORT, tmp / "in2" / "port-v2.xlsx", port)
    two = run([returned, again], tmp / "r2", vocab, public_key, private_key, db_path=db,
              received_at="2021-03-27T09:00:00Z")  # fmt: skip
    return db, two


COUNTS = ("files", "rows", "valid_rows", "invalid_rows", "duplicate_rows", "excluded_rows",
          "withdrawn_rows", "open_errors", "correction_issued", "correction_returned")  # fmt: skip


def _units(data: dict[str, object]) -> dict[str, tuple[object, ...]]:
    units = data["units"]
    assert isinstance(units, list)
    return {u["unit"]: (u["state"], *(u[k] for k in COUNTS)) for u in units}


def test_every_unit_stands_where_the_campaign_left_it(
    campaign: tuple[Path, IngestResult], vocab: Vocab
) -> None:
    _, result = campaign
    data = json.loads(result.status.json.read_text("utf-8"))
    units = _units(data)
    # office.xlsx came first (files are read in path order): school's copy of li is the
    # duplicate.
    assert units[SCHOOL] == ("open", 2, 4, 2, 1, 1, 0, 1, 1, 2, 1)
    assert units[PORT] == ("done", 2, 2, 2, 0, 0, 0, 0, 0, 0, 0)
    assert units[OFFICE] == ("done", 1, 1, 1, 0, 0, 0, 0, 0, 0, 0)
    assert units[DISTRICT] == ("missing", *[0] * len(COUNTS))
    assert len(units) == len(vocab.units)  # every unit of units.yaml, returned or not
    assert data["units"][0]["unit"] == SCHOOL  # the unit that needs action comes first
    assert [u["office"] for u in data["units"] if u["unit"] in (SCHOOL, PORT)] == [
        OFFICE, "日照市人力资源和社会保障局",
    ]  # fmt: skip


def test_totals_reconcile_with_the_store_and_the_consolidated_rows(
    campaign: tuple[Path, IngestResult],
) -> None:
    db, result = campaign
    totals = json.loads(result.status.json.read_text("utf-8"))["totals"]
    assert {k: totals[k] for k in COUNTS} == {
        "files": 5, "rows": 7, "valid_rows": 5, "invalid_rows": 1, "duplicate_rows": 1,
        "excluded_rows": 0, "withdrawn_rows": 1, "open_errors": 1, "correction_issued": 2,
        "correction_returned": 1,
    }  # fmt: skip
    assert totals["unassigned_files"] == 1  # garbage.xlsx
    with sqlite3.connect(db) as con:
        current = con.execute(
            "SELECT r.status, COUNT(*) FROM rows r JOIN submissions s ON s.id = r.submission_id"
            " WHERE s.status = 'current' AND r.retired = '' GROUP BY r.status"
        ).fetchall()
    con.close()
    assert dict(current) == {"valid": 5, "invalid": 1, "duplicate": 1}
    with result.consolidated_csv.open(encoding="utf-8-sig", newline="") as fh:
        assert len(list(csv.reader(fh))) - 1 == totals["valid_rows"]


def test_the_status_command_gives_what_the_ingest_wrote(
    campaign: tuple[Path, IngestResult], vocab: Vocab, tmp_path: Path
) -> None:
    db, result = campaign
    again = report_status(db, tmp_path, vocab=vocab, as_of="2021-03-27T09:00:00Z")
    assert again.json.read_bytes() == result.status.json.read_bytes()
    assert again.xlsx.read_bytes() == result.status.xlsx.read_bytes()


def test_status_xlsx_has_a_summary_and_a_sheet_per_office(
    campaign: tuple[Path, IngestResult],
) -> None:
    _, result = campaign
    book = openpyxl.load_workbook(result.status.xlsx)
    try:
        assert book.sheetnames[0] == "汇总"
        assert {OFFICE, "日照市人力资源和社会保障局"} <= set(book.sheetnames)
        summary = [r for r in book["汇总"].iter_rows(values_only=True)]
        assert summary[1][:5] == ("审核机构", "单位数", "待更正", "未报送", "已完成")
        assert summary[-1][0] == "合计" and summary[-1][5:] == (7, 5, 1, 1)
        office = [r for r in book[OFFICE].iter_rows(min_row=3, values_only=True)]
        assert office[0][:4] == (SCHOOL, OFFICE, "待更正", 2)
        ws = book[OFFICE]
        assert ws.print_title_rows == "$1:$2"
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
        assert ws.oddFooter.center.text == "第 &P 页 共 &N 页"
    finally:
        book.close()


def test_status_html_is_one_self_contained_page(campaign: tuple[Path, IngestResult]) -> None:
    _, result = campaign
    page = result.status.html.read_text("utf-8")
    assert "<script" not in page and "<link" not in page and "@import" not in page
    assert re.findall(r"(?:src|href)=", page) == []
    assert re.findall(r"https?://[^\"]+", page) == ["http://www.w3.org/2000/svg"] * page.count(
        "<svg"
    )
    assert "@page { size: A4 landscape" in page
    action = page.split("需要处理的单位", 1)[1].split("各审核机构进度", 1)[0]
    assert SCHOOL in action and DISTRICT in action and PORT not in action


def test_the_status_command_prints_the_units_that_need_action(
    campaign: tuple[Path, IngestResult], tmp_path: Path
) -> None:
    db, _ = campaign
    result = CliRunner().invoke(main, ["status", "--db", str(db), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "单位 | 审核机构 | 状态 | 行数 | 有效 | 有误 | 未解决错误"
    assert lines[1] == f"{SCHOOL} | {OFFICE} | 待更正 | 4 | 2 | 1 | 1"
    assert f"{DISTRICT} | {DISTRICT} | 未报送 | 0 | 0 | 0 | 0" in lines
    assert PORT not in result.stdout
    assert (
        lines[-2].startswith("共 ")
        and "当前 7 行: 有效 5,有误 1,重复 1,排除 0;撤回 1 行" in lines[-2]
    )
    assert {p.name for p in tmp_path.iterdir()} == {"status.json", "status.xlsx", "status.html"}


def test_the_status_command_for_scripts_json_and_quiet(
    campaign: tuple[Path, IngestResult], tmp_path: Path
) -> None:
    db, _ = campaign
    out = tmp_path / "json"
    result = CliRunner().invoke(main, ["status", "--db", str(db), "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    on_disk = json.loads((out / "status.json").read_text("utf-8"))
    assert summary["totals"] == on_disk["totals"] and summary["units"] == on_disk["units"]
    assert summary["outputs"]["status_html"] == str(out / "status.html")
    assert summary["vocab"]["path"]
    quiet = CliRunner().invoke(main, ["status", "--db", str(db), "--out", str(out), "--quiet"])
    assert quiet.exit_code == 0 and quiet.stdout == "" and quiet.stderr == ""


def test_the_status_command_never_makes_a_store(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["status", "--db", str(tmp_path / "none.db"), "--out", str(tmp_path / "out")]
    )
    assert result.exit_code == 2 and not (tmp_path / "none.db").exists()
