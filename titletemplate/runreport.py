"""What one ingest run says about its files: a summary per input file, and the issues to
report (this run's files, earlier files whose rows changed status, superseded ones)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from .errors import Issue
from .ingest import Store
from .reports import FileSummary, shown


@dataclass(frozen=True, slots=True)
class Outcome:
    """One input file after reading: where it went in the store and what to say about it."""

    path: str
    file_name: str
    submission_id: int | None
    rejected_code: str = ""
    notes: tuple[Issue, ...] = ()  # issues not kept in the store
    superseded: tuple[int, ...] = ()
    ignored: bool = False  # not a returned file at all (__MACOSX/, Thumbs.db in an archive)


def file_summaries(store: Store, outcomes: Sequence[Outcome]) -> list[FileSummary]:
    ids = [o.submission_id for o in outcomes if o.submission_id is not None]
    counts = store.status_counts(ids)
    subs = store.submissions(ids)
    out: list[FileSummary] = []
    for o in outcomes:
        c = counts.get(o.submission_id, {}) if o.submission_id is not None else {}
        s = subs.get(o.submission_id) if o.submission_id is not None else None
        code = o.rejected_code or (o.notes[0].code if o.notes else "")
        if not code and s is not None and s.status == "superseded":
            code = "submission-superseded"  # a later file of this batch replaced it
        valid, invalid = c.get("valid", 0), c.get("invalid", 0)
        duplicate, excluded = c.get("duplicate", 0), c.get("excluded", 0)
        status = "rejected" if o.rejected_code else "ignored" if o.ignored else "accepted"
        withdrawn, outdated = c.get("withdrawn", 0), c.get("outdated", 0)
        out.append(
            FileSummary(
                path=o.path,
                status=status,
                code=code,
                unit=s.unit if s else "",
                template_id=s.template_id if s else "",
                rows=valid + invalid + duplicate + excluded + withdrawn + outdated,
                valid_rows=valid,
                invalid_rows=invalid,
                duplicate_rows=duplicate,
                excluded_rows=excluded,
                withdrawn_rows=withdrawn,
                outdated_rows=outdated,
            )
        )
    return out


def run_issues(
    store: Store, outcomes: Sequence[Outcome], changed: set[int], mask_ids: bool
) -> list[Issue]:
    """The issues of this run's files, then those of earlier files whose rows changed status
    (a new conflict), then the notices of submissions this run superseded; as reports show
    them (report.shown)."""
    own = [o.submission_id for o in outcomes if o.submission_id is not None]
    subs = store.submissions(own)
    out: list[Issue] = []

    def add(i: Issue) -> None:
        out.append(shown(i, mask_ids))

    seen: set[int] = set()
    for o in outcomes:
        unit = subs[o.submission_id].unit if o.submission_id in subs else ""
        for note in o.notes:
            add(replace(note, file=o.file_name, unit=unit, path=o.path))
        if o.submission_id is not None and o.submission_id not in seen:
            seen.add(o.submission_id)
            for i in store.issues([o.submission_id]):  # one file's at a time, not all at once
                add(i)
    for sid in sorted(changed - seen):
        seen.add(sid)
        for i in store.issues([sid]):
            add(i)
    superseded = {s for o in outcomes for s in o.superseded} - seen
    for i in store.issues(superseded):
        if i.code == "submission-superseded":
            add(i)
    return out
