"""Runs the rule table over ingested rows cheaply, with the findings of rules.evaluate: rules on
repeating columns are remembered in groups per vocabulary, and one quick test passes at once the
ID, name and certificate rules of a clean row (test_validate_parity compares the two)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Any

from .. import addresscodes, rules, sheettexts
from ..checks import ADULT_AGE, RowData, parse_yyyymmdd
from ..idcard import ID_LENGTH, check_char
from ..rules import RULES, Rule
from ..vocab import GB11643, Vocab

_OUTCOMES_MAX = 100_000  # remembered group outcomes per vocabulary (~7 per distinct row pattern)
_DIGITS = frozenset("0123456789")
_Outcome = tuple[tuple[tuple[Rule, str], ...], frozenset[str]]  # findings, failed targets


class _Group:
    """Consecutive rules that read only repeating columns: their findings are a function of
    those columns' values and the vocabulary (Rule.by_values), remembered as one outcome. Its
    identity is part of the memo key (hashed by id: cheaper than a tuple of rules)."""

    __slots__ = ("columns", "rules", "values_of")

    def __init__(self, group: Sequence[Rule]) -> None:
        self.rules = tuple(group)
        columns = sorted({c for r in group for c in r.columns})
        self.columns = frozenset(columns)
        self.values_of: Callable[[Any], Any] = itemgetter(*columns)


def _plan(table: Sequence[Rule]) -> tuple[Rule | _Group, ...]:
    """The table with its runs of remembered rules as groups. A rule joins the group before it
    when the columns of one contain the other's (series, level and title rules become one
    group), so that a group's values repeat about as often as its busiest column's."""
    steps: list[Rule | list[Rule]] = []
    for rule in table:
        if rule.by_values is None:
            steps.append(rule)
            continue
        group, columns = [rule], set(rule.columns)
        while steps and isinstance(steps[-1], list):
            before = {c for r in steps[-1] for c in r.columns}
            if not (before <= columns or columns <= before):
                break
            group, columns = [*steps.pop(), *group], columns | before  # type: ignore[misc]
        steps.append(group)
    return tuple(_Group(s) if isinstance(s, list) else s for s in steps)


_PLAN = _plan(RULES)
_GROUPS = tuple(s for s in _PLAN if isinstance(s, _Group))
# The rules _distinct_cells_pass vouches for: all that read a column whose values are distinct.
PASSED = frozenset(r.code for r in RULES if r.by_values is None)
# Once those pass, only the groups are left, and no two of them read the same column
# (test_rules_run): each outcome stands alone. The groups on columns with a closed set of
# values (vocabulary entries, gender: a few thousand combinations) are then looked up as one;
# issue dates, thousands of values, stay apart.
_OPEN = frozenset({"issue_date"})
_QUICK = (
    _Group([r for g in _GROUPS if not g.columns & _OPEN for r in g.rules]),
    *(g for g in _GROUPS if g.columns & _OPEN),
)
_TABLE_ORDER = {r.code: i for i, r in enumerate(RULES)}


def evaluate(row: RowData, vocab: Vocab) -> list[tuple[Rule, str]]:
    """What rules.evaluate(row, vocab) gives, in the same order (the plain loop inside
    validate.caches_off, where nothing is remembered)."""
    if not vocab.remember:
        return rules.evaluate(row, vocab)
    outcomes: dict[tuple[_Group, Any], _Outcome] = vocab.cache("rule-outcomes")
    if len(outcomes) > _OUTCOMES_MAX:
        outcomes.clear()
    values, remembered = row.values, outcomes.get
    found: list[tuple[Rule, str]] = []
    if _distinct_cells_pass(row, vocab):
        parts = 0
        for group in _QUICK:
            key = (group, group.values_of(values))
            outcome = remembered(key) or _remember(outcomes, key, row, vocab)
            if outcome[0]:
                found.extend(outcome[0])
                parts += 1
        if parts > 1:  # rare: findings of both the merged group and the dates
            found.sort(key=lambda f: _TABLE_ORDER[f[0].code])
        return found
    failed: set[str] = set()
    for step in _PLAN:
        if isinstance(step, _Group):
            if failed and not failed.isdisjoint(step.columns):
                _run(step.rules, row, vocab, failed, found)  # rare: not what was remembered
                continue
            key = (step, step.values_of(values))
            outcome = remembered(key) or _remember(outcomes, key, row, vocab)
            if outcome[0]:
                found.extend(outcome[0])
                failed.update(outcome[1])
        else:
            _run((step,), row, vocab, failed, found)
    return found


def _remember(
    outcomes: dict[tuple[_Group, Any], _Outcome],
    key: tuple[_Group, Any],
    row: RowData,
    vocab: Vocab,
) -> _Outcome:
    """The findings of the group key[0] and the targets they fail, for an empty failed set."""
    found: list[tuple[Rule, str]] = []
    failed: set[str] = set()
    _run(key[0].rules, row, vocab, failed, found)
    outcome = outcomes[key] = (tuple(found), frozenset(failed))
    return outcome


def _run(
    table: Sequence[Rule],
    row: RowData,
    vocab: Vocab,
    failed: set[str],
    found: list[tuple[Rule, str]],
) -> None:
    """rules.evaluate's loop over `table`, adding to `failed` and `found`."""
    for rule in table:
        if failed and not failed.isdisjoint(rule.columns):
            continue
        detail = rule.check(row, vocab)
        if detail is not None:
            found.append((rule, detail))
            if rule.is_error:
                failed.add(rule.target)


def _distinct_cells_pass(row: RowData, vocab: Vocab) -> bool:
    """True only if every rule in PASSED passes the row: text certificate and ID cells, an 18-
    character GB 11643 number with the right check character, birth date, area and gender
    digit, a name without digits, a certificate number without spaces, the issue date not
    before the 18th birthday. False says nothing. The common row: one test instead of 17
    checks; test_rules_run checks it never passes a row one of those rules would flag."""
    values, raw = row.values, row.raw
    if raw.get("cert_no").__class__ is not str or raw.get("id_number").__class__ is not str:
        return False  # numeric cells: the precision and numeric-ID rules decide
    name, number = values["name"], values["id_number"]
    if " " in values["cert_no"] or not name or not _DIGITS.isdisjoint(name):
        return False
    # What checks.id_facts works out, read off the text: without the IdFacts and birth date
    # objects, which most rows never need.
    if len(number) != ID_LENGTH or not number.isascii() or not number[:17].isdigit():
        return False
    id_type = vocab.find_id_type(values["id_type"])
    if id_type is None or id_type.check != GB11643 or id_type.prefixes:
        return False
    if check_char(number[:17]) != number[17] or parse_yyyymmdd(number[6:14]) is None:
        return False  # parse_yyyymmdd: a real date from MIN_YEAR, as the birth-date rule asks
    if number[:6] not in addresscodes.known(vocab):
        return False
    gender = values["gender"]
    if gender in sheettexts.GENDERS and gender != sheettexts.GENDERS[number[16] in "02468"]:
        return False
    issued = values["issue_date"]
    if parse_yyyymmdd(issued) is None:
        return True
    # As numbers, YYYYMMDD texts compare as their dates: the 18th birthday is the birth date
    # plus 180000, more than any issue date when past 9999 (which the rule flags too); no date
    # falls between a 29 February birthday and the 1 March checks.date_adult takes for it.
    return int(issued) >= int(number[6:14]) + ADULT_AGE * 10_000
