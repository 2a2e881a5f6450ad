"""What checking one returned file gives (Checked) and the plain tuples its records cross
process boundaries as."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import Issue, Stage
from .records import NewRow, NewSubmission


@dataclass(frozen=True, slots=True)
class Unreadable:
    """A file the system could not read at all (`os_error` says why): there is nothing to
    validate or store, only a note for the run."""

    os_error: str


@dataclass(frozen=True, slots=True)
class Checked:
    """One file read and validated, possibly in a worker process: its record (accepted, or
    rejected with a code), its rows and issues."""

    record: NewSubmission
    rows: list[NewRow]
    issues: list[Issue]
    data: bytes | None = None  # an accepted file's bytes: those hashed and validated, kept
    crash: BaseException | None = None  # an unexpected error, logged by the batch process

    @property
    def sha256(self) -> str:
        return self.record.sha256


def crashed(base: NewSubmission, exc: BaseException) -> Checked:
    """Never stop the batch for one file: record it with a code, keep the traceback."""
    code, detail = "file-unreadable", type(exc).__name__
    return Checked(rejected(base, code), [], [Issue(code, detail=detail)], crash=exc)


# Records cross process boundaries as plain tuples: pickle handles a frozen dataclass ~10x
# slower than a tuple (100,000 rows to a worker and back: ~3 s of CPU as dataclasses, ~0.6 s
# as tuples).
WireRecords = tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]
# One file from a worker: an Unreadable's os_error, or a Checked's fields with its records packed.
Wire = tuple[str] | tuple[NewSubmission, WireRecords, bytes | None, BaseException | None]


def pack(rows: Sequence[NewRow], issues: Sequence[Issue]) -> WireRecords:
    # A file's issues before the store places them: no unit, path or duplicate's other row.
    return (
        [(r.excel_row, r.values, r.checked_ok, r.row_hash) for r in rows],
        [(i.code, i.file, i.sheet, i.row, i.column, i.value, i.detail, i.stage.value)
         for i in issues],
    )  # fmt: skip


def unpack(packed: WireRecords) -> tuple[list[NewRow], list[Issue]]:
    rows, issues = packed
    return [NewRow(*t) for t in rows], [
        Issue(code, file, sheet, row, column, value, detail, Stage(stage))
        for code, file, sheet, row, column, value, detail, stage in issues
    ]


def rejected(base: NewSubmission, code: str) -> NewSubmission:
    return NewSubmission(
        base.path, base.file_name, base.sha256, base.received_at, rejected_code=code
    )
