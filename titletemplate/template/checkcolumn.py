"""The check column of each layout: layout 1 writes every rule and the duplicate
check into it, row by row; layout 2 combines hidden helper columns: shared sub-expressions,
the row's problems, a duplicate key and its first occurrence (issue 13)."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from xlsxwriter.utility import xl_col_to_name

from .. import formulas as fx
from .. import messages
from ..columns import CHECK_LETTER, COLUMNS
from ..errors import Severity, TemplateError
from ..rules import RULES, SHEET_RULES
from . import legacy

# Excel 2007 limits (Excel specifications and limits).
MAX_CELL_FORMULA = 8192
MAX_NESTING = 64
# The own-row checks go into hidden columns of at most this much formula text each (Excel's
# limit is 8,192 characters and 64 nesting levels; shorter formulas are also quicker to read).
MAX_HINT_FORMULA = 4000
HELPER_FIRST_COLUMN = ord(CHECK_LETTER) - ord("A") + 1  # hidden helper columns follow M
_TOKEN = re.compile(
    r'(?P<string>"(?:[^"]|"")*")'
    r"|(?<![A-Za-z0-9_$.])(?P<col>\$?[A-Z]{1,3})(?P<row>[0-9]+)(?![A-Za-z0-9_(])"
)


@dataclass(frozen=True, slots=True)
class HelperColumn:
    """A hidden helper column of the data sheet: its formula for the first input row."""

    letter: str
    formula: str


def quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def nesting_depth(formula: str) -> int:
    """Deepest parenthesis nesting outside string literals (>= Excel's function nesting)."""
    depth = deepest = 0
    for ch in _TOKEN.sub(lambda m: '""' if m.group("string") else m.group(0), formula):
        if ch == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif ch == ")":
            depth -= 1
    return deepest


def row_blank(ctx: fx.FormulaContext) -> str:
    return f"COUNTA(${COLUMNS[0].letter}{ctx.first_row}:${COLUMNS[-1].letter}{ctx.first_row})"


def _error_items(ctx: fx.FormulaContext) -> list[tuple[str, str, str]]:
    """(code, formula, hint) of every error rule with a formula, in table order."""
    return [
        (rule.code, rule.formula(ctx), messages.SHEET_HINTS[rule.code])
        for rule in RULES
        if rule.formula is not None and rule.severity is Severity.ERROR
    ]


def _first_failing(
    ctx: fx.FormulaContext,
    items: list[tuple[str, str]],
    allowed: frozenset[str] = fx.ALLOWED_FUNCTIONS,
) -> str:
    """The hint of the first failing formula of `items`, "" on a passing or blank row."""
    full = fx.lint(_first_failing_text(ctx, items), limit=MAX_CELL_FORMULA, allowed=allowed)
    if nesting_depth(full) > MAX_NESTING:
        raise TemplateError("formula-too-deep", f"{nesting_depth(full)} > {MAX_NESTING}")
    return full


def layout_1(ctx: fx.FormulaContext) -> str:
    """Layout 1: every error rule and the duplicate check inline, per row (legacy.py)."""
    items = [(build(ctx), messages.SHEET_HINTS[code]) for code, build in legacy.FORMULAS.items()]
    items[-1] = (items[-1][0], messages.LEGACY_DUPLICATE_HINT)
    return _first_failing(ctx, items, fx.ALLOWED_FUNCTIONS | {"OFFSET"})


def with_subs(ctx: fx.FormulaContext, first_column: int) -> fx.FormulaContext:
    """`ctx` whose shared sub-expressions live in helper columns from `first_column` on."""
    names = tuple(fx.SUB_EXPRESSIONS)
    letters = (xl_col_to_name(first_column + i) for i in range(len(names)))
    return dataclasses.replace(ctx, subs=tuple(zip(names, letters, strict=False)))


def sub_helpers(ctx: fx.FormulaContext) -> tuple[HelperColumn, ...]:
    """The helper columns of `ctx.subs`; each may use the ones before it."""
    out = []
    for i, (name, letter) in enumerate(ctx.subs):
        before = dataclasses.replace(ctx, subs=ctx.subs[:i])
        out.append(HelperColumn(letter, fx.lint(fx.SUB_EXPRESSIONS[name](before), limit=None)))
    return tuple(out)


def layout_2(ctx: fx.FormulaContext) -> tuple[str, tuple[HelperColumn, ...], str]:
    """Layout 2, for a `ctx` with_subs: the shared sub-expressions, the own-row hints in as
    few hidden columns as fit MAX_HINT_FORMULA, the duplicate key and the first occurrence;
    the check column combines them. An edit of a non-key column recomputes that row's cells
    only, one of a key column the short first-occurrence column of the rows below it and the
    combiner.

    Returns the check column's formula, the helpers, and the duplicate test for a validation.
    """
    groups: list[list[tuple[str, str]]] = [[]]
    for _, formula, hint in _error_items(ctx):
        trial = [*groups[-1], (formula, hint)]
        if groups[-1] and len(_first_failing_text(ctx, trial)) > MAX_HINT_FORMULA:
            groups.append([(formula, hint)])
        else:
            groups[-1] = trial
    helpers = list(sub_helpers(ctx))
    start = HELPER_FIRST_COLUMN + len(helpers)
    letters = [xl_col_to_name(start + i) for i in range(len(groups) + 2)]
    hints = [
        HelperColumn(letter, _first_failing(ctx, group))
        for letter, group in zip(letters, groups, strict=False)
    ]
    helpers += hints
    key_letter, first_letter = letters[-2], letters[-1]
    key_build, first_build = SHEET_RULES["duplicate-person-title"]
    helpers.append(HelperColumn(key_letter, fx.lint(key_build(ctx), limit=None)))
    helpers.append(HelperColumn(first_letter, fx.lint(first_build(ctx, key_letter), limit=None)))
    r = ctx.first_row
    first = f"{first_letter}{r}"
    earlier = f"AND({first}>0,{first}<ROW())"
    before, after = messages.SHEET_HINTS["duplicate-person-title"].split("{n}")
    body = f'IF({earlier},{quote(before)}&{first}&{quote(after)},"")'
    for h in reversed(hints):
        body = f'IF({h.letter}{r}<>"",{h.letter}{r},{body})'
    check = fx.lint(body, limit=MAX_CELL_FORMULA)
    dup = f"NOT(AND(${first_letter}{r}>0,${first_letter}{r}<ROW()))"
    return check, tuple(helpers), dup


def _first_failing_text(ctx: fx.FormulaContext, items: list[tuple[str, str]]) -> str:
    body = '""'
    for formula, hint in reversed(items):
        body = f"IF(NOT({formula}),{quote(hint)},{body})"
    return f'IF({row_blank(ctx)}=0,"",{body})'


def row_chunks(formula: str, row: int) -> tuple[str, ...]:
    """Split `formula` at the row number of each row-relative reference, which must be `row`."""
    chunks: list[str] = []
    last = 0
    for match in _TOKEN.finditer(formula):
        if match.group("string"):
            continue  # absolute rows ($C$8) never match the reference pattern at all
        if int(match.group("row")) != row:
            raise ValueError(f"reference {match.group(0)} is not on row {row}")
        chunks.append(formula[last : match.start("row")])
        last = match.end("row")
    chunks.append(formula[last:])
    return tuple(chunks)
