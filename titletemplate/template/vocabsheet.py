"""The vocabulary-dependent part of a template: the hidden lists and their workbook names, and
the sheet formulas compiled from the rule table (validations, self-check column, highlights).

Everything here depends only on the vocabulary and the row count, so a batch build can compute
it once and reuse it for every unit.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from xlsxwriter.utility import xl_col_to_name

from .. import formulas as fx
from .. import idcard, messages, sheettexts
from ..columns import BY_KEY, CHECK_LETTER, COLUMNS, FIRST_DATA_ROW, LAYOUT_VERSION, VOCAB_SHEET
from ..errors import Severity, TemplateError
from ..rules import RULES
from ..vocab import PATTERN, Vocab
from .checkcolumn import (
    HELPER_FIRST_COLUMN,
    HelperColumn,
    layout_1,
    layout_2,
    quote,
    row_blank,
    row_chunks,
    with_subs,
)

# Excel 2007 limits (Excel specifications and limits; MS-OI29500 for the 224).
MAX_DV_TITLE = 32
MAX_DV_PROMPT = 255
MAX_DV_ERROR = 224  # not 255: Excel truncates or rejects longer validation error texts
MAX_CF_FORMULA = fx.MAX_DV_FORMULA  # the conditional-format dialog has the same 255 limit
MAX_DV_BODY = 240  # headroom under MAX_DV_FORMULA for a validation's formula

# Dropdowns: column key -> (workbook name, error style). Series and level allow free text
# ("warning") because the notice says to copy the certificate when no option fits.
LIST_VALIDATIONS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "region_code": (fx.N_REGION, "stop"),
        "id_type": (fx.N_ID_TYPE, "stop"),
        "gender": (fx.N_GENDER, "stop"),
        "series": (fx.N_SERIES, "warning"),
        "level": (fx.N_LEVEL, "warning"),
    }
)
CASCADE_COLUMN = "title_name"
# The duplicate check as a validation sits on the issuer, the first column typed after every
# key column (id_type, id_number, title_name) of the row is filled in; it reads the hidden
# first-occurrence column, which is up to date by then.
DUPLICATE_COLUMN = "issuer"
_WILDCARDS = re.compile(r"[~*?]")


def checked(rc: Any, what: str) -> None:
    """xlsxwriter signals soft failures with -1/-2 (and a warning); make them fatal."""
    if isinstance(rc, int) and rc < 0:
        raise TemplateError("xlsxwriter-rejected", f"{what}: {rc}")


# --- hidden vocabulary lists --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VocabList:
    """One column of the hidden vocabulary sheet; "" is a blank cell."""

    name: str  # the workbook-level name (formulas.N_*), also the column header
    values: tuple[str | int, ...]


def _unique(values: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def _title_lists(
    vocab: Vocab,
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """Title key, canonical key and name columns, row-aligned.

    Each series+level group is contiguous: canonical names first, then aliases. The dropdown
    takes COUNTIF(canonical key) rows from the group's first row, so it lists canonical names
    only, while the membership check (COUNTIF over all keys) also accepts the aliases.
    """
    keys: list[str] = []
    canonical: list[str] = []
    names: list[str] = []
    for series, level, titles in vocab.grouped_titles():
        key = f"{series.display}{fx.SEPARATOR}{level}"
        for title in titles:
            keys.append(key)
            canonical.append(key)
            names.append(title.name)
        for title in titles:
            for alias in title.aliases:
                keys.append(key)
                canonical.append("")
                names.append(alias)
    return tuple(keys), tuple(canonical), tuple(names)


def vocab_lists(vocab: Vocab) -> tuple[VocabList, ...]:
    """Every list the formulas reference by name, in sheet-column order."""
    current = [r.display for r in vocab.current_regions]
    keys, canonical, names = _title_lists(vocab)
    pairs = tuple(f"{k}{fx.SEPARATOR}{n}" for k, n in zip(keys, names, strict=True))
    return (
        VocabList(fx.N_REGION, _unique(current)),
        VocabList(
            fx.N_REGION_ALL, _unique(current + [r.display for r in vocab.regions if r.legacy])
        ),
        VocabList(fx.N_ID_TYPE, _unique([t.name for t in vocab.id_types])),
        VocabList(fx.N_GB_TYPE, _unique([t.name for t in vocab.id_types if t.check == "gb11643"])),
        VocabList(fx.N_GENDER, sheettexts.GENDERS),
        VocabList(fx.N_SERIES, _unique([s.display for s in vocab.series])),
        VocabList(fx.N_LEVEL, _unique(list(vocab.levels))),
        VocabList(fx.N_TITLE_KEY, keys),
        VocabList(fx.N_TITLE_KEY_CANONICAL, canonical),
        VocabList(fx.N_TITLE, names),
        VocabList(fx.N_TITLE_PAIR, pairs),
        VocabList(fx.N_ORG, _unique([n for o in vocab.orgs for n in (o.name, *o.former)])),
        VocabList(fx.N_POS, tuple(range(1, 18))),
        VocabList(fx.N_WEIGHT, idcard.WEIGHTS),
        VocabList(fx.N_DIGIT, tuple("0123456789")),
        VocabList(fx.N_POS8, tuple(range(1, 9))),
    )


def list_range(column: int, size: int) -> str:
    """Absolute reference to a list's values (row 1 is its header)."""
    letter = xl_col_to_name(column)
    return f"'{VOCAB_SHEET}'!${letter}$2:${letter}${size + 1}"


