"""Checking files in worker processes: a large file's rows validated in chunks by every worker
give exactly what one process gives, and a failure while validating a chunk rejects that file
only."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from helpers_ingest import SCHOOL, fill, row

from titletemplate.ingest import checkfile
from titletemplate.ingest.checked import settle
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


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch, forked_workers: None) -> None:
    # Worker processes are forked when the pool starts, so they see these values too.
    monkeypatch.setattr(checkfile, "SPLIT_ROWS", 10)
    monkeypatch.setattr(checkfile, "_CHUNK_ROWS", 7)


@pytest.mark.usefixtures("small_chunks")
def test_chunked_validation_equals_one_process(
    vocab: Vocab, private_key: Ed25519PrivateKey, public_key: Ed25519PublicKey, tmp_path: Path
) -> None:
    files = _files(vocab, private_key, tmp_path)
    alone = [checkfile.check_file(p, vocab, public_key) for p in files]
    pooled = list(checkfile.checked_files(files, vocab, public_key, jobs=2))
    assert pooled == alone
    assert all(c.result is not None and c.unvalidated is None for c in pooled)
    first = alone[0].result
    assert first is not None
    rows, issues = first[1], first[2]
    assert len(rows) == 40 and sum(not r.checked_ok for r in rows) == 3
    assert [i.excel_row or 0 for i in issues] == sorted(i.excel_row or 0 for i in issues)


def test_a_large_file_comes_back_unvalidated_from_a_worker_only(
    vocab: Vocab, private_key: Ed25519PrivateKey, public_key: Ed25519PublicKey, tmp_path: Path
) -> None:
    path = _files(vocab, private_key, tmp_path)[0]
    later = checkfile.check_file(path, vocab, public_key, split_rows=39).unvalidated
    assert later is not None and len(later.rows) == 40
    assert checkfile.check_file(path, vocab, public_key, split_rows=40).unvalidated is None


def _broken_check_rows(*args: object) -> object:
    raise ZeroDivisionError("validation failed")


@pytest.mark.usefixtures("small_chunks")
def test_a_failing_chunk_rejects_only_its_file(
    vocab: Vocab,
    private_key: Ed25519PrivateKey,
    public_key: Ed25519PublicKey,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    files = _files(vocab, private_key, tmp_path)
    good_small = checkfile.check_file(files[1], vocab, public_key)
    monkeypatch.setattr(checkfile, "_check_rows_in_worker", _broken_check_rows)
    big, small, other = checkfile.checked_files(files, vocab, public_key, jobs=2)
    for done in (big, other):
        assert done.result is not None
        record, rows, issues = done.result
        assert (record.rejected_code, rows) == ("file-unreadable", [])
        assert [(i.code, i.detail) for i in issues] == [("file-unreadable", "ZeroDivisionError")]
        assert isinstance(done.crash, ZeroDivisionError)
    assert small == good_small


@pytest.mark.usefixtures("small_chunks")
def test_a_single_large_file_is_read_by_the_pool(
    vocab: Vocab,
    private_key: Ed25519PrivateKey,
    public_key: Ed25519PublicKey,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = _files(vocab, private_key, tmp_path)[0]
    assert list(checkfile.checked_files([path], vocab, public_key, jobs=2)) == [None]
    monkeypatch.setattr(checkfile, "POOL_BYTES", path.stat().st_size - 1)
    (pooled,) = [settle(c) for c in checkfile.checked_files([path], vocab, public_key, jobs=2) if c]
    assert pooled == checkfile.check_file(path, vocab, public_key)
