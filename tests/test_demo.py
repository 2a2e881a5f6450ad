"""`titletemplate demo`: the whole loop on built-in defaults, deterministic."""

from __future__ import annotations

from pathlib import Path

import pytest

from titletemplate import idcard
from titletemplate.demo import DemoResult, run_demo
from titletemplate.reports.report import letter


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoResult:
    return run_demo(tmp_path_factory.mktemp("demo"))


def test_demo_summary_has_every_kind_of_row(demo: DemoResult) -> None:
    assert demo.ingest.totals == {
        "files": 5, "accepted_files": 4, "rejected_files": 1, "ignored_files": 0, "rows": 48,
        "valid_rows": 38, "invalid_rows": 8, "duplicate_rows": 1, "excluded_rows": 1,
        "withdrawn_rows": 0, "outdated_rows": 0,
    }  # fmt: skip
    assert demo.ingest.missing_units == ()


def test_demo_shows_the_typical_mistakes(demo: DemoResult) -> None:
    found = [(i.file[:2], i.code, i.row, letter(i.column)) for i in demo.ingest.issues]
    assert found == [
        ("~$", "file-lock", None, ""),
        ("01", "duplicate-conflict", 9, "B"),
        ("01", "id-number-precision-lost", 10, "D"),
        ("01", "id-number-checksum", 12, "D"),
        ("01", "issue-date-converted", 14, "J"),
        ("01", "issue-date-invalid", 14, "J"),
        ("02", "issue-date-invalid", 9, "J"),
        ("02", "title-not-in-series", 11, "I"),
        ("02", "already-e-certified", 15, "B"),
        ("03", "duplicate-certificate", 8, "B"),
        ("03", "duplicate-conflict", 9, "B"),
        ("04", "title-revoked", 13, "I"),
    ]
    assert len(demo.ingest.corrections) == 4


def test_demo_ids_have_valid_check_digits_except_the_deliberate_one(demo: DemoResult) -> None:
    # consolidated.csv is the second round's: 38 rows of the first and 5 fixed in the second
    lines = demo.second.consolidated_csv.read_text("utf-8-sig").splitlines()[1:]
    numbers = [line.split(",")[3] for line in lines]
    assert len(numbers) == 43 and all(idcard.has_valid_check_char(n) for n in numbers)


def test_demo_second_round_fixes_most_rows_keeps_one_wrong_and_withdraws_one(
    demo: DemoResult,
) -> None:
    assert [(Path(f["path"]).stem, f["rows"], f["valid_rows"], f["invalid_rows"],
             f["withdrawn_rows"]) for f in demo.second.files] == [
        ("日照市教育局", 1, 0, 0, 1),
        ("日照市第一中学", 4, 4, 0, 0),
        ("日照港集团有限公司", 2, 1, 1, 0),
    ]  # fmt: skip
    assert [(i.code, i.row) for i in demo.second.issues] == [
        ("row-withdrawn", 8),
        ("title-not-in-series", 9),
    ]
    # Corrections now go to the two units with something open; the others' are removed.
    assert sorted(p.name for p in (demo.out_dir / "report" / "corrections").iterdir()) == [
        "东港区人力资源和社会保障局.xlsx", "日照港集团有限公司.xlsx",
    ]  # fmt: skip
    totals = demo.second.status.status.totals
    assert {k: totals[k] for k in ("units_done", "units_open", "rows", "valid_rows",
                                   "invalid_rows", "withdrawn_rows", "open_errors")} == {
        "units_done": 2, "units_open": 2, "rows": 47, "valid_rows": 43, "invalid_rows": 2,
        "withdrawn_rows": 1, "open_errors": 2,
    }  # fmt: skip


def test_demo_is_deterministic(demo: DemoResult, tmp_path: Path) -> None:
    again = run_demo(tmp_path)
    assert again.ingest.consolidated_csv.read_bytes() == demo.ingest.consolidated_csv.read_bytes()
    again_messages = [again.ingest.message(i) for i in again.ingest.issues]
    assert again_messages[1:] == [demo.ingest.message(i) for i in demo.ingest.issues][1:]
