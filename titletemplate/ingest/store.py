"""The bureau's SQLite store: submissions, rows with provenance, duplicate sources, issues and
exclusion lists. ID numbers are stored raw: the database is the bureau's own record and is
never sent out; every report masks them (privacy.py) unless asked not to."""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from types import TracebackType

from .. import messages
from ..columns import BY_KEY
from ..errors import CATALOGUE, Issue, Stage, StoreError
from ..fingerprint import parse_origin
from ..privacy import mask_value
from ..vocab import text_key
from . import dedupesql, ledger
from .correction import apply_origin, retire_resubmitted
from .dedupe import Candidate, certificate_key, person_title_key
from .exclusions import ExclusionEntry, ExclusionKind
from .records import NewRow, NewSubmission, StoredSubmission
from .schema import KEYS, SCHEMA_VERSION, TEXT_KEY_FUNCTION, UPPER_FUNCTION, migration
from .storeread import StoreReader, prefixed

BUSY_TIMEOUT_MS = 30_000  # another ingest may hold the write lock for one file's transaction
# The WAL is copied into the database when it grows past this (and by `checkpoint`, which
# ingest calls when it would wait anyway): SQLite's default of 4 MB made the commit of every
# large file pay for it (~0.2 s for 100,000 rows, a 33 MB WAL). The WAL file is truncated
# back to this size once copied, so it stays bounded however long the batch.
WAL_BYTES = 128 * 2**20
_VALUES = ", ".join(KEYS)


_SUB_COLS = (
    "id, path, file_name, sha256, template_id, unit, unit_code, sheet, status, code, superseded_by"
)


