"""zipparts.Package reads every member exactly as zipfile does, and refuses what zipfile refuses."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from helpers_ingest import fill, row

from titletemplate.ingest.preflight import CORRUPT_ZIP_ERRORS
from titletemplate.ooxml import zipparts
from titletemplate.vocab import Vocab


def _package(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return out.getvalue()


def _deflated_start(data: bytes, name: str) -> int:
    """Offset of the member's deflate stream."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        info = zf.getinfo(name)
    header = zipparts._LOCAL.unpack_from(data, info.header_offset)
    lengths = header[zipparts._NAME_LENGTH] + header[zipparts._EXTRA_LENGTH]
    return int(info.header_offset + zipparts._LOCAL.size + lengths)


def test_every_member_of_a_returned_file_reads_as_with_zipfile(
    tmp_path: Path, vocab: Vocab, private_key: Ed25519PrivateKey
) -> None:
    rows = [row(n=n) for n in range(1, 30)]
    data = fill(vocab, private_key, vocab.units[0].name, tmp_path / "a.xlsx", rows).read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as plain, zipparts.Package(data) as fast:
        names = plain.namelist()
        assert names and fast.namelist() == names
        for name in names:
            assert fast.read(name) == plain.read(name)
            assert fast.read(fast.getinfo(name)) == plain.read(name)


def test_stored_and_empty_members_are_read_too() -> None:
    for method in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        data = _package({"a.xml": b"<a/>" * 1000, "empty": b"", "名字.xml": "值".encode()}, method)
        with zipparts.Package(data) as zf:
            assert zf.read("a.xml") == b"<a/>" * 1000
            assert zf.read("empty") == b""
            assert zf.read("名字.xml") == "值".encode()


def test_without_isal_zipfile_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    data = _package({"a.xml": b"abc" * 5000})
    monkeypatch.setattr(zipparts, "_isal", None)
    with zipparts.Package(data) as zf:
        assert zf.read("a.xml") == b"abc" * 5000


def _damaged(data: bytes, offset: int, byte: int) -> bytes:
    return data[:offset] + bytes([byte]) + data[offset + 1 :]


def test_a_bad_crc_is_refused_like_zipfile_refuses_it() -> None:
    data = _package({"a.xml": b"0123456789" * 1000})
    central = data.rindex(b"PK\x01\x02") + 16  # the CRC-32 in the central directory
    bad = _damaged(data, central, data[central] ^ 0xFF)
    with zipfile.ZipFile(io.BytesIO(bad)) as plain, pytest.raises(zipfile.BadZipFile):
        plain.read("a.xml")
    with zipparts.Package(bad) as fast, pytest.raises(zipfile.BadZipFile, match="CRC"):
        fast.read("a.xml")


def test_a_damaged_stream_or_header_is_a_corrupt_file() -> None:
    data = _package({"a.xml": bytes(range(256)) * 64})
    start = _deflated_start(data, "a.xml")
    for bad in (
        _damaged(data, start, 0xFF),  # an invalid deflate block type
        _damaged(data, 0, ord("X")),  # the local header's signature
        _damaged(data, 30, ord("b")),  # the local header's file name
    ):
        with zipfile.ZipFile(io.BytesIO(bad)) as plain, pytest.raises(CORRUPT_ZIP_ERRORS):
            plain.read("a.xml")
        with zipparts.Package(bad) as fast, pytest.raises(zipfile.BadZipFile):
            fast.read("a.xml")


def test_a_member_larger_than_declared_is_refused_without_inflating_it_all() -> None:
    data = bytearray(_package({"a.xml": b"\0" * 1_000_000}))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
        info = zf.getinfo("a.xml")
    central = data.rindex(b"PK\x01\x02")
    data[central + 24 : central + 28] = (1000).to_bytes(4, "little")  # declared size: 1,000
    info.file_size = 1000
    with pytest.raises(zipfile.BadZipFile, match="size"):
        zipparts.inflate(bytes(data), info)
