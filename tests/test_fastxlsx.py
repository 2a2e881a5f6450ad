"""fastxlsx against xlsxwriter: for every supported call the same XML parts, byte for byte
(xlsxwriter in constant_memory mode is the reference), and the limits where xlsxwriter would
warn and truncate raise instead."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field

import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from titletemplate.ooxml import fastxlsx, xlsxsheet
from titletemplate.ooxml.fastxlsx import BOLD, NORMAL, TEXT, XlsxWriteError

CREATED = dt.datetime(2021, 1, 1)
Row = tuple[int, Sequence[object], int | None]  # 0-based row, values, style (None: column's)


@dataclass
class SheetSpec:
    name: str
    rows: list[Row]
    widths: list[tuple[int, int, float, int]] = field(default_factory=list)
    freeze: int = 0
    page: fastxlsx.Page | None = None
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)


def fast_bytes(sheets: Sequence[SheetSpec], blocks: bool = False) -> bytes:
    """`blocks`: runs of consecutive rows in one style go through write_rows."""
    buf = io.BytesIO()
    with fastxlsx.Workbook(buf, CREATED) as book:
        made = [book.add_sheet(s.name, s.widths, s.freeze, s.page) for s in sheets]
        for spec, ws in zip(sheets, made, strict=True):
            merged = {m[0]: m for m in spec.merges}
            rows = [r for r in spec.rows if r[0] not in merged]
            for r, values, style in spec.rows:
                if r in merged:
                    ws.merge_row(r, merged[r][3], str(values[0]), style or NORMAL)
            if blocks:
                for first, block, style in _runs(rows):
                    ws.write_rows(first, block, style)
            else:
                for r, values, style in rows:
                    ws.write_row(r, values, style)
        book.close()
    return buf.getvalue()


def _runs(rows: list[Row]) -> list[tuple[int, list[Sequence[object]], int | None]]:
    runs: list[tuple[int, list[Sequence[object]], int | None]] = []
    for r, values, style in rows:
        first, block, run_style = runs[-1] if runs else (-2, [], -1)
        if r == first + len(block) and style == run_style:
            block.append(values)
        else:
            runs.append((r, [values], style))
    return runs


def reference_bytes(sheets: Sequence[SheetSpec]) -> bytes:
    """The same workbook through xlsxwriter's public API (bold is used before text)."""
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"constant_memory": True, "strings_to_numbers": False})
    wb.set_properties({"created": CREATED})
    fmt = {
        NORMAL: None,
        BOLD: wb.add_format({"bold": True}),
        TEXT: wb.add_format({"num_format": "@"}),
    }
    for spec in sheets:
        ws = wb.add_worksheet(spec.name)
        for first, last, width, style in spec.widths:
            ws.set_column(first, last, width, fmt[style])
        if spec.freeze:
            ws.freeze_panes(spec.freeze, 0)
        if spec.page is not None:
            ws.set_paper(9)
            ws.set_landscape()
            ws.fit_to_pages(1, 0)
            ws.center_horizontally()
            if spec.page.repeat_rows:
                ws.repeat_rows(*spec.page.repeat_rows)
            if spec.page.footer:
                ws.set_footer(spec.page.footer)
        merged = {(m[0], m[1]): m for m in spec.merges}
        for r, values, style in spec.rows:
            for c, value in enumerate(values):
                f = None if style is None else fmt[style]
                if (r, c) in merged:
                    assert ws.merge_range(*merged[r, c], value, f) == 0
                elif isinstance(value, str) and value:
                    assert ws.write_string(r, c, value, f) == 0
                elif isinstance(value, int):
                    assert ws.write_number(r, c, value, f) == 0
    wb.close()
    return buf.getvalue()


def parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert zf.testzip() is None
        return {name: zf.read(name) for name in zf.namelist()}


def assert_same_parts(sheets: Sequence[SheetSpec], blocks: bool = False) -> None:
    ours, theirs = parts(fast_bytes(sheets, blocks)), parts(reference_bytes(sheets))
    assert list(ours) == list(theirs)  # same parts in the same zip order
    for name, want in theirs.items():
        got = ours[name]
        if got != want:  # show where, not a diff of megabytes
            at = next((i for i, (a, b) in enumerate(zip(got, want, strict=False)) if a != b), 0)
            window = slice(max(at - 120, 0), at + 120)
            pytest.fail(f"{name} differs at byte {at}:\n{got[window]!r}\n{want[window]!r}")


TRICKY = [
    "A&B <c> \"d\" 'e'", "=SUM(A1)", "+86 1", "-1", "@x", "日照市教育局", "x\x01y\x1fz", "\x00",
    "_x0041_ literal", "a_x00_b", "_xABCD_", "\tlead", "trail\t", " both ", "\n", "l1\nl2\r\n",
    "\ufffe\uffff", "😀 astral", "]]>", "&amp;", "\u3000全角空格",
]  # fmt: skip
TITLE = ["附件 1: 数据梳理格式模板 (职称证书信息)"]


