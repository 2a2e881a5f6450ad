"""Every promise the comments of vocab/*.yaml make ("必须", "不能", "不要", ...) and what keeps it:
a `vocab check` code, shown by breaking the promise in a copy of the vocabulary, or the reason
vocab check cannot see it. A new promising comment fails test_every_promise_is_listed."""

# ruff: noqa: E501  (the tables below keep one promise per line, quoted as the files write it)
from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import NamedTuple

import pytest

from titletemplate.errors import VocabError
from titletemplate.vocab import DEFAULT_VOCAB_DIR, Vocab
from titletemplate.vocabcheck import check_vocab_dir, load_units


class Kept(NamedTuple):
    """`sentence` (a fragment of a comment line of `file`) is enforced: writing `new` for the
    first `old` in the file draws `code` for that entry."""

    file: str
    sentence: str
    old: str
    new: str
    code: str
    reported_in: str = ""  # when not `file`


class Unchecked(NamedTuple):
    file: str
    sentence: str
    reason: str


KEPT = [
    Kept("campaign.yaml", "8位日期 YYYYMMDD，加英文双引号", '"20100101"', "20100101", "vocab-not-quoted"),
    Kept("campaign.yaml", "8位日期 YYYYMMDD", '"20100101"', '"2010-01-01"', "vocab-date-window"),
    Kept("campaign.yaml", "本次只收发证日期在这个范围内", '"20100101"', '"20220101"', "vocab-date-window"),
    Kept("campaign.yaml", "批次代号（英文小写和短横线）", "code: rizhao-2021", "code: Rizhao_2021", "vocab-bad-value"),
    Kept("campaign.yaml", "deadline: 上报截止日期，8位日期", 'deadline: "20210326"', 'deadline: "20210230"', "vocab-date-window"),
    Kept("campaign.yaml", "rows: 每个模板留多少行", "rows: 2000", "rows: 0", "vocab-bad-value"),
    Kept("id_types.yaml", "必须与通知原文一字不差", "name: 护照", "name: 普通护照", "vocab-not-in-notice"),
    Kept("id_types.yaml", "code 是程序内部用的英文代号，不能重复", "code: passport", "code: id_card", "vocab-duplicate-code"),
    Kept("id_types.yaml", "check 是号码的检查方式", "check: pattern", "check: regex", "vocab-bad-value"),
    Kept("id_types.yaml", "号码必须以其中之一开头", '"830000"]', '"8300"]', "vocab-bad-value"),
    Kept("id_types.yaml", "反斜杠 \\ 不要删", "(\\([A-Z]\\))", "(([A-Z]\\))", "vocab-bad-value"),
    Kept("levels.yaml", "只有这四级，顺序从高到低，不要增删", "  - 初级\n", "", "vocab-not-in-notice"),
    Kept("orgs.yaml", "name = 机构官方全称，整个文件里不能重复", "name: 日照市体育局", "name: 日照市档案馆", "vocab-duplicate-name"),
    Kept("orgs.yaml", "旧名称也不能和别的 name 重复", "former: [日照市食品药品监督管理局]", "former: [日照市教育局]", "vocab-duplicate-name"),
    Kept("orgs.yaml", "roles（作用）", "roles: [review_body]", "roles: [reviewer]", "vocab-bad-value"),
    Kept("regions.yaml", "必须加英文双引号，因为有前导零", 'code: "371102000000"', "code: 371102000000", "vocab-not-quoted"),
    Kept("regions.yaml", "code = 12位代码", 'code: "371102000000"', 'code: "3711020"', "vocab-bad-value"),
    Kept("regions.yaml", "level = province（省）", "level: county", "level: town", "vocab-bad-value"),
    Kept("regions.yaml", "现行代码（没有 legacy 的行）不能重复", 'code: "371103000000"', 'code: "371102000000"', "vocab-duplicate-code"),
    Kept("regions.yaml", "“代码+名称”在整个文件里不能重复", '"370125000000", name: 济阳县', '"370102000000", name: 历下区', "vocab-duplicate-name"),
    Kept("regions.yaml", "parent 必须是本文件里已有的代码", 'parent: "371100000000"}', 'parent: "371199000000"}', "vocab-unknown-parent"),
    Kept("regions.yaml", "带 legacy: true（历史代码）和 years", ', years: "2016-2017"', "", "vocab-field-missing"),
    Kept("regions.yaml", "已取消的旧代码放在文件末尾", 'legacy: true, years: "2016-2018"}\n', 'legacy: true, years: "2016-2018"}\n  - {code: "371199000000", name: 某区, level: county, parent: "371100000000"}\n', "vocab-legacy-not-last"),
    Kept("routing.yaml", "office = 部门全称，必须与 units.yaml 里的 name 完全一致", "office: 日照市司法局", "office: 日照市司法处", "vocab-unknown-unit"),
    Kept("routing.yaml", "必须与 series.yaml 里的 name 完全一致", "series: 新闻,", "series: 新闻学,", "vocab-unknown-series"),
    Kept("routing.yaml", "levels = 负责的级别", "levels: [中级, 初级]}", "levels: [中级, 员级]}", "vocab-unknown-level"),
    Kept("series.yaml", "code 必须是3位数字", 'code: "901"', 'code: "9010"', "vocab-bad-value"),
    Kept("series.yaml", "加英文双引号", 'code: "012"', "code: 012", "vocab-not-quoted"),
    Kept("series.yaml", "code 和 name 都不能重复", 'code: "902"', 'code: "901"', "vocab-duplicate-code"),
    Kept("series.yaml", "code 和 name 都不能重复", "name: 中等职业学校教师", "name: 高等学校教师", "vocab-duplicate-name"),
    Kept("series.yaml", "titles.yaml 和 routing.yaml 用它对应", "name: 档案,", "name: 档案管理,", "vocab-unknown-series", "titles.yaml"),
    Kept("titles.yaml", "必须是 series.yaml 里的 name", "{series: 高等学校教师, level: 正高级", "{series: 高校教师, level: 正高级", "vocab-unknown-series"),
    Kept("titles.yaml", "level = 职称级别（正高级/副高级/中级/初级）", "{series: 高等学校教师, level: 正高级", "{series: 高等学校教师, level: 高级", "vocab-unknown-level"),
    Kept("titles.yaml", "同一个系列、同一个级别下，职称名称不能重复", "level: 初级, name: 二级实习指导教师}", "level: 初级, name: 助理讲师}", "vocab-duplicate-name"),
    Kept("titles.yaml", "顺序: 按 series.yaml 的系列顺序排", "level: 中级, name: 讲师}\n  - {series: 高等学校教师, level: 初级", "level: 初级, name: 讲师}\n  - {series: 高等学校教师, level: 中级", "vocab-title-order"),
    Kept("titles.yaml", "同一系列同一级别的条目必须连在一起", "level: 副高级, name: 高级实习指导教师}", "level: 初级, name: 高级实习指导教师}", "vocab-title-group-split"),
    Kept("titles.yaml", "别名不能和同一系列同一级别的正式名称相同", "aliases: [技工学校教师-正高级 实习指导教师]", "aliases: [正高级讲师]", "vocab-duplicate-name"),
    Kept("titles.yaml", "名称里不要用竖线 |、英文逗号 , 和英文双引号", "name: 助教}", "name: 助教|一}", "vocab-bad-character"),
    Kept("units.yaml", "name = 单位官方全称，整个文件里不能重复", "name: 日照市体育局,", "name: 日照市档案馆,", "vocab-duplicate-name"),
    Kept("units.yaml", "supervisor 都要与这里的 name 完全一致", "supervisor: 日照市教育局", "supervisor: 日照市教委", "vocab-unknown-unit"),
    Kept("units.yaml", "kind（单位类型）", "kind: employer, supervisor: 日照市教育局", "kind: school, supervisor: 日照市教育局", "vocab-bad-value"),
    Kept("units.yaml", "short = 附件2里的简称（只给 office 填）", 'kind: district_bureau, region: "371102000000"', 'kind: district_bureau, short: 东港区人社局, region: "371102000000"', "vocab-short-not-office"),
    Kept("units.yaml", "必须是 regions.yaml 里有的代码", 'region: "371102000000"', 'region: "379999000000"', "vocab-unknown-region"),
    Kept("units.yaml", "加英文双引号）。", 'region: "371102000000"', "region: 371102000000", "vocab-not-quoted"),
    Kept("units.yaml", "必须是本文件里 office 的 name", "supervisor: 日照市教育局", "supervisor: 东港区人力资源和社会保障局", "vocab-supervisor-not-office"),
    Kept("units.yaml", "必须按 GB 32100-2015 算对", '"123711000000000198"', '"123711000000000199"', "vocab-bad-credit-code"),
    Kept("units.yaml", "可不填，加英文双引号", '"123711000000000198"', "123711000000000198", "vocab-not-quoted"),
]  # fmt: skip