def write_vocab_sheet(workbook: Any, sheet: Any, lists: tuple[VocabList, ...], text: Any) -> None:
    """Write each list into its own column and define its workbook-level name."""
    for col, vlist in enumerate(lists):
        if not any(v != "" for v in vlist.values):
            raise TemplateError("vocab-list-empty", vlist.name)
        # The sheet's lookups (formulas._in) rely on lists without MATCH's wildcards.
        if any(isinstance(v, str) and _WILDCARDS.search(v) for v in vlist.values):
            raise TemplateError("vocab-list-wildcard", vlist.name)
        checked(sheet.write_string(0, col, vlist.name, text), vlist.name)
        for row, value in enumerate(vlist.values, start=1):
            if isinstance(value, int):
                checked(sheet.write_number(row, col, value), vlist.name)
            elif value:
                checked(sheet.write_string(row, col, value, text), vlist.name)
        checked(workbook.define_name(vlist.name, "=" + list_range(col, len(vlist.values))), "name")
        checked(sheet.set_column(col, col, 24), "width")


# --- compiled formulas --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Validation:
    """One column's data validation: xlsxwriter options without the range."""

    key: str
    options: Mapping[str, Any]
    codes: tuple[str, ...] = ()  # the rules a custom formula combines


@dataclass(frozen=True, slots=True)
class Highlight:
    """A conditional format on one input column; `formula` is TRUE where the cell is wrong."""

    key: str
    severity: Severity
    formula: str


@dataclass(frozen=True, slots=True)
class SheetFormulas:
    context: fx.FormulaContext
    validations: tuple[Validation, ...]
    check: str  # the self-check formula of the first input row
    check_chunks: tuple[str, ...]  # `check` split at its row numbers, see `check_formula`
    summary: str
    highlights: tuple[Highlight, ...]
    layout: str = LAYOUT_VERSION
    # Layout 2: hidden columns after the check column (own-row hints, duplicate key, first
    # occurrence), written with the check column as shared formulas.
    helpers: tuple[HelperColumn, ...] = ()

    def check_formula(self, row: int) -> str:
        """The self-check formula moved to the 1-based Excel `row`."""
        return str(row).join(self.check_chunks)

    @property
    def shared(self) -> tuple[HelperColumn, ...]:
        """The check column and the helpers, each one shared formula down the input block."""
        if not self.helpers:
            return ()
        return (HelperColumn(CHECK_LETTER, self.check), *self.helpers)


def formula_context(vocab: Vocab, rows: int) -> fx.FormulaContext:
    campaign = vocab.campaign
    return fx.FormulaContext(
        first_row=FIRST_DATA_ROW,
        last_row=FIRST_DATA_ROW + rows - 1,
        date_from=int(campaign.issue_date_from.strftime("%Y%m%d")),
        date_to=int(campaign.issue_date_to.strftime("%Y%m%d")),
        prefixed_types=tuple((t.name, t.prefixes) for t in vocab.id_types if t.prefixes),
        pattern_types=tuple((t.name, t.pattern) for t in vocab.id_types if t.check == PATTERN),
    )


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _texts(key: str, error_style: str | None) -> dict[str, Any]:
    texts: dict[str, Any] = {
        "input_title": BY_KEY[key].header,
        "input_message": sheettexts.DV_PROMPTS[key],
    }
    if error_style is not None:
        texts["error_type"] = error_style
        texts["error_title"] = (
            sheettexts.DV_ERROR_TITLE if error_style == "stop" else sheettexts.DV_WARNING_TITLE
        )
        texts["error_message"] = sheettexts.DV_ERRORS[key]
    limits = {"input_title": MAX_DV_TITLE, "error_title": MAX_DV_TITLE}
    limits |= {"input_message": MAX_DV_PROMPT, "error_message": MAX_DV_ERROR}
    for field, limit in limits.items():
        if field in texts and _utf16_len(texts[field]) > limit:
            raise TemplateError("validation-text-too-long", f"{key} {field} > {limit}")
    return texts


