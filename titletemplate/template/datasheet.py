"""The data sheet of a template (the notice's Attachment 1: layout, input block, page setup,
protection) and the workbook options; build_template and the correction fast path
(stampfill.py) both write it with these functions, so their sheets cannot drift apart."""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any
from xml.sax.saxutils import escape

from .. import idcard, sheettexts
from ..columns import (
    BY_KEY,
    CHECK_LETTER,
    COLUMNS,
    EXAMPLE_ROW,
    EXPLANATION_ROW,
    FIRST_DATA_ROW,
    HEADER_ROW,
    INSTRUCTIONS_ROW,
    NUMBER_ROW,
    TITLE_ROW,
    UNIT_ROW,
)
from ..errors import Severity
from ..vocab import Unit, Vocab
from . import xlsxinternals as xi
from .protection import DATA_SHEET_PROTECTION
from .vocabsheet import SheetFormulas, checked

EXCEL_MAX_ROWS = 1_048_576
EXAMPLE_ID_FIRST17 = "37010219730829181"  # synthetic: Jinan Lixia, 1973-08-29, odd digit = male
CHECK_WIDTH = 30
WORKBOOK_OPTIONS: Mapping[str, bool] = MappingProxyType(
    {
        "in_memory": True,
        # Cell text is data, never a number, formula or link.
        "strings_to_numbers": False,
        "strings_to_formulas": False,
        "strings_to_urls": False,
    }
)
_CHECK_COL = ord(CHECK_LETTER) - ord("A")
_LAST_INPUT_COL = COLUMNS[-1].index
_LINE_HEIGHT = 15.0  # points per wrapped line of 11-point text, CJK fonts included


def check_request(
    rows: int, prefill: Sequence[Mapping[str, str]], marks: Mapping[tuple[int, str], str]
) -> None:
    """Raise ValueError for rows, prefill or marks that build_template cannot honour."""
    if not 1 <= rows <= EXCEL_MAX_ROWS - FIRST_DATA_ROW + 1:
        raise ValueError(f"rows must be between 1 and {EXCEL_MAX_ROWS - FIRST_DATA_ROW + 1}")
    if len(prefill) > rows:
        raise ValueError(f"{len(prefill)} prefill rows do not fit {rows} input rows")
    unknown = {k for values in prefill for k in values if k not in BY_KEY}
    unknown |= {k for _, k in marks if k not in BY_KEY}
    if unknown:
        raise ValueError(f"unknown column keys: {sorted(unknown)}")
    if any(not 0 <= i < rows for i, _ in marks):
        raise ValueError("a mark points outside the input rows")


def write_data_sheet(
    data: Any,
    fmt: dict[str, Any],
    vocab: Vocab,
    unit: Unit,
    password: str,
    sheet: SheetFormulas,
    prefill: Sequence[Mapping[str, str]],
    marks: Mapping[tuple[int, str], str],
    *,
    cells: bool = True,
) -> None:
    """Everything on the data sheet; `fmt` comes from `formats`. With `cells` False the input
    block's cells are left out (stampfill.py writes their XML itself)."""
    _write_layout(data, fmt, unit, sheet)
    if cells:
        _write_input_cells(data, fmt, sheet, prefill, marks)
    _write_comments(data, vocab, sheet, marks)
    _write_input_rules(data, fmt, sheet)
    _write_page_setup(data, sheet)
    data.protect(password, dict(DATA_SHEET_PROTECTION))
    data.activate()


def write_comments(
    data: Any,
    fmt: dict[str, Any],
    vocab: Vocab,
    unit: Unit,
    sheet: SheetFormulas,
    marks: Mapping[tuple[int, str], str],
) -> None:
    """The layout and the marks' comments: what the comments and their VML boxes, placed by
    column widths and row heights, depend on (stampfill.py renders only those)."""
    _write_layout(data, fmt, unit, sheet)
    _write_comments(data, vocab, sheet, marks)


