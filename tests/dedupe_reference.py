"""The in-memory recompute that the SQL one replaced, kept as the oracle it is compared with:
every current row loaded as a Candidate, dedupe.resolve, then statuses, sources and derived
issues written back (what ingest._recompute and Store.candidates/apply did before)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from titletemplate import messages
from titletemplate.columns import BY_KEY, COLUMNS
from titletemplate.dedupe import Candidate, Resolution, resolve
from titletemplate.errors import CATALOGUE
from titletemplate.exclusions import ExclusionEntry, ExclusionKind, ExclusionList
from titletemplate.report import mask_value

_KEYS = tuple(c.key for c in COLUMNS)
_INDEX = {k: i for i, k in enumerate(_KEYS)}
_CURRENT = "SELECT id FROM submissions WHERE status = 'current'"


def candidates(db: sqlite3.Connection) -> list[Candidate]:
    """Every row of every current submission, in arrival order."""
    return [
        Candidate(r[0], r[1], r[2], tuple(r[3:15]), r[15] == "valid", r[16])
        for r in db.execute(
            f"SELECT r.id, r.submission_id, r.excel_row, {', '.join('r.' + k for k in _KEYS)},"
            " r.checked, r.row_hash FROM rows r JOIN submissions s ON s.id = r.submission_id"
            " WHERE s.status = 'current' ORDER BY r.submission_id, r.excel_row"
        )
    ]


def _list(db: sqlite3.Connection, kind: ExclusionKind) -> ExclusionList:
    entries = db.execute(
        "SELECT id_number, cert_no, title_name FROM exclusions WHERE kind = ?", (str(kind),)
    )
    return ExclusionList(kind, tuple(ExclusionEntry(*e) for e in entries))


def reference_recompute(db: sqlite3.Connection) -> set[int]:
    """The old ingest._recompute on a connection in autocommit mode."""
    rows = candidates(db)
    revoked, ecert = (_list(db, k) for k in (ExclusionKind.REVOKED, ExclusionKind.ECERT))
    resolution = resolve(rows, revoked.index(), ecert.index())
    by_id = {c.row_id: c for c in rows}
    subs = {r[0]: r[1:] for r in db.execute("SELECT id, unit, file_name, sheet FROM submissions")}
    derived = []
    for d in resolution.findings:
        row = by_id[d.row_id]
        detail = ""
        if d.other is not None:
            other = by_id[d.other]
            unit, file_name, _ = subs[other.submission_id]
            detail = messages.SOURCE_LOCATION.format(unit=unit, file=file_name, row=other.excel_row)
        column = BY_KEY[d.column].letter
        value = row.values[_INDEX[d.column]]
        derived.append(
            (row.submission_id, d.row_id, d.code, subs[row.submission_id][2], row.excel_row,
             column, value, mask_value(column, value), detail)
        )  # fmt: skip
    return _apply(db, resolution, derived)


def _apply(
    db: sqlite3.Connection, resolution: Resolution, issues: Sequence[tuple[object, ...]]
) -> set[int]:
    changed: set[int] = set()
    db.execute("BEGIN IMMEDIATE")
    old = {
        r[0]: (r[1], r[2])
        for r in db.execute(
            f"SELECT id, submission_id, status FROM rows WHERE submission_id IN ({_CURRENT})"
        )
    }
    updates = []
    for row_id, status in resolution.statuses.items():
        sid, before = old[row_id]
        if before != status:
            updates.append((str(status), row_id))
            changed.add(sid)
    db.executemany("UPDATE rows SET status = ? WHERE id = ?", updates)
    db.execute(f"DELETE FROM issues WHERE origin = 'derived' AND submission_id IN ({_CURRENT})")
    db.executemany(
        "INSERT INTO issues (submission_id, row_id, origin, code, severity, sheet, row,"
        ' "column", value, value_masked, detail)'
        " VALUES (?, ?, 'derived', ?, ?, ?, ?, ?, ?, ?, ?)",
        [(i[0], i[1], i[2], str(CATALOGUE[i[2]].severity), *i[3:]) for i in issues],
    )
    db.execute(
        f"DELETE FROM sources WHERE row_id IN (SELECT id FROM rows WHERE submission_id IN"
        f" ({_CURRENT}))"
    )
    db.executemany(
        "INSERT INTO sources (row_id, kept_row_id, via) VALUES (?, ?, ?)",
        [(a, b, str(via)) for a, b, via in resolution.sources],
    )
    db.execute("COMMIT")
    return changed


def snapshot(db: sqlite3.Connection) -> tuple[list[tuple[object, ...]], ...]:
    """Everything a recompute writes: row statuses, sources and issues (with their ids)."""
    return (
        db.execute("SELECT id, status FROM rows ORDER BY id").fetchall(),
        db.execute("SELECT row_id, kept_row_id, via FROM sources ORDER BY row_id").fetchall(),
        db.execute(
            'SELECT id, submission_id, row_id, origin, code, severity, sheet, row, "column",'
            " value, value_masked, detail FROM issues ORDER BY id"
        ).fetchall(),
    )
