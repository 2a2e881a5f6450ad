"""One returned file -> the records to store (read, verify, normalise, validate), in this
process or in worker processes that read ahead of the store, in file order.

A file with more than SPLIT_ROWS input rows is read by one worker and its rows are then
validated in chunks by all of them: validation is most of the work for a large file
(100,000 rows: ~3.5 s to read, ~7 s to validate on one core). A single large file is read by
all of them as well (chunkread.py), validated where each run of rows is read, and its records
are streamed to the store as the runs arrive."""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import replace
from functools import partial
from operator import itemgetter
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from .. import addresscodes
from ..columns import BY_KEY, COLUMNS, DATA_SHEET
from ..errors import CATALOGUE, Severity, SubmissionError
from ..fingerprint import Identity
from ..normalize import Finding
from ..privacy import mask_value
from ..vocab import Vocab
from ..workers import hand_over, portable, start_pool, state, take_over
from . import chunkread, preflight, reader
from .checked import (
    Checked,
    Streamed,
    Unvalidated,
    Wire,
    WireRecords,
    WireSource,
    cancel_all,
    crashed,
    issue_records,
    pack,
    pack_source,
    rejected,
    unpack,
)
from .records import NewIssue, NewRow, NewSubmission
from .validate import validate_row

_KEYS = tuple(c.key for c in COLUMNS)
SPLIT_ROWS = 5_000
POOL_BYTES = 2 * 2**20  # a single file this large is read in a worker (so SPLIT_ROWS applies)
_CHUNK_ROWS = 2_500


def check_file(
    path: Path,
    vocab: Vocab,
    public_key: Ed25519PublicKey,
    *,
    split_rows: int | None = None,
    loaded: preflight.Loaded | None = None,
) -> Checked:
    """Read `path` once (or take `loaded`, read_once's result for it) and validate those bytes:
    the sha256 stored is that of the bytes validated. With `split_rows`, a file with more
    input rows comes back Unvalidated (see checked_files)."""
    try:
        got = preflight.read_once(path) if loaded is None else loaded
    except OSError as exc:
        return Checked("", type(exc).__name__)
    base = NewSubmission(str(path), path.name, got.sha256, "")
    try:
        sub = reader.read_submission(path, vocab, public_key, loaded=got)
        record, issues = _record(base, sub.identity, sub.sheet), issue_records(sub.issues)
        if split_rows is not None and len(sub.rows) > split_rows:
            later = Unvalidated(record, issues, sub.sheet, sub.date1904, sub.rows)
            return Checked(got.sha256, unvalidated=later, data=got.data)
        rows, found = check_rows(sub.rows, sub.sheet, sub.date1904, vocab)
        sub_record, issues = record, issues + found
    except SubmissionError as exc:
        code = exc.code if exc.code in CATALOGUE else "file-unreadable"
        detail = exc.detail if code == exc.code else f"{exc.code} {exc.detail}".strip()
        sub_record, rows, issues = rejected(base, code), [], [NewIssue(code, detail=detail)]
        return Checked(got.sha256, "", (sub_record, rows, issues))
    except Exception as exc:
        return crashed(base, exc)
    return Checked(got.sha256, "", (sub_record, rows, issues), data=got.data)


_WINDOW = 4  # files read ahead per worker: memory stays bounded however many files there are


def open_pool(vocab: Vocab, public_key: Ed25519PublicKey, jobs: int) -> ProcessPoolExecutor:
    """The workers that check files: each holds the vocabulary and the public key."""
    addresscodes.national()  # parsed once here, not in every forked worker
    return start_pool(jobs, take_over, hand_over(vocab, public_key))


def _check_in_worker(path: Path) -> Wire:
    return _to_wire(_portable(check_file(path, *state(), split_rows=SPLIT_ROWS)))


def _check_rows_in_worker(rows: WireSource, sheet: str, date1904: bool) -> WireRecords:
    source = [reader.SourceRow(*t) for t in rows]
    return pack(*check_rows(source, sheet, date1904, state()[0]))


