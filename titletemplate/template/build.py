"""The locked, signed Attachment-1 workbook per reporting unit (xlsxwriter), and batch builds."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import unicodedata
import warnings
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import as_completed
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import xlsxwriter
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from xlsxwriter.exceptions import XlsxWriterException

from .. import privacy, sheettexts
from ..columns import DATA_SHEET, LAYOUT_VERSION, META_SHEET, TITLES_SHEET, VOCAB_SHEET
from ..errors import TemplateError
from ..files import write_bytes_atomic
from ..fingerprint import Identity, Origin, make_identity, template_id
from ..keys import sheet_password
from ..paths import check_output
from ..vocab import Unit, Vocab
from ..workers import Handover, hand_over, start_pool, state, take_over
from .datasheet import WORKBOOK_OPTIONS, check_request, formats, write_data_sheet
from .protection import identity_properties as identity_properties  # re-exported API
from .protection import lock_structure, write_checksum_sheet
from .protection import template_password as template_password  # re-exported API
from .stamp import Probe, guarded, make_probe, probe_unit, stamp
from .titlesheet import write_titles_sheet
from .vocabsheet import SheetFormulas, checked, compile_sheet, vocab_lists, write_vocab_sheet

MANIFEST_NAME = "manifest.csv"
MANIFEST_HEADER = ("unit", "code", "template_id", "file", "sha256")
_UNSAFE_NAME = re.compile(r'[\x00-\x1f\\/:*?"<>|]')
_RESERVED_NAMES = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10))}
_RESERVED_NAMES |= {f"LPT{i}" for i in range(1, 10)}


@dataclass(frozen=True, slots=True)
class ManifestEntry:
    """One built template, as listed in manifest.csv."""

    unit: str
    unit_code: str
    template_id: str
    file: str  # file name inside the output folder
    sha256: str


# --- public API ---------------------------------------------------------------------------


def build_template(
    vocab: Vocab,
    unit: Unit,
    key: Ed25519PrivateKey,
    *,
    issued_at: str,
    rows: int | None = None,
    prefill: Sequence[Mapping[str, str]] = (),
    marks: Mapping[tuple[int, str], str] = MappingProxyType({}),
    origin: Origin | None = None,
    layout: str = LAYOUT_VERSION,
) -> bytes:
    """The template for `unit` as xlsx bytes; the same arguments give the same bytes.

    Args:
        issued_at: ISO 8601 time, signed into the identity and used as the created date.
        rows: input rows (default: the campaign's).
        prefill: values by column key for the input rows from the first one on (corrections).
        marks: (prefill index, column key) -> Chinese message; that cell gets a red fill and
            the message as a comment.
        origin: a correction's source rows, signed into its identity.
        layout: "1" builds the previous layout, as units may still return it (tests and the
            clerk benchmark's baseline only).

    Raises:
        TemplateError: a formula or text breaks an Excel limit, or xlsxwriter refused a call.
        ValueError: bad `rows`, `prefill`, `marks` or `issued_at`.
    """
    n = vocab.campaign.rows if rows is None else rows
    check_request(n, prefill, marks)
    created = _parse_issued_at(issued_at)
    identity = make_identity(vocab, unit, issued_at, key, origin, layout=layout)
    password = sheet_password(key, identity.template_id)
    sheet = compile_sheet(vocab, n, layout)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            data = _render(vocab, unit, identity, password, sheet, created, prefill, marks)
        except (Warning, XlsxWriterException) as exc:
            # The text may quote a cell value: mask ID-like numbers before it travels on.
            detail = privacy.mask_ids_in_text(str(exc))[:200]
            raise TemplateError("xlsxwriter-rejected", detail) from None
    return lock_structure(data, password)


def write_template(path: str | Path, data: bytes) -> Path:
    """Write template bytes atomically; returns the path written."""
    target = Path(path)
    check_output([target])
    write_bytes_atomic(target, data)
    return target


def build_templates(
    vocab: Vocab,
    units: Sequence[Unit],
    key: Ed25519PrivateKey,
    out_dir: str | Path,
    *,
    issued_at: str,
    rows: int | None = None,
    jobs: int = 2,
    progress: Callable[[int], None] | None = None,
) -> list[ManifestEntry]:
    """One template per unit as `<out_dir>/<unit name>.xlsx`, plus `manifest.csv`.

    Returns:
        The manifest entries in the order of `units`.
    """
    out = Path(out_dir)
    names = _file_names(units)
    check_output(out / name for name in names)
    out.mkdir(parents=True, exist_ok=True)
    setup = (hand_over(vocab, key), issued_at, rows, str(out))
    entries: list[ManifestEntry | None] = [None] * len(units)
    if jobs <= 1 or len(units) <= 1:
        local = _make_state(*setup)
        for i, unit in enumerate(units):
            entries[i] = _build_with(local, unit, names[i])
            if progress is not None:
                progress(i + 1)
    else:
        with start_pool(jobs, _make_state, *setup) as pool:
            futures = {pool.submit(_build_one, u, names[i]): i for i, u in enumerate(units)}
            for done, future in enumerate(as_completed(futures), start=1):
                entries[futures[future]] = future.result()
                if progress is not None:
                    progress(done)
    result = [e for e in entries if e is not None]
    _write_manifest(out / MANIFEST_NAME, result)
    return result


def _parse_issued_at(issued_at: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(issued_at)
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment


# --- workbook -----------------------------------------------------------------------------


def _render(
    vocab: Vocab,
    unit: Unit,
    identity: Identity,
    password: str,
    sheet: SheetFormulas,
    created: dt.datetime,
    prefill: Sequence[Mapping[str, str]],
    marks: Mapping[tuple[int, str], str],
) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, dict(WORKBOOK_OPTIONS))
    workbook.set_properties(
        {"title": sheettexts.TITLE_LINE, "company": vocab.campaign.bureau, "created": created}
    )
    for name, value in identity_properties(identity):
        checked(workbook.set_custom_property(name, value, "text"), "property")
    write_sheets(workbook, vocab, unit, identity, password, sheet, prefill, marks)
    workbook.close()
    return buffer.getvalue()


def write_sheets(
    workbook: Any,
    vocab: Vocab,
    unit: Unit,
    identity: Identity,
    password: str,
    sheet: SheetFormulas,
    prefill: Sequence[Mapping[str, str]],
    marks: Mapping[tuple[int, str], str],
) -> None:
    """The four sheets, into a new xlsxwriter workbook: the data sheet, the titles sheet (the
    notice's sheet2), and the very hidden vocabulary and checksum sheets.

    The data sheet is written last, so its strings (the layout's, then the prefilled values)
    come last in the shared-string table: stampfill.py relies on that order.
    """
    fmt = formats(workbook)
    data = workbook.add_worksheet(DATA_SHEET)
    titles = workbook.add_worksheet(TITLES_SHEET)
    vocab_sheet = workbook.add_worksheet(VOCAB_SHEET)
    meta = workbook.add_worksheet(META_SHEET)
    write_vocab_sheet(workbook, vocab_sheet, vocab_lists(vocab), fmt["text"])
    vocab_sheet.very_hidden()
    vocab_sheet.protect(password)
    write_checksum_sheet(meta, identity, fmt["text"])
    meta.very_hidden()
    meta.protect(password)
    write_titles_sheet(titles, fmt, vocab, password)
    write_data_sheet(data, fmt, vocab, unit, password, sheet, prefill, marks)


# --- batch --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _WorkerState:
    vocab: Vocab
    key: Ed25519PrivateKey
    issued_at: str
    rows: int | None
    out_dir: Path
    probes: list[Probe | None]  # at most one: built on first use


def _make_state(handover: Handover, issued_at: str, rows: int | None, out_dir: str) -> _WorkerState:
    vocab, key = take_over(handover)
    return _WorkerState(vocab, key, issued_at, rows, Path(out_dir), [])


def _build_stamped(state: _WorkerState, unit: Unit) -> bytes:
    """build_template's bytes, stamped into the batch's probe template when that applies."""
    vocab, key, issued_at = state.vocab, state.key, state.issued_at
    if not state.probes:
        built = build_template(vocab, probe_unit(), key, issued_at=issued_at, rows=state.rows)
        state.probes.append(guarded("probe", lambda: make_probe(vocab, key, built, issued_at)))
    probe = state.probes[0]
    data = None
    if probe is not None:
        data = guarded("stamp", lambda: stamp(probe, vocab, unit, key, issued_at))
    if data is None:
        data = build_template(vocab, unit, key, issued_at=issued_at, rows=state.rows)
    return data


def _build_with(state: _WorkerState, unit: Unit, file_name: str) -> ManifestEntry:
    data = _build_stamped(state, unit)
    write_template(state.out_dir / file_name, data)
    return ManifestEntry(
        unit=unit.name,
        unit_code=unit.code,
        template_id=template_id(state.vocab, unit, state.issued_at),
        file=file_name,
        sha256=hashlib.sha256(data).hexdigest(),
    )


def _build_one(unit: Unit, file_name: str) -> ManifestEntry:
    """Pool task (a TemplateError reaches the batch process with its code)."""
    built: ManifestEntry = _build_with(state(), unit, file_name)
    return built


def safe_file_name(name: str) -> str:
    """A file name for `name` that Windows, macOS and Linux all accept (no extension)."""
    stem = _UNSAFE_NAME.sub("_", unicodedata.normalize("NFC", name)).strip(" .") or "_"
    if stem.split(".")[0].upper() in _RESERVED_NAMES:
        stem = "_" + stem
    return stem[:120]


def _file_names(units: Sequence[Unit]) -> list[str]:
    names: list[str] = []
    taken: set[str] = set()
    for unit in units:
        stem = safe_file_name(unit.name)
        name, n = f"{stem}.xlsx", 1
        while name.casefold() in taken:
            n += 1
            name = f"{stem}-{n}.xlsx"
        taken.add(name.casefold())
        names.append(name)
    return names


def _write_manifest(path: Path, entries: Sequence[ManifestEntry]) -> None:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(MANIFEST_HEADER)
    for e in entries:
        writer.writerow((e.unit, e.unit_code, e.template_id, e.file, e.sha256))
    # The BOM makes Excel open the UTF-8 file with the Chinese unit names intact.
    write_bytes_atomic(path, text.getvalue().encode("utf-8-sig"))
