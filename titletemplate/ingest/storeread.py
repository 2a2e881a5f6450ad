"""The store's read-only queries: statuses, issues, invalid and valid rows, the campaign
ledger's views and a record's sources (store.Store adds the writes)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from typing import Any

from ..columns import COLUMNS
from ..errors import CATALOGUE, Issue, Scope, Stage
from ..rules import RULES
from . import ledger
from .dedupe import Status
from .records import InvalidRow, RowLocation
from .schema import KEYS

_CHUNK = 900
ISSUE_COLS = (
    'i.origin, i.code, s.file_name, i.sheet, i.row, i."column", i.value, i.detail, s.unit, s.path'
)
_STORE_CODES = frozenset({"submission-superseded", "row-withdrawn", "correction-outdated"})
_RULE_CODES = frozenset(r.code for r in RULES)
_KEY_OF = {c.letter: c.key for c in COLUMNS}


def stored_issue(r: tuple[Any, ...]) -> Issue:
    """An issue from its row of the issues table (ISSUE_COLS): the one place stored issues
    become errors.Issue. The table keeps the column letter and the origin (file, row,
    derived); the key and the stage follow from them and the code. Its detail already words
    any other row the issue is about."""
    origin, code, file_name, sheet, row, letter, value, detail, unit, path = r
    stage = _STAGES[origin, code]
    return Issue(code, file_name, sheet, row, _KEY_OF.get(letter), value, detail, stage, None,
                 unit, path)  # fmt: skip


def _stage(origin: str, code: str) -> Stage:
    if origin == "derived":
        return Stage.DEDUPE
    if code in _STORE_CODES:
        return Stage.STORE
    if CATALOGUE[code].scope in (Scope.FILE, Scope.SHEET):
        return Stage.FILE
    return Stage.VALIDATE if code in _RULE_CODES else Stage.NORMALISE


_STAGES = {(o, c): _stage(o, c) for o in ("file", "row", "derived") for c in CATALOGUE}


def prefixed(alias: str) -> str:
    """The row columns, each as `alias.key`."""
    return ", ".join(f"{alias}.{k}" for k in KEYS)


class StoreReader:
    """Queries over one open SQLite connection (`_db`)."""

    _db: sqlite3.Connection

    def status_counts(self, ids: Iterable[int]) -> dict[int, dict[str, int]]:
        """Rows per status for each submission, and for a correction the rows it withdrew
        (`withdrawn`) and its own rows a later correction had already replaced (`outdated`)."""
        out: dict[int, dict[str, int]] = {
            i: {s.value: 0 for s in Status} | {"withdrawn": 0, "outdated": 0} for i in ids
        }
        sql = (
            "SELECT submission_id, CASE WHEN retired = 'outdated' AND retired_by = submission_id"
            " THEN 'outdated' ELSE status END, COUNT(*) FROM rows"
            " WHERE submission_id IN ({ids}) GROUP BY 1, 2"
        )
        for sid, status, n in self._select_in(sql, out):
            out[sid][status] = n
        sql = (
            "SELECT retired_by, COUNT(*) FROM rows WHERE retired = 'withdrawn'"
            " AND retired_by IN ({ids}) GROUP BY retired_by"
        )
        for sid, n in self._select_in(sql, out):
            out[sid]["withdrawn"] = n
        return out

    def issues(self, ids: Iterable[int]) -> list[Issue]:
        """Issues of these submissions: by submission, file-level first, then by row."""
        sql = (
            f"SELECT {ISSUE_COLS} FROM issues i JOIN submissions s ON s.id = i.submission_id"
            " WHERE i.submission_id IN ({ids})"
            " ORDER BY i.submission_id, i.row IS NOT NULL, i.row, i.id"
        )
        return [stored_issue(r) for r in self._select_in(sql, ids)]

    def invalid_rows(self, ids: Iterable[int]) -> list[InvalidRow]:
        """The current invalid rows of these submissions, in arrival order."""
        sql = (
            f"SELECT r.id, s.unit, s.unit_code, s.template_id, r.excel_row, {prefixed('r')}"
            " FROM rows r JOIN submissions s ON s.id = r.submission_id"
            " WHERE r.status = 'invalid' AND s.status = 'current' AND r.retired = ''"
            " AND r.submission_id IN ({ids}) ORDER BY r.submission_id, r.excel_row"
        )
        return [
            InvalidRow(r[0], r[1], r[2], r[3], r[4], tuple(r[5:]))
            for r in self._select_in(sql, ids)
        ]

    def row_issues(self, row_ids: Iterable[int]) -> dict[int, list[Issue]]:
        """Issues attached to these rows."""
        sql = (
            f"SELECT i.row_id, {ISSUE_COLS} FROM issues i"
            " JOIN submissions s ON s.id = i.submission_id WHERE i.row_id IN ({ids}) ORDER BY i.id"
        )
        out: dict[int, list[Issue]] = {}
        for r in self._select_in(sql, row_ids):
            out.setdefault(r[0], []).append(stored_issue(r[1:]))
        return out

    def _select_in(self, sql: str, ids: Iterable[int]) -> Iterator[tuple[Any, ...]]:
        """Run `sql` with `{ids}` bound to `ids` in chunks (SQLite limits bound parameters
        per statement: 999 in older builds), in ascending id order."""
        wanted = sorted(set(ids))
        for i in range(0, len(wanted), _CHUNK):
            chunk = wanted[i : i + _CHUNK]
            yield from self._db.execute(sql.format(ids=",".join("?" * len(chunk))), chunk)

    def valid_rows(self) -> Iterator[tuple[str, ...]]:
        """The consolidated rows: valid rows of current submissions, in arrival order."""
        for r in self._db.execute(
            f"SELECT {prefixed('r')} FROM rows r JOIN submissions s ON s.id = r.submission_id"
            " WHERE s.status = 'current' AND r.status = 'valid' AND r.retired = ''"
            " ORDER BY r.submission_id, r.excel_row"
        ):
            yield tuple(r)

    def valid_groups(self) -> list[tuple[str, str, int]]:
        """(series, level, rows) over the consolidated rows."""
        return list(
            self._db.execute(
                "SELECT r.series, r.level, COUNT(*) FROM rows r"
                " JOIN submissions s ON s.id = r.submission_id"
                " WHERE s.status = 'current' AND r.status = 'valid' AND r.retired = ''"
                " GROUP BY r.series, r.level"
            )
        )

    def current_units(self) -> set[str]:
        return {
            r[0]
            for r in self._db.execute(
                "SELECT DISTINCT unit FROM submissions WHERE status = 'current'"
            )
        }

    def current_template_ids(self) -> set[str]:
        return {
            r[0]
            for r in self._db.execute(
                "SELECT DISTINCT template_id FROM submissions WHERE status = 'current'"
            )
        }

    # --- the campaign ledger (ledger.py) ----------------------------------------------

    def unit_counts(self) -> dict[str, dict[str, int | str]]:
        return ledger.unit_counts(self._db)

    def unassigned_files(self) -> int:
        return ledger.unassigned_files(self._db)

    def open_submissions(self) -> set[int]:
        return ledger.open_submissions(self._db)

    def open_issues(self) -> list[Issue]:
        """The errors still open in the campaign, by unit, file and row."""
        sql = f"SELECT {ISSUE_COLS}{ledger.OPEN_ISSUES}"
        return [stored_issue(r) for r in self._db.execute(sql)]

    def latest_corrections(self) -> dict[str, ledger.IssuedCorrection]:
        return ledger.latest_corrections(self._db)

    def sources(self, kept_row_id: int) -> list[RowLocation]:
        """Every channel that sent the record kept as `kept_row_id` (itself included)."""
        return [
            RowLocation(*r)
            for r in self._db.execute(
                "SELECT s.id, s.unit, s.file_name, r.excel_row, s.sheet FROM sources x"
                " JOIN rows r ON r.id = x.row_id JOIN submissions s ON s.id = r.submission_id"
                " WHERE x.kept_row_id = ? ORDER BY r.submission_id, r.excel_row",
                (kept_row_id,),
            )
        ]
