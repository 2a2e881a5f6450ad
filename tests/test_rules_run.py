"""rulerun.evaluate gives rules.evaluate's findings: its quick pass never passes a row that one
of the rules it stands for would flag, and its groups give what the rules one by one give."""

from __future__ import annotations

import datetime as dt

import pytest
from helpers_ingest import GOOD
from hypothesis import given, settings
from hypothesis import strategies as st
from test_validate_parity import _AREAS, MANY, NARROW, ROW, VOCAB

from titletemplate import idcard, rules, sheettexts
from titletemplate.checks import RowData
from titletemplate.columns import COLUMNS
from titletemplate.ingest import rulerun
from titletemplate.normalize import normalize_row
from titletemplate.rules import RULES

_KEYS = [c.key for c in COLUMNS]
_PASSED = [r for r in RULES if r.code in rulerun.PASSED]


def _row(cells: list[object]) -> RowData:
    return RowData(normalize_row(cells)[0], dict(zip(_KEYS, cells, strict=False)))


def test_the_quick_pass_stands_for_the_rules_on_distinct_columns() -> None:
    assert sorted(rulerun.PASSED) == [
        "cert-no-precision-lost", "cert-no-whitespace", "gender-id-mismatch",
        "id-number-15-digit", "id-number-birth-date", "id-number-chars", "id-number-checksum",
        "id-number-length", "id-number-missing", "id-number-numeric", "id-number-pattern",
        "id-number-precision-lost", "id-number-prefix", "id-number-region-unknown",
        "issue-date-before-adult", "name-invalid", "name-missing",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("change", "passes"),
    [
        ({}, True),
        ({"issue_date": "20991231", "review_body": "?"}, True),  # rules it does not stand for
        ({"gender": "M"}, True),  # gender-unknown's business, not gender-id-mismatch's
        ({"cert_no": 12345}, False),
        ({"cert_no": "A 1"}, False),
        ({"id_number": GOOD["id_number"][:17] + "0"}, False),
        ({"id_number": "11010119730829181X"}, True),  # Beijing: any province's codes
        ({"id_number": "370123197308291816"}, True),  # Changqing county, abolished in 2001
        ({"id_number": "119999197308291817"}, False),  # never existed
        ({"id_number": "379999197308291815"}, False),
        ({"name": "王5"}, False),
        ({"name": None}, False),
        ({"gender": "女"}, False),
        ({"issue_date": "19910828"}, False),  # the day before the 18th birthday
        ({"issue_date": "19910829"}, True),
        ({"id_number": "370102198002291816", "issue_date": "19980228"}, False),
        ({"id_number": "370102198002291816", "issue_date": "19980301"}, True),
        ({"id_type": "护照", "id_number": "E12345678"}, False),
        ({"id_number": "370102998501011810", "issue_date": "99991231"}, False),  # 18 after 9999
        ({"id_number": "370102190001011812"}, False),  # born before MIN_YEAR
    ],
    ids=lambda v: str(v),
)
def test_quick_pass_on_single_changes(change: dict[str, object], passes: bool) -> None:
    row = _row([{**GOOD, **change}[k] for k in _KEYS])
    assert rulerun._distinct_cells_pass(row, VOCAB) is passes


@st.composite
def _near_clean(draw: st.DrawFn) -> list[object]:
    """GOOD with another valid ID number, its gender, an issue date around the 18th birthday
    and up to two cells of a generated row: the quick pass passes many, not all."""
    born = draw(st.dates(dt.date(1880, 1, 1), dt.date(2012, 12, 31)))
    first17 = f"{draw(st.sampled_from(_AREAS))}{born:%Y%m%d}{draw(st.integers(0, 999)):03d}"
    around = st.dates(born + dt.timedelta(days=17 * 365), born + dt.timedelta(days=19 * 365))
    issued = draw(st.one_of(around.map(lambda d: f"{d:%Y%m%d}"), st.just(f"{born.year + 18}")))
    cells: list[object] = [
        {
            **GOOD,
            "id_number": idcard.complete(first17),
            "gender": sheettexts.GENDERS[int(first17[16]) % 2 == 0],
            "issue_date": issued if len(issued) > 4 else f"{issued}{born:%m%d}",
        }[k]
        for k in _KEYS
    ]
    other = draw(ROW)
    for k in draw(st.sets(st.integers(0, len(_KEYS) - 1), max_size=2)):
        cells[k] = other[k]
    return cells


