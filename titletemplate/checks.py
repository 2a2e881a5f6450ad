"""The reader's row checks that the rule table pairs with sheet formulas: each takes a row's
normalised values and the vocabulary and gives None (fine) or a detail for the message."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from . import addresscodes, idcard, sheettexts
from . import formulas as fx
from .normalize import is_lossy_number
from .vocab import GB11643, PATTERN, IdType, Vocab, text_key, title_group_key

ADULT_AGE = 18


class IdFacts(NamedTuple):  # a tuple: built once per row, 3x faster than a frozen dataclass
    """What most ID rules of a row start from, worked out once per row (see _id_facts)."""

    vocab: Vocab
    id_type: IdType | None
    gb_number: str | None  # the ID number when its type carries a GB 11643 check character
    shaped: str | None  # gb_number when it has 18 characters and 17 leading ASCII digits
    born: dt.date | None  # the birth date in `shaped`


@dataclass(frozen=True, slots=True)
class RowData:
    """One input row: normalised text per column key, and the raw cell values by key."""

    values: Mapping[str, str]
    raw: Mapping[str, object]
    id_facts: IdFacts | None = field(default=None, init=False, repr=False, compare=False)


# A check returns None when the row passes, else a detail string for the message.
Check = Callable[[RowData, Vocab], str | None]


def missing(key: str) -> Check:
    def check(row: RowData, vocab: Vocab) -> str | None:
        return "" if not row.values[key] else None

    return check


def fails(key: str, ok: Callable[[str, Vocab], bool]) -> Check:
    """A check on one non-empty value."""

    def check(row: RowData, vocab: Vocab) -> str | None:
        value = row.values[key]
        return None if not value or ok(value, vocab) else ""

    return check


def lossy(key: str) -> Check:
    def check(row: RowData, vocab: Vocab) -> str | None:
        return "" if is_lossy_number(row.raw.get(key)) else None

    return check


def numeric_id(row: RowData, vocab: Vocab) -> str | None:
    raw = row.raw.get("id_number")
    numeric = isinstance(raw, int | float) and not isinstance(raw, bool)
    return "" if numeric and not is_lossy_number(raw) else None


def id_facts(row: RowData, vocab: Vocab) -> IdFacts:
    """The row's IdFacts, worked out on first use (about ten rules need them)."""
    facts = row.id_facts
    if facts is not None and facts.vocab is vocab:
        return facts
    id_type = vocab.find_id_type(row.values["id_type"])
    gb_number = shaped = born = None
    if id_type is not None and id_type.check == GB11643:
        gb_number = row.values["id_number"] or None
    if gb_number and len(gb_number) == idcard.ID_LENGTH and gb_number[:17].isascii():
        shaped = gb_number if gb_number[:17].isdigit() else None
    if shaped:
        born = idcard.birth_date(shaped)
    facts = IdFacts(vocab, id_type, gb_number, shaped, born)
    if vocab.remember:
        object.__setattr__(row, "id_facts", facts)
    return facts


def gb_number(row: RowData, vocab: Vocab) -> str | None:
    """The ID number when its type carries a GB 11643 check character, else None."""
    return id_facts(row, vocab).gb_number


def id_15(row: RowData, vocab: Vocab) -> str | None:
    number = gb_number(row, vocab)
    return "" if number is not None and len(number) == 15 else None


def id_length(row: RowData, vocab: Vocab) -> str | None:
    number = gb_number(row, vocab)
    if number is None or len(number) in (15, idcard.ID_LENGTH):
        return None
    return str(len(number))


def id_chars(row: RowData, vocab: Vocab) -> str | None:
    number = gb_number(row, vocab)
    if number is None or len(number) != idcard.ID_LENGTH:
        return None
    return None if idcard.has_valid_shape(number) else ""


def shaped(row: RowData, vocab: Vocab) -> str | None:
    """The ID number of a GB 11643 type when it has 18 characters and 17 leading digits."""
    return id_facts(row, vocab).shaped


