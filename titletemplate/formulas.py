"""Excel formula text for the rules (no xlsxwriter here). Every builder returns a boolean
formula, TRUE = the cell is fine, written for the first input row with relative row refs.

Only functions Excel 2007 and WPS both have; no array constants (illegal in data validation),
no cross-sheet references except through workbook-level names (Excel 2007 rejects them).
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable
from dataclasses import dataclass

from . import idcard, idpattern
from .columns import BY_KEY
from .errors import TemplateError

MAX_DV_FORMULA = 255  # Excel's formula1 limit, counted without the leading "="
MIN_YEAR = 1901  # earliest year a date formula checks (see id_number_birth_date)
# Functions known to exist in Excel 2007 and every WPS version.
ALLOWED_FUNCTIONS = frozenset(
    [
        "IF",
        "IFERROR",
        "AND",
        "OR",
        "NOT",
        "LEN",
        "MID",
        "LEFT",
        "RIGHT",
        "FIND",
        "EXACT",
        "ISNUMBER",
        "ISTEXT",
        "ISERROR",
        "ISNA",
        "COUNTIF",
        "COUNTA",
        "SUMPRODUCT",
        "MOD",
        "MATCH",
        "INDEX",
        "REPT",
        "ROW",
        "SUBSTITUTE",
        "UPPER",
        "DATE",
        "MONTH",
        "ABS",
        "INT",
    ]
)
# Recomputed on every edit anywhere in the workbook: never in a cell or conditional format.
VOLATILE_FUNCTIONS = frozenset(
    ["OFFSET", "INDIRECT", "NOW", "TODAY", "RAND", "RANDBETWEEN", "CELL", "INFO"]
)
_FUNCTION = re.compile(r"([A-Z][A-Z0-9.]*)\(")
_STRING = re.compile(r'"[^"]*"')

# Workbook-level names the template defines on its hidden vocabulary sheet.
N_REGION = "V_REGION"  # current regions (dropdown)
N_REGION_ALL = "V_REGION_ALL"  # current + legacy (accepted on read with a warning)
N_ID_TYPE = "V_IDTYPE"
N_GB_TYPE = "V_GBTYPE"  # ID types whose numbers carry a GB 11643 check character
N_GENDER = "V_GENDER"
N_SERIES = "V_SERIES"
N_LEVEL = "V_LEVEL"
N_TITLE_KEY = "V_TKEY"  # "series|level" per title row, aliases included
N_TITLE_KEY_CANONICAL = "V_TKEYC"  # the same key on canonical rows only (dropdown length)
N_TITLE = "V_TNAME"
N_TITLE_PAIR = "V_TPAIR"  # "series|level|name" per title row, aliases included
N_ORG = "V_ORG"
N_POS = "V_POS"  # 1..17 as a range: array constants are not allowed in validation
N_WEIGHT = "V_WT"  # GB 11643 weights for positions 1..17
N_DIGIT = "V_DIGIT"  # "0".."9" as text
N_POS8 = "V_P8"  # 1..8 for YYYYMMDD; short because the date validation is 252 of 255 characters
SEPARATOR = "|"


@dataclass(frozen=True, slots=True)
class FormulaContext:
    """What a formula needs to know about the sheet and the campaign."""

    first_row: int
    last_row: int
    date_from: int  # YYYYMMDD as a number
    date_to: int
    prefixed_types: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (type name, prefixes)
    pattern_types: tuple[tuple[str, str], ...] = ()  # (type name, number pattern)
    # Sub-expressions computed once per row in a hidden helper column: (name, column letter).
    # Without them (the conditional formats' own-row tests, unit tests) they are inline.
    subs: tuple[tuple[str, str], ...] = ()

    def cell(self, key: str) -> str:
        """Relative reference to this row's cell, e.g. D8."""
        return f"{BY_KEY[key].letter}{self.first_row}"

    def anchored(self, key: str) -> str:
        """Column-absolute, row-relative reference, e.g. $D8 (for cross-column checks)."""
        return f"${BY_KEY[key].letter}{self.first_row}"

    def sub(self, name: str) -> str:
        """The sub-expression `name` of this row: its helper cell, or the expression itself."""
        for sub_name, letter in self.subs:
            if sub_name == name:
                return f"${letter}{self.first_row}"
        return SUB_EXPRESSIONS[name](self)

    def column_range(self, key: str) -> str:
        letter = BY_KEY[key].letter
        return f"${letter}${self.first_row}:${letter}${self.last_row}"


