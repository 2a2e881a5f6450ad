"""The rule table: one entry per rule, read by the template compiler and by ingest alike."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from . import checks as ck
from . import formulas as fx
from . import messages, sheettexts
from .checks import Check, RowData
from .errors import CATALOGUE, Severity
from .normalize import REPEATING
from .vocab import Vocab

RULESET_VERSION = "1"


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


# --- the table --------------------------------------------------------------------------

RULES: tuple[Rule, ...] = (
    Rule("region-missing", ("region_code",), ck.missing("region_code"), fx.present("region_code")),
    Rule(
        "region-unknown",
        ("region_code",),
        ck.fails("region_code", lambda v, vb: vb.find_region(v) is not None),
        fx.in_list("region_code", fx.N_REGION_ALL),
    ),
    Rule(
        "region-legacy",
        ("region_code",),
        ck.fails("region_code", lambda v, vb: not getattr(vb.find_region(v), "legacy", False)),
        fx.region_current,
    ),
    Rule(
        "cert-no-precision-lost", ("cert_no",), ck.lossy("cert_no"), fx.number_is_exact("cert_no")
    ),
    Rule(
        "cert-no-whitespace",
        ("cert_no",),
        ck.fails("cert_no", lambda v, vb: " " not in v),
        fx.cert_no_no_space,
        dv=True,
    ),
    Rule("id-type-missing", ("id_type",), ck.missing("id_type"), fx.present("id_type")),
    Rule(
        "id-type-unknown",
        ("id_type",),
        ck.fails("id_type", lambda v, vb: vb.find_id_type(v) is not None),
        fx.in_list("id_type", fx.N_ID_TYPE),
    ),
    Rule("id-number-missing", ("id_number",), ck.missing("id_number"), fx.present("id_number")),
    Rule(
        "id-number-precision-lost",
        ("id_number",),
        ck.lossy("id_number"),
        fx.id_number_is_text,
        dv=True,
    ),
    Rule("id-number-numeric", ("id_number",), ck.numeric_id),
    Rule("id-number-15-digit", ("id_number", "id_type"), ck.id_15, fx.id_number_not_15),
    Rule("id-number-length", ("id_number", "id_type"), ck.id_length, fx.id_number_length),
    Rule("id-number-chars", ("id_number", "id_type"), ck.id_chars, fx.id_number_chars),
    Rule("id-number-birth-date", ("id_number", "id_type"), ck.id_birth, fx.id_number_birth_date),
    Rule(
        "id-number-checksum",
        ("id_number", "id_type"),
        ck.id_checksum,
        fx.id_number_checksum,
        dv=True,
    ),
    Rule("id-number-prefix", ("id_number", "id_type"), ck.id_prefix, fx.id_number_prefix),
    Rule("id-number-pattern", ("id_number", "id_type"), ck.id_pattern, fx.id_number_pattern),
    # No sheet formula: the 6,885 codes of stdnum.cn.loc would add ~71 KB (+12%) to every
    # template for a warning; the reader alone checks them (README, "Vocabularies").
    Rule("id-number-region-unknown", ("id_number", "id_type"), ck.id_region),
    Rule("name-missing", ("name",), ck.missing("name"), fx.present("name")),
    Rule(
        "name-invalid",
        ("name",),
        ck.fails("name", lambda v, vb: not any(c in "0123456789" for c in v)),
        fx.name_no_digit,
        dv=True,
    ),
    Rule("gender-missing", ("gender",), ck.missing("gender"), fx.present("gender")),
    Rule(
        "gender-unknown",
        ("gender",),
        ck.fails("gender", lambda v, vb: v in sheettexts.GENDERS),
        fx.in_list("gender", fx.N_GENDER),
    ),
    Rule(
        "gender-id-mismatch",
        ("gender", "id_number", "id_type"),
        ck.gender_matches,
        fx.gender_matches_id,
    ),
    Rule("series-missing", ("series",), ck.missing("series"), fx.present("series")),
    Rule(
        "series-unknown",
        ("series",),
        ck.fails("series", lambda v, vb: vb.find_series(v) is not None),
        fx.in_list("series", fx.N_SERIES),
    ),
    Rule("level-missing", ("level",), ck.missing("level"), fx.present("level")),
    Rule(
        "level-unknown",
        ("level",),
        ck.fails("level", lambda v, vb: vb.find_level(v) is not None),
        fx.in_list("level", fx.N_LEVEL),
    ),
    Rule("title-missing", ("title_name",), ck.missing("title_name"), fx.present("title_name")),
    Rule(
        "title-unknown",
        ("title_name",),
        ck.fails("title_name", lambda v, vb: bool(vb.find_titles(v))),
        fx.in_list("title_name", fx.N_TITLE),
    ),
    Rule(
        "title-not-in-series",
        ("title_name", "series", "level"),
        ck.title_in_series,
        fx.title_in_series,
    ),
    Rule("title-alias", ("title_name",), ck.title_alias),
    Rule("issue-date-missing", ("issue_date",), ck.missing("issue_date"), fx.present("issue_date")),
    Rule(
        "issue-date-format",
        ("issue_date",),
        ck.fails("issue_date", ck.date_format),
        fx.issue_date_format,
        dv=True,
    ),
    Rule(
        "issue-date-invalid",
        ("issue_date",),
        ck.fails("issue_date", ck.date_real),
        fx.issue_date_real,
        dv=True,
    ),
    Rule("issue-date-out-of-window", ("issue_date",), ck.date_window, fx.issue_date_window),
    Rule("issue-date-before-adult", ("issue_date", "id_number", "id_type"), ck.date_adult),
    Rule("issuer-missing", ("issuer",), ck.missing("issuer"), fx.present("issuer")),
    Rule(
        "issuer-unknown",
        ("issuer",),
        ck.fails("issuer", lambda v, vb: vb.find_org(v) is not None),
        fx.in_list("issuer", fx.N_ORG),
    ),
    Rule(
        "review-body-missing",
        ("review_body",),
        ck.missing("review_body"),
        fx.present("review_body"),
    ),
    Rule(
        "review-body-unknown",
        ("review_body",),
        ck.fails("review_body", lambda v, vb: vb.find_org(v) is not None),
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
