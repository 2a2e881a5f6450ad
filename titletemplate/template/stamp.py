"""Batch builds without recompiling: one probe template per (vocabulary, rows, issue time),
then each unit's template is the probe with the per-unit parts stamped in.

What differs between two units' templates (build_template output, part by part):
- xl/sharedStrings.xml: the unit name, unit code, template id and signature strings;
- the `<sheetProtection password=...>` hash of the three sheets and the
  `<workbookProtection workbookPassword=...>` hash of xl/workbook.xml;
- docProps/custom.xml: the identity JSON.

Every other part is identical, and so are the shared-string indices as long as the unit's
strings are new to the string table (each shared string is stored once, at its first use).
The stamp therefore applies only when each of those strings is distinct from the others and
from every other string of the probe; otherwise the caller builds the template from scratch.
Strings are rendered by xlsxwriter's own writers, so escaping is the same. Parts are zipped
with the probe's ZipInfo entries, as protection.lock_structure does, so the bytes are equal to
build_template's (tests/test_batch.py compares them). Unchanged parts keep the probe's deflate
output, and a sheet is compressed again only after its password hash. stampfill.py builds
corrections on the same stamp.
"""

from __future__ import annotations

import copy
import io
import logging
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ..fingerprint import Identity, Origin, make_identity
from ..keys import sheet_password
from ..vocab import Unit, Vocab
from . import xlsxinternals as xi
from .protection import WORKBOOK_PART, identity_properties, legacy_hash

SST_PART = "xl/sharedStrings.xml"
CUSTOM_PART = "docProps/custom.xml"
SHEET_PREFIX = "xl/worksheets/sheet"
_PROBE_NAME = "titletemplate-probe-unit-name-5c1d"
_PROBE_CODE = "titletemplate-probe-unit-code-5c1d"
_MAX_TEXT = 1000  # longer values go the slow way (xlsxwriter's limits and warnings apply)


@dataclass(frozen=True, slots=True)
class Head:
    """The deflate state after the first `size` bytes of a part, which every unit shares."""

    size: int
    out: bytes
    state: Any  # zlib.Compress


class _Replay:
    """A compressor for zipfile that gives a part's known deflate output (a part the unit
    does not change is not compressed again)."""

    def __init__(self, out: bytes) -> None:
        self.out = out

    def compress(self, data: bytes) -> bytes:
        return b""

    def flush(self) -> bytes:
        return self.out


class _Resume:
    """A compressor for zipfile that starts from a Head instead of compressing it again.
    deflate without flushes gives the same bytes however its input is split."""

    def __init__(self, head: Head) -> None:
        self.head, self.state = head, head.state.copy()

    def compress(self, data: bytes) -> bytes:
        out: bytes = self.head.out + self.state.compress(data[self.head.size :])
        return out

    def flush(self) -> bytes:
        out: bytes = self.state.flush()
        return out


_log = logging.getLogger(__name__)
_T = TypeVar("_T")


def guarded(what: str, run: Callable[[], _T]) -> _T | None:
    """What a fast builder gives, or None on any exception, so that the caller builds with
    XlsxWriter's public API instead: the fast builders rely on XlsxWriter and zipfile internals
    (see tests/test_library_internals.py), which a new release may change."""
    try:
        return run()
    except Exception as exc:  # any failure of a fast path means: take the public-API route
        _log.warning(
            "fast build %s failed (%s); building with the public API", what, type(exc).__name__
        )
        return None


def _compressor() -> Any:
    """The compressor zipfile uses for ZIP_DEFLATED at the default level."""
    return zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)


def _head(part: bytes, marker: bytes) -> Head | None:
    at = part.find(marker)
    if at < 0:
        return None
    state = _compressor()
    return Head(at, state.compress(part[:at]), state)


def _packed(part: bytes) -> bytes:
    state = _compressor()
    out: bytes = state.compress(part) + state.flush()
    return out


@dataclass(frozen=True, slots=True)
class Probe:
    """A built template with sentinel unit strings, split into its uncompressed parts."""

    infos: tuple[zipfile.ZipInfo, ...]
    parts: dict[str, bytes]
    strings: frozenset[str]  # shared strings other than the four unit-specific ones
    si: tuple[str, ...]  # the probe's <si> elements of its unit_strings
    password_hash: str
    heads: dict[str, Head]
    packed: dict[str, bytes]  # each part compressed


def unit_strings(identity: Identity) -> tuple[str, ...]:
    """The identity's strings that differ between units (a correction's origin too)."""
    origin = (identity.corrects, identity.source_rows) if identity.corrects else ()
    return (identity.unit_name, identity.unit_code, identity.template_id, *origin,
            identity.signature)  # fmt: skip


def _custom_xml(identity: Identity) -> bytes:
    return xi.custom_xml(identity_properties(identity))


def _sst_strings(xml: str) -> list[str]:
    from xml.etree import ElementTree

    ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    root = ElementTree.fromstring(xml)
    return ["".join(si.itertext()) for si in root.iter(f"{ns}si")]


