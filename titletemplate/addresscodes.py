"""The address codes (first six digits) a resident ID number may start with: every code
that ever existed anywhere in China, from python-stdnum's maintained table (stdnum.cn.loc), and
the vocabulary's own regions for codes newer than that table."""

from __future__ import annotations

import functools

from stdnum import numdb

from .vocab import Vocab

ADDRESS_CODE_LENGTH = 6


@functools.cache
def national() -> frozenset[str]:
    """Every six-digit code in stdnum.cn.loc, of any province and any years of use.

    An ID keeps the code of its holder's first registration, so a code abolished decades ago
    (370123, Changqing county, until 2001) is as good as a current one. Parsed once per process
    (~50 ms); checkfile loads it before it forks its workers."""
    codes: set[str] = set()
    for p_len, p_low, p_high, _, counties in numdb.get("cn/loc").prefixes:
        for province in range(int(p_low), int(p_high) + 1):
            for c_len, c_low, c_high, _, _ in counties:
                codes.update(
                    f"{province:0{p_len}d}{county:0{c_len}d}"
                    for county in range(int(c_low), int(c_high) + 1)
                )
    return frozenset(c for c in codes if len(c) == ADDRESS_CODE_LENGTH and c.isdigit())


def known(vocab: Vocab) -> frozenset[str]:
    """national() plus the codes of regions.yaml (a county's six digits and its city's); worked
    out once per vocabulary: the ID rules ask for it on every row."""
    cache = vocab.cache("id-areas")
    codes: frozenset[str] | None = cache.get(0)
    if codes is None:
        own = [r.code for r in vocab.regions]
        codes = national() | {c[:6] for c in own} | {c[:4] + "00" for c in own}
        cache[0] = codes
    return codes
