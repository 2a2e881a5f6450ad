"""Unified social credit codes (GB 32100-2015): their shape and check character, the
check character computed by python-stdnum (stdnum.cn.uscc)."""

from __future__ import annotations

import re

from stdnum.cn import uscc

# GB 32100: 18 characters of 0-9 and A-Z without I, O, Z, S, V; the 1st is the registering
# department (1-9, or A, N, Y), the 2nd the kind of body, the 3rd-8th a region code (digits).
# stdnum.cn.uscc.is_valid wants digits in the first two places and so refuses real codes such
# as those of rural collective economic organisations (N2...): only its check character is used.
_SHAPE = re.compile(r"[0-9A-HJ-NP-RTUWXY]{2}[0-9]{6}[0-9A-HJ-NP-RTUWXY]{10}")


def is_valid(code: str) -> bool:
    """True when `code` is 18 characters as GB 32100 writes them (upper case, no spaces) and
    its last one is the check character of the first 17."""
    return _SHAPE.fullmatch(code) is not None and uscc.calc_check_digit(code[:17]) == code[17]
