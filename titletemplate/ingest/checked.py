"""What checking one returned file gives (Checked; Unvalidated rows of a large file, Streamed
records of a single large one) and the plain tuples its records cross process boundaries as."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from functools import partial
from typing import Any

from ..errors import Issue, SubmissionError
from ..normalize import Finding
from ..vocab import Vocab
from . import chunkread, reader
from .records import NewIssue, NewRow, NewSubmission


@dataclass(frozen=True, slots=True)
class Unvalidated:
    """A large file as read by a worker, its rows still to be validated in chunks."""

    record: NewSubmission
    issues: list[NewIssue]
    sheet: str
    date1904: bool
    rows: tuple[reader.SourceRow, ...]


@dataclass(frozen=True, slots=True)
class Checked:
    """One file read and validated, possibly in a worker process; sha256 "" = unreadable."""

    sha256: str
    os_error: str = ""
    result: tuple[NewSubmission, list[NewRow], list[NewIssue]] | None = None
    crash: BaseException | None = None  # an unexpected error, logged by the batch process
    unvalidated: Unvalidated | None = None  # instead of result: rows to validate in chunks
    streamed: Streamed | None = None  # instead of result: records as the workers read them
    data: bytes | None = None  # an accepted file's bytes: those hashed and validated, kept


def crashed(base: NewSubmission, exc: BaseException) -> Checked:
    """Never stop the batch for one file: record it with a code, keep the traceback."""
    code, detail = "file-unreadable", type(exc).__name__
    record = rejected(base, code)
    return Checked(base.sha256, "", (record, [], [NewIssue(code, detail=detail)]), exc)


# Records cross process boundaries as plain tuples: pickle handles a frozen dataclass ~10x
# slower than a tuple (100,000 rows to a worker and back: ~3 s of CPU as dataclasses, ~0.6 s
# as tuples).
WireSource = list[tuple[int, tuple[object, ...], tuple[Finding, ...]]]
WireRecords = tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]
Wire = tuple[str, str, NewSubmission | None, WireRecords, BaseException | None, Any, bytes | None]


def pack_source(rows: Sequence[reader.SourceRow]) -> WireSource:
    return [(r.excel_row, r.cells, r.findings) for r in rows]


def pack(rows: Sequence[NewRow], issues: Sequence[NewIssue]) -> WireRecords:
    return (
        [(r.excel_row, r.values, r.checked_ok, r.row_hash) for r in rows],
        [(i.code, i.sheet, i.excel_row, i.column, i.value, i.value_masked, i.detail, i.row_id)
         for i in issues],
    )  # fmt: skip


def unpack(packed: WireRecords) -> tuple[list[NewRow], list[NewIssue]]:
    rows, issues = packed
    return [NewRow(*t) for t in rows], [NewIssue(*t) for t in issues]


class Unfinished(Exception):
    """A streamed file's runs cannot give check_file's result after all (a run or the whole
    file only the usual read can say, or a failing worker): whoever was storing its records
    rolls them back and stores `redo()` instead. A signal between checkfile and ingest, not an
    error: it never leaves ingest."""

    def __init__(self, redo: Callable[[], Checked]) -> None:
        super().__init__("chunked read unfinished")
        self.redo = redo


class Streamed:
    """A single large file's records as the workers' runs arrive, so that the batch process
    stores them while the workers still read (it would wait otherwise): iterate rows() to
    the end, then issues(); either may raise Unfinished. Each may be iterated once.

    Measured on the benchmark's 100,000-row file (2 cores): storing after the last run took
    ~1 s with both workers idle; stored as the runs arrive, the insert shares the CPU with
    the workers and the file is stored ~0.1 s after the last run (~0.5 s less in all)."""

    __slots__ = ("_issues", "_rows", "_started", "_summaries", "_usual", "_vocab", "record")

    def __init__(
        self,
        record: NewSubmission,
        started: chunkread.Started,
        vocab: Vocab,
        usual: Callable[[], Checked],
    ) -> None:
        self.record = record
        self._started = started
        self._vocab = vocab
        self._usual = usual
        self._summaries: list[chunkread.Summary] = []
        self._rows: list[int] = []  # Excel rows of the input rows so far
        self._issues: list[NewIssue] = []  # row issues so far

    def rows(self) -> Iterator[NewRow]:
        for future in self._started.futures:
            try:
                done = future.result()
            except Exception as exc:
                self.cancel()
                raise Unfinished(partial(crashed, self.record, exc)) from exc
            if done is None:
                self.cancel()
                raise Unfinished(self._usual)
            summary, packed = done
            rows, issues = unpack(packed)
            self._summaries.append(summary)
            self._rows += (r.excel_row for r in rows)
            self._issues += issues
            yield from rows

    def issues(self) -> Iterator[NewIssue]:
        """File-level issues first, then the rows' (check_file's order)."""
        if len(self._summaries) < len(self._started.futures):
            raise ValueError("issues() before the last row")
        try:
            found = chunkread.finish(
                self._started, self._summaries, self._rows, self._vocab, self.record.file_name
            )
        except SubmissionError:
            raise Unfinished(self._usual) from None  # check_file rejects it in its own words
        if found is None:
            raise Unfinished(self._usual)
        yield from issue_records(found)
        yield from self._issues

    def cancel(self) -> None:
        """Runs not started yet are not read (the records are not wanted after all)."""
        cancel_all(self._started.futures)


def settle(done: Checked) -> Checked:
    """`done` with a streamed file's records in memory: what storing it stores."""
    stream = done.streamed
    if stream is None:
        return done
    try:
        rows = list(stream.rows())
        issues = list(stream.issues())
    except Unfinished as unfinished:
        return settle(unfinished.redo())
    return Checked(done.sha256, "", (stream.record, rows, issues), data=done.data)


def cancel_all(futures: Sequence[Future[Any]]) -> None:
    for future in futures:
        future.cancel()


def rejected(base: NewSubmission, code: str) -> NewSubmission:
    return NewSubmission(
        base.path, base.file_name, base.sha256, base.received_at, rejected_code=code
    )


def issue_records(issues: Sequence[Issue]) -> list[NewIssue]:
    return [NewIssue(i.code, i.sheet, i.row, i.column, i.value, i.value, i.detail) for i in issues]