def _custom_terms(key: str, ctx: fx.FormulaContext, dup: str | None) -> list[tuple[str, str]]:
    """The column's rules that go into its validation, in table order, as long as they fit
    (with headroom) in Excel's 255 characters; the check column shows every rule anyway."""
    terms = [
        (rule.code, rule.formula(ctx))
        for rule in RULES
        if rule.dv and rule.formula is not None and rule.target == key
    ]
    if dup is not None and key == DUPLICATE_COLUMN:
        terms.append(("duplicate-person-title", dup))
    kept: list[tuple[str, str]] = []
    for term in terms:
        if len(_and([f for _, f in [*kept, term]])) <= MAX_DV_BODY:
            kept.append(term)
    return kept


def _and(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else f"AND({','.join(parts)})"


def _validations(ctx: fx.FormulaContext, dup: str | None) -> tuple[Validation, ...]:
    out: list[Validation] = []
    for column in COLUMNS:
        key = column.key
        if key in LIST_VALIDATIONS:
            name, style = LIST_VALIDATIONS[key]
            source = "=" + fx.lint(name)
            options = {"validate": "list", "source": source, **_texts(key, style)}
            out.append(Validation(key, MappingProxyType(options)))
        elif key == CASCADE_COLUMN:
            source = "=" + fx.lint(fx.title_dropdown(ctx))
            options = {"validate": "list", "source": source, **_texts(key, "stop")}
            out.append(Validation(key, MappingProxyType(options)))
        elif terms := _custom_terms(key, ctx, dup):
            body = _and([f for _, f in terms])
            options = {"validate": "custom", "value": "=" + fx.lint(body), **_texts(key, "stop")}
            out.append(Validation(key, MappingProxyType(options), tuple(c for c, _ in terms)))
        else:  # free text: the prompt is the only help
            options = {"validate": "any", **_texts(key, None)}
            out.append(Validation(key, MappingProxyType(options)))
    return tuple(out)


def _summary(ctx: fx.FormulaContext) -> str:
    before, after = sheettexts.CHECK_SUMMARY.split("{n}")
    col = f"${CHECK_LETTER}${ctx.first_row}:${CHECK_LETTER}${ctx.last_row}"
    return fx.lint(f'{quote(before)}&SUMPRODUCT(--({col}<>""))&{quote(after)}', limit=None)


def _highlight(guards: list[str], terms: list[str]) -> str:
    nots = [f"NOT({t})" for t in terms]
    test = nots[0] if len(nots) == 1 else f"OR({','.join(nots)})"
    return f"AND({','.join([*guards, test])})"


def _pack(key: str, severity: Severity, ctx: fx.FormulaContext) -> list[Highlight]:
    """As few conditional formats as fit 255 characters, each OR-ing rules in table order. A
    rule whose own formula does not fit highlights the cell while it is the row's first
    problem, i.e. while the check column shows its hint."""
    guards = [f"{row_blank(ctx)}>0"]
    if severity is not Severity.ERROR:  # warnings judge a value; blanks are errors elsewhere
        guards.append(f'{ctx.cell(key)}<>""')
    terms = []
    for rule in RULES:
        if rule.formula is None or rule.target != key or rule.severity is not severity:
            continue
        term = rule.formula(ctx)
        if len(_highlight(guards, [term])) > MAX_CF_FORMULA:
            term = f"${CHECK_LETTER}{ctx.first_row}<>{quote(messages.SHEET_HINTS[rule.code])}"
        terms.append(term)
    groups: list[list[str]] = []
    for term in terms:
        if groups and len(_highlight(guards, [*groups[-1], term])) <= MAX_CF_FORMULA:
            groups[-1].append(term)
        else:
            groups.append([term])
    return [
        Highlight(key, severity, fx.lint(_highlight(guards, g), limit=MAX_CF_FORMULA))
        for g in groups
    ]


def compile_sheet(vocab: Vocab, rows: int, layout: str = LAYOUT_VERSION) -> SheetFormulas:
    """Every formula of the data sheet, linted; `layout` "1" gives the previous layout's check
    column (for tests and the benchmark's baseline).

    Raises:
        TemplateError: a formula breaks an Excel 2007/WPS limit; nothing is written then.
    """
    ctx = formula_context(vocab, rows)
    helpers: tuple[HelperColumn, ...] = ()
    if layout == "1":
        check, dup = layout_1(ctx), None
    elif layout == LAYOUT_VERSION:
        ctx = with_subs(ctx, HELPER_FIRST_COLUMN)
        check, helpers, dup = layout_2(ctx)
    else:
        raise ValueError(f"unknown layout {layout!r}")
    highlights = [
        h
        for severity in (Severity.ERROR, Severity.WARNING)
        for column in COLUMNS
        for h in _pack(column.key, severity, ctx)
    ]
    return SheetFormulas(
        context=ctx,
        validations=_validations(ctx, dup),
        check=check,
        check_chunks=row_chunks(check, ctx.first_row),
        summary=_summary(ctx),
        highlights=tuple(highlights),
        layout=layout,
        helpers=helpers,
    )
