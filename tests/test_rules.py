"""Every rule with literal valid and invalid rows, through validate_row."""

from __future__ import annotations

import pytest
from helpers_ingest import GOOD

from titletemplate.columns import COLUMNS
from titletemplate.errors import CATALOGUE
from titletemplate.ingest.validate import validate_row
from titletemplate.rules import RULES
from titletemplate.vocab import Vocab


def _codes(vocab: Vocab, **changes: object) -> list[tuple[str, str]]:
    row = {**GOOD, **changes}
    checked = validate_row([row[c.key] for c in COLUMNS], vocab)
    return [(f.code, f.column) for f in checked.findings]


def test_good_row_has_no_findings(vocab: Vocab) -> None:
    assert _codes(vocab) == []


def test_notice_example_id_fails_the_check_digit(vocab: Vocab) -> None:
    assert _codes(vocab, id_number="370102197308291817") == [("id-number-checksum", "id_number")]


CASES = [
    ("region-missing", {"region_code": ""}, [("region-missing", "region_code")]),
    (
        "region-unknown",
        {"region_code": "110000000000北京市本级"},
        [("region-unknown", "region_code")],
    ),
    (
        "region-legacy",
        {"region_code": "371172000000日照国际海洋城"},
        [("region-legacy", "region_code")],
    ),
    ("region-code-alone", {"region_code": "371100000000"}, [("region-unknown", "region_code")]),
    ("cert-no-empty-ok", {"cert_no": ""}, []),
    ("cert-no-space", {"cert_no": "鲁012 0200"}, [("cert-no-whitespace", "cert_no")]),
    ("cert-no-lossy", {"cert_no": 1.2345678901234567e20}, [("cert-no-precision-lost", "cert_no")]),
    ("id-type-missing", {"id_type": ""}, [("id-type-missing", "id_type")]),
    ("id-type-unknown", {"id_type": "军官证"}, [("id-type-unknown", "id_type")]),
    ("id-missing", {"id_number": ""}, [("id-number-missing", "id_number")]),
    ("id-float", {"id_number": 3.70102197308292e17}, [("id-number-precision-lost", "id_number")]),
    ("id-15", {"id_number": "370102730829181"}, [("id-number-15-digit", "id_number")]),
    ("id-17", {"id_number": "37010219730829181"}, [("id-number-length", "id_number")]),
    ("id-19", {"id_number": "3701021973082918145"}, [("id-number-length", "id_number")]),
    ("id-letter", {"id_number": "37010219730829A814"}, [("id-number-chars", "id_number")]),
    ("id-birth", {"id_number": "370102197302301812"}, [("id-number-birth-date", "id_number")]),
    ("id-lower-x", {"id_number": "11010119900307803x", "gender": "男"}, []),
    (
        "id-region-unknown",
        {"id_number": "379902197308291816"},
        [("id-number-region-unknown", "id_number")],
    ),
    (
        "permit-ok",
        {"id_type": "港澳台居民居住证", "id_number": "810000199408230021", "gender": "女"},
        [],
    ),
    (
        "permit-prefix",
        {"id_type": "港澳台居民居住证", "id_number": "370102197308291814"},
        [("id-number-prefix", "id_number")],
    ),
    ("passport-ok", {"id_type": "护照", "id_number": "E12345678"}, []),
    (
        "passport-pattern",
        {"id_type": "护照", "id_number": "E-1234"},
        [("id-number-pattern", "id_number")],
    ),
    (
        "passport-numeric",
        {"id_type": "台湾居民来往大陆通行证", "id_number": 12345678},
        [("id-number-numeric", "id_number")],
    ),
    ("name-missing", {"name": ""}, [("name-missing", "name")]),
    ("name-digit", {"name": "张3"}, [("name-invalid", "name")]),
    ("gender-missing", {"gender": ""}, [("gender-missing", "gender")]),
    ("gender-unknown", {"gender": "M"}, [("gender-unknown", "gender")]),
    ("gender-mismatch", {"gender": "女"}, [("gender-id-mismatch", "gender")]),
    ("gender-passport", {"id_type": "护照", "id_number": "E12345678", "gender": "女"}, []),
    ("series-missing", {"series": ""}, [("series-missing", "series")]),
    ("series-free-text", {"series": "技工院校教师"}, [("series-unknown", "series")]),
    ("level-missing", {"level": ""}, [("level-missing", "level")]),
    ("level-free-text", {"level": "高级"}, [("level-unknown", "level")]),
    ("title-missing", {"title_name": ""}, [("title-missing", "title_name")]),
    ("title-unknown", {"title_name": "特级实习指导教师"}, [("title-unknown", "title_name")]),
    ("title-wrong-series", {"title_name": "正高级工程师"}, [("title-not-in-series", "title_name")]),
    ("title-wrong-level", {"title_name": "讲师"}, [("title-not-in-series", "title_name")]),
    (
        "title-alias",
        {"title_name": "技工学校教师-正高级 实习指导教师"},
        [("title-alias", "title_name")],
    ),
    (
        "title-alias-engineer",
        {"series": "912 工程技术", "title_name": "教授级高级工程师"},
        [("title-alias", "title_name")],
    ),
    ("date-missing", {"issue_date": ""}, [("issue-date-missing", "issue_date")]),
    ("date-format", {"issue_date": "201911"}, [("issue-date-format", "issue_date")]),
    ("date-invalid", {"issue_date": "20190229"}, [("issue-date-invalid", "issue_date")]),
    ("date-leap-ok", {"issue_date": "20200229"}, []),
    ("date-too-early", {"issue_date": "20091231"}, [("issue-date-out-of-window", "issue_date")]),
    ("date-too-late", {"issue_date": "20210327"}, [("issue-date-out-of-window", "issue_date")]),
    ("date-edges-ok", {"issue_date": "20100101"}, []),
    ("date-converted", {"issue_date": "2019-11-19"}, [("issue-date-converted", "issue_date")]),
    (
        "date-converted-invalid",
        {"issue_date": "2019-02-29"},
        [("issue-date-converted", "issue_date"), ("issue-date-invalid", "issue_date")],
    ),
    (
        "date-before-adult",
        {"id_number": "370102200501011815", "issue_date": "20200101"},
        [("issue-date-before-adult", "issue_date")],
    ),
    ("issuer-missing", {"issuer": ""}, [("issuer-missing", "issuer")]),
    ("issuer-unknown", {"issuer": "山东省人社厅"}, [("issuer-unknown", "issuer")]),
    ("review-missing", {"review_body": ""}, [("review-body-missing", "review_body")]),
    ("review-unknown", {"review_body": "某某评委会"}, [("review-body-unknown", "review_body")]),
]


