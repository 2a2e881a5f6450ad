"""Checking files in worker processes: each file read and validated by a worker gives exactly
what one process gives, and a failure while validating a file rejects that file only."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from helpers_ingest import SCHOOL, fill, row

from titletemplate.ingest import Checked, Unreadable, checkfile
from titletemplate.vocab import Vocab


def _files(vocab: Vocab, key: Ed25519PrivateKey, folder: Path) -> list[Path]:
    big = [row(n=i % 90 + 1) for i in range(40)]
    big[3] = row(n=4, issue_date="2019-02-30")
    big[17] = row(n=18, id_number="370102197308291815")
    big[38] = row(n=39, name="")
    small = [row("li", n=1), row("wang", n=2, gender="男")]
    return [
        fill(vocab, key, SCHOOL, folder / "a-big.xlsx", big),
        fill(vocab, key, SCHOOL, folder / "b-small.xlsx", small),
        fill(vocab, key, SCHOOL, folder / "c-big.xlsx", big[::-1]),
    ]


def test_files_checked_in_workers_equal_one_process(
    vocab: Vocab, private_key: Ed25519PrivateKey, public_key: Ed25519PublicKey, tmp_path: Path
) -> None:
    files = _files(vocab, private_key, tmp_path)
    alone = [checkfile.check_file(p, vocab, public_key) for p in files]
    pooled = list(checkfile.checked_files(files, vocab, public_key, jobs=2))
    assert pooled == alone
    assert all(
        isinstance(c, Checked) and c.data == p.read_bytes()
        for c, p in zip(pooled, files, strict=True)
    )
    first = alone[0]
    assert isinstance(first, Checked)
    rows, issues = first.rows, first.issues
    assert len(rows) == 40 and sum(not r.checked_ok for r in rows) == 3
    assert [i.row or 0 for i in issues] == sorted(i.row or 0 for i in issues)


def _broken_check_rows(source: object, *args: object) -> object:
    if len(source) == 40:  # type: ignore[arg-type]  # the two large files
        raise ZeroDivisionError("validation failed")
    return _check_rows(source, *args)


_check_rows = checkfile.check_rows


@pytest.mark.usefixtures("forked_workers")  # the workers must see the patch
def test_a_failing_validation_rejects_only_its_file(
    vocab: Vocab,
    private_key: Ed25519PrivateKey,
    public_key: Ed25519PublicKey,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    files = _files(vocab, private_key, tmp_path)
    good_small = checkfile.check_file(files[1], vocab, public_key)
    monkeypatch.setattr(checkfile, "check_rows", _broken_check_rows)
    big, small, other = checkfile.checked_files(files, vocab, public_key, jobs=2)
    for done in (big, other):
        assert isinstance(done, Checked)
        record, rows, issues = done.record, done.rows, done.issues
        assert (record.rejected_code, rows) == ("file-unreadable", [])
        assert [(i.code, i.detail) for i in issues] == [("file-unreadable", "ZeroDivisionError")]
        assert isinstance(done.crash, ZeroDivisionError)
    assert small == good_small


def test_a_single_file_is_checked_in_this_process(
    vocab: Vocab, private_key: Ed25519PrivateKey, public_key: Ed25519PublicKey, tmp_path: Path
) -> None:
    path = _files(vocab, private_key, tmp_path)[0]
    assert list(checkfile.checked_files([path], vocab, public_key, jobs=2)) == [None]


def test_a_file_the_system_cannot_read_is_unreadable_in_a_worker_too(
    vocab: Vocab, private_key: Ed25519PrivateKey, public_key: Ed25519PublicKey, tmp_path: Path
) -> None:
    files = _files(vocab, private_key, tmp_path)
    files[1].unlink()  # gone between listing and reading
    alone = checkfile.check_file(files[1], vocab, public_key)
    assert alone == Unreadable("FileNotFoundError")
    pooled = list(checkfile.checked_files(files, vocab, public_key, jobs=2))
    assert pooled[1] == alone
    assert all(isinstance(c, Checked) for c in (pooled[0], pooled[2]))
