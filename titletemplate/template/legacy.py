"""The layout-1 check column (issue 13's baseline): every error rule inline in one formula per
row, OFFSET in the title check and a SUMPRODUCT duplicate check over the whole block. Kept
verbatim to build previous-layout files, which units still return, for the ingest tests and
the clerk benchmark's baseline (benchmarks/clerk.py); never issued to units any more.
"""

from __future__ import annotations

from ..formulas import (
    MIN_YEAR,
    N_DIGIT,
    N_GB_TYPE,
    N_GENDER,
    N_ID_TYPE,
    N_POS,
    N_POS8,
    N_REGION_ALL,
    N_TITLE,
    N_TITLE_KEY,
    N_WEIGHT,
    SEPARATOR,
    FormulaBuilder,
    FormulaContext,
)


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


# Rule code -> its layout-1 formula, in the order of the layout-1 rule table.
FORMULAS: dict[str, FormulaBuilder] = {
    "region-missing": present("region_code"),
    "region-unknown": in_list("region_code", N_REGION_ALL),
    "cert-no-precision-lost": number_is_exact("cert_no"),
    "cert-no-whitespace": cert_no_no_space,
    "id-type-missing": present("id_type"),
    "id-type-unknown": in_list("id_type", N_ID_TYPE),
    "id-number-missing": present("id_number"),
    "id-number-precision-lost": id_number_is_text,
    "id-number-15-digit": id_number_not_15,
    "id-number-length": id_number_length,
    "id-number-chars": id_number_chars,
    "id-number-birth-date": id_number_birth_date,
    "id-number-checksum": id_number_checksum,
    "id-number-prefix": id_number_prefix,
    "name-missing": present("name"),
    "name-invalid": name_no_digit,
    "gender-missing": present("gender"),
    "gender-unknown": in_list("gender", N_GENDER),
    "gender-id-mismatch": gender_matches_id,
    "series-missing": present("series"),
    "level-missing": present("level"),
    "title-missing": present("title_name"),
    "title-unknown": in_list("title_name", N_TITLE),
    "title-not-in-series": title_in_series,
    "issue-date-missing": present("issue_date"),
    "issue-date-format": issue_date_format,
    "issue-date-invalid": issue_date_real,
    "issue-date-out-of-window": issue_date_window,
    "issuer-missing": present("issuer"),
    "review-body-missing": present("review_body"),
    "duplicate-person-title": unique_person_title,
}