def _bold_then_text(rows: list[Row], widths: int = 12) -> list[Row]:
    return [(0, TITLE, BOLD), (1, [f"H{i}" for i in range(widths)], BOLD), *rows]


FOOTER = "&C第 &P 页 共 &N 页"
CASES = {
    "printed-reports": [
        SheetSpec(
            "汇总",
            _bold_then_text([(2, ["a", 1], None), (3, ["t"], TEXT)], 3),
            [(0, 0, 32, NORMAL)],
            freeze=2,
            page=fastxlsx.Page((0, 1), FOOTER),
            merges=[(0, 0, 0, 2)],
        ),
        SheetSpec("b & sheet", [(0, ["x"], BOLD)], page=fastxlsx.Page((0, 0))),
        SheetSpec("no titles", [(0, ["y"], BOLD)], page=fastxlsx.Page(footer=FOOTER)),
        SheetSpec("A", [(0, ["x"], BOLD), (3, ["z"], None)], page=fastxlsx.Page((0, 3))),
    ],
    "consolidated-layout": [
        SheetSpec(
            "附件1",
            _bold_then_text([(2 + i, TRICKY[i : i + 12], TEXT) for i in range(len(TRICKY))]),
            [(i, i, w, TEXT) for i, w in enumerate([26, 18, 16, 21, 10, 6, 18, 9, 22, 11, 24, 24])],
            freeze=2,
        )
    ],
    "errors-layout": [
        SheetSpec(
            "汇总",
            [
                *_bold_then_text([(2, ["a", 1, 0, 7, None, "", -3, 10**15], None)], 8),
                (4, [2**40], BOLD),
                (5, ["text"], TEXT),
            ],
            [(0, 0, 32, NORMAL), (1, 7, 10, NORMAL)],
            freeze=1,
        ),
        SheetSpec("单位 & <x>", [(0, ["u"], BOLD), (1, [None, "", "c"], None)], [(2, 2, 0.5, 0)]),
    ],
    "sparse-rows": [
        SheetSpec("s", _bold_then_text([(9, ["", "b", None, "d"], TEXT), (10, [None], TEXT)])),
        SheetSpec("one-cell", [(0, [None, None, "x"], TEXT), (1, [], TEXT)]),
        SheetSpec("empty", []),
    ],
    "many-sheets": [SheetSpec(f"S{i}", _bold_then_text([(2, [str(i)], TEXT)])) for i in range(12)],
    "column-runs": [
        SheetSpec(
            "w",
            _bold_then_text([(2, ["x"] * 12, None)]),
            [(0, 3, 8.43, TEXT), (4, 4, 0.2, TEXT), (5, 5, 9, TEXT), (6, 6, 9, TEXT), (8, 8, 9, 0)],
        )
    ],
}


@pytest.mark.parametrize("blocks", [False, True], ids=["write_row", "write_rows"])
@pytest.mark.parametrize("case", list(CASES))
def test_parts_are_xlsxwriters_byte_for_byte(case: str, blocks: bool) -> None:
    assert_same_parts(CASES[case], blocks)


PLAIN = ["370100", "鲁0120200000001", "居民身份证", "张三", "904 中小学教师", "日照市教育局"]


@pytest.mark.parametrize(
    "blocks",
    [
        [[PLAIN, PLAIN[::-1], PLAIN]],  # one block written at once
        [[PLAIN[:3], PLAIN[:3]], [PLAIN[:5]] * 4],  # blocks of different widths
        [[PLAIN, [*PLAIN[:5], "a&b"], PLAIN]],  # a value to escape: row by row
        [[PLAIN, PLAIN[:4]]],  # rows of different widths: row by row
        [[PLAIN, [*PLAIN[:5], ""]], [[*PLAIN[:5], 7]]],  # an empty cell, a number
        [[PLAIN, [*PLAIN[:5], " lead"]], [["x" * 16_384]]],  # whitespace, a long string
    ],
    ids=["plain", "widths", "escape", "ragged", "empty-and-number", "space-and-long"],
)
def test_blocks_of_rows_are_written_as_row_by_row(blocks: list[list[list[object]]]) -> None:
    flat = [values for block in blocks for values in block]
    rows: list[Row] = [(2 + i, values, TEXT) for i, values in enumerate(flat)]
    spec = SheetSpec("b", _bold_then_text(rows), [(0, 5, 12, TEXT)], freeze=2)
    assert_same_parts([spec], blocks=True)
    assert fast_bytes([spec], blocks=True) == fast_bytes([spec])


def test_a_block_out_of_order_or_range_raises() -> None:
    with fastxlsx.Workbook(io.BytesIO(), CREATED) as book:
        ws = book.add_sheet("s")
        ws.write_rows(3, [["a"], ["b"]])
        for first in (4, fastxlsx.MAX_ROWS - 1, -1):
            with pytest.raises(XlsxWriteError, match="out of range or order"):
                ws.write_rows(first, [["x"], ["y"]])
        ws.write_rows(fastxlsx.MAX_ROWS - 2, [["x"], ["y"]])


