"""`bundle`: the current accepted original files of the chosen units, packed for the next level
up with manifest.csv and a one-page summary workbook; an AES-256 zip with a password.

The originals are the files as they arrived (kept in the store), so each one still verifies by
its own signature at the level that receives the bundle."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import pyzipper

from . import sheettexts
from .errors import StoreError
from .files import atomic_open
from .ingest import BUNDLE_MANIFEST, BUNDLE_SUMMARY, SEPARATOR, Store, StoredSubmission
from .reports import office_map, office_of, write_summary
from .vocab import Vocab, text_key

MANIFEST_CSV = BUNDLE_MANIFEST  # ingest knows a bundle by these two at its root
SUMMARY_XLSX = BUNDLE_SUMMARY
MANIFEST_HEADERS = ("file", "unit", "template_id", "sha256", "rows", "valid_rows", "route")
_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]')  # what Windows refuses in a file name


@dataclass(frozen=True, slots=True)
class BundledFile:
    """One original file in the bundle, as manifest.csv lists it."""

    file: str  # its path inside the bundle: "<unit>/<file name>"
    unit: str
    template_id: str
    sha256: str
    rows: int
    valid_rows: int
    route: str  # the name it arrived under at this level, e.g. "X.zip › dir/01.xlsx"


@dataclass(frozen=True, slots=True)
class BundleResult:
    path: Path
    files: tuple[BundledFile, ...]
    missing_units: tuple[str, ...]  # chosen units with no current accepted file
    encrypted: bool


def chosen_units(
    vocab: Vocab, office: str | None, supervisor: str | None, units: Sequence[str]
) -> set[str] | None:
    """The text keys of the units a bundle is for; None = every unit (and routing by office is
    decided per file, see make_bundle)."""
    if units:
        return {text_key(u) for u in units}
    if supervisor:
        under = [u.name for u in vocab.units if text_key(u.supervisor) == text_key(supervisor)]
        return {text_key(u) for u in (supervisor, *under)}
    return None


def make_bundle(
    db_path: str | Path,
    out: str | Path,
    vocab: Vocab,
    *,
    office: str | None = None,
    supervisor: str | None = None,
    units: Sequence[str] = (),
    password: str | None = None,
) -> BundleResult:
    """Write the bundle zip for the chosen units (all by default).

    `office` takes the files with a valid row in the office's routing scope (routing.yaml)
    and the files of the units it supervises (units.yaml). The password is used, never kept.

    Raises:
        StoreError: the store cannot be used.
    """
    target = Path(out)
    if password is not None and not (password.isascii() and password.isprintable()):
        raise ValueError("7-Zip refuses zip passwords that are not printable ASCII")
    if not Path(db_path).is_file():
        raise StoreError("store-unusable", f"{Path(db_path).name}: not found")
    wanted = chosen_units(vocab, office, supervisor, units)
    with Store(db_path) as store:
        subs = store.current_submissions()
        counts = store.status_counts([s.id for s in subs])
        if office:
            subs = _for_office(store, vocab, office, subs)
        elif wanted is not None:
            subs = [s for s in subs if text_key(s.unit) in wanted]
        files: list[tuple[BundledFile, bytes]] = []
        names: set[str] = set()
        for sub in subs:
            data = store.original(sub.sha256)
            if data is None:
                raise StoreError("store-original-missing", sub.file_name)
            c = counts.get(sub.id, {})
            member = _member_name(sub, names)
            bundled = BundledFile(member, sub.unit, sub.template_id, sub.sha256,
                                  sum(c.values()), c.get("valid", 0), sub.file_name)  # fmt: skip
            files.append((bundled, data))
    present = {text_key(f.unit) for f, _ in files}
    missing = (
        []
        if wanted is None
        else sorted(u for u in _names(vocab, wanted) if text_key(u) not in present)
    )
    _write_zip(target, files, vocab, password)
    return BundleResult(target, tuple(f for f, _ in files), tuple(missing), password is not None)


def _names(vocab: Vocab, keys: set[str]) -> list[str]:
    known = {text_key(u.name): u.name for u in vocab.units}
    return [known.get(k, k) for k in keys]


def _for_office(
    store: Store, vocab: Vocab, office: str, subs: Sequence[StoredSubmission]
) -> list[StoredSubmission]:
    offices = office_map(vocab)
    key = text_key(office)
    supervised = {text_key(u.name) for u in vocab.units if text_key(u.supervisor) == key} | {key}
    groups = store.submission_groups([s.id for s in subs])
    return [
        s
        for s in subs
        if text_key(s.unit) in supervised
        or any(
            text_key(office_of(offices, series, level)) == key
            for series, level in groups.get(s.id, ())
        )
    ]


def _member_name(sub: StoredSubmission, taken: set[str]) -> str:
    """ "<unit>/<the file's own name>", made safe for Windows and unique in the bundle."""
    own = PurePosixPath(sub.file_name.rpartition(SEPARATOR)[2] or sub.file_name).name
    unit = _UNSAFE_NAME.sub("_", sub.unit or sheettexts.NO_UNIT)
    name = f"{unit}/{_UNSAFE_NAME.sub('_', own)}"
    if name.casefold() in taken:
        stem, dot, suffix = name.rpartition(".")
        name = f"{stem}-{sub.template_id}{dot}{suffix}"
    taken.add(name.casefold())
    return name


def manifest_bytes(files: Sequence[BundledFile]) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(MANIFEST_HEADERS)
    for f in files:
        writer.writerow([f.file, f.unit, f.template_id, f.sha256, f.rows, f.valid_rows, f.route])
    return text.getvalue().encode("utf-8-sig")  # Excel opens a UTF-8 CSV right with the BOM


def _write_zip(
    target: Path, files: Sequence[tuple[BundledFile, bytes]], vocab: Vocab, password: str | None
) -> None:
    summary = write_summary([f for f, _ in files], vocab)
    parts = [(f.file, data) for f, data in files]
    parts += [(MANIFEST_CSV, manifest_bytes([f for f, _ in files])), (SUMMARY_XLSX, summary)]
    with atomic_open(target, "wb") as fh:
        if password is None:
            zf: zipfile.ZipFile = zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED)
        else:
            # WinZip AES-256 (AE-2): what 7-Zip, WinRAR and Bandizip open with a password.
            zf = pyzipper.AESZipFile(fh, "w", compression=zipfile.ZIP_DEFLATED,
                                     encryption=pyzipper.WZ_AES)  # fmt: skip
            zf.setpassword(password.encode())
        with zf:
            for name, data in parts:
                zf.writestr(_pinned(getattr(zf, "zipinfo_cls", zipfile.ZipInfo), name), data)


def _pinned(kind: type[zipfile.ZipInfo], name: str) -> zipfile.ZipInfo:
    """A member with a fixed date: the same files give the same bundle."""
    info = kind(name, date_time=(2021, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info
