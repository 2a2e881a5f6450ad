"""A returned file is read once: the sha256 stored for it is that of the very bytes validated and
kept as its original, on both routes (in this process, in a worker),
even when the file on disk is replaced while it is being checked."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from helpers_ingest import PORT, SCHOOL, fill, row, run

from titletemplate.ingest import preflight
from titletemplate.ingest.store import Store
from titletemplate.vocab import Vocab


def _swap_on_check(monkeypatch: pytest.MonkeyPatch, swaps: dict[str, bytes]) -> None:
    """Once the bytes of a file named in `swaps` are being checked, replace the file on disk
    (a clerk saving again, a sync tool): nothing read after that point may see the new file."""
    check_bytes = preflight.check_bytes

    def swapping(name: str, data: bytes) -> None:
        for path_name, other in list(swaps.items()):
            if Path(path_name).name == name:
                Path(path_name).write_bytes(other)
                del swaps[path_name]
        check_bytes(name, data)

    monkeypatch.setattr(preflight, "check_bytes", swapping)


@pytest.mark.usefixtures("forked_workers")  # the workers must see the patch
@pytest.mark.parametrize("route", ["here", "workers"])
def test_the_stored_hash_is_that_of_the_validated_bytes(
    vocab: Vocab,
    private_key: Ed25519PrivateKey,
    public_key: Ed25519PublicKey,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    route: str,
) -> None:
    school = fill(vocab, private_key, SCHOOL, tmp_path / "in" / "school.xlsx",
                  [row("li", n=1), row("wang", n=2), row("zhao", n=3)])  # fmt: skip
    port = fill(vocab, private_key, PORT, tmp_path / "port.xlsx", [row("sun", n=4)])
    original, replacement = school.read_bytes(), port.read_bytes()
    files = [school] if route == "here" else [school, port]
    _swap_on_check(monkeypatch, {str(school): replacement})

    result = run(files, tmp_path / "out", vocab, public_key, jobs=1 if route == "here" else 2)

    assert school.read_bytes() == replacement  # the file was replaced while it was checked
    shown = {Path(f["path"]).name: f for f in result.files}
    assert shown["school.xlsx"]["rows"] == 3  # the rows of the bytes read, not of the new file
    with Store(result.db_path) as store:
        stored = {s.file_name: s for s in store.current_submissions()}
        sub = stored["school.xlsx"]
        assert sub.sha256 == hashlib.sha256(original).hexdigest()
        assert sub.unit == SCHOOL
        assert store.original(sub.sha256) == original
