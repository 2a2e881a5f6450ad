"""One returned file -> the records to store (read, verify, normalise, validate), in this
process or in worker processes that read ahead of the store, in file order."""

from __future__ import annotations

import hashlib
import pickle
import traceback
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from . import reader
from .columns import BY_KEY, COLUMNS
from .errors import CATALOGUE, Severity, SubmissionError
from .normalize import Finding
from .report import mask_value
from .store import NewIssue, NewRow, NewSubmission
from .validate import validate_row
from .vocab import Vocab

_KEYS = tuple(c.key for c in COLUMNS)
_HASH_CHUNK = 1 << 20


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class Checked:
    """One file read and validated, possibly in a worker process; sha256 "" = unreadable."""

    sha256: str
    os_error: str = ""
    result: tuple[NewSubmission, list[NewRow], list[NewIssue]] | None = None
    crash: BaseException | None = None  # an unexpected error, logged by the batch process


def check_file(path: Path, vocab: Vocab, public_key: Ed25519PublicKey) -> Checked:
    try:
        sha = file_sha256(path)
    except OSError as exc:
        return Checked("", type(exc).__name__)
    base = NewSubmission(str(path), path.name, sha, "")
    crash: BaseException | None = None
    try:
        sub, rows, issues = _check(path, base, vocab, public_key)
    except SubmissionError as exc:
        code = exc.code if exc.code in CATALOGUE else "file-unreadable"
        detail = exc.detail if code == exc.code else f"{exc.code} {exc.detail}".strip()
        sub, rows, issues = _rejected(base, code), [], [NewIssue(code, detail=detail)]
    except Exception as exc:
        # Never stop the batch for one file: record it with a code, keep the traceback.
        code, detail = "file-unreadable", type(exc).__name__
        sub, rows, issues = _rejected(base, code), [], [NewIssue(code, detail=detail)]
        crash = exc
    return Checked(sha, "", (sub, rows, issues), crash)


# Worker processes: Vocab holds MappingProxyType lookups, which do not pickle, so each worker
# rebuilds it once from its plain fields; the public key travels as raw bytes.
_worker: tuple[Vocab, Ed25519PublicKey] | None = None
_WINDOW = 4  # files read ahead per worker: memory stays bounded however many files there are


def plain_fields(vocab: Vocab) -> dict[str, Any]:
    return {f.name: getattr(vocab, f.name) for f in fields(vocab) if f.init}


def _init_worker(vocab_fields: dict[str, Any], raw_key: bytes) -> None:
    global _worker
    _worker = (Vocab(**vocab_fields), Ed25519PublicKey.from_public_bytes(raw_key))


def _check_in_worker(path: Path) -> Checked:
    if _worker is None:
        raise RuntimeError("worker not initialised")
    done = check_file(path, *_worker)
    if done.crash is not None:
        text = "".join(traceback.format_exception(done.crash))
        try:
            pickle.dumps(done.crash)
            crash: BaseException = done.crash
        except Exception:
            crash = RuntimeError(type(done.crash).__name__)
        crash.__cause__ = None
        crash.add_note(f"in worker process:\n{text}")
        done = replace(done, crash=crash)
    return done


def checked_files(
    files: Sequence[Path], vocab: Vocab, public_key: Ed25519PublicKey, jobs: int
) -> Iterator[Checked | None]:
    """Per file, in order: its Checked from a worker, or None (checked in this process)."""
    if jobs <= 1 or len(files) < 2:
        yield from (None for _ in files)
        return
    raw_key = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    state = (plain_fields(vocab), raw_key)
    with ProcessPoolExecutor(
        min(jobs, len(files)), initializer=_init_worker, initargs=state
    ) as pool:
        pending: deque[Future[Checked]] = deque()
        ahead = iter(files)
        for path in ahead:
            pending.append(pool.submit(_check_in_worker, path))
            if len(pending) >= _WINDOW * jobs:
                break
        while pending:
            done = pending.popleft().result()
            following = next(ahead, None)
            if following is not None:
                pending.append(pool.submit(_check_in_worker, following))
            yield done


def _rejected(base: NewSubmission, code: str) -> NewSubmission:
    return NewSubmission(
        base.path, base.file_name, base.sha256, base.received_at, rejected_code=code
    )


def _check(
    path: Path, base: NewSubmission, vocab: Vocab, public_key: Ed25519PublicKey
) -> tuple[NewSubmission, list[NewRow], list[NewIssue]]:
    """Read and validate one file; every row and every finding becomes a record."""
    sub = reader.read_submission(path, vocab, public_key)
    ident = sub.identity
    record = NewSubmission(
        base.path,
        base.file_name,
        base.sha256,
        base.received_at,
        template_id=ident.template_id if ident else "",
        unit=ident.unit_name if ident else "",
        unit_code=ident.unit_code if ident else "",
        vocab_fingerprint=ident.vocab_fingerprint if ident else "",
        sheet=sub.sheet,
    )
    issues = [
        NewIssue(i.code, i.sheet, i.row, i.column, i.value, i.value, i.detail) for i in sub.issues
    ]
    rows: list[NewRow] = []
    for src in sub.rows:
        checked = validate_row(src.cells, vocab, sub.date1904)
        findings: tuple[Finding, ...] = (*src.findings, *checked.findings)
        ok = all(CATALOGUE[f.code].severity is not Severity.ERROR for f in findings)
        values = tuple(checked.values[k] for k in _KEYS)
        rows.append(NewRow(src.excel_row, values, ok, row_hash(values)))
        for f in findings:
            letter = BY_KEY[f.column].letter if f.column in BY_KEY else ""
            masked = mask_value(letter, f.value)
            issues.append(
                NewIssue(f.code, sub.sheet, src.excel_row, letter, f.value, masked, f.detail)
            )
    return record, rows, issues


def row_hash(values: Sequence[str]) -> str:
    """Identity of a row's canonical content (identical rows have equal hashes)."""
    return hashlib.sha256("\x1f".join(values).encode("utf-8")).hexdigest()[:32]
