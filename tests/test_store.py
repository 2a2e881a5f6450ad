"""The SQLite store: schema version, one transaction per file, supersession, statuses."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from titletemplate.errors import Issue, Stage, StoreError
from titletemplate.ingest import store as store_module
from titletemplate.ingest.exclusions import ExclusionEntry, ExclusionKind
from titletemplate.ingest.records import NewRow, NewSubmission
from titletemplate.ingest.schema import KEYS, migration
from titletemplate.ingest.store import SCHEMA_VERSION, Store

NONE_RETIRED = {"withdrawn": 0, "outdated": 0}
VALUES = ("A", "C1", "T", "370102197308291814", "N", "G", "S", "L", "TT", "20190101", "I", "R")


def _sub(sha: str, template_id: str = "tpl-1", **kw: str) -> NewSubmission:
    return NewSubmission(f"/in/{sha}.xlsx", f"{sha}.xlsx", sha, "2021-03-20T00:00:00Z",
                         template_id=template_id, unit=kw.get("unit", "U1"), sheet="S")  # fmt: skip


def _rows(*specs: tuple[int, bool]) -> list[NewRow]:
    return [NewRow(r, VALUES, ok, f"h{r}") for r, ok in specs]


def test_a_new_database_has_the_current_schema_in_wal_mode(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db"):
        pass
    db = sqlite3.connect(tmp_path / "s.db")
    assert db.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
    assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert tables == {
        "submissions",
        "rows",
        "sources",
        "issues",
        "exclusions",
        "originals",
        "corrections",
    }


def test_a_database_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "s.db")
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(StoreError) as caught:
        Store(tmp_path / "s.db")
    assert caught.value.code == "store-too-new"


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    (tmp_path / "s.db").write_bytes(b"not a database" * 100)
    with pytest.raises(StoreError) as caught:
        Store(tmp_path / "s.db")
    assert caught.value.code == "store-unusable"


def test_rows_and_issues_are_stored_with_their_row(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        sid, superseded = store.add(
            _sub("a"),
            _rows((8, True), (9, False)),
            [Issue("id-number-checksum", "", "S", 9, "id_number", stage=Stage.VALIDATE)],
        )
        assert superseded == ()
        assert store.status_counts([sid]) == {
            sid: {"valid": 1, "invalid": 1, "duplicate": 0, "excluded": 0, **NONE_RETIRED}
        }
        assert [(i.code, i.row, i.column, i.stage) for i in store.issues([sid])] == [
            ("id-number-checksum", 9, "id_number", "validate")
        ]
        stored = store._db.execute('SELECT origin, "column" FROM issues').fetchall()
        assert stored == [("row", "D")]  # the schema keeps the letter
        assert store.find("a") is not None and store.find("b") is None


def test_a_newer_submission_of_the_same_template_supersedes_the_older(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        first, _ = store.add(_sub("a"), _rows((8, True)), [])
        second, superseded = store.add(_sub("b"), _rows((8, True), (9, True)), [])
        assert [s.id for s in superseded] == [first]
        old = store.find("a")
        assert old is not None and (old.status, old.superseded_by) == ("superseded", second)
        assert [(c.submission_id, c.excel_row) for c in store.candidates()] == [
            (second, 8),
            (second, 9),
        ]
        assert [i.code for i in store.issues([first])] == ["submission-superseded"]
        assert store.status_counts([first])[first]["valid"] == 1  # history keeps the rows


def test_a_failed_file_leaves_nothing_behind(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        bad_issue = Issue("no-such-code", "", "S", 8, "region_code")
        with pytest.raises(KeyError):
            store.add(_sub("a"), _rows((8, True)), [bad_issue])
        assert store.find("a") is None
        assert store.candidates() == []


def test_a_rejected_file_is_judged_again_when_it_comes_back(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        rejected = NewSubmission("/in/a.xlsx", "a.xlsx", "a", "t", rejected_code="file-corrupt")
        store.add(rejected, [], [Issue("file-corrupt")])
        sid, _ = store.add(_sub("a"), _rows((8, True)), [])
        found = store.find("a")
        assert found is not None and (found.id, found.status) == (sid, "current")


def test_storing_a_known_file_twice_is_a_programming_error(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        store.add(_sub("a"), [], [])
        with pytest.raises(ValueError):
            store.add(_sub("a"), [], [])


def test_issues_come_back_with_their_stage_column_key_and_file(tmp_path: Path) -> None:
    found = [
        Issue("template-vocab-outdated", "a.xlsx", detail="abc"),
        Issue("rows-outside-input-block", "a.xlsx", "S", 2010),
        Issue("cell-formula", "", "S", 8, "name", "=A1", stage=Stage.NORMALISE),
        Issue("row-merged-cells", "", "S", 9, "region_code", "A9:C9", stage=Stage.NORMALISE),
        Issue("id-number-checksum", "", "S", 9, "id_number", "370102197308291815",
              stage=Stage.VALIDATE),
    ]  # fmt: skip
    with Store(tmp_path / "s.db") as store:
        first, _ = store.add(_sub("a"), _rows((8, False), (9, False)), found)
        store.add(_sub("b"), [NewRow(8, VALUES, True, "h8")], [])  # supersedes a
        store.add(_sub("c", "tpl-2"), [NewRow(8, VALUES, True, "h8")], [])  # duplicates b's
        store.recompute()
        back = [(i.code, i.stage, i.row, i.column, i.value, i.file, i.unit, i.path)
                for i in store.issues([first, 3])]  # fmt: skip
    assert back == [
        ("template-vocab-outdated", "file", None, None, "", "a.xlsx", "U1", "/in/a.xlsx"),
        ("submission-superseded", "store", None, None, "", "a.xlsx", "U1", "/in/a.xlsx"),
        ("cell-formula", "normalise", 8, "name", "=A1", "a.xlsx", "U1", "/in/a.xlsx"),
        ("row-merged-cells", "normalise", 9, "region_code", "A9:C9", "a.xlsx", "U1",
         "/in/a.xlsx"),
        ("id-number-checksum", "validate", 9, "id_number", "370102197308291815", "a.xlsx",
         "U1", "/in/a.xlsx"),
        ("rows-outside-input-block", "file", 2010, None, "", "a.xlsx", "U1", "/in/a.xlsx"),
        ("duplicate-certificate", "dedupe", 8, "cert_no", "C1", "c.xlsx", "U1", "/in/c.xlsx"),
    ]  # fmt: skip


def test_recomputed_statuses_report_which_submissions_changed(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        a, _ = store.add(_sub("a", "tpl-1"), _rows((8, True)), [])
        b, _ = store.add(_sub("b", "tpl-2"), [NewRow(8, VALUES, True, "h8")], [])
        assert store.recompute() == {b}
        assert store.status_counts([a, b]) == {
            a: {"valid": 1, "invalid": 0, "duplicate": 0, "excluded": 0, **NONE_RETIRED},
            b: {"valid": 0, "invalid": 0, "duplicate": 1, "excluded": 0, **NONE_RETIRED},
        }
        assert [(i.code, i.row, i.column, i.value, i.detail) for i in store.issues([b])] == [
            ("duplicate-certificate", 8, "cert_no", "C1", "U1 a.xlsx 第 8 行")
        ]
        kept = store.candidates()[0].row_id
        assert [(s.file_name, s.excel_row) for s in store.sources(kept)] == [
            ("a.xlsx", 8),
            ("b.xlsx", 8),
        ]
        assert store.recompute() == set()
        assert [i.code for i in store.issues([b])] == ["duplicate-certificate"]
        assert list(store.valid_rows()) == [VALUES]


def test_exclusion_lists_replace_the_stored_list_of_their_kind(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        store.set_exclusions(ExclusionKind.REVOKED, [ExclusionEntry("1"), ExclusionEntry("2")], "x")
        store.set_exclusions(ExclusionKind.ECERT, [ExclusionEntry("3", "C")], "y")
        store.set_exclusions(ExclusionKind.REVOKED, [ExclusionEntry("4")], "z")
        assert store.exclusions(ExclusionKind.REVOKED) == (ExclusionEntry("4"),)
        assert store.exclusions(ExclusionKind.ECERT) == (ExclusionEntry("3", "C"),)


def test_a_version_1_database_gets_the_dedupe_keys_of_its_rows_and_lists(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "s.db", isolation_level=None)
    for statement in migration(0):
        db.execute(statement)
    db.execute("PRAGMA user_version = 1")
    for n in (1, 2):
        db.execute(
            "INSERT INTO submissions (id, path, file_name, sha256, template_id, received_at,"
            " status) VALUES (?, ?, ?, ?, ?, 't', 'current')",
            (n, f"/in/{n}.xlsx", f"{n}.xlsx", f"sha{n}", f"tpl-{n}"),
        )
    old_rows = [  # (submission, Excel row, certificate number, ID number, title name)
        (1, 8, "ab1", "370102197308291814", "一级教师"),
        (2, 8, "AB1", "370102197308291814", "工程师"),  # same certificate (case)
        (2, 9, "", "11010119900307803x", "一级 教师"),  # revoked below (x, spaces)
    ]
    for sid, excel_row, cert, id_number, title in old_rows:
        values = {"cert_no": cert, "id_number": id_number, "title_name": title}
        row = [values.get(k, v) for k, v in zip(KEYS, VALUES, strict=True)]
        db.execute(
            f"INSERT INTO rows (submission_id, excel_row, {', '.join(KEYS)}, checked, status,"
            f" row_hash) VALUES (?, ?, {', '.join('?' * len(KEYS))}, 'valid', 'valid', 'h')",
            (sid, excel_row, *row),
        )
    db.execute(
        "INSERT INTO exclusions (kind, id_number, title_name) VALUES"
        " ('revoked', '11010119900307803X', '一级教师')"
    )
    db.close()
    with Store(tmp_path / "s.db") as store:
        assert store.recompute() == {2}
        assert [(i.code, i.row) for i in store.issues([2])] == [
            ("duplicate-certificate", 8),
            ("title-revoked", 9),
        ]
    db = sqlite3.connect(tmp_path / "s.db")
    assert db.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,) == (4,)
    # Version 4: every old row stays current, no submission corrects another.
    assert db.execute("SELECT COUNT(*) FROM rows WHERE retired = ''").fetchone() == (3,)
    assert db.execute("SELECT DISTINCT corrects FROM submissions").fetchall() == [("",)]
    assert db.execute("SELECT id_key, title_key FROM exclusions").fetchall() == [
        ("11010119900307803X", "一级教师")
    ]
    db.close()


def _rows_in_database_file(path: Path, copy: Path) -> int:
    """Rows the database file holds without its WAL."""
    copy.write_bytes(path.read_bytes())
    db = sqlite3.connect(copy)
    try:
        if not db.execute("SELECT 1 FROM sqlite_master WHERE name = 'rows'").fetchone():
            return 0  # not even the schema
        return int(db.execute("SELECT COUNT(*) FROM rows").fetchone()[0])
    finally:
        db.close()


def test_commits_leave_the_wal_to_checkpoint_which_copies_it_into_the_database(
    tmp_path: Path,
) -> None:
    with Store(tmp_path / "s.db") as store:
        store.add(_sub("a"), _rows(*((r, True) for r in range(8, 2008))), [])
        assert _rows_in_database_file(tmp_path / "s.db", tmp_path / "before.db") == 0
        store.checkpoint()
        assert _rows_in_database_file(tmp_path / "s.db", tmp_path / "after.db") == 2000


def test_a_large_wal_is_copied_and_truncated_when_it_passes_its_bound(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_module, "WAL_BYTES", 64 * 2**10)
    wal = tmp_path / "s.db-wal"
    with Store(tmp_path / "s.db") as store:
        store.add(_sub("a"), _rows(*((r, True) for r in range(8, 2008))), [])
        assert _rows_in_database_file(tmp_path / "s.db", tmp_path / "copy.db") == 2000
        store.add(_sub("b", "tpl-2"), _rows((8, True)), [])
        assert wal.stat().st_size <= 64 * 2**10
