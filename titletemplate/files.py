"""Atomic file writes: a temp file in the same folder, fsync, then rename."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from .errors import TitleTemplateError


@contextlib.contextmanager
def atomic_open(path: str | Path, mode: str = "wb", **kwargs: object) -> Iterator[IO[bytes]]:
    """Open a temp file next to `path`; on success it replaces `path`, on error it is removed.

    Raises:
        TitleTemplateError: `output-file-locked` when `path` cannot be replaced.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, mode, **kwargs) as fh:  # type: ignore[call-overload]
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.replace(tmp, target)
        except PermissionError:
            # Windows: Excel or WPS has the old file open (they lock it against replacing).
            raise TitleTemplateError("output-file-locked", str(target)) from None
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_bytes_atomic(path: str | Path, data: bytes) -> None:
    with atomic_open(path, "wb") as fh:
        fh.write(data)
