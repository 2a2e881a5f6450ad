"""Formula-parity harness: one workbook with every rule formula copied down next to input
rows (tests/lo_inputs.py), the template's own vocabulary sheet and names, read back after
LibreOffice recalculated it. The Python side judges the cells as written: LibreOffice saves
numbers with 15 significant digits, so its output is no source for them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import xlsxwriter
from python_calamine import CalamineWorkbook
from xlsxwriter.utility import xl_col_to_name

from titletemplate import formulas as fx
from titletemplate.checks import RowData
from titletemplate.columns import COLUMNS, DATA_SHEET, FIRST_DATA_ROW, VOCAB_SHEET
from titletemplate.normalize import normalize_row
from titletemplate.rules import RULES, SHEET_RULES, Rule
from titletemplate.template import checkcolumn, vocabsheet
from titletemplate.vocab import Vocab

WIDTH = len(COLUMNS)
KEYS = tuple(c.key for c in COLUMNS)
FORMULA_RULES: tuple[Rule, ...] = tuple(r for r in RULES if r.formula is not None)
DUP_SHEET = "dup"
DUP_BLOCK = 40  # rows per duplicate block: each block is its own small sheet range
Cells = tuple[object, ...]  # 12 raw cells A..L: str, int, float or None

# A1 references outside string literals; a row without "$" moves when a formula is copied down.
_TOKEN = re.compile(
    r'(?P<string>"(?:[^"]|"")*")'
    r"|(?<![A-Za-z0-9_$.])(?P<col>\$?[A-Z]{1,3})(?P<abs>\$?)(?P<row>[0-9]+)(?![A-Za-z0-9_(])"
)


def shift_rows(formula: str, from_row: int, to_row: int) -> str:
    """`formula` written for `from_row`, copied down to `to_row` as Excel would."""

    def move(m: re.Match[str]) -> str:
        if m.group("string") or m.group("abs"):
            return m.group(0)
        return f"{m.group('col')}{int(m.group('row')) - from_row + to_row}"

    return _TOKEN.sub(move, formula)


def formula_context(vocab: Vocab, first_row: int, last_row: int) -> fx.FormulaContext:
    base = vocabsheet.formula_context(vocab, last_row - first_row + 1)
    return fx.FormulaContext(
        first_row=first_row,
        last_row=last_row,
        date_from=base.date_from,
        date_to=base.date_to,
        prefixed_types=base.prefixed_types,
        pattern_types=base.pattern_types,
    )


# --- the workbook ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Layout:
    rules: tuple[Rule, ...]
    rows: int  # parity rows on DATA_SHEET from FIRST_DATA_ROW
    dup_blocks: tuple[int, ...]  # sizes of the duplicate blocks on DUP_SHEET
    formulas: dict[str, str] = field(default_factory=dict)  # code -> first-row formula


def _write_cells(ws: Any, row: int, cells: Cells, text: Any) -> None:
    for col, value in enumerate(cells):
        if isinstance(value, bool):
            raise TypeError(value)
        if isinstance(value, int | float):
            ws.write_number(row, col, value, text)
        elif value:
            ws.write_string(row, col, str(value), text)


def build_workbook(
    path: Path,
    vocab: Vocab,
    rows: Sequence[Cells],
    dup_blocks: Sequence[Sequence[Cells]],
    rules: Sequence[Rule] = FORMULA_RULES,
) -> Layout:
    """Parity rows on the data sheet (a formula column per rule), duplicate blocks on another."""
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    text = wb.add_format({"num_format": "@"})
    data = wb.add_worksheet(DATA_SHEET)
    dup = wb.add_worksheet(DUP_SHEET)
    for ws in (data, dup):
        # xlsxwriter runs ~30 regex substitutions per formula for dynamic-array functions
        # (half the build time here); lint() has already refused every such function.
        ws._prepare_formula = _strip_equals
    vocab_ws = wb.add_worksheet(VOCAB_SHEET)
    vocabsheet.write_vocab_sheet(wb, vocab_ws, vocabsheet.vocab_lists(vocab), text)

    first, last = FIRST_DATA_ROW, FIRST_DATA_ROW + len(rows) - 1
    # The shared sub-expressions in helper columns after the rules', as the template has them.
    ctx = checkcolumn.with_subs(formula_context(vocab, first, last), WIDTH + 1 + len(rules))
    layout = Layout(tuple(rules), len(rows), tuple(len(b) for b in dup_blocks))
    compiled = []
    for rule in rules:
        assert rule.formula is not None
        formula = fx.lint(rule.formula(ctx), limit=None)
        layout.formulas[rule.code] = formula
        compiled.append(checkcolumn.row_chunks(formula, first))
    compiled += [checkcolumn.row_chunks(h.formula, first) for h in checkcolumn.sub_helpers(ctx)]
    for i, cells in enumerate(rows):
        r = first + i
        _write_cells(data, r - 1, cells, text)
        for j, chunks in enumerate(compiled):
            data.write_formula(r - 1, WIDTH + 1 + j, "=" + str(r).join(chunks))

    # The duplicate check: the hidden key column and the first-occurrence column after it.
    (code, (key_build, first_build)), *_ = SHEET_RULES.items()
    key_letter = xl_col_to_name(WIDTH + 1)
    start = FIRST_DATA_ROW
    for block in dup_blocks:
        end = start + len(block) - 1
        ctx = formula_context(vocab, start, end)
        key = fx.lint(key_build(ctx), limit=None)
        first = fx.lint(first_build(ctx, key_letter), limit=None)
        layout.formulas.setdefault(code, first)
        for i, cells in enumerate(block):
            _write_cells(dup, start + i - 1, cells, text)
            dup.write_formula(start + i - 1, WIDTH + 1, "=" + shift_rows(key, start, start + i))
            dup.write_formula(start + i - 1, WIDTH + 2, "=" + shift_rows(first, start, start + i))
        start = end + 2  # a blank row between blocks
    wb.close()
    return layout


def _strip_equals(formula: str, expand_future_functions: bool = False) -> str:
    return formula.removeprefix("=")


@dataclass(frozen=True, slots=True)
class Results:
    inputs: list[Cells]  # the parity rows as the reader reads them back
    verdicts: dict[str, list[object]]  # code -> the formula's value per parity row
    dup_inputs: list[list[Cells]]
    dup_verdicts: list[list[object]]  # per block row: the Excel row of its first occurrence


def _cell(value: object) -> object:
    return None if value == "" else value  # calamine: "" for blank and for error cells


def read_results(path: Path, layout: Layout) -> Results:
    """Inputs and formula values, read with calamine as the reader does (openpyxl needs 8x
    longer for these 500k cells); an error value reads as "", which is not TRUE either."""
    with CalamineWorkbook.from_path(str(path)) as wb:
        data = wb.get_sheet_by_name(DATA_SHEET).to_python(skip_empty_area=False)
        dups = wb.get_sheet_by_name(DUP_SHEET).to_python(skip_empty_area=False)
    data = data[FIRST_DATA_ROW - 1 : FIRST_DATA_ROW - 1 + layout.rows]
    if len(data) != layout.rows:
        raise AssertionError(f"{len(data)} of {layout.rows} parity rows came back")
    inputs = [tuple(_cell(v) for v in _row(r, WIDTH)) for r in data]
    verdicts = {
        rule.code: [_row(r, WIDTH + 1 + len(layout.rules))[WIDTH + 1 + j] for r in data]
        for j, rule in enumerate(layout.rules)
    }
    dup_inputs, dup_verdicts, start = [], [], FIRST_DATA_ROW - 1
    for size in layout.dup_blocks:
        block = [_row(r, WIDTH + 3) for r in dups[start : start + size]]
        block += [(None,) * (WIDTH + 3)] * (size - len(block))
        dup_inputs.append([tuple(_cell(v) for v in r[:WIDTH]) for r in block])
        dup_verdicts.append([r[WIDTH + 2] for r in block])
        start += size + 1
    return Results(inputs, verdicts, dup_inputs, dup_verdicts)


def _row(values: Sequence[object], width: int) -> tuple[object, ...]:
    cells = tuple(values[:width])
    return cells + (None,) * (width - len(cells))


def row_data(cells: Cells) -> RowData:
    """What a rule check sees for these cells: normalised text plus the raw values."""
    values, _ = normalize_row(cells)
    return RowData(values, dict(zip(KEYS, cells, strict=True)))