def formats(workbook: Any) -> dict[str, Any]:
    border = {"border": 1, "valign": "vcenter"}
    text = {"num_format": "@"}
    specs: dict[str, dict[str, Any]] = {
        "text": text,
        "title": {"bold": True, "font_size": 14, "valign": "vcenter"},
        "label": {"bold": True, "valign": "vcenter"},
        "unit": {"valign": "vcenter", "bottom": 1, **text},
        "number": {**border, "align": "center"},
        "header": {
            **border,
            "bold": True,
            "align": "center",
            "text_wrap": True,
            "bg_color": "#D9E1F2",
        },
        "example": {
            **border,
            **text,
            "italic": True,
            "font_color": "#808080",
            "bg_color": "#F2F2F2",
        },
        "explanation": {**border, "text_wrap": True, "valign": "top", "font_size": 9},
        "instructions": {**border, "text_wrap": True, "valign": "top"},
        "listed": {**border, "text_wrap": True},  # the titles sheet's cells
        "input": {**border, **text, "locked": False},
        "marked": {**border, **text, "locked": False, "bg_color": "#FFC7CE"},
        # Hidden: the formula bar shows nothing, the cell shows the hint.
        "check": {**border, "locked": True, "hidden": True, "font_color": "#C00000"},
        "summary": {"bold": True, "font_color": "#C00000", "hidden": True},
        "bad": {"bg_color": "#FFC7CE", "font_color": "#9C0006"},
        "doubtful": {"bg_color": "#FFEB9C", "font_color": "#9C5700"},
    }
    return {name: workbook.add_format(spec) for name, spec in specs.items()}