@settings(max_examples=1000, deadline=None)
@given(cells=st.one_of(ROW, _near_clean()), narrow=st.booleans())
def test_quick_pass_never_passes_a_row_a_rule_would_flag(cells: list[object], narrow: bool) -> None:
    vocab = NARROW if narrow else VOCAB
    row = _row(cells)
    if rulerun._distinct_cells_pass(row, vocab):
        assert [r.code for r in _PASSED if r.check(_row(cells), vocab) is not None] == []


@MANY
@given(cells=st.lists(st.one_of(ROW, _near_clean()), min_size=1, max_size=3), narrow=st.booleans())
def test_evaluate_gives_the_findings_of_the_plain_loop(
    cells: list[list[object]], narrow: bool
) -> None:
    vocab = NARROW if narrow else VOCAB
    for _ in range(2):  # cold, then from remembered group outcomes
        for c in cells:
            assert rulerun.evaluate(_row(c), vocab) == rules.evaluate(_row(c), vocab)


def test_groups_are_runs_of_remembered_rules_merged_by_shared_columns() -> None:
    groups = [[r.code for r in s.rules] for s in rulerun._GROUPS]
    assert [g[0] for g in groups] == [
        "region-missing", "id-type-missing", "gender-missing", "series-missing",
        "issue-date-missing", "issuer-missing", "review-body-missing",
    ]  # fmt: skip
    assert groups[3][-1] == "title-alias"
    columns = [c for s in rulerun._GROUPS for c in s.columns]
    assert [r.code for s in rulerun._GROUPS for r in s.rules] == [
        r.code for r in RULES if r.by_values is not None
    ]
    assert len(columns) == len(set(columns))  # what lets a clean row look them up together
    assert [[r.code for r in s.rules] for s in rulerun._QUICK] == [
        [c for g in groups if g[0] != "issue-date-missing" for c in g],
        groups[4],
    ]


def test_a_clean_row_with_vocabulary_and_date_findings_keeps_table_order() -> None:
    change = {"region_code": "未知", "issue_date": "20991231", "review_body": "某某公司"}
    cells = [{**GOOD, **change}[k] for k in _KEYS]
    assert rulerun._distinct_cells_pass(_row(cells), VOCAB)
    for _ in range(2):  # cold, then remembered
        found = rulerun.evaluate(_row(cells), VOCAB)
        assert [r.code for r, _ in found] == [
            "region-unknown",
            "issue-date-out-of-window",
            "review-body-unknown",
        ]


# A table where an error outside a group lands on a column the group reads first: the group
# must then run rule by rule, as the plain loop skips its rules on that column.
_MOVED = (
    rules.BY_CODE["gender-id-mismatch"],
    *(r for r in RULES if r.code != "gender-id-mismatch"),
)


_MOVED_PLAN = rulerun._plan(_MOVED)


@settings(max_examples=300, deadline=None)
@given(cells=ROW)
def test_a_group_after_an_error_on_its_columns_runs_rule_by_rule(cells: list[object]) -> None:
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(rulerun, "_PLAN", _MOVED_PLAN)
        mp.setattr(rulerun, "_distinct_cells_pass", lambda row, vocab: False)
        for _ in range(2):
            got = rulerun.evaluate(_row(cells), VOCAB)
            assert got == rules.evaluate(_row(cells), VOCAB, _MOVED)
