"""One returned file -> the records to store (read, verify, normalise, validate), in this
process or in worker processes that read ahead of the store, in file order.

One route: each file is read and validated by one process, the batch process (one worker,
or a single file) or a worker of the pool, and only its records travel back. Measured before
this was the only route (see the README's performance section): a single large file read
and validated in this process against the same file read here and validated in chunks by the
pool, and against its runs of rows read and validated by every worker (chunkread.py, since
removed): neither bought the 2x that would have paid for its code."""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from operator import itemgetter
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from .. import addresscodes
from ..columns import COLUMNS
from ..errors import CATALOGUE, Issue, Severity, SubmissionError
from ..fingerprint import Identity
from ..vocab import Vocab
from ..workers import hand_over, portable, start_pool, state, take_over
from . import preflight, reader
from .checked import Checked, Unreadable, Wire, crashed, pack, rejected, unpack
from .records import NewRow, NewSubmission
from .validate import validate_row

_KEYS = tuple(c.key for c in COLUMNS)
_WINDOW = 4  # files read ahead per worker: memory stays bounded however many files there are


def check_file(
    path: Path,
    vocab: Vocab,
    public_key: Ed25519PublicKey,
    *,
    loaded: preflight.Loaded | None = None,
) -> Checked | Unreadable:
    """Read `path` once (or take `loaded`, read_once's result for it) and validate those bytes:
    the sha256 stored is that of the bytes validated."""
    try:
        got = preflight.read_once(path) if loaded is None else loaded
    except OSError as exc:
        return Unreadable(type(exc).__name__)
    base = NewSubmission(str(path), path.name, got.sha256, "")
    try:
        sub = reader.read_submission(path, vocab, public_key, loaded=got)
        record = _record(base, sub.identity, sub.sheet)
        rows, found = check_rows(sub.rows, sub.sheet, sub.date1904, vocab)
    except SubmissionError as exc:
        code = exc.code if exc.code in CATALOGUE else "file-unreadable"
        detail = exc.detail if code == exc.code else f"{exc.code} {exc.detail}".strip()
        return Checked(rejected(base, code), [], [Issue(code, detail=detail)])
    except Exception as exc:
        return crashed(base, exc)
    return Checked(record, rows, [*sub.issues, *found], data=got.data)


def open_pool(vocab: Vocab, public_key: Ed25519PublicKey, jobs: int) -> ProcessPoolExecutor:
    """The workers that check files: each holds the vocabulary and the public key."""
    addresscodes.national()  # parsed once here, not in every forked worker
    return start_pool(jobs, take_over, hand_over(vocab, public_key))


def _check_in_worker(path: Path) -> Wire:
    done = check_file(path, *state())
    if isinstance(done, Unreadable):
        return (done.os_error,)
    crash = None if done.crash is None else portable(done.crash)
    return done.record, pack(done.rows, done.issues), done.data, crash


def _from_wire(wire: Wire) -> Checked | Unreadable:
    if len(wire) == 1:
        return Unreadable(wire[0])
    record, records, data, crash = wire
    return Checked(record, *unpack(records), data=data, crash=crash)


def checked_files(
    files: Sequence[Path], vocab: Vocab, public_key: Ed25519PublicKey, jobs: int
) -> Iterator[Checked | Unreadable | None]:
    """Per file, in order: its Checked from a worker, or None (checked in this process: one
    job, or a single file, which a worker would read no faster)."""
    if jobs <= 1 or len(files) <= 1:
        yield from (None for _ in files)
        return
    with open_pool(vocab, public_key, jobs) as pool:
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
            yield done


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
) -> tuple[list[NewRow], list[Issue]]:
    """Validate input rows; every row and every finding becomes a record."""
    rows: list[NewRow] = []
    issues: list[Issue] = []
    for src in source:
        checked = validate_row(src.cells, vocab, date1904)
        findings: tuple[Issue, ...] = (*src.findings, *checked.findings)
        ok = not any(_IS_ERROR[f.code] for f in findings) if findings else True
        values: tuple[str, ...] = _in_column_order(checked.values)
        rows.append(NewRow(src.excel_row, values, ok, row_hash(values)))
        for f in findings:  # placed in its sheet and row
            issues.append(Issue(f.code, "", sheet, src.excel_row, f.column, f.value, f.detail,
                                f.stage))  # fmt: skip
    return rows, issues


def row_hash(values: Sequence[str]) -> str:
    """Identity of a row's canonical content (identical rows have equal hashes)."""
    return hashlib.sha256("\x1f".join(values).encode("utf-8")).hexdigest()[:32]
