from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from titletemplate.cli import main
from titletemplate.errors import VocabError
from titletemplate.vocab import DEFAULT_VOCAB_DIR, Vocab
from titletemplate.vocabcheck import check_vocab_dir, load_vocab


def test_real_vocabulary_counts(vocab: Vocab) -> None:
    assert len([r for r in vocab.regions if not r.legacy]) == 168
    assert len([r for r in vocab.regions if r.legacy]) == 18
    assert [t.name for t in vocab.id_types] == [
        "身份证",
        "护照",
        "港澳台居民居住证",
        "香港特区护照/港澳居民来往内地通行证",
        "澳门特区护照/港澳居民来往内地通行证",
        "台湾居民来往大陆通行证",
    ]
    assert vocab.levels == ("正高级", "副高级", "中级", "初级")
    assert vocab.series[0].display == "012 技工学校教师"
    assert sum(s.placeholder for s in vocab.series) == 36
    assert vocab.campaign.issue_date_from == dt.date(2010, 1, 1)
    assert vocab.campaign.issue_date_to == dt.date(2021, 3, 26)
    assert vocab.campaign.rows == 2000


def test_region_display_follows_the_notice(vocab: Vocab) -> None:
    displays = [r.display for r in vocab.regions]
    assert displays[0] == "370000000000山东省本级"
    assert "371100000000日照市本级" in displays
    assert "371102000000东港区" in displays


def _copy_vocab(tmp_path: Path) -> Path:
    target = tmp_path / "vocab"
    shutil.copytree(DEFAULT_VOCAB_DIR, target)
    return target


def _line_of(path: Path, needle: str) -> int:
    return next(
        i for i, line in enumerate(path.read_text("utf-8").splitlines(), 1) if needle in line
    )


def test_fingerprint_ignores_formatting_and_key_order(tmp_path: Path, vocab: Vocab) -> None:
    target = _copy_vocab(tmp_path)
    series = target / "series.yaml"
    text = series.read_text("utf-8").replace(
        '  - {code: "012", name: 技工学校教师}',
        '  - name: 技工学校教师   # 已确认\n    code: "012"',
    )
    series.write_text("# 重新排版\n" + text, "utf-8")
    assert load_vocab(target).fingerprint == vocab.fingerprint


def test_fingerprint_changes_with_content(tmp_path: Path, vocab: Vocab) -> None:
    target = _copy_vocab(tmp_path)
    campaign = target / "campaign.yaml"
    campaign.write_text(campaign.read_text("utf-8").replace("2000", "1500"), "utf-8")
    assert load_vocab(target).fingerprint != vocab.fingerprint


def _break(target: Path) -> tuple[int, int]:
    titles = target / "titles.yaml"
    text = titles.read_text("utf-8") + "  - {series: 不存在的系列, level: 中级, name: 测试职称}\n"
    titles.write_text(text, "utf-8")
    series = target / "series.yaml"
    text = series.read_text("utf-8").replace(
        '  - {code: "901", name: 高等学校教师', '  - {code: "012", name: 高等学校教师'
    )
    series.write_text(text, "utf-8")
    return _line_of(titles, "不存在的系列"), _line_of(series, '012", name: 高等学校教师')


def test_broken_vocab_reports_every_problem_with_lines(tmp_path: Path) -> None:
    target = _copy_vocab(tmp_path)
    title_line, series_line = _break(target)
    vocab, problems = check_vocab_dir(target)
    assert vocab is None
    assert [(p.file, p.line, p.code) for p in problems] == [
        ("series.yaml", series_line, "vocab-duplicate-code"),
        ("titles.yaml", title_line, "vocab-unknown-series"),
    ]
    with pytest.raises(VocabError):
        load_vocab(target)


def test_vocab_check_cli_exit_codes(tmp_path: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(main, ["vocab", "check"])
    assert ok.exit_code == 0, ok.output
    assert "占位代码 36 个" in ok.output
    target = _copy_vocab(tmp_path)
    title_line, series_line = _break(target)
    bad = runner.invoke(main, ["vocab", "check", "--vocab", str(target)])
    assert bad.exit_code == 1
    assert f"series.yaml:{series_line}: [vocab-duplicate-code]" in bad.output
    assert f"titles.yaml:{title_line}: [vocab-unknown-series]" in bad.output


@pytest.mark.parametrize(
    ("file", "old", "new", "code"),
    [
        ("campaign.yaml", '"20100101"', '"20220101"', "vocab-date-window"),
        ("campaign.yaml", '"20100101"', '"2010-13-01"', "vocab-date-window"),
        ("levels.yaml", "  - 中级", "  - 中级|一", "vocab-bad-character"),
        ("regions.yaml", 'code: "371102000000"', 'code: "3711020"', "vocab-bad-value"),
        ("routing.yaml", "series: 新闻", "series: 新闻学", "vocab-unknown-series"),
        ("id_types.yaml", "check: pattern", "check: regex", "vocab-bad-value"),
    ],
    ids=[
        "window-reversed",
        "not-a-date",
        "pipe-in-label",
        "short-code",
        "routing-series",
        "check-kind",
    ],
)
def test_single_problems(tmp_path: Path, file: str, old: str, new: str, code: str) -> None:
    target = _copy_vocab(tmp_path)
    path = target / file
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")
    _, problems = check_vocab_dir(target)
    assert code in [p.code for p in problems]


def test_missing_file(tmp_path: Path) -> None:
    target = _copy_vocab(tmp_path)
    (target / "orgs.yaml").unlink()
    _, problems = check_vocab_dir(target)
    assert [(p.file, p.code) for p in problems] == [
        ("orgs.yaml", "vocab-file-missing"),
        ("orgs.yaml", "vocab-field-missing"),
    ]
