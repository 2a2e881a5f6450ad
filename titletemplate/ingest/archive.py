"""Files and folders given to ingest -> the workbooks to check: `.zip`/`.7z` archives expanded
(folders inside, archives inside archives up to MAX_DEPTH), password-protected archives and
workbooks opened with the passwords given; every other entry becomes a coded finding.

Safe by construction: a member is copied, within its declared size, to a numbered file in a
private temporary folder; its own path never reaches the file system, so zip-slip, absolute
paths and symlinks cannot write anywhere (members.py)."""

from __future__ import annotations

import csv
import hashlib
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..errors import Issue
from . import officecrypt, preflight
from .inputs import find_input_files
from .members import (
    BUNDLE_MANIFEST,
    ArchiveProblem,
    Budget,
    Member,
    seven_members,
    zip_members,
)

SEPARATOR = " › "  # between an archive's name and a member's path: "X.zip › dir/01.xlsx"
MAX_DEPTH = 3  # an archive in an archive in an archive
ARCHIVE_SUFFIXES = (".zip", ".7z")
RAR_SUFFIX = ".rar"
SEVEN_MAGIC = b"7z\xbc\xaf\x27\x1c"
RAR_MAGIC = b"Rar!\x1a\x07"
_SNIFFED = (None, "file-legacy-xls", "file-wps-et")  # name codes whose content is looked at


@dataclass(frozen=True, slots=True)
class Input:
    """A workbook to check: where its bytes are, and how the reports name it."""

    path: Path
    shown: str  # report path: the path given, or "/in/X.zip › dir/01.xlsx"
    name: str  # report file name: the file's name, or "X.zip › dir/01.xlsx"
    notes: tuple[Issue, ...] = ()  # findings recorded with the file (archive, bundle)


def find_inputs(
    paths: Sequence[str | Path], workdir: Path, passwords: Sequence[str] = ()
) -> tuple[list[Input], list[Issue]]:
    """The workbooks among `paths` (folders walked, archives expanded into `workdir`, a private
    folder the caller removes afterwards) and an issue for every other entry (its `file` the
    report name, its `path` the report path), with the code that says why it was skipped.

    Passwords are tried in turn on encrypted archives and Office-encrypted workbooks; they
    are never recorded."""
    expander = _Expander(workdir, passwords)
    files, issues = find_input_files(paths, claim=expander.given)
    for file in files:
        expander.workbook(file, str(file), file.name)
    for issue in issues:
        expander.skip(issue.file, issue.file, issue.code, issue.detail)
    return expander.inputs, expander.skipped


def shown_name(path: str) -> str:
    """The report name of a report path: the file's name, or "X.zip › dir/01.xlsx"."""
    head, sep, rest = path.partition(SEPARATOR)
    return Path(head).name + sep + rest


