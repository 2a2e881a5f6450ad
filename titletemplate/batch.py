"""Ingest: read returned files one by one into the store, recompute row statuses over the
store's current rows (lists, duplicates), then write the consolidated and error reports."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .errors import Issue, KeyFileError, Severity
from .files import write_bytes_atomic
from .ingest import (
    Checked,
    ExclusionKind,
    ExclusionList,
    Input,
    NewSubmission,
    Store,
    Unreadable,
    check_file,
    checked_files,
    encrypt_workbook,
    find_inputs,
    load_exclusions,
    read_once,
)
from .ingest import row_hash as row_hash  # re-exported API
from .keys import public_pem
from .paths import check_output
from .reports import (
    FileSummary,
    StatusFiles,
    Totals,
    correction_file,
    expected_units,
    message,
    shown,
    start_consolidated,
    start_corrections,
    totals,
    write_errors,
    write_report_json,
    write_status,
)
from .runreport import Outcome, file_summaries, run_issues
from .vocab import Vocab, text_key

_log = logging.getLogger(__name__)

DB_NAME = "titletemplate.db"
ERRORS_XLSX = "errors.xlsx"
REPORT_JSON = "report.json"
NOT_WRITTEN = "correction-not-written"  # a unit's correction workbook could not be made

Progress = Callable[[int, int], None]  # (files done, files in total)


@dataclass(frozen=True, slots=True)
class IngestResult:
    """What one ingest run produced. `files` and `totals` have the shape of report.json."""

    files: tuple[FileSummary, ...]
    issues: tuple[Issue, ...]  # as reports show them: value and detail masked if asked
    totals: Totals
    missing_units: tuple[str, ...]
    out_dir: Path
    db_path: Path
    consolidated_xlsx: Path
    consolidated_csv: Path
    errors_xlsx: Path
    report_json: Path
    corrections: tuple[Path, ...]
    status: StatusFiles  # the whole campaign's, after this run
    mask_ids: bool = True

    def message(self, issue: Issue) -> str:
        """The Chinese message of one of `issues`, as the reports word it."""
        return message(issue, self.mask_ids)

    @property
    def exit_code(self) -> int:
        """0 when every row was accepted, no file was rejected and every correction was
        written, else 1."""
        t = self.totals
        clean = t["rejected_files"] == 0 and t["invalid_rows"] == 0
        return 0 if clean and not any(i.code == NOT_WRITTEN for i in self.issues) else 1


def ingest(
    paths: Iterable[str | Path],
    out_dir: str | Path,
    *,
    vocab: Vocab,
    public_key: Ed25519PublicKey,
    private_key: Ed25519PrivateKey | None = None,
    db_path: str | Path | None = None,
    revoked: str | Path | None = None,
    ecert: str | Path | None = None,
    manifest: str | Path | None = None,
    mask_ids: bool = True,
    split_by_office: bool = False,
    received_at: str | None = None,
    correction_rows: int | None = None,
    progress: Progress | None = None,
    jobs: int = 2,
    passwords: Sequence[str] = (),
    encrypt_output: str | None = None,
    level: str | None = None,
) -> IngestResult:
    """Ingest returned files and folders (recursively) into the store and write the reports.

    Args:
        private_key: signs corrections/<unit>.xlsx; without it no corrections are written.
        revoked, ecert: lists that replace the stored ones; omitted, the stored ones apply.
        manifest: the manifest.csv of `build`; units it lists that have not returned are
            `missing_units` (default: every unit in vocab.units).
        received_at: ISO time recorded for the submissions and as the corrections' issue
            time (default: now, UTC).
        jobs: worker processes that read and validate files (the store stays in this one).
        passwords: tried in turn on encrypted archives and workbooks; never recorded.
        level: the level that consolidates, named on consolidated.xlsx's 填报单位 line for
            its signature and stamp (default: the campaign's bureau).
        encrypt_output: a password: consolidated.xlsx is written Office-encrypted with it
            (what Excel and WPS open after asking for it); never recorded.

    Raises:
        ExclusionListError: a list cannot be read. KeyFileError: `private_key` does not
            belong to `public_key`. StoreError: the database cannot be used.
    """
    out = Path(out_dir)
    store_path = Path(db_path) if db_path else out / DB_NAME
    longest_unit = max((u.name for u in vocab.units), key=len, default="")
    wal = store_path.with_name(store_path.name + "-wal")
    check_output([wal, out / ERRORS_XLSX, correction_file(out, longest_unit)])
    received = received_at or dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if private_key is not None and public_pem(private_key.public_key()) != public_pem(public_key):
        raise KeyFileError("key-mismatch", "private key does not match the public key")
    lists = [
        load_exclusions(p, kind)
        for p, kind in ((revoked, ExclusionKind.REVOKED), (ecert, ExclusionKind.ECERT))
        if p is not None
    ]
    expected = expected_units(vocab, manifest)
    # Archive members are copied here under numbered names; it goes when ingest is done.
    with tempfile.TemporaryDirectory(prefix="titletemplate-") as workdir:
        found, skipped = find_inputs([Path(p) for p in paths], Path(workdir), passwords)
        inputs = sorted({i.path: i for i in found}.values(), key=lambda i: i.shown)
        outcomes = [_skipped(s) for s in skipped]
        return _ingest(
            inputs, outcomes, out, store_path, received, lists, expected, vocab, public_key,
            private_key, mask_ids, split_by_office, correction_rows, progress, jobs,
            encrypt_output, level or vocab.campaign.bureau,
        )  # fmt: skip


def _skipped(issue: Issue) -> Outcome:
    """An entry find_inputs did not take as a workbook: its issue says why."""
    rejected = issue.code if issue.severity is Severity.ERROR else ""
    ignored = not rejected and issue.severity is Severity.INFO
    return Outcome(issue.path, issue.file, None, rejected, (issue,), ignored=ignored)


def _ingest(
    inputs: Sequence[Input],
    outcomes: list[Outcome],
    out: Path,
    store_path: Path,
    received: str,
    lists: Sequence[ExclusionList],
    expected: Sequence[tuple[str, str]],
    vocab: Vocab,
    public_key: Ed25519PublicKey,
    private_key: Ed25519PrivateKey | None,
    mask_ids: bool,
    split_by_office: bool,
    correction_rows: int | None,
    progress: Progress | None,
    jobs: int,
    encrypt_output: str | None,
    level: str,
) -> IngestResult:
    files = [i.path for i in inputs]
    with Store(store_path) as store:
        for lst in lists:
            store.set_exclusions(lst.kind, lst.entries, lst.source)
        if progress:
            progress(0, len(files))
        checked = checked_files(files, vocab, public_key, jobs)
        for n, (given, done) in enumerate(zip(inputs, checked, strict=True), start=1):
            outcomes.append(_ingest_file(store, given, vocab, public_key, received, done))
            if progress:
                progress(n, len(files))
        changed = _recompute(store)
        corrections: list[Path] = []
        with contextlib.ExitStack() as stack:
            finish: Callable[[], tuple[list[Path], list[Issue]]] = lambda: ([], [])  # noqa: E731
            if private_key is not None:  # every unit with open errors, from any run
                finish = start_corrections(
                    store, vocab, private_key, out, store.open_submissions(), received,
                    mask_ids, correction_rows, jobs, stack,
                )  # fmt: skip
            # Worker processes build the corrections and write the merged files while this one
            # writes the reports.
            merged = start_consolidated(
                store,
                store_path,
                out,
                vocab,
                split_by_office,
                jobs,
                stack,
                level or vocab.campaign.bureau,
            )
            summaries = file_summaries(store, outcomes)
            issues = run_issues(store, outcomes, changed, mask_ids)
            missing = _missing_units(expected, store)
            total = totals(summaries)
            still_open = [shown(i, mask_ids) for i in store.open_issues()]
            errors_xlsx = write_errors(out / ERRORS_XLSX, issues, summaries, still_open, mask_ids)
            board = write_status(store, vocab, out, expected, received)
            report_json = write_report_json(
                out / REPORT_JSON, summaries, issues, total, missing, mask_ids,
                board.status.totals, still_open,
            )  # fmt: skip
            store.checkpoint()  # while the output workers are still busy
            xlsx, csv_path = merged()
            if encrypt_output is not None:
                write_bytes_atomic(xlsx, encrypt_workbook(xlsx.read_bytes(), encrypt_output))
            corrections, not_written = finish()
            if not_written:  # rare: the run's reports and the board say so, and count them not
                issues += [shown(i, mask_ids) for i in not_written]
                errors_xlsx = write_errors(out / ERRORS_XLSX, issues, summaries, still_open,
                                           mask_ids)  # fmt: skip
                board = write_status(store, vocab, out, expected, received)
                report_json = write_report_json(
                    out / REPORT_JSON, summaries, issues, total, missing, mask_ids,
                    board.status.totals, still_open,
                )  # fmt: skip
    return IngestResult(
        files=tuple(summaries),
        issues=tuple(issues),
        totals=total,
        missing_units=tuple(missing),
        out_dir=out,
        db_path=store_path,
        consolidated_xlsx=xlsx,
        consolidated_csv=csv_path,
        errors_xlsx=errors_xlsx,
        report_json=report_json,
        corrections=tuple(corrections),
        status=board,
        mask_ids=mask_ids,
    )


# --- one file -------------------------------------------------------------------------


def _ingest_file(
    store: Store,
    given: Input,
    vocab: Vocab,
    public_key: Ed25519PublicKey,
    received: str,
    checked: Checked | Unreadable | None = None,
) -> Outcome:
    path, shown, name = given.path, given.shown, given.name
    if checked is None:
        try:
            loaded = read_once(path)
        except OSError as exc:
            checked = Unreadable(type(exc).__name__)
        else:
            known = store.find(loaded.sha256)
            if known is not None and known.status != "rejected":
                again = (Issue("file-already-ingested"), *given.notes)
                return Outcome(shown, name, known.id, notes=again)
            checked = check_file(path, vocab, public_key, loaded=loaded)
    if isinstance(checked, Unreadable):
        note = Issue("file-unreadable", detail=checked.os_error)
        return Outcome(shown, name, None, "file-unreadable", (note, *given.notes))
    known = store.find(checked.sha256)
    if known is not None and known.status != "rejected":
        again = (Issue("file-already-ingested"), *given.notes)
        return Outcome(shown, name, known.id, notes=again)
    if checked.crash is not None:
        _log.error("unexpected error in %s", name, exc_info=checked.crash)
    sub = replace(checked.record, path=shown, file_name=name, received_at=received)
    sid, superseded = store.add(sub, checked.rows, [*checked.issues, *given.notes])
    _keep(store, sub, checked.data)
    return Outcome(shown, name, sid, sub.rejected_code, (), tuple(s.id for s in superseded))


def _keep(store: Store, sub: NewSubmission, data: bytes | None) -> None:
    """An accepted file's bytes (those hashed and validated), for `bundle` to forward the
    original up the chain."""
    if not sub.rejected_code:
        if data is None:
            raise RuntimeError("accepted file checked without its bytes")
        store.keep_original(sub.sha256, data)


# --- over the store's current rows ----------------------------------------------------


def _recompute(store: Store) -> set[int]:
    """Statuses of every current row from the stored lists and duplicates; returns the
    submissions whose rows changed status."""
    return store.recompute()


# --- the ledger -----------------------------------------------------------------------


def _missing_units(expected: Sequence[tuple[str, str]], store: Store) -> list[str]:
    units = {text_key(u) for u in store.current_units()}
    templates = store.current_template_ids()
    return [
        name
        for name, template in expected
        if text_key(name) not in units and not (template and template in templates)
    ]
