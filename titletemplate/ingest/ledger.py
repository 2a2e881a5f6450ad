"""The campaign ledger in the store: counts per unit over the current rows, the correction
workbooks issued and which of them came back."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

_CURRENT_ROWS = (
    "FROM rows r JOIN submissions s ON s.id = r.submission_id"
    " WHERE s.status = 'current' AND r.retired = ''"
)
_QUERIES = {
    "status": f"SELECT s.unit, r.status || '_rows', COUNT(*) {_CURRENT_ROWS} GROUP BY 1, 2",
    "files": "SELECT unit, 'files', COUNT(*) FROM submissions WHERE status != 'rejected'"
    " AND unit != '' GROUP BY unit",
    # A row withdrawn by a correction, while both are current (a whole template sent again
    # takes its withdrawn rows out of the current set).
    "withdrawn": "SELECT c.unit, 'withdrawn_rows', COUNT(*) FROM rows r"
    " JOIN submissions c ON c.id = r.retired_by JOIN submissions o ON o.id = r.submission_id"
    " WHERE r.retired = 'withdrawn' AND c.status = 'current' AND o.status = 'current'"
    " GROUP BY c.unit",
    "open_errors": "SELECT s.unit, 'open_errors', COUNT(*) FROM issues i"
    " JOIN rows r ON r.id = i.row_id JOIN submissions s ON s.id = r.submission_id"
    " WHERE s.status = 'current' AND r.retired = '' AND r.status = 'invalid'"
    " AND i.severity = 'error' GROUP BY s.unit",
    "corrections": "SELECT c.unit, 'correction_issued', COUNT(*) FROM corrections c"
    " GROUP BY c.unit",
    "returned": "SELECT c.unit, 'correction_returned', COUNT(*) FROM corrections c"
    " WHERE EXISTS (SELECT 1 FROM submissions s WHERE s.template_id = c.template_id"
    " AND s.status != 'rejected') GROUP BY c.unit",
}


@dataclass(frozen=True, slots=True)
class IssuedCorrection:
    template_id: str
    unit: str
    unit_code: str
    issued_at: str
    rows: int
    file_name: str
    rows_key: str = ""  # what it was made from (see latest_corrections)


def unit_counts(db: sqlite3.Connection) -> dict[str, dict[str, int | str]]:
    """unit -> counters (status.COUNTERS, `<status>_rows` over the current rows) and the time
    of its last accepted file (`last_received`)."""
    out: dict[str, dict[str, int | str]] = {}
    for sql in _QUERIES.values():
        for unit, name, n in db.execute(sql):
            counts = out.setdefault(unit, {})
            counts[name] = n
    for unit, last in db.execute(
        "SELECT unit, MAX(received_at) FROM submissions WHERE status != 'rejected'"
        " AND unit != '' GROUP BY unit"
    ):
        out.setdefault(unit, {})["last_received"] = last
    out.pop("", None)
    for counts in out.values():
        counts["rows"] = sum(
            int(counts.get(f"{s}_rows", 0)) for s in ("valid", "invalid", "duplicate", "excluded")
        )
    return out


def open_submissions(db: sqlite3.Connection) -> set[int]:
    """Current submissions with a current invalid row (whose units get a correction)."""
    return {
        r[0] for r in db.execute(f"SELECT DISTINCT s.id {_CURRENT_ROWS} AND r.status = 'invalid'")
    }


OPEN_ISSUES = (  # the error issues of the current invalid rows: what the campaign has open
    " FROM issues i JOIN submissions s ON s.id = i.submission_id JOIN rows r ON r.id = i.row_id"
    " WHERE s.status = 'current' AND r.retired = '' AND r.status = 'invalid'"
    " AND i.severity = 'error' ORDER BY s.unit, i.submission_id, i.row, i.id"
)


def unassigned_files(db: sqlite3.Connection) -> int:
    """Files of no known unit (rejected before their identity was read)."""
    found: int = db.execute("SELECT COUNT(*) FROM submissions WHERE unit = ''").fetchone()[0]
    return found


def record_corrections(db: sqlite3.Connection, issued: Iterable[IssuedCorrection]) -> None:
    db.executemany(
        "INSERT OR REPLACE INTO corrections (template_id, unit, unit_code, issued_at, rows,"
        " file_name, rows_key) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(c.template_id, c.unit, c.unit_code, c.issued_at, c.rows, c.file_name, c.rows_key)
         for c in issued],
    )  # fmt: skip


def forget_corrections(db: sqlite3.Connection, template_ids: Iterable[str]) -> None:
    """Take back corrections recorded as issued whose workbooks could not be written."""
    db.executemany("DELETE FROM corrections WHERE template_id = ?", [(t,) for t in template_ids])


def latest_corrections(db: sqlite3.Connection) -> dict[str, IssuedCorrection]:
    """unit -> the last correction issued to it."""
    out: dict[str, IssuedCorrection] = {}
    for r in db.execute(
        "SELECT template_id, unit, unit_code, issued_at, rows, file_name, rows_key"
        " FROM corrections ORDER BY issued_at, rowid"
    ):
        out[r[1]] = IssuedCorrection(*r)
    return out
