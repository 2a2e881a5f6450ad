"""Vocabulary YAML read with line numbers, and the collector of file:line problems that every
vocabulary check reports to."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

try:  # libyaml's parser when PyYAML has it: the vocabulary loads ~4x faster
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # pragma: no cover (PyYAML built without libyaml)
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]

from . import messages
from .vocab import VOCAB_FILES, text_key

MAX_LIST_TEXT = 255  # an Excel cell shown in a dropdown; longer items are cut by WPS
# "|" joins the cascade key, "," and '"' break lists, and "*?~" are wildcards to MATCH/COUNTIF.
BAD_CHARS = re.compile(r'[|,"*?~\r\n\t]|^\s|\s$')
LINE = "__line__"


@dataclass(frozen=True, slots=True)
class VocabProblem:
    file: str
    line: int
    code: str
    detail: str = ""

    def render(self) -> str:
        """`file:line: [code] message`; `file: [code] message` when there is no line (a
        command-line option, a missing file)."""
        text = messages.VOCAB_MESSAGES[self.code].format(detail=self.detail)
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: [{self.code}] {text}"


class _LineLoader(_SafeLoader):
    """SafeLoader that records the 1-based line of every mapping under `__line__`."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    mapping: dict[Any, Any] = loader.construct_mapping(node, deep=True)
    mapping[LINE] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_yaml(text: str) -> Any:
    """The YAML document in `text`, every mapping carrying its line under LINE.

    Raises:
        yaml.YAMLError: on a syntax error.
    """
    return yaml.load(text, Loader=_LineLoader)


class Collector:
    """Gathers the problems of every file, so that all are reported at once."""

    def __init__(self) -> None:
        self.problems: list[VocabProblem] = []

    def add(self, file: str, line: int, code: str, detail: object = "") -> None:
        self.problems.append(VocabProblem(file, line, code, str(detail)))

    def items(self, file: str, doc: Any, key: str) -> Iterator[tuple[int, Any]]:
        """Yield (line, item) for the list under `key`, reporting a missing list."""
        if not isinstance(doc, dict) or not isinstance(doc.get(key), list):
            self.add(file, 1, "vocab-field-missing", key)
            return
        for item in doc[key]:
            line = item.get(LINE, 1) if isinstance(item, dict) else 1
            yield line, item

    def text(self, file: str, line: int, item: Any, key: str, required: bool = True) -> str:
        value = item.get(key) if isinstance(item, dict) else None
        if value is None or str(value).strip() == "":
            if required:
                self.add(file, line, "vocab-field-missing", key)
            return ""
        value = str(value)
        if BAD_CHARS.search(value):
            self.add(file, line, "vocab-bad-character", value)
        elif len(value) > MAX_LIST_TEXT:
            self.add(file, line, "vocab-text-too-long", value[:20] + "…")
        return value

    def quoted(self, file: str, line: int, item: Any, key: str) -> str:
        """The value under `key` ("" when absent), which the comments say to write in double
        quotes: unquoted, YAML reads 012 as the number 10 and 20100101 as a number."""
        value = item.get(key) if isinstance(item, dict) else None
        if value is None:
            return ""
        if not isinstance(value, str):
            self.add(file, line, "vocab-not-quoted", f"{key}: {value}")
        return str(value)

    def unique(self, file: str, entries: list[tuple[int, str]], code: str) -> None:
        seen: set[str] = set()
        for line, key in entries:
            k = text_key(key)
            if k in seen:
                self.add(file, line, code, key)
            seen.add(k)


def read_docs(directory: Path, out: Collector) -> dict[str, Any]:
    """Every vocabulary file of `directory` parsed; missing and unreadable files reported."""
    docs: dict[str, Any] = {}
    for name in VOCAB_FILES:
        path = directory / name
        if not path.is_file():
            out.add(name, 0, "vocab-file-missing")
            continue
        try:
            docs[name] = load_yaml(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            out.add(
                name, (mark.line + 1) if mark else 0, "vocab-yaml-syntax", str(exc).split("\n")[0]
            )
        except UnicodeDecodeError as exc:
            out.add(name, 0, "vocab-yaml-syntax", f"not UTF-8 ({exc.reason})")
    return docs
