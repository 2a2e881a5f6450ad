"""The compiled Attachment-1 workbook: layout, hidden lists, validations, self-check column,
protection, identity, determinism, batch builds and the password helper."""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import openpyxl
import pytest
import xlsxwriter
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from openpyxl.utils.protection import hash_password

from titletemplate import formulas as fx
from titletemplate import idcard, rules
from titletemplate.checks import RowData
from titletemplate.columns import COLUMNS
from titletemplate.errors import TemplateError
from titletemplate.fingerprint import (
    FIELD_NAMES,
    Identity,
    identity_from_rows,
    make_identity,
    verify_identity,
)
from titletemplate.keys import sheet_password
from titletemplate.template import checkcolumn, vocabsheet
from titletemplate.template.build import (
    ManifestEntry,
    build_template,
    build_templates,
    safe_file_name,
    template_password,
    write_template,
)
from titletemplate.vocab import Unit, Vocab

ISSUED_AT = "2021-03-17T08:00:00Z"  # the same moment as conftest.ISSUED_AT

HEADERS = [
    "行政区划代码",
    "证书编号",
    "证件类型",
    "证件号码",
    "姓名",
    "性别",
    "职称系列",
    "职称级别",
    "职称名称",
    "发证日期",
    "发证机构",
    "评审机构",
]
EXPLANATIONS = [
    "指职称评审机构所在地的行政区划代码。",
    "指职称证书的编号。",
    "指职称证书获得人的证件类型。",
    "指职称证书获得人的证件号码。",
    "指职称证书获得人的姓名。",
    "指职称证书获得人的性别。",
    "指职称证书的职称系列。",
    "指职称证书的职称级别。正高级、副高级、中级、初级。",
    "指职称证书的职称名称。",
    "指职称证书的发证日期 (格式为YYYYMMDD, 20210101样式)。",
    "指职称证书的发证机构。",
    "指职称评审机构。",
]
DATE8 = (
    "AND(LEN(J8)=8,SUBSTITUTE(SUBSTITUTE(SUBSTITUTE(SUBSTITUTE(SUBSTITUTE(SUBSTITUTE(SUBSTITUTE("
    'SUBSTITUTE(SUBSTITUTE(SUBSTITUTE(J8,"0",""),"1",""),"2",""),"3",""),"4",""),"5",""),"6",""),'
    '"7",""),"8",""),"9","")="")'
)
NAME_DV = (
    "LEN(SUBSTITUTE(SUBSTITUTE(SUBSTITUTE(SUBSTITUTE(SUBSTITUTE(SUBSTITUTE(SUBSTITUTE("
    'SUBSTITUTE(SUBSTITUTE(SUBSTITUTE(E8,"0",""),"1",""),"2",""),"3",""),"4",""),"5",""),"6",""),'
    '"7",""),"8",""),"9",""))=LEN(E8)'
)
TITLE_DROPDOWN = (
    'IF(COUNTIF(V_TKEYC,$G8&"|"&$H8)=0,V_TNAME,INDEX(V_TNAME,MATCH($G8&"|"&$H8,V_TKEY,0)):'
    'INDEX(V_TNAME,MATCH($G8&"|"&$H8,V_TKEY,0)+COUNTIF(V_TKEYC,$G8&"|"&$H8)-1))'
)
CHECK = (
    '=IF(Q8<>"",Q8,IF(R8<>"",R8,IF(AND(T8>0,T8<ROW()),"与第 "&T8&" 行重复(同一人同一职称)","")))'
)
# (sqref, type, formula1, error style; Excel's default style is "stop")
VALIDATIONS = [
    ("A8:A2007", "list", "V_REGION", "stop"),
    ("B8:B2007", "custom", 'ISERROR(FIND(" ",B8))', "stop"),
    ("C8:C2007", "list", "V_IDTYPE", "stop"),
    ("D8:D2007", "custom", "IF(ISNUMBER(D8),INT(D8)=D8*(ABS(D8)<1E+15),TRUE)", "stop"),
    ("E8:E2007", "custom", NAME_DV, "stop"),
    ("F8:F2007", "list", "V_GENDER", "stop"),
    ("G8:G2007", "list", "V_SERIES", "warning"),
    ("H8:H2007", "list", "V_LEVEL", "warning"),
    ("I8:I2007", "list", TITLE_DROPDOWN, "stop"),
    ("J8:J2007", "custom", DATE8, "stop"),
    ("K8:K2007", "custom", "NOT(AND($T8>0,$T8<ROW()))", "stop"),
    ("L8:L2007", None, None, "stop"),
]
HINTS_IN_ORDER = [
    "行政区划代码未填写",
    "行政区划代码不在下拉菜单中",
    "证书编号被存成了数字",
    "证书编号含有空格",
    "证件类型未填写",
    "证件类型不在下拉菜单中",
    "证件号码未填写",
    "证件号码被存成了数字, 后几位已丢失",
    "证件号码是 15 位旧号码",
    "证件号码位数不对",
    "证件号码含有无效字符",
    "证件号码中的出生日期不存在",
    "证件号码校验位错误",
    "居住证号码开头不对",
    "证件号码不符合该证件类型的号码格式",
    "姓名未填写",
    "姓名含有数字",
    "性别未填写",
    "性别只能填写男或女",
    "性别与身份证号码不符",
    "职称系列未填写",
    "职称级别未填写",
    "职称名称未填写",
    "职称名称不在职称名称表中",
    "职称名称与职称系列、级别不符",
    "发证日期未填写",
    "发证日期应为 8 位数字",
    "发证日期不存在",
    "发证日期不在本次采集范围内",
    "发证机构未填写",
    "评审机构未填写",
]