FormulaBuilder = Callable[[FormulaContext], str]


def _in(name: str, ref: str) -> str:
    # MATCH finds a candidate fast but ignores case and reads * ? ~ as wildcards (in Excel and
    # LibreOffice; COUNTIF even reads ">0" as a comparison), so EXACT confirms the candidate:
    # the lists hold no * ? ~ (vocab_lists refuses them), hence a wildcard never confirms, and
    # a case variant neither, like the reader's lookups. Not SUMPRODUCT(EXACT(list, x)):
    # Gnumeric does not array-evaluate EXACT there (issue 13).
    m = f"MATCH({ref},{name},0)"
    return f"IF(ISNUMBER({m}),EXACT(INDEX({name},{m}),{ref}),FALSE)"


def _gb(ctx: FormulaContext) -> str:
    return ctx.sub("gb")


def gb_type(ctx: FormulaContext) -> str:
    """TRUE when the row's ID type carries a GB 11643 check character."""
    return _in(N_GB_TYPE, ctx.anchored("id_type"))


def _strip_digits(ref: str) -> str:
    # Explicit SUBSTITUTEs, not FIND(MID(x, positions, 1), digits) in SUMPRODUCT, which
    # Gnumeric does not array-evaluate; and not "--", which coerces "1e5" and full-width
    # digits differently per office suite.
    out = ref
    for digit in "0123456789":
        out = f'SUBSTITUTE({out},"{digit}","")'
    return out


def _digits17(ref: str) -> str:
    return f"LEN({_strip_digits(f'LEFT({ref},17)')})=0"


def present(key: str) -> FormulaBuilder:
    def build(ctx: FormulaContext) -> str:
        return f'{ctx.cell(key)}<>""'

    return build


def in_list(key: str, name: str) -> FormulaBuilder:
    def build(ctx: FormulaContext) -> str:
        return _in(name, ctx.cell(key))

    return build


def region_current(ctx: FormulaContext) -> str:
    a = ctx.cell("region_code")
    return f"IF({_in(N_REGION_ALL, a)},{_in(N_REGION, a)},TRUE)"


def cert_no_no_space(ctx: FormulaContext) -> str:
    return f'ISERROR(FIND(" ",{ctx.cell("cert_no")}))'


def number_is_exact(key: str) -> FormulaBuilder:
    """A number in an identifier cell must be whole and below 10^15: Excel keeps only 15
    significant digits, and a fraction is no identifier either (the reader calls both lossy)."""

    def build(ctx: FormulaContext) -> str:
        d = ctx.cell(key)
        return f"IF(ISNUMBER({d}),INT({d})={d}*(ABS({d})<1E+15),TRUE)"

    return build


id_number_is_text = number_is_exact("id_number")


def id_number_length(ctx: FormulaContext) -> str:
    d = ctx.cell("id_number")
    return f"IF({_gb(ctx)},OR(LEN({d})=18,LEN({d})=15),TRUE)"


def id_number_not_15(ctx: FormulaContext) -> str:
    return f"IF({_gb(ctx)},LEN({ctx.cell('id_number')})<>15,TRUE)"


def id_number_chars(ctx: FormulaContext) -> str:
    d = ctx.cell("id_number")
    return (
        f"IF(AND({_gb(ctx)},LEN({d})=18),AND({_digits17(d)},"
        f'ISNUMBER(FIND(RIGHT({d}),"0123456789X"))),TRUE)'
    )


def _id_shape_ok(ctx: FormulaContext) -> str:
    return ctx.sub("gb_shaped")


def gb_shaped(ctx: FormulaContext) -> str:
    """TRUE when the ID is of a GB 11643 type, 18 characters long, 17 leading digits."""
    d = ctx.anchored("id_number")
    return f"AND({_gb(ctx)},LEN({d})=18,{_digits17(d)})"


def id_shape(ctx: FormulaContext) -> str:
    """The upper-cased ID with every digit as "9" and every letter A-Z as "A" (other
    characters as they are): what the number patterns test (idpattern.py)."""
    out = f"UPPER({ctx.anchored('id_number')})"
    for digit in "012345678":
        out = f'SUBSTITUTE({out},"{digit}","9")'
    for letter in string.ascii_uppercase[1:]:
        out = f'SUBSTITUTE({out},"{letter}","A")'
    return out


