"""The validation path (normalise -> rules -> canonicalise -> records) gives the same with its
memos as without them (validate.caches_off): every value, finding, ok flag, record and row hash,
for generated rows mixing valid and faulty cells of every column, rows that differ in one cell
and rows read from returned files; with the memos cold and warm, for two vocabularies that
differ only in their issue-date window. Also what lets evaluate remember rule outcomes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections.abc import Sequence
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from helpers_ingest import GOOD, SCHOOL, fill
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from titletemplate import checks, demo, idcard, normalize
from titletemplate.checks import RowData
from titletemplate.columns import COLUMNS
from titletemplate.errors import Issue, Stage
from titletemplate.ingest.checkfile import check_rows
from titletemplate.ingest.reader import SourceRow, read_submission
from titletemplate.ingest.validate import caches_off, validate_row
from titletemplate.normalize import ErrorValue, FormulaValue, normalize_row
from titletemplate.rules import RULES, evaluate
from titletemplate.vocab import Vocab
from titletemplate.vocabcheck import load_vocab

VOCAB = load_vocab()
# The same lists with another issue-date window: a cache kept for one vocabulary must not
# answer for the other.
NARROW = dataclasses.replace(
    VOCAB,
    campaign=dataclasses.replace(
        VOCAB.campaign, issue_date_from=dt.date(2015, 6, 1), issue_date_to=dt.date(2018, 12, 31)
    ),
)
MANY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_ODD = st.one_of(  # what any cell may hold instead of what its column expects
    st.none(),
    st.just(""),
    st.just("  "),
    st.booleans(),
    st.builds(ErrorValue, st.sampled_from(["#N/A", "#VALUE!", "#REF!"])),
    st.builds(FormulaValue, st.sampled_from(["=A1", "=IF(B5>0,1,0)", "=" + "X" * 80])),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.text(st.characters(max_codepoint=0x7F), max_size=12),  # ASCII, controls included
    st.sampled_from(["未知", "x" * 201, "１２３", "a\u200bb", "_x000D_", "\u3000"]),
    st.sampled_from(["_x000d_ A", "_X000D_", "a\x7fb", "a\tb  c", " 3701 ", "A\u00a0B"]),
)


def _spaced(values: Sequence[str]) -> st.SearchStrategy[str]:
    """Vocabulary texts as typed: exact, with spaces or full-width forms around them."""
    exact = st.sampled_from(list(values))
    return st.one_of(
        exact,
        exact.map(lambda v: f" {v} "),
        exact.map(lambda v: " ".join(v)),
        exact.map(lambda v: v + "\u3000"),
    )


def _column(*good: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
    """Mostly what the column expects (so that rules further down the table run too)."""
    return st.integers(0, 4).flatmap(lambda k: _ODD if k == 0 else st.one_of(*good))


_REGIONS = [r.display for r in VOCAB.regions]
_ID_TYPES = [t.name for t in VOCAB.id_types] + [t.code for t in VOCAB.id_types] + ["身份证"] * 8
_SERIES = [s.display for s in VOCAB.series] + [s.name for s in VOCAB.series]
_TITLES = [n for t in VOCAB.titles for n in (t.name, *t.aliases)]
_ORGS = [n for o in VOCAB.orgs for n in (o.name, *o.former)] + ["某某公司"]
_AREAS = [*sorted({r.code[:6] for r in VOCAB.regions}), "110101", "810000", "820000", "999999"]


@st.composite
def _id_number(draw: st.DrawFn) -> object:
    area = draw(st.sampled_from(_AREAS))
    born = draw(st.dates(dt.date(1900, 1, 1), dt.date(2020, 12, 31)))
    birth = draw(st.sampled_from([f"{born:%Y%m%d}", "19990230", "18991231", "99990101"]))
    first17 = f"{area}{birth}{draw(st.integers(0, 999)):03d}"
    good = idcard.complete(first17)
    kind = draw(st.integers(0, 9))
    if kind == 0:
        return first17 + draw(st.sampled_from("0123456789Xx"))  # any check character
    if kind == 1:
        return first17[:6] + first17[8:]  # 15 digits
    if kind == 2:
        return int(good[:15]) if draw(st.booleans()) else float(good[:-1] + "0")  # numeric
    if kind == 3:
        return good.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    if kind == 4:
        return f"{good[:6]} {good[6:]}"
    if kind == 5:
        return draw(st.text("0123456789XxA-٣३", min_size=14, max_size=20))  # other digits
    if kind == 6:
        return draw(st.sampled_from(["E12345678", "H1234567", "abc", "８１００００"]))
    if kind == 7:
        at = draw(st.integers(0, 17))
        return good[:at] + draw(st.sampled_from("٣३a")) + good[at + 1 :]
    return good


_NAMES = st.sampled_from(["张三", "李 四", "欧阳.娜娜", "John Smith", "王5", "Zhang 三"])
_DATES = st.one_of(
    st.dates(dt.date(2005, 1, 1), dt.date(2023, 12, 31)).map(lambda d: f"{d:%Y%m%d}"),
    st.dates(dt.date(2005, 1, 1), dt.date(2023, 12, 31)),
    st.datetimes(dt.datetime(1, 1, 1)),
    st.integers(20100101, 20231231),
    st.integers(0, 60000),
    st.floats(0, 3e6),
    st.sampled_from(["2019-02-29", "2019年2月3日", "2019/2/3 10:00", "201902", "20190229"]),
    st.sampled_from(["19000101", "00010101", "2019 02 03", "２０１９０２０３"]),
)
ROW = st.tuples(
    _column(_spaced(_REGIONS)),
    _column(st.sampled_from(["鲁01202000001", "鲁01 2020", "A1"]), st.integers(0, 10**17)),
    _column(_spaced(_ID_TYPES)),
    _column(_id_number()),
    _column(_NAMES),
    _column(st.sampled_from(["男", "女", " 男 ", "M", "男性"])),
    _column(_spaced(_SERIES)),
    _column(_spaced(list(VOCAB.levels))),
    _column(_spaced(_TITLES)),
    _column(_DATES),
    _column(_spaced(_ORGS)),
    _column(_spaced(_ORGS)),
).map(list)


def _validated(rows: Sequence[SourceRow], date1904: bool, vocab: Vocab) -> tuple[object, ...]:
    checked = [validate_row(src.cells, vocab, date1904) for src in rows]
    records = check_rows(rows, "Sheet", date1904, vocab)
    return [(c.values, c.findings, c.ok) for c in checked], records


def _assert_same_rows(
    rows: Sequence[SourceRow], date1904: bool, vocabs: Sequence[Vocab] = (VOCAB, NARROW)
) -> None:
    """validate_row and check_rows give, for each vocabulary in turn and twice (the second
    time from warm memos), what they give with every memo off."""
    with caches_off():
        expected = [_validated(rows, date1904, vocab) for vocab in vocabs]
    for _ in range(2):
        for vocab, (checked, records) in zip(vocabs, expected, strict=True):
            got_checked, got_records = _validated(rows, date1904, vocab)
            for src, got, want in zip(rows, got_checked, checked, strict=True):
                assert got == want, src  # values, findings (in order), ok
            assert got_records == records  # NewRow (values, ok, row hash) and Issue


@MANY
@given(
    cells=st.lists(ROW, min_size=2, max_size=4),
    short=st.integers(0, len(COLUMNS)),
    date1904=st.booleans(),
    narrow=st.booleans(),
)
def test_generated_rows_validate_as_without_memos(
    cells: list[list[object]], short: int, date1904: bool, narrow: bool
) -> None:
    rows = [SourceRow(5 + i, tuple(c)) for i, c in enumerate(cells)]
    rows.append(SourceRow(99, tuple(cells[0][:short])))  # trailing cells missing
    # The first row with one cell from the last: a memo keyed without that column shows.
    rows += [
        SourceRow(100 + k, tuple(cells[-1][k] if i == k else c for i, c in enumerate(cells[0])))
        for k in range(len(COLUMNS))
    ]
    _assert_same_rows(rows, date1904, (NARROW, VOCAB) if narrow else (VOCAB, NARROW))


EDGES = [  # each changes one cell of GOOD
    {"id_number": "3701021973٣8291814"},  # a non-ASCII digit: NFKC keeps it
    {"id_number": "37010219730829181٣"},
    {"id_number": "370102730829181"},  # 15 digits
    {"id_number": "3701022005082918"},  # 16 characters whose birth digits are a date
    {"id_number": "37010220050829181A", "issue_date": "20191119"},
    {"id_number": "370102200508291810"},  # born 2005: certificate before 18
    {"id_number": "810000200001011234", "id_type": "港澳台居民居住证"},
    {"id_type": "护照", "id_number": "E1234567"},
    {"title_name": "教授级高级工程师", "series": "912 工程技术", "level": "正高级"},
    {"issue_date": "2019-02-29"},
    {"issue_date": 43525},
    {"issue_date": dt.datetime(2019, 3, 1, 10, 0)},
    {"issuer": "山东省人事厅", "review_body": "山东省 人力资源和社会保障厅"},
    {"name": "_x000d_Zhang\x7fSan"},
    {"cert_no": "_x000D_A1"},
    {"cert_no": 123456789012345678},
    {"region_code": "371172000000日照国际海洋城"},
    {"level": "中级"},  # canonical level and title-not-in-series differ from GOOD's
    {"level": " 正 高 级 "},
]


@pytest.mark.parametrize("change", EDGES, ids=[str(i) for i in range(len(EDGES))])
def test_edge_rows_validate_as_without_memos(change: dict[str, object]) -> None:
    cells = tuple({**GOOD, **change}[c.key] for c in COLUMNS)
    for date1904 in (False, True):
        _assert_same_rows([SourceRow(8, tuple(GOOD.values())), SourceRow(9, cells)], date1904)


def test_structural_findings_are_kept_as_without_memos() -> None:
    cells = (_REGIONS[0], "A1", "身份证", "370102197308291817", "张三", "女")
    merged = (Issue("row-merged-cells", column="name", value="E7:F7", stage=Stage.NORMALISE),)
    rows = [SourceRow(7, cells, merged), SourceRow(8, cells[:3], merged)]
    _assert_same_rows(rows, False)


def _typed(row: dict[str, object], rng: random.Random) -> dict[str, object]:
    """One of the ways a cell of a filled row ends up in the file besides text."""
    key = rng.choice([c.key for c in COLUMNS])
    value = str(row[key])
    options: list[object] = [
        "",
        None,
        True,
        f"={value[:3]!r}".replace("'", '"'),
        value + " ",
        value[:-1],
        "未知的值",
    ]
    if value.isdigit():
        options += [int(value), float(value)]
    if key == "issue_date":
        day = dt.datetime.strptime(value, "%Y%m%d")
        options += [day, day.date(), f"{day:%Y-%m-%d}", "20190229", "200912"]
    if key == "id_number":
        options += [value[:17] + "X", value[:6] + value[8:17], int(value[:15])]
    return row | {key: rng.choice(options)}


@pytest.fixture(scope="module")
def returned_files(
    tmp_path_factory: pytest.TempPathFactory, private_key: Ed25519PrivateKey
) -> list[Path]:
    rng = random.Random(20240611)
    people = demo._People(VOCAB, rng)
    titles, reviewer = demo._titles_for(VOCAB, VOCAB.find_unit(SCHOOL))  # type: ignore[arg-type]
    folder = tmp_path_factory.mktemp("parity")
    paths = []
    for n in range(3):
        rows = [people.row(titles, reviewer) for _ in range(50)]
        rows = [_typed(r, rng) if rng.random() < 0.4 else r for r in rows]
        paths.append(fill(VOCAB, private_key, SCHOOL, folder / f"{n}.xlsx", rows))
    return paths


def test_rows_of_returned_files_validate_as_without_memos(
    returned_files: list[Path], public_key: Ed25519PublicKey
) -> None:
    for path in returned_files:
        sub = read_submission(path, VOCAB, public_key)
        assert len(sub.rows) == 50
        _assert_same_rows(sub.rows, sub.date1904)


def test_caches_off_remembers_nothing_and_restores_the_memos() -> None:
    fresh = dataclasses.replace(VOCAB)  # a new vocabulary: its caches start empty
    changes = {"issue_date": "20170102", "issuer": "caches off"}
    cells = tuple({**GOOD, **changes}[c.key] for c in COLUMNS)
    memo, dates = dict(normalize._MEMO), checks.parse_yyyymmdd.cache_info()
    with caches_off():
        validate_row(cells, fresh)
        row = RowData(normalize_row(cells)[0], {})
        evaluate(row, fresh)
    assert (fresh.caches, normalize._MEMO, row.id_facts) == ({}, memo, None)
    assert checks.parse_yyyymmdd.cache_info() == dates
    validate_row(cells, fresh)
    assert sorted(fresh.caches) == ["canonical", "id-areas", "rule-outcomes"]
    assert ("issuer", str, "caches off", False) in normalize._MEMO
    assert checks.parse_yyyymmdd.cache_info().misses + checks.parse_yyyymmdd.cache_info().hits > (
        dates.hits + dates.misses
    )


REMEMBERED = [r for r in RULES if r.by_values is not None]


class _Untouchable(dict[str, object]):
    def __getitem__(self, key: str) -> object:
        raise AssertionError(f"read raw cell {key}")

    def get(self, key: str, default: object = None) -> object:
        raise AssertionError(f"read raw cell {key}")


def test_rules_with_remembered_outcomes_are_those_on_repeating_columns() -> None:
    assert [r.code for r in REMEMBERED] == [
        "region-missing", "region-unknown", "region-legacy", "id-type-missing",
        "id-type-unknown", "gender-missing", "gender-unknown", "series-missing",
        "series-unknown", "level-missing", "level-unknown", "title-missing", "title-unknown",
        "title-not-in-series", "title-alias", "issue-date-missing", "issue-date-format",
        "issue-date-invalid", "issue-date-out-of-window", "issuer-missing", "issuer-unknown",
        "review-body-missing", "review-body-unknown",
    ]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(cells=ROW, narrow=st.booleans())
def test_remembered_rules_read_only_their_own_columns(cells: list[object], narrow: bool) -> None:
    """What lets evaluate remember their outcomes by the values of their columns: given
    only those values (no other column, no raw cell), each gives its full-row outcome."""
    vocab = NARROW if narrow else VOCAB
    values, _ = normalize_row(cells)
    for rule in REMEMBERED:
        only = RowData({c: values[c] for c in rule.columns}, _Untouchable())
        assert rule.check(only, vocab) == rule.check(RowData(values, {}), vocab), rule.code