def id_birth(row: RowData, vocab: Vocab) -> str | None:
    facts = id_facts(row, vocab)
    if facts.shaped is None:
        return None
    return "" if facts.born is None or facts.born.year < fx.MIN_YEAR else None  # as DATE


def id_checksum(row: RowData, vocab: Vocab) -> str | None:
    number = shaped(row, vocab)
    if number is None:
        return None
    return None if idcard.check_char(number[:17]) == number[17] else ""


def id_prefix(row: RowData, vocab: Vocab) -> str | None:
    id_type = id_facts(row, vocab).id_type
    number = row.values["id_number"]
    if id_type is None or not id_type.prefixes or not number:
        return None
    return None if number.startswith(id_type.prefixes) else ""


def id_pattern(row: RowData, vocab: Vocab) -> str | None:
    id_type = id_facts(row, vocab).id_type
    number = row.values["id_number"]
    if id_type is None or id_type.check != PATTERN or not number:
        return None
    return None if re.fullmatch(id_type.pattern, number) else id_type.name


def id_region(row: RowData, vocab: Vocab) -> str | None:
    facts = id_facts(row, vocab)
    number, id_type = facts.shaped, facts.id_type
    if number is None or id_type is None or id_type.prefixes:
        return None
    return None if number[:6] in addresscodes.known(vocab) else ""


def gender_matches(row: RowData, vocab: Vocab) -> str | None:
    number, gender = shaped(row, vocab), row.values["gender"]
    if number is None or gender not in sheettexts.GENDERS:
        return None
    expected = sheettexts.GENDERS[0] if idcard.gender(number) == "male" else sheettexts.GENDERS[1]
    return None if gender == expected else ""


def title_in_series(row: RowData, vocab: Vocab) -> str | None:
    title = row.values["title_name"]
    group = vocab.title_groups.get(title_group_key(row.values["series"], row.values["level"]))
    if not title or group is None or not vocab.find_titles(title):
        return None
    return None if text_key(title) in group else f"{row.values['series']} {row.values['level']}"


def title_alias(row: RowData, vocab: Vocab) -> str | None:
    found = vocab.find_titles(row.values["title_name"])
    key = text_key(row.values["title_name"])
    if not found or any(text_key(t.name) == key for t in found):
        return None
    return found[0].name


def is_yyyymmdd(value: str) -> bool:
    return len(value) == 8 and value.isascii() and value.isdigit()


def date_format(value: str, vocab: Vocab) -> bool:
    return is_yyyymmdd(value)


# Issue and birth dates repeat from row to row (a few ten thousand in a century): three rules
# and rulerun's quick pass parse them.
@functools.lru_cache(maxsize=1 << 16)
def parse_yyyymmdd(value: str) -> dt.date | None:
    """A YYYYMMDD text as a date (years from MIN_YEAR, as the sheet's DATE checks), else None."""
    if not is_yyyymmdd(value) or int(value[:4]) < fx.MIN_YEAR:
        return None
    try:
        return dt.date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        return None


def date_real(value: str, vocab: Vocab) -> bool:
    return not date_format(value, vocab) or parse_yyyymmdd(value) is not None


def date_window(row: RowData, vocab: Vocab) -> str | None:
    value = row.values["issue_date"]
    if not is_yyyymmdd(value):
        return None
    c = vocab.campaign
    ok = c.issue_date_from.strftime("%Y%m%d") <= value <= c.issue_date_to.strftime("%Y%m%d")
    return None if ok else f"{c.issue_date_from:%Y%m%d}–{c.issue_date_to:%Y%m%d}"


def date_adult(row: RowData, vocab: Vocab) -> str | None:
    issued = parse_yyyymmdd(row.values["issue_date"])
    born = id_facts(row, vocab).born
    if issued is None or born is None:
        return None
    if born.year + ADULT_AGE > dt.MAXYEAR:
        return ""  # born after 9981: no date can be 18 years later (and date() would raise)
    try:
        adult = born.replace(year=born.year + ADULT_AGE)
    except ValueError:  # born on 29 February
        adult = dt.date(born.year + ADULT_AGE, 3, 1)
    return "" if issued < adult else None
