"""What is inside a `.zip` or `.7z`: each member's decoded path, whether it may be read, and a
way to copy it, within its declared size, to a file the caller names. Limits refuse an archive
before anything is decompressed."""

from __future__ import annotations

import lzma
import re
import shutil
import stat
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import py7zr
import pyzipper
from py7zr.io import Py7zIO, WriterFactory

from .preflight import CORRUPT_ZIP_ERRORS, LOCK_PREFIX

MAX_MEMBERS = 5_000
MAX_TOTAL_BYTES = 1024 * 2**20  # all members of one archive given, uncompressed, nested included
MAX_RATIO = 100  # workbooks are zips themselves: inside an archive they shrink 1-10x
RATIO_FLOOR = 2**20  # members smaller than this are never bombs
JUNK_NAMES = ("thumbs.db", "desktop.ini", ".ds_store")
BUNDLE_MANIFEST = "manifest.csv"
BUNDLE_SUMMARY = "summary.xlsx"
BUNDLE_PARTS = (BUNDLE_MANIFEST, BUNDLE_SUMMARY)  # a bundle's own files, at its root
_DRIVE = re.compile(r"^[A-Za-z]:")
_UTF8_FLAG = 0x800
_ENCRYPTED_FLAG = 0x1
_UNIX = 3  # ZipInfo.create_system of a zip made on Unix (where symlinks exist)
_COPY_CHUNK = 1 << 20
# What py7zr and the codecs under it raise for damaged data or a wrong password (7z has no
# password check of its own: a wrong key shows as garbage to the decompressor or the CRC).
_SEVEN_ERRORS = (py7zr.Bad7zFile, py7zr.exceptions.ArchiveError, py7zr.DecompressionError,
                 py7zr.exceptions.CrcError, py7zr.UnsupportedCompressionMethodError,
                 py7zr.exceptions.InternalError, lzma.LZMAError, zlib.error, EOFError, OSError,
                 ValueError, KeyError, IndexError)  # fmt: skip

# pyzipper raises its own copies of zipfile's exceptions.
_ZIP_ERRORS = (*CORRUPT_ZIP_ERRORS, pyzipper.BadZipFile, pyzipper.LargeZipFile)
Scratch = Callable[[], Path]  # a new, unused file path in the private folder


class ArchiveProblem(Exception):
    """An archive or member that cannot be expanded; becomes a finding with `code`."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(code)
        self.code, self.detail = code, detail


class Budget:
    """What one archive given may still expand to (its nested archives draw on it too)."""

    def __init__(self) -> None:
        self.bytes = MAX_TOTAL_BYTES
        self.members = MAX_MEMBERS


@dataclass(frozen=True, slots=True)
class Member:
    """One file in an archive: its decoded path, and how to copy it out (or why not)."""

    name: str
    extract: Callable[[Path], None]  # copies the member to the path; raises ArchiveProblem
    copy: int = 1  # the n-th member of this name
    problem: ArchiveProblem | None = None


def classify(name: str, is_link: bool, bundle: bool = False) -> ArchiveProblem | None:
    """Why a member is not read: junk (info), a bundle's own file (info), unsafe path or
    symlink; None to read it."""
    if bundle and name in BUNDLE_PARTS:
        return ArchiveProblem("bundle-part")
    if is_link:
        return ArchiveProblem("archive-member-unsafe", "symlink")
    if name.startswith("/") or _DRIVE.match(name):
        return ArchiveProblem("archive-member-unsafe", "absolute path")
    parts = name.split("/")
    if ".." in parts:
        return ArchiveProblem("archive-member-unsafe", "..")
    base = parts[-1]
    if parts[0] == "__MACOSX" or base.startswith(("._", LOCK_PREFIX)):
        return ArchiveProblem("archive-member-ignored")
    if base.lower() in JUNK_NAMES:
        return ArchiveProblem("archive-member-ignored")
    return None


def check_sizes(
    sizes: Sequence[tuple[int, int | None]], budget: Budget, archive_bytes: int
) -> None:
    """Refuse an archive whose (uncompressed, compressed) member sizes break a limit."""
    budget.members -= len(sizes)
    if budget.members < 0:
        raise ArchiveProblem("archive-too-large", f"> {MAX_MEMBERS} files")
    total = sum(size for size, _ in sizes)
    budget.bytes -= total
    if budget.bytes < 0:
        raise ArchiveProblem("archive-too-large", f"{total // 2**20} MB")
    for size, packed in sizes:
        if packed is not None and size > RATIO_FLOOR and size > MAX_RATIO * max(packed, 1):
            raise ArchiveProblem("archive-bomb", f"{size // max(packed, 1)}:1")
    if total > RATIO_FLOOR and total > MAX_RATIO * max(archive_bytes, 1):
        raise ArchiveProblem("archive-bomb", f"{total // max(archive_bytes, 1)}:1")


def numbered(names: Sequence[str]) -> list[int]:
    """For each member name, which copy of that name it is (case-insensitive, as on Windows)."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        key = name.casefold()
        seen[key] = seen.get(key, 0) + 1
        out.append(seen[key])
    return out


