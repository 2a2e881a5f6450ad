"""Archives as ingest input (issue 15): every case of the archive corpus alone, with its literal
outcome and nothing written outside the output, then all of them in one batch."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from corpus.archives import CASES, PASSWORD, ArchiveCase, school
from corpus.generate import Ctx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from helpers_ingest import run

from titletemplate.ingest.archive import shown_name
from titletemplate.ingest.officecrypt import encrypt_workbook
from titletemplate.vocab import Vocab


@pytest.fixture(scope="module")
def ctx(vocab: Vocab, private_key: Ed25519PrivateKey) -> Ctx:
    return Ctx(vocab, private_key)


def _files(tree: Path) -> set[str]:
    return {str(p.relative_to(tree)) for p in tree.rglob("*")}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_archive_case(
    case: ArchiveCase, ctx: Ctx, tmp_path: Path, public_key: Ed25519PublicKey
) -> None:
    path = case.make(tmp_path / "in", ctx)
    given = _files(tmp_path / "in")
    result = run([path], tmp_path / "out", ctx.vocab, public_key, passwords=case.passwords)
    outcomes = sorted((shown_name(f["path"]), f["status"], f["code"]) for f in result.files)
    assert outcomes == sorted(case.outcomes)
    assert _files(tmp_path / "in") == given  # nothing written beside the input
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "out"]
    assert not [p for p in tmp_path.rglob("*") if "evil" in p.name and p != path]
    report = json.loads(result.report_json.read_text("utf-8"))
    assert len(report["files"]) == len(case.outcomes)
    for password in case.passwords:
        for written in (tmp_path / "out").rglob("*"):
            if written.is_file() and written.suffix in (".json", ".csv", ".log"):
                assert password not in written.read_text("utf-8")


@pytest.mark.parametrize(
    ("case", "found"),
    [
        ("duplicate-member-names", ("dup.zip › 01.xlsx (2)", "archive-member-duplicate")),
        ("zip-renamed-xlsx", ("报送材料.xlsx › 01.xlsx", "archive-renamed")),
    ],
    ids=["duplicate", "renamed"],
)
def test_member_warnings_name_the_member(
    case: str, found: tuple[str, str], ctx: Ctx, tmp_path: Path, public_key: Ed25519PublicKey
) -> None:
    path = next(c for c in CASES if c.name == case).make(tmp_path / "in", ctx)
    result = run([path], tmp_path / "out", ctx.vocab, public_key)
    assert [(i.file, i.code) for i in result.issues] == [found]
    assert found[0] in result.message(result.issues[0])


def test_all_archive_cases_in_one_batch(
    ctx: Ctx, tmp_path: Path, public_key: Ed25519PublicKey
) -> None:
    expected: list[tuple[str, str, str]] = []
    for n, case in enumerate(CASES):
        if case.passwords:
            continue  # one batch, one set of passwords: these run alone above
        case.make(tmp_path / "in" / f"{n:02d}", ctx)
        expected += case.outcomes
    result = run([tmp_path / "in"], tmp_path / "out", ctx.vocab, public_key)
    got = sorted((shown_name(f["path"]), f["status"], f["code"]) for f in result.files)
    # Identical members of several cases are one file: the later ones are already ingested.
    assert [(n, s) for n, s, _ in got] == sorted((n, s) for n, s, _ in expected)
    t = result.totals
    assert t["files"] == t["accepted_files"] + t["rejected_files"] + t["ignored_files"]


@pytest.mark.parametrize(
    ("passwords", "outcome"),
    [((), ("rejected", "file-encrypted")), (("nope",), ("rejected", "file-password-wrong")),
     (("nope", PASSWORD), ("accepted", ""))],
    ids=["no-password", "wrong-password", "right-password"],
)  # fmt: skip
def test_an_office_encrypted_workbook_opens_with_its_password(
    passwords: tuple[str, ...], outcome: tuple[str, str], ctx: Ctx, tmp_path: Path,
    public_key: Ed25519PublicKey,
) -> None:  # fmt: skip
    path = tmp_path / "in" / "01-加密.xlsx"
    path.parent.mkdir()
    path.write_bytes(encrypt_workbook(school(ctx), PASSWORD))
    result = run([path], tmp_path / "out", ctx.vocab, public_key, passwords=passwords)
    assert [(f["path"], f["status"], f["code"]) for f in result.files] == [(str(path), *outcome)]
    assert list((tmp_path / "in").iterdir()) == [path]  # decrypted elsewhere, never beside it
