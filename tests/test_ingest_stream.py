"""A single large file's records are stored as the workers' runs of rows arrive: the store ends
up exactly as with one process, and a file whose runs give up after some rows were stored
(a run or the whole file only the usual read can say, a failing worker) leaves no partial
rows behind."""

from __future__ import annotations

import io
import sqlite3
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from helpers_ingest import SCHOOL, counts, issues, row, run, template_bytes

from titletemplate.columns import COLUMNS, DATA_SHEET, FIRST_DATA_ROW
from titletemplate.ingest import checkfile, chunkread
from titletemplate.ingest.checked import Streamed
from titletemplate.ingest.records import NewRow
from titletemplate.vocab import Vocab

Dump = dict[str, list[tuple[object, ...]]]


@pytest.fixture
def streamed(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every file read by the pool in runs of a few rows; the Excel rows the stream gave the
    store."""
    monkeypatch.setattr(chunkread, "TASK_BYTES", 1500)
    monkeypatch.setattr(checkfile, "POOL_BYTES", 0)
    given: list[int] = []
    rows = Streamed.rows

    def counting(self: Streamed) -> Iterator[NewRow]:
        for r in rows(self):
            given.append(r.excel_row)
            yield r

    monkeypatch.setattr(Streamed, "rows", counting)
    return given


def _returned(
    vocab: Vocab, key: Ed25519PrivateKey, path: Path, edit: Callable[[Any], None] | None = None
) -> Path:
    """40 rows of one person and title: every seventh faulty, one a duplicate, the others in
    conflict; then `edit`."""
    wb = openpyxl.load_workbook(io.BytesIO(template_bytes(vocab, key, SCHOOL)))
    ws = wb[DATA_SHEET]
    for i in range(40):
        values = row(n=i % 39 + 1)
        if i % 7 == 3:
            values |= {"issue_date": "2019-02-30", "id_number": "370102197308291815"}
        for c in COLUMNS:
            ws.cell(FIRST_DATA_ROW + i, c.index + 1).value = values[c.key]
    if edit is not None:
        edit(ws)
    wb.save(path)
    wb.close()
    return path


def _long_merge(ws: Any) -> None:
    ws.merge_cells("H8:H20000")  # beyond the merge budget: decided once every run is read


def _dump(db_path: Path) -> Dump:
    db = sqlite3.connect(db_path)
    try:
        return {
            table: db.execute(f"SELECT * FROM {table} ORDER BY {key}").fetchall()
            for table, key in (
                ("submissions", "id"),
                ("rows", "id"),
                ("issues", "id"),
                ("sources", "row_id"),
            )
        }
    finally:
        db.close()


def _ingest(
    vocab: Vocab, public_key: Ed25519PublicKey, path: Path, out: Path, jobs: int
) -> tuple[Dump, list[tuple[str, int | None, str]], Any]:
    result = run([path], out, vocab, public_key, jobs=jobs)
    return _dump(result.db_path), issues(result), counts(result)


def test_a_streamed_file_is_stored_as_by_one_process(
    vocab: Vocab,
    private_key: Ed25519PrivateKey,
    public_key: Ed25519PublicKey,
    tmp_path: Path,
    streamed: list[int],
) -> None:
    path = _returned(vocab, private_key, tmp_path / "big.xlsx")
    alone = _ingest(vocab, public_key, path, tmp_path / "alone", jobs=1)
    assert streamed == []
    pooled = _ingest(vocab, public_key, path, tmp_path / "pooled", jobs=2)
    assert pooled == alone
    assert streamed == list(range(FIRST_DATA_ROW, FIRST_DATA_ROW + 40))
    assert alone[2] == [("big.xlsx", "accepted", 40, 0, 39, 1, 0)]


def _run_gives_up(read: Callable[[Any], Any], task: chunkread.Task) -> Any:
    return None if b'<row r="30"' in task[3] else read(task)


def _run_fails(read: Callable[[Any], Any], task: chunkread.Task) -> Any:
    if b'<row r="30"' in task[3]:
        raise ZeroDivisionError("reading failed")
    return read(task)


@pytest.mark.parametrize(
    ("edit", "worker"),
    [(None, _run_gives_up), (_long_merge, None)],
    ids=["a-run-only-the-usual-read-can-say", "a-file-only-the-usual-read-can-say"],
)
@pytest.mark.usefixtures("forked_workers")
def test_a_stream_that_gives_up_is_stored_the_usual_way(
    vocab: Vocab,
    private_key: Ed25519PrivateKey,
    public_key: Ed25519PublicKey,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    streamed: list[int],
    edit: Callable[[Any], None] | None,
    worker: Callable[..., Any] | None,
) -> None:
    path = _returned(vocab, private_key, tmp_path / "big.xlsx", edit)
    alone = _ingest(vocab, public_key, path, tmp_path / "alone", jobs=1)
    if worker is not None:  # workers are forked when the pool starts: they run it too
        monkeypatch.setattr(chunkread, "read_chunk", partial(worker, chunkread.read_chunk))
    pooled = _ingest(vocab, public_key, path, tmp_path / "pooled", jobs=2)
    assert pooled == alone
    assert len(streamed) >= 10  # stored, then rolled back


@pytest.mark.usefixtures("forked_workers")
def test_a_failing_run_after_stored_rows_rejects_the_file_with_no_rows(
    vocab: Vocab,
    private_key: Ed25519PrivateKey,
    public_key: Ed25519PublicKey,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    streamed: list[int],
) -> None:
    path = _returned(vocab, private_key, tmp_path / "big.xlsx")
    monkeypatch.setattr(chunkread, "read_chunk", partial(_run_fails, chunkread.read_chunk))
    dump, found, files = _ingest(vocab, public_key, path, tmp_path / "out", jobs=2)
    assert len(streamed) >= 10
    assert files == [("big.xlsx", "rejected", 0, 0, 0, 0, 0)]
    assert found == [("file-unreadable", None, "")]
    assert dump["rows"] == [] and dump["sources"] == []
    assert [(s[1], s[9], s[10], s[11]) for s in dump["submissions"]] == [
        (str(path), "", "rejected", "file-unreadable")
    ]


def test_a_streamed_file_already_stored_is_not_stored_again(
    vocab: Vocab,
    private_key: Ed25519PrivateKey,
    public_key: Ed25519PublicKey,
    tmp_path: Path,
    streamed: list[int],
) -> None:
    path = _returned(vocab, private_key, tmp_path / "big.xlsx")
    first = _ingest(vocab, public_key, path, tmp_path / "out", jobs=2)
    streamed.clear()
    again = run([path], tmp_path / "out", vocab, public_key, jobs=2)
    assert [(f["status"], f["code"]) for f in again.files] == [
        ("accepted", "file-already-ingested")
    ]
    assert _dump(again.db_path) == first[0] and streamed == []
