"""What is read from the raw package before calamine sees a file: name, size, magic bytes, zip
layout, XML safety, the sheet map, and one streaming scan per sheet (extent, formulas, errors,
merges, protection). Each rejection is a `SubmissionError` with a catalogue code."""

from __future__ import annotations

import codecs
import contextlib
import hashlib
import io
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import IO
from xml.etree.ElementTree import Element, ParseError
from xml.sax import SAXException

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET
from python_calamine import CalamineError, PasswordError, XmlError, ZipError

from ..errors import SubmissionError

MAX_FILE_BYTES = 50 * 2**20
_HASH_CHUNK = 1 << 20
MAX_UNCOMPRESSED_BYTES = 200 * 2**20  # all parts together, as declared in the zip directory
MAX_PARTS = 10_000
MAX_RATIO = 100  # real workbooks compress 5-20x; only checked for parts above RATIO_FLOOR
RATIO_FLOOR = 10 * 2**20
XML_HEAD_BYTES = 64 * 1024
MAX_PROLOG_BYTES = 2**20  # comments before the root element; real parts have none
# What may precede the root element besides a DOCTYPE: BOM, space, declaration/PIs, comments.
_PROLOG_ITEM = re.compile(rb"\xef\xbb\xbf|\s+|<\?.*?\?>|<!--.*?-->", re.S)

OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")
ZIP_MAGIC = b"PK"
CONTENT_TYPES = "[Content_Types].xml"
WORKBOOK_PART = "xl/workbook.xml"
STRICT_NAMESPACE = b"http://purl.oclc.org/ooxml/spreadsheetml/main"
LOCK_PREFIX = "~$"
XLSX_SUFFIX = ".xlsx"
# What zipfile and zlib raise for truncated or damaged archives and wrong CRCs (which is also
# how an entry larger than its declared size ends).
CORRUPT_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError)
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")  # OOXML encryption's CFB stream name
_SUFFIX_CODES = {
    ".xls": "file-legacy-xls",
    ".xlt": "file-legacy-xls",
    ".et": "file-wps-et",
    ".ett": "file-wps-et",
    ".csv": "file-csv",
    ".txt": "file-csv",
    ".htm": "file-html",
    ".html": "file-html",
}


def name_code(path: PurePath) -> str | None:
    """The code a file gets from its name alone; None for a `.xlsx` that must be opened."""
    if path.name.startswith(LOCK_PREFIX):
        return "file-lock"
    suffix = path.suffix.lower()
    if suffix == XLSX_SUFFIX:
        return None
    return _SUFFIX_CODES.get(suffix, "file-not-xlsx")


@dataclass(frozen=True, slots=True)
class Loaded:
    """A returned file read once: its sha256 is that of `data`, the very bytes that are then
    checked, parsed and kept. `data` is None for a file over the size limit (hashed as it is
    read, rejected unparsed)."""

    sha256: str
    data: bytes | None
    size: int


def read_once(path: Path) -> Loaded:
    """Read `path` once and hash what was read.

    Raises:
        OSError: the file cannot be read.
    """
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        digest = hashlib.sha256()
        with path.open("rb") as fh:
            while chunk := fh.read(_HASH_CHUNK):
                digest.update(chunk)
        return Loaded(digest.hexdigest(), None, size)
    data = path.read_bytes()
    return Loaded(hashlib.sha256(data).hexdigest(), data, len(data))


def check_loaded(name: str, loaded: Loaded) -> bytes:
    """The bytes of a file read by `read_once`, after every file-level check.

    Raises:
        SubmissionError: any file-level rejection.
    """
    if name.startswith(LOCK_PREFIX):
        raise SubmissionError("file-lock")
    if loaded.data is None:
        raise SubmissionError("file-too-large", f"{loaded.size // 2**20} MB")
    check_bytes(name, loaded.data)
    return loaded.data


