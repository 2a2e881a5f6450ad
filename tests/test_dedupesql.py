"""The recompute in SQL (dedupesql.py) gives what dedupe.resolve, the rules stated in Python,
gives over the same store: statuses, sources and derived issues in order, over random stores;
and long chains converge."""

from __future__ import annotations

import random
import sqlite3
import tempfile
from contextlib import closing
from pathlib import Path
from unittest import mock

from helpers_ingest import GOOD
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from titletemplate import messages
from titletemplate.batch import _recompute
from titletemplate.columns import BY_KEY, COLUMNS
from titletemplate.errors import CATALOGUE, Issue, Stage
from titletemplate.ingest import dedupesql
from titletemplate.ingest.checkfile import row_hash
from titletemplate.ingest.dedupe import resolve
from titletemplate.ingest.exclusions import ExclusionEntry, ExclusionKind, ExclusionList
from titletemplate.ingest.records import NewRow, NewSubmission
from titletemplate.ingest.store import Store
from titletemplate.privacy import mask_value

# Small pools so that keys collide often; each pool has values that differ in raw text but
# not as keys (case of x / certificate letters, spaces and full-width forms in titles).
_CERTS = ("", "a1", "A1", "b2", "鲁01")
_ID_TYPES = ("身份证", "护照")
_IDS = ("370102197308291814", "11010119900307803x", "11010119900307803X", "")
_TITLES = ("一级教师", "一级 教师", "工程师", "ＡＢ", "AB")
_DATES = ("20190101", "20200101")
_TEMPLATES = ("t1", "t2", "t3", "")

Spec = tuple[str, str, str, str, str]  # cert_no, id_type, id_number, title_name, issue_date


def _values(spec: Spec) -> tuple[str, ...]:
    cert, id_type, id_number, title, date = spec
    changes = {"cert_no": cert, "id_type": id_type, "id_number": id_number,
               "title_name": title, "issue_date": date}  # fmt: skip
    return tuple({**GOOD, **changes}[c.key] for c in COLUMNS)


_specs = st.tuples(*(st.sampled_from(p) for p in (_CERTS, _ID_TYPES, _IDS, _TITLES, _DATES)))
_entry = st.builds(
    ExclusionEntry, st.sampled_from(_IDS), st.sampled_from(_CERTS), st.sampled_from(("", *_TITLES))
)
_entries = st.lists(_entry, max_size=3)


@st.composite
def _submission(draw: st.DrawFn) -> tuple[str, list[NewRow]]:
    specs = draw(st.lists(st.tuples(_specs, st.booleans() | st.just(True)), max_size=6))
    # Rows are stored in the order given, which need not be their Excel (arrival) order.
    excel_rows = draw(st.permutations(range(8, 8 + len(specs))))
    rows = []
    for (spec, ok), excel_row in zip(specs, excel_rows, strict=True):
        values = _values(spec)
        rows.append(NewRow(excel_row, values, ok, row_hash(values)))
    return draw(st.sampled_from(_TEMPLATES)), rows


def _add(store: Store, n: int, template_id: str, rows: list[NewRow]) -> None:
    sub = NewSubmission(f"/in/{n}.xlsx", f"{n}.xlsx", f"sha{n}", "2021-03-20T00:00:00Z",
                        template_id=template_id, unit=f"U{n}", sheet=f"S{n}")  # fmt: skip
    bad = [r.excel_row for r in rows if not r.checked_ok]
    issues = [
        Issue("id-number-checksum", "", f"S{n}", excel_row, "id_number", stage=Stage.VALIDATE)
        for excel_row in bad
    ]
    store.add(sub, rows, issues)


_INDEX = {c.key: i for i, c in enumerate(COLUMNS)}
Stored = tuple[list[tuple[object, ...]], ...]


def _stored(db: sqlite3.Connection) -> Stored:
    """What a recompute writes: every row's status, every source, then the issues (those of
    the files, then the derived ones, each in the order they were written)."""
    return (
        db.execute("SELECT id, status FROM rows ORDER BY id").fetchall(),
        db.execute("SELECT row_id, kept_row_id, via FROM sources ORDER BY row_id").fetchall(),
        db.execute(
            'SELECT submission_id, row_id, origin, code, severity, sheet, row, "column", value,'
            " value_masked, detail FROM issues ORDER BY origin = 'derived', id"
        ).fetchall(),
    )


