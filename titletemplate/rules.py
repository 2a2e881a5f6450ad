"""The rule table: one entry per rule, read by the template compiler and by ingest alike."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any, NamedTuple

from . import addresscodes, idcard, messages
from . import formulas as fx
from .errors import CATALOGUE, Severity
from .normalize import REPEATING, is_lossy_number
from .vocab import GB11643, PATTERN, IdType, Vocab, text_key, title_group_key

RULESET_VERSION = "1"
ADULT_AGE = 18


class IdFacts(NamedTuple):  # a tuple: built once per row, 3x faster than a frozen dataclass
    """What most ID rules of a row start from, worked out once per row (see _id_facts)."""

    vocab: Vocab
    id_type: IdType | None
    gb_number: str | None  # the ID number when its type carries a GB 11643 check character
    shaped: str | None  # gb_number when it has 18 characters and 17 leading ASCII digits
    born: dt.date | None  # the birth date in `shaped`


@dataclass(frozen=True, slots=True)
class RowData:
    """One input row: normalised text per column key, and the raw cell values by key."""

    values: Mapping[str, str]
    raw: Mapping[str, object]
    id_facts: IdFacts | None = field(default=None, init=False, repr=False, compare=False)


# A check returns None when the row passes, else a detail string for the message.
Check = Callable[[RowData, Vocab], str | None]
FormulaBuilder = fx.FormulaBuilder


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    columns: tuple[str, ...]  # what it reads; the first is where a finding lands
    check: Check
    formula: FormulaBuilder | None = None  # the same rule as an Excel formula (TRUE = ok)
    dv: bool = False  # part of the target column's data validation (must fit 255 chars)
    # For evaluating: whether a finding is an error and, if the rule reads only repeating
    # columns, the getter of the values its remembered outcome depends on.
    is_error: bool = field(init=False, repr=False, compare=False)
    by_values: Callable[[Mapping[str, str]], Any] | None = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        put = object.__setattr__
        put(self, "is_error", self.severity is Severity.ERROR)
        memo = all(c in REPEATING for c in self.columns)
        put(self, "by_values", itemgetter(*self.columns) if memo else None)

    @property
    def target(self) -> str:
        return self.columns[0]

    @property
    def severity(self) -> Severity:
        return CATALOGUE[self.code].severity

    @property
    def message(self) -> str:
        return messages.MESSAGES[self.code]


# --- checks ---------------------------------------------------------------------------


def _missing(key: str) -> Check:
    def check(row: RowData, vocab: Vocab) -> str | None:
        return "" if not row.values[key] else None

    return check


def _fails(key: str, ok: Callable[[str, Vocab], bool]) -> Check:
    """A check on one non-empty value."""

    def check(row: RowData, vocab: Vocab) -> str | None:
        value = row.values[key]
        return None if not value or ok(value, vocab) else ""

    return check


def _lossy(key: str) -> Check:
    def check(row: RowData, vocab: Vocab) -> str | None:
        return "" if is_lossy_number(row.raw.get(key)) else None

    return check


def _numeric_id(row: RowData, vocab: Vocab) -> str | None:
    raw = row.raw.get("id_number")
    numeric = isinstance(raw, int | float) and not isinstance(raw, bool)
    return "" if numeric and not is_lossy_number(raw) else None


def _id_facts(row: RowData, vocab: Vocab) -> IdFacts:
    """The row's IdFacts, worked out on first use (about ten rules need them)."""
    facts = row.id_facts
    if facts is not None and facts.vocab is vocab:
        return facts
    id_type = vocab.find_id_type(row.values["id_type"])
    gb_number = shaped = born = None
    if id_type is not None and id_type.check == GB11643:
        gb_number = row.values["id_number"] or None
    if gb_number and len(gb_number) == idcard.ID_LENGTH and gb_number[:17].isascii():
        shaped = gb_number if gb_number[:17].isdigit() else None
    if shaped:
        born = idcard.birth_date(shaped)
    facts = IdFacts(vocab, id_type, gb_number, shaped, born)
    if vocab.remember:
        object.__setattr__(row, "id_facts", facts)
    return facts


