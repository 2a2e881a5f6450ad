"""The ingest's bulk output files, written in worker processes while the batch process writes
the reports: corrections/<unit>.xlsx (one pool task per unit) and consolidated.xlsx/.csv (one
worker reading the valid rows from the store through its own connection; WAL lets it read
while the batch process does). With jobs=1 everything is written in this process."""

from __future__ import annotations

import contextlib
import functools
import hashlib
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ..errors import Issue, TitleTemplateError
from ..files import write_bytes_atomic
from ..fingerprint import Origin, template_id
from ..ingest.ledger import IssuedCorrection
from ..ingest.store import Store
from ..privacy import mask_ids_in_text
from ..vocab import Unit, Vocab
from ..workers import Handover, hand_over, start_pool, state, take_over
from .corrections import CORRECTIONS_DIR, CorrectionRow, correction_bytes, correction_file
from .report import write_consolidated

CONSOLIDATED_XLSX = "consolidated.xlsx"
CONSOLIDATED_CSV = "consolidated.csv"


def start_consolidated(
    store: Store,
    store_path: Path,
    out: Path,
    vocab: Vocab,
    split_by_office: bool,
    jobs: int,
    stack: contextlib.ExitStack,
    level: str,
) -> Callable[[], tuple[Path, Path]]:
    """Start writing consolidated.xlsx/.csv (in a worker process reading the store when
    jobs > 1); returns the function that waits for them and gives their paths. `level`: who
    consolidated them, named on the sheet's 填报单位 line."""
    paths = (out / CONSOLIDATED_XLSX, out / CONSOLIDATED_CSV)
    if jobs <= 1:
        rows, groups = store.valid_rows(), store.valid_groups() if split_by_office else []
        done = write_consolidated(
            *paths, rows, vocab, groups=groups, split_by_office=split_by_office, level=level
        )
        return lambda: done
    pool = stack.enter_context(start_pool(1))
    future = pool.submit(_consolidate_in_worker, store_path, paths, hand_over(vocab),
                         split_by_office, level)  # fmt: skip
    return future.result


def _consolidate_in_worker(
    store_path: Path,
    paths: tuple[Path, Path],
    handover: Handover,
    split: bool,
    level: str,
) -> tuple[Path, Path]:
    vocab, _ = take_over(handover)
    with Store(store_path) as store:
        groups = store.valid_groups() if split else []  # only office sheets need them
        return write_consolidated(*paths, store.valid_rows(), vocab, groups=groups,
                                  split_by_office=split, level=level)  # fmt: skip


def start_corrections(
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
) -> Callable[[], tuple[list[Path], list[Issue]]]:
    """Start writing corrections/<unit>.xlsx for the units with invalid rows in these
    submissions (in worker processes when jobs > 1); returns the function that waits for
    them and gives the paths written and a `correction-not-written` issue per unit whose
    correction could not be made (the others are written all the same). Any other file in
    corrections/ is removed: it is stale.

    A unit whose open rows are those of the last correction it was issued gets that
    correction again (same issue time, same template id); otherwise it is issued a new one,
    dated `issued_at`, and the store records it (and forgets it again if it is not written).
    """
    invalid = store.invalid_rows(submission_ids)
    issues = store.row_issues(r.row_id for r in invalid)
    by_unit: dict[tuple[str, str], list[CorrectionRow]] = {}
    for r in invalid:
        if not r.unit:
            continue
        by_unit.setdefault((r.unit, r.unit_code), []).append(
            CorrectionRow(r.values, tuple(issues.get(r.row_id, [])), (r.template_id, r.excel_row))
        )
    work: list[tuple[Unit, list[CorrectionRow], Path, str]] = []
    taken: set[str] = set()
    latest = store.latest_corrections()
    issued: dict[Path, IssuedCorrection] = {}
    for (name, code), rows in by_unit.items():
        found = vocab.find_unit(name) or Unit(name=name, code=code)
        path = correction_file(out, found.name, taken)
        key_of_rows = _rows_key(rows)
        last = latest.get(name)
        when = last.issued_at if last and last.rows_key == key_of_rows else issued_at
        work.append((found, rows, path, when))
        if when == issued_at:
            origin = Origin(tuple(r.source for r in rows))
            tid = template_id(vocab, found, when, origin)
            issued[path] = IssuedCorrection(tid, name, code, when, len(rows), path.name,
                                            key_of_rows)  # fmt: skip
    store.record_corrections(issued.values())
    _remove_stale(out, {path for _, _, path, _ in work})
    opts: dict[str, Any] = {"mask_ids": mask_ids, "template_rows": template_rows}
    outcomes: list[Callable[[], object]]
    if jobs <= 1 or not work:
        outcomes = [
            functools.partial(_write_correction, vocab, key, unit, rows, path, when, opts)
            for unit, rows, path, when in work
        ]
    else:
        pool = stack.enter_context(
            start_pool(min(jobs, len(work)), _corrector_state, hand_over(vocab, key), opts)
        )
        outcomes = [
            pool.submit(_correct_in_worker, unit, [_plain(r) for r in rows], path, when).result
            for unit, rows, path, when in work
        ]

    def wait() -> tuple[list[Path], list[Issue]]:
        written: list[Path] = []
        failed: list[Issue] = []
        for outcome, (unit, _, path, _) in zip(outcomes, work, strict=True):
            try:
                outcome()  # a TemplateError reaches this process with its code
            except (TitleTemplateError, OSError) as exc:
                failed.append(_not_written(out, unit, path, exc))
            else:
                written.append(path)
        # A new correction not written was not issued, and the unit's file left from before
        # is stale; one issued again stays as it was (the same correction).
        lost = [path for path in map(Path, (i.path for i in failed)) if path in issued]
        store.forget_corrections([issued[path].template_id for path in lost])
        for path in lost:
            with contextlib.suppress(OSError):  # what holds the path may hold it still
                path.unlink(missing_ok=True)
        return written, failed

    return wait


