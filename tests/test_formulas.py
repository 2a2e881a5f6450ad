"""Formula builders against literal Excel text for one context, and the Excel-limit lint."""

from __future__ import annotations

import pytest

from titletemplate import formulas as fx
from titletemplate.errors import TemplateError
from titletemplate.rules import RULES

CTX = fx.FormulaContext(
    first_row=8,
    last_row=2007,
    date_from=20100101,
    date_to=20210326,
    prefixed_types=(("港澳台居民居住证", ("810000", "820000", "830000")),),
)
GB = "SUMPRODUCT(--EXACT(V_GBTYPE,$C8))"
DIGITS17 = 'SUMPRODUCT(--ISNUMBER(FIND(MID(D8,V_POS,1),"0123456789")))=17'
DATE8 = 'AND(LEN(J8)=8,SUMPRODUCT(--ISNUMBER(FIND(MID(J8,V_P8,1),"0123456789")))=8)'

EXPECTED = {
    "present": 'D8<>""',
    "in_list": "SUMPRODUCT(--EXACT(V_SERIES,G8))>0",
    "region_current": (
        "IF(SUMPRODUCT(--EXACT(V_REGION_ALL,A8))>0,SUMPRODUCT(--EXACT(V_REGION,A8))>0,TRUE)"
    ),
    "cert_no_no_space": 'ISERROR(FIND(" ",B8))',
    "id_number_is_text": "IF(ISNUMBER(D8),INT(D8)=D8*(ABS(D8)<1E+15),TRUE)",
    "id_number_length": f"IF({GB},OR(LEN(D8)=18,LEN(D8)=15),TRUE)",
    "id_number_not_15": f"IF({GB},LEN(D8)<>15,TRUE)",
    "id_number_chars": (
        f'IF(AND({GB},LEN(D8)=18),AND({DIGITS17},ISNUMBER(FIND(RIGHT(D8),"0123456789X"))),TRUE)'
    ),
    "id_number_birth_date": (
        f"IF(AND({GB},LEN(D8)=18,{DIGITS17}),AND(--MID(D8,7,4)>=1901,"
        "MONTH(DATE(MID(D8,7,4),MID(D8,11,2),MID(D8,13,2)))=--MID(D8,11,2)),TRUE)"
    ),
    "id_number_checksum": (
        f"IF(AND({GB},LEN(D8)=18,{DIGITS17}),"
        'EXACT(MID("10X98765432",MOD(SUMPRODUCT(MID(D8,V_POS,1)*V_WT),11)+1,1),RIGHT(D8)),TRUE)'
    ),
    "id_number_prefix": (
        'IF($C8="港澳台居民居住证",'
        'OR(LEFT(D8,6)="810000",LEFT(D8,6)="820000",LEFT(D8,6)="830000"),TRUE)'
    ),
    "name_no_digit": "SUMPRODUCT(--ISNUMBER(FIND(V_DIGIT,E8)))=0",
    "gender_matches_id": (
        "IF(AND(AND(SUMPRODUCT(--EXACT(V_GBTYPE,$C8)),LEN($D8)=18,"
        'SUMPRODUCT(--ISNUMBER(FIND(MID($D8,V_POS,1),"0123456789")))=17),'
        "SUMPRODUCT(--EXACT(V_GENDER,F8))>0),F8=INDEX(V_GENDER,2-MOD(MID($D8,17,1),2)),TRUE)"
    ),
    "title_in_series": (
        'IF(AND(SUMPRODUCT(--EXACT(V_TNAME,I8))>0,SUMPRODUCT(--EXACT(V_TKEY,$G8&"|"&$H8))>0),'
        'ISNUMBER(MATCH(I8,OFFSET(V_TNAME,MATCH($G8&"|"&$H8,V_TKEY,0)-1,0,'
        'COUNTIF(V_TKEY,$G8&"|"&$H8),1),0)),TRUE)'
    ),
    "title_dropdown": (
        'IF(COUNTIF(V_TKEYC,$G8&"|"&$H8)=0,V_TNAME,'
        'OFFSET(V_TNAME,MATCH($G8&"|"&$H8,V_TKEY,0)-1,0,COUNTIF(V_TKEYC,$G8&"|"&$H8),1))'
    ),
    "issue_date_format": DATE8,
    "issue_date_real": (
        f"IF({DATE8},AND(--LEFT(J8,4)>=1901,"
        "MONTH(DATE(LEFT(J8,4),MID(J8,5,2),RIGHT(J8,2)))=--MID(J8,5,2)),TRUE)"
    ),
    "issue_date_window": f"IF({DATE8},AND(--J8>=20100101,--J8<=20210326),TRUE)",
    "unique_person_title": (
        'SUMPRODUCT(EXACT($C$8:$C$2007&"",$C8&"")*EXACT($D$8:$D$2007&"",$D8&"")'
        '*EXACT($I$8:$I$2007&"",$I8&""))<=1'
    ),
}
BUILDERS = {
    "present": fx.present("id_number"),
    "in_list": fx.in_list("series", fx.N_SERIES),
    **{name: getattr(fx, name) for name in EXPECTED if name not in ("present", "in_list")},
}