def _gb_number(row: RowData, vocab: Vocab) -> str | None:
    """The ID number when its type carries a GB 11643 check character, else None."""
    return _id_facts(row, vocab).gb_number


def _id_15(row: RowData, vocab: Vocab) -> str | None:
    number = _gb_number(row, vocab)
    return "" if number is not None and len(number) == 15 else None


def _id_length(row: RowData, vocab: Vocab) -> str | None:
    number = _gb_number(row, vocab)
    if number is None or len(number) in (15, idcard.ID_LENGTH):
        return None
    return str(len(number))


def _id_chars(row: RowData, vocab: Vocab) -> str | None:
    number = _gb_number(row, vocab)
    if number is None or len(number) != idcard.ID_LENGTH:
        return None
    return None if idcard.has_valid_shape(number) else ""


def _shaped(row: RowData, vocab: Vocab) -> str | None:
    """The ID number of a GB 11643 type when it has 18 characters and 17 leading digits."""
    return _id_facts(row, vocab).shaped


def _id_birth(row: RowData, vocab: Vocab) -> str | None:
    facts = _id_facts(row, vocab)
    if facts.shaped is None:
        return None
    return "" if facts.born is None or facts.born.year < fx.MIN_YEAR else None  # as DATE


def _id_checksum(row: RowData, vocab: Vocab) -> str | None:
    number = _shaped(row, vocab)
    if number is None:
        return None
    return None if idcard.check_char(number[:17]) == number[17] else ""


def _id_prefix(row: RowData, vocab: Vocab) -> str | None:
    id_type = _id_facts(row, vocab).id_type
    number = row.values["id_number"]
    if id_type is None or not id_type.prefixes or not number:
        return None
    return None if number.startswith(id_type.prefixes) else ""


def _id_pattern(row: RowData, vocab: Vocab) -> str | None:
    id_type = _id_facts(row, vocab).id_type
    number = row.values["id_number"]
    if id_type is None or id_type.check != PATTERN or not number:
        return None
    return None if re.fullmatch(id_type.pattern, number) else id_type.name


def _id_region(row: RowData, vocab: Vocab) -> str | None:
    facts = _id_facts(row, vocab)
    number, id_type = facts.shaped, facts.id_type
    if number is None or id_type is None or id_type.prefixes:
        return None
    return None if number[:6] in addresscodes.known(vocab) else ""


def _gender_matches(row: RowData, vocab: Vocab) -> str | None:
    number, gender = _shaped(row, vocab), row.values["gender"]
    if number is None or gender not in messages.GENDERS:
        return None
    expected = messages.GENDERS[0] if idcard.gender(number) == "male" else messages.GENDERS[1]
    return None if gender == expected else ""


def _title_in_series(row: RowData, vocab: Vocab) -> str | None:
    title = row.values["title_name"]
    group = vocab.title_groups.get(title_group_key(row.values["series"], row.values["level"]))
    if not title or group is None or not vocab.find_titles(title):
        return None
    return None if text_key(title) in group else f"{row.values['series']} {row.values['level']}"


def _title_alias(row: RowData, vocab: Vocab) -> str | None:
    found = vocab.find_titles(row.values["title_name"])
    key = text_key(row.values["title_name"])
    if not found or any(text_key(t.name) == key for t in found):
        return None
    return found[0].name


def _is_yyyymmdd(value: str) -> bool:
    return len(value) == 8 and value.isascii() and value.isdigit()


def _date_format(value: str, vocab: Vocab) -> bool:
    return _is_yyyymmdd(value)


# Issue and birth dates repeat from row to row (a few ten thousand in a century): three rules
# and rulerun's quick pass parse them.
@functools.lru_cache(maxsize=1 << 16)
def parse_yyyymmdd(value: str) -> dt.date | None:
    """A YYYYMMDD text as a date (years from MIN_YEAR, as the sheet's DATE checks), else None."""
    if not _is_yyyymmdd(value) or int(value[:4]) < fx.MIN_YEAR:
        return None
    try:
        return dt.date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        return None


