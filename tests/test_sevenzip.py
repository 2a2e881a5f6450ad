"""Interoperability with the real 7-Zip (p7zip-full in CI): it opens the AES-256 bundle with the
password, and the archives it makes, encrypted or not, zip or 7z, ingest (issue 15)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from helpers_ingest import PORT, SCHOOL, fill, row, run

from titletemplate.bundle import make_bundle
from titletemplate.ingest.archive import shown_name
from titletemplate.vocab import Vocab

PASSWORD = "Shenhe-2021!"  # 7-Zip refuses non-ASCII passwords for zip encryption


@pytest.fixture(scope="module")
def seven() -> str:
    found = shutil.which("7z")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("7z not found: CI must install p7zip-full")
        pytest.skip("7-Zip (7z) is not installed")
    return found


def _returned(tmp_path: Path, vocab: Vocab, key: Ed25519PrivateKey) -> Path:
    folder = tmp_path / "单位"
    fill(vocab, key, SCHOOL, folder / "一中" / "01.xlsx", [row("li", 1)])
    fill(vocab, key, PORT, folder / "港口" / "02.xlsx", [row("wang", 2)])
    return folder


@pytest.mark.parametrize(
    ("suffix", "options"),
    [(".zip", ["-tzip", "-mem=AES256"]), (".7z", ["-t7z", "-mhe=on"])],
    ids=["zip-aes256", "7z-encrypted-names"],
)
def test_archives_made_by_7zip_ingest_with_the_password(
    seven: str, suffix: str, options: list[str], tmp_path: Path, vocab: Vocab,
    private_key: Ed25519PrivateKey, public_key: Ed25519PublicKey,
) -> None:  # fmt: skip
    folder = _returned(tmp_path, vocab, private_key)
    archive = tmp_path / f"报送{suffix}"
    subprocess.run([seven, "a", *options, f"-p{PASSWORD}", str(archive), "一中", "港口"],
                   cwd=folder, check=True, capture_output=True)  # fmt: skip
    result = run([archive], tmp_path / "out", vocab, public_key, passwords=["x", PASSWORD])
    assert sorted((shown_name(f["path"]), f["status"]) for f in result.files) == [
        (f"报送{suffix} › 一中/01.xlsx", "accepted"),
        (f"报送{suffix} › 港口/02.xlsx", "accepted"),
    ]
    locked = run([archive], tmp_path / "locked", vocab, public_key)
    assert {f["code"] for f in locked.files} == {"archive-encrypted"}


def test_7zip_opens_the_aes_bundle_with_the_password_only(
    seven: str, tmp_path: Path, vocab: Vocab, private_key: Ed25519PrivateKey,
    public_key: Ed25519PublicKey,
) -> None:  # fmt: skip
    folder = _returned(tmp_path, vocab, private_key)
    received = run([folder], tmp_path / "one", vocab, public_key)
    bundle = make_bundle(received.db_path, tmp_path / "上报.zip", vocab, password=PASSWORD)
    listing = subprocess.run([seven, "l", "-slt", str(bundle.path)], capture_output=True,
                             text=True, check=True).stdout  # fmt: skip
    assert listing.count("Method = AES-256 Deflate") == 4
    wrong = subprocess.run([seven, "x", "-pwrong", f"-o{tmp_path / 'bad'}", str(bundle.path)],
                           capture_output=True, text=True)  # fmt: skip
    assert wrong.returncode != 0
    subprocess.run([seven, "x", f"-p{PASSWORD}", f"-o{tmp_path / 'x'}", str(bundle.path)],
                   check=True, capture_output=True)  # fmt: skip
    got = sorted(str(p.relative_to(tmp_path / "x")) for p in (tmp_path / "x").rglob("*.*"))
    assert got == sorted(["manifest.csv", "summary.xlsx", f"{PORT}/02.xlsx", f"{SCHOOL}/01.xlsx"])
