"""`bundle` (issue 15): a level forwards its accepted originals with a manifest and a summary,
encrypted for transfer; the level above ingests the bundle and every file verifies by its own
signature, its route recorded."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import msoffcrypto
import openpyxl
import pytest
import pyzipper
from click.testing import CliRunner
from corpus.archives import zip_bytes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from helpers_ingest import ENGINEER, OFFICE, PORT, SCHOOL, TEACHER, fill, row, run

from titletemplate.bundle import make_bundle
from titletemplate.cli import main
from titletemplate.ingest.archive import shown_name
from titletemplate.vocab import Vocab

PASSWORD = "Zhuanjiao#2021"


@pytest.fixture
def level_one(
    tmp_path: Path, vocab: Vocab, private_key: Ed25519PrivateKey, public_key: Ed25519PublicKey
) -> Path:
    """The department's store: the school's and the port's files, received as one zip."""
    school = fill(
        vocab, private_key, SCHOOL, tmp_path / "src" / "01.xlsx", [row("li", 1, **TEACHER)]
    )
    port = fill(
        vocab, private_key, PORT, tmp_path / "src" / "02.xlsx", [row("wang", 2, **ENGINEER)]
    )
    archive = tmp_path / "units.zip"
    archive.write_bytes(
        zip_bytes([("一中/01.xlsx", school.read_bytes()), ("港口/02.xlsx", port.read_bytes())])
    )
    result = run([archive], tmp_path / "one", vocab, public_key)
    assert result.totals["accepted_files"] == 2
    return result.db_path


def _members(path: Path, password: str | None = None) -> dict[str, bytes]:
    with pyzipper.AESZipFile(path) as zf:
        if password:
            zf.setpassword(password.encode())
        return {i.filename: zf.read(i) for i in zf.infolist()}


def test_bundle_holds_the_originals_a_manifest_and_a_summary(
    level_one: Path, tmp_path: Path, vocab: Vocab
) -> None:
    result = make_bundle(level_one, tmp_path / "b.zip", vocab)
    members = _members(result.path)
    assert sorted(members) == [
        "manifest.csv", "summary.xlsx", "日照市第一中学/01.xlsx", "日照港集团有限公司/02.xlsx",
    ]  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(members["manifest.csv"].decode("utf-8-sig"))))
    assert [(r["file"], r["unit"], r["rows"], r["valid_rows"], r["route"]) for r in rows] == [
        ("日照市第一中学/01.xlsx", SCHOOL, "1", "1", "units.zip › 一中/01.xlsx"),
        ("日照港集团有限公司/02.xlsx", PORT, "1", "1", "units.zip › 港口/02.xlsx"),
    ]
    import hashlib

    assert rows[0]["sha256"] == hashlib.sha256(members["日照市第一中学/01.xlsx"]).hexdigest()
    wb = openpyxl.load_workbook(io.BytesIO(members["summary.xlsx"]))
    values = [tuple(r) for r in wb.worksheets[0].iter_rows(min_row=3, values_only=True)]
    assert values == [("单位", "文件数", "行数", "有效行数"), (SCHOOL, 1, 1, 1), (PORT, 1, 1, 1),
                      ("合计", 2, 2, 2)]  # fmt: skip
    assert wb.worksheets[0].sheet_properties.pageSetUpPr.fitToPage  # one page
    again = make_bundle(level_one, tmp_path / "c.zip", vocab)
    assert again.path.read_bytes() == result.path.read_bytes()  # same files, same bytes


@pytest.mark.parametrize(
    ("choice", "files", "missing"),
    [
        ({"supervisor": OFFICE}, ["日照市第一中学/01.xlsx"], (OFFICE,)),
        ({"units": [PORT]}, ["日照港集团有限公司/02.xlsx"], ()),
        ({"office": "日照市教育局"}, ["日照市第一中学/01.xlsx"], ()),  # teacher rows, supervised
        ({"office": "日照市人力资源和社会保障局"}, ["日照港集团有限公司/02.xlsx"], ()),  # engineer
    ],
    ids=["supervisor", "unit", "office-education", "office-hrss"],
)
def test_bundle_takes_the_chosen_units(
    choice: dict[str, object], files: list[str], missing: tuple[str, ...],
    level_one: Path, tmp_path: Path, vocab: Vocab,
) -> None:  # fmt: skip
    result = make_bundle(level_one, tmp_path / "b.zip", vocab, **choice)  # type: ignore[arg-type]
    assert [f.file for f in result.files] == files
    assert result.missing_units == missing


