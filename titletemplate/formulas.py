"""Excel formula text for the rules (no xlsxwriter here). Every builder returns a boolean
formula, TRUE = the cell is fine, written for the first input row with relative row refs.

Only functions Excel 2007 and WPS both have; no array constants (illegal in data validation),
no cross-sheet references except through workbook-level names (Excel 2007 rejects them).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .columns import BY_KEY
from .errors import TemplateError

MAX_DV_FORMULA = 255  # Excel's formula1 limit, counted without the leading "="
MIN_YEAR = 1901  # earliest year a date formula checks (see id_number_birth_date)
# Functions known to exist in Excel 2007 and every WPS version.
ALLOWED_FUNCTIONS = frozenset(
    [
        "IF",
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
        "OFFSET",
        "ROW",
        "DATE",
        "MONTH",
        "ABS",
        "INT",
    ]
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

    def cell(self, key: str) -> str:
        """Relative reference to this row's cell, e.g. D8."""
        return f"{BY_KEY[key].letter}{self.first_row}"

    def anchored(self, key: str) -> str:
        """Column-absolute, row-relative reference, e.g. $D8 (for cross-column checks)."""
        return f"${BY_KEY[key].letter}{self.first_row}"

    def column_range(self, key: str) -> str:
        letter = BY_KEY[key].letter
        return f"${letter}${self.first_row}:${letter}${self.last_row}"


FormulaBuilder = Callable[[FormulaContext], str]


def _in(name: str, ref: str) -> str:
    # EXACT, not MATCH or COUNTIF: both read * ? ~ as wildcards (COUNTIF also ">0" as a
    # comparison) in Excel and LibreOffice, so "*" passed as a known title. EXACT is also
    # case-sensitive, like the reader's lookups.
    return f"SUMPRODUCT(--EXACT({name},{ref}))>0"


def _gb(ctx: FormulaContext) -> str:
    # Only ever a condition (IF, AND), where a nonzero count is TRUE: without ">0" the ID
    # validation (precision + checksum) fits Excel's 255 characters.
    return f"SUMPRODUCT(--EXACT({N_GB_TYPE},{ctx.anchored('id_type')}))"


def _digits17(ref: str) -> str:
    # FIND, not "--": "--" coerces "1e5" and full-width digits differently per office suite.
    return f'SUMPRODUCT(--ISNUMBER(FIND(MID({ref},{N_POS},1),"0123456789")))=17'


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


def _id_shape_ok(ctx: FormulaContext, d: str) -> str:
    return f"AND({_gb(ctx)},LEN({d})=18,{_digits17(d)})"


def id_number_birth_date(ctx: FormulaContext) -> str:
    # DATE rolls day/month overflow into the next month, so MONTH(DATE(y,m,d))=m only for
    # real dates; DATE adds 1900 to years below 1900 and Excel's takes 29 Feb 1900 for a real
    # day (LibreOffice does not), hence the explicit year bound MIN_YEAR.
    d = ctx.cell("id_number")
    return (
        f"IF({_id_shape_ok(ctx, d)},AND(--MID({d},7,4)>={MIN_YEAR},"
        f"MONTH(DATE(MID({d},7,4),MID({d},11,2),MID({d},13,2)))=--MID({d},11,2)),TRUE)"
    )


def id_number_checksum(ctx: FormulaContext) -> str:
    # EXACT keeps "X" case-sensitive; weights come from a range (no array constant).
    d = ctx.cell("id_number")
    return (
        f'IF({_id_shape_ok(ctx, d)},EXACT(MID("10X98765432",'
        f"MOD(SUMPRODUCT(MID({d},{N_POS},1)*{N_WEIGHT}),11)+1,1),RIGHT({d})),TRUE)"
    )


def id_number_prefix(ctx: FormulaContext) -> str:
    d, c = ctx.cell("id_number"), ctx.anchored("id_type")
    parts = []
    for name, prefixes in ctx.prefixed_types:
        tests = ",".join(f'LEFT({d},{len(p)})="{p}"' for p in prefixes)
        parts.append(f'IF({c}="{name}",OR({tests}),TRUE)')
    return f"AND({','.join(parts)})" if len(parts) > 1 else (parts[0] if parts else "TRUE")


def name_no_digit(ctx: FormulaContext) -> str:
    return f"SUMPRODUCT(--ISNUMBER(FIND({N_DIGIT},{ctx.cell('name')})))=0"


def gender_matches_id(ctx: FormulaContext) -> str:
    d, f = ctx.anchored("id_number"), ctx.cell("gender")
    return (
        f"IF(AND({_id_shape_ok(ctx, d)},{_in(N_GENDER, f)}),"
        f"{f}=INDEX({N_GENDER},2-MOD(MID({d},17,1),2)),TRUE)"
    )


def _title_key(ctx: FormulaContext) -> str:
    return f'{ctx.anchored("series")}&"{SEPARATOR}"&{ctx.anchored("level")}'


def title_in_series(ctx: FormulaContext) -> str:
    i, k = ctx.cell("title_name"), _title_key(ctx)
    return (
        f"IF(AND({_in(N_TITLE, i)},{_in(N_TITLE_KEY, k)}),ISNUMBER(MATCH({i},"
        f"OFFSET({N_TITLE},MATCH({k},{N_TITLE_KEY},0)-1,0,COUNTIF({N_TITLE_KEY},{k}),1),0)),TRUE)"
    )


def title_dropdown(ctx: FormulaContext) -> str:
    """List source for the cascading title dropdown (canonical names of series+level).

    The notice lets series and level be typed freely when the list lacks them; such a pair has
    no group, so the whole title list is offered instead of an error that blocks the column.
    """
    k = _title_key(ctx)
    n = f"COUNTIF({N_TITLE_KEY_CANONICAL},{k})"
    return f"IF({n}=0,{N_TITLE},OFFSET({N_TITLE},MATCH({k},{N_TITLE_KEY},0)-1,0,{n},1))"


def _date_ok_format(j: str) -> str:
    # Only the 8 real positions: past the end MID gives "", and FIND("") is 1 in Excel but an
    # error in LibreOffice, so counting 17 positions differs between the suites.
    return f'AND(LEN({j})=8,SUMPRODUCT(--ISNUMBER(FIND(MID({j},{N_POS8},1),"0123456789")))=8)'


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


def unique_person_title(ctx: FormulaContext) -> str:
    # SUMPRODUCT compares text exactly; COUNTIFS would compare 18-digit IDs as 15-digit numbers.
    # EXACT on &"" text, like the reader's keys: 123 equals "123", "abc" is not "ABC". Without
    # the &"", LibreOffice's EXACT converts numbers in a range unlike the same number alone.
    terms = "*".join(
        f'EXACT({ctx.column_range(k)}&"",{ctx.anchored(k)}&"")'
        for k in ("id_type", "id_number", "title_name")
    )
    return f"SUMPRODUCT({terms})<=1"


def lint(formula: str, limit: int | None = MAX_DV_FORMULA) -> str:
    """Check a formula against Excel 2007/WPS limits; return it without a leading '='.

    Raises:
        TemplateError: `formula-too-long` or `formula-function-not-allowed`.
    """
    body = formula.removeprefix("=")
    if limit is not None and len(body) > limit:
        raise TemplateError("formula-too-long", f"{len(body)} > {limit}: {body[:80]}")
    for name in _FUNCTION.findall(_STRING.sub('""', body)):
        if name not in ALLOWED_FUNCTIONS:
            raise TemplateError("formula-function-not-allowed", name)
    if "{" in _STRING.sub('""', body):
        raise TemplateError("formula-array-constant", body[:80])
    return body
