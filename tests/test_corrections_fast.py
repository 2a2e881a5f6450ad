"""Corrections are made from this process's probe (stampfill.py): the bytes must equal what
build_template gives for the same arguments, on the fast path and where it declines and
correction_bytes builds from scratch."""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from helpers_ingest import ENGINEER, GOOD, PEOPLE, TEACHER, row
from lohelper import LibreOffice, find_soffice
from python_calamine import CalamineWorkbook

from titletemplate.columns import (
    BY_LETTER,
    CHECK_LETTER,
    COLUMNS,
    DATA_SHEET,
    FIRST_DATA_ROW,
    META_SHEET,
)
from titletemplate.errors import Issue, TemplateError
from titletemplate.fingerprint import Origin, identity_from_rows, parse_origin, verify_identity
from titletemplate.reports.corrections import MIN_ROWS, CorrectionRow, correction_bytes, marks_for
from titletemplate.template import stampfill, xlsxinternals
from titletemplate.template.build import build_template
from titletemplate.template.stamp import probe_unit
from titletemplate.vocab import Unit, Vocab

ISSUED_AT = "2021-03-17T08:00:00Z"
NEW_UNIT = Unit(name="日照市测试更正单位有限公司", code="U0042")
# (code, column) pairs as the ingest stores them; "" is a row-level issue (no cell to mark).
CHECKSUM = ("id-number-checksum", "D")
DATE = ("issue-date-invalid", "J")
TITLE = ("title-not-in-series", "I")
REGION = ("region-unknown", "A")
REVOKED = ("title-revoked", "")