def test_the_level_above_ingests_an_encrypted_bundle_and_records_the_route(
    level_one: Path, tmp_path: Path, vocab: Vocab, public_key: Ed25519PublicKey
) -> None:
    runner = CliRunner()
    out = tmp_path / "教育局上报.zip"
    made = runner.invoke(main, ["bundle", "--db", str(level_one), "--out", str(out),
                                "--password", PASSWORD])  # fmt: skip
    assert made.exit_code == 0, made.output
    assert "AES-256" in made.stdout and PASSWORD not in made.output
    with zipfile.ZipFile(out) as zf:
        assert {i.compress_type for i in zf.infolist()} == {99}  # WinZip AES, every member
    with pytest.raises(RuntimeError):
        _members(out)  # no password, no content
    assert len(_members(out, PASSWORD)) == 4
    result = run([out], tmp_path / "two", vocab, public_key, passwords=[PASSWORD])
    got = sorted((shown_name(f["path"]), f["status"], f["code"]) for f in result.files)
    assert got == [
        ("教育局上报.zip › manifest.csv", "ignored", "bundle-part"),
        ("教育局上报.zip › summary.xlsx", "ignored", "bundle-part"),
        ("教育局上报.zip › 日照市第一中学/01.xlsx", "accepted", ""),
        ("教育局上报.zip › 日照港集团有限公司/02.xlsx", "accepted", ""),
    ]  # fmt: skip
    routes = sorted((i.file, i.detail) for i in result.issues if i.code == "bundle-route")
    assert routes == [
        ("教育局上报.zip › 日照市第一中学/01.xlsx", "units.zip › 一中/01.xlsx"),
        ("教育局上报.zip › 日照港集团有限公司/02.xlsx", "units.zip › 港口/02.xlsx"),
    ]
    report = (tmp_path / "two" / "report.json").read_text("utf-8")
    assert PASSWORD not in report and "units.zip › 一中/01.xlsx" in report


def test_ingest_encrypts_the_consolidated_workbook_for_the_trip_up(
    tmp_path: Path, vocab: Vocab, private_key: Ed25519PrivateKey
) -> None:
    school = fill(vocab, private_key, SCHOOL, tmp_path / "in" / "01.xlsx", [row("li", 1)])
    result = CliRunner().invoke(main, ["ingest", str(school), "--out", str(tmp_path / "out"),
                                       "--encrypt-output", PASSWORD])  # fmt: skip
    assert result.exit_code == 0, result.output
    data = (tmp_path / "out" / "consolidated.xlsx").read_bytes()
    office = msoffcrypto.OfficeFile(io.BytesIO(data))
    assert office.is_encrypted()
    plain = io.BytesIO()
    office.load_key(password=PASSWORD)
    office.decrypt(plain)
    wb = openpyxl.load_workbook(plain)
    assert wb.worksheets[0].max_row >= 2
    logs = "".join(p.read_text("utf-8") for p in (tmp_path / "out").rglob("*.json"))
    assert PASSWORD not in logs + result.output
    assert (
        json.loads((tmp_path / "out" / "report.json").read_text("utf-8"))["totals"]["valid_rows"]
        == 1
    )


def test_a_bundle_changed_after_packing_is_flagged_file_by_file(
    level_one: Path, tmp_path: Path, vocab: Vocab, private_key: Ed25519PrivateKey,
    public_key: Ed25519PublicKey,
) -> None:  # fmt: skip
    made = make_bundle(level_one, tmp_path / "b.zip", vocab)
    members = _members(made.path)
    edited = fill(vocab, private_key, SCHOOL, tmp_path / "edit.xlsx", [row("li", 1, name="李五")])
    members["日照市第一中学/01.xlsx"] = edited.read_bytes()  # a row changed after packing
    del members["日照港集团有限公司/02.xlsx"]  # a file lost
    changed = tmp_path / "changed.zip"
    changed.write_bytes(zip_bytes(list(members.items())))
    result = run([changed], tmp_path / "two", vocab, public_key)
    got = sorted((shown_name(f["path"]), f["status"], f["code"]) for f in result.files)
    assert got == [
        ("changed.zip › manifest.csv", "ignored", "bundle-part"),
        ("changed.zip › summary.xlsx", "ignored", "bundle-part"),
        ("changed.zip › 日照市第一中学/01.xlsx", "accepted", ""),
        ("changed.zip › 日照港集团有限公司/02.xlsx", "rejected", "bundle-file-missing"),
    ]
    codes = [(i.file, i.code) for i in result.issues if i.code.startswith("bundle-file")]
    assert codes == [
        ("changed.zip › 日照港集团有限公司/02.xlsx", "bundle-file-missing"),
        ("changed.zip › 日照市第一中学/01.xlsx", "bundle-file-changed"),
    ]


def test_bundle_refuses_a_password_7zip_cannot_type(level_one: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["bundle", "--db", str(level_one), "--out",
                                       str(tmp_path / "b.zip"), "--password", "转交"])  # fmt: skip
    assert result.exit_code == 2 and "中文密码" in result.output
    assert not (tmp_path / "b.zip").exists()
