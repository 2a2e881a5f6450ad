"""What a unit's clerk waits for in LibreOffice: a built template is opened headless, 100 / 500
/ 2,000 valid rows are pasted in, and open, full recalculation and the recalculation after one
edit in the name (a non-key column) and in each key column of the duplicate check (ID type, ID
number, title name) in the middle row, and of the ID number in the last and the first row,
are timed; template size and the largest sheet XML are reported too. Every number is given
next to the baseline, the previous layout's template built in the same run, as a ratio.

    python benchmarks/clerk.py [--counts 100,500,2000] [--repeat 5] [--json out.json] [--quick]

Needs soffice and a python with python3-uno (see tests/lohelper.py). Synthetic people only.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT, ROOT / "tests"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from lohelper import LibreOffice, find_uno_python  # noqa: E402

from titletemplate import demo  # noqa: E402
from titletemplate.columns import (  # noqa: E402
    BY_KEY,
    CHECK_LETTER,
    COLUMNS,
    DATA_SHEET,
    FIRST_DATA_ROW,
    LAYOUT_VERSION,
)
from titletemplate.keys import load_private_key  # noqa: E402
from titletemplate.template.build import build_template  # noqa: E402
from titletemplate.vocab import Vocab  # noqa: E402
from titletemplate.vocabcheck import load_vocab  # noqa: E402

ISSUED_AT = "2021-03-17T08:00:00Z"
BASELINE_LAYOUT = "1"
SCRIPT = Path(__file__).resolve().parent / "clerk_uno.py"
EDITS = ("name", "id_type", "id_number", "title_name")  # a non-key column, then the keys
# The same edit of 证件号码 in the last filled row (where a clerk adding rows types: the best
# case, one lookup) and in the first (every row below looks up again: the worst case).
LAST_ROW_EDIT, FIRST_ROW_EDIT = "id_number_last", "id_number_first"
_KEYS = tuple(c.key for c in COLUMNS)


def valid_rows(vocab: Vocab, n: int, seed: int = 13) -> list[list[str]]:
    """n rows a clerk would paste, all valid, with distinct people."""
    rng = random.Random(seed)
    people = demo._People(vocab, rng)
    unit = next(u for u in vocab.units if u.kind == "employer")
    titles, reviewer = demo._titles_for(vocab, unit)
    rows: list[list[str]] = []
    keys: set[tuple[str, str, str]] = set()
    while len(rows) < n:  # random ID numbers can repeat: skip a (type, number, title) seen
        row = people.row(titles, reviewer)
        key = (str(row["id_type"]), str(row["id_number"]).upper(), str(row["title_name"]))
        if key not in keys:
            keys.add(key)
            rows.append([str(row[k]) for k in _KEYS])
    return rows


def edit_values(vocab: Vocab, rows: list[list[str]], row: int) -> dict[str, list[str]]:
    """Another value for each edited column of `row` (valid where the column allows)."""
    people = demo._People(vocab, random.Random(7))
    values = dict(zip(_KEYS, rows[row], strict=True))
    others = [t.name for t in vocab.titles if not t.legacy and t.name != values["title_name"]]
    types = [t.name for t in vocab.id_types if t.name != values["id_type"]]
    return {
        "name": [people.name()],
        "id_type": types[:1],
        "id_number": [people.person_id(male=True)],
        "title_name": others[:1],
    }


def sheet_sizes(data: bytes) -> tuple[int, int]:
    """(file size, largest uncompressed worksheet part) in bytes."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheets = [i.file_size for i in z.infolist() if i.filename.startswith("xl/worksheets/")]
    return len(data), max(sheets)


def build(vocab: Vocab, layout: str) -> bytes:
    key, _ = load_private_key(None)
    unit = next(u for u in vocab.units if u.kind == "employer")
    return build_template(vocab, unit, key, issued_at=ISSUED_AT, layout=layout)