def id_number_birth_date(ctx: FormulaContext) -> str:
    # DATE rolls day/month overflow into the next month, so MONTH(DATE(y,m,d))=m only for
    # real dates; DATE adds 1900 to years below 1900 and Excel's takes 29 Feb 1900 for a real
    # day (LibreOffice does not), hence the explicit year bound MIN_YEAR.
    d = ctx.cell("id_number")
    return (
        f"IF({_id_shape_ok(ctx)},AND(--MID({d},7,4)>={MIN_YEAR},"
        f"MONTH(DATE(MID({d},7,4),MID({d},11,2),MID({d},13,2)))=--MID({d},11,2)),TRUE)"
    )


def id_number_checksum(ctx: FormulaContext) -> str:
    # An explicit weighted sum: SUMPRODUCT(MID(x, positions, 1) * weights) is 0 in Gnumeric.
    # EXACT keeps "X" case-sensitive.
    d = ctx.cell("id_number")
    total = "+".join(f"MID({d},{i},1)*{w}" for i, w in enumerate(idcard.WEIGHTS, start=1))
    return (
        f'IF({_id_shape_ok(ctx)},EXACT(MID("{idcard.CHECK_CHARS}",'
        f"MOD({total},11)+1,1),RIGHT({d})),TRUE)"
    )


def id_number_prefix(ctx: FormulaContext) -> str:
    d, c = ctx.cell("id_number"), ctx.anchored("id_type")
    parts = []
    for name, prefixes in ctx.prefixed_types:
        tests = ",".join(f'LEFT({d},{len(p)})="{p}"' for p in prefixes)
        parts.append(f'IF({c}="{name}",OR({tests}),TRUE)')
    return f"AND({','.join(parts)})" if len(parts) > 1 else (parts[0] if parts else "TRUE")


def id_number_pattern(ctx: FormulaContext) -> str:
    """The number rule of the ID types checked by a pattern (compiled by idpattern.py)."""
    d, c, shape = ctx.cell("id_number"), ctx.anchored("id_type"), ctx.sub("id_shape")
    parts = [
        f"IF(EXACT({c},{_quote(name)}),{idpattern.formula(pattern, d, shape)},TRUE)"
        for name, pattern in ctx.pattern_types
    ]
    return f"AND({','.join(parts)})" if len(parts) > 1 else (parts[0] if parts else "TRUE")


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def name_no_digit(ctx: FormulaContext) -> str:
    e = ctx.cell("name")
    return f"LEN({_strip_digits(e)})=LEN({e})"


def gender_matches_id(ctx: FormulaContext) -> str:
    d, f = ctx.anchored("id_number"), ctx.cell("gender")
    return (
        f"IF(AND({_id_shape_ok(ctx)},{_in(N_GENDER, f)}),"
        f"{f}=INDEX({N_GENDER},2-MOD(MID({d},17,1),2)),TRUE)"
    )


def _title_key(ctx: FormulaContext) -> str:
    return f'{ctx.anchored("series")}&"{SEPARATOR}"&{ctx.anchored("level")}'


def title_in_series(ctx: FormulaContext) -> str:
    # One lookup of "series|level|title" in a list of every allowed triple: no OFFSET into the
    # group, which made every check cell volatile (recomputed on any edit anywhere).
    i, k = ctx.cell("title_name"), _title_key(ctx)
    return (
        f"IF(AND({_in(N_TITLE, i)},{_in(N_TITLE_KEY, k)}),"
        f"{_in(N_TITLE_PAIR, f'{k}&{_quote(SEPARATOR)}&{i}')},TRUE)"
    )


def title_dropdown(ctx: FormulaContext) -> str:
    """List source for the cascading title dropdown (canonical names of series+level).

    The notice lets series and level be typed freely when the list lacks them; such a pair has
    no group, so the whole title list is offered instead of an error that blocks the column.
    INDEX(..):INDEX(..), not OFFSET, which is volatile.
    """
    k = _title_key(ctx)
    n = f"COUNTIF({N_TITLE_KEY_CANONICAL},{k})"
    m = f"MATCH({k},{N_TITLE_KEY},0)"
    return f"IF({n}=0,{N_TITLE},INDEX({N_TITLE},{m}):INDEX({N_TITLE},{m}+{n}-1))"


