"""--revoked / --ecert lists: CSV (UTF-8 or GBK) and xlsx, with or without a header row."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from titletemplate.errors import ExclusionListError
from titletemplate.ingest.exclusions import ExclusionEntry, ExclusionKind, load_exclusions, matches


def test_csv_with_chinese_headers_in_any_order(tmp_path: Path) -> None:
    path = tmp_path / "revoked.csv"
    path.write_text(
        "说明,,\n职称名称,证件号码,证书编号\n高级讲师,11010119900307803x,鲁01\n,370102197308291814,\n",
        encoding="utf-8-sig",
    )
    found = load_exclusions(path, "revoked")
    assert found.kind is ExclusionKind.REVOKED
    assert found.entries == (
        ExclusionEntry("11010119900307803X", "鲁01", "高级讲师"),
        ExclusionEntry("370102197308291814"),
    )


def test_gbk_csv_with_english_keys(tmp_path: Path) -> None:
    path = tmp_path / "ecert.csv"
    path.write_bytes("id_number,cert_no,title_name\n370102197308291814,鲁9,讲师\n".encode("gbk"))
    assert load_exclusions(path, "ecert").entries == (
        ExclusionEntry("370102197308291814", "鲁9", "讲师"),
    )


def test_a_list_without_header_is_read_by_position(tmp_path: Path) -> None:
    path = tmp_path / "ids.csv"
    path.write_text("370102197308291814\n 11010119900307803X \n\n", encoding="utf-8")
    assert [e.id_number for e in load_exclusions(path, "ecert").entries] == [
        "370102197308291814",
        "11010119900307803X",
    ]


def test_xlsx_list(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号", "姓名", "身份证号码", "证书编号"])
    ws.append([1, "张三", "370102197308291814", "鲁01"])
    ws.append([2, "李四", 370102730829181, None])  # 15 digits survive as a number
    wb.save(tmp_path / "r.xlsx")
    assert load_exclusions(tmp_path / "r.xlsx", "revoked").entries == (
        ExclusionEntry("370102197308291814", "鲁01"),
        ExclusionEntry("370102730829181"),
    )


def test_a_numeric_id_that_lost_digits_stops_the_run(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.append(["证件号码"])
    wb.active.append([3.70102197308292e17])
    wb.save(tmp_path / "r.xlsx")
    with pytest.raises(ExclusionListError) as caught:
        load_exclusions(tmp_path / "r.xlsx", "revoked")
    assert (caught.value.code, caught.value.detail) == ("exclusion-id-precision-lost", "r.xlsx: 2")


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("empty.csv", b"", "exclusion-list-empty"),
        ("header-only.csv", "证件号码\n".encode(), "exclusion-list-empty"),
        ("broken.xlsx", b"PK\x03\x04 broken", "exclusion-list-unreadable"),
    ],
    ids=["empty", "header-only", "broken-xlsx"],
)
def test_unusable_lists_stop_the_run(tmp_path: Path, name: str, data: bytes, code: str) -> None:
    (tmp_path / name).write_bytes(data)
    with pytest.raises(ExclusionListError) as caught:
        load_exclusions(tmp_path / name, "ecert")
    assert caught.value.code == code


def test_matching_by_person_certificate_and_title() -> None:
    index = {
        "A": (ExclusionEntry("A"),),
        "B": (ExclusionEntry("B", "C1"),),
        "D": (ExclusionEntry("D", "", "高级 讲师"),),
    }
    assert matches(index, "a", "any", "any")
    assert matches(index, "B", "c1", "any")
    assert not matches(index, "B", "C2", "any")
    assert matches(index, "D", "", "高级讲师")
    assert not matches(index, "D", "", "讲师")
    assert not matches(index, "E", "", "")
