"""Helpers for the ingest tests: literal rows, templates built by the library (cached), and
returned files filled with openpyxl the way a clerk's edits end up in the file."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import openpyxl
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from titletemplate.batch import IngestResult, ingest
from titletemplate.columns import COLUMNS, DATA_SHEET, FIRST_DATA_ROW
from titletemplate.reports.report import letter
from titletemplate.template.build import build_template
from titletemplate.vocab import Vocab

ISSUED_AT = "2021-03-17T08:00:00Z"
RECEIVED_AT = "2021-03-20T09:00:00Z"
ROWS = 50  # input rows of the test templates
SCHOOL = "日照市第一中学"
OFFICE = "日照市教育局"
PORT = "日照港集团有限公司"

# Valid synthetic rows (check digits correct; 17th digit odd = male).
GOOD: dict[str, str] = {
    "region_code": "371100000000日照市本级",
    "cert_no": "鲁0120200000001",
    "id_type": "身份证",
    "id_number": "370102197308291814",
    "name": "张三",
    "gender": "男",
    "series": "012 技工学校教师",
    "level": "正高级",
    "title_name": "正高级实习指导教师",
    "issue_date": "20191119",
    "issuer": "山东省人力资源和社会保障厅",
    "review_body": "山东省人力资源和社会保障厅",
}
PEOPLE: dict[str, tuple[str, str, str]] = {  # key -> (id number, name, gender)
    "li": ("371102198506120034", "李四", "男"),
    "wang": ("371102198506120026", "王芳", "女"),
    "zhao": ("371121197903040040", "赵敏", "女"),
    "sun": ("371122199001010059", "孙强", "男"),
    "zhou": ("371103198811110066", "周静", "女"),
    "wu": ("371102199202020071", "吴磊", "男"),
}
TEACHER = {"series": "904 中小学教师", "level": "中级", "title_name": "一级教师"}
ENGINEER = {"series": "912 工程技术", "level": "中级", "title_name": "工程师"}

_TEMPLATES: dict[tuple[str, int], bytes] = {}


def row(person: str | None = None, n: int = 1, **changes: object) -> dict[str, object]:
    """GOOD, for `person` from PEOPLE, with certificate number `n`, plus `changes`."""
    values: dict[str, object] = dict(GOOD)
    if person:
        number, name, gender = PEOPLE[person]
        values |= {"id_number": number, "name": name, "gender": gender}
    values["cert_no"] = f"鲁01202000000{n:02d}"
    return values | changes


def template_bytes(vocab: Vocab, key: Ed25519PrivateKey, unit: str, rows: int = ROWS) -> bytes:
    found = vocab.find_unit(unit)
    assert found is not None, unit
    if (unit, rows) not in _TEMPLATES:
        _TEMPLATES[unit, rows] = build_template(vocab, found, key, issued_at=ISSUED_AT, rows=rows)
    return _TEMPLATES[unit, rows]


def fill_bytes(
    data: bytes, path: Path, rows: Sequence[Mapping[str, object]], start: int = 0
) -> Path:
    """Write `rows` into the input block of workbook `data` with openpyxl and save to `path`."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb[DATA_SHEET]
    for i, values in enumerate(rows):
        for c in COLUMNS:
            if c.key in values:
                ws.cell(FIRST_DATA_ROW + start + i, c.index + 1).value = values[c.key]
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    wb.close()
    return path


def fill(
    vocab: Vocab,
    key: Ed25519PrivateKey,
    unit: str,
    path: Path,
    rows: Sequence[Mapping[str, object]],
) -> Path:
    """The unit's template, filled by a clerk with `rows` from the first input row on."""
    return fill_bytes(template_bytes(vocab, key, unit), path, rows)


def run(
    paths: Iterable[Path],
    out: Path,
    vocab: Vocab,
    public_key: Ed25519PublicKey,
    private_key: Ed25519PrivateKey | None = None,
    **options: Any,
) -> IngestResult:
    options.setdefault("received_at", RECEIVED_AT)
    options.setdefault("correction_rows", ROWS)
    return ingest(
        list(paths), out, vocab=vocab, public_key=public_key, private_key=private_key, **options
    )


def issues(result: IngestResult, name: str | None = None) -> list[tuple[str, int | None, str]]:
    """(code, row, column) of the result's issues, optionally of one file name only."""
    return [
        (i.code, i.row, letter(i.column)) for i in result.issues if name is None or i.file == name
    ]


def counts(result: IngestResult) -> list[tuple[str, str, int, int, int, int, int]]:
    """(file name, status, rows, valid, invalid, duplicate, excluded) per file."""
    return [
        (
            Path(f["path"]).name,
            f["status"],
            f["rows"],
            f["valid_rows"],
            f["invalid_rows"],
            f["duplicate_rows"],
            f["excluded_rows"],
        )
        for f in result.files
    ]


def xlsx_text(path: Path) -> str:
    """All XML text of a workbook (shared strings, sheets, comments...)."""
    with zipfile.ZipFile(path) as zf:
        return "".join(
            zf.read(n).decode("utf-8", "replace") for n in zf.namelist() if n.endswith(".xml")
        )


def sheet_rows(path: Path, sheet: str | None = None) -> list[tuple[object, ...]]:
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        ws = wb[sheet] if sheet else wb.worksheets[0]
        return [tuple(r) for r in ws.iter_rows(values_only=True)]
    finally:
        wb.close()