@pytest.mark.parametrize("name", list(EXPECTED), ids=list(EXPECTED))
def test_builder_writes_the_expected_excel_text(name: str) -> None:
    assert BUILDERS[name](CTX) == EXPECTED[name]


@pytest.mark.parametrize("name", list(EXPECTED), ids=list(EXPECTED))
def test_every_builder_passes_the_lint(name: str) -> None:
    assert fx.lint(BUILDERS[name](CTX)) == EXPECTED[name]


def test_context_references() -> None:
    assert (CTX.cell("id_number"), CTX.anchored("id_type"), CTX.column_range("title_name")) == (
        "D8",
        "$C8",
        "$I$8:$I$2007",
    )


@pytest.mark.parametrize(
    ("prefixed", "expected"),
    [
        ((), "TRUE"),
        ((("T1", ("81",)),), 'IF($C8="T1",OR(LEFT(D8,2)="81"),TRUE)'),
        (
            (("T1", ("81",)), ("T2", ("9", "80"))),
            'AND(IF($C8="T1",OR(LEFT(D8,2)="81"),TRUE),'
            'IF($C8="T2",OR(LEFT(D8,1)="9",LEFT(D8,2)="80"),TRUE))',
        ),
    ],
    ids=["none", "one-type", "two-types"],
)
def test_id_number_prefix_per_prefixed_type(
    prefixed: tuple[tuple[str, tuple[str, ...]], ...], expected: str
) -> None:
    ctx = fx.FormulaContext(8, 2007, 20100101, 20210326, prefixed)
    assert fx.id_number_prefix(ctx) == expected


def test_lint_strips_the_leading_equals_sign() -> None:
    assert fx.lint('=A8<>""') == 'A8<>""'


def test_lint_allows_exactly_255_characters() -> None:
    exact = 'LEN("' + "x" * 248 + '")'
    assert len(fx.lint("=" + exact)) == 255


def test_lint_rejects_a_formula_over_255_characters() -> None:
    with pytest.raises(TemplateError) as caught:
        fx.lint('LEN("' + "x" * 249 + '")')
    assert caught.value.code == "formula-too-long"


def test_lint_counts_chinese_characters_once() -> None:
    assert len(fx.lint('LEN("' + "字" * 248 + '")')) == 255


def test_lint_limit_none_allows_long_cell_formulas() -> None:
    long = 'LEN("' + "x" * 1000 + '")'
    assert fx.lint(long, limit=None) == long


@pytest.mark.parametrize(
    "formula",
    ['TEXTJOIN(",",TRUE,A8:L8)', "IFS(A8=1,2)", 'CONCAT(A8,"x")', "XLOOKUP(A8,B:B,C:C)"],
    ids=["textjoin", "ifs", "concat", "xlookup"],
)
def test_lint_rejects_functions_excel_2007_lacks(formula: str) -> None:
    with pytest.raises(TemplateError) as caught:
        fx.lint(formula)
    assert caught.value.code == "formula-function-not-allowed"


def test_lint_ignores_function_names_inside_strings() -> None:
    assert fx.lint('A8<>"TEXTJOIN(x)"') == 'A8<>"TEXTJOIN(x)"'


def test_lint_rejects_array_constants() -> None:
    with pytest.raises(TemplateError) as caught:
        fx.lint("SUMPRODUCT(MID(D8,{1,2,3},1)*{7,9,10})")
    assert caught.value.code == "formula-array-constant"


def test_lint_allows_braces_inside_strings() -> None:
    assert fx.lint('A8<>"{1}"') == 'A8<>"{1}"'


def test_every_rule_formula_reads_its_own_column() -> None:
    wrong = [
        rule.code
        for rule in RULES
        if rule.formula is not None and CTX.cell(rule.target) not in rule.formula(CTX)
    ]
    assert wrong == []
