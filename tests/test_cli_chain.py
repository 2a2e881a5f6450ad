"""The CLI up the chain (issue 15): key mix-ups named, archives and passwords on ingest."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from corpus.archives import PASSWORD, aes_zip, zip_bytes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from helpers_ingest import ISSUED_AT, ROWS, SCHOOL, fill, fill_bytes, row, template_bytes

from titletemplate.cli import main
from titletemplate.keys import key_fingerprint, load_private_key, load_public_key
from titletemplate.template.build import build_template
from titletemplate.vocab import Vocab


def test_a_template_of_a_real_key_checked_with_the_demo_key_is_named_not_tampered(
    tmp_path: Path, vocab: Vocab
) -> None:
    runner = CliRunner()
    keys = tmp_path / "keys"
    made = runner.invoke(main, ["keygen", "--out", str(keys)])
    assert made.exit_code == 0
    real, _ = load_private_key(keys / "bureau-private.pem")
    assert f"密钥指纹: {key_fingerprint(real.public_key())}" in made.stdout
    # Built here, not by fill(): its template cache is keyed by unit, not by key.
    unit = vocab.find_unit(SCHOOL)
    assert unit is not None
    data = build_template(vocab, unit, real, issued_at=ISSUED_AT, rows=ROWS)
    returned = fill_bytes(data, tmp_path / "in" / "01.xlsx", [row("li", 1)])
    result = runner.invoke(main, ["ingest", str(returned), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    real_fp = key_fingerprint(real.public_key())
    demo_fp = key_fingerprint(load_public_key()[0])
    assert "[template-wrong-key]" in result.stdout
    assert f"{real_fp} / {demo_fp}" in result.stdout
    assert "template-tampered" not in result.stdout
    assert result.stderr.count("!!!") == 1 and real_fp in result.stderr
    again = runner.invoke(main, ["ingest", str(returned), "--out", str(tmp_path / "ok"),
                                 "--public-key", str(keys / "bureau-public.pem")])  # fmt: skip
    assert again.exit_code == 0, again.output


def test_a_template_signed_without_a_fingerprint_and_edited_is_still_tampered(
    tmp_path: Path, vocab: Vocab, private_key: Ed25519PrivateKey
) -> None:
    import openpyxl

    from titletemplate.columns import META_SHEET

    path = fill(vocab, private_key, SCHOOL, tmp_path / "in" / "01.xlsx", [row("li", 1)])
    wb = openpyxl.load_workbook(path)
    for cells in wb[META_SHEET].iter_rows():
        if cells[0].value == "unit_name":
            cells[1].value = "日照港集团有限公司"
    wb.save(path)
    wb.close()
    result = CliRunner().invoke(main, ["ingest", str(path), "--out", str(tmp_path / "out")])
    assert "[template-tampered]" in result.stdout
    assert "!!!" not in result.stderr


def test_ingest_reads_an_aes_zip_with_a_passwords_file_and_never_prints_it(
    tmp_path: Path, vocab: Vocab, private_key: Ed25519PrivateKey
) -> None:
    filled = fill(vocab, private_key, SCHOOL, tmp_path / "src" / "01.xlsx", [row("li", 1)])
    bundle = tmp_path / "in" / "教育局.zip"
    bundle.parent.mkdir()
    bundle.write_bytes(aes_zip([("一中/01.xlsx", filled.read_bytes())], PASSWORD))
    runner = CliRunner()
    out = tmp_path / "out"
    locked = runner.invoke(main, ["ingest", str(bundle), "--out", str(out / "a")])
    assert locked.exit_code == 1 and "[archive-encrypted]" in locked.stdout
    secrets = tmp_path / "passwords.txt"
    secrets.write_text(f"123456\n\n{PASSWORD}\n", "utf-8")
    opened = runner.invoke(main, ["ingest", str(bundle), "--out", str(out / "b"),
                                  "--password", "wrong", "--passwords", str(secrets)])  # fmt: skip
    assert opened.exit_code == 0, opened.output
    assert "教育局.zip › 一中/01.xlsx | 接收" in opened.stdout
    report = json.loads((out / "b" / "report.json").read_text("utf-8"))
    assert [f["path"].rpartition("/")[2] for f in report["files"]] == ["01.xlsx"]
    assert report["files"][0]["path"].endswith("教育局.zip › 一中/01.xlsx")
    everything = opened.output + "".join(
        p.read_text("utf-8", "replace")
        for p in (out / "b").rglob("*")
        if p.suffix in (".json", ".csv", ".log")
    )
    assert PASSWORD not in everything and "123456" not in everything


def test_ignored_system_files_are_counted_apart(
    tmp_path: Path, vocab: Vocab, private_key: Ed25519PrivateKey
) -> None:
    data = template_bytes(vocab, private_key, SCHOOL)
    filled = fill(vocab, private_key, SCHOOL, tmp_path / "src" / "01.xlsx", [row("li", 1)])
    assert data
    archive = tmp_path / "mac.zip"
    archive.write_bytes(zip_bytes([("01.xlsx", filled.read_bytes()), ("__MACOSX/._01.xlsx", b"x")]))
    result = CliRunner().invoke(main, ["ingest", str(archive), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "mac.zip › __MACOSX/._01.xlsx | 忽略" in result.stdout
    assert "另有 1 个系统自动生成的文件" in result.stdout