# --- zip ----------------------------------------------------------------------------------


def decode_name(info: zipfile.ZipInfo) -> str:
    """The member's path: UTF-8 when flagged (or when it is valid UTF-8), else GB18030 (what
    Chinese Windows writes without the flag) when it decodes cleanly, else cp437."""
    name = info.orig_filename
    if not info.flag_bits & _UTF8_FLAG:
        raw = name.encode("cp437")  # zipfile decoded the raw bytes as cp437: undo it
        for encoding in ("utf-8", "gb18030"):
            try:
                name = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
    return name.replace("\\", "/")


def zip_members(
    source: Path, passwords: Sequence[str], budget: Budget, scratch: Scratch
) -> Iterator[Member]:
    """The members of a zip (AES or ZipCrypto encrypted ones with `passwords`)."""
    try:
        zf = pyzipper.AESZipFile(source)
    except (*_ZIP_ERRORS, OSError, ValueError) as exc:
        raise ArchiveProblem("archive-corrupt", type(exc).__name__) from None
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        check_sizes([(i.file_size, i.compress_size) for i in infos], budget, source.stat().st_size)
        names = [decode_name(i) for i in infos]
        bundle = set(BUNDLE_PARTS) <= set(names)
        for info, name, copy in zip(infos, names, numbered(names), strict=True):
            link = info.create_system == _UNIX and stat.S_ISLNK(info.external_attr >> 16)
            problem = classify(name, link, bundle)
            yield Member(name, _ZipCopy(zf, info, passwords), copy, problem)


class _ZipCopy:
    def __init__(self, zf: zipfile.ZipFile, info: zipfile.ZipInfo, passwords: Sequence[str]):
        self.zf, self.info, self.passwords = zf, info, passwords

    def __call__(self, target: Path) -> None:
        if not self.info.flag_bits & _ENCRYPTED_FLAG:
            _copy_member(self.zf, self.info, None, target)
            return
        if not self.passwords:
            raise ArchiveProblem("archive-encrypted")
        for password in self.passwords:
            # 7-Zip and WinRAR encode passwords as UTF-8; old Chinese tools as GBK.
            for encoded in dict.fromkeys((password.encode(), password.encode("gb18030"))):
                try:
                    _copy_member(self.zf, self.info, encoded, target)
                except ArchiveProblem:
                    continue  # a wrong password fails the check value, the HMAC or the CRC
                return
        raise ArchiveProblem("archive-password-wrong")


