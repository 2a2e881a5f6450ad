"""xlsxzip: archives zipfile reads back part for part, with fixed metadata, zip64 where a size
or offset needs it, and the same bytes for the same parts."""

from __future__ import annotations

import io
import zipfile

import pytest

from titletemplate.ooxml import xlsxzip

PARTS = [
    ("[Content_Types].xml", b"<Types/>"),
    ("xl/worksheets/sheet1.xml", b"<row>" * 50_000 + bytes(range(256)) * 40),
    ("empty.xml", b""),
]


def archive(parts: list[tuple[str, bytes]] = PARTS, pieces: int = 7) -> bytes:
    buf = io.BytesIO()
    zw = xlsxzip.ZipWriter(buf)
    for name, data in parts:
        if len(data) > 1000:  # streamed in pieces, as fastxlsx streams a sheet
            step = len(data) // pieces + 1
            with zw.open(name, len(data)) as out:
                for i in range(0, len(data), step):
                    out.write(data[i : i + step])
        else:
            zw.write(name, data)
    zw.close()
    return buf.getvalue()


def read_back(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert zf.testzip() is None
        return [(name, zf.read(name)) for name in zf.namelist()]


def test_zipfile_reads_every_part_back_in_order() -> None:
    assert read_back(archive()) == PARTS


def test_metadata_is_fixed_as_zipfile_wrote_it_for_fastxlsx() -> None:
    with zipfile.ZipFile(io.BytesIO(archive())) as zf:
        got = {
            (i.date_time, i.compress_type, i.create_system, i.create_version, i.extract_version,
             i.flag_bits, i.external_attr, i.extra, i.comment)
            for i in zf.infolist()
        }  # fmt: skip
    assert got == {((1980, 1, 1, 0, 0, 0), zipfile.ZIP_DEFLATED, 0, 20, 20, 0, 0, b"", b"")}


def test_the_same_parts_give_the_same_bytes() -> None:
    assert archive() == archive()


def test_parts_are_deflated() -> None:
    assert len(archive()) < 20_000


@pytest.mark.parametrize("limit", [100, 3_000, 2_000_000], ids=["all-zip64", "some", "none"])
def test_zip64_is_used_where_a_size_or_offset_passes_the_limit(
    monkeypatch: pytest.MonkeyPatch, limit: int
) -> None:
    monkeypatch.setattr(xlsxzip, "ZIP64_LIMIT", limit)
    data = archive()
    assert read_back(data) == PARTS
    assert (b"PK\x06\x06" in data) == (limit == 100)  # the zip64 end record: offset > limit
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        versions = [i.extract_version for i in zf.infolist()]
    assert versions == {100: [20, 45, 45], 3_000: [20, 45, 20], 2_000_000: [20, 20, 20]}[limit]


def test_a_part_larger_than_its_size_hint_cannot_skip_zip64(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(xlsxzip, "ZIP64_LIMIT", 1_000)
    zw = xlsxzip.ZipWriter(io.BytesIO())
    with pytest.raises(ValueError, match="size hint"), zw.open("x.xml", 10) as out:
        out.write(bytes(range(256)) * 8)


def test_an_unseekable_file_is_refused() -> None:
    class Pipe(io.RawIOBase):
        def writable(self) -> bool:
            return True

    with pytest.raises(TypeError):
        xlsxzip.ZipWriter(Pipe())  # type: ignore[arg-type]
