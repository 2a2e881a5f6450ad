"""Read returned workbooks, verify, normalise, validate, deduplicate and store their rows.

The names below are what the layers above (batch, bundle, the command line) use; they import
them from here, never from the modules.
"""

from __future__ import annotations

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
