"""The CLI through click's runner: exit codes, outputs, codes in the text, key handling."""

from __future__ import annotations

import json
import shutil
import stat
from pathlib import Path

import openpyxl
from click.testing import CliRunner
from conftest import ISSUED_AT
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from helpers_ingest import SCHOOL, fill, row

from titletemplate import sheettexts
from titletemplate.cli import main
from titletemplate.keys import sheet_password
from titletemplate.template.build import template_password
from titletemplate.vocab import DEFAULT_VOCAB_DIR, Vocab

RAW_ID = "370102197308291814"


def test_build_one_template_prints_its_path(tmp_path: Path) -> None:
    args = ["build", "--unit", SCHOOL, "--out", str(tmp_path), "--rows", "10"]
    result = CliRunner().invoke(main, [*args, "--issued-at", ISSUED_AT])
    assert result.exit_code == 0, result.output
    path = tmp_path / f"{SCHOOL}.xlsx"
    assert str(path) in result.stdout
    assert path.stat().st_size > 0
    assert "内置演示密钥" in result.stderr  # the demo key announces itself on every run


def test_build_needs_exactly_one_of_unit_and_units(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["build", "--out", str(tmp_path)])
    assert result.exit_code == 2


def test_build_rejects_a_bad_credit_code_as_vocab_check_does(tmp_path: Path) -> None:
    vocab = tmp_path / "vocab"
    shutil.copytree(DEFAULT_VOCAB_DIR, vocab)
    units = vocab / "units.yaml"
    units.write_text(units.read_text("utf-8").replace("000000000198", "000000000199"), "utf-8")
    checked = CliRunner().invoke(main, ["vocab", "check", "--vocab", str(vocab)])
    assert checked.exit_code == 1
    args = ["build", "--unit", SCHOOL, "--unit-code", "123711000000000199", "--out", str(tmp_path)]
    built = CliRunner().invoke(main, args)
    assert built.exit_code == 2
    assert not (tmp_path / f"{SCHOOL}.xlsx").exists()
    message = "[vocab-bad-credit-code] 统一社会信用代码“123711000000000199”无效"
    assert f"units.yaml:38: {message}" in checked.stdout
    assert f"--unit-code: {message}" in built.stderr
    assert checked.stdout.split("] ", 1)[1] == built.stderr.split("] ", 1)[1]


def test_password_matches_the_key_derivation(
    tmp_path: Path, private_key: Ed25519PrivateKey
) -> None:
    runner = CliRunner()
    args = ["build", "--unit", SCHOOL, "--out", str(tmp_path), "--rows", "5"]
    runner.invoke(main, [*args, "--issued-at", ISSUED_AT])
    path = tmp_path / f"{SCHOOL}.xlsx"
    result = runner.invoke(main, ["password", str(path)])
    assert result.exit_code == 0
    assert template_password(path, private_key) in result.stdout
    assert sheet_password(private_key, "x") not in result.stdout


def test_keygen_writes_an_owner_only_private_key_and_never_overwrites(tmp_path: Path) -> None:
    runner = CliRunner()
    first = runner.invoke(main, ["keygen", "--out", str(tmp_path)])
    assert first.exit_code == 0
    private = tmp_path / "bureau-private.pem"
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    pem = private.read_text()
    assert pem not in first.output
    second = runner.invoke(main, ["keygen", "--out", str(tmp_path)])
    assert second.exit_code == 3
    assert "[key-exists]" in second.stderr
    assert private.read_text() == pem


def test_ingest_exit_codes_and_masked_console(
    tmp_path: Path, vocab: Vocab, private_key: Ed25519PrivateKey
) -> None:
    good = fill(vocab, private_key, SCHOOL, tmp_path / "in" / "good.xlsx", [row()])
    runner = CliRunner()
    ok = runner.invoke(main, ["ingest", str(good), "--out", str(tmp_path / "ok")])
    assert ok.exit_code == 0, ok.output
    bad_row = row(id_number="370102197308291817")  # the notice's example: wrong check char
    bad = fill(vocab, private_key, SCHOOL, tmp_path / "in2" / "bad.xlsx", [bad_row])
    result = runner.invoke(main, ["ingest", str(bad), "--out", str(tmp_path / "bad")])
    assert result.exit_code == 1
    assert "[id-number-checksum]" in result.stdout
    assert "370102********1817" in result.stdout
    assert "370102197308291817" not in result.output
    report = json.loads((tmp_path / "bad" / "report.json").read_text("utf-8"))
    assert report["totals"]["invalid_rows"] == 1
    assert RAW_ID not in result.output


def test_ingest_without_a_matching_private_key_skips_corrections(
    tmp_path: Path, vocab: Vocab, private_key: Ed25519PrivateKey
) -> None:
    bad = fill(vocab, private_key, SCHOOL, tmp_path / "in" / "bad.xlsx", [row(gender="女")])
    runner = CliRunner()
    keys = tmp_path / "keys"
    runner.invoke(main, ["keygen", "--out", str(keys)])
    other_key = str(keys / "bureau-private.pem")
    out = tmp_path / "out"
    result = runner.invoke(main, ["ingest", str(bad), "--out", str(out), "--key-file", other_key])
    assert result.exit_code == 1
    assert "不生成各单位更正表" in result.stderr
    assert not any((out / "corrections").glob("*.xlsx"))


def test_ingest_with_an_unknown_public_key_file_cannot_start(tmp_path: Path) -> None:
    missing = tmp_path / "nope.pem"
    missing.write_text("not a key")
    result = CliRunner().invoke(
        main, ["ingest", str(tmp_path), "--out", str(tmp_path / "o"), "--public-key", str(missing)]
    )
    assert result.exit_code == 3
    assert "[key-unreadable]" in result.stderr


def test_ingest_level_names_who_consolidated_on_the_signature_line(
    tmp_path: Path, vocab: Vocab, private_key: Ed25519PrivateKey
) -> None:
    """A supervising department consolidates with --level; the bureau's default is its own."""
    good = fill(vocab, private_key, SCHOOL, tmp_path / "in" / "good.xlsx", [row()])
    level = "日照市教育局"
    for out, args in ((tmp_path / "dept", ["--level", level]), (tmp_path / "bureau", [])):
        result = CliRunner().invoke(main, ["ingest", str(good), "--out", str(out), *args])
        assert result.exit_code == 0, result.output
        book = openpyxl.load_workbook(out / "consolidated.xlsx", read_only=True)
        unit_line = next(book.worksheets[0].iter_rows(min_row=2, max_row=2, values_only=True))
        book.close()
        assert unit_line[0] == sheettexts.UNIT_LABEL
        assert unit_line[1] == (level if args else vocab.campaign.bureau)
        assert sheettexts.SIGNER_LABEL in unit_line
