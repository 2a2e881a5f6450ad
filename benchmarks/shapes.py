"""Benchmark corpora in the shapes office suites save returned files in, and the measurements
that compare each hand-written reader and writer with the library path it stands in for.

Shapes of the returned files (each a folder of the corpus):
- small: the template as build_template writes it, rows typed in (shared strings);
- excel: the same files as Excel saves them (tests/officeshape.py: CR LF after the XML
  declarations, x14/x15 extensions, `x14ac:dyDescent` rows, column M as one shared formula);
- lo: the first --lo-files of them opened and saved again by LibreOffice, which recalculates
  and writes every formula out in full with its cached value.

Read variants, each reading every file of a folder with read_submission in one process:
- ours: as shipped (the regular-expression scan, calamine for the values);
- library: the regular-expression scan off (defusedxml SAX scans), the path it stands in for.
The scan is also measured on its own case (scan_ours, scan_library): each file's data sheet
scanned, the part inflated before the clock starts.
Write variants write the rows of a folder as consolidated.xlsx does (12 text cells each): the
fastxlsx writer against xlsxwriter's constant_memory mode.
"""

from __future__ import annotations

import sys
import time
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
for _path in (ROOT, ROOT / "tests"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

READ_VARIANTS = ("ours", "library")
# (measure, what it measures): sheetscan.py against the SAX scan, on the whole read and alone
READER_RATIOS = (("read", "read_submission"), ("scan", "the data sheet's scan alone"))
WRITE_VARIANTS = ("fastxlsx", "xlsxwriter")


def make_shapes(corpus: Path, lo_files: int) -> list[str]:
    """corpus/excel and corpus/lo from corpus/small (cached); the shapes made."""
    from officeshape import excel_shaped

    small = sorted((corpus / "small").glob("*.xlsx"))
    excel = corpus / "excel"
    if not (excel / "done").exists():
        excel.mkdir(exist_ok=True)
        for path in small:
            (excel / path.name).write_bytes(excel_shaped(path.read_bytes()))
        (excel / "done").write_text("")
    shapes = ["small", "excel"]
    lo = corpus / "lo"
    if lo_files > 0 and not (lo / f"done-{lo_files}").exists():
        from lohelper import LibreOffice, LibreOfficeError, find_soffice

        if find_soffice() is None:
            print("lo: soffice not found, shape skipped", flush=True)
            return shapes
        office = LibreOffice(corpus / "lo-profile", timeout=900)
        lo.mkdir(exist_ok=True)
        for path in small[:lo_files]:
            if not (lo / path.name).exists():
                try:
                    office.recalculate(path, lo)
                except LibreOfficeError as exc:
                    raise SystemExit(f"LibreOffice could not resave {path.name}: {exc}") from None
        (lo / f"done-{lo_files}").write_text("")
    if lo_files > 0 and (lo / f"done-{lo_files}").exists():
        shapes.append("lo")
    return shapes


def switch_off(variant: str) -> None:
    """Switch the hand-written scan off in this (child) process for the library variant."""
    from titletemplate.ooxml import sheetscan

    if variant == "library":
        sheetscan.FAST_MAX_BYTES = -1  # every sheet through the SAX scan


def m_scan(folder: Path, work: Path, variant: str) -> tuple[int, float]:
    """(files, seconds) for scanning each file's data sheet, inflated beforehand."""
    import io

    from titletemplate.columns import COLUMNS, FIRST_DATA_ROW
    from titletemplate.ooxml import sheetscan

    switch_off(variant)
    parts = []
    for path in sorted(folder.glob("*.xlsx")):
        with zipfile.ZipFile(path) as zf:
            parts.append(zf.read("xl/worksheets/sheet1.xml"))
    start = time.perf_counter()
    for part in parts:
        with zipfile.ZipFile(io.BytesIO(_stored(part))) as zf:
            sheetscan.scan_sheet(zf, "sheet.xml", FIRST_DATA_ROW, len(COLUMNS))
    return len(parts), time.perf_counter() - start


def _stored(part: bytes) -> bytes:
    """A zip holding `part` uncompressed (reading it back costs a copy, not an inflate)."""
    import io

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("sheet.xml", part)
    return out.getvalue()


def m_read(folder: Path, work: Path, variant: str) -> tuple[int, float]:
    """(rows read, seconds) for read_submission over every file of `folder`."""
    from titletemplate.ingest import reader
    from titletemplate.keys import DEMO_DIR, load_public_key
    from titletemplate.vocabcheck import load_vocab

    switch_off(variant)
    vocab = load_vocab()
    public, _ = load_public_key(DEMO_DIR / "demo-public.pem")
    files = sorted(folder.glob("*.xlsx"))
    start = time.perf_counter()
    rows = sum(len(reader.read_submission(p, vocab, public).rows) for p in files)
    return rows, time.perf_counter() - start


def m_write(folder: Path, work: Path, variant: str) -> tuple[int, float]:
    """(rows written, seconds) for the rows of `folder` written as 12 text cells each."""
    import datetime as dt

    import xlsxwriter
    from python_calamine import CalamineWorkbook

    from titletemplate.columns import DATA_SHEET, FIRST_DATA_ROW
    from titletemplate.ooxml import fastxlsx

    rows: list[list[str]] = []
    for path in sorted(folder.glob("*.xlsx")):
        with CalamineWorkbook.from_path(str(path)) as book:
            values = book.get_sheet_by_name(DATA_SHEET).to_python(skip_empty_area=False)
        rows += [[str(v) for v in r[:12]] for r in values[FIRST_DATA_ROW - 1 :] if any(r[:12])]
    target = work / "written.xlsx"
    start = time.perf_counter()
    if variant == "fastxlsx":
        with target.open("wb") as fh, fastxlsx.Workbook(fh, dt.datetime(2021, 3, 17)) as book:
            sheet = book.add_sheet(DATA_SHEET, [(i, i, 20.0, fastxlsx.TEXT) for i in range(12)])
            sheet.write_rows(0, rows, fastxlsx.TEXT)
    else:
        wb = xlsxwriter.Workbook(str(target), {"constant_memory": True})
        text = wb.add_format({"num_format": "@"})
        ws = wb.add_worksheet(DATA_SHEET)
        ws.set_column(0, 11, 20, text)
        for r, row in enumerate(rows):
            ws.write_row(r, 0, row, text)
        wb.close()
    return len(rows), time.perf_counter() - start


def measure(
    corpus: Path, made: list[str], repeat: int, run: Any, fastest: Any, line: Any
) -> tuple[dict[str, Any], list[str]]:
    """Ingest against the floor on every shape, each reader variant on every shape and each
    writer on the small files; every kind runs `repeat` times, alternating, the fastest counts.
    `run`, `fastest` and `line` are bench.py's run_child, fastest and _line."""
    results: dict[str, Any] = {}
    lines: list[str] = []
    for shape in made:
        folder = corpus / shape
        kinds = ("floor", "ingest", *(f"{r}_{v}" for r, _ in READER_RATIOS for v in READ_VARIANTS))
        runs: dict[str, list[dict[str, Any]]] = {k: [] for k in kinds}
        for _ in range(max(repeat, 1)):
            for kind in kinds:
                runs[kind].append(run(kind, str(folder)))
        m = {k: fastest(v) for k, v in runs.items()}
        ratios = {
            "ingest_vs_floor": m["ingest"]["seconds"] / m["floor"]["seconds"],
            **{
                f"{r}_library_vs_ours": m[f"{r}_library"]["seconds"] / m[f"{r}_ours"]["seconds"]
                for r, _ in READER_RATIOS
            },
        }
        results[shape] = {**m, **ratios}
        label = f"{shape} ({len(list(folder.glob('*.xlsx')))} files)"
        lines.append(line(f"ingest {label}", m["ingest"], "rows/s", "of floor",
                          ratios["ingest_vs_floor"]))  # fmt: skip
        lines.append(line(f"I/O floor {label}", m["floor"], "rows/s", "", None))
        for r, _ in READER_RATIOS:
            unit = "rows/s" if r == "read" else "files/s"
            lines.append(line(f"{r} ours {shape}", m[f"{r}_ours"], unit, "", None))
            lines.append(line(f"{r} library {shape}", m[f"{r}_library"], unit, "of ours",
                              ratios[f"{r}_library_vs_ours"]))  # fmt: skip
    runs = {v: [] for v in WRITE_VARIANTS}
    for _ in range(max(repeat, 1)):
        for v in WRITE_VARIANTS:
            runs[v].append(run(f"write_{v}", str(corpus / "small")))
    w = {v: fastest(r) for v, r in runs.items()}
    speedup = w["xlsxwriter"]["seconds"] / w["fastxlsx"]["seconds"]
    results["write"] = {**w, "xlsxwriter_vs_fastxlsx": speedup}
    lines.append(line("write fastxlsx", w["fastxlsx"], "rows/s", "", None))
    lines.append(line("write xlsxwriter c_m", w["xlsxwriter"], "rows/s", "of fastxlsx", speedup))
    return results, lines