def _to_wire(done: Checked) -> Wire:
    record: NewSubmission | None = None
    records: WireRecords = ([], [])
    if done.result is not None:
        record, rows, issues = done.result
        records = pack(rows, issues)
    later = done.unvalidated
    unvalidated = None
    if later is not None:
        unvalidated = (later.record, pack([], later.issues)[1], later.sheet, later.date1904,
                       pack_source(later.rows))  # fmt: skip
    return done.sha256, done.os_error, record, records, done.crash, unvalidated, done.data


def _from_wire(wire: Wire) -> Checked:
    sha, os_error, record, records, crash, unvalidated, data = wire
    later = None
    if unvalidated is not None:
        sub, issues, sheet, date1904, source = unvalidated
        rows = tuple(reader.SourceRow(*t) for t in source)
        later = Unvalidated(sub, unpack(([], issues))[1], sheet, date1904, rows)
    result = None if record is None else (record, *unpack(records))
    return Checked(sha, os_error, result, crash, later, data=data)


def _portable(done: Checked) -> Checked:
    """A crash that pickles, with the worker's traceback as a note."""
    return done if done.crash is None else replace(done, crash=portable(done.crash))


def _worth_a_pool(files: Sequence[Path]) -> bool:
    """Several files, or one large enough for its rows to be validated in chunks."""
    if len(files) != 1:
        return len(files) > 1
    try:
        return files[0].stat().st_size > POOL_BYTES
    except OSError:
        return False


def checked_files(
    files: Sequence[Path], vocab: Vocab, public_key: Ed25519PublicKey, jobs: int
) -> Iterator[Checked | None]:
    """Per file, in order: its Checked from a worker, or None (checked in this process). A
    streamed Checked needs the pool: use it before asking for the next one."""
    if jobs <= 1 or not _worth_a_pool(files):
        yield from (None for _ in files)
        return
    with open_pool(vocab, public_key, jobs) as pool:
        if len(files) == 1:
            yield _check_large(pool, files[0], vocab, public_key, jobs)
            return
        pending: deque[Future[Wire]] = deque()
        ahead = iter(files)
        for path in ahead:
            pending.append(pool.submit(_check_in_worker, path))
            if len(pending) >= _WINDOW * jobs:
                break
        while pending:
            done = _from_wire(pending.popleft().result())
            following = next(ahead, None)
            if following is not None:
                pending.append(pool.submit(_check_in_worker, following))
            if done.unvalidated is not None:
                done = _validate_in_pool(pool, done)
            yield done


def _check_large(
    pool: ProcessPoolExecutor, path: Path, vocab: Vocab, public_key: Ed25519PublicKey, jobs: int = 2
) -> Checked:
    """A single large file read and validated by every worker, run by run of rows (its
    records streamed as the runs arrive); when that cannot say, read here (its rows need not
    travel) and validated by the pool."""
    try:
        loaded = preflight.read_once(path)
    except OSError as exc:
        return Checked("", type(exc).__name__)
    done = _read_in_chunks(pool, path, loaded, vocab, public_key, jobs)
    return _check_usual(pool, path, loaded, vocab, public_key) if done is None else done


def _check_usual(
    pool: ProcessPoolExecutor,
    path: Path,
    loaded: preflight.Loaded,
    vocab: Vocab,
    public_key: Ed25519PublicKey,
) -> Checked:
    done = check_file(path, vocab, public_key, split_rows=SPLIT_ROWS, loaded=loaded)
    return done if done.unvalidated is None else _validate_in_pool(pool, done)