def _date_real(value: str, vocab: Vocab) -> bool:
    return not _date_format(value, vocab) or parse_yyyymmdd(value) is not None


def _date_window(row: RowData, vocab: Vocab) -> str | None:
    value = row.values["issue_date"]
    if not _is_yyyymmdd(value):
        return None
    c = vocab.campaign
    ok = c.issue_date_from.strftime("%Y%m%d") <= value <= c.issue_date_to.strftime("%Y%m%d")
    return None if ok else f"{c.issue_date_from:%Y%m%d}–{c.issue_date_to:%Y%m%d}"


def _date_adult(row: RowData, vocab: Vocab) -> str | None:
    issued = parse_yyyymmdd(row.values["issue_date"])
    born = _id_facts(row, vocab).born
    if issued is None or born is None:
        return None
    if born.year + ADULT_AGE > dt.MAXYEAR:
        return ""  # born after 9981: no date can be 18 years later (and date() would raise)
    try:
        adult = born.replace(year=born.year + ADULT_AGE)
    except ValueError:  # born on 29 February
        adult = dt.date(born.year + ADULT_AGE, 3, 1)
    return "" if issued < adult else None


# --- the table --------------------------------------------------------------------------

RULES: tuple[Rule, ...] = (
    Rule("region-missing", ("region_code",), _missing("region_code"), fx.present("region_code")),
    Rule(
        "region-unknown",
        ("region_code",),
        _fails("region_code", lambda v, vb: vb.find_region(v) is not None),
        fx.in_list("region_code", fx.N_REGION_ALL),
    ),
    Rule(
        "region-legacy",
        ("region_code",),
        _fails("region_code", lambda v, vb: not getattr(vb.find_region(v), "legacy", False)),
        fx.region_current,
    ),
    Rule("cert-no-precision-lost", ("cert_no",), _lossy("cert_no"), fx.number_is_exact("cert_no")),
    Rule(
        "cert-no-whitespace",
        ("cert_no",),
        _fails("cert_no", lambda v, vb: " " not in v),
        fx.cert_no_no_space,
        dv=True,
    ),
    Rule("id-type-missing", ("id_type",), _missing("id_type"), fx.present("id_type")),
    Rule(
        "id-type-unknown",
        ("id_type",),
        _fails("id_type", lambda v, vb: vb.find_id_type(v) is not None),
        fx.in_list("id_type", fx.N_ID_TYPE),
    ),
    Rule("id-number-missing", ("id_number",), _missing("id_number"), fx.present("id_number")),
    Rule(
        "id-number-precision-lost",
        ("id_number",),
        _lossy("id_number"),
        fx.id_number_is_text,
        dv=True,
    ),
    Rule("id-number-numeric", ("id_number",), _numeric_id),
    Rule("id-number-15-digit", ("id_number", "id_type"), _id_15, fx.id_number_not_15),
    Rule("id-number-length", ("id_number", "id_type"), _id_length, fx.id_number_length),
    Rule("id-number-chars", ("id_number", "id_type"), _id_chars, fx.id_number_chars),
    Rule("id-number-birth-date", ("id_number", "id_type"), _id_birth, fx.id_number_birth_date),
    Rule(
        "id-number-checksum", ("id_number", "id_type"), _id_checksum, fx.id_number_checksum, dv=True
    ),
    Rule("id-number-prefix", ("id_number", "id_type"), _id_prefix, fx.id_number_prefix),
    Rule("id-number-pattern", ("id_number", "id_type"), _id_pattern, fx.id_number_pattern),
    # No sheet formula: the 6,885 codes of stdnum.cn.loc would add ~71 KB (+12%) to every
    # template for a warning; the reader alone checks them (README, "Vocabularies").
    Rule("id-number-region-unknown", ("id_number", "id_type"), _id_region),
    Rule("name-missing", ("name",), _missing("name"), fx.present("name")),
    Rule(
        "name-invalid",
        ("name",),
        _fails("name", lambda v, vb: not any(c in "0123456789" for c in v)),
        fx.name_no_digit,
        dv=True,
    ),
    Rule("gender-missing", ("gender",), _missing("gender"), fx.present("gender")),
    Rule(
        "gender-unknown",
        ("gender",),
        _fails("gender", lambda v, vb: v in messages.GENDERS),
        fx.in_list("gender", fx.N_GENDER),
    ),
    Rule(
        "gender-id-mismatch",
        ("gender", "id_number", "id_type"),
        _gender_matches,
        fx.gender_matches_id,
    ),
    Rule("series-missing", ("series",), _missing("series"), fx.present("series")),
    Rule(
        "series-unknown",
        ("series",),
        _fails("series", lambda v, vb: vb.find_series(v) is not None),
        fx.in_list("series", fx.N_SERIES),
    ),
    Rule("level-missing", ("level",), _missing("level"), fx.present("level")),
    Rule(
        "level-unknown",
        ("level",),
        _fails("level", lambda v, vb: vb.find_level(v) is not None),
        fx.in_list("level", fx.N_LEVEL),
    ),
    Rule("title-missing", ("title_name",), _missing("title_name"), fx.present("title_name")),
    Rule(
        "title-unknown",
        ("title_name",),
        _fails("title_name", lambda v, vb: bool(vb.find_titles(v))),
        fx.in_list("title_name", fx.N_TITLE),
    ),
    Rule(
        "title-not-in-series",
        ("title_name", "series", "level"),
        _title_in_series,
        fx.title_in_series,
    ),
    Rule("title-alias", ("title_name",), _title_alias),
    Rule("issue-date-missing", ("issue_date",), _missing("issue_date"), fx.present("issue_date")),
    Rule(
        "issue-date-format",
        ("issue_date",),
        _fails("issue_date", _date_format),
        fx.issue_date_format,
        dv=True,
    ),
    Rule(
        "issue-date-invalid",
        ("issue_date",),
        _fails("issue_date", _date_real),
        fx.issue_date_real,
        dv=True,
    ),
    Rule("issue-date-out-of-window", ("issue_date",), _date_window, fx.issue_date_window),
    Rule("issue-date-before-adult", ("issue_date", "id_number", "id_type"), _date_adult),
    Rule("issuer-missing", ("issuer",), _missing("issuer"), fx.present("issuer")),
    Rule(
        "issuer-unknown",
        ("issuer",),
        _fails("issuer", lambda v, vb: vb.find_org(v) is not None),
        fx.in_list("issuer", fx.N_ORG),
    ),
    Rule(
        "review-body-missing", ("review_body",), _missing("review_body"), fx.present("review_body")
    ),
    Rule(
        "review-body-unknown",
        ("review_body",),
        _fails("review_body", lambda v, vb: vb.find_org(v) is not None),
        fx.in_list("review_body", fx.N_ORG),
    ),
)
BY_CODE: dict[str, Rule] = {r.code: r for r in RULES}

# Checked across the rows of one sheet (Python side: dedupe.py): the hidden key column's
# formula, and the first-occurrence formula over that column (given the key's letter).
SHEET_RULES: dict[str, tuple[FormulaBuilder, Callable[[fx.FormulaContext, str], str]]] = {
    "duplicate-person-title": (fx.duplicate_key, fx.first_occurrence)
}


def evaluate(row: RowData, vocab: Vocab, rules: Sequence[Rule] = RULES) -> list[tuple[Rule, str]]:
    """Run the rules in table order; a rule is skipped once a column it reads has an error.

    The plain loop: ingest runs rulerun.evaluate, which gives the same findings cheaper."""
    failed: set[str] = set()
    found: list[tuple[Rule, str]] = []
    for rule in rules:
        if failed and not failed.isdisjoint(rule.columns):
            continue
        detail = rule.check(row, vocab)
        if detail is None:
            continue
        found.append((rule, detail))
        if rule.is_error:
            failed.add(rule.target)
    return found
