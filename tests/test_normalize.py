from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from titletemplate import normalize
from titletemplate.normalize import (
    ErrorValue,
    FormulaValue,
    clean_text,
    is_blank,
    is_lossy_number,
    normalize_cell,
    normalize_row,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("\u3000男 ", "男"),
        ("张三\u00a0", "张三"),
        ("37010219730829181\u200b4", "370102197308291814"),
        ("鲁012_x000D_", "鲁012"),
        ("ＡＢＣ１２３", "ABC123"),
        ("a\tb\r\nc", "a b c"),
    ],
    ids=["ideographic-space", "nbsp", "zero-width", "x000d", "full-width", "control-chars"],
)
def test_clean_text(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected", "codes"),
    [
        ("37010219730829181x", "37010219730829181X", []),
        ("３７０１０２１９７３０８２９１８１４", "370102197308291814", []),
        ("370102 19730829 1814", "370102197308291814", []),
        (3.70102197308292e17, "3.70102197308292E+17", []),
        (370102197308291814, "3.70102197308292E+17", []),
        (12345678, "12345678", []),
        (None, "", []),
    ],
    ids=["lower-x", "full-width", "inner-spaces", "float", "int-18", "short-int", "none"],
)
def test_id_number_cells(raw: object, expected: str, codes: list[str]) -> None:
    text, findings = normalize_cell("id_number", raw)
    assert (text, [f.code for f in findings]) == (expected, codes)


@pytest.mark.parametrize(
    ("raw", "expected", "codes"),
    [
        ("20191119", "20191119", []),
        (20191119, "20191119", []),
        ("2019-01-01", "20190101", ["issue-date-converted"]),
        ("2019.1.1", "20190101", ["issue-date-converted"]),
        ("2019/1/1", "20190101", ["issue-date-converted"]),
        ("2019年1月1日", "20190101", ["issue-date-converted"]),
        ("2019-1-1 0:00:00", "20190101", ["issue-date-converted"]),
        ("2019-02-29", "20190229", ["issue-date-converted"]),
        (dt.datetime(2019, 1, 1, 8, 30), "20190101", ["issue-date-converted"]),
        (dt.date(2020, 2, 29), "20200229", ["issue-date-converted"]),
        (43466, "20190101", ["issue-date-converted"]),
        (43466.0, "20190101", ["issue-date-converted"]),
        ("201409", "201409", []),
        ("19-1-1", "19-1-1", []),
    ],
    ids=[
        "yyyymmdd",
        "int",
        "iso",
        "dots",
        "slashes",
        "chinese",
        "with-time",
        "impossible",
        "datetime",
        "date",
        "serial",
        "serial-float",
        "year-month",
        "two-digit-year",
    ],
)
def test_issue_date_cells(raw: object, expected: str, codes: list[str]) -> None:
    text, findings = normalize_cell("issue_date", raw)
    assert (text, [f.code for f in findings]) == (expected, codes)


def test_serial_in_1904_system() -> None:
    # 2019-01-01 is serial 43466 in the 1900 system and 1,462 days less in the 1904 system.
    assert normalize_cell("issue_date", 42004, date1904=True)[0] == "20190101"
    assert normalize_cell("issue_date", 43466)[0] == "20190101"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("阿卜杜•热合曼", "阿卜杜·热合曼"),
        ("迪丽・热巴", "迪丽·热巴"),
        ("张 三", "张三"),
        ("John  Smith", "John Smith"),
    ],
    ids=["bullet", "katakana-dot", "inner-space", "latin"],
)
def test_names(raw: str, expected: str) -> None:
    assert normalize_cell("name", raw)[0] == expected


def test_error_and_formula_cells_become_findings() -> None:
    assert normalize_cell("gender", ErrorValue("#N/A")) == (
        "",
        [_f("cell-error-value", "gender", "#N/A")],
    )
    text, findings = normalize_cell("name", FormulaValue("=A2"))
    assert (text, [f.code for f in findings]) == ("", ["cell-formula"])


