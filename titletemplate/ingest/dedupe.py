"""Row statuses over the current rows: revoked and e-certified lists, then duplicates by
certificate number or by person + title, first arrival kept, conflicting versions flagged.
`resolve` states the rules in Python; ingest runs them in SQL (dedupesql.py), tested to agree."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from ..columns import COLUMNS
from ..errors import Issue, Stage
from ..vocab import text_key
from .exclusions import ExclusionEntry, matches

_I = {c.key: i for i, c in enumerate(COLUMNS)}
_CERT, _ID_TYPE, _ID, _TITLE = _I["cert_no"], _I["id_type"], _I["id_number"], _I["title_name"]


class Status(StrEnum):
    VALID = "valid"
    INVALID = "invalid"
    DUPLICATE = "duplicate"
    EXCLUDED = "excluded"


class Via(StrEnum):
    """How a row is linked to the row kept for it (recorded in the store's sources)."""

    KEPT = "kept"
    CERTIFICATE = "certificate"
    PERSON_TITLE = "person-title"


@dataclass(frozen=True, slots=True)
class Candidate:
    """A current row in arrival order. `checked_ok` is the verdict of row validation alone."""

    row_id: int
    submission_id: int
    excel_row: int
    values: tuple[str, ...]  # the 12 canonical values in column order
    checked_ok: bool
    row_hash: str
    unit: str = ""  # of its submission: where a duplicate of it says the record came from
    file_name: str = ""


@dataclass(frozen=True, slots=True)
class Resolution:
    statuses: dict[int, Status]
    findings: tuple[tuple[int, Issue], ...]  # (row_id, the issue found on it)
    sources: tuple[tuple[int, int, Via], ...]  # (row_id, kept_row_id, via)


def _found(
    row: Candidate, code: str, key: str, other: Candidate | None = None
) -> tuple[int, Issue]:
    where = None if other is None else (other.unit, other.file_name, other.excel_row)
    value = row.values[_I[key]]
    issue = Issue(code, row=row.excel_row, column=key, value=value, stage=Stage.DEDUPE, other=where)
    return row.row_id, issue


def certificate_key(values: Sequence[str]) -> str:
    """Key 1: the certificate number, case-folded; empty when there is none."""
    return values[_CERT].upper()


def person_title_key(values: Sequence[str]) -> tuple[str, str, str]:
    """Key 2: ID type, ID number, title name."""
    return values[_ID_TYPE], values[_ID].upper(), text_key(values[_TITLE])


def resolve(
    rows: Iterable[Candidate],
    revoked: Mapping[str, Sequence[ExclusionEntry]] | None = None,
    ecert: Mapping[str, Sequence[ExclusionEntry]] | None = None,
) -> Resolution:
    """Give every row exactly one status. `rows` must be in arrival order (earliest first).

    Order of judgement: a validation error → invalid; on the revoked list → invalid
    (title-revoked); on the e-certificate list → excluded; then duplicates among the rest.
    """
    statuses: dict[int, Status] = {}
    findings: list[tuple[int, Issue]] = []
    pending: list[Candidate] = []
    for row in rows:
        v = row.values
        if revoked and v[_ID] and matches(revoked, v[_ID], v[_CERT], v[_TITLE]):
            statuses[row.row_id] = Status.INVALID
            findings.append(_found(row, "title-revoked", "title_name"))
        elif not row.checked_ok:
            statuses[row.row_id] = Status.INVALID
        elif ecert and matches(ecert, v[_ID], v[_CERT], v[_TITLE]):
            statuses[row.row_id] = Status.EXCLUDED
            findings.append(_found(row, "already-e-certified", "cert_no"))
        else:
            pending.append(row)
    sources = _duplicates(pending, statuses, findings)
    return Resolution(statuses, tuple(findings), tuple(sources))


def _groups(rows: Sequence[Candidate]) -> list[list[int]]:
    """Indices of `rows` connected by either key (union-find), each group in arrival order."""
    parent = list(range(len(rows)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[object, int] = {}
    for i, row in enumerate(rows):
        keys: list[object] = [("p", *person_title_key(row.values))]
        cert = certificate_key(row.values)
        if cert:
            keys.append(("c", cert))
        for key in keys:
            j = first.setdefault(key, i)
            if j != i:
                a, b = find(i), find(j)
                parent[max(a, b)] = min(a, b)
    groups: dict[int, list[int]] = {}
    for i in range(len(rows)):
        groups.setdefault(find(i), []).append(i)
    return list(groups.values())


def _via(row: Candidate, kept: Candidate) -> Via:
    cert = certificate_key(row.values)
    return Via.CERTIFICATE if cert and cert == certificate_key(kept.values) else Via.PERSON_TITLE


def _duplicates(
    rows: Sequence[Candidate],
    statuses: dict[int, Status],
    findings: list[tuple[int, Issue]],
) -> list[tuple[int, int, Via]]:
    sources: list[tuple[int, int, Via]] = []
    for group in _groups(rows):
        members = [rows[i] for i in group]
        versions: dict[str, Candidate] = {}  # first row of each distinct version
        for row in members:
            versions.setdefault(row.row_hash, row)
        firsts = list(versions.values())
        conflict = len(firsts) > 1
        for row in members:
            kept = versions[row.row_hash]
            if row is kept and conflict:
                # Every version is reported, each pointing at the earliest other version.
                other = next(f for f in firsts if f is not row)
                statuses[row.row_id] = Status.INVALID
                column = "cert_no" if _via(row, other) is Via.CERTIFICATE else "id_number"
                findings.append(_found(row, "duplicate-conflict", column, other))
                sources.append((row.row_id, row.row_id, Via.KEPT))
            elif row is kept:
                statuses[row.row_id] = Status.VALID
                sources.append((row.row_id, row.row_id, Via.KEPT))
            else:
                via = _via(row, kept)
                statuses[row.row_id] = Status.DUPLICATE
                code = (
                    "duplicate-certificate" if via is Via.CERTIFICATE else "duplicate-person-title"
                )
                column = "cert_no" if via is Via.CERTIFICATE else "id_number"
                findings.append(_found(row, code, column, kept))
                sources.append((row.row_id, kept.row_id, via))
    return sources
