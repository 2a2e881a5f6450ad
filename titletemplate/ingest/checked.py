"""What checking one returned file gives (Checked) and the plain tuples its records cross
process boundaries as."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import Issue
from .records import NewIssue, NewRow, NewSubmission


@dataclass(frozen=True, slots=True)
class Checked:
    """One file read and validated, possibly in a worker process; sha256 "" = unreadable."""

    sha256: str
    os_error: str = ""
    result: tuple[NewSubmission, list[NewRow], list[NewIssue]] | None = None
    crash: BaseException | None = None  # an unexpected error, logged by the batch process
    data: bytes | None = None  # an accepted file's bytes: those hashed and validated, kept


def crashed(base: NewSubmission, exc: BaseException) -> Checked:
    """Never stop the batch for one file: record it with a code, keep the traceback."""
    code, detail = "file-unreadable", type(exc).__name__
    record = rejected(base, code)
    return Checked(base.sha256, "", (record, [], [NewIssue(code, detail=detail)]), exc)


# Records cross process boundaries as plain tuples: pickle handles a frozen dataclass ~10x
# slower than a tuple (100,000 rows to a worker and back: ~3 s of CPU as dataclasses, ~0.6 s
# as tuples).
WireRecords = tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]
Wire = tuple[str, str, NewSubmission | None, WireRecords, BaseException | None, bytes | None]


def pack(rows: Sequence[NewRow], issues: Sequence[NewIssue]) -> WireRecords:
    return (
        [(r.excel_row, r.values, r.checked_ok, r.row_hash) for r in rows],
        [(i.code, i.sheet, i.excel_row, i.column, i.value, i.value_masked, i.detail, i.row_id)
         for i in issues],
    )  # fmt: skip


def unpack(packed: WireRecords) -> tuple[list[NewRow], list[NewIssue]]:
    rows, issues = packed
    return [NewRow(*t) for t in rows], [NewIssue(*t) for t in issues]


def rejected(base: NewSubmission, code: str) -> NewSubmission:
    return NewSubmission(
        base.path, base.file_name, base.sha256, base.received_at, rejected_code=code
    )


def issue_records(issues: Sequence[Issue]) -> list[NewIssue]:
    return [NewIssue(i.code, i.sheet, i.row, i.column, i.value, i.value, i.detail) for i in issues]