@pytest.fixture(scope="module")
def template(vocab: Vocab, unit: Unit, private_key: Ed25519PrivateKey) -> bytes:
    return build_template(vocab, unit, private_key, issued_at=ISSUED_AT)


@pytest.fixture(scope="module")
def book(template: bytes) -> Iterator[Any]:
    workbook = openpyxl.load_workbook(io.BytesIO(template))
    yield workbook
    workbook.close()


@pytest.fixture(scope="module")
def sheet(book: Any) -> Any:
    return book["附件1"]


def _part(data: bytes, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read(name).decode("utf-8")


def _identity(book: Any) -> Identity:
    found = identity_from_rows(list(book["_checksum"].iter_rows(values_only=True)))
    assert found is not None
    return found


# --- sheets and names ---------------------------------------------------------------------


def test_sheets_names_and_states(book: Any) -> None:
    assert [(ws.title, ws.sheet_state) for ws in book.worksheets] == [
        ("附件1", "visible"),
        ("职称名称", "visible"),
        ("_vocab", "veryHidden"),
        ("_checksum", "veryHidden"),
    ]
    assert book.active.title == "附件1"


def test_defined_names_point_at_the_vocab_sheet(book: Any, vocab: Vocab) -> None:
    n_current = len(vocab.current_regions)
    n_titles = len(vocab.titles) + sum(len(t.aliases) for t in vocab.titles)
    n_orgs = len({n for o in vocab.orgs for n in (o.name, *o.former)})
    names = {name: d.attr_text for name, d in book.defined_names.items()}
    assert names == {
        "V_REGION": f"'_vocab'!$A$2:$A${n_current + 1}",
        "V_REGION_ALL": f"'_vocab'!$B$2:$B${len(vocab.regions) + 1}",
        "V_IDTYPE": f"'_vocab'!$C$2:$C${len(vocab.id_types) + 1}",
        "V_GBTYPE": "'_vocab'!$D$2:$D$3",
        "V_GENDER": "'_vocab'!$E$2:$E$3",
        "V_SERIES": f"'_vocab'!$F$2:$F${len(vocab.series) + 1}",
        "V_LEVEL": "'_vocab'!$G$2:$G$5",
        "V_TKEY": f"'_vocab'!$H$2:$H${n_titles + 1}",
        "V_TKEYC": f"'_vocab'!$I$2:$I${n_titles + 1}",
        "V_TNAME": f"'_vocab'!$J$2:$J${n_titles + 1}",
        "V_TPAIR": f"'_vocab'!$K$2:$K${n_titles + 1}",
        "V_ORG": f"'_vocab'!$L$2:$L${n_orgs + 1}",
        "V_POS": "'_vocab'!$M$2:$M$18",
        "V_WT": "'_vocab'!$N$2:$N$18",
        "V_DIGIT": "'_vocab'!$O$2:$O$11",
        "V_P8": "'_vocab'!$P$2:$P$9",
    }


def test_vocab_sheet_lists(book: Any) -> None:
    ws = book["_vocab"]
    header = [c.value for c in ws[1]]
    assert header == [
        *("V_REGION", "V_REGION_ALL", "V_IDTYPE", "V_GBTYPE", "V_GENDER", "V_SERIES"),
        *("V_LEVEL", "V_TKEY", "V_TKEYC", "V_TNAME", "V_TPAIR", "V_ORG", "V_POS", "V_WT"),
        *("V_DIGIT", "V_P8"),
    ]
    column = {
        h: [r[i] for r in ws.iter_rows(min_row=2, values_only=True)] for i, h in enumerate(header)
    }
    assert column["V_REGION"][0] == "370000000000山东省本级"
    assert column["V_GBTYPE"][:3] == ["身份证", "港澳台居民居住证", None]
    assert column["V_GENDER"][:3] == ["男", "女", None]
    assert column["V_LEVEL"][:5] == ["正高级", "副高级", "中级", "初级", None]
    assert column["V_POS"][:18] == [*range(1, 18), None]
    assert column["V_WT"][:17] == [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    assert column["V_DIGIT"][:11] == [*"0123456789", None]
    assert column["V_P8"][:9] == [*range(1, 9), None]
    # A group: canonical names first, its aliases after them with a blank canonical key.
    assert list(zip(column["V_TKEY"], column["V_TKEYC"], column["V_TNAME"], strict=True))[:4] == [
        ("012 技工学校教师|正高级", "012 技工学校教师|正高级", "正高级讲师"),
        ("012 技工学校教师|正高级", "012 技工学校教师|正高级", "正高级实习指导教师"),
        ("012 技工学校教师|正高级", None, "技工学校教师-正高级 实习指导教师"),
        ("012 技工学校教师|副高级", "012 技工学校教师|副高级", "高级讲师"),
    ]
    assert column["V_TPAIR"][:2] == [
        "012 技工学校教师|正高级|正高级讲师",
        "012 技工学校教师|正高级|正高级实习指导教师",
    ]
    assert ws["A2"].data_type == "s" and ws["O2"].data_type == "s"
    assert ws["A2"].number_format == "@"


# --- layout ---------------------------------------------------------------------------------


def test_rows_1_to_4_follow_the_notice(sheet: Any) -> None:
    assert sheet["A1"].value == "附件 1: 数据梳理格式模板 (职称证书信息)"
    assert (sheet["A2"].value, sheet["B2"].value, sheet["I2"].value) == (
        "填报单位名称 (公章):",
        "日照市技师学院",
        "负责人 (签字):",
    )
    assert [sheet.cell(3, c).value for c in range(1, 13)] == list(range(1, 13))
    assert [sheet.cell(4, c).value for c in range(1, 13)] == HEADERS
    assert sheet["M4"].value == "本行校验"
    assert {str(r) for r in sheet.merged_cells.ranges} == {"A1:L1", "B2:H2", "J2:L2", "A7:L7"}


def test_example_row_has_a_valid_synthetic_id_and_is_marked(sheet: Any) -> None:
    row = [sheet.cell(5, c).value for c in range(1, 14)]
    assert row == [
        "370000000000山东省本级",
        "鲁0120200000001",
        "身份证",
        "370102197308291814",
        "张三",
        "男",
        "012 技工学校教师",
        "正高级",
        "技工学校教师-正高级 实习指导教师",
        "20191119",
        "山东省人力资源和社会保障厅",
        "山东省人力资源和社会保障厅",
        "示例",
    ]
    assert idcard.has_valid_check_char(row[3]) and int(row[3][16]) % 2 == 1
    assert sheet["D5"].font.i and sheet["D5"].font.color.rgb == "FF808080"
    assert sheet["D5"].protection.locked


def test_example_row_passes_every_error_rule(vocab: Vocab, sheet: Any) -> None:
    values = {c.key: sheet.cell(5, c.index + 1).value for c in COLUMNS}
    found = rules.evaluate(RowData(values, values), vocab)
    assert [(rule.code, detail) for rule, detail in found] == [
        ("title-alias", "正高级实习指导教师")
    ]


def test_explanations_and_instructions(sheet: Any) -> None:
    assert [sheet.cell(6, c).value for c in range(1, 13)] == EXPLANATIONS
    assert sheet["A7"].value.startswith("填表说明: 1. 行政区划代码: 请从下拉菜单中选择")
    assert sheet["A7"].alignment.wrap_text
    assert sheet.row_dimensions[7].height >= 60
    assert sheet.row_dimensions[6].height >= 60


def test_column_widths_follow_the_layout(sheet: Any) -> None:
    # xlsxwriter merges equal neighbours into one <col min max>; openpyxl keys it by the first.
    widths: dict[int, float] = {}
    for dim in sheet.column_dimensions.values():
        for index in range(dim.min, dim.max + 1):
            widths[index] = round(dim.width)
    assert [widths[i] for i in range(1, 14)] == [27, 19, 17, 22, 11, 7, 19, 10, 23, 12, 25, 25, 31]


@pytest.mark.parametrize("cell", ["A8", "B8", "D8", "J8", "L8", "D2007", "J2007"])
def test_input_cells_are_unlocked_text(sheet: Any, cell: str) -> None:
    assert (sheet[cell].number_format, sheet[cell].protection.locked) == ("@", False)


@pytest.mark.parametrize("cell", ["A4", "D5", "A6", "A7", "M8", "M2"])
def test_other_cells_are_locked(sheet: Any, cell: str) -> None:
    assert sheet[cell].protection.locked


def test_input_block_ends_at_the_campaign_row_count(sheet: Any) -> None:
    assert sheet.max_row == 2007
    assert sheet["Q2007"].value.startswith('=IF(COUNTA($A2007:$L2007)=0,"",')


def test_print_and_view_setup(sheet: Any) -> None:
    assert sheet.freeze_panes == "A5"
    assert (sheet.page_setup.orientation, int(sheet.page_setup.paperSize)) == ("landscape", 9)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert (sheet.page_setup.fitToWidth or 1, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.print_title_rows == "$3:$4"
    assert sheet.print_area == "'附件1'!$A$1:$M$2007"
    assert sheet.oddFooter.center.text == "第 &P 页 共 &N 页"


# --- validations and formulas -------------------------------------------------------------


def test_data_validations(sheet: Any) -> None:
    found = [
        (str(dv.sqref), dv.type, dv.formula1, dv.errorStyle or "stop")
        for dv in sheet.data_validations.dataValidation
    ]
    assert found == VALIDATIONS
    assert all(len(f) <= 255 for _, _, f, _ in found if f)


def test_validation_texts_fit_excel_limits(sheet: Any) -> None:
    for dv in sheet.data_validations.dataValidation:
        assert dv.allow_blank and not dv.showDropDown
        assert dv.promptTitle in HEADERS and len(dv.prompt) <= 255
        if dv.type is not None:
            assert dv.errorTitle in ("输入有误", "请核对") and len(dv.error) <= 224


def test_title_dropdown_is_a_short_formula_not_an_inline_list(vocab: Vocab, sheet: Any) -> None:
    inline = ",".join(t.name for t in vocab.titles)
    assert len(inline) > 255
    title = next(dv for dv in sheet.data_validations.dataValidation if str(dv.sqref)[0] == "I")
    assert title.formula1 == TITLE_DROPDOWN


def test_check_column_lists_error_hints_in_rule_order(sheet: Any) -> None:
    assert sheet["M8"].value == CHECK
    hints = [sheet[f"{c}8"].value for c in "QR"]
    assert hints[0].startswith('=IF(COUNTA($A8:$L8)=0,"",IF(NOT(A8<>""),"行政区划代码未填写",')
    found = [h for f in hints for h in re.findall(r'\),"([^"]*[^\x00-\x7f][^"]*)",', f)]
    assert found == HINTS_IN_ORDER
    assert all(len(f) - 1 <= 8192 and checkcolumn.nesting_depth(f) <= 64 for f in hints)


def test_shared_sub_expressions_are_helper_columns(sheet: Any) -> None:
    assert sheet["N8"].value.startswith("=IF(ISNUMBER(MATCH($C8,V_GBTYPE,0)),")
    assert sheet["O8"].value.startswith("=AND($N8,LEN($D8)=18,")
    assert sheet["P8"].value.startswith("=SUBSTITUTE(SUBSTITUTE(")
    assert "IF($O8,EXACT(" in sheet["Q8"].value  # the checksum reads the shape flag


def test_duplicate_helpers_name_the_first_occurrence(sheet: Any) -> None:
    assert sheet["S8"].value.startswith('=IF(COUNTA($C8,$D8,$I8)=0,"",SUBSTITUTE(')
    assert sheet["T8"].value == '=IF(S8="",0,IFERROR(MATCH(S8,$S$7:S7,0)+6,ROW()))'
    assert sheet["S7"].value is None  # the lookup starts at the header row: no key there


def test_helper_columns_are_hidden_and_locked(sheet: Any, template: bytes) -> None:
    xml = _part(template, "xl/worksheets/sheet1.xml")
    assert '<col min="14" max="20" width="0" hidden="1" customWidth="1"/>' in xml
    assert all(sheet[f"{c}9"].protection.locked for c in "NOPQRST")


def test_check_formula_moves_with_its_row(sheet: Any) -> None:
    assert sheet["M9"].value == CHECK.replace("8", "9")
    assert sheet["Q9"].value.startswith('=IF(COUNTA($A9:$L9)=0,"",IF(NOT(A9<>""),')
    assert sheet["T9"].value == '=IF(S9="",0,IFERROR(MATCH(S9,$S$7:S8,0)+6,ROW()))'
    for c in "NOPQRS":
        assert re.search(r"(?<![$0-9])\$?[A-T]8(?![0-9])", sheet[f"{c}9"].value) is None


def test_check_cells_are_shared_formulas_caching_an_empty_text(template: bytes) -> None:
    xml = _part(template, "xl/worksheets/sheet1.xml")
    assert re.search(
        r'<c r="Q8" s="\d+"><f t="shared" ref="Q8:Q2007" si="4">IF\(COUNTA[^<]*</f><v></v></c>',
        xml,
    )
    assert re.search(r'<c r="Q9" s="\d+"><f t="shared" si="4"/><v></v></c>', xml)
    assert len(xml) < 1_500_000


def test_no_formula_is_volatile(template: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(template)) as z:
        xml = "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xml"))
    texts = re.findall(r"<(?:f|formula|formula1|definedName)\b[^>]*>([^<]*)<", xml)
    assert len(texts) > 50
    called = {name for t in texts for name in re.findall(r"([A-Z][A-Z0-9.]*)\(", t)}
    assert called and called.isdisjoint(fx.VOLATILE_FUNCTIONS), called


def test_summary_counts_the_check_column(sheet: Any) -> None:
    assert sheet["M2"].value == '="本表共 "&SUMPRODUCT(--($M$8:$M$2007<>""))&" 行有问题"'


def test_conditional_formats_per_column(sheet: Any) -> None:
    per_range: dict[str, int] = {}
    formulas: list[str] = []
    for cf in sheet.conditional_formatting:
        per_range[str(cf.sqref)] = len(cf.rules)
        formulas += [rule.formula[0] for rule in cf.rules]
    assert per_range == {
        "A8:A2007": 2,
        "B8:B2007": 1,
        "C8:C2007": 1,
        "D8:D2007": 3,
        "E8:E2007": 1,
        "F8:F2007": 2,
        "G8:G2007": 2,
        "H8:H2007": 2,
        "I8:I2007": 1,
        "J8:J2007": 2,
        "K8:K2007": 2,
        "L8:L2007": 2,
    }
    assert all(len(f) <= 255 and "!" not in f for f in formulas)
    known, current = (
        f"IF(ISNUMBER(MATCH(A8,{n},0)),EXACT(INDEX({n},MATCH(A8,{n},0)),A8),FALSE)"
        for n in ("V_REGION_ALL", "V_REGION")
    )
    assert formulas[:2] == [
        f'AND(COUNTA($A8:$L8)>0,OR(NOT(A8<>""),NOT({known})))',
        f'AND(COUNTA($A8:$L8)>0,A8<>"",NOT(IF({known},{current},TRUE)))',
    ]
    # A rule too long for a conditional format marks its cell while it is the row's first.
    assert 'NOT($M8<>"证件号码校验位错误")' in " ".join(formulas)


def test_error_highlights_take_priority_over_warnings(sheet: Any) -> None:
    rules_a = next(cf for cf in sheet.conditional_formatting if str(cf.sqref) == "A8:A2007").rules
    red, yellow = sorted(rules_a, key=lambda r: r.priority)
    assert "OR(NOT(A8" in red.formula[0] and 'A8<>"",NOT(IF' in yellow.formula[0]


def test_a_validation_over_255_characters_fails_the_build(
    vocab: Vocab, unit: Unit, private_key: Ed25519PrivateKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(vocabsheet, "MAX_DV_BODY", 1000)  # the date column's would be 400
    with pytest.raises(TemplateError) as caught:
        build_template(vocab, unit, private_key, issued_at=ISSUED_AT, rows=10)
    assert caught.value.code == "formula-too-long"


def test_an_xlsxwriter_warning_fails_the_build(
    vocab: Vocab, unit: Unit, private_key: Ed25519PrivateKey
) -> None:
    too_long = {(0, "name"): "长" * 40_000}  # Excel caps comments at 32,767 characters
    with pytest.raises(TemplateError) as caught:
        build_template(vocab, unit, private_key, issued_at=ISSUED_AT, rows=10, marks=too_long)
    assert caught.value.code == "xlsxwriter-rejected"


# --- protection -----------------------------------------------------------------------------


def test_data_sheet_protection(sheet: Any, private_key: Ed25519PrivateKey, book: Any) -> None:
    p = sheet.protection
    password = sheet_password(private_key, _identity(book).template_id)
    assert p.sheet and p.password == hash_password(password)
    blocked = {
        "selectLockedCells": p.selectLockedCells,
        "selectUnlockedCells": p.selectUnlockedCells,
        "formatCells": p.formatCells,
        "formatColumns": p.formatColumns,
        "formatRows": p.formatRows,
        "insertColumns": p.insertColumns,
        "insertRows": p.insertRows,
        "deleteColumns": p.deleteColumns,
        "deleteRows": p.deleteRows,
        "sort": p.sort,
        "autoFilter": p.autoFilter,
    }
    assert blocked == {
        "selectLockedCells": True,
        "selectUnlockedCells": False,
        "formatCells": True,
        "formatColumns": False,
        "formatRows": True,
        "insertColumns": True,
        "insertRows": True,
        "deleteColumns": True,
        "deleteRows": True,
        "sort": True,
        "autoFilter": True,
    }


@pytest.mark.parametrize("name", ["_vocab", "_checksum"])
def test_hidden_sheets_are_protected(book: Any, name: str) -> None:
    assert book[name].protection.sheet and book[name].protection.password


def test_workbook_structure_is_locked(
    template: bytes, book: Any, private_key: Ed25519PrivateKey
) -> None:
    password = sheet_password(private_key, _identity(book).template_id)
    xml = _part(template, "xl/workbook.xml")
    tag = f'<workbookProtection workbookPassword="{hash_password(password)}" lockStructure="1"/>'
    assert re.search(r"<workbookPr\b[^>]*/>" + re.escape(tag) + "<bookViews>", xml)
    assert book.security.lockStructure


def test_zip_entries_keep_fixed_timestamps(template: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(template)) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}


# --- identity --------------------------------------------------------------------------------


def test_identity_on_the_checksum_sheet_verifies(
    book: Any, public_key: Ed25519PublicKey, vocab: Vocab
) -> None:
    identity = _identity(book)
    assert verify_identity(identity, public_key)
    assert (identity.unit_name, identity.campaign, identity.issued_at) == (
        "日照市技师学院",
        "rizhao-2021",
        "2021-03-17T08:00:00Z",
    )
    assert identity.vocab_fingerprint == vocab.fingerprint
    cells = [c.value for c in book["_checksum"]["A"]]
    # a template, not a correction: no corrects / source_rows rows
    assert cells == [f for f in FIELD_NAMES if f not in ("corrects", "source_rows")]
    assert all(c.data_type == "s" for c in book["_checksum"]["B"] if c.value)


@pytest.mark.parametrize("field", FIELD_NAMES, ids=FIELD_NAMES)
def test_identity_fails_when_any_field_is_altered(
    book: Any, public_key: Ed25519PublicKey, field: str
) -> None:
    identity = _identity(book)
    value = getattr(identity, field)
    altered = value[:-2] + ("AA" if value[-2:] != "AA" else "BB") if value else "x"
    assert not verify_identity(dataclasses.replace(identity, **{field: altered}), public_key)


def test_checksum_sheet_moved_to_another_units_file_fails(
    book: Any, public_key: Ed25519PublicKey
) -> None:
    # Unit Y's file carrying unit X's checksum sheet: the reader compares the unit it was
    # sent to; rewriting unit_name to match breaks the signature.
    identity = _identity(book)
    moved = dataclasses.replace(identity, unit_name="日照市档案馆")
    assert not verify_identity(moved, public_key)


def test_identity_json_is_split_into_short_document_properties(template: bytes, book: Any) -> None:
    root = ElementTree.fromstring(_part(template, "docProps/custom.xml"))
    props = {p.get("name"): "".join(p.itertext()) for p in root}
    assert list(props) == ["titletemplate_identity", "titletemplate_identity_2"]
    assert all(len(v) <= 255 for v in props.values())
    joined = json.loads(props["titletemplate_identity"] + props["titletemplate_identity_2"])
    assert "corrects" not in joined  # a template, not a correction: as before the field existed
    assert joined | {"corrects": "", "source_rows": ""} == dataclasses.asdict(_identity(book))


def test_created_date_comes_from_issued_at(template: bytes) -> None:
    xml = _part(template, "docProps/core.xml")
    assert (
        '<dcterms:created xsi:type="dcterms:W3CDTF">2021-03-17T08:00:00Z</dcterms:created>' in xml
    )


def test_same_inputs_give_identical_bytes(
    template: bytes, vocab: Vocab, unit: Unit, private_key: Ed25519PrivateKey
) -> None:
    assert build_template(vocab, unit, private_key, issued_at=ISSUED_AT) == template


# --- prefill and marks ------------------------------------------------------------------------


def test_prefill_and_marks(vocab: Vocab, unit: Unit, private_key: Ed25519PrivateKey) -> None:
    prefill = [
        {"region_code": "370000000000山东省本级", "id_number": "370102197308291810"},
        {"name": "=1+1", "issue_date": "20190101"},
    ]
    marks = {(0, "id_number"): "证件号码校验位错误, 请核对。"}
    data = build_template(
        vocab, unit, private_key, issued_at=ISSUED_AT, rows=10, prefill=prefill, marks=marks
    )
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb["附件1"]
    assert (ws["A8"].value, ws["D8"].value, ws["E9"].value, ws["J9"].value) == (
        "370000000000山东省本级",
        "370102197308291810",
        "=1+1",
        "20190101",
    )
    assert ws["E9"].data_type == "s" and ws["A10"].value is None
    assert ws["D8"].comment.text == "证件号码校验位错误, 请核对。"
    assert ws["D8"].fill.fgColor.rgb == "FFFFC7CE" and ws["A8"].fill.fgColor.rgb != "FFFFC7CE"
    assert (ws["D8"].number_format, ws["D8"].protection.locked) == ("@", False)
    assert ws["A8"].comment is None
    assert next(str(dv.sqref) for dv in ws.data_validations.dataValidation) == "A8:A17"
    assert ws.print_area == "'附件1'!$A$1:$M$17"
    wb.close()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"rows": 0}, "rows must be"),
        ({"rows": 1, "prefill": [{}, {}]}, "do not fit"),
        ({"prefill": [{"nickname": "x"}]}, "unknown column keys"),
        ({"marks": {(0, "nickname"): "x"}}, "unknown column keys"),
        ({"rows": 5, "marks": {(5, "name"): "x"}}, "outside the input rows"),
    ],
    ids=["no-rows", "prefill-too-long", "prefill-key", "mark-key", "mark-row"],
)
def test_bad_requests_raise_value_error(
    vocab: Vocab, unit: Unit, private_key: Ed25519PrivateKey, kwargs: Any, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        build_template(vocab, unit, private_key, issued_at=ISSUED_AT, **kwargs)


# --- files, batch and password -----------------------------------------------------------------


def test_write_template_is_atomic_and_returns_the_path(tmp_path: Path, template: bytes) -> None:
    path = write_template(tmp_path / "a.xlsx", template)
    assert path == tmp_path / "a.xlsx" and path.read_bytes() == template
    assert [p.name for p in tmp_path.iterdir()] == ["a.xlsx"]


def test_build_templates_writes_files_and_manifest(
    tmp_path: Path, vocab: Vocab, private_key: Ed25519PrivateKey
) -> None:
    units = list(vocab.units[:3])
    done: list[int] = []
    entries = build_templates(
        vocab,
        units,
        private_key,
        tmp_path,
        issued_at=ISSUED_AT,
        rows=10,
        jobs=2,
        progress=done.append,
    )
    assert sorted(done) == [1, 2, 3]
    assert [e.file for e in entries] == [
        "日照市人力资源和社会保障局.xlsx",
        "中共日照市委宣传部.xlsx",
        "日照市教育局.xlsx",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [e.file for e in entries] + ["manifest.csv"]
    )
    raw = (tmp_path / "manifest.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["unit", "code", "template_id", "file", "sha256"]
    for entry, row, unit in zip(entries, rows[1:], units, strict=True):
        data = (tmp_path / entry.file).read_bytes()
        assert row == [unit.name, unit.code, entry.template_id, entry.file, entry.sha256]
        assert entry.sha256 == hashlib.sha256(data).hexdigest()
        assert entry == ManifestEntry(
            unit.name,
            unit.code,
            make_identity(vocab, unit, ISSUED_AT, private_key).template_id,
            entry.file,
            entry.sha256,
        )


def test_build_templates_in_one_process_gives_the_same_files(
    tmp_path: Path, vocab: Vocab, private_key: Ed25519PrivateKey
) -> None:
    units = list(vocab.units[:2])
    serial = build_templates(
        vocab, units, private_key, tmp_path / "a", issued_at=ISSUED_AT, rows=5, jobs=1
    )
    pooled = build_templates(
        vocab, units, private_key, tmp_path / "b", issued_at=ISSUED_AT, rows=5, jobs=2
    )
    assert serial == pooled


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("日照市教育局", "日照市教育局"),
        ('a/b\\c:d*e?f"g<h>i|j', "a_b_c_d_e_f_g_h_i_j"),
        ("CON", "_CON"),
        (" . ", "_"),
    ],
    ids=["chinese", "reserved-chars", "reserved-name", "only-dots"],
)
def test_safe_file_name(name: str, expected: str) -> None:
    assert safe_file_name(name) == expected