def run(counts: list[int], repeat: int, folder: Path, baseline: bool = True) -> dict[str, Any]:
    vocab = load_vocab()
    python = find_uno_python()
    if python is None:
        raise SystemExit("no python with `import uno` (apt-get install python3-uno)")
    templates, sizes = [], {}
    layouts = [("baseline", BASELINE_LAYOUT)] if baseline else []
    for label, layout in [*layouts, ("template", LAYOUT_VERSION)]:
        data = build(vocab, layout)
        path = folder / f"{label}.xlsx"
        path.write_bytes(data)
        templates.append({"label": label, "path": str(path)})
        sizes[label] = dict(zip(("file", "largest_sheet_xml"), sheet_sizes(data), strict=True))
    rows = valid_rows(vocab, max(counts))
    edits = []
    for n in counts:
        values = edit_values(vocab, rows, n // 2)
        n_edits = [[k, BY_KEY[k].letter, values[k], n // 2] for k in EDITS]
        last = edit_values(vocab, rows, n - 1)["id_number"]
        n_edits.append([LAST_ROW_EDIT, BY_KEY["id_number"].letter, last, n - 1])
        first = edit_values(vocab, rows, 0)["id_number"]
        n_edits.append([FIRST_ROW_EDIT, BY_KEY["id_number"].letter, first, 0])
        edits.append(n_edits)
    office = LibreOffice(folder / "profile", timeout=3600)
    results = []
    for n, n_edits in zip(counts, edits, strict=True):
        spec = {
            "templates": templates,
            "sheet": DATA_SHEET,
            "first_row": FIRST_DATA_ROW,
            "last_col": COLUMNS[-1].letter,
            "check_col": CHECK_LETTER,
            "rows": rows[:n],
            "counts": [n],
            "edits": n_edits,
            "repeat": repeat,
        }
        found = office.run_script(python, SCRIPT.read_text("utf-8"), spec)
        assert isinstance(found, list)
        results += found
    return {"sizes": sizes, "runs": results}


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def report(data: dict[str, Any]) -> str:
    """A Markdown table: each measurement of the template, and the baseline's with the ratio."""
    sizes = data["sizes"]
    lines = [
        f"template {sizes['template']['file'] / 1024:,.0f} KB "
        f"(baseline {sizes['baseline']['file'] / 1024:,.0f} KB), largest sheet XML "
        f"{sizes['template']['largest_sheet_xml'] / 1e6:.2f} MB "
        f"(baseline {sizes['baseline']['largest_sheet_xml'] / 1e6:.2f} MB)",
        "",
        "| rows | measure | template | baseline | ratio |",
        "|---:|---|---:|---:|---:|",
    ]
    by = {(r["label"], r["rows"]): r for r in data["runs"]}
    for n in sorted({r["rows"] for r in data["runs"]}):
        new, old = by[("template", n)], by[("baseline", n)]
        measures = [("open", "open"), ("full recalculation", "full_recalc")]
        measures += [(f"edit {BY_KEY[k].header}", k) for k in EDITS]
        measures.append((f"edit {BY_KEY['id_number'].header}, last row", LAST_ROW_EDIT))
        measures.append((f"edit {BY_KEY['id_number'].header}, first row", FIRST_ROW_EDIT))
        for label, key in measures:
            a = new[key] if key in new else new["edits"][key]
            b = old[key] if key in old else old["edits"][key]
            lines.append(f"| {n:,} | {label} | {_ms(a)} | {_ms(b)} | {a / b:.3f} |")
        flags = f"{new['flagged']} / {old['flagged']}"
        lines.append(f"| {n:,} | rows flagged (template / baseline) | {flags} | | |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", default="100,500,2000")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--quick", action="store_true", help="10 rows, 1 edit each")
    parser.add_argument("--no-baseline", action="store_true", help="the current layout only")
    args = parser.parse_args(argv)
    counts = [10] if args.quick else [int(c) for c in args.counts.split(",")]
    repeat = 1 if args.quick else args.repeat
    with tempfile.TemporaryDirectory(prefix="tt-clerk-") as tmp:
        data = run(counts, repeat, Path(tmp), baseline=not args.no_baseline)
    print(report(data) if not args.no_baseline else json.dumps(data["runs"], indent=1))
    if args.json:
        args.json.write_text(json.dumps(data, indent=2, ensure_ascii=False), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