def _copy_member(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, pwd: bytes | None, target: Path
) -> None:
    # zipfile stops at the declared size and checks the CRC (or AES's HMAC) at the end.
    try:
        with zf.open(info, pwd=pwd) as src, target.open("wb") as out:
            shutil.copyfileobj(src, out, _COPY_CHUNK)
    except RuntimeError as exc:  # zipfile: "Bad password for file"
        raise ArchiveProblem("archive-password-wrong", type(exc).__name__) from None
    except (*_ZIP_ERRORS, NotImplementedError) as exc:
        raise ArchiveProblem("archive-corrupt", type(exc).__name__) from None


# --- 7z -------------------------------------------------------------------------------------


def seven_members(
    source: Path, passwords: Sequence[str], budget: Budget, scratch: Scratch
) -> Iterator[Member]:
    """The members of a 7z. A 7z is decompressed as a whole (solid blocks), so every member
    that may be read is copied out at once, each to its own scratch file."""
    tries: Sequence[str | None] = passwords or (None,)
    encrypted = False
    last = ""
    for password in tries:
        try:
            with py7zr.SevenZipFile(source, password=password) as zf:
                encrypted = zf.needs_password()
                if encrypted and password is None:
                    raise ArchiveProblem("archive-encrypted")
                infos = [f for f in zf.list() if not f.is_directory]
                names = [f.filename.replace("\\", "/") for f in infos]
                sizes = [(int(f.uncompressed), f.compressed) for f in infos]
                problems = [
                    classify(n, bool(f.is_symlink)) for n, f in zip(names, infos, strict=True)
                ]
                wanted = [f.filename for f, p in zip(infos, problems, strict=True) if p is None]
                sinks = _Sinks(scratch, dict(zip(names, (s for s, _ in sizes), strict=True)))
                if wanted:
                    zf.extract(targets=wanted, factory=sinks)
        except py7zr.exceptions.PasswordRequired:
            raise ArchiveProblem("archive-encrypted") from None
        except ArchiveProblem:
            raise
        except _SEVEN_ERRORS as exc:
            last = type(exc).__name__
            continue  # damaged, or the wrong password: try the next one
        break
    else:
        if encrypted or passwords:
            raise ArchiveProblem("archive-password-wrong")
        raise ArchiveProblem("archive-corrupt", last)
    check_sizes(sizes, budget, source.stat().st_size)
    for name, copy, problem in zip(names, numbered(names), problems, strict=True):
        yield Member(name, sinks.mover(name), copy, problem)


class _Sink(Py7zIO):
    """One member's bytes straight into its scratch file, never beyond its declared size."""

    def __init__(self, path: Path, limit: int) -> None:
        self.path, self.limit, self.written = path, limit, 0
        self.fh: BinaryIO = path.open("wb")

    def write(self, s: bytes | bytearray) -> int:
        room = max(self.limit - self.written, 0)
        self.written += len(s)
        return self.fh.write(s[:room])

    def read(self, size: int | None = None) -> bytes:
        raise OSError("write-only")

    def seek(self, offset: int, whence: int = 0) -> int:
        return self.fh.seek(offset, whence)

    def flush(self) -> None:
        self.fh.flush()

    def size(self) -> int:
        return min(self.written, self.limit)

    def close(self) -> None:
        self.fh.close()


class _Sinks(WriterFactory):
    def __init__(self, scratch: Scratch, sizes: dict[str, int]) -> None:
        self.scratch, self.sizes = scratch, sizes
        self.made: dict[str, _Sink] = {}

    def create(self, filename: str) -> Py7zIO:
        name = filename.replace("\\", "/")
        sink = _Sink(self.scratch(), self.sizes.get(name, 0))
        self.made[name] = sink
        return sink

    def mover(self, name: str) -> Callable[[Path], None]:
        def move(target: Path) -> None:
            sink = self.made.get(name)
            if sink is None:
                raise ArchiveProblem("archive-corrupt", "missing")
            sink.close()
            if sink.written != sink.limit:
                raise ArchiveProblem("archive-corrupt", "size")
            sink.path.replace(target)

        return move