def _read_in_chunks(
    pool: ProcessPoolExecutor,
    path: Path,
    loaded: preflight.Loaded,
    vocab: Vocab,
    public_key: Ed25519PublicKey,
    jobs: int,
) -> Checked | None:
    """check_file's result by chunkread, streamed; None when only check_file can say (a
    rejected file too: check_file says why in its own words)."""
    base = NewSubmission(str(path), path.name, loaded.sha256, "")

    def submit(task: chunkread.Task) -> Future[Any]:
        return pool.submit(_read_chunk_in_worker, task)

    try:
        started = chunkread.start(path, loaded, vocab, public_key, submit, jobs)
    except SubmissionError:
        return None
    except Exception as exc:
        return crashed(base, exc)
    if started is None:
        return None
    record = _record(base, started.identity, DATA_SHEET)
    usual = partial(_check_usual, pool, path, loaded, vocab, public_key)
    return Checked(
        loaded.sha256, streamed=Streamed(record, started, vocab, usual), data=loaded.data
    )


def _read_chunk_in_worker(task: chunkread.Task) -> tuple[chunkread.Summary, WireRecords] | None:
    read = chunkread.read_chunk(task)
    if read is None:
        return None
    summary, source = read
    return summary, pack(*check_rows(source, DATA_SHEET, task[5], state()[0]))


def _validate_in_pool(pool: ProcessPoolExecutor, done: Checked) -> Checked:
    """A large file's rows validated in chunks by every worker, results in row order."""
    later = done.unvalidated
    if later is None:
        raise ValueError("nothing to validate")
    rows, sheet, date1904 = later.rows, later.sheet, later.date1904
    chunks = (pack_source(rows[i : i + _CHUNK_ROWS]) for i in range(0, len(rows), _CHUNK_ROWS))
    futures = [pool.submit(_check_rows_in_worker, chunk, sheet, date1904) for chunk in chunks]
    checked: list[NewRow] = []
    issues = list(later.issues)
    try:
        for future in futures:
            chunk_rows, chunk_issues = unpack(future.result())
            checked += chunk_rows
            issues += chunk_issues
    except Exception as exc:
        cancel_all(futures)
        return crashed(later.record, exc)
    return replace(done, result=(later.record, checked, issues), unvalidated=None)


def _record(base: NewSubmission, ident: Identity | None, sheet: str) -> NewSubmission:
    return NewSubmission(
        base.path,
        base.file_name,
        base.sha256,
        base.received_at,
        template_id=ident.template_id if ident else "",
        unit=ident.unit_name if ident else "",
        unit_code=ident.unit_code if ident else "",
        vocab_fingerprint=ident.vocab_fingerprint if ident else "",
        sheet=sheet,
        issued_at=ident.issued_at if ident else "",
        corrects=ident.corrects if ident else "",
        source_rows=ident.source_rows if ident else "",
    )


_IS_ERROR = {code: d.severity is Severity.ERROR for code, d in CATALOGUE.items()}
_in_column_order = itemgetter(*_KEYS)


def check_rows(
    source: Sequence[reader.SourceRow], sheet: str, date1904: bool, vocab: Vocab
) -> tuple[list[NewRow], list[NewIssue]]:
    """Validate input rows; every row and every finding becomes a record."""
    rows: list[NewRow] = []
    issues: list[NewIssue] = []
    for src in source:
        checked = validate_row(src.cells, vocab, date1904)
        findings: tuple[Finding, ...] = (*src.findings, *checked.findings)
        ok = not any(_IS_ERROR[f.code] for f in findings) if findings else True
        values: tuple[str, ...] = _in_column_order(checked.values)
        rows.append(NewRow(src.excel_row, values, ok, row_hash(values)))
        for f in findings:
            letter = BY_KEY[f.column].letter if f.column in BY_KEY else ""
            masked = mask_value(letter, f.value)
            issues.append(NewIssue(f.code, sheet, src.excel_row, letter, f.value, masked, f.detail))
    return rows, issues


def row_hash(values: Sequence[str]) -> str:
    """Identity of a row's canonical content (identical rows have equal hashes)."""
    return hashlib.sha256("\x1f".join(values).encode("utf-8")).hexdigest()[:32]