def load_checked(path: Path) -> bytes:
    """Read `path` after the size check and run `check_bytes` on its content.

    Raises:
        SubmissionError: any file-level rejection.
    """
    if path.name.startswith(LOCK_PREFIX):
        raise SubmissionError("file-lock")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise SubmissionError("file-too-large", f"{size // 2**20} MB")
        data = path.read_bytes()
    except OSError as exc:
        raise SubmissionError("file-unreadable", type(exc).__name__) from None
    check_bytes(path.name, data)
    return data


def magic_code(name: str, data: bytes) -> str | None:
    """The code for content that is not a zip at all (empty, OLE, HTML, text); None for a zip."""
    if not data:
        return "file-empty"
    if data.startswith(OLE_MAGIC):
        return classify_ole(name, data)
    if not data.startswith(ZIP_MAGIC):
        return _sniff_text(data)
    return None


def check_bytes(name: str, data: bytes) -> None:
    """Reject anything that is not a plain, sanely sized transitional `.xlsx` package."""
    if len(data) > MAX_FILE_BYTES:
        raise SubmissionError("file-too-large", f"{len(data) // 2**20} MB")
    code = magic_code(name, data)
    if code is not None:
        raise SubmissionError(code)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            _check_package(zf)
    except CORRUPT_ZIP_ERRORS as exc:
        raise SubmissionError("file-corrupt", type(exc).__name__) from None
    except NotImplementedError as exc:  # e.g. a compression method zipfile cannot read
        raise SubmissionError("file-unreadable", type(exc).__name__) from None


def classify_ole(name: str, data: bytes) -> str:
    """An OLE compound file: encrypted OOXML, WPS `.et` or a legacy `.xls`.

    msoffcrypto-tool (a test extra) also knows encrypted `.xls`; without it the stream name
    of OOXML encryption is enough for the common case.
    """
    if _msoffcrypto_encrypted(data) or _ENCRYPTED_STREAM in data:
        return "file-encrypted"
    if Path(name).suffix.lower() in (".et", ".ett"):
        return "file-wps-et"
    return "file-legacy-xls"


def _msoffcrypto_encrypted(data: bytes) -> bool:
    try:
        import msoffcrypto
    except ImportError:
        return False
    try:
        return bool(msoffcrypto.OfficeFile(io.BytesIO(data)).is_encrypted())
    except Exception:  # not a format msoffcrypto knows: the caller classifies by name instead
        return False


def _sniff_text(data: bytes) -> str:
    """Code for a non-zip, non-OLE file: HTML, text/CSV, or something else entirely."""
    head = data[:4096]
    text: str | None
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = head.decode("utf-16", errors="replace")  # Excel's "Unicode text" export
    elif b"\x00" in head:
        return "file-not-xlsx"
    else:
        text = _decode_text(head)
    if text is None:
        return "file-not-xlsx"
    return "file-html" if text.lstrip("\ufeff \t\r\n").startswith("<") else "file-csv"


