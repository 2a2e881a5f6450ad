"""Returned files in the shape Excel saves them, made from our own workbooks (no Excel here):
CR LF after every part's XML declaration, the mc/x14ac/xr namespaces on the root elements,
x14:/x15: extensions at the end of styles.xml, `x14ac:dyDescent` on every row, and the check
formulas of column M written once as a shared formula, as Excel writes filled-down formulas."""

from __future__ import annotations

import io
import re
import zipfile

_DECLARATION = re.compile(rb"\A(<\?xml[^>]*\?>)\s*")
_MC = (
    b' xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
    b' mc:Ignorable="x14ac x16r2 xr"'
    b' xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"'
    b' xmlns:x16r2="http://schemas.microsoft.com/office/spreadsheetml/2015/02/main"'
    b' xmlns:xr="http://schemas.microsoft.com/office/spreadsheetml/2014/revision"'
)
_STYLE_EXT = (
    b"<extLst>"
    b'<ext uri="{EB79DEF2-80B8-43e5-95BD-54CBDDF9F1F3}"'
    b' xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
    b'<x14:slicerStyles defaultSlicerStyle="SlicerStyleLight1"/></ext>'
    b'<ext uri="{9260A510-F301-46a8-8635-F512D64BE5F5}"'
    b' xmlns:x15="http://schemas.microsoft.com/office/spreadsheetml/2010/11/main">'
    b'<x15:timelineStyles defaultTimelineStyle="TimeSlicerStyleLight1"/></ext>'
    b"</extLst>"
)
_ROOT = re.compile(rb"<(worksheet|styleSheet|sst) (xmlns=\"[^\"]*\")")
_ROW = re.compile(rb'(<row r="[0-9]+"[^>]*?)(/?>)')
_CHECK = re.compile(rb'<c r="M([0-9]+)"([^>]*)><f>([^<]*)</f>')


def excel_shaped(data: bytes) -> bytes:
    """The workbook `data` (xlsx bytes) with its XML parts in Excel's shape."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            part = zin.read(info)
            if info.filename.endswith((".xml", ".rels")):
                part = _DECLARATION.sub(rb"\1\r\n", part, count=1)
            if info.filename in ("xl/styles.xml", "xl/sharedStrings.xml") or (
                info.filename.startswith("xl/worksheets/sheet")
            ):
                part = _ROOT.sub(rb"<\1 \2" + _MC, part, count=1)
            if info.filename == "xl/styles.xml":
                part = part.replace(b"</styleSheet>", _STYLE_EXT + b"</styleSheet>")
            if info.filename.startswith("xl/worksheets/sheet"):
                part = _ROW.sub(rb'\1 x14ac:dyDescent="0.25"\2', part)
                part = _shared_checks(part)
            zout.writestr(info, part, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _shared_checks(part: bytes) -> bytes:
    """Column M's formulas as one shared formula: the first cell holds the text and the range,
    the others refer to it (what Excel writes for a filled-down formula)."""
    rows = [int(m.group(1)) for m in _CHECK.finditer(part)]
    if len(rows) < 2:
        return part
    ref = f"M{rows[0]}:M{rows[-1]}".encode()

    def shared(match: re.Match[bytes]) -> bytes:
        row, attrs, formula = match.groups()
        if int(row) == rows[0]:
            return b'<c r="M%s"%s><f t="shared" ref="%s" si="0">%s</f>' % (row, attrs, ref, formula)
        return b'<c r="M%s"%s><f t="shared" si="0"/>' % (row, attrs)

    return _CHECK.sub(shared, part)
