"""id-number-region-unknown: silent for any address code that ever existed in China (stdnum's
table, any year) or is in regions.yaml; a warning for codes that never existed."""

from __future__ import annotations

import dataclasses

import pytest
from helpers_ingest import GOOD

from titletemplate import addresscodes, idcard
from titletemplate.checks import RowData
from titletemplate.columns import COLUMNS
from titletemplate.ingest import rulerun
from titletemplate.ingest.validate import caches_off, validate_row
from titletemplate.normalize import normalize_row
from titletemplate.rules import BY_CODE
from titletemplate.vocab import Region, Vocab

_KEYS = [c.key for c in COLUMNS]


def _id(area: str) -> str:
    return idcard.complete(f"{area}19730829181")  # born 1973, a man (as GOOD)


def _findings(vocab: Vocab, area: str) -> list[tuple[str, str]]:
    """Through ingest's rule runner (remembering) and the plain loop: both must agree."""
    cells = [{**GOOD, "id_number": _id(area)}[k] for k in _KEYS]
    fast = [(f.code, f.column) for f in validate_row(cells, vocab).findings]
    with caches_off():
        plain = [(f.code, f.column) for f in validate_row(cells, vocab).findings]
    assert fast == plain
    return fast


KNOWN = [
    ("370102", "Jinan Lixia, current"),
    ("370123", "Changqing county, Shandong, until 2001"),
    ("372801", "Linyi city, Shandong, 1983-1994"),
    ("372301", "Binzhou city, Shandong, 1982-2000"),
    ("370000", "Shandong province level"),
    ("110101", "Beijing Dongcheng, current"),
    ("110103", "Beijing Chongwen, until 2010"),
    ("440301", "Shenzhen, its districts as a whole"),
    ("652201", "Hami city, Xinjiang, until 2016"),
    ("540102", "Lhasa Chengguan"),
]
NEVER = [
    ("379902", "Shandong, never used"),
    ("372899", "Linyi prefecture, never used"),
    ("119999", "Beijing, never used"),
    ("999999", "no province 99"),
    ("000000", "no province 00"),
    ("390101", "no province 39"),
]


@pytest.mark.parametrize("area", [a for a, _ in KNOWN], ids=[w for _, w in KNOWN])
def test_codes_that_ever_existed_draw_no_warning(vocab: Vocab, area: str) -> None:
    assert _findings(vocab, area) == []


@pytest.mark.parametrize("area", [a for a, _ in NEVER], ids=[w for _, w in NEVER])
def test_codes_that_never_existed_draw_the_warning(vocab: Vocab, area: str) -> None:
    assert _findings(vocab, area) == [("id-number-region-unknown", "id_number")]


def test_a_region_newer_than_the_table_counts_as_known(vocab: Vocab) -> None:
    newer = Region("379902000000", "某新区", "county", "370000000000")
    extended = dataclasses.replace(vocab, regions=(*vocab.regions, newer))
    assert _findings(vocab, "379902") == [("id-number-region-unknown", "id_number")]
    assert _findings(extended, "379902") == []


def test_the_table_holds_every_shandong_code_of_the_issue() -> None:
    shandong = {c for c in addresscodes.national() if c.startswith("37")}
    assert len(shandong) >= 377  # stdnum 2.2: 377 county-level codes ever used in Shandong
    assert {"370123", "372801", "371100", "371102", "371121"} <= shandong


def test_permits_keep_their_own_prefix_rule(vocab: Vocab) -> None:
    permit = {"id_type": "港澳台居民居住证", "id_number": "810000199408230021", "gender": "女"}
    cells = [{**GOOD, **permit}[k] for k in _KEYS]
    assert validate_row(cells, vocab).findings == ()


@pytest.mark.parametrize(("area", "passes"), [("370123", True), ("119999", False)])
def test_the_quick_pass_knows_the_same_codes(vocab: Vocab, area: str, passes: bool) -> None:
    cells = [{**GOOD, "id_number": _id(area)}[k] for k in _KEYS]
    row = RowData(normalize_row(cells)[0], dict(zip(_KEYS, cells, strict=True)))
    assert rulerun._distinct_cells_pass(row, vocab) is passes


def test_the_sheet_leaves_address_codes_to_the_reader() -> None:
    # A decision, not an accident (README, "Vocabularies"): the sheet would need all codes of
    # stdnum.cn.loc on its hidden sheet (~71 KB per template) for a warning. A formula added
    # here must come with that list and a LibreOffice parity case in tests/lo_inputs.py.
    assert BY_CODE["id-number-region-unknown"].formula is None
    assert len(addresscodes.national()) > 6000