def test_too_long_text() -> None:
    text, findings = normalize_cell("issuer", "机" * 201)
    assert (text, [f.code for f in findings]) == ("", ["cell-too-long"])


def test_row_pads_missing_cells_and_blank_detection() -> None:
    values, findings = normalize_row(["370000000000山东省本级"])
    assert values["review_body"] == "" and findings == []
    assert is_blank([None, "", " \u3000", None])
    assert not is_blank([None, 0])


@given(
    st.lists(st.none() | st.text(max_size=4) | st.sampled_from(["\u200b", "_x000D_", "\u3000a"]))
)
def test_a_row_is_blank_when_every_cell_cleans_to_nothing(cells: list[str | None]) -> None:
    expected = all(c is None or not clean_text(c) for c in cells[:12])
    assert is_blank(cells) == expected


@pytest.mark.parametrize(
    ("value", "lossy"),
    [
        (370102197308291814, True),
        (3.7e17, True),
        (123456789012345, False),
        (1.5, True),
        ("1", False),
        (True, False),
    ],
)
def test_lossy_numbers(value: object, lossy: bool) -> None:
    assert is_lossy_number(value) is lossy


@given(st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(9999, 12, 31)))
def test_every_date_form_gives_the_same_yyyymmdd(day: dt.date) -> None:
    expected = day.strftime("%Y%m%d")
    forms = [
        day,
        f"{day:%Y-%m-%d}",
        f"{day.year}.{day.month}.{day.day}",
        f"{day.year}年{day.month}月{day.day}日",
    ]
    assert {normalize_cell("issue_date", f)[0] for f in forms} == {expected}


@given(st.integers(1, 2_958_465))
def test_serials_round_trip(serial: int) -> None:
    text = normalize_cell("issue_date", serial)[0]
    if len(str(serial)) in (6, 8):  # YYYYMM / YYYYMMDD typed as numbers, not serials (T24)
        assert text == str(serial)
    else:
        day = dt.datetime.strptime(text, "%Y%m%d").date()
        assert (day - dt.date(1899, 12, 30)).days == serial


def _f(code: str, column: str, value: str):  # type: ignore[no-untyped-def]
    from titletemplate.errors import Issue, Stage

    return Issue(code, column=column, value=value, stage=Stage.NORMALISE)


# Texts that reach the fast paths and texts that must not: every character class the full
# path changes (controls, zero-width, NFKC forms, Unicode spaces, `_x000D_` in any width).
_TEXTS = st.one_of(
    st.text(max_size=30),
    st.text(st.characters(max_codepoint=0x7F), max_size=30),
    st.text(
        st.sampled_from("张三·.• _x000DdaA9\u3000\u00a0\u200b\u00ad\ufeff１ｘＸ\x7f\t٣Ⅻﬁ"),
        max_size=30,
    ),
    st.sampled_from(["_x000d_", "＿ｘ０００ｄ＿", "a\u2028b", "x" * 201, "欧阳 娜娜", "Zhang 三"]),
)


@settings(max_examples=1000)
@given(_TEXTS)
def test_clean_text_fast_path_gives_what_the_full_path_gives(text: str) -> None:
    assert clean_text(text) == normalize._clean_text_full(text)


def test_clean_text_fast_path_cannot_see_a_zero_width_character() -> None:
    assert not any(chr(c).isprintable() for c in normalize._ZERO_WIDTH)


@settings(max_examples=1000)
@given(_TEXTS, st.sampled_from(sorted(normalize._TEXT_OF_STR)))
def test_text_cells_of_distinct_columns_take_the_fast_path_unchanged(text: str, key: str) -> None:
    fast = normalize._TEXT_OF_STR[key](text)
    if len(fast) <= normalize.MAX_CELL_TEXT:  # longer ones go through normalize_cell
        assert (fast, []) == normalize_cell(key, text)
