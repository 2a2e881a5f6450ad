"""Which of the given paths are returned workbooks: folders walked, every other file named
with its code (a legacy .xls, a WPS .et, an HTML page under a spreadsheet's name ...)."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

from ..errors import Issue
from ..paths import too_long
from . import preflight


def find_input_files(
    paths: Sequence[str | Path], claim: Callable[[Path], bool] | None = None
) -> tuple[list[Path], list[Issue]]:
    """The `.xlsx` files among `paths` (folders are walked), and an Issue for every other file
    except those `claim` takes (archive.py: archives, which it expands itself)."""
    found: set[Path] = set()
    issues: list[Issue] = []

    def unlisted(exc: OSError) -> None:  # a folder os.walk cannot list is a finding, not a gap
        where = Path(exc.filename or "")
        length = too_long(where)
        code, detail = ("file-path-too-long", str(length)) if length else ("file-unreadable", "")
        issues.append(Issue(code, where.name, detail=detail or type(exc).__name__))

    for given in map(Path, paths):
        if given.is_dir():
            for folder, _, names in os.walk(given, onerror=unlisted):
                found.update(Path(folder, name).resolve() for name in names)
        else:
            found.add(given.resolve())
    files: list[Path] = []
    for file in sorted(found):
        if length := too_long(file):
            issues.append(Issue("file-path-too-long", file.name, detail=str(length)))
            continue
        if not file.is_file():
            issues.append(Issue("file-unreadable", file.name, detail="FileNotFoundError"))
            continue
        if claim is not None and claim(file):
            continue
        code = preflight.name_code(file)
        if code is None:
            files.append(file)
            continue
        if code in ("file-legacy-xls", "file-wps-et"):
            code = _sniff_spreadsheet(file, code)
        issues.append(Issue(code, file.name))
    return files, issues


def _sniff_spreadsheet(file: Path, code: str) -> str:
    """A `.xls`/`.et` is often HTML, text or an encrypted file under that name: say which."""
    try:
        with file.open("rb") as fh:
            data = fh.read(preflight.MAX_FILE_BYTES)
    except OSError:
        return "file-unreadable"
    return preflight.magic_code(file.name, data) or code