def _date_ok_format(j: str) -> str:
    return f'AND(LEN({j})=8,{_strip_digits(j)}="")'


def issue_date_format(ctx: FormulaContext) -> str:
    return _date_ok_format(ctx.cell("issue_date"))


def issue_date_real(ctx: FormulaContext) -> str:
    j = ctx.cell("issue_date")
    return (
        f"IF({_date_ok_format(j)},AND(--LEFT({j},4)>={MIN_YEAR},"
        f"MONTH(DATE(LEFT({j},4),MID({j},5,2),RIGHT({j},2)))=--MID({j},5,2)),TRUE)"
    )


def issue_date_window(ctx: FormulaContext) -> str:
    j = ctx.cell("issue_date")
    return f"IF({_date_ok_format(j)},AND(--{j}>={ctx.date_from},--{j}<={ctx.date_to}),TRUE)"


# The sub-expressions several rules share, in the order of their helper columns (a later one
# may use an earlier one).
SUB_EXPRESSIONS: dict[str, Callable[[FormulaContext], str]] = {
    "gb": gb_type,
    "gb_shaped": gb_shaped,
    "id_shape": id_shape,
}


# --- the in-sheet duplicate check (two hidden helper columns) ---------------------------------

_CASE_MARK = "^"
# Lower-case codes: the case marks only ever precede upper-case letters.
_WILDCARD_MARKS = (("~", "t"), ("*", "s"), ("?", "q"))


def duplicate_key(ctx: FormulaContext) -> str:
    """The row's (ID type, ID number, title) as one text that MATCH compares exactly, "" on a
    row without any of them. The reader upper-cases ID numbers; type and title compare with
    case, so every upper-case letter gets a mark (MATCH ignores case), and MATCH's wildcards
    `~ * ?` become marked letters, so no engine ever reads a key as a pattern: "^" doubles
    first, so two texts differ after marking whenever they differ at all. &"": a number
    equals its text, as in the reader ("123" and 123 are one ID)."""
    c, d, i = (ctx.anchored(k) for k in ("id_type", "id_number", "title_name"))
    text = f'{c}&"{SEPARATOR}"&UPPER({d}&"")&"{SEPARATOR}"&{i}'
    marked = f'SUBSTITUTE({text},"{_CASE_MARK}","{_CASE_MARK * 2}")'
    for wildcard, code in _WILDCARD_MARKS:
        marked = f'SUBSTITUTE({marked},"{wildcard}","{_CASE_MARK}{code}")'
    for letter in string.ascii_uppercase:
        marked = f'SUBSTITUTE({marked},"{letter}","{_CASE_MARK}{letter}")'
    return f'IF(COUNTA({c},{d},{i})=0,"",{marked})'


def first_occurrence(ctx: FormulaContext, key_letter: str) -> str:
    """The Excel row of the first row, this one included, whose duplicate key equals this
    row's; 0 on a row without a key.

    A MATCH over the rows above only (from the header row, which holds no key, down to the
    row before): an edit of a key recomputes the rows below it, never the ones above, so a
    clerk adding rows at the bottom waits for one row's lookup. Not found (or a key MATCH
    cannot take, over 255 characters in Excel): the row itself."""
    own = f"{key_letter}{ctx.first_row}"
    above = f"${key_letter}${ctx.first_row - 1}:{key_letter}{ctx.first_row - 1}"
    return f'IF({own}="",0,IFERROR(MATCH({own},{above},0)+{ctx.first_row - 2},ROW()))'


def lint(
    formula: str, limit: int | None = MAX_DV_FORMULA, allowed: frozenset[str] = ALLOWED_FUNCTIONS
) -> str:
    """Check a formula against Excel 2007/WPS limits; return it without a leading '='.

    Raises:
        TemplateError: `formula-too-long` or `formula-function-not-allowed`.
    """
    body = formula.removeprefix("=")
    if limit is not None and len(body) > limit:
        raise TemplateError("formula-too-long", f"{len(body)} > {limit}: {body[:80]}")
    for name in _FUNCTION.findall(_STRING.sub('""', body)):
        if name not in allowed:
            raise TemplateError("formula-function-not-allowed", name)
    if "{" in _STRING.sub('""', body):
        raise TemplateError("formula-array-constant", body[:80])
    return body
