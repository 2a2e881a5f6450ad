"""The notice's sheet2 (职称名称): every title name by series and level, with the old names the
reader accepts, generated from titles.yaml; visible, locked and ready to print."""

from __future__ import annotations

import math
import unicodedata
from typing import Any

from .. import sheettexts
from ..vocab import Vocab
from .vocabsheet import checked

# Formats by name (datasheet.formats) in the order the sheet first uses them: xlsxwriter hands
# out style indices in that order, and stampfill.py replays it after the data sheet's.
FORMAT_ORDER = ("title", "header", "listed")
TITLE_ROW = 0  # zero-based rows: the title, the column headers, then one row per title name
HEADER_ROW = 1
_WIDTHS = (24.0, 10.0, 26.0, 40.0)


def title_rows(vocab: Vocab) -> list[tuple[str, str, str, str]]:
    """(series as the dropdown shows it, level, title name, old names or note), in vocabulary
    order: the order of the cascading title dropdown."""
    rows: list[tuple[str, str, str, str]] = []
    for series, level, titles in vocab.grouped_titles():
        for title in titles:
            note = sheettexts.TITLES_ALIAS_JOINER.join(title.aliases)
            if title.legacy:
                note = sheettexts.TITLES_LEGACY_NOTE
            rows.append((series.display, level, title.name, note))
    return rows


def write_titles_sheet(sheet: Any, fmt: dict[str, Any], vocab: Vocab, password: str) -> None:
    """The titles sheet into an xlsxwriter worksheet; `fmt` comes from datasheet.formats.

    A4 portrait, one page wide, the header rows repeated on every page and the data sheet's
    "第 N 页 共 M 页" footer. Locked cells stay selectable so that a clerk can copy a name.
    """
    last_col = len(_WIDTHS) - 1
    for col, width in enumerate(_WIDTHS):
        checked(sheet.set_column(col, col, width), "width")
    checked(
        sheet.merge_range(
            TITLE_ROW, 0, TITLE_ROW, last_col, sheettexts.TITLES_SHEET_TITLE, fmt["title"]
        ),
        "title",
    )
    checked(sheet.set_row(TITLE_ROW, 26), "height")
    for col, header in enumerate(sheettexts.TITLES_SHEET_HEADERS):
        checked(sheet.write_string(HEADER_ROW, col, header, fmt["header"]), "header")
    checked(sheet.set_row(HEADER_ROW, 22), "height")
    rows = title_rows(vocab)
    for r, values in enumerate(rows, start=HEADER_ROW + 1):
        for col, value in enumerate(values):
            if value:
                checked(sheet.write_string(r, col, value, fmt["listed"]), "title")
            else:
                checked(sheet.write_blank(r, col, None, fmt["listed"]), "title")
        lines = _lines(values[-1], _WIDTHS[-1])
        if lines > 1:  # wrapped rows do not grow by themselves in a file written without Excel
            checked(sheet.set_row(r, 15.0 * lines + 2), "height")
    sheet.freeze_panes(HEADER_ROW + 1, 0)
    sheet.set_portrait()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(TITLE_ROW, HEADER_ROW)
    checked(sheet.print_area(0, 0, HEADER_ROW + len(rows), last_col), "print area")
    sheet.set_footer(sheettexts.FOOTER)
    sheet.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.7)
    sheet.protect(password)


def _lines(text: str, width: float) -> int:
    """Wrapped lines of `text` in a column `width` units wide (a CJK character takes two);
    10% slack, as Excel wraps at word and punctuation boundaries."""
    units = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return max(1, math.ceil(units * 1.1 / width))
