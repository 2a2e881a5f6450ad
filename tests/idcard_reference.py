"""titletemplate/idcard.py as it was at d811ae7 (before the faster check character), kept
as part of the oracle of test_validate_parity.py. Do not edit to follow changes."""

from __future__ import annotations

import datetime as dt

# ISO 7064 MOD 11-2 weights for positions 1..17 (= 2**(18 - i) mod 11).
WEIGHTS: tuple[int, ...] = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"  # indexed by the weighted sum mod 11
ID_LENGTH = 18
_ASCII_DIGITS = frozenset("0123456789")


def check_char(first17: str) -> str:
    """The check character for 17 ASCII digits.

    Raises:
        ValueError: if `first17` is not exactly 17 ASCII digits.
    """
    if len(first17) != 17 or not set(first17) <= _ASCII_DIGITS:
        raise ValueError("need 17 ASCII digits")
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def has_valid_shape(number: str) -> bool:
    """18 characters: 17 ASCII digits and a digit or upper-case X."""
    return (
        len(number) == ID_LENGTH
        and set(number[:17]) <= _ASCII_DIGITS
        and (number[17] in _ASCII_DIGITS or number[17] == "X")
    )


def has_valid_check_char(number: str) -> bool:
    return has_valid_shape(number) and check_char(number[:17]) == number[17]


def birth_date(number: str) -> dt.date | None:
    """The birth date in positions 7..14, or None when it is not a real date."""
    text = number[6:14]
    if len(text) != 8 or not set(text) <= _ASCII_DIGITS:
        return None
    try:
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return None


def gender(number: str) -> str | None:
    """'male' when the 17th digit is odd, 'female' when even, None when not a digit."""
    if len(number) < 17 or number[16] not in _ASCII_DIGITS:
        return None
    return "male" if int(number[16]) % 2 else "female"


def complete(first17: str) -> str:
    """The full 18-character number for 17 digits (used to make synthetic examples)."""
    return first17 + check_char(first17)