@pytest.mark.parametrize(("changes", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_rule(vocab: Vocab, changes: dict[str, object], expected: list[tuple[str, str]]) -> None:
    assert _codes(vocab, **changes) == expected


def test_an_error_in_a_column_stops_later_rules_on_it(vocab: Vocab) -> None:
    # 17 characters: the length error hides checksum, birth date and gender comparisons.
    assert _codes(vocab, id_number="3701021973023018", gender="女") == [
        ("id-number-length", "id_number")
    ]


def test_every_rule_code_is_in_the_catalogue_and_unique() -> None:
    codes = [r.code for r in RULES]
    assert len(codes) == len(set(codes))
    assert all(code in CATALOGUE for code in codes)


def test_every_rule_reads_known_columns() -> None:
    keys = {c.key for c in COLUMNS}
    assert all(set(r.columns) <= keys for r in RULES)


def test_all_twelve_columns_are_covered() -> None:
    assert {r.target for r in RULES} == {c.key for c in COLUMNS}


def test_canonical_values(vocab: Vocab) -> None:
    checked = validate_row(
        [
            {
                **GOOD,
                "title_name": "技工学校教师-正高级 实习指导教师",
                "id_number": "11010119900307803x",
                "gender": "男",
            }[c.key]
            for c in COLUMNS
        ],
        vocab,
    )
    assert checked.values["title_name"] == "正高级实习指导教师"
    assert checked.values["id_number"] == "11010119900307803X"
    assert checked.ok