def _resolved_in_python(store: Store, db: sqlite3.Connection) -> tuple[set[int], Stored]:
    """The oracle: dedupe.resolve over Store.candidates, and what recompute must then leave in
    the store (the submissions whose rows change status, and `_stored`)."""
    rows = store.candidates()
    revoked, ecert = (
        ExclusionList(k, store.exclusions(k)).index()
        for k in (ExclusionKind.REVOKED, ExclusionKind.ECERT)
    )
    resolution = resolve(rows, revoked, ecert)
    by_id = {c.row_id: c for c in rows}
    subs = {s[0]: s[1:] for s in db.execute("SELECT id, unit, file_name, sheet FROM submissions")}
    statuses, sources, issues = _stored(db)
    after = [(i, str(resolution.statuses.get(i, before))) for i, before in statuses]
    changed = {by_id[i].submission_id for (i, new), old in zip(after, statuses, strict=True)
               if (i, new) != old}  # fmt: skip
    sources = sorted(
        [s for s in sources if s[0] not in by_id]
        + [(row_id, kept, str(via)) for row_id, kept, via in resolution.sources]
    )
    current = {s[0] for s in db.execute("SELECT id FROM submissions WHERE status = 'current'")}
    issues = [i for i in issues if i[2] != "derived" or i[0] not in current]
    for row_id, d in resolution.findings:
        row, letter = by_id[row_id], BY_KEY[d.column].letter
        detail = ""
        if d.other is not None:
            unit, file_name, other_row = d.other
            detail = messages.SOURCE_LOCATION.format(unit=unit, file=file_name, row=other_row)
        value = row.values[_INDEX[d.column]]
        issues.append(
            (row.submission_id, row_id, "derived", d.code, str(CATALOGUE[d.code].severity),
             subs[row.submission_id][2], row.excel_row, letter, value, mask_value(letter, value),
             detail)
        )  # fmt: skip
    return changed, (after, sources, issues)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    subs=st.lists(_submission(), max_size=6),
    split=st.integers(0, 6),
    revoked=_entries,
    ecert=_entries,
    batch=st.sampled_from((1, 2, dedupesql.BATCH)),
)
def test_sql_recompute_matches_dedupe_resolve(
    subs: list[tuple[str, list[NewRow]]],
    split: int,
    revoked: list[ExclusionEntry],
    ecert: list[ExclusionEntry],
    batch: int,
) -> None:
    with tempfile.TemporaryDirectory() as tmp, mock.patch.object(dedupesql, "BATCH", batch):
        path = Path(tmp, "s.db")
        with Store(path) as store, closing(sqlite3.connect(path, isolation_level=None)) as db:
            store.set_exclusions(ExclusionKind.REVOKED, revoked, "r.csv")
            store.set_exclusions(ExclusionKind.ECERT, ecert, "e.csv")
            # Two runs: the second judges the first run's rows again with new ones.
            split = min(split, len(subs))
            for start, end in ((0, split), (split, len(subs))):
                for n in range(start, end):
                    _add(store, n, *subs[n])
                changed, expected = _resolved_in_python(store, db)
                assert _recompute(store) == changed
                assert _stored(db) == expected


def test_a_long_shuffled_chain_of_links_is_one_group_found_in_few_rounds(tmp_path: Path) -> None:
    # Row k shares its certificate with row k+1 for even k, its person and title for odd k,
    # so only the whole chain joins its two ends; the rows arrive in shuffled order.
    n = 200
    specs = [(f"C{k // 2}", "身份证", f"ID{(k + 1) // 2}", "工程师", "20190101") for k in range(n)]
    excel_rows = random.Random(7).sample(range(8, 8 + n), n)
    rows = [NewRow(excel_rows[k], _values(s), True, f"h{k}") for k, s in enumerate(specs)]
    with Store(tmp_path / "s.db") as store:
        _add(store, 1, "t1", rows)
    db = sqlite3.connect(tmp_path / "s.db", isolation_level=None)
    db.execute("BEGIN IMMEDIATE")
    _, rounds = dedupesql.resolve_current(db)
    found = [(f.row, f.code, f.other) for b in dedupesql.findings(db) for _, _, f in b]
    db.execute("ROLLBACK")
    db.close()
    assert rounds <= 2 * n.bit_length()  # plain label propagation needs about n / 4 here
    # Every row is its own version: each conflicts with the first arrival, which names the
    # second; one group, however far apart the two ends are in the chain.
    first, *rest = found
    assert first == (8, "duplicate-conflict", ("U1", "1.xlsx", 9))
    assert rest == [(e, "duplicate-conflict", ("U1", "1.xlsx", 8)) for e in range(9, 8 + n)]
