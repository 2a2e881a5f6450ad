"""The path length a clerk's Windows allows (MAX_PATH), checked before a file is read or written."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from .errors import TitleTemplateError

# Windows counts the drive and the closing NUL: 259 characters are usable. Python there can go
# past it only when long paths are switched on machine-wide, and Excel and WPS cannot open such
# files at all, so a longer path is refused with a code instead of failing later as "not found".
WINDOWS_MAX_PATH = 260
ON_WINDOWS = os.name == "nt"


def too_long(path: str | Path) -> int:
    """The length of `path` made absolute when Windows could not use it, else 0 (other systems
    have no such limit)."""
    if not ON_WINDOWS:
        return 0
    length = len(str(Path(path).absolute()))
    return length if length >= WINDOWS_MAX_PATH else 0


def check_output(paths: Iterable[str | Path]) -> None:
    """Raises TitleTemplateError `output-path-too-long` for the first path Windows cannot write."""
    for path in paths:
        if length := too_long(path):
            raise TitleTemplateError("output-path-too-long", f"{Path(path).absolute()}, {length}")
