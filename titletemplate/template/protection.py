"""Protection and tamper evidence: sheet-protection options, workbook structure protection (a zip
patch after xlsxwriter), the signed checksum sheet and document properties, and the password
helper that reads a template's id back."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from python_calamine import CalamineError, CalamineWorkbook

from ..columns import META_SHEET
from ..errors import TemplateError
from ..fingerprint import DOC_PROPERTY, Identity, identity_from_rows, identity_json
from ..keys import sheet_password
from .vocabsheet import checked

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
MAX_PROPERTY_TEXT = (
    255  # longer custom properties crash or get truncated by Excel (office-js #4378)
)
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


def write_checksum_sheet(sheet: Any, identity: Identity, text: Any) -> None:
    """The signed identity as text cells: field names in column A, values in column B."""
    for row, (field, value) in enumerate(identity.rows()):
        checked(sheet.write_string(row, 0, field, text), "checksum")
        checked(sheet.write_string(row, 1, value, text), "checksum")
    checked(sheet.set_column(0, 0, 20), "width")
    checked(sheet.set_column(1, 1, 100), "width")


def template_password(path: str | Path, key: Ed25519PrivateKey) -> str:
    """The sheet password of a built template, from the template id on its checksum sheet.

    Raises:
        TemplateError: `file-unreadable` or `template-unsigned`.
    """
    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except (CalamineError, OSError) as exc:
        raise TemplateError("file-unreadable", f"{Path(path).name}: {type(exc).__name__}") from None
    try:
        if META_SHEET not in workbook.sheet_names:
            raise TemplateError("template-unsigned", Path(path).name)
        rows = workbook.get_sheet_by_name(META_SHEET).to_python()
    finally:
        workbook.close()
    identity = identity_from_rows(rows)
    if identity is None:
        raise TemplateError("template-unsigned", Path(path).name)
    return sheet_password(key, identity.template_id)


def identity_properties(identity: Identity) -> list[tuple[str, str]]:
    """The identity JSON as custom document properties of at most 255 characters each.

    Excel truncates longer values or crashes reading them; the JSON is about 420 characters,
    so it is split: DOC_PROPERTY holds the first part, DOC_PROPERTY_2, _3 ... the rest.
    """
    text = identity_json(identity)
    parts: list[str] = []
    while text:
        cut = MAX_PROPERTY_TEXT
        while len(text[:cut].encode("utf-16-le")) // 2 > MAX_PROPERTY_TEXT:
            cut -= 1
        parts.append(text[:cut])
        text = text[cut:]
    return [(DOC_PROPERTY if i == 0 else f"{DOC_PROPERTY}_{i + 1}", p) for i, p in enumerate(parts)]
