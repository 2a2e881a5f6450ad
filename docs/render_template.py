"""Render a built template through LibreOffice (PDF, as it prints) and pdftoppm into
docs/template.png for the README: page 1, and below it the top of page 2, so the A4 landscape
layout, the page footer and the header rows repeated on page 2 are visible. Only the data sheet
is printed, as a clerk prints the sheet in front of them (the titles sheet would follow it and
count in the footer's page total).

    python docs/render_template.py [--out docs/template.png] [--pdf build/template.pdf]

Needs soffice (libreoffice-calc-nogui) and pdftoppm (poppler-utils). Synthetic people only.
"""

from __future__ import annotations

import argparse
import io
import re
import struct
import subprocess
import sys
import tempfile
import zipfile
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from lohelper import LibreOffice

from titletemplate.columns import TITLES_SHEET
from titletemplate.keys import DEMO_DIR, load_private_key
from titletemplate.template.build import build_template
from titletemplate.vocabcheck import load_vocab

UNIT = "日照市技师学院"
ISSUED_AT = "2021-03-17T08:00:00Z"
INPUT_ROWS = 80  # enough for a second page
DPI = 100
GAP = 12  # pixels between the pages
PAGE2_SHARE = 0.3  # how much of page 2 to show, from the top
BASE = {
    "region_code": "371100000000日照市本级",
    "id_type": "身份证",
    "series": "012 技工学校教师",
    "issue_date": "20191119",
    "issuer": "山东省人力资源和社会保障厅",
    "review_body": "山东省人力资源和社会保障厅",
}
EXAMPLES = [
    {"cert_no": "鲁0120190000101", "id_number": "370102197308291814", "name": "张三",
     "gender": "男", "level": "正高级", "title_name": "正高级实习指导教师"},
    {"cert_no": "鲁0120190000102", "id_number": "11010119900307803X", "name": "李四",
     "gender": "男", "level": "中级", "title_name": "讲师"},
    {"cert_no": "鲁0120190000103", "id_number": "370102197308291817", "name": "王五",
     "gender": "男", "level": "副高级", "title_name": "高级讲师"},  # wrong check digit
    {"cert_no": "鲁0120190000104", "id_number": "371102198805120026", "name": "赵六",
     "gender": "女", "level": "初级", "title_name": "助理讲师", "issue_date": "20190229"},
]  # fmt: skip


def build(path: Path) -> Path:
    vocab = load_vocab()
    unit = vocab.find_unit(UNIT)
    assert unit is not None, UNIT
    key, _ = load_private_key(DEMO_DIR / "demo-private.pem")
    rows = [{**BASE, **row} for row in EXAMPLES]
    data = build_template(vocab, unit, key, issued_at=ISSUED_AT, rows=INPUT_ROWS, prefill=rows)
    path.write_bytes(data_sheet_only(data))
    return path


def data_sheet_only(data: bytes) -> bytes:
    """The workbook with its titles sheet hidden and without its print ranges: LibreOffice
    prints every visible sheet, and a hidden one that has a print area."""
    out = io.BytesIO()
    tag = f'<sheet name="{TITLES_SHEET}" '.encode()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            part = zin.read(info)
            if info.filename == "xl/workbook.xml":
                if part.count(tag) != 1:
                    raise RuntimeError("no titles sheet in xl/workbook.xml")
                part = part.replace(tag, tag + b'state="hidden" ')
                part = re.sub(rb'<definedName name="_xlnm[.]Print_\w+" localSheetId="1">[^<]*'
                              rb"</definedName>", b"", part)  # fmt: skip
            zout.writestr(info, part)
    return out.getvalue()


def _ppm(path: Path) -> tuple[int, int, bytes]:
    data = path.read_bytes()
    magic, width, height, depth = data.split(maxsplit=4)[:4]
    if magic != b"P6" or depth != b"255":
        raise ValueError(f"{path.name}: not an 8-bit PPM")
    w, h = int(width), int(height)
    return w, h, data[-w * h * 3 :]


def _png(width: int, height: int, rgb: bytes) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    stride = width * 3
    raw = b"".join(b"\0" + rgb[y * stride : (y + 1) * stride] for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def stack(first: tuple[int, int, bytes], second: tuple[int, int, bytes]) -> bytes:
    """Page 1, a grey gap, then the top PAGE2_SHARE of page 2 (same width)."""
    (w, h, rgb), (w2, h2, rgb2) = first, second
    if w2 != w:
        raise ValueError("pages differ in width")
    keep = int(h2 * PAGE2_SHARE)
    return _png(w, h + GAP + keep, rgb + b"\xc8" * (w * 3 * GAP) + rgb2[: w * 3 * keep])


def render(png: Path, pdf: Path | None = None, office: LibreOffice | None = None) -> Path:
    """Build the demo template, print it to PDF with LibreOffice, rasterise pages 1-2."""
    with tempfile.TemporaryDirectory(prefix="tt-render-") as tmp:
        work = Path(tmp)
        (work / "in").mkdir()
        source = build(work / "in" / "template.xlsx")
        printed = (office or LibreOffice(work / "profile")).to_pdf(source, work / "out")
        subprocess.run(
            ["pdftoppm", "-r", str(DPI), "-f", "1", "-l", "2", str(printed), str(work / "page")],
            check=True,
            timeout=120,
        )
        pages = [_ppm(p) for p in sorted(work.glob("page-*.ppm"))]
        if len(pages) != 2:
            raise RuntimeError(f"expected 2 printed pages, got {len(pages)}")
        png.parent.mkdir(parents=True, exist_ok=True)
        png.write_bytes(stack(*pages))
        if pdf is not None:
            pdf.parent.mkdir(parents=True, exist_ok=True)
            pdf.write_bytes(printed.read_bytes())
    return png


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("template.png"))
    parser.add_argument("--pdf", type=Path, help="also keep the PDF here")
    args = parser.parse_args(argv)
    print(render(args.out, args.pdf))
    return 0


if __name__ == "__main__":
    sys.exit(main())
