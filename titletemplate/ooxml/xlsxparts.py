"""The fixed parts of fastxlsx's workbooks, as xlsxwriter writes them: content types,
relationships, workbook.xml, styles.xml (three cell styles), the theme and the document
properties (created date pinned by the caller)."""

from __future__ import annotations

import datetime as dt
import functools
import io
import zipfile
from collections.abc import Sequence

HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
PKG = "http://schemas.openxmlformats.org/package/2006"
DOC = "http://schemas.openxmlformats.org/officeDocument/2006"
_OFFICE = "application/vnd.openxmlformats-officedocument"


def _attr(text: str) -> str:
    return (
        text.replace("&", "&amp;")
        .replace('"', "&quot;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\n", "&#xA;")
    )


def package_parts(
    sheets: Sequence[str],
    created: dt.datetime,
    print_titles: Sequence[tuple[int, str, str]] = (),
) -> list[tuple[str, str]]:
    """Every part but the worksheets, in zip order; `sheets` are the sheet names,
    `print_titles` (sheet index, sheet name, reference) the sheets' repeated rows."""
    n = len(sheets)
    # xlsxwriter sorts defined names by name, then sheet name without quotes, lower case.
    titles = sorted(print_titles, key=lambda t: t[1].lower())
    defined = "".join(
        f'<definedName name="_xlnm.Print_Titles" localSheetId="{i}">{_text(ref)}</definedName>'
        for i, _, ref in titles
    )
    defined = f"<definedNames>{defined}</definedNames>" if defined else ""
    sheet_types = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
        f'ContentType="{_OFFICE}.spreadsheetml.worksheet+xml"/>'
        for i in range(1, n + 1)
    )
    types = (
        f'{HEAD}<Types xmlns="{PKG}/content-types">'
        f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/docProps/app.xml" ContentType="{_OFFICE}.extended-properties'
        '+xml"/><Override PartName="/docProps/core.xml" ContentType="application/'
        'vnd.openxmlformats-package.core-properties+xml"/><Override PartName="/xl/styles.xml"'
        f' ContentType="{_OFFICE}.spreadsheetml.styles+xml"/><Override PartName='
        f'"/xl/theme/theme1.xml" ContentType="{_OFFICE}.theme+xml"/><Override PartName='
        f'"/xl/workbook.xml" ContentType="{_OFFICE}.spreadsheetml.sheet.main+xml"/>'
        f"{sheet_types}</Types>"
    )
    rels = f'{HEAD}<Relationships xmlns="{PKG}/relationships">'
    root_rels = (
        f'{rels}<Relationship Id="rId1" Type="{DOC}/relationships/officeDocument" '
        f'Target="xl/workbook.xml"/><Relationship Id="rId2" Type="{PKG}/relationships/'
        'metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId3" '
        f'Type="{DOC}/relationships/extended-properties" Target="docProps/app.xml"/>'
        "</Relationships>"
    )
    book_rels = (
        rels
        + "".join(
            f'<Relationship Id="rId{i}" Type="{DOC}/relationships/worksheet" '
            f'Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, n + 1)
        )
        + f'<Relationship Id="rId{n + 1}" Type="{DOC}/relationships/theme" '
        f'Target="theme/theme1.xml"/><Relationship Id="rId{n + 2}" '
        f'Type="{DOC}/relationships/styles" Target="styles.xml"/></Relationships>'
    )
    sheet_list = "".join(
        f'<sheet name="{_attr(name)}" sheetId="{i}" r:id="rId{i}"/>'
        for i, name in enumerate(sheets, 1)
    )
    workbook = (
        f'{HEAD}<workbook xmlns="{MAIN}" xmlns:r="{DOC}/relationships"><fileVersion '
        'appName="xl" lastEdited="4" lowestEdited="4" rupBuild="4505"/><workbookPr '
        'defaultThemeVersion="124226"/><bookViews><workbookView xWindow="240" yWindow="15" '
        'windowWidth="16095" windowHeight="9660"/></bookViews>'
        f'<sheets>{sheet_list}</sheets>{defined}<calcPr calcId="124519" fullCalcOnLoad="1"/>'
        "</workbook>"
    )
    named = [ref.split("!")[0] + "!Print_Titles" for _, _, ref in titles]
    return [
        ("[Content_Types].xml", types),
        ("_rels/.rels", root_rels),
        ("xl/_rels/workbook.xml.rels", book_rels),
        ("xl/workbook.xml", workbook),
        ("xl/styles.xml", _STYLES),
        ("xl/theme/theme1.xml", _theme()),
        ("docProps/core.xml", _core(created)),
        ("docProps/app.xml", _app(sheets, named)),
    ]


