"""Generated inputs for the formula-parity harness (tests/lo_harness.py): rows from a seeded
`random.Random` for bulk and from hypothesis for boundary cases, and blocks of near-duplicate
rows for the sheet's duplicate check.

What the sheet sees is what a clerk's cell would hold. A text cell holds either a dropdown
value as written on the vocabulary sheet, or text that normalisation leaves alone: full-width
digits, lower-case x, padding spaces and "2019-1-1" dates are repaired by the reader before any
rule runs, and the sheet is deliberately stricter there, so they are stored in their normalised
form. ID, certificate and date cells also hold numbers, as a paste leaves them.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from lo_harness import DUP_BLOCK, KEYS, WIDTH, Cells

from titletemplate import formulas as fx
from titletemplate import idcard, sheettexts
from titletemplate.columns import BY_KEY
from titletemplate.normalize import normalize_cell
from titletemplate.template import vocabsheet
from titletemplate.vocab import Vocab


@dataclass(frozen=True, slots=True)
class Pools:
    """Vocabulary values by column, as the hidden sheet holds them (the dropdown's text)."""

    regions: tuple[str, ...]
    legacy_regions: tuple[str, ...]
    region_codes: tuple[str, ...]
    id_types: tuple[str, ...]
    gb_types: tuple[str, ...]
    prefixes: tuple[str, ...]
    series: tuple[str, ...]
    series_names: tuple[str, ...]
    levels: tuple[str, ...]
    titles: tuple[
        tuple[str, str, str, tuple[str, ...]], ...
    ]  # series display, level, name, aliases
    orgs: tuple[str, ...]
    dropdown: Mapping[str, frozenset[str]]  # column key -> texts a dropdown can insert

    @classmethod
    def of(cls, vocab: Vocab) -> Pools:
        lists = {v.name: v.values for v in vocabsheet.vocab_lists(vocab)}
        display = {s.name: s.display for s in vocab.series}
        titles = tuple(
            (display[t.series], t.level, t.name, t.aliases)
            for t in vocab.titles
            if t.series in display
        )

        def texts(name: str) -> frozenset[str]:
            return frozenset(str(v) for v in lists[name] if v != "")

        return cls(
            regions=tuple(r.display for r in vocab.current_regions),
            legacy_regions=tuple(r.display for r in vocab.regions if r.legacy),
            region_codes=tuple(sorted({r.code[:6] for r in vocab.regions})),
            id_types=tuple(t.name for t in vocab.id_types),
            gb_types=tuple(t.name for t in vocab.id_types if t.check == "gb11643"),
            prefixes=tuple(p for t in vocab.id_types for p in t.prefixes),
            series=tuple(s.display for s in vocab.series),
            series_names=tuple(s.name for s in vocab.series),
            levels=tuple(vocab.levels),
            titles=titles,
            orgs=tuple(n for o in vocab.orgs for n in (o.name, *o.former)),
            dropdown={
                "region_code": texts(fx.N_REGION_ALL),
                "id_type": texts(fx.N_ID_TYPE),
                "gender": texts(fx.N_GENDER),
                "series": texts(fx.N_SERIES),
                "level": texts(fx.N_LEVEL),
                "title_name": texts(fx.N_TITLE),
                "issuer": texts(fx.N_ORG),
                "review_body": texts(fx.N_ORG),
            },
        )


def as_cell(key: str, value: object, pools: Pools) -> object:
    """A generated value as a clerk's cell holds it: numbers stay numbers, dropdown texts stay
    as written, anything else is stored in the form normalisation gives it (see module doc)."""
    if value is None:
        return None
    if isinstance(value, int | float):
        return excel_number(value)
    text = str(value)
    if text in pools.dropdown.get(key, frozenset()):
        return text
    normal, _ = normalize_cell(key, text)
    return normal or None


def excel_number(value: int | float) -> int | float:
    """A number as a cell holds it: Excel keeps 15 significant digits of what is typed or
    pasted. Fractions keep 14: spreadsheets compare numbers with a tolerance of about 1e-15
    relative, so INT(x)=x holds for 549755813889.001 while Python sees a fraction (see
    tests/test_libreoffice.py, KNOWN_LIMITS)."""
    if isinstance(value, int) and abs(value) < 10**15:
        return value
    if float(value).is_integer():
        return float(f"{value:.15g}")
    return float(f"{value:.14g}")


class Source:
    """Where generated choices come from: a seeded `random.Random` (fast, for bulk rows) or a
    hypothesis `draw` (boundary-biased, see HypothesisSource). Generators only use these."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def integer(self, lo: int, hi: int) -> int:
        return self.rng.randint(lo, hi)

    def real(self, lo: float, hi: float) -> float:
        return self.rng.uniform(lo, hi)

    def choice(self, options: Sequence[Any]) -> Any:
        return options[self.rng.randrange(len(options))]

    def text(self, alphabet: str, lo: int, hi: int) -> str:
        return "".join(self.rng.choice(alphabet) for _ in range(self.rng.randint(lo, hi)))

    def branch(self, *weights: int) -> int:
        """Index of a branch chosen with the given weights (a zero weight is never chosen)."""
        pick = self.integer(0, sum(weights) - 1)
        for i, weight in enumerate(weights):
            if pick < weight:
                return i
            pick -= weight
        raise AssertionError


class HypothesisSource(Source):
    def __init__(self, draw: Any) -> None:
        self.draw = draw

    def integer(self, lo: int, hi: int) -> int:
        return int(self.draw(_integers(lo, hi)))

    def real(self, lo: float, hi: float) -> float:
        return float(self.draw(st.floats(lo, hi, allow_nan=False)))

    def choice(self, options: Sequence[Any]) -> Any:
        return options[self.integer(0, len(options) - 1)]

    def text(self, alphabet: str, lo: int, hi: int) -> str:
        return str(self.draw(_texts(alphabet, lo, hi)))


@functools.cache
def _integers(lo: int, hi: int) -> st.SearchStrategy[int]:
    return st.integers(lo, hi)


@functools.cache
def _texts(alphabet: str, lo: int, hi: int) -> st.SearchStrategy[str]:
    return st.text(alphabet, min_size=lo, max_size=hi)


def _ymd(day: dt.date) -> str:
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


def _day(src: Source, lo: dt.date, hi: dt.date) -> dt.date:
    return lo + dt.timedelta(days=src.integer(0, (hi - lo).days))


DIGITS = "0123456789"
UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
BAD_DAYS = (
    "19730230", "19731301", "19730001", "19730100", "19730132", "19000229", "19000101",
    "18991231", "00000101", "19970229", "21000229", "99991231", "20000229", "19960229",
)  # fmt: skip
SPECIAL = ("*", "?", "~", ">0", "<>", "=", "'", '"', "|", "&", "~*")
JUNK = "0123456789XxAaEe -*?~.()张三男女高级|"
ODD_IDS = ("E-1234", "e12345678", "E1234567８", " E12345678 ", "８１００００", "", " ", "x")
NUMBERS = (10**15, 10**15 - 1, 10**15 + 1, -(10**15 - 1), 1.2345678901234567e20, 1234.5, 0)
NAMES = ("张三", "欧阳娜娜", "买买提·艾力", "John Smith", "张3", "李１", "王 五", "")


def gb_number(src: Source, pools: Pools) -> object:
    """A GB 11643 shaped number: valid, or broken in one way, or pasted as a number."""
    prefix = [
        lambda: src.choice(pools.region_codes),
        lambda: src.choice(pools.prefixes),
        lambda: src.text(DIGITS, 6, 6),
    ][src.branch(6, 2, 2)]()
    if src.branch(8, 2):
        birth = src.choice(BAD_DAYS)
    else:
        birth = _ymd(_day(src, dt.date(1890, 1, 1), dt.date(2030, 12, 31)))
    seq = src.text(DIGITS, 3, 3)
    first17 = prefix + birth + seq
    number = idcard.complete(first17)
    how = src.branch(6, 3, 1, 1, 1, 1, 1, 1, 1)
    if how == 1:  # wrong check character
        return first17 + src.choice([c for c in "0123456789X" if c != number[-1]])
    if how == 2:  # 17 characters
        return number[:17]
    if how == 3:  # 19 characters
        return number + src.choice(DIGITS)
    if how == 4:  # a letter, space or symbol somewhere
        pos = src.integer(0, 17)
        return number[:pos] + src.choice("XxAE-.*") + number[pos + 1 :]
    if how == 5:  # first generation, 15 digits
        return prefix + birth[2:] + seq
    if how == 6:  # pasted as a number: 18 digits lose precision
        return int(number[:17] + ("0" if number[-1] == "X" else number[-1]))
    if how == 7:
        return int(prefix + birth[2:] + seq)
    if how == 8:
        return number.lower()
    return number


def other_number(src: Source) -> str:
    """Passports and permits, valid and not."""
    which = src.branch(2, 1, 2, 2, 2, 1)
    if which == 0:
        return src.choice("EG") + src.text(DIGITS, 8, 8)
    if which == 1:
        return "E" + src.choice(UPPER) + src.text(DIGITS, 7, 7)
    if which == 2:
        return src.text(UPPER + DIGITS, 3, 22)
    if which == 3:
        return src.choice("HM") + src.text(DIGITS, 6, 11)
    if which == 4:
        tw = src.text(DIGITS, 8, 8) if src.branch(1, 1) else src.text(DIGITS, 10, 10)
        return tw + ("(" + src.choice(UPPER) + ")" if src.branch(2, 1) else "")
    return str(src.choice(ODD_IDS))


def pasted_number(src: Source) -> int | float:
    which = src.branch(2, 2, 1, 1)
    if which == 0:
        return src.integer(-(10**16), 10**20)
    if which == 1:
        return src.integer(10**14 - 5, 10**15 + 5)
    if which == 2:
        return src.integer(0, 10**15) + src.choice([0.5, 0.25, 0.001])
    return float(src.choice(NUMBERS))


def id_number(src: Source, pools: Pools, gb: bool) -> object:
    which = src.branch(12 if gb else 3, 2 if gb else 8, 1, 1, 1)
    if which == 0:
        return gb_number(src, pools)
    if which == 1:
        return other_number(src)
    if which == 2:
        return pasted_number(src)
    if which == 3:
        return src.text(JUNK, 0, 20)
    return src.choice(["", " ", *SPECIAL])


def _gender_of(number: object, src: Source) -> str:
    text = number if isinstance(number, str) else ""
    if len(text) >= 17 and text[16] in DIGITS:
        return sheettexts.GENDERS[int(text[16]) % 2 == 0]
    return str(src.choice(sheettexts.GENDERS))


def gender(src: Source, number: object) -> str:
    text = number.upper() if isinstance(number, str) else ""
    which = src.branch(4, 1, 5, 1)
    if which == 3:
        return ""
    if which == 0 and len(text) >= 17 and text[16] in DIGITS:
        return sheettexts.GENDERS[int(text[16]) % 2 == 0]
    if which == 1:
        return str(src.choice(["", "M", "F", "1", "0", "男性", "男 ", "男*", *SPECIAL]))
    return str(src.choice(sheettexts.GENDERS))


def issue_date(src: Source, vocab: Vocab) -> object:
    c = vocab.campaign
    which = src.branch(8, 4, 3, 2, 2, 1, 1)
    if which == 6:
        return ""
    if which == 0:
        return _ymd(_day(src, c.issue_date_from, c.issue_date_to))
    if which == 1:
        return _ymd(_day(src, dt.date(1890, 1, 1), dt.date(2040, 12, 31)))
    if which == 2:
        edges = [c.issue_date_from, c.issue_date_to]
        edges += [d + dt.timedelta(days=k) for d in edges for k in (-1, 1)]
        return str(src.choice([*BAD_DAYS, *map(_ymd, edges), "20200229", "20190229"]))
    if which == 3:  # what a paste leaves: YYYYMMDD numbers, and numbers no date serial can be
        kind = src.branch(2, 1, 1)
        if kind == 0:
            return src.integer(19000101, 21001231)
        return src.integer(3_000_000, 10**10) if kind == 1 else src.real(3e6, 1e9)
    if which == 4:
        return src.text(DIGITS, 4, 10)
    odd = ["", " ", "2019-1-1", "2019/02/30", "2019年1月1日", "２０１９０１０１", "2019.13.1"]
    return src.text(JUNK, 0, 12) if src.branch(1, 1) else str(src.choice([*odd, *SPECIAL]))


def vocab_text(src: Source, good: Sequence[str], *near: Sequence[str]) -> object:
    """Mostly a dropdown value; else a near miss, a wildcard or operator, junk, or blank."""
    which = src.branch(10, 3 if near else 0, 2, 2, 1, 1)
    if which == 5:  # a number where text belongs
        return src.integer(0, 10**12)  # type: ignore[return-value]
    if which == 0:
        return str(src.choice(good))
    if which == 1:
        return str(src.choice([v for pool in near for v in pool]))
    if which == 2:  # a value with a wildcard or operator stuck to it
        value, special = str(src.choice(good)), str(src.choice(SPECIAL))
        return str(src.choice([special + value, value[:2] + special, value + special, special]))
    if which == 3:
        return src.text(JUNK, 0, 20)
    return ""


def title_columns(src: Source, pools: Pools) -> tuple[str, str, str]:
    series, level, name, aliases = src.choice(pools.titles)
    if src.branch(7, 3):
        series = vocab_text(src, pools.series, pools.series_names, ["012", "技工院校教师"])
    if src.branch(7, 3):
        level = vocab_text(src, pools.levels, ["高级", "中初级", "正高"])
    which = src.branch(6, 2, 3, 2)
    if which == 1 and aliases:
        name = src.choice(aliases)
    elif which == 2:
        name = src.choice(pools.titles)[2]
    elif which == 3:
        name = vocab_text(src, [t[2] for t in pools.titles], ["特级教师", "高级"])
    return series, level, name


def cert_no(src: Source) -> object:
    which = src.branch(5, 2, 2, 1, 1)
    if which == 0:
        return "鲁" + src.text(DIGITS, 6, 13)
    if which == 1:
        return src.text(UPPER + DIGITS, 2, 6) + src.choice(["", " "]) + src.text(DIGITS, 2, 8)
    if which == 2:
        return pasted_number(src)
    return src.text(JUNK, 0, 20) if which == 3 else ""


def _valid_id(src: Source, vocab: Vocab, id_type: str) -> str:
    kind = vocab.find_id_type(id_type)
    assert kind is not None
    if kind.check == "gb11643":
        prefix = src.choice(kind.prefixes) if kind.prefixes else src.choice(VALID_PREFIXES)
        birth = _ymd(_day(src, dt.date(1950, 1, 1), dt.date(1990, 12, 31)))
        return idcard.complete(prefix + birth + src.text(DIGITS, 3, 3))
    for make in (
        lambda: "E" + src.text(DIGITS, 8, 8),
        lambda: src.choice("HM") + src.text(DIGITS, 8, 8),
    ):
        number = make()
        if re.fullmatch(kind.pattern, number):
            return number
    return src.text(DIGITS, 8, 8)


VALID_PREFIXES = ("370102", "371102", "371121", "110101", "320106")


def make_row(src: Source, vocab: Vocab, pools: Pools) -> Cells:
    """One input row (12 cells) as a clerk's workbook would hold it: a valid row with a
    mistake in some column groups (each group with probability 1/4, every group in 1 of 12
    rows), so that rules late in a column's chain are consulted often enough too."""
    everything = src.branch(11, 1) == 1

    def wrong() -> bool:
        return everything or src.branch(3, 1) == 1

    c = vocab.campaign
    id_type = str(src.choice(pools.id_types))
    number: object = _valid_id(src, vocab, id_type)
    if wrong():
        id_type = vocab_text(src, pools.id_types, ["军官证", "身份证号", "居住证"])  # type: ignore[assignment]
        number = id_number(src, pools, id_type in pools.gb_types)
    gender_text = gender(src, number) if wrong() else _gender_of(number, src)
    series, level, title, _ = src.choice(pools.titles)
    if wrong():
        series, level, title = title_columns(src, pools)
    regions = [pools.legacy_regions, [c + "000000" for c in pools.region_codes]]
    raw = {
        "region_code": vocab_text(src, pools.regions, *regions)
        if wrong()
        else src.choice(pools.regions),
        "cert_no": cert_no(src) if wrong() else "鲁" + src.text(DIGITS, 6, 13),
        "id_type": id_type,
        "id_number": number,
        "name": (
            src.text("张王李三四0123456789 ·.", 0, 8) if src.branch(1, 1) else src.choice(NAMES)
        )
        if wrong()
        else src.choice(NAMES[:4]),
        "gender": gender_text,
        "series": series,
        "level": level,
        "title_name": title,
        "issue_date": issue_date(src, vocab)
        if wrong()
        else _ymd(_day(src, c.issue_date_from, c.issue_date_to)),
        "issuer": vocab_text(src, pools.orgs, ["山东省人社厅", "日照市人社局"])
        if wrong()
        else src.choice(pools.orgs),
        "review_body": vocab_text(src, pools.orgs) if wrong() else src.choice(pools.orgs),
    }
    return tuple(as_cell(k, raw[k], pools) for k in KEYS)


def duplicate_block(src: Source, pools: Pools) -> list[Cells]:
    """DUP_BLOCK rows whose (ID type, ID number, title) come from a few values each, so
    duplicates are common: numbers both as numbers and as text, case variants, blanks,
    wildcard characters."""
    c, d, i = (BY_KEY[k].index for k in ("id_type", "id_number", "title_name"))
    # MATCH's wildcards and the key's own mark: typed literally, they must match literally.
    odd = ["abc", "ABC", "a*c", "a?c", "a~?c", "^A", "A"]
    types = [src.choice([*pools.id_types, "", *odd]) for _ in range(src.integer(1, 3))]
    ids: list[object] = []
    for _ in range(src.integer(2, 5)):
        which = src.branch(3, 3, 2, 1, 1)
        if which == 0:
            ids.append(idcard.complete("37" + src.text(DIGITS, 15, 15)))
        elif which == 1:  # the same digits typed as text and pasted as a number
            digits = src.choice("123456789") + src.text(DIGITS, 7, 14)
            ids += [digits, int(digits)]
        elif which == 2:
            passport = "E" + src.text(DIGITS, 8, 8)
            ids += [passport, passport.lower()]
        elif which == 3:  # 18 digits pasted: different numbers can print the same
            ids.append(src.integer(370102197308291800, 370102197308291899))
        else:
            ids.append("")
    titles = [t[2] for t in pools.titles] + ["", "abc", "ABC"]
    names = [src.choice(titles) for _ in range(src.integer(1, 3))]
    block = []
    for _ in range(DUP_BLOCK):
        cells: list[object] = [None] * WIDTH
        cells[c] = as_cell("id_type", src.choice(types), pools)
        cells[d] = as_cell("id_number", src.choice(ids), pools)
        cells[i] = as_cell("title_name", src.choice(names), pools)
        block.append(tuple(cells))
    return block


def random_rows(vocab: Vocab, pools: Pools, count: int, seed: int) -> list[Cells]:
    src = Source(random.Random(seed))
    return [make_row(src, vocab, pools) for _ in range(count)]


def random_blocks(pools: Pools, count: int, seed: int) -> list[list[Cells]]:
    src = Source(random.Random(seed))
    return [duplicate_block(src, pools) for _ in range(count)]


def row_strategy(vocab: Vocab, pools: Pools) -> st.SearchStrategy[Cells]:
    return st.composite(lambda draw: make_row(HypothesisSource(draw), vocab, pools))()


def hypothesis_rows(strategy: st.SearchStrategy[Any], count: int) -> list[Any]:
    """`count` examples from a hypothesis strategy, deterministically, for one batched run."""
    out: list[Any] = []

    @settings(
        max_examples=count,
        database=None,
        derandomize=True,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
        deadline=None,
    )
    @given(strategy)
    def collect(example: Any) -> None:
        out.append(example)

    collect()
    return out


def literal_row(pools: Pools, base: Mapping[str, object], **changes: object) -> Cells:
    row = {**base, **changes}
    return tuple(as_cell(k, row[k], pools) for k in KEYS)
