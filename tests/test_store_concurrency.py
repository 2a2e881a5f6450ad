"""Several ingests started at once on a store that does not exist yet: the schema is made
exactly once, every run succeeds and the store holds every file's rows."""

from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from helpers_ingest import OFFICE, PORT, SCHOOL, fill, row, run

from titletemplate.ingest.store import SCHEMA_VERSION, Store
from titletemplate.keys import load_public_key
from titletemplate.vocab import Vocab
from titletemplate.vocabcheck import load_vocab

RUNS = 4


def _open(path: str) -> str:
    try:
        with Store(path):
            return "ok"
    except Exception as exc:  # the test reports what went wrong in the child
        return repr(exc)


def test_processes_opening_a_new_store_at_once_all_succeed(tmp_path: Path) -> None:
    context = multiprocessing.get_context("fork")
    for attempt in range(3):  # the race is at the first open: try it on a few new files
        path = str(tmp_path / f"s{attempt}.db")
        with context.Pool(RUNS) as pool:
            assert pool.map(_open, [path] * RUNS) == ["ok"] * RUNS
        db = sqlite3.connect(path)
        assert db.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
        db.close()


def _ingest(args: tuple[list[Path], Path, Path]) -> tuple[int, ...]:
    paths, out, db = args
    public_key = load_public_key()[0]  # neither keys nor the vocabulary pickle
    t = run(paths, out, load_vocab(), public_key, db_path=db, jobs=1).totals
    return t["rows"], t["valid_rows"], t["invalid_rows"]


def test_ingests_started_at_once_on_a_new_store_all_succeed(
    vocab: Vocab, private_key: Ed25519PrivateKey, tmp_path: Path
) -> None:
    units = (SCHOOL, OFFICE, PORT)
    people = (["li"], ["wang", "zhao"], ["sun", "zhou", "wu"])
    files = [
        fill(vocab, private_key, unit, tmp_path / "in" / f"{n}.xlsx",
             [row(p, 10 * n + i) for i, p in enumerate(people[n])])
        for n, unit in enumerate(units)
    ]  # fmt: skip
    db = tmp_path / "store.db"
    jobs = [([f], tmp_path / f"out{n}", db) for n, f in enumerate(files)]
    with multiprocessing.get_context("fork").Pool(len(jobs)) as pool:
        assert pool.map(_ingest, jobs) == [(1, 1, 0), (2, 2, 0), (3, 3, 0)]
    with sqlite3.connect(db) as check:
        assert check.execute(
            "SELECT COUNT(*), SUM(r.status = 'valid') FROM rows r"
            " JOIN submissions s ON s.id = r.submission_id WHERE s.status = 'current'"
        ).fetchone() == (6, 6)
    check.close()
