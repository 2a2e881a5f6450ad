from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from titletemplate import idcard


@pytest.mark.parametrize(
    ("first17", "expected"),
    [
        ("37010219730829181", "4"),  # the notice's example carries 7: wrong
        ("11010119900307803", "X"),
        ("50015419930113588", "6"),
        ("81000019940823002", "1"),  # 港澳台居民居住证 sample
        ("83000019920130002", "2"),
    ],
    ids=["notice-example", "x-check", "chongqing", "hongkong-permit", "taiwan-permit"],
)
def test_check_char_matches_published_examples(first17: str, expected: str) -> None:
    assert idcard.check_char(first17) == expected


def test_notice_example_id_has_wrong_check_char() -> None:
    assert not idcard.has_valid_check_char("370102197308291817")
    assert idcard.has_valid_check_char("370102197308291814")


@pytest.mark.parametrize(
    "bad",
    [
        *("", "1234", "3701021973082918a", "３７０１０２１９７３０８２９１８１"),
        *("+3701021973082918", "3701_021973082918", "٣7010219730829181", " 3701021973082918"),
    ],
)
def test_check_char_rejects_non_digits(bad: str) -> None:
    with pytest.raises(ValueError):
        idcard.check_char(bad)


def test_birth_date_and_gender() -> None:
    assert idcard.birth_date("370102197308291814") == dt.date(1973, 8, 29)
    assert idcard.birth_date("370102197302301814") is None
    assert idcard.gender("370102197308291814") == "male"
    assert idcard.gender("370102197308291824") == "female"


def test_lower_case_x_is_not_a_valid_shape() -> None:
    assert idcard.has_valid_shape("11010119900307803X")
    assert not idcard.has_valid_shape("11010119900307803x")


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_completed_numbers_always_validate(first17: str) -> None:
    number = idcard.complete(first17)
    assert idcard.has_valid_check_char(number)


@given(st.text(alphabet="0123456789", min_size=17, max_size=17), st.sampled_from("0123456789X"))
def test_exactly_one_check_char_is_valid(first17: str, last: str) -> None:
    assert idcard.has_valid_check_char(first17 + last) == (last == idcard.check_char(first17))


@given(
    st.text(alphabet="0123456789", min_size=17, max_size=17), st.integers(0, 16), st.integers(1, 9)
)
def test_any_single_digit_change_breaks_the_check(first17: str, pos: int, delta: int) -> None:
    number = idcard.complete(first17)
    changed = number[:pos] + str((int(number[pos]) + delta) % 10) + number[pos + 1 :]
    assert not idcard.has_valid_check_char(changed)


@given(st.text("0123456789", min_size=17, max_size=17))
def test_check_char_is_the_weighted_sum_of_the_standard(first17: str) -> None:
    total = sum(int(d) * w for d, w in zip(first17, idcard.WEIGHTS, strict=True))
    assert idcard.check_char(first17) == "10X98765432"[total % 11]
