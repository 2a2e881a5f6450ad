"""Sheet-protection options and workbook structure protection (a zip patch after xlsxwriter)."""

from __future__ import annotations

import io
import re
import zipfile

from .errors import TemplateError

# Data sheet: only the unlocked input block can be selected and typed into; no row/column
# insert or delete (the reader relies on fixed positions), no cell formatting (keeps "@" text
# cells). Column resizing is harmless and clerks ask for it.
DATA_SHEET_PROTECTION: dict[str, bool] = {
    "select_locked_cells": False,
    "select_unlocked_cells": True,
    "format_columns": True,
    "format_cells": False,
    "format_rows": False,
    "insert_columns": False,
    "insert_rows": False,
    "delete_columns": False,
    "delete_rows": False,
    "insert_hyperlinks": False,
    "sort": False,
    "autofilter": False,
}
WORKBOOK_PART = "xl/workbook.xml"
_WORKBOOK_PR = re.compile(r"(<workbookPr\b[^>]*/>)")


def legacy_hash(password: str) -> str:
    """Excel's 16-bit legacy password hash, as xlsxwriter writes it for sheets (ASCII passwords).

    It only deters; the real protection is that the password is derived from the bureau key.
    """
    h = 0
    for ch in reversed(password):
        h = ((h >> 14) & 1) | ((h << 1) & 0x7FFF)
        h ^= ord(ch)
    h = ((h >> 14) & 1) | ((h << 1) & 0x7FFF)
    return f"{h ^ len(password) ^ 0xCE4B:X}"


def lock_structure(data: bytes, password: str) -> bytes:
    """Add `<workbookProtection lockStructure="1">` to an xlsx built by xlsxwriter.

    xlsxwriter cannot write it (libxlsxwriter #516). Only xl/workbook.xml changes; every other
    entry is copied with its own ZipInfo, so timestamps and compression stay deterministic.

    Raises:
        TemplateError: `workbook-pr-missing` when the part has no `<workbookPr/>` to anchor on.
    """
    tag = f'<workbookProtection workbookPassword="{legacy_hash(password)}" lockStructure="1"/>'
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            part = zin.read(info)
            if info.filename == WORKBOOK_PART:
                # Schema order (CT_Workbook): workbookProtection comes right after workbookPr.
                xml, n = _WORKBOOK_PR.subn(
                    lambda m: m.group(1) + tag, part.decode("utf-8"), count=1
                )
                if n != 1:
                    raise TemplateError("workbook-pr-missing", WORKBOOK_PART)
                part = xml.encode("utf-8")
            zout.writestr(info, part)
    return out.getvalue()