UNCHECKED = [
    Unchecked("campaign.yaml", "只要改 name、code 和这两个日期", "advice on the next campaign"),
    Unchecked("campaign.yaml", "每一期不能重复", "earlier campaigns are not in the vocabulary; ingest rejects a template of another campaign (template-wrong-campaign)"),
    Unchecked("campaign.yaml", "按通知原文写", "free text"),
    Unchecked("id_types.yaml", "code 是程序内部用的英文代号，不能重复，不要改", "not to change: no earlier version to compare with (the duplicate half is KEPT)"),
    Unchecked("id_types.yaml", "只按下面的 pattern", "what the ID rules do (id-number-pattern), not a property of the file"),
    Unchecked("id_types.yaml", "程序先把输入转成大写再检查", "what normalize does to cells"),
    Unchecked("id_types.yaml", "护照: 只检查格式", "describes the rule id-number-pattern"),
    Unchecked("id_types.yaml", "标“未核实”的格式以后核实了可以收紧", "advice"),
    Unchecked("orgs.yaml", "通知要求“填写机构官方全称”", "a rule for the filled rows: issuer-unknown, review-body-unknown"),
    Unchecked("regions.yaml", "不要删除", "deleting rows: no earlier version to compare with"),
    Unchecked("routing.yaml", "以“# 原文:”开头的注释是附件2的原文", "comments are for people"),
    Unchecked("routing.yaml", "通知用词和系列名称的对应", "a mapping for people"),
    Unchecked("routing.yaml", "原文:", "the notice's words, quoted"),
    Unchecked("series.yaml", "只有 012 技工学校教师", "provenance"),
    Unchecked("series.yaml", "目前只有 012 是确认的", "provenance"),
    Unchecked("series.yaml", "要逐个改成正式代码", "vocab check counts the placeholders left in its summary"),
    Unchecked("series.yaml", "note 是备注，只给人看", "free text"),
    Unchecked("titles.yaml", "不要删除", "deleting rows: no earlier version to compare with"),
    Unchecked("titles.yaml", "不能只归到其中一个", "a decision about one entry, for people"),
    Unchecked("titles.yaml", "各专业的名单可能不全", "provenance"),
    Unchecked("titles.yaml", "只有部分省份设置", "provenance"),
]  # fmt: skip

