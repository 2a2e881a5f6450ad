"""Differential tests: our GB 11643 (idcard) and GB 32100 (creditcode) checks against
python-stdnum (stdnum.cn.ric, stdnum.cn.uscc) on many generated numbers, so that the fast code
and the maintained library cannot drift apart. A fixed seed: the same numbers every run."""

from __future__ import annotations

import datetime as dt
import random

from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidComponent

from titletemplate import addresscodes, creditcode, idcard

N_IDS = 120_000
N_CODES = 30_000
_AREAS = sorted(addresscodes.national())
_DAY0 = dt.date(1900, 1, 1).toordinal()


def _first17(rnd: random.Random) -> str:
    """An area (mostly real), a birth date (half real days, half any eight digits) and a
    sequence number."""
    area = rnd.choice(_AREAS) if rnd.random() < 0.9 else f"{rnd.randrange(10**6):06d}"
    if rnd.random() < 0.5:
        birth = f"{dt.date.fromordinal(_DAY0 + rnd.randrange(49_000)):%Y%m%d}"
    else:
        birth = f"{rnd.randrange(10**8):08d}"
    return f"{area}{birth}{rnd.randrange(1000):03d}"


def _stdnum_birth(number: str) -> dt.date | None:
    try:
        return ric.get_birth_date(number)
    except InvalidComponent:
        return None


def _stdnum_checksum_ok(number: str) -> bool:
    """stdnum's verdict on the check character alone (ric.validate goes on to the birth place,
    and raises KeyError for an unknown county of a known province: stdnum 2.2)."""
    return ric.calc_check_digit(number) == number[-1]


def test_gb11643_check_character_and_birth_date_agree_with_stdnum() -> None:
    rnd = random.Random(11643)
    disagree = []
    real_dates = 0
    for _ in range(N_IDS):
        first17 = _first17(rnd)
        ours = idcard.check_char(first17)
        number = first17 + ours
        born = idcard.birth_date(number)
        real_dates += born is not None
        if ours != ric.calc_check_digit(number) or born != _stdnum_birth(number):
            disagree.append(first17)
    assert disagree == []
    assert real_dates > N_IDS // 2  # both kinds of birth date were tried


def test_gb11643_any_last_character_is_judged_alike() -> None:
    rnd = random.Random(1999)
    disagree = []
    for _ in range(N_IDS // 4):
        number = _first17(rnd) + rnd.choice("0123456789X")
        if idcard.has_valid_check_char(number) != _stdnum_checksum_ok(number):
            disagree.append(number)
    assert disagree == []


_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100: no I, O, Z, S, V
_WEIGHTS = [pow(3, i, 31) for i in range(17)]  # GB 32100: 3**i mod 31


def _gb32100_check(first17: str) -> str:
    """The check character as GB 32100-2015 defines it, written out independently of both
    implementations."""
    total = sum(_ALPHABET.index(c) * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return _ALPHABET[(31 - total % 31) % 31]


def _code17(rnd: random.Random, letters_first: bool) -> str:
    head = rnd.choice("123456789ANY") + rnd.choice(_ALPHABET) if letters_first else "91"
    region = f"{rnd.randrange(10**6):06d}"
    return head + region + "".join(rnd.choice(_ALPHABET) for _ in range(9))


def test_gb32100_agrees_with_stdnum() -> None:
    rnd = random.Random(32100)
    disagree = []
    for i in range(N_CODES):
        first17 = _code17(rnd, letters_first=False)
        last = _gb32100_check(first17) if i % 2 else rnd.choice(_ALPHABET + "IOSVZ")
        code = first17 + last
        expected = last == _gb32100_check(first17)
        if (creditcode.is_valid(code), uscc.is_valid(code)) != (expected, expected):
            disagree.append(code)
    assert disagree == []


def test_gb32100_check_character_of_stdnum_is_the_standards() -> None:
    rnd = random.Random(2015)
    codes = [_code17(rnd, letters_first=True) for _ in range(N_CODES)]
    assert [c for c in codes if uscc.calc_check_digit(c) != _gb32100_check(c)] == []


def test_gb32100_codes_stdnum_refuses_but_the_standard_allows() -> None:
    # A rural collective economic organisation's code starts with N2; stdnum wants digits.
    code = "N2370000MA3C80000"
    code += _gb32100_check(code)
    assert (creditcode.is_valid(code), uscc.is_valid(code)) == (True, False)
