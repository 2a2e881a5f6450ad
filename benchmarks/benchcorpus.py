"""The benchmark corpus: returned files generated with the library (demo key, demo vocabulary),
a small folder of files x rows and one big file, cached in a folder so a second run reuses
them (bench.py; shapes.py derives the Excel- and LibreOffice-saved shapes from them)."""

from __future__ import annotations

import io
import json
import random
import re
import shutil
import sys
import zipfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from titletemplate import demo  # noqa: E402
from titletemplate.keys import load_private_key  # noqa: E402
from titletemplate.template.build import build_template  # noqa: E402
from titletemplate.vocab import Unit, Vocab  # noqa: E402
from titletemplate.vocabcheck import load_vocab  # noqa: E402

ISSUED_AT = "2021-03-17T08:00:00Z"
FAULT_RATE = 0.05


def bench_units(vocab: Vocab, n: int) -> list[Unit]:
    """n distinct employer units derived from the vocabulary's (so each file is its own unit)."""
    base = [u for u in vocab.units if u.kind == "employer"] or list(vocab.units)
    out = []
    for i in range(n):
        b = base[i % len(base)]
        out.append(Unit(name=f"{b.name}{i:05d}", kind="employer", supervisor=b.supervisor))
    return out


def _faulty(row: dict[str, object], vocab: Vocab, rng: random.Random) -> None:
    """One of the clerks' typical mistakes (see demo._demo_rows)."""
    kind = rng.randrange(5)
    if kind == 0:
        wrong = str(row["id_number"])
        row["id_number"] = wrong[:17] + ("0" if wrong[17] != "0" else "1")
    elif kind == 1:
        row["issue_date"] = "2019-02-29"
    elif kind == 2:
        row["title_name"] = demo._foreign_title(vocab, row)
    elif kind == 3:
        row["name"] = ""
    else:
        row["issue_date"] = demo._another_date(str(row["issue_date"]))[:6]  # truncated date


def fill_rows(vocab: Vocab, unit: Unit, n: int, seed: int) -> list[dict[str, str]]:
    """n realistic rows for `unit` with ~5% faulty ones, as text (what a clerk types)."""
    rng = random.Random(seed)
    people = demo._People(vocab, rng)
    people.serial = seed * 1_000_000
    titles, reviewer = demo._titles_for(vocab, unit)
    rows = []
    for _ in range(n):
        row = people.row(titles, reviewer)
        if rng.random() < FAULT_RATE:
            _faulty(row, vocab, rng)
        rows.append({k: str(v) for k, v in row.items()})
    return rows


_CHECK_CELL = re.compile(rb'<c r="M[0-9]+"[^>]*><f>.*?</f>.*?</c>')


def _strip_checks(data: bytes) -> bytes:
    """Drop the check formulas (column M) from a data sheet longer than a campaign's: 100,000
    of them take the file past the reader's uncompressed-size limit, and a real large file
    comes from a template whose rows a clerk extended without the formulas."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            part = zin.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                part = _CHECK_CELL.sub(b"", part)
            zout.writestr(info, part)
    return out.getvalue()


def _make_file(args: tuple[Unit, int, int, int, str]) -> str:
    unit, n, template_rows, seed, target = args
    if Path(target).exists():
        return target
    vocab = load_vocab()
    key, _ = load_private_key(demo.DEMO_DIR / "demo-private.pem")
    rows = fill_rows(vocab, unit, n, seed)
    data = build_template(
        vocab, unit, key, issued_at=ISSUED_AT, rows=max(n, template_rows), prefill=rows
    )
    if n > template_rows:
        data = _strip_checks(data)
    Path(target).write_bytes(data)
    return target


def make_corpus(folder: Path, files: int, rows: int, big_rows: int, template_rows: int) -> None:
    """folder/small/*.xlsx (files x rows) and folder/big/*.xlsx (one file of big_rows)."""
    done = folder / "done.json"
    spec = {"files": files, "rows": rows, "big_rows": big_rows, "template_rows": template_rows}
    if done.exists() and json.loads(done.read_text()) == spec:
        return
    if done.exists():
        shutil.rmtree(folder)
    (folder / "small").mkdir(parents=True, exist_ok=True)
    (folder / "big").mkdir(exist_ok=True)
    units = bench_units(load_vocab(), files + 1)
    jobs = [
        (u, rows, template_rows, i + 1, str(folder / "small" / f"{i:05d}.xlsx"))
        for i, u in enumerate(units[:files])
    ]
    jobs.append((units[files], big_rows, template_rows, files + 1, str(folder / "big/big.xlsx")))
    with ProcessPoolExecutor(2) as pool:
        list(pool.map(_make_file, jobs))
    done.write_text(json.dumps(spec))