@pytest.fixture(autouse=True)
def fresh_probes(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test starts without this process's probes (some tests break them on purpose)."""
    monkeypatch.setattr(stampfill, "_probes", {})
    yield


def _issue(code: str, column: str, values: tuple[str, ...]) -> Issue:
    value = values[ord(column) - ord("A")] if column else ""
    key = BY_LETTER[column].key if column else None
    return Issue(code, "f.xlsx", DATA_SHEET, 9, key, value, unit="u", path="/in/f.xlsx")


def _row(values: dict[str, object], *issues: tuple[str, str]) -> CorrectionRow:
    cells = tuple(str(values.get(c.key, "")) for c in COLUMNS)
    return CorrectionRow(cells, tuple(_issue(code, col, cells) for code, col in issues))


def _typical(n: int = 25) -> list[CorrectionRow]:
    """n faulty rows of people in PEOPLE, about 30 marks in all, the first row's on D."""
    people = list(PEOPLE)
    kinds = [(CHECKSUM,), (DATE, TITLE), (TITLE,), (CHECKSUM, DATE), (DATE,)]
    rows = []
    for i in range(n):
        changes = TEACHER if i % 3 else ENGINEER
        values = row(people[i % len(people)], i + 1, **changes)
        rows.append(_row(values, *kinds[i % len(kinds)]))
    return rows


Request = tuple[list[dict[str, str]], int, dict[tuple[int, str], str]]


def _request(rows: list[CorrectionRow], template_rows: int | None = None) -> Request:
    """prefill, input rows and marks, as correction_bytes asks for them."""
    prefill = [{c.key: v for c, v in zip(COLUMNS, r.values, strict=True)} for r in rows]
    return prefill, max(template_rows or 0, len(rows) + MIN_ROWS), marks_for(rows)


def _scratch(
    vocab: Vocab,
    unit: Unit,
    key: Ed25519PrivateKey,
    rows: list[CorrectionRow],
    template_rows: int | None = None,
    issued_at: str = ISSUED_AT,
    origin: Origin | None = None,
) -> bytes:
    prefill, n, marks = _request(rows, template_rows)
    return build_template(
        vocab, unit, key, issued_at=issued_at, rows=n, prefill=prefill, marks=marks, origin=origin
    )


def _fast(
    vocab: Vocab,
    unit: Unit,
    key: Ed25519PrivateKey,
    rows: list[CorrectionRow],
    template_rows: int | None = None,
    origin: Origin | None = None,
) -> bytes | None:
    prefill, n, marks = _request(rows, template_rows)
    return stampfill.build_filled(
        vocab, unit, key, issued_at=ISSUED_AT, rows=n, prefill=prefill, marks=marks, origin=origin
    )


def _differing_parts(a: bytes, b: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(a)) as za, zipfile.ZipFile(io.BytesIO(b)) as zb:
        names = sorted(set(za.namelist()) | set(zb.namelist()))
        return [n for n in names if n not in za.namelist() or n not in zb.namelist()
                or za.read(n) != zb.read(n)]  # fmt: skip


SPECIAL = {
    "name": ' 王 & <芳> "x" ',  # escaping, and leading/trailing spaces (xml:space)
    "issuer": "line\nbreak\ttab\x01ctrl_x0041_",  # control characters and a literal escape
    "review_body": "<r>not rich",
    "cert_no": "鲁0120200000099😀",
}
IN_TEMPLATE = {  # values already in the template's string table
    "name": "证件号码",  # a header
    "issuer": "山东省人力资源和社会保障厅",  # an organisation on the vocabulary sheet
    "review_body": NEW_UNIT.name,  # the unit's own name
    "cert_no": "campaign",  # a field name on the checksum sheet
}
CASES = {
    "typical": (_typical(), None),
    "first-row-unmarked": ([_row(row("li", 1), REVOKED), *_typical(4)], None),
    "first-cell-marked": ([_row(row("li", 1), REGION, DATE), *_typical(3)], None),
    "whole-first-row-marked": (
        [_row(row("li", 1), *((CHECKSUM[0], c.letter) for c in COLUMNS)), *_typical(2)],
        None,
    ),
    "marked-blank-cells": ([_row({"name": "空"}, CHECKSUM, DATE), _row({}, TITLE)], None),
    "special-characters": ([_row(row("wang", 2, **SPECIAL), CHECKSUM), *_typical(2)], None),
    "strings-in-template": ([_row({**GOOD, **IN_TEMPLATE}, TITLE), *_typical(2)], None),
    "repeated-values": ([_row(row("zhou", 5), DATE)] * 6, None),
    "one-row": (_typical(1), None),
    "campaign-rows": (_typical(3), 30),
    "three-digit-last-row": (_typical(25), 120),
}


@pytest.mark.parametrize(("rows", "template_rows"), CASES.values(), ids=CASES.keys())
def test_fast_path_gives_build_template_bytes(
    vocab: Vocab,
    private_key: Ed25519PrivateKey,
    rows: list[CorrectionRow],
    template_rows: int | None,
) -> None:
    fast = _fast(vocab, NEW_UNIT, private_key, rows, template_rows)
    assert fast is not None, "the fast path declined"
    expected = _scratch(vocab, NEW_UNIT, private_key, rows, template_rows)
    assert _differing_parts(fast, expected) == []
    assert fast == expected


def test_corrections_in_a_row_share_one_probe(vocab: Vocab, private_key: Ed25519PrivateKey) -> None:
    units = [NEW_UNIT, Unit(name="日照港集团有限公司"), Unit(name="另一个单位", code="Z9")]
    for n, unit in enumerate(units, start=2):
        rows = _typical(n)
        data = correction_bytes(vocab, unit, private_key, rows, issued_at=ISSUED_AT)
        assert data == _scratch(vocab, unit, private_key, rows), unit.name
    assert [p is not None for p in stampfill._probes.values()] == [True]


def test_probe_depends_on_key_and_issue_time(
    vocab: Vocab, private_key: Ed25519PrivateKey, tmp_path: Path
) -> None:
    other_key = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
    rows = _typical(3)
    for n, (key, issued_at) in enumerate(
        [(private_key, ISSUED_AT), (other_key, ISSUED_AT), (private_key, "2022-01-01T00:00:00Z")]
    ):
        data = correction_bytes(vocab, NEW_UNIT, key, rows, issued_at=issued_at)
        assert data == _scratch(vocab, NEW_UNIT, key, rows, issued_at=issued_at)
        path = tmp_path / f"{n}.xlsx"
        path.write_bytes(data)
        with CalamineWorkbook.from_path(str(path)) as book:
            identity = identity_from_rows(book.get_sheet_by_name(META_SHEET).to_python())
        assert identity is not None and identity.issued_at == issued_at
        assert verify_identity(identity, key.public_key())
        wrong = other_key if key is private_key else private_key
        assert not verify_identity(identity, wrong.public_key())
    assert len(stampfill._probes) == 3


def test_a_correction_signs_its_origin_and_the_fast_path_gives_its_bytes(
    vocab: Vocab, private_key: Ed25519PrivateKey, tmp_path: Path
) -> None:
    rows = _typical(5)
    origin = Origin((("T-a", 8), ("T-a", 9), ("T-a", 10), ("T-a", 14), ("T-b", 8)))
    fast = _fast(vocab, NEW_UNIT, private_key, rows, origin=origin)
    assert fast is not None, "the fast path declined"
    assert fast == _scratch(vocab, NEW_UNIT, private_key, rows, origin=origin)
    assert fast != _scratch(vocab, NEW_UNIT, private_key, rows)
    path = tmp_path / "c.xlsx"
    path.write_bytes(fast)
    with CalamineWorkbook.from_path(str(path)) as book:
        identity = identity_from_rows(book.get_sheet_by_name(META_SHEET).to_python())
    assert identity is not None and verify_identity(identity, private_key.public_key())
    assert (identity.corrects, identity.source_rows) == ("T-a T-b", "t0r8-10,t0r14,t1r8")
    assert parse_origin(identity.corrects, identity.source_rows) == origin


DECLINED = {
    "unit-name-in-template": (Unit(name="证件号码"), _typical(3)),
    "unit-code-equals-name": (Unit(name="same", code="same"), _typical(3)),
    "unit-is-a-probe-string": (Unit(name=probe_unit().code, code="X1"), _typical(3)),
    "no-marks": (NEW_UNIT, [_row(row("li", 1), REVOKED)]),
}


@pytest.mark.parametrize(("unit", "rows"), DECLINED.values(), ids=DECLINED.keys())
def test_declined_cases_are_built_from_scratch(
    vocab: Vocab, private_key: Ed25519PrivateKey, unit: Unit, rows: list[CorrectionRow]
) -> None:
    assert _fast(vocab, unit, private_key, rows) is None
    data = correction_bytes(vocab, unit, private_key, rows, issued_at=ISSUED_AT)
    assert data == _scratch(vocab, unit, private_key, rows)


def test_text_too_long_for_a_cell_fails_as_in_a_build(
    vocab: Vocab, private_key: Ed25519PrivateKey
) -> None:
    rows = [_row({**GOOD, "issuer": "x" * 32768}, CHECKSUM)]
    assert _fast(vocab, NEW_UNIT, private_key, rows) is None
    with pytest.raises(TemplateError) as built:
        _scratch(vocab, NEW_UNIT, private_key, rows)
    with pytest.raises(TemplateError) as corrected:
        correction_bytes(vocab, NEW_UNIT, private_key, rows, issued_at=ISSUED_AT)
    assert corrected.value.code == built.value.code == "xlsxwriter-rejected"


def test_a_probe_the_fast_path_cannot_reproduce_is_not_used(
    vocab: Vocab, private_key: Ed25519PrivateKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A renderer that loses the last input row: the probe's own check must catch it.
    real = stampfill._input_rows
    monkeypatch.setattr(stampfill, "_input_rows", lambda *a: (real(*a) or "").rsplit("<row ", 1)[0])
    rows = _typical(3)
    assert stampfill.make_fill_probe(vocab, private_key, ISSUED_AT) is None
    assert _fast(vocab, NEW_UNIT, private_key, rows) is None
    data = correction_bytes(vocab, NEW_UNIT, private_key, rows, issued_at=ISSUED_AT)
    assert data == _scratch(vocab, NEW_UNIT, private_key, rows)


def test_check_cells_stored_directly_equal_write_formula(
    vocab: Vocab, private_key: Ed25519PrivateKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Layout 1 writes a check formula per row (layout 2 shares its helper columns' formulas):
    stored directly, they equal what write_formula would store."""
    prefill, n, marks = _request(_typical(4))
    args = {"issued_at": ISSUED_AT, "rows": n, "prefill": prefill, "marks": marks, "layout": "1"}
    calls: list[int] = []
    direct_write = xlsxinternals.write_formula_cell

    def counted(*a: Any) -> int:
        calls.append(1)
        return direct_write(*a)

    monkeypatch.setattr(xlsxinternals, "write_formula_cell", counted)
    direct = build_template(vocab, NEW_UNIT, private_key, **args)
    assert len(calls) == n - 1  # every row but the first, which write_formula writes

    def through_xlsxwriter(data: object, row: int, col: int, formula: str, style: object) -> int:
        assert col == ord(CHECK_LETTER) - ord("A")
        rc: int = data.write_formula(row, col, formula, style, "")  # type: ignore[attr-defined]
        assert rc == 0
        return rc

    monkeypatch.setattr(xlsxinternals, "write_formula_cell", through_xlsxwriter)
    assert build_template(vocab, NEW_UNIT, private_key, **args) == direct


def test_fast_correction_as_the_clerk_sees_it(vocab: Vocab, private_key: Ed25519PrivateKey) -> None:
    rows = [_row(row("wang", 2, **ENGINEER), CHECKSUM, DATE), _row(row("li", 3), TITLE)]
    data = _fast(vocab, NEW_UNIT, private_key, rows)
    assert data is not None
    book = openpyxl.load_workbook(io.BytesIO(data))
    ws = book[DATA_SHEET]
    first = FIRST_DATA_ROW
    assert ws["B2"].value == NEW_UNIT.name
    assert ws[f"D{first}"].value == PEOPLE["wang"][0]
    assert ws[f"I{first}"].value == ENGINEER["title_name"]
    assert ws[f"E{first + 1}"].value == PEOPLE["li"][1]
    assert ws[f"A{first + 2}"].value is None
    red = {c.coordinate for r in ws.iter_rows(min_row=first, max_row=first + 2) for c in r
           if c.fill.fgColor.rgb == "FFFFC7CE"}  # fmt: skip
    assert red == {f"D{first}", f"J{first}", f"I{first + 1}"}
    comments = sorted(c.coordinate for r in ws.iter_rows() for c in r if c.comment)
    assert comments == [f"D{first}", f"I{first + 1}", f"J{first}"]
    assert ws[f"D{first}"].comment.text.startswith(f"第 {first} 行 证件号码")
    assert ws.protection.sheet and not ws[f"A{first}"].protection.locked
    assert len(ws.data_validations.dataValidation) == len(COLUMNS)
    assert ws.max_row == first + len(rows) + MIN_ROWS - 1
    book.close()


@pytest.mark.libreoffice
def test_libreoffice_opens_a_fast_correction(
    vocab: Vocab, private_key: Ed25519PrivateKey, tmp_path: Path
) -> None:
    if find_soffice() is None:
        if os.environ.get("CI"):
            pytest.fail("soffice not found: CI must install libreoffice-calc-nogui")
        pytest.skip("LibreOffice (soffice) is not installed")
    rows = [_row(row("wang", 2, id_number="371102198506120027"), CHECKSUM), *_typical(2)]
    data = _fast(vocab, NEW_UNIT, private_key, rows)
    assert data is not None
    source = tmp_path / "in" / "correction.xlsx"
    source.parent.mkdir()
    source.write_bytes(data)
    saved = LibreOffice(tmp_path / "profile").recalculate(source, tmp_path / "out")
    with CalamineWorkbook.from_path(str(saved)) as book:
        sheet = book.get_sheet_by_name(DATA_SHEET).to_python(skip_empty_area=False)
    check = ord(CHECK_LETTER) - ord("A")
    first = sheet[FIRST_DATA_ROW - 1]
    assert first[3] == "371102198506120027"
    assert [sheet[FIRST_DATA_ROW - 1 + i][check] != "" for i in range(4)] == [
        True, False, False, False,
    ]  # fmt: skip
