"""A single large file read by every worker (chunkread) gives exactly the Checked of the usual
read, cut into many runs of rows; whatever it cannot read for sure falls back to the usual
read, and a failing run rejects only its file."""

from __future__ import annotations

import datetime as dt
import io
import multiprocessing
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from helpers_ingest import SCHOOL, row, template_bytes
from hypothesis import given
from hypothesis import strategies as st

from titletemplate import workers
from titletemplate.columns import COLUMNS, DATA_SHEET, FIRST_DATA_ROW
from titletemplate.ingest import checkfile, chunkread
from titletemplate.ingest.checked import Checked, settle
from titletemplate.ingest.reader import MAX_ROW
from titletemplate.vocab import Vocab

LAST_INPUT_ROW = FIRST_DATA_ROW + 2000 - 1  # the campaign's input block (vocab campaign.rows)


@pytest.fixture
def tiny_runs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Runs of a few rows, every file read by the pool; the run count of each chunked read."""
    monkeypatch.setattr(chunkread, "TASK_BYTES", 1500)
    monkeypatch.setattr(checkfile, "POOL_BYTES", 0)
    runs: list[int] = []
    finish = chunkread.finish

    def counting(started: chunkread.Started, summaries: Sequence[Any], *args: Any) -> Any:
        runs.append(len(summaries))
        return finish(started, summaries, *args)

    monkeypatch.setattr(chunkread, "finish", counting)
    return runs


@pytest.fixture
def fallbacks(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The files read the usual way (check_file) in this process."""
    called: list[Path] = []
    check_file = checkfile.check_file

    def spy(path: Path, *args: Any, **kwargs: Any) -> Checked:
        called.append(path)
        return check_file(path, *args, **kwargs)

    monkeypatch.setattr(checkfile, "check_file", spy)
    return called


def _settled(checked: Iterable[Checked | None]) -> list[Checked | None]:
    """Each streamed Checked settled while its pool is still there."""
    return [None if c is None else settle(c) for c in checked]


def _clerk(
    vocab: Vocab,
    key: Ed25519PrivateKey,
    path: Path,
    rows: Mapping[int, Mapping[str, object]],
    edit: Callable[[Any], None] | None = None,
) -> Path:
    """The school's template with `rows` (Excel row -> values) typed in by openpyxl."""
    wb = openpyxl.load_workbook(io.BytesIO(template_bytes(vocab, key, SCHOOL)))
    ws = wb[DATA_SHEET]
    for excel_row, values in rows.items():
        for c in COLUMNS:
            if c.key in values:
                ws.cell(excel_row, c.index + 1).value = values[c.key]
    if edit is not None:
        edit(ws)
    wb.save(path)
    wb.close()
    return path