class _Expander:
    def __init__(self, workdir: Path, passwords: Sequence[str]) -> None:
        self.workdir = workdir
        self.passwords = tuple(passwords)
        self.inputs: list[Input] = []
        self.skipped: list[Issue] = []
        self._count = 0
        # bundle (as shown) -> its files as manifest.csv lists them -> (route, sha256)
        self._manifests: dict[str, dict[str, tuple[str, str]]] = {}

    def skip(self, shown: str, name: str, code: str, detail: str = "") -> None:
        self.skipped.append(Issue(code, name, detail=detail, path=shown))

    def scratch(self) -> Path:
        """A new numbered file name in the private folder (a member's own name is never used)."""
        self._count += 1
        return self.workdir / f"{self._count:05d}.xlsx"

    def _read_manifest(self, member: Member, archive: str) -> None:
        """A bundle's manifest.csv: each file's route (provenance) and sha256 (checked)."""
        target = self.scratch()
        try:
            member.extract(target)
            with target.open(encoding="utf-8-sig", newline="") as fh:
                rows = list(csv.DictReader(fh))
        except (ArchiveProblem, UnicodeDecodeError, csv.Error):
            return  # the files are checked all the same; only their provenance is lost
        self._manifests[archive] = {
            r.get("file") or "": (r.get("route") or "", r.get("sha256") or "") for r in rows
        }

    def given(self, file: Path) -> bool:
        """Expand `file` if it is an archive (by its name or, for a `.xlsx`, its content)."""
        suffix = file.suffix.lower()
        if suffix == RAR_SUFFIX:
            self.skip(str(file), file.name, "archive-rar")
        elif suffix in ARCHIVE_SUFFIXES:
            self.archive(file, str(file), file.name, 1, Budget())
        elif suffix == preflight.XLSX_SUFFIX and _holds_files(file):
            self.archive(file, str(file), file.name, 1, Budget(), renamed=True)
        else:
            return False
        return True

    def workbook(self, source: Path, shown: str, name: str, notes: tuple[Issue, ...] = ()) -> None:
        """A `.xlsx`: checked where it is, or, encrypted, decrypted into the private folder."""
        if self.passwords and _is_ole(source):
            data = source.read_bytes()
            if officecrypt.is_encrypted(data):
                opened = officecrypt.decrypt(data, self.passwords)
                if opened is None:
                    self.skip(shown, name, "file-password-wrong")
                    return
                source = self.scratch()
                source.write_bytes(opened)
        self.inputs.append(Input(source, shown, name, notes))

    def archive(
        self,
        source: Path,
        shown: str,
        name: str,
        depth: int,
        budget: Budget,
        renamed: bool = False,
    ) -> None:
        before = (len(self.inputs), len(self.skipped))
        with source.open("rb") as fh:
            head = fh.read(len(SEVEN_MAGIC))
        if head.startswith(RAR_MAGIC):
            self.skip(shown, name, "archive-rar")
            return
        members = seven_members if head == SEVEN_MAGIC else zip_members
        try:
            for member in members(source, self.passwords, budget, self.scratch):
                self.member(member, shown, name, depth, budget)
        except ArchiveProblem as problem:
            del self.inputs[before[0] :], self.skipped[before[1] :]
            self.skip(shown, name, problem.code, problem.detail)
            return
        if (len(self.inputs), len(self.skipped)) == before:
            self.skip(shown, name, "archive-empty")
            return
        listed = self._manifests.pop(shown, {})
        inside = shown + SEPARATOR
        added = []
        for i in self.inputs[before[0] :]:
            notes: tuple[Issue, ...] = (Issue("archive-renamed"),) if renamed else ()
            route, sha = listed.get(i.shown.removeprefix(inside), ("", ""))
            if route:  # provenance: the name it arrived under one level down
                notes += (Issue("bundle-route", detail=route),)
            if sha and _sha256(i.path) != sha:
                notes += (Issue("bundle-file-changed", detail=sha[:12]),)
            added.append(Input(i.path, i.shown, i.name, (*i.notes, *notes)))
        self.inputs[before[0] :] = added
        shown_here = [e.shown for e in added] + [e.path for e in self.skipped[before[1] :]]
        present = {e.removeprefix(inside) for e in shown_here}
        for file in sorted(set(listed) - present):
            self.skip(inside + file, name + SEPARATOR + file, "bundle-file-missing")

    def member(self, member: Member, shown: str, name: str, depth: int, budget: Budget) -> None:
        path = member.name + (f" ({member.copy})" if member.copy > 1 else "")
        shown, name = shown + SEPARATOR + path, name + SEPARATOR + path
        if member.problem is not None:
            self.skip(shown, name, member.problem.code, member.problem.detail)
            if member.problem.code == "bundle-part" and member.name == BUNDLE_MANIFEST:
                self._read_manifest(member, shown.removesuffix(SEPARATOR + path))
            return
        base = PurePosixPath(member.name)
        suffix = base.suffix.lower()
        nested = suffix in ARCHIVE_SUFFIXES
        code = None if nested else preflight.name_code(base)
        if suffix == RAR_SUFFIX or code not in _SNIFFED:
            self.skip(shown, name, "archive-rar" if suffix == RAR_SUFFIX else str(code))
            return
        target = self.scratch()
        try:
            member.extract(target)
        except ArchiveProblem as problem:
            self.skip(shown, name, problem.code, problem.detail)
            return
        if nested or (code is None and _holds_files(target)):
            if depth >= MAX_DEPTH:
                self.skip(shown, name, "archive-too-deep", str(MAX_DEPTH))
            else:
                self.archive(target, shown, name, depth + 1, budget, renamed=not nested)
        elif code is not None:
            with target.open("rb") as fh:
                head = fh.read(preflight.MAX_FILE_BYTES)
            self.skip(shown, name, preflight.magic_code(base.name, head) or code)
        else:
            notes = (Issue("archive-member-duplicate"),) if member.copy > 1 else ()
            self.workbook(target, shown, name, notes)


def _sha256(file: Path) -> str:
    with file.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def _holds_files(file: Path) -> bool:
    """A zip that is not a workbook package but holds workbooks or archives: an archive
    renamed `.xlsx` (any other zip stays a file that is `file-not-workbook`)."""
    try:
        with file.open("rb") as fh:
            if fh.read(2) != preflight.ZIP_MAGIC:
                return False
        with zipfile.ZipFile(file) as zf:
            names = zf.namelist()
    except (*preflight.CORRUPT_ZIP_ERRORS, OSError):
        return False
    wanted = (preflight.XLSX_SUFFIX, *ARCHIVE_SUFFIXES)
    return preflight.CONTENT_TYPES not in names and any(n.lower().endswith(wanted) for n in names)


def _is_ole(file: Path) -> bool:
    with file.open("rb") as fh:
        return fh.read(len(preflight.OLE_MAGIC)) == preflight.OLE_MAGIC