def _write_correction(
    vocab: Vocab,
    key: Ed25519PrivateKey,
    unit: Unit,
    rows: list[CorrectionRow],
    path: Path,
    when: str,
    opts: dict[str, Any],
) -> None:
    write_bytes_atomic(path, correction_bytes(vocab, unit, key, rows, issued_at=when, **opts))


def _not_written(out: Path, unit: Unit, path: Path, exc: Exception) -> Issue:
    """The finding of a unit whose correction could not be made: the reason's code (the
    system's error name for an OSError) and detail, ID numbers masked."""
    if isinstance(exc, TitleTemplateError):
        reason = f"{exc.code} {exc.detail}".strip()
    else:
        reason = f"{type(exc).__name__} {getattr(exc, 'strerror', '') or ''}".strip()
    name = path.relative_to(out).as_posix()
    return Issue("correction-not-written", name, detail=mask_ids_in_text(reason)[:200],
                 unit=unit.name, path=str(path))  # fmt: skip


def _rows_key(rows: list[CorrectionRow]) -> str:
    """What a correction is made from: its source rows, in order."""
    text = "\n".join(f"{t}\t{r}" for t, r in (row.source for row in rows))
    return hashlib.sha256(text.encode()).hexdigest()


def _remove_stale(out: Path, keep: set[Path]) -> None:
    """Correction files of an earlier run that this run did not write again: their units
    have nothing open now, and a file left there would look current."""
    folder = out / CORRECTIONS_DIR
    if folder.is_dir():
        for path in folder.glob("*.xlsx"):
            if path not in keep:
                path.unlink()


def _corrector_state(
    handover: Handover, opts: dict[str, Any]
) -> tuple[Vocab, Ed25519PrivateKey, dict[str, Any]]:
    vocab, key = take_over(handover)
    return vocab, key, opts


# Rows travel to the workers as plain tuples: pickle handles a frozen dataclass ~10x slower.
_PlainRow = tuple[tuple[str, ...], list[tuple[Any, ...]], tuple[str, int]]


def _plain(row: CorrectionRow) -> _PlainRow:
    return (
        row.values,
        [tuple(getattr(i, f.name) for f in fields(i)) for i in row.issues],
        row.source,
    )


def _correct_in_worker(unit: Unit, plain: list[_PlainRow], path: Path, issued_at: str) -> None:
    """Pool task: one unit's correction workbook."""
    vocab, key, opts = state()
    rows = [CorrectionRow(v, tuple(Issue(*i) for i in issues), src) for v, issues, src in plain]
    data = correction_bytes(vocab, unit, key, rows, issued_at=issued_at, **opts)
    write_bytes_atomic(path, data)
