"""Read returned workbooks, verify, normalise, validate, deduplicate and store their rows.

The names below are what the layers above (batch, bundle, the command line) use; they import
them from here, never from the modules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazyapi import loader

if TYPE_CHECKING:  # the names are imported on first use: see lazyapi.py
    from .archive import SEPARATOR, Input, find_inputs, shown_name
    from .checked import Checked, Unreadable
    from .checkfile import check_file, checked_files, row_hash
    from .exclusions import ExclusionKind, ExclusionList, load_exclusions
    from .members import BUNDLE_MANIFEST, BUNDLE_SUMMARY
    from .officecrypt import encrypt_workbook
    from .preflight import read_once
    from .records import NewSubmission, StoredSubmission
    from .store import Store

__all__ = [
    "BUNDLE_MANIFEST",
    "BUNDLE_SUMMARY",
    "SEPARATOR",
    "Checked",
    "ExclusionKind",
    "ExclusionList",
    "Input",
    "NewSubmission",
    "Store",
    "StoredSubmission",
    "Unreadable",
    "check_file",
    "checked_files",
    "encrypt_workbook",
    "find_inputs",
    "load_exclusions",
    "read_once",
    "row_hash",
    "shown_name",
]

__getattr__ = loader(
    __name__,
    {
        "BUNDLE_MANIFEST": "members",
        "BUNDLE_SUMMARY": "members",
        "Checked": "checked",
        "ExclusionKind": "exclusions",
        "ExclusionList": "exclusions",
        "Input": "archive",
        "NewSubmission": "records",
        "SEPARATOR": "archive",
        "Store": "store",
        "StoredSubmission": "records",
        "Unreadable": "checked",
        "check_file": "checkfile",
        "checked_files": "checkfile",
        "encrypt_workbook": "officecrypt",
        "find_inputs": "archive",
        "load_exclusions": "exclusions",
        "read_once": "preflight",
        "row_hash": "checkfile",
        "shown_name": "archive",
    },
)