_TEXT = st.text(
    st.characters(blacklist_categories=("Cs",)) | st.sampled_from("&<>_x0F \t\r\n\x01\ufffe"),
    max_size=12,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(_TEXT, min_size=1, max_size=5), min_size=1, max_size=6))
def test_any_text_is_written_as_xlsxwriter_writes_it(rows: list[list[str]]) -> None:
    written: list[Row] = [(2 + i, r, TEXT) for i, r in enumerate(rows)]
    end: Row = (2 + len(rows), ["end"], TEXT)  # the text style is used (xlsxwriter: in styles)
    spec = SheetSpec("h", _bold_then_text([*written, end], 2))
    assert_same_parts([spec])
    assert_same_parts([spec], blocks=True)


def test_calamine_reads_back_every_value_and_the_control_characters() -> None:
    rows: list[Row] = [(i, [v, f"{i}"], TEXT) for i, v in enumerate(TRICKY)]
    book = CalamineWorkbook.from_filelike(io.BytesIO(fast_bytes([SheetSpec("t", rows)])))
    got = book.get_sheet_by_index(0).to_python()
    # Excel and calamine decode _xHHHH_ back to the character; the non-characters U+FFFE/U+FFFF
    # stay escaped in calamine, as they do for xlsxwriter's files.
    want = [v.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_") for v in TRICKY]
    assert [r[0] for r in got] == want
    assert [r[1] for r in got] == [str(i) for i in range(len(TRICKY))]


def test_same_rows_give_the_same_bytes() -> None:
    sheets = CASES["consolidated-layout"] + CASES["errors-layout"]
    assert fast_bytes(sheets) == fast_bytes(sheets)


def test_a_sheet_larger_than_the_write_block_streams_through_the_temp_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(xlsxsheet, "_BLOCK", 4096)  # some 50 blocks
    rows: list[Row] = [(r, [f"{r:07d}", "日照" * 20, "x&y"], TEXT) for r in range(2, 2_000)]
    assert_same_parts([SheetSpec("big", _bold_then_text(rows, 3), [(0, 2, 12, TEXT)], freeze=1)])


def test_sheets_within_one_write_block_need_no_temp_file(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse() -> None:
        raise AssertionError("a temp file for a small sheet")

    sheets = CASES["many-sheets"] + CASES["errors-layout"]
    monkeypatch.setattr(xlsxsheet.tempfile, "TemporaryFile", refuse)
    ours = parts(fast_bytes(sheets))
    monkeypatch.undo()
    assert ours == parts(reference_bytes(sheets))


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("x" * 32_767, True),
        ("x" * 32_768, False),
        ("😀" * 16_383 + "x", True),  # 32,767 UTF-16 units
        ("😀" * 16_384, False),
        (True, False),
        (float("nan"), False),
        (object(), False),
    ],
    ids=["32767", "32768", "astral-32767", "astral-32768", "bool", "nan", "object"],
)
def test_values_xlsxwriter_would_truncate_or_reject_raise(value: object, ok: bool) -> None:
    with fastxlsx.Workbook(io.BytesIO(), CREATED) as book:
        ws = book.add_sheet("s")
        if ok:
            ws.write_row(0, ["a", value], TEXT)
        else:
            with pytest.raises(XlsxWriteError, match=r"s!B1"):
                ws.write_row(0, ["a", value], TEXT)


def test_rows_go_top_down_within_the_sheet_limits() -> None:
    with fastxlsx.Workbook(io.BytesIO(), CREATED) as book:
        ws = book.add_sheet("s")
        ws.write_row(fastxlsx.MAX_ROWS - 2, ["x"])
        for bad in (fastxlsx.MAX_ROWS - 2, 0, fastxlsx.MAX_ROWS, -1):
            with pytest.raises(XlsxWriteError, match="out of range or order"):
                ws.write_row(bad, ["y"])
        ws.write_row(fastxlsx.MAX_ROWS - 1, ["z"])


@pytest.mark.parametrize("name", ["", "x" * 32, "a/b", "a[1]", "'q", "q'", "dup", "DUP"])
def test_illegal_or_duplicate_sheet_names_raise(name: str) -> None:
    with fastxlsx.Workbook(io.BytesIO(), CREATED) as book:
        book.add_sheet("dup")
        with pytest.raises(XlsxWriteError, match="sheet name"):
            book.add_sheet(name)


def test_a_workbook_without_sheets_is_refused() -> None:
    with fastxlsx.Workbook(io.BytesIO(), CREATED) as book, pytest.raises(XlsxWriteError):
        book.close()


@pytest.mark.parametrize(
    ("col", "name"), [(0, "A"), (25, "Z"), (26, "AA"), (701, "ZZ"), (702, "AAA")]
)
def test_column_names(col: int, name: str) -> None:
    assert fastxlsx.col_name(col) == name
