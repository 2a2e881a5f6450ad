"""A subpackage's API, each name imported from its module on first use (PEP 562).

`from titletemplate.ingest import Store` imports the store and what it needs, not every
module of ingest: the command line's `status` would otherwise load openpyxl, py7zr, calamine
and xlsxwriter to read a SQLite file (0.2 s more at every start)."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping


def loader(package: str, where: Mapping[str, str]) -> Callable[[str], object]:
    """The package's module `__getattr__`: name -> the name from `package.where[name]`, kept
    in the package once imported."""

    def __getattr__(name: str) -> object:
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{module}"), name)
        setattr(sys.modules[package], name, value)
        return value

    return __getattr__