def _core(created: dt.datetime) -> str:
    when = created.strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        f'{HEAD}<cp:coreProperties xmlns:cp="{PKG}/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/'
        'terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org'
        '/2001/XMLSchema-instance"><dc:creator></dc:creator><cp:lastModifiedBy>'
        f'</cp:lastModifiedBy><dcterms:created xsi:type="dcterms:W3CDTF">{when}'
        f'</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">{when}'
        "</dcterms:modified></cp:coreProperties>"
    )


def _text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _app(sheets: Sequence[str], named: Sequence[str] = ()) -> str:
    n, m = len(sheets), len(named)
    names = "".join(f"<vt:lpstr>{_text(name)}</vt:lpstr>" for name in [*sheets, *named])
    pairs = "<vt:variant><vt:lpstr>Worksheets</vt:lpstr></vt:variant>"
    pairs += f"<vt:variant><vt:i4>{n}</vt:i4></vt:variant>"
    if m:
        pairs += "<vt:variant><vt:lpstr>Named Ranges</vt:lpstr></vt:variant>"
        pairs += f"<vt:variant><vt:i4>{m}</vt:i4></vt:variant>"
    return (
        f'{HEAD}<Properties xmlns="{DOC}/extended-properties" xmlns:vt="{DOC}/'
        'docPropsVTypes"><Application>Microsoft Excel</Application><DocSecurity>0'
        "</DocSecurity><ScaleCrop>false</ScaleCrop><HeadingPairs><vt:vector "
        f'size="{2 if not m else 4}" baseType="variant">{pairs}</vt:vector></HeadingPairs>'
        f'<TitlesOfParts><vt:vector size="{n + m}" baseType="lpstr">{names}</vt:vector>'
        "</TitlesOfParts><Company></Company><LinksUpToDate>false</LinksUpToDate><SharedDoc>"
        "false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged><AppVersion>12.0000"
        "</AppVersion></Properties>"
    )


_FONT = (
    '<sz val="11"/><color theme="1"/><name val="Calibri"/><family val="2"/><scheme val="minor"/>'
)
_STYLES = (
    f'{HEAD}<styleSheet xmlns="{MAIN}"><numFmts count="1"><numFmt numFmtId="164" '
    f'formatCode="@"/></numFmts><fonts count="2"><font>{_FONT}</font><font><b/>{_FONT}</font>'
    '</fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill '
    'patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/>'
    '<bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0"'
    ' fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="3"><xf numFmtId="0" fontId="0" '
    'fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" '
    'xfId="0" applyFont="1"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" '
    'applyNumberFormat="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" '
    'builtinId="0"/></cellStyles><dxfs count="0"/><tableStyles count="0" defaultTableStyle='
    '"TableStyleMedium9" defaultPivotStyle="PivotStyleLight16"/></styleSheet>'
)


@functools.cache
def _theme() -> str:
    """xlsxwriter's default theme part, taken from a tiny workbook it writes in memory."""
    import xlsxwriter

    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    book.add_worksheet()
    book.close()
    with zipfile.ZipFile(buf) as zf:
        return zf.read("xl/theme/theme1.xml").decode("utf-8")