def make_probe(
    vocab: Vocab, key: Ed25519PrivateKey, data: bytes, issued_at: str, origin: Origin | None = None
) -> Probe | None:
    """Split `data`, the template build_template gave for probe_unit() (and `origin`), into a
    Probe; None when its layout is not the expected one (then every unit is built from
    scratch)."""
    identity = make_identity(vocab, probe_unit(), issued_at, key, origin)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        infos = tuple(zf.infolist())
        parts = {i.filename: zf.read(i) for i in infos}
    if SST_PART not in parts or CUSTOM_PART not in parts:
        return None
    sst = parts[SST_PART].decode("utf-8")
    si = tuple(xi.si_element(s) for s in unit_strings(identity))
    if any(sst.count(x) != 1 for x in si) or _custom_xml(identity) != parts[CUSTOM_PART]:
        return None
    strings = _sst_strings(sst)
    others = frozenset(strings) - set(unit_strings(identity))
    if len(strings) != len(others) + len(si):
        return None
    password_hash = legacy_hash(sheet_password(key, identity.template_id))
    sheets = [parts[n] for n in parts if n.startswith(SHEET_PREFIX)]
    if any(p.count(f'<sheetProtection password="{password_hash}"'.encode()) != 1 for p in sheets):
        return None
    if parts[WORKBOOK_PART].count(f'workbookPassword="{password_hash}"'.encode()) != 1:
        return None
    marker = f'<sheetProtection password="{password_hash}"'.encode()
    heads = {n: h for n in parts if n.startswith(SHEET_PREFIX) and (h := _head(parts[n], marker))}
    packed = {n: _packed(p) for n, p in parts.items()}
    return Probe(infos, parts, others, si, password_hash, heads, packed)


def probe_unit() -> Unit:
    return Unit(name=_PROBE_NAME, code=_PROBE_CODE)


def stamp(
    probe: Probe, vocab: Vocab, unit: Unit, key: Ed25519PrivateKey, issued_at: str
) -> bytes | None:
    """The template for `unit` from the probe, or None when the stamp does not apply."""
    identity = make_identity(vocab, unit, issued_at, key)
    parts = stamped_parts(probe, identity, sheet_password(key, identity.template_id))
    return None if parts is None else zip_parts(probe, parts, probe.heads)


def stamped_parts(probe: Probe, identity: Identity, password: str) -> dict[str, bytes] | None:
    """The probe's parts with `identity`'s unit strings, properties and password hashes; None
    when the stamp does not apply (see the module docstring)."""
    values = unit_strings(identity)
    si = [xi.si_element(v) for v in values]
    if (
        not identity.unit_name
        or len(set(values)) != len(values)
        or len(values) != len(probe.si)
        or any(v in probe.strings or len(v) > _MAX_TEXT or v.startswith("<r>") for v in values)
        # Another of the probe's unit strings: one replace below would undo another.
        or any(new in probe.si and new != old for new, old in zip(si, probe.si, strict=True))
    ):
        return None
    new_hash = legacy_hash(password)
    sst = probe.parts[SST_PART].decode("utf-8")
    for probe_si, new_si in zip(probe.si, si, strict=True):
        sst = sst.replace(probe_si, new_si, 1)
    parts = dict(probe.parts)
    parts[SST_PART] = sst.encode("utf-8")
    parts[CUSTOM_PART] = _custom_xml(identity)
    old = f'<sheetProtection password="{probe.password_hash}"'.encode()
    for name, part in probe.parts.items():
        if name.startswith(SHEET_PREFIX):
            new = f'<sheetProtection password="{new_hash}"'.encode()
            parts[name] = part.replace(old, new, 1)
    old = f'workbookPassword="{probe.password_hash}"'.encode()
    new = f'workbookPassword="{new_hash}"'.encode()
    parts[WORKBOOK_PART] = probe.parts[WORKBOOK_PART].replace(old, new, 1)
    return parts


def zip_parts(probe: Probe, parts: dict[str, bytes], heads: dict[str, Head]) -> bytes:
    """`parts` zipped with the probe's entries. What is already compressed is not compressed
    again: a part that is the probe's own object, and the first `head.size` bytes of a part
    with a head, which must equal the probe part's."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zout:
        for probe_info in probe.infos:
            info = copy.copy(probe_info)  # writing fills in sizes and offsets
            name = info.filename
            part = parts[name]
            compressor: _Replay | _Resume | None = None
            if part is probe.parts[name]:
                compressor = _Replay(probe.packed[name])
            elif name in heads:
                compressor = _Resume(heads[name])
            if compressor is None:
                zout.writestr(info, part)
                continue
            info.file_size = len(part)  # what writestr does before it opens the entry
            with zout.open(info, "w") as dest:
                xi.write_entry(dest, part, compressor)
    return out.getvalue()