def test_template_password_reads_the_checksum_sheet(
    tmp_path: Path, template: bytes, vocab: Vocab, unit: Unit, private_key: Ed25519PrivateKey
) -> None:
    path = write_template(tmp_path / "t.xlsx", template)
    expected = sheet_password(
        private_key, make_identity(vocab, unit, ISSUED_AT, private_key).template_id
    )
    assert template_password(path, private_key) == expected


def test_template_password_of_a_foreign_workbook(
    tmp_path: Path, private_key: Ed25519PrivateKey
) -> None:
    path = tmp_path / "foreign.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    workbook.add_worksheet("Sheet1").write_string(0, 0, "x")
    workbook.close()
    with pytest.raises(TemplateError) as caught:
        template_password(path, private_key)
    assert caught.value.code == "template-unsigned"


def test_every_check_hint_and_validation_text_exists() -> None:
    from titletemplate import messages, sheettexts

    needed = {r.code for r in rules.RULES if r.formula is not None} | set(rules.SHEET_RULES)
    assert needed <= set(messages.SHEET_HINTS)
    assert set(sheettexts.DV_PROMPTS) == {c.key for c in COLUMNS}
    assert all('"' not in h for h in messages.SHEET_HINTS.values())


def test_lock_structure_needs_workbook_pr() -> None:
    from titletemplate.template.protection import lock_structure

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook><sheets/></workbook>")
    with pytest.raises(TemplateError) as caught:
        lock_structure(buffer.getvalue(), "pw")
    assert caught.value.code == "workbook-pr-missing"


@pytest.mark.parametrize(
    ("formula", "depth"),
    [("A8", 0), ('IF(A8="(((",1,2)', 1), ("AND(OR(NOT(A8)),B8)", 3)],
    ids=["flat", "parens-in-strings", "nested"],
)
def test_nesting_depth_ignores_strings(formula: str, depth: int) -> None:
    assert checkcolumn.nesting_depth(formula) == depth


def test_row_chunks_move_only_relative_rows() -> None:
    chunks = checkcolumn.row_chunks('IF($A8="B8",SUM($C$8:$C$99),D8)', 8)
    assert str(12).join(chunks) == 'IF($A12="B8",SUM($C$8:$C$99),D12)'
    with pytest.raises(ValueError, match="not on row 8"):
        checkcolumn.row_chunks("A9", 8)