def _text_width(text: str) -> int:
    """Approximate width in Excel column units: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _lines(text: str, width: float) -> int:
    # 10% slack: Excel wraps at word and punctuation boundaries, not at the exact width.
    return max(1, math.ceil(_text_width(text) * 1.1 / max(width, 1.0)))


def _write_layout(data: Any, fmt: dict[str, Any], unit: Unit, sheet: SheetFormulas) -> None:
    """Rows 1-7 of the notice's Attachment 1, and the check column's head."""
    for column in COLUMNS:
        checked(data.set_column(column.index, column.index, column.width), "width")
    checked(data.set_column(_CHECK_COL, _CHECK_COL, CHECK_WIDTH), "width")
    if sheet.helpers:  # hidden, and locked by the sheet's protection
        first, last = _CHECK_COL + 1, _CHECK_COL + len(sheet.helpers)
        checked(data.set_column(first, last, None, None, {"hidden": True}), "helpers")
    last = _LAST_INPUT_COL
    r = TITLE_ROW - 1
    checked(data.merge_range(r, 0, r, last, sheettexts.TITLE_LINE, fmt["title"]), "title")
    checked(data.set_row(r, 26), "height")
    r = UNIT_ROW - 1
    signer_col = BY_KEY["title_name"].index  # the signer label stands above column I in the notice
    checked(data.write_string(r, 0, sheettexts.UNIT_LABEL, fmt["label"]), "unit")
    checked(data.merge_range(r, 1, r, signer_col - 1, unit.name, fmt["unit"]), "unit")
    checked(data.write_string(r, signer_col, sheettexts.SIGNER_LABEL, fmt["label"]), "signer")
    checked(data.merge_range(r, signer_col + 1, r, last, "", fmt["unit"]), "signer")
    checked(data.write_formula(r, _CHECK_COL, sheet.summary, fmt["summary"], ""), "summary")
    checked(data.set_row(r, 22), "height")
    example = dict(sheettexts.EXAMPLE_VALUES, id_number=idcard.complete(EXAMPLE_ID_FIRST17))
    for column in COLUMNS:
        c = column.index
        checked(data.write_number(NUMBER_ROW - 1, c, c + 1, fmt["number"]), "number")
        checked(data.write_string(HEADER_ROW - 1, c, column.header, fmt["header"]), "header")
        checked(data.write_string(EXAMPLE_ROW - 1, c, example[column.key], fmt["example"]), "ex")
        checked(
            data.write_string(EXPLANATION_ROW - 1, c, column.explanation, fmt["explanation"]), "ex"
        )
    checked(
        data.write_string(HEADER_ROW - 1, _CHECK_COL, sheettexts.CHECK_HEADER, fmt["header"]), "h"
    )
    checked(
        data.write_string(EXAMPLE_ROW - 1, _CHECK_COL, sheettexts.EXAMPLE_MARK, fmt["example"]), "m"
    )
    checked(
        data.write_string(
            EXPLANATION_ROW - 1, _CHECK_COL, sheettexts.EXPLANATION_MARK, fmt["explanation"]
        ),
        "m",
    )
    checked(data.set_row(HEADER_ROW - 1, 30), "height")
    # Wrapped rows do not grow by themselves in a file written without Excel: size them here.
    # The explanations are in 9 point, hence the smaller line height.
    explanation_lines = max(_lines(c.explanation, c.width * 11 / 9) for c in COLUMNS)
    checked(data.set_row(EXPLANATION_ROW - 1, 12.0 * explanation_lines + 4), "height")
    r = INSTRUCTIONS_ROW - 1
    total_width = sum(c.width for c in COLUMNS)
    checked(data.merge_range(r, 0, r, last, sheettexts.INSTRUCTIONS, fmt["instructions"]), "help")
    checked(data.set_row(r, _LINE_HEIGHT * (_lines(sheettexts.INSTRUCTIONS, total_width) + 1)), "h")


def _write_input_cells(
    data: Any,
    fmt: dict[str, Any],
    sheet: SheetFormulas,
    prefill: Sequence[Mapping[str, str]],
    marks: Mapping[tuple[int, str], str],
) -> None:
    first, last = sheet.context.first_row - 1, sheet.context.last_row - 1  # zero-based
    with xi.formulas_as_given(data):  # lint() admits no function that needs a prefix
        for i, r in enumerate(range(first, last + 1)):
            values = prefill[i] if i < len(prefill) else {}
            for column in COLUMNS:
                cell_fmt = fmt["marked"] if (i, column.key) in marks else fmt["input"]
                value = values.get(column.key, "")
                if value:
                    checked(data.write_string(r, column.index, value, cell_fmt), "prefill")
                else:
                    checked(data.write_blank(r, column.index, None, cell_fmt), "input")
            if sheet.shared:
                _write_shared(data, sheet, r, fmt["check"])
                continue
            formula = sheet.check_formula(r + 1)
            if r == first:
                checked(data.write_formula(r, _CHECK_COL, formula, fmt["check"], ""), "check")
            else:
                rc = xi.write_formula_cell(data, r, _CHECK_COL, formula, fmt["check"])
                checked(rc, "check")


def shared_formula_xml(sheet: SheetFormulas, index: int, row: int) -> str:
    """The `<f>` of shared formula `index` of `sheet.shared` in the 1-based Excel `row`."""
    ctx, column = sheet.context, sheet.shared[index]
    if row != ctx.first_row:
        return f'<f t="shared" si="{index}"/>'
    ref = f"{column.letter}{ctx.first_row}:{column.letter}{ctx.last_row}"
    return f'<f t="shared" ref="{ref}" si="{index}">{escape(column.formula)}</f>'


def _write_shared(data: Any, sheet: SheetFormulas, row: int, style: Any) -> None:
    """The row's helper columns as shared formulas (what Excel writes for a filled-down
    formula): the first row's carries the text, the others only refer to it. 2,000 rows of
    a 3 KB check formula made 8 MB of sheet XML; shared, the text is there once."""
    for i in range(len(sheet.shared)):
        xml = shared_formula_xml(sheet, i, row + 1)
        checked(xi.write_formula_element(data, row, _CHECK_COL + i, xml, style), "check")


def _write_comments(
    data: Any, vocab: Vocab, sheet: SheetFormulas, marks: Mapping[tuple[int, str], str]
) -> None:
    first = sheet.context.first_row - 1  # zero-based
    for (i, key), message in sorted(marks.items()):
        options = {"author": vocab.campaign.bureau, "x_scale": 2.5, "y_scale": 1.5}
        checked(data.write_comment(first + i, BY_KEY[key].index, message, options), "comment")


def _write_input_rules(data: Any, fmt: dict[str, Any], sheet: SheetFormulas) -> None:
    """The validations and the conditional formats of the input block."""
    first, last = sheet.context.first_row - 1, sheet.context.last_row - 1  # zero-based
    for validation in sheet.validations:
        c = BY_KEY[validation.key].index
        checked(data.data_validation(first, c, last, c, dict(validation.options)), validation.key)
    for highlight in sheet.highlights:
        c = BY_KEY[highlight.key].index
        style = fmt["bad"] if highlight.severity is Severity.ERROR else fmt["doubtful"]
        options = {"type": "formula", "criteria": "=" + highlight.formula, "format": style}
        checked(data.conditional_format(first, c, last, c, options), highlight.key)


def _write_page_setup(data: Any, sheet: SheetFormulas) -> None:
    # Rows 1-4 stay in view; the tall example/explanation/instructions rows scroll away so a
    # laptop screen still shows a dozen input rows.
    data.freeze_panes(HEADER_ROW, 0)
    data.set_landscape()
    data.set_paper(9)  # A4
    data.fit_to_pages(1, 0)
    data.repeat_rows(NUMBER_ROW - 1, HEADER_ROW - 1)
    checked(data.print_area(0, 0, sheet.context.last_row - 1, _CHECK_COL), "print area")
    data.set_footer(sheettexts.FOOTER)
    data.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