PROMISE = re.compile(r"必须|不能|不要|只|一致|不得|要与|要一起|要逐个")


def _promising_lines() -> list[tuple[str, int, str]]:
    out = []
    for path in sorted(DEFAULT_VOCAB_DIR.glob("*.yaml")):
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            comment = line.partition("#")[2] if line.lstrip().startswith("#") else ""
            if PROMISE.search(comment):
                out.append((path.name, number, comment))
    return out


def test_every_promise_is_listed() -> None:
    listed = [(p.file, p.sentence) for p in KEPT] + [(u.file, u.sentence) for u in UNCHECKED]
    missing = [
        f"{file}:{number}: {comment.strip()}"
        for file, number, comment in _promising_lines()
        if not any(f == file and s in comment for f, s in listed)
    ]
    assert missing == [], "list these comments in KEPT or UNCHECKED"


def test_every_listed_sentence_is_in_its_file() -> None:
    texts = {p.name: p.read_text("utf-8") for p in DEFAULT_VOCAB_DIR.glob("*.yaml")}
    listed = [(p.file, p.sentence) for p in KEPT] + [(u.file, u.sentence) for u in UNCHECKED]
    assert [(f, s) for f, s in listed if s not in texts[f]] == []


def test_the_real_vocabulary_keeps_every_promise() -> None:
    assert check_vocab_dir(DEFAULT_VOCAB_DIR)[1] == []


@pytest.mark.parametrize("kept", KEPT, ids=[f"{k.file}-{k.code}-{i}" for i, k in enumerate(KEPT)])
def test_breaking_a_promise_draws_its_code(tmp_path: Path, kept: Kept) -> None:
    target = tmp_path / "vocab"
    shutil.copytree(DEFAULT_VOCAB_DIR, target)
    path = target / kept.file
    text = path.read_text("utf-8")
    assert kept.old in text
    at = text[: text.index(kept.old)].count("\n") + 1
    path.write_text(text.replace(kept.old, kept.new, 1), "utf-8")
    _, problems = check_vocab_dir(target)
    where = (kept.reported_in or kept.file, kept.code)
    assert where in [(p.file, p.code) for p in problems], [p.render() for p in problems]
    if not kept.reported_in:  # at the entry (a block mapping starts a few lines up)
        lines = [p.line for p in problems if (p.file, p.code) == where]
        assert any(at - 12 <= line <= at + 4 for line in lines), (at, lines)


def test_a_bureaus_own_units_file_is_checked_against_the_vocabulary(
    tmp_path: Path, vocab: Vocab
) -> None:
    path = tmp_path / "units.yaml"
    path.write_text(
        "units:\n"
        '  - {name: 某局, kind: district_bureau, region: "379999000000"}\n'
        '  - {name: 某公司, kind: employer, supervisor: 某局, code: "123711000000000199"}\n',
        "utf-8",
    )
    with pytest.raises(VocabError) as caught:
        load_units(path, vocab)
    problems = caught.value.problems
    assert [(p.file, p.line, p.code) for p in problems] == [  # type: ignore[attr-defined]
        ("units.yaml", 2, "vocab-unknown-region"),
        ("units.yaml", 3, "vocab-bad-credit-code"),
        ("units.yaml", 3, "vocab-supervisor-not-office"),
    ]