class Store(StoreReader):
    """One SQLite file. Each public write method is one transaction."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(self.path, isolation_level=None)
            self._db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self._wal()
            # WAL with NORMAL syncs at checkpoints, not at every file's commit: a power cut
            # can lose the last files' commits (ingest them again) but never corrupts the store.
            self._db.execute("PRAGMA synchronous = NORMAL")
            page = self._db.execute("PRAGMA page_size").fetchone()[0]
            self._db.execute(f"PRAGMA wal_autocheckpoint = {WAL_BYTES // page}")
            self._db.execute(f"PRAGMA journal_size_limit = {WAL_BYTES}")
            self._db.execute("PRAGMA foreign_keys = ON")
            # Recomputing statuses works in temporary tables: on disk, never all in memory.
            self._db.execute("PRAGMA temp_store = FILE")
            self._db.create_function(UPPER_FUNCTION, 1, str.upper, deterministic=True)
            self._db.create_function(TEXT_KEY_FUNCTION, 1, text_key, deterministic=True)
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError("store-unusable", f"{self.path.name}: {exc}") from None

    def close(self) -> None:
        self._db.close()

    def checkpoint(self) -> None:
        """Copy the WAL into the database now, without waiting for readers (what the WAL
        holds stays safe either way; this only spares a later commit the copy)."""
        self._db.execute("PRAGMA wal_checkpoint(PASSIVE)")

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def _wal(self) -> None:
        """Switch to WAL. On a new file, several processes opening it at once race for the
        switch, and SQLite answers the losers "database is locked" at once, without waiting
        for the busy timeout: wait here instead."""
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        while True:
            try:
                self._db.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.01)

    def _migrate(self) -> None:
        """Bring the schema up to date; each step reads the version inside its write
        transaction, so processes opening a new store at once migrate it exactly once."""
        while True:
            with self._transaction() as db:
                version = db.execute("PRAGMA user_version").fetchone()[0]
                if version > SCHEMA_VERSION:
                    raise StoreError("store-too-new", f"{self.path.name}: schema {version}")
                if version == SCHEMA_VERSION:
                    return
                for statement in migration(version):
                    db.execute(statement)
                db.execute(f"PRAGMA user_version = {version + 1}")

    # --- submissions -------------------------------------------------------------------

    def find(self, sha256: str) -> StoredSubmission | None:
        row = self._db.execute(
            f"SELECT {_SUB_COLS} FROM submissions WHERE sha256 = ?", (sha256,)
        ).fetchone()
        return StoredSubmission(*row) if row else None

    def current_submissions(self) -> list[StoredSubmission]:
        """The current (accepted, not superseded) submissions, in arrival order."""
        sql = f"SELECT {_SUB_COLS} FROM submissions WHERE status = 'current' ORDER BY id"
        return [StoredSubmission(*r) for r in self._db.execute(sql)]

    def keep_original(self, sha256: str, data: bytes) -> None:
        """Keep an accepted file's bytes (once per content)."""
        with self._transaction() as db:
            db.execute(
                "INSERT OR IGNORE INTO originals (sha256, data) VALUES (?, ?)", (sha256, data)
            )

    def original(self, sha256: str) -> bytes | None:
        row = self._db.execute("SELECT data FROM originals WHERE sha256 = ?", (sha256,)).fetchone()
        return None if row is None else bytes(row[0])

    def submission_groups(self, ids: Iterable[int]) -> dict[int, list[tuple[str, str]]]:
        """(series, level) of each submission's valid rows."""
        out: dict[int, list[tuple[str, str]]] = {}
        sql = (
            "SELECT DISTINCT submission_id, series, level FROM rows"
            " WHERE submission_id IN ({ids}) AND status = 'valid'"
        )
        for sid, series, level in self._select_in(sql, ids):
            out.setdefault(sid, []).append((series, level))
        return out

    def submissions(self, ids: Iterable[int]) -> dict[int, StoredSubmission]:
        sql = f"SELECT {_SUB_COLS} FROM submissions WHERE id IN ({{ids}})"
        return {r[0]: StoredSubmission(*r) for r in self._select_in(sql, ids)}

    def add(
        self, sub: NewSubmission, rows: Iterable[NewRow], issues: Iterable[Issue]
    ) -> tuple[int, tuple[StoredSubmission, ...]]:
        """Store one file in one transaction; a current submission of the same template is
        superseded (its rows leave the current set and stay in history). `rows` is consumed
        as it is stored (it may still be arriving), then `issues`; an exception from either
        rolls the whole file back.

        Returns:
            The new submission id and the submissions it superseded.
        """
        status = "rejected" if sub.rejected_code else "current"
        with self._transaction() as db:
            old = db.execute(
                "SELECT id, status FROM submissions WHERE sha256 = ?", (sub.sha256,)
            ).fetchone()
            if old and old[1] != "rejected":
                raise ValueError(f"submission {sub.sha256[:12]} is already stored")
            if old:  # a file rejected before is judged again (reader or keys may have changed)
                db.execute("DELETE FROM issues WHERE submission_id = ?", (old[0],))
                db.execute("DELETE FROM submissions WHERE id = ?", (old[0],))
            new_id = db.execute(
                "INSERT INTO submissions (path, file_name, sha256, template_id, unit, unit_code,"
                " received_at, vocab_fingerprint, sheet, status, code, issued_at, corrects)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    sub.path,
                    sub.file_name,
                    sub.sha256,
                    sub.template_id,
                    sub.unit,
                    sub.unit_code,
                    sub.received_at,
                    sub.vocab_fingerprint,
                    sub.sheet,
                    status,
                    sub.rejected_code,
                    sub.issued_at,
                    sub.corrects,
                ),
            ).lastrowid
            assert new_id is not None
            superseded = self._supersede(db, new_id, sub) if status == "current" else ()
            db.executemany(
                f"INSERT INTO rows (submission_id, excel_row, {_VALUES}, checked, status, row_hash,"
                f" cert_key, id_key, title_key) VALUES (?, ?, {', '.join('?' * len(KEYS))},"
                " ?, ?, ?, ?, ?, ?)",
                (  # a generator: no second copy of a large file's rows
                    (
                        new_id,
                        r.excel_row,
                        *r.values,
                        "valid" if r.checked_ok else "invalid",
                        "valid" if r.checked_ok else "invalid",
                        r.row_hash,
                        certificate_key(r.values),
                        *person_title_key(r.values)[1:],
                    )
                    for r in rows
                ),
            )
            self._insert_issues(db, [(new_id, None, i) for i in issues])
            origin = parse_origin(sub.corrects, sub.source_rows)
            if origin is not None and status == "current":
                notes = apply_origin(db, new_id, sub.issued_at, origin)
                self._insert_issues(
                    db, [(new_id, None, replace(n, sheet=sub.sheet)) for n in notes]
                )
        return new_id, superseded

    def _supersede(
        self, db: sqlite3.Connection, new_id: int, sub: NewSubmission
    ) -> tuple[StoredSubmission, ...]:
        if not sub.template_id:
            return ()
        older = [
            StoredSubmission(*r)
            for r in db.execute(
                f"SELECT {_SUB_COLS} FROM submissions"
                " WHERE template_id = ? AND status = 'current' AND id != ?",
                (sub.template_id, new_id),
            )
        ]
        for s in older:
            db.execute(
                "UPDATE submissions SET status = 'superseded', superseded_by = ? WHERE id = ?",
                (new_id, s.id),
            )
            superseded = Issue("submission-superseded", stage=Stage.STORE)
            self._insert_issues(db, [(s.id, None, superseded)])
        if older:
            retire_resubmitted(db, new_id, sub.template_id)
        return tuple(older)

    @staticmethod
    def _insert_issues(
        db: sqlite3.Connection, items: Iterable[tuple[int, int | None, Issue]]
    ) -> None:
        """(submission id, row id, issue). Row id None: the issue's row of its submission, if
        it has one, found through the (submission_id, excel_row) index (no map of a large
        file's rows in memory)."""
        db.executemany(
            "INSERT INTO issues (submission_id, row_id, origin, code, severity, sheet, row,"
            ' "column", value, value_masked, detail) VALUES (?1, COALESCE(?2, (SELECT id'
            " FROM rows WHERE submission_id = ?1 AND excel_row = ?7)), ?3, ?4, ?5, ?6, ?7, ?8,"
            " ?9, ?10, ?11)",
            [(sid, row_id, *_stored(i)) for sid, row_id, i in items],
        )

    # --- exclusion lists ---------------------------------------------------------------

    def set_exclusions(
        self, kind: ExclusionKind, entries: Sequence[ExclusionEntry], source: str
    ) -> None:
        """Replace the stored list of `kind`; it applies to every later run until replaced."""
        with self._transaction() as db:
            db.execute("DELETE FROM exclusions WHERE kind = ?", (str(kind),))
            db.executemany(
                "INSERT INTO exclusions (kind, id_number, cert_no, title_name, source, id_key,"
                " cert_key, title_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (str(kind), e.id_number, e.cert_no, e.title_name, source, *e.match_keys())
                    for e in entries
                ],
            )

    def exclusions(self, kind: ExclusionKind) -> tuple[ExclusionEntry, ...]:
        return tuple(
            ExclusionEntry(*r)
            for r in self._db.execute(
                "SELECT id_number, cert_no, title_name FROM exclusions WHERE kind = ?",
                (str(kind),),
            )
        )

    # --- current rows and their statuses ------------------------------------------------

    def candidates(self) -> list[Candidate]:
        """Every row of every current submission, in arrival order (all in memory: for tests
        and small stores; `recompute` does not use it)."""
        return [
            Candidate(r[0], r[1], r[2], tuple(r[3:15]), r[15] == "valid", *r[16:])
            for r in self._db.execute(
                f"SELECT r.id, r.submission_id, r.excel_row, {prefixed('r')}, r.checked,"
                " r.row_hash, s.unit, s.file_name FROM rows r"
                " JOIN submissions s ON s.id = r.submission_id"
                " WHERE s.status = 'current' AND r.retired = ''"
                " ORDER BY r.submission_id, r.excel_row"
            )
        ]

    def recompute(self) -> set[int]:
        """Judge every current row again (lists, then duplicates; see dedupe.py) and store its
        status, its source and its derived issue. One transaction; the work happens in
        SQLite's temporary tables, so memory does not grow with the rows.

        Returns:
            The submissions with at least one row whose status changed.
        """
        with self._transaction() as db:
            changed, _ = dedupesql.resolve_current(db)
            for batch in dedupesql.findings(db):
                self._insert_issues(db, batch)
            dedupesql.drop(db)
        return changed

    def record_corrections(self, issued: Iterable[ledger.IssuedCorrection]) -> None:
        with self._transaction() as db:
            ledger.record_corrections(db, issued)

    def forget_corrections(self, template_ids: Sequence[str]) -> None:
        if template_ids:
            with self._transaction() as db:
                ledger.forget_corrections(db, template_ids)


def _stored(i: Issue) -> tuple[object, ...]:
    """An issue as its row of the issues table stores it (the schema predates errors.Issue):
    origin, code, severity, sheet, row, column letter, value, masked value, detail."""
    origin = "derived" if i.stage is Stage.DEDUPE else "file" if i.row is None else "row"
    letter = BY_KEY[i.column].letter if i.column is not None else ""
    detail = i.detail
    if i.other is not None:
        unit, file_name, row = i.other
        detail = messages.SOURCE_LOCATION.format(unit=unit, file=file_name, row=row)
    severity = str(CATALOGUE[i.code].severity)
    return (origin, i.code, severity, i.sheet, i.row, letter, i.value,
            mask_value(letter, i.value), detail)  # fmt: skip
