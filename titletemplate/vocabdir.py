"""Where the vocabulary comes from: the lookup order, and an editable copy of the shipped one."""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from .errors import VocabError

VOCAB_ENV = "TITLETEMPLATE_VOCAB"
CWD_VOCAB = "vocab"  # ./vocab in the current folder
_PACKAGE = Path(__file__).resolve().parent
# A wheel carries vocab/*.yaml as package data in titletemplate/packaged_vocab/ (mapped in
# pyproject.toml, so the YAML has one home in git); a source checkout or an editable install
# reads the repository's vocab/ next to the package.
_IN_WHEEL = _PACKAGE / "packaged_vocab"
PACKAGED_VOCAB_DIR = _IN_WHEEL if _IN_WHEEL.is_dir() else _PACKAGE.parent / "vocab"


class VocabSource(StrEnum):
    OPTION = "option"  # --vocab DIR
    ENV = "env"  # $TITLETEMPLATE_VOCAB
    CWD = "cwd"  # ./vocab
    PACKAGED = "packaged"  # the copy shipped with titletemplate


@dataclass(frozen=True, slots=True)
class VocabLocation:
    path: Path
    source: VocabSource


def find_vocab_dir(
    option: str | Path | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    cwd: str | Path | None = None,
) -> VocabLocation:
    """The vocabulary folder to use: `option`, then $TITLETEMPLATE_VOCAB, then ./vocab (a
    folder there that holds YAML), then the packaged copy.

    Raises:
        VocabError: `vocab-dir-missing` when the option or the variable names no folder (a
            typo must not silently fall back to another vocabulary).
    """
    env = os.environ if environ is None else environ
    if option:
        return _existing(Path(option), VocabSource.OPTION)
    if env.get(VOCAB_ENV):
        return _existing(Path(env[VOCAB_ENV]), VocabSource.ENV)
    here = (Path(cwd) if cwd is not None else Path.cwd()) / CWD_VOCAB
    if here.is_dir() and any(here.glob("*.yaml")):
        return VocabLocation(here, VocabSource.CWD)
    return VocabLocation(PACKAGED_VOCAB_DIR, VocabSource.PACKAGED)


def _existing(path: Path, source: VocabSource) -> VocabLocation:
    if not path.is_dir():
        raise VocabError("vocab-dir-missing", str(path))
    return VocabLocation(path, source)


def init_vocab_dir(target: str | Path, *, overwrite: bool = False) -> list[Path]:
    """Copy the packaged vocabulary, comments and all, into `target` for a bureau to adapt.

    Raises:
        VocabError: `vocab-dir-exists` when a file would be overwritten and not `overwrite`.
    """
    out = Path(target)
    sources = sorted(PACKAGED_VOCAB_DIR.glob("*.yaml"))
    existing = [out / s.name for s in sources if (out / s.name).exists()]
    if existing and not overwrite:
        raise VocabError("vocab-dir-exists", ", ".join(str(p) for p in existing))
    out.mkdir(parents=True, exist_ok=True)
    return [Path(shutil.copyfile(s, out / s.name)) for s in sources]
