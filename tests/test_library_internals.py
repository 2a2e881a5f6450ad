"""The fast template builders (template/stamp.py, template/stampfill.py) drive XlsxWriter and
zipfile below their public API, all through template/xlsxinternals.py. This test names every
internal used there, so that a new release that renames or drops one fails here, loudly, and
not somewhere in a byte comparison; and it proves that any failure of a fast builder falls
back to the public-API build."""

from __future__ import annotations

import inspect
import io
import zipfile
from typing import Any

import pytest
import xlsxwriter
from xlsxwriter.comments import Comments
from xlsxwriter.custom import Custom
from xlsxwriter.format import Format
from xlsxwriter.sharedstrings import SharedStrings, SharedStringTable
from xlsxwriter.styles import Styles
from xlsxwriter.vml import Vml
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from titletemplate.columns import COLUMNS, DATA_SHEET
from titletemplate.errors import Issue, Stage
from titletemplate.keys import DEMO_DIR, load_private_key
from titletemplate.reports.corrections import MIN_ROWS, CorrectionRow, correction_bytes, marks_for
from titletemplate.template import stampfill
from titletemplate.template.build import build_template
from titletemplate.vocabcheck import load_vocab

# (class, method) pairs: every private method xlsxinternals.py calls.
PRIVATE_METHODS = [
    (Worksheet, "_check_dimensions"),
    (Worksheet, "_xml_formula_element"),
    (Worksheet, "_prepare_formula"),
    (Workbook, "_prepare_vml"),
    (Workbook, "_prepare_format_properties"),
    (Format, "_get_xf_index"),
    (Format, "_get_dxf_index"),
    (SharedStringTable, "_get_shared_string_index"),
    (SharedStringTable, "_sort_string_data"),
    (SharedStrings, "_write_si"),
    (SharedStrings, "_assemble_xml_file"),
    (Styles, "_set_style_properties"),
    (Styles, "_assemble_xml_file"),
    (Comments, "_assemble_xml_file"),
    (Vml, "_assemble_xml_file"),
    (Custom, "_assemble_xml_file"),
    (Custom, "_set_properties"),
    (SharedStrings, "_set_filehandle"),
]

# Instance attributes they read or set, per object they live on.
WORKBOOK_ATTRS = [
    "str_table", "formats", "xf_formats", "dxf_formats", "num_formats", "font_count",
    "fill_count", "border_count", "custom_colors", "palette", "has_comments",
]  # fmt: skip
WORKSHEET_ATTRS = [
    "comments", "comments_list", "buttons_list", "vml_shape_id", "vml_data_id",
    "print_area_range", "active", "table",
]  # fmt: skip
TABLE_ATTRS = ["count", "unique_count", "string_table"]
ISSUED_AT = "2021-03-17T08:00:00Z"


@pytest.mark.parametrize(
    ("owner", "name"), PRIVATE_METHODS, ids=lambda x: getattr(x, "__name__", x)
)
def test_private_method_exists(owner: type, name: str) -> None:
    assert callable(getattr(owner, name, None)), f"XlsxWriter {xlsxwriter.__version__}: {name}"


def test_internal_attributes_exist() -> None:
    book = Workbook(io.BytesIO(), {"in_memory": True})
    sheet = book.add_worksheet()
    missing = [a for a in WORKBOOK_ATTRS if not hasattr(book, a)]
    missing += [a for a in WORKSHEET_ATTRS if not hasattr(sheet, a)]
    missing += [a for a in TABLE_ATTRS if not hasattr(book.str_table, a)]
    book.close()
    assert not missing, f"XlsxWriter {xlsxwriter.__version__} lacks {missing}"


def test_zipfile_write_handle_takes_a_compressor() -> None:
    """stamp.zip_parts replays a probe's deflate stream by replacing the write handle's
    _compressor; zipfile must still create and use it."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z, z.open("a", "w") as dest:
        assert hasattr(dest, "_compressor")
    assert "_compressor" in inspect.getsource(zipfile._ZipWriteFile.write)  # type: ignore[attr-defined]


def test_failing_fast_builder_falls_back_to_the_public_api(monkeypatch: pytest.MonkeyPatch) -> None:
    """A correction whose fast fill raises is built by build_template, with the same bytes."""
    vocab = load_vocab()
    key, _ = load_private_key(DEMO_DIR / "demo-private.pem")
    unit = vocab.units[0]
    values = ("", "C-1", "", "", "张三", "", "", "", "", "20190229", "", "")
    issue = Issue("issue-date-invalid", "f.xlsx", DATA_SHEET, 9, "issue_date", "20190229",
                  stage=Stage.VALIDATE, unit="u", path="/in/f.xlsx")  # fmt: skip
    rows = [CorrectionRow(values, (issue,))]
    calls: list[str] = []
    real_fill = stampfill.fill

    def spy(*args: Any) -> bytes | None:
        calls.append("fill")
        return real_fill(*args)

    def broken(*args: Any) -> bytes | None:
        calls.append("broken")
        raise AttributeError("'Worksheet' object has no attribute '_renamed'")

    monkeypatch.setattr(stampfill, "_probes", {})
    monkeypatch.setattr(stampfill, "fill", spy)
    fast = correction_bytes(vocab, unit, key, rows, issued_at=ISSUED_AT)
    assert "fill" in calls  # the fast route was taken
    calls.clear()
    monkeypatch.setattr(stampfill, "fill", broken)
    slow = correction_bytes(vocab, unit, key, rows, issued_at=ISSUED_AT)
    assert calls == ["broken"]
    prefill = [{c.key: v for c, v in zip(COLUMNS, values, strict=True)}]
    expected = build_template(
        vocab, unit, key, issued_at=ISSUED_AT, rows=1 + MIN_ROWS, prefill=prefill,
        marks=marks_for(rows),
    )  # fmt: skip
    assert fast == slow == expected
