"""Formula builders against literal Excel text for one context, and the Excel-limit lint."""

from __future__ import annotations

import dataclasses
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from titletemplate import formulas as fx
from titletemplate import idpattern
from titletemplate.errors import TemplateError
from titletemplate.rules import RULES

CTX = fx.FormulaContext(
    first_row=8,
    last_row=2007,
    date_from=20100101,
    date_to=20210326,
    prefixed_types=(("港澳台居民居住证", ("810000", "820000", "830000")),),
    pattern_types=(("T8", "^[0-9]{8}$"),),
    subs=(("gb", "N"), ("gb_shaped", "O"), ("id_shape", "P")),
)
INLINE = dataclasses.replace(CTX, subs=())


def _in(name: str, ref: str) -> str:
    m = f"MATCH({ref},{name},0)"
    return f"IF(ISNUMBER({m}),EXACT(INDEX({name},{m}),{ref}),FALSE)"


def _strip(ref: str) -> str:
    for digit in "0123456789":
        ref = f'SUBSTITUTE({ref},"{digit}","")'
    return ref


GB = "$N8"
SHAPED = "$O8"
DIGITS17 = f"LEN({_strip('LEFT(D8,17)')})=0"
DATE8 = f'AND(LEN(J8)=8,{_strip("J8")}="")'
WEIGHTED = (
    "MID(D8,1,1)*7+MID(D8,2,1)*9+MID(D8,3,1)*10+MID(D8,4,1)*5+MID(D8,5,1)*8+MID(D8,6,1)*4+"
    "MID(D8,7,1)*2+MID(D8,8,1)*1+MID(D8,9,1)*6+MID(D8,10,1)*3+MID(D8,11,1)*7+MID(D8,12,1)*9+"
    "MID(D8,13,1)*10+MID(D8,14,1)*5+MID(D8,15,1)*8+MID(D8,16,1)*4+MID(D8,17,1)*2"
)
KEY = '$G8&"|"&$H8'
PAIR = '$G8&"|"&$H8&"|"&I8'

