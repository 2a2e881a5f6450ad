"""Row statuses: lists first, then duplicates by certificate or by person + title."""

from __future__ import annotations

import hashlib

from helpers_ingest import GOOD as BASE

from titletemplate.columns import COLUMNS
from titletemplate.ingest.dedupe import Candidate, Status, Via, resolve
from titletemplate.ingest.exclusions import ExclusionEntry, ExclusionKind, ExclusionList


def _row(row_id: int, ok: bool = True, **changes: str) -> Candidate:
    values = tuple({**BASE, **changes}[c.key] for c in COLUMNS)
    digest = hashlib.sha256("|".join(values).encode()).hexdigest()
    sid = row_id // 100
    return Candidate(row_id, sid, row_id % 100, values, ok, digest, f"U{sid}", f"{sid}.xlsx")


def _row_id(other: tuple[str, str, int] | None) -> int | None:
    """The row id _row gave the row an issue names as its other row."""
    return None if other is None else int(other[0][1:]) * 100 + other[2]


def _summary(rows: list[Candidate], **lists: ExclusionList) -> tuple[object, ...]:
    res = resolve(rows, **{k: v.index() for k, v in lists.items()})
    statuses = [(r, str(s)) for r, s in sorted(res.statuses.items())]
    findings = [(r, f.code, f.column, _row_id(f.other)) for r, f in res.findings]
    return statuses, findings, sorted((a, b, str(v)) for a, b, v in res.sources)


def test_identical_rows_keep_the_first_and_record_both_sources() -> None:
    rows = [_row(108), _row(209)]
    assert _summary(rows) == (
        [(108, "valid"), (209, "duplicate")],
        [(209, "duplicate-certificate", "cert_no", 108)],
        [(108, 108, "kept"), (209, 108, "certificate")],
    )


def test_same_person_and_title_without_certificate_numbers_is_a_person_title_duplicate() -> None:
    rows = [_row(108, cert_no=""), _row(109, cert_no="")]
    assert _summary(rows)[1] == [(109, "duplicate-person-title", "id_number", 108)]


def test_conflicting_versions_are_both_invalid() -> None:
    rows = [_row(108), _row(209, issue_date="20191120")]
    assert _summary(rows)[:2] == (
        [(108, "invalid"), (209, "invalid")],
        [(108, "duplicate-conflict", "cert_no", 209), (209, "duplicate-conflict", "cert_no", 108)],
    )


def test_same_person_title_with_another_certificate_number_conflicts() -> None:
    rows = [_row(108), _row(209, cert_no="鲁0120200000002")]
    assert _summary(rows)[1] == [
        (108, "duplicate-conflict", "id_number", 209),
        (209, "duplicate-conflict", "id_number", 108),
    ]


def test_a_repeat_of_one_conflicting_version_is_a_duplicate_of_it() -> None:
    rows = [_row(108), _row(209, issue_date="20191120"), _row(310)]
    assert _summary(rows)[0] == [(108, "invalid"), (209, "invalid"), (310, "duplicate")]


def test_invalid_rows_take_no_part_in_dedupe() -> None:
    rows = [_row(108, ok=False), _row(209)]
    assert _summary(rows)[:2] == ([(108, "invalid"), (209, "valid")], [])


def test_different_titles_of_one_person_are_not_duplicates() -> None:
    rows = [_row(108), _row(109, cert_no="鲁0120200000002", title_name="高级讲师", level="副高级")]
    assert _summary(rows)[0] == [(108, "valid"), (109, "valid")]


def test_certificate_numbers_match_case_insensitively() -> None:
    rows = [_row(108, cert_no="ab12"), _row(209, cert_no="AB12")]
    assert _summary(rows)[0] == [(108, "invalid"), (209, "invalid")]  # values differ: conflict


def test_revoked_rows_are_invalid_and_e_certified_rows_excluded() -> None:
    revoked = ExclusionList(ExclusionKind.REVOKED, (ExclusionEntry("370102197308291814"),))
    ecert = ExclusionList(
        ExclusionKind.ECERT, (ExclusionEntry("11010119900307803X", "鲁0120200000009"),)
    )
    rows = [
        _row(108),
        _row(109, id_number="11010119900307803X", cert_no="鲁0120200000009"),
        _row(110, id_number="11010119900307803X", cert_no="鲁0120200000010"),
    ]
    assert _summary(rows, revoked=revoked, ecert=ecert)[:2] == (
        [(108, "invalid"), (109, "excluded"), (110, "valid")],
        [(108, "title-revoked", "title_name", None), (109, "already-e-certified", "cert_no", None)],
    )


def test_a_revoked_entry_with_a_title_matches_only_that_title() -> None:
    revoked = ExclusionList(
        ExclusionKind.REVOKED, (ExclusionEntry("370102197308291814", "", "高级讲师"),)
    )
    assert _summary([_row(108)], revoked=revoked)[0] == [(108, "valid")]


def test_every_row_gets_exactly_one_status() -> None:
    rows = [_row(100 + i, ok=i % 3 != 0, cert_no=f"C{i % 4}") for i in range(12)]
    res = resolve(rows)
    assert sorted(res.statuses) == [r.row_id for r in rows]
    assert set(res.statuses.values()) <= set(Status)
    assert {v for _, _, v in res.sources} <= set(Via)
