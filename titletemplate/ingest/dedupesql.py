"""The rules of dedupe.resolve, run inside the store's SQLite database over the current rows in
temporary tables, so that memory stays flat however many rows there are. dedupe.resolve (pure
Python) stays the readable reference; the tests check that both give the same result."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any

from ..errors import Issue, Stage
from .dedupe import Status, Via
from .schema import KEYS

BATCH = 5_000  # findings read per query (what this module holds in memory at once)
_CURRENT = "SELECT id FROM submissions WHERE status = 'current'"
# The temporary tables, each named dedupe_<name>.
_TEMP = ("cur", "cgroup", "pgroup", "link", "hook", "res", "version", "group", "found")
# Row states before duplicates are looked at, in dedupe.resolve's order of judgement.
_PENDING, _REVOKED, _INVALID, _ECERT = 0, 1, 2, 3


def _listed(kind: str) -> str:
    # exclusions.matches: an entry names the person and, where it has them, the cert/title.
    return (
        f"EXISTS (SELECT 1 FROM exclusions e WHERE e.kind = '{kind}' AND e.id_key = r.id_key"
        " AND (e.cert_no = '' OR e.cert_key = r.cert_key)"
        " AND (e.title_name = '' OR e.title_key = r.title_key))"
    )


# Every current row in arrival order (seq) with its state; list matches use exclusions_match.
# A list with no entries is not looked up at all: ~0.05 s per 100,000 rows.
def _cur(revoked: bool, ecert: bool) -> list[str]:
    is_revoked = f"r.id_number != '' AND {_listed('revoked')}" if revoked else "0"
    is_ecert = _listed("ecert") if ecert else "0"
    return [
        "CREATE TEMP TABLE dedupe_cur (seq INTEGER PRIMARY KEY, row_id INTEGER NOT NULL,"
        " state INTEGER NOT NULL, cert_key TEXT NOT NULL, id_type TEXT NOT NULL,"
        " id_key TEXT NOT NULL, title_key TEXT NOT NULL, row_hash TEXT NOT NULL)",
        # seq is the rowid SQLite gives each row of the new table in the ORDER BY's order
        # (1, 2, ...); ROW_NUMBER() over that order took twice as long (0.17 s for 100,000).
        f"INSERT INTO dedupe_cur SELECT NULL, r.id, CASE WHEN {is_revoked} THEN {_REVOKED}"
        f" WHEN r.checked = 'invalid' THEN {_INVALID} WHEN {is_ecert} THEN {_ECERT}"
        f" ELSE {_PENDING} END, r.cert_key, r.id_type, r.id_key, r.title_key, r.row_hash"
        " FROM rows r JOIN submissions s ON s.id = r.submission_id WHERE s.status = 'current'"
        " AND r.retired = '' ORDER BY r.submission_id, r.excel_row",
    ]


_CUR = _cur(True, True)
# Keys shared by two or more pending rows, and the pending rows that have one ("linked"); a
# row's label starts as the lowest seq of its groups (dedupe._groups' union-find root is the
# lowest index of a group, and so will the label be).
_LINKS = [
    "CREATE TEMP TABLE dedupe_cgroup (id INTEGER PRIMARY KEY, cert_key TEXT NOT NULL UNIQUE,"
    " low INTEGER NOT NULL)",
    "INSERT INTO dedupe_cgroup (cert_key, low) SELECT cert_key, MIN(seq) FROM dedupe_cur"
    f" WHERE state = {_PENDING} AND cert_key != '' GROUP BY cert_key HAVING COUNT(*) > 1",
    "CREATE TEMP TABLE dedupe_pgroup (id INTEGER PRIMARY KEY, id_type TEXT NOT NULL,"
    " id_key TEXT NOT NULL, title_key TEXT NOT NULL, low INTEGER NOT NULL,"
    " UNIQUE (id_type, id_key, title_key))",
    "INSERT INTO dedupe_pgroup (id_type, id_key, title_key, low)"
    " SELECT id_type, id_key, title_key, MIN(seq) FROM dedupe_cur"
    f" WHERE state = {_PENDING} GROUP BY id_type, id_key, title_key HAVING COUNT(*) > 1",
    "CREATE TEMP TABLE dedupe_link (seq INTEGER PRIMARY KEY, cgroup INTEGER, pgroup INTEGER,"
    " label INTEGER NOT NULL)",
    "INSERT INTO dedupe_link SELECT c.seq, g.id, p.id,"
    " MIN(c.seq, COALESCE(g.low, c.seq), COALESCE(p.low, c.seq)) FROM dedupe_cur c"
    " LEFT JOIN dedupe_cgroup g ON g.cert_key = c.cert_key"
    " LEFT JOIN dedupe_pgroup p"
    " ON p.id_type = c.id_type AND p.id_key = c.id_key AND p.title_key = c.title_key"
    f" WHERE c.state = {_PENDING} AND (g.id IS NOT NULL OR p.id IS NOT NULL)",
    "CREATE INDEX temp.dedupe_link_c ON dedupe_link (cgroup)",
    "CREATE INDEX temp.dedupe_link_p ON dedupe_link (pgroup)",
    "CREATE TEMP TABLE dedupe_hook (target INTEGER PRIMARY KEY, low INTEGER NOT NULL)",
]


def _group_low(table: str, column: str) -> str:
    # The lowest grandparent label among the group's members.
    low = (
        "(SELECT MIN(j.label) FROM dedupe_link x JOIN dedupe_link j ON j.seq = x.label"
        f" WHERE x.{column} = {table}.id)"
    )
    return f"UPDATE {table} SET low = {low} WHERE low > {low}"


_C_LOW = "COALESCE((SELECT low FROM dedupe_cgroup WHERE id = cgroup), label)"
_P_LOW = "COALESCE((SELECT low FROM dedupe_pgroup WHERE id = pgroup), label)"
_JUMP = "(SELECT j.label FROM dedupe_link j WHERE j.seq = dedupe_link.label)"
_HOOK = "(SELECT low FROM dedupe_hook WHERE target = dedupe_link.seq)"
# One round of FastSV (Zhang, Azad, Hu 2020) with the key groups as edges: labels form a
# forest that only ever points lower, and once a round changes nothing every connected group
# carries its lowest seq. (statement, whether its changes mean "not done yet"). Hooking (the
# row a member's label points at takes the group's low) and pointer jumping keep the rounds
# near log(n): plain label propagation took 712 rounds for a shuffled 2,000-row chain.
_ROUND = [
    (_group_low("dedupe_cgroup", "cgroup"), True),
    (_group_low("dedupe_pgroup", "pgroup"), True),
    ("DELETE FROM dedupe_hook", False),
    (
        "INSERT INTO dedupe_hook SELECT x.label, MIN(MIN(COALESCE(g.low, x.label),"
        " COALESCE(p.low, x.label))) AS hook FROM dedupe_link x LEFT JOIN dedupe_cgroup g"
        " ON g.id = x.cgroup LEFT JOIN dedupe_pgroup p ON p.id = x.pgroup"
        " GROUP BY x.label HAVING hook < x.label",
        False,
    ),
    (f"UPDATE dedupe_link SET label = {_HOOK} WHERE label > {_HOOK}", True),
    (
        f"UPDATE dedupe_link SET label = MIN(label, {_C_LOW}, {_P_LOW})"
        f" WHERE label > {_C_LOW} OR label > {_P_LOW}",
        True,
    ),
    (f"UPDATE dedupe_link SET label = {_JUMP} WHERE label > {_JUMP}", True),
]

_S, _V = Status, Via
# dedupe_res: every current row's status, source (kept row id, via) and finding (code, column,
# other row id); `grp` orders the findings as dedupe.resolve lists them: list findings first
# (grp 0) in arrival order, then duplicate findings group by group.
_RES = [
    "CREATE TEMP TABLE dedupe_res (row_id INTEGER PRIMARY KEY, seq INTEGER NOT NULL,"
    " status TEXT NOT NULL, kept INTEGER, via TEXT, code TEXT, col TEXT, other INTEGER,"
    " grp INTEGER NOT NULL)",
    "INSERT INTO dedupe_res SELECT c.row_id, c.seq,"
    f" CASE c.state WHEN {_PENDING} THEN '{_S.VALID}' WHEN {_ECERT} THEN '{_S.EXCLUDED}'"
    f" ELSE '{_S.INVALID}' END,"
    f" CASE c.state WHEN {_PENDING} THEN c.row_id END,"
    f" CASE c.state WHEN {_PENDING} THEN '{_V.KEPT}' END,"
    f" CASE c.state WHEN {_REVOKED} THEN 'title-revoked' WHEN {_ECERT} THEN 'already-e-certified'"
    " END,"
    f" CASE c.state WHEN {_REVOKED} THEN 'title_name' WHEN {_ECERT} THEN 'cert_no' END, NULL, 0"
    " FROM dedupe_cur c WHERE NOT EXISTS (SELECT 1 FROM dedupe_link l WHERE l.seq = c.seq)",
    # Linked rows, as dedupe._duplicates: the first row of each distinct version (row_hash) of
    # a group is kept; with more than one version, every version's first row conflicts with
    # the earliest other version: the group's first row, or for that row the `rival` (the
    # first row of the second version to arrive).
    "CREATE TEMP TABLE dedupe_version (label INTEGER NOT NULL, row_hash TEXT NOT NULL,"
    " first_seq INTEGER NOT NULL, PRIMARY KEY (label, row_hash)) WITHOUT ROWID",
    "INSERT INTO dedupe_version SELECT l.label, c.row_hash, MIN(l.seq) FROM dedupe_link l"
    " JOIN dedupe_cur c ON c.seq = l.seq GROUP BY l.label, c.row_hash",
    "CREATE TEMP TABLE dedupe_group (label INTEGER PRIMARY KEY, rival INTEGER)",
    "INSERT INTO dedupe_group SELECT label, MIN(CASE WHEN first_seq != label THEN first_seq END)"
    " FROM dedupe_version GROUP BY label",
    "WITH k AS (SELECT l.seq, l.label, c.row_id, c.cert_key, l.seq = v.first_seq AS is_first,"
    " g.rival IS NOT NULL AS conflict,"
    " CASE WHEN l.seq != v.first_seq THEN v.first_seq WHEN g.rival IS NULL THEN NULL"
    " WHEN l.seq != l.label THEN l.label ELSE g.rival END AS other_seq"
    " FROM dedupe_link l JOIN dedupe_cur c ON c.seq = l.seq"
    " JOIN dedupe_version v ON v.label = l.label AND v.row_hash = c.row_hash"
    " JOIN dedupe_group g ON g.label = l.label),"
    " m AS (SELECT k.*, o.row_id AS other_id,"
    " k.cert_key != '' AND k.cert_key = o.cert_key AS same_cert"
    " FROM k LEFT JOIN dedupe_cur o ON o.seq = k.other_seq)"
    " INSERT INTO dedupe_res SELECT row_id, seq,"
    f" CASE WHEN NOT is_first THEN '{_S.DUPLICATE}' WHEN conflict THEN '{_S.INVALID}'"
    f" ELSE '{_S.VALID}' END,"
    " CASE WHEN is_first THEN row_id ELSE other_id END,"
    f" CASE WHEN is_first THEN '{_V.KEPT}' WHEN same_cert THEN '{_V.CERTIFICATE}'"
    f" ELSE '{_V.PERSON_TITLE}' END,"
    " CASE WHEN is_first AND conflict THEN 'duplicate-conflict' WHEN is_first THEN NULL"
    " WHEN same_cert THEN 'duplicate-certificate' ELSE 'duplicate-person-title' END,"
    " CASE WHEN is_first AND NOT conflict THEN NULL WHEN same_cert THEN 'cert_no'"
    " ELSE 'id_number' END, other_id, label FROM m",
    "CREATE TEMP TABLE dedupe_found (n INTEGER PRIMARY KEY, row_id INTEGER NOT NULL,"
    " code TEXT NOT NULL, col TEXT NOT NULL, other INTEGER)",
    "INSERT INTO dedupe_found SELECT ROW_NUMBER() OVER (ORDER BY grp, seq), row_id, code, col,"
    " other FROM dedupe_res WHERE code IS NOT NULL",
]
_CHANGED = (
    "SELECT DISTINCT r.submission_id FROM dedupe_res x JOIN rows r ON r.id = x.row_id"
    " WHERE r.status != x.status"
)
_WRITE = [
    "UPDATE rows SET status = (SELECT x.status FROM dedupe_res x WHERE x.row_id = rows.id)"
    " WHERE id IN (SELECT x.row_id FROM dedupe_res x JOIN rows r ON r.id = x.row_id"
    " WHERE r.status != x.status)",
    "DELETE FROM sources WHERE row_id IN (SELECT id FROM rows"
    f" WHERE submission_id IN ({_CURRENT}))",
    "INSERT INTO sources (row_id, kept_row_id, via) SELECT row_id, kept, via FROM dedupe_res"
    " WHERE kept IS NOT NULL",
    f"DELETE FROM issues WHERE origin = 'derived' AND submission_id IN ({_CURRENT})",
]
_VALUE = " ".join(f"WHEN '{k}' THEN r.{k}" for k in KEYS)
_FINDINGS = (
    "SELECT f.n, f.row_id, r.submission_id, s.sheet, r.excel_row, f.code, f.col,"
    f" CASE f.col {_VALUE} END, os.unit, os.file_name, o.excel_row FROM dedupe_found f"
    " JOIN rows r ON r.id = f.row_id JOIN submissions s ON s.id = r.submission_id"
    " LEFT JOIN rows o ON o.id = f.other LEFT JOIN submissions os ON os.id = o.submission_id"
    " WHERE f.n > ? ORDER BY f.n LIMIT ?"
)


def resolve_current(db: sqlite3.Connection) -> tuple[set[int], int]:
    """Judge every current row and write its status and source; clear the current rows'
    derived issues (`findings` then gives the new ones). Run inside one write transaction.

    Returns:
        The submissions with a row whose status changed, and the propagation rounds run.
    """
    drop(db)
    kinds = {r[0] for r in db.execute("SELECT DISTINCT kind FROM exclusions")}
    for statement in _cur("revoked" in kinds, "ecert" in kinds) + _LINKS:
        db.execute(statement)
    rounds, changes = 0, 1
    while changes:
        rounds += 1
        changes = 0
        for statement, counts in _ROUND:
            n = db.execute(statement).rowcount
            changes += n if counts else 0
    for statement in _RES:
        db.execute(statement)
    changed = {r[0] for r in db.execute(_CHANGED)}
    for statement in _WRITE:
        db.execute(statement)
    return changed, rounds


def findings(db: sqlite3.Connection) -> Iterator[list[tuple[int, int, Issue]]]:
    """The findings of the last `resolve_current` as (submission id, row id, issue), in
    dedupe.resolve's order, BATCH at a time (each batch is read whole, so the caller may
    write to the store between batches)."""
    last = 0
    while True:
        rows = db.execute(_FINDINGS, (last, BATCH)).fetchall()
        if not rows:
            return
        last = rows[-1][0]
        yield [
            (r[2], r[1], Issue(r[5], "", r[3], r[4], r[6], r[7], "", Stage.DEDUPE, _other(r[8:])))
            for r in rows
        ]


def _other(located: tuple[Any, ...]) -> tuple[str, str, int] | None:
    unit, file_name, excel_row = located
    return None if excel_row is None else (unit, file_name, excel_row)


def drop(db: sqlite3.Connection) -> None:
    """Remove the temporary tables (they would otherwise live as long as the connection)."""
    for table in _TEMP:
        db.execute(f"DROP TABLE IF EXISTS temp.dedupe_{table}")
