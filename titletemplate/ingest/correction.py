"""A returned correction takes the place of the rows it was made from: each prefilled row
replaces its source row, a prefilled row the unit emptied withdraws it, and a correction
issued before the one already applied to a row changes nothing there. Runs inside
Store.add's transaction."""

from __future__ import annotations

import sqlite3

from ..columns import FIRST_DATA_ROW
from ..errors import Issue, Stage
from ..fingerprint import Origin

_LATEST = "\uffff"  # later than any issue time
_MAX_CHAIN = 1000  # corrections of corrections of one row; a loop would be a bug


def apply_origin(db: sqlite3.Connection, sid: int, issued_at: str, origin: Origin) -> list[Issue]:
    """Retire the source rows of correction `sid` (stored, rows included, in this
    transaction) or its own rows where a later correction got there first.

    Returns:
        An info issue (row-withdrawn, correction-outdated) per row of the correction that
        changed nothing, naming the other row."""
    own = dict(
        db.execute("SELECT excel_row, id FROM rows WHERE submission_id = ?", (sid,)).fetchall()
    )
    notes: list[Issue] = []
    for i, (template, source_row) in enumerate(origin.rows):
        position = FIRST_DATA_ROW + i
        new_row = own.get(position)
        if new_row is not None:
            db.execute(
                "UPDATE rows SET source_template = ?, source_row = ? WHERE id = ?",
                (template, source_row, new_row),
            )
        start = db.execute(
            "SELECT r.id FROM rows r JOIN submissions s ON s.id = r.submission_id"
            " WHERE s.template_id = ? AND s.status = 'current' AND r.excel_row = ?",
            (template, source_row),
        ).fetchone()
        if start is None:  # the source row is gone (its template came back without it)
            continue
        end, newest = _chain_end(db, start[0])
        if newest > issued_at:
            if new_row is not None:
                db.execute(
                    "UPDATE rows SET retired = 'outdated', retired_by = ?, replaced_by = ?"
                    " WHERE id = ?",
                    (sid, end, new_row),
                )
                notes.append(_note("correction-outdated", position, _where(db, end)))
            continue
        if new_row is not None:
            db.execute(
                "UPDATE rows SET retired = 'corrected', retired_by = ?, replaced_by = ?"
                " WHERE id = ?",
                (sid, new_row, end),
            )
        else:
            db.execute(
                "UPDATE rows SET retired = 'withdrawn', retired_by = ?, replaced_by = NULL"
                " WHERE id = ?",
                (sid, end),
            )
            notes.append(_note("row-withdrawn", position, _where(db, end)))
    return notes


def _chain_end(db: sqlite3.Connection, row_id: int) -> tuple[int, str]:
    """The row that stands for a source row now (following the rows that replaced it) and
    the issue time of the newest correction on the way ("" when none)."""
    newest = ""
    for _ in range(_MAX_CHAIN):
        retired, by, replaced_by = db.execute(
            "SELECT r.retired, s.issued_at, r.replaced_by FROM rows r"
            " LEFT JOIN submissions s ON s.id = r.retired_by WHERE r.id = ?",
            (row_id,),
        ).fetchone()
        if not retired:
            return row_id, newest
        if retired == "resubmitted":  # the whole template came back after this correction
            return row_id, _LATEST
        newest = max(newest, by or "")
        if replaced_by is None:  # withdrawn: a later correction may bring it back
            return row_id, newest
        row_id = replaced_by
    raise RuntimeError(f"row {row_id}: correction chain does not end")


def _where(db: sqlite3.Connection, row_id: int) -> tuple[str, str, int]:
    """Unit, file name and Excel row of a row: the note's other row."""
    unit, name, excel_row = db.execute(
        "SELECT s.unit, s.file_name, r.excel_row FROM rows r JOIN submissions s"
        " ON s.id = r.submission_id WHERE r.id = ?",
        (row_id,),
    ).fetchone()
    return unit, name, excel_row


def retire_resubmitted(db: sqlite3.Connection, sid: int, template: str) -> None:
    """The whole template `template` came back again as `sid`: the rows of corrections that
    replaced rows of its earlier version give way to the new version's rows."""
    db.execute(
        "UPDATE rows SET retired = 'resubmitted', retired_by = ? WHERE source_template = ?"
        " AND retired = '' AND submission_id IN (SELECT id FROM submissions"
        " WHERE status = 'current')",
        (sid, template),
    )


def _note(code: str, row: int, other: tuple[str, str, int]) -> Issue:
    return Issue(code, row=row, stage=Stage.STORE, other=other)