def _many(count: int = 60) -> dict[int, dict[str, object]]:
    """Rows with gaps of blank rows, every seventh row faulty."""
    rows: dict[int, dict[str, object]] = {}
    for i in range(count):
        values = row(n=i % 90 + 1)
        if i % 7 == 3:
            values |= {"issue_date": "2019-02-30", "id_number": "370102197308291815"}
        rows[FIRST_DATA_ROW + i + i // 10 * 3] = values
    return rows


def _odd_cells(ws: Any) -> None:
    ws.merge_cells("G8:G9")
    ws.merge_cells("C29:D30")
    ws["E12"] = "=A12"
    ws["B14"] = "#N/A"
    ws["F40"] = "#DIV/0!"
    for c in COLUMNS:
        ws.cell(LAST_INPUT_ROW + 3, c.index + 1).value = row("li", 2)[c.key]


@pytest.fixture
def pool(vocab: Vocab, public_key: Ed25519PublicKey) -> Iterator[ProcessPoolExecutor]:
    with checkfile.open_pool(vocab, public_key, 2) as workers:
        yield workers


def test_every_corpus_file_gives_the_usual_result(
    vocab: Vocab,
    public_key: Ed25519PublicKey,
    returned_corpus: list[tuple[object, Path]],
    pool: ProcessPoolExecutor,
    tiny_runs: list[int],
) -> None:
    for _, path in returned_corpus:
        chunked = settle(checkfile._check_large(pool, path, vocab, public_key))
        assert chunked == checkfile.check_file(path, vocab, public_key), path.name
    assert len(tiny_runs) > len(returned_corpus) // 2  # the others are rejected or unusual


@pytest.mark.parametrize(
    ("rows", "edit"),
    [(_many(), None), (_many(), _odd_cells), ({FIRST_DATA_ROW + 5: row(name="")}, _odd_cells)],
    ids=["faulty-rows-and-blank-rows", "merges-formulas-errors-rows-below", "one-row"],
)
def test_a_file_read_in_many_runs_gives_the_usual_result(
    vocab: Vocab,
    private_key: Ed25519PrivateKey,
    public_key: Ed25519PublicKey,
    tmp_path: Path,
    tiny_runs: list[int],
    fallbacks: list[Path],
    rows: dict[int, dict[str, object]],
    edit: Callable[[Any], None] | None,
) -> None:
    path = _clerk(vocab, private_key, tmp_path / "many.xlsx", rows, edit)
    usual = checkfile.check_file(path, vocab, public_key)
    fallbacks.clear()
    (chunked,) = _settled(checkfile.checked_files([path], vocab, public_key, jobs=2))
    assert chunked == usual
    assert fallbacks == [] and len(tiny_runs) == 1 and tiny_runs[0] > 10


def test_odd_cells_are_found_chunk_by_chunk(
    vocab: Vocab,
    private_key: Ed25519PrivateKey,
    public_key: Ed25519PublicKey,
    tmp_path: Path,
    tiny_runs: list[int],
) -> None:
    path = _clerk(vocab, private_key, tmp_path / "odd.xlsx", _many(), _odd_cells)
    (chunked,) = _settled(checkfile.checked_files([path], vocab, public_key, jobs=2))
    assert chunked is not None and chunked.result is not None
    found = {(i.code, i.excel_row, i.column) for i in chunked.result[2]}
    assert {
        ("row-merged-cells", 8, "G"),
        ("row-merged-cells", 9, "G"),
        ("row-merged-cells", 29, "C"),
        ("row-merged-cells", 30, "C"),
        ("cell-formula", 12, "E"),
        ("cell-error-value", 14, "B"),
        ("cell-error-value", 40, "F"),
        ("rows-outside-input-block", LAST_INPUT_ROW + 3, ""),
    } <= found
    assert tiny_runs[0] > 10


def _far_cell(column: int) -> Callable[[Any], None]:
    def edit(ws: Any) -> None:
        ws.cell(MAX_ROW + 1, column).value = "far"

    return edit


def _date_in_row_50(ws: Any) -> None:
    ws["J50"] = dt.datetime(2019, 11, 19)  # a date format: calamine decides its value


def _long_merge(ws: Any) -> None:
    ws.merge_cells("H8:H20000")  # more findings than the reader's merge budget allows


@pytest.mark.parametrize(
    ("edit", "code", "finished"),
    [
        (_far_cell(26), "file-too-large", 1),
        (_far_cell(1), "file-too-large", 0),
        (_date_in_row_50, "", 0),
        (_long_merge, "", 1),
    ],
    ids=[
        "far-cell-beyond-input-columns",
        "far-cell-in-input-columns",
        "date-cell-in-one-run",
        "merge-beyond-the-budget",
    ],
)
def test_what_chunks_cannot_say_is_read_the_usual_way(
    vocab: Vocab,
    private_key: Ed25519PrivateKey,
    public_key: Ed25519PublicKey,
    tmp_path: Path,
    tiny_runs: list[int],
    fallbacks: list[Path],
    edit: Callable[[Any], None],
    code: str,
    finished: int,
) -> None:
    path = _clerk(vocab, private_key, tmp_path / "unsure.xlsx", _many(), edit)
    usual = checkfile.check_file(path, vocab, public_key)
    fallbacks.clear()
    (chunked,) = _settled(checkfile.checked_files([path], vocab, public_key, jobs=2))
    assert chunked == usual
    assert chunked is not None and chunked.result is not None
    assert chunked.result[0].rejected_code == code
    assert fallbacks == [path]
    assert len(tiny_runs) == finished  # every run read: the whole file decided the fallback


def _failing_run(read: Callable[[Any], Any], task: chunkread.Task) -> Any:
    if b'<row r="30"' in task[3]:
        raise ZeroDivisionError("reading failed")
    return read(task)


@pytest.mark.usefixtures("tiny_runs", "forked_workers")
def test_a_failing_run_rejects_its_file(
    vocab: Vocab,
    private_key: Ed25519PrivateKey,
    public_key: Ed25519PublicKey,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = _clerk(vocab, private_key, tmp_path / "fails.xlsx", _many())
    # Worker processes are forked when the pool starts, so they run this function.
    monkeypatch.setattr(chunkread, "read_chunk", partial(_failing_run, chunkread.read_chunk))
    (done,) = _settled(checkfile.checked_files([path], vocab, public_key, jobs=2))
    assert done is not None and done.result is not None
    record, rows, issues = done.result
    assert (record.rejected_code, rows) == ("file-unreadable", [])
    assert [(i.code, i.detail) for i in issues] == [("file-unreadable", "ZeroDivisionError")]
    assert isinstance(done.crash, ZeroDivisionError)


def test_workers_started_by_spawn_read_the_runs(
    vocab: Vocab,
    private_key: Ed25519PrivateKey,
    public_key: Ed25519PublicKey,
    tmp_path: Path,
    tiny_runs: list[int],
    fallbacks: list[Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = _clerk(vocab, private_key, tmp_path / "spawned.xlsx", _many(), _odd_cells)
    usual = checkfile.check_file(path, vocab, public_key)
    fallbacks.clear()
    spawn = multiprocessing.get_context("spawn")
    monkeypatch.setattr(
        workers, "ProcessPoolExecutor", partial(ProcessPoolExecutor, mp_context=spawn)
    )
    (chunked,) = _settled(checkfile.checked_files([path], vocab, public_key, jobs=2))
    assert chunked == usual
    assert fallbacks == [] and tiny_runs[0] > 10


@given(st.integers(1, 10**9), st.integers(1, 8))
def test_runs_are_shared_evenly_by_the_workers(size: int, workers: int) -> None:
    run = chunkread.run_bytes(size, workers)
    count = -(-size // run)
    assert run <= chunkread.TASK_BYTES
    assert count % workers == 0 or size < workers * workers  # too few bytes to share
    assert count < -(-size // chunkread.TASK_BYTES) + workers  # about TASK_BYTES per run
