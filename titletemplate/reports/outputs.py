"""The ingest's bulk output files, written in worker processes while the batch process writes
the reports: corrections/<unit>.xlsx (one pool task per unit) and consolidated.xlsx/.csv (one
worker reading the valid rows from the store through its own connection; WAL lets it read
while the batch process does). With jobs=1 everything is written in this process."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import fields
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ..files import write_bytes_atomic
from ..ingest.store import Store, StoredIssue
from ..vocab import Unit, Vocab, plain_fields
from ..workers import watch_parent
from .corrections import CorrectionRow, correction_bytes, correction_file
from .report import write_consolidated

CONSOLIDATED_XLSX = "consolidated.xlsx"
CONSOLIDATED_CSV = "consolidated.csv"


def consolidate(
    store: Store,
    store_path: Path,
    out: Path,
    vocab: Vocab,
    split_by_office: bool,
    jobs: int,
    stack: contextlib.ExitStack,
) -> Callable[[], tuple[Path, Path]]:
    """Start writing consolidated.xlsx/.csv (in a worker process reading the store when
    jobs > 1); returns the function that waits for them and gives their paths."""
    paths = (out / CONSOLIDATED_XLSX, out / CONSOLIDATED_CSV)
    if jobs <= 1:
        rows, groups = store.valid_rows(), store.valid_groups() if split_by_office else []
        done = write_consolidated(
            *paths, rows, vocab, groups=groups, split_by_office=split_by_office
        )
        return lambda: done
    pool = stack.enter_context(ProcessPoolExecutor(1, initializer=watch_parent))
    future = pool.submit(_consolidate_in_worker, store_path, paths, plain_fields(vocab),
                         split_by_office)  # fmt: skip
    return future.result


def _consolidate_in_worker(
    store_path: Path, paths: tuple[Path, Path], vocab_fields: dict[str, Any], split: bool
) -> tuple[Path, Path]:
    vocab = Vocab(**vocab_fields)
    with Store(store_path) as store:
        groups = store.valid_groups() if split else []  # only office sheets need them
        return write_consolidated(
            *paths, store.valid_rows(), vocab, groups=groups, split_by_office=split
        )


def corrections(
    store: Store,
    vocab: Vocab,
    key: Ed25519PrivateKey,
    out: Path,
    submission_ids: set[int],
    issued_at: str,
    mask_ids: bool,
    template_rows: int | None,
    jobs: int,
    stack: contextlib.ExitStack,
) -> Callable[[], list[Path]]:
    """Start writing corrections/<unit>.xlsx (in worker processes when jobs > 1); returns
    the function that waits for them and gives their paths."""
    invalid = store.invalid_rows(submission_ids)
    issues = store.row_issues(r.row_id for r in invalid)
    by_unit: dict[tuple[str, str], list[CorrectionRow]] = {}
    for r in invalid:
        if not r.unit:
            continue
        by_unit.setdefault((r.unit, r.unit_code), []).append(
            CorrectionRow(r.values, tuple(issues.get(r.row_id, [])), (r.template_id, r.excel_row))
        )
    work: list[tuple[Unit, list[CorrectionRow], Path]] = []
    taken: set[str] = set()
    for (name, code), rows in by_unit.items():
        found = vocab.find_unit(name) or Unit(name=name, code=code)
        work.append((found, rows, correction_file(out, found.name, taken)))
    opts: dict[str, Any] = {"issued_at": issued_at, "mask_ids": mask_ids}
    opts["template_rows"] = template_rows
    paths = [path for _, _, path in work]
    if jobs <= 1 or not work:

        def write_here() -> list[Path]:
            for unit, rows, path in work:
                write_bytes_atomic(path, correction_bytes(vocab, unit, key, rows, **opts))
            return paths

        return write_here
    raw_key = key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    state = (plain_fields(vocab), raw_key, opts)
    pool = stack.enter_context(
        ProcessPoolExecutor(min(jobs, len(work)), initializer=_init_corrector, initargs=state)
    )
    futures = [
        pool.submit(_correct_in_worker, unit, [_plain(r) for r in rows], path)
        for unit, rows, path in work
    ]

    def wait() -> list[Path]:
        for future in futures:
            future.result()  # a TemplateError reaches this process with its code
        return paths

    return wait


_corrector: tuple[Vocab, Ed25519PrivateKey, dict[str, Any]] | None = None


def _init_corrector(vocab_fields: dict[str, Any], raw_key: bytes, opts: dict[str, Any]) -> None:
    global _corrector
    watch_parent()
    _corrector = (Vocab(**vocab_fields), Ed25519PrivateKey.from_private_bytes(raw_key), opts)


# Rows travel to the workers as plain tuples: pickle handles a frozen dataclass ~10x slower.
_PlainRow = tuple[tuple[str, ...], list[tuple[Any, ...]], tuple[str, int]]


def _plain(row: CorrectionRow) -> _PlainRow:
    return (
        row.values,
        [tuple(getattr(i, f.name) for f in fields(i)) for i in row.issues],
        row.source,
    )


def _correct_in_worker(unit: Unit, plain: list[_PlainRow], path: Path) -> None:
    """Pool task: one unit's correction workbook."""
    if _corrector is None:
        raise RuntimeError("worker not initialised")
    vocab, key, opts = _corrector
    rows = [
        CorrectionRow(v, tuple(StoredIssue(*i) for i in issues), src) for v, issues, src in plain
    ]
    write_bytes_atomic(path, correction_bytes(vocab, unit, key, rows, **opts))
