"""Correction workbooks: a fresh signed template per unit, prefilled with that unit's invalid
rows and each faulty cell marked with its message (never a re-save of the unit's own file)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ..columns import COLUMNS, FIRST_DATA_ROW
from ..errors import Issue
from ..fingerprint import Origin
from ..template.build import build_template, safe_file_name
from ..template.stampfill import build_filled
from ..vocab import Unit, Vocab
from .report import message, shown

CORRECTIONS_DIR = "corrections"
MIN_ROWS = 20  # input rows in a correction template beyond the prefilled ones


@dataclass(frozen=True, slots=True)
class CorrectionRow:
    """An invalid row to send back: its values and the issues found on it."""

    values: tuple[str, ...]  # 12 values in column order
    issues: tuple[Issue, ...]
    source: tuple[str, int] = ("", 0)  # (template id, Excel row) of the row it comes from


def correction_file(out_dir: Path, unit: str, taken: set[str] | None = None) -> Path:
    """corrections/<unit>.xlsx; a name already in `taken` (case-folded) gets a -2, -3 ..."""
    stem = safe_file_name(unit)
    name, n = f"{stem}.xlsx", 1
    while taken is not None and name.casefold() in taken:
        n += 1
        name = f"{stem}-{n}.xlsx"
    if taken is not None:
        taken.add(name.casefold())
    return out_dir / CORRECTIONS_DIR / name


def marks_for(
    rows: Sequence[CorrectionRow], *, mask_ids: bool = True
) -> dict[tuple[int, str], str]:
    """(prefill index, column key) -> the messages for that cell, one per line; row numbers
    are those of the correction workbook."""
    marks: dict[tuple[int, str], list[str]] = {}
    for i, row in enumerate(rows):
        for issue in row.issues:
            if issue.column is not None:
                placed = replace(issue, row=FIRST_DATA_ROW + i)
                text = message(shown(placed, mask_ids), mask_ids)
                marks.setdefault((i, issue.column), []).append(text)
    return {k: "\n".join(v) for k, v in marks.items()}


def correction_bytes(
    vocab: Vocab,
    unit: Unit,
    key: Ed25519PrivateKey,
    rows: Sequence[CorrectionRow],
    *,
    issued_at: str,
    mask_ids: bool = True,
    template_rows: int | None = None,
) -> bytes:
    """The correction workbook for `unit`: its template with `rows` filled in and marked.

    The same bytes as build_template gives for these rows; stampfill.py usually makes them
    from this process's probe correction, in a fraction of the time.
    """
    prefill = [{c.key: v for c, v in zip(COLUMNS, row.values, strict=True)} for row in rows]
    args: dict[str, Any] = {"issued_at": issued_at, "prefill": prefill}
    args["rows"] = max(template_rows or 0, len(rows) + MIN_ROWS)
    args["marks"] = marks_for(rows, mask_ids=mask_ids)
    if rows and all(r.source[0] for r in rows):
        args["origin"] = Origin(tuple(r.source for r in rows))
    data = build_filled(vocab, unit, key, **args)
    return build_template(vocab, unit, key, **args) if data is None else data