EXPECTED = {
    "present": 'D8<>""',
    "in_list": _in("V_SERIES", "G8"),
    "region_current": f"IF({_in('V_REGION_ALL', 'A8')},{_in('V_REGION', 'A8')},TRUE)",
    "cert_no_no_space": 'ISERROR(FIND(" ",B8))',
    "id_number_is_text": "IF(ISNUMBER(D8),INT(D8)=D8*(ABS(D8)<1E+15),TRUE)",
    "id_number_length": f"IF({GB},OR(LEN(D8)=18,LEN(D8)=15),TRUE)",
    "id_number_not_15": f"IF({GB},LEN(D8)<>15,TRUE)",
    "id_number_chars": (
        f'IF(AND({GB},LEN(D8)=18),AND({DIGITS17},ISNUMBER(FIND(RIGHT(D8),"0123456789X"))),TRUE)'
    ),
    "id_number_birth_date": (
        f"IF({SHAPED},AND(--MID(D8,7,4)>=1901,"
        "MONTH(DATE(MID(D8,7,4),MID(D8,11,2),MID(D8,13,2)))=--MID(D8,11,2)),TRUE)"
    ),
    "id_number_checksum": (
        f'IF({SHAPED},EXACT(MID("10X98765432",MOD({WEIGHTED},11)+1,1),RIGHT(D8)),TRUE)'
    ),
    "id_number_prefix": (
        'IF($C8="港澳台居民居住证",'
        'OR(LEFT(D8,6)="810000",LEFT(D8,6)="820000",LEFT(D8,6)="830000"),TRUE)'
    ),
    "name_no_digit": f"LEN({_strip('E8')})=LEN(E8)",
    "gender_matches_id": (
        f"IF(AND({SHAPED},{_in('V_GENDER', 'F8')}),F8=INDEX(V_GENDER,2-MOD(MID($D8,17,1),2)),TRUE)"
    ),
    "title_in_series": (
        f"IF(AND({_in('V_TNAME', 'I8')},{_in('V_TKEY', KEY)}),{_in('V_TPAIR', PAIR)},TRUE)"
    ),
    "title_dropdown": (
        f"IF(COUNTIF(V_TKEYC,{KEY})=0,V_TNAME,INDEX(V_TNAME,MATCH({KEY},V_TKEY,0)):"
        f"INDEX(V_TNAME,MATCH({KEY},V_TKEY,0)+COUNTIF(V_TKEYC,{KEY})-1))"
    ),
    "issue_date_format": DATE8,
    "issue_date_real": (
        f"IF({DATE8},AND(--LEFT(J8,4)>=1901,"
        "MONTH(DATE(LEFT(J8,4),MID(J8,5,2),RIGHT(J8,2)))=--MID(J8,5,2)),TRUE)"
    ),
    "issue_date_window": f"IF({DATE8},AND(--J8>=20100101,--J8<=20210326),TRUE)",
    "id_number_pattern": (
        'IF(EXACT($C8,"T8"),AND(LEN(UPPER(D8))>=8,LEN(UPPER(D8))<=8,'
        'EXACT(MID($P8,1,8),REPT("9",LEN(MID($P8,1,8))))),TRUE)'
    ),
    "gb_type": _in("V_GBTYPE", "$C8"),
    "gb_shaped": f"AND($N8,LEN($D8)=18,LEN({_strip('LEFT($D8,17)')})=0)",
    "id_shape": (
        "SUBSTITUTE(" * 34 + 'UPPER($D8),"0","9"),"1","9"),"2","9"),"3","9"),"4","9"),"5","9"),'
        '"6","9"),"7","9"),"8","9"),"B","A"),"C","A"),"D","A"),"E","A"),"F","A"),"G","A"),'
        '"H","A"),"I","A"),"J","A"),"K","A"),"L","A"),"M","A"),"N","A"),"O","A"),"P","A"),'
        '"Q","A"),"R","A"),"S","A"),"T","A"),"U","A"),"V","A"),"W","A"),"X","A"),"Y","A"),"Z","A")'
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
    # Cell formulas: validations keep only the rules that fit 255 characters (vocabsheet).
    assert fx.lint(BUILDERS[name](CTX), limit=None) == EXPECTED[name]


def test_first_occurrence_matches_the_key_over_the_rows_above() -> None:
    assert fx.first_occurrence(CTX, "Q") == ('IF(Q8="",0,IFERROR(MATCH(Q8,$Q$7:Q7,0)+6,ROW()))')


def test_duplicate_key_marks_upper_case_letters_and_wildcards() -> None:
    key = fx.duplicate_key(CTX)
    assert key.startswith('IF(COUNTA($C8,$D8,$I8)=0,"",SUBSTITUTE(SUBSTITUTE(')
    assert 'SUBSTITUTE($C8&"|"&UPPER($D8&"")&"|"&$I8,"^","^^"),"~","^t"),"*","^s"),"?","^q")' in key
    assert key.endswith(',"Z","^Z"))')
    assert fx.lint(key, limit=None) == key


def _marked(formula: str, text: str) -> str:
    """`text` through the formula's SUBSTITUTE chain, innermost first."""
    for old, new in re.findall(r',"([^"]+)","([^"]*)"\)', formula):
        text = text.replace(old, new)
    return text


@given(st.lists(st.text(alphabet="aAbB^~*?tsq|", max_size=6), min_size=2, max_size=2))
def test_marking_keeps_texts_apart_and_leaves_no_wildcard(pair: list[str]) -> None:
    """MATCH ignores case and reads ~ * ? as a pattern; after marking, two texts are equal
    only when they were, case and wildcards included, and no wildcard is left."""
    key = fx.duplicate_key(CTX)
    a, b = (_marked(key, t) for t in pair)
    assert (a.casefold() == b.casefold()) == (pair[0] == pair[1])
    assert not set("~*?") & set(a)


@pytest.mark.parametrize(
    "formula",
    ["OFFSET(V_TNAME,1,0)", "INDIRECT(A8)", "NOW()", "TODAY()", "RAND()", "RANDBETWEEN(1,2)",
     'CELL("row",A8)', 'INFO("system")'],
    ids=["offset", "indirect", "now", "today", "rand", "randbetween", "cell", "info"],
)  # fmt: skip
def test_lint_rejects_volatile_functions(formula: str) -> None:
    assert fx.VOLATILE_FUNCTIONS.isdisjoint(fx.ALLOWED_FUNCTIONS)
    with pytest.raises(TemplateError) as caught:
        fx.lint(formula)
    assert caught.value.code == "formula-function-not-allowed"


def test_without_helper_columns_a_sub_expression_is_inline() -> None:
    assert INLINE.sub("gb") == EXPECTED["gb_type"]
    assert INLINE.sub("gb_shaped") == EXPECTED["gb_shaped"].replace("$N8", EXPECTED["gb_type"])
    assert (
        fx.id_number_length(INLINE) == f"IF({EXPECTED['gb_type']},OR(LEN(D8)=18,LEN(D8)=15),TRUE)"
    )


@pytest.mark.parametrize(
    "pattern",
    [r"^[^0-9]{8}$", r"^\d{8}$", r"^A+$", r"^(AB){2}$", r"^.{5}$", r"^[A-Z]{1,20}[0-9]{1,9}$"],
    ids=["negated", "backslash-d", "plus", "repeated-group", "dot", "too-many-splits"],
)
def test_a_pattern_the_sheet_cannot_carry_is_refused(pattern: str) -> None:
    with pytest.raises(TemplateError) as caught:
        idpattern.formula(pattern, "D8", "$P8")
    assert caught.value.code == "id-pattern-unsupported"


def test_pattern_alternatives_optional_groups_and_literals() -> None:
    assert idpattern.formula(r"^[0-9]{2}$|^[0-9]{2}(\([A-Z]\))?$", "D8", "$P8") == (
        'OR(AND(LEN(UPPER(D8))>=2,LEN(UPPER(D8))<=2,EXACT(MID($P8,1,2),REPT("9",LEN(MID($P8,1,2))))),'
        'AND(LEN(UPPER(D8))>=2,LEN(UPPER(D8))<=2,EXACT(MID($P8,1,2),REPT("9",LEN(MID($P8,1,2))))),'
        'AND(LEN(UPPER(D8))>=5,LEN(UPPER(D8))<=5,EXACT(MID($P8,1,2),REPT("9",LEN(MID($P8,1,2)))),'
        'SUBSTITUTE(MID(UPPER(D8),3,1),"(","")="",'
        'EXACT(MID($P8,4,1),REPT("A",LEN(MID($P8,4,1)))),SUBSTITUTE(MID(UPPER(D8),5,1),")","")=""))'
    )


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