def _decode_text(head: bytes) -> str | None:
    for encoding in ("utf-8", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            return str(decoder.decode(head, final=False))
        except UnicodeDecodeError:
            continue
    return None


def _check_package(zf: zipfile.ZipFile) -> None:
    infos = zf.infolist()
    if len(infos) > MAX_PARTS:
        raise SubmissionError("file-too-large", f"{len(infos)} parts")
    names = {info.filename for info in infos}
    if not {CONTENT_TYPES, WORKBOOK_PART} <= names:
        raise SubmissionError("file-not-workbook")
    total = sum(info.file_size for info in infos)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise SubmissionError("file-too-large", f"{total // 2**20} MB uncompressed")
    for info in infos:
        if info.flag_bits & 0x1:
            raise SubmissionError("file-encrypted")
        ratio = info.file_size // max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR and ratio > MAX_RATIO:
            raise SubmissionError("file-too-large", f"ratio {ratio}")
    for info in infos:
        if info.filename.endswith((".xml", ".rels")):
            with zf.open(info) as fh:
                reason = _unsafe_prolog(fh)
            if reason is not None:
                raise SubmissionError("file-unsafe-xml", reason)
    with zf.open(WORKBOOK_PART) as fh:
        if STRICT_NAMESPACE in fh.read(XML_HEAD_BYTES):
            raise SubmissionError("file-strict-ooxml")


def _unsafe_prolog(fh: IO[bytes]) -> str | None:
    """Why the part's prolog is refused: a DOCTYPE (no OOXML part has one and entity attacks
    need it), or a prolog longer than any real writer's; None when it is fine.

    Reads only up to the root element.
    """
    buffer = b""
    while len(buffer) <= MAX_PROLOG_BYTES:
        chunk = fh.read(XML_HEAD_BYTES)
        buffer += chunk
        pos = 0
        while item := _PROLOG_ITEM.match(buffer, pos):
            pos = item.end()
        buffer = buffer[pos:]
        if buffer.startswith(b"<!DOCTYPE"):
            return "DOCTYPE"
        if not chunk or (len(buffer) >= 9 and not buffer.startswith((b"<!--", b"<?"))):
            return None  # the root element (or junk the parsers will refuse) comes next
    return "prolog"


def parse_xml(zf: zipfile.ZipFile, part: str) -> Element:
    """Parse a small package part with defusedxml; bad or hostile XML is `file-unsafe-xml`."""
    try:
        root: Element = SafeET.fromstring(zf.read(part))
    except (DefusedXmlException, ParseError) as exc:
        raise SubmissionError("file-unsafe-xml", type(exc).__name__) from None
    return root


@dataclass(frozen=True, slots=True)
class Book:
    """The workbook part: sheet name -> worksheet part, and the date system."""

    sheets: dict[str, str]  # sheet name -> worksheet part
    date1904: bool


@contextlib.contextmanager
def parser_errors() -> Iterator[None]:
    """Translate what zipfile, defusedxml and calamine raise into catalogue codes."""
    try:
        yield
    except (*CORRUPT_ZIP_ERRORS, ZipError) as exc:
        raise SubmissionError("file-corrupt", type(exc).__name__) from None
    except (DefusedXmlException, SAXException, ParseError, XmlError) as exc:
        raise SubmissionError("file-unsafe-xml", type(exc).__name__) from None
    except PasswordError as exc:
        raise SubmissionError("file-encrypted", type(exc).__name__) from None
    except (CalamineError, NotImplementedError) as exc:
        raise SubmissionError("file-unreadable", type(exc).__name__) from None
    except BaseException as exc:
        # A Rust panic inside calamine surfaces as pyo3's PanicException (a BaseException).
        if type(exc).__name__ == "PanicException":
            raise SubmissionError("file-unreadable", "PanicException") from None
        raise


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def read_book(zf: zipfile.ZipFile) -> Book:
    """Sheet names -> worksheet parts (via the workbook's relationships), and the date system."""
    workbook = parse_xml(zf, WORKBOOK_PART)
    targets: dict[str, str] = {}
    rels_part = "xl/_rels/workbook.xml.rels"
    if rels_part in zf.NameToInfo:
        for rel in parse_xml(zf, rels_part):
            target = rel.get("Target", "")
            resolved = target.lstrip("/") if target.startswith("/") else "xl/" + target
            targets[rel.get("Id", "")] = posixpath.normpath(resolved)
    sheets: dict[str, str] = {}
    date1904 = False
    for element in workbook.iter():
        name = _local(element.tag)
        if name == "workbookPr":
            date1904 = element.get("date1904", "").lower() in ("1", "true")
        elif name == "sheet":
            part = targets.get(element.get(_REL_NS + "id", ""), "")
            if part in zf.NameToInfo:
                sheets[element.get("name", "")] = part
    return Book(sheets, date1904)
