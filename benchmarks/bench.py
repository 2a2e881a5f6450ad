"""Benchmarks: ingest vs. the I/O floor and the naive openpyxl baseline; batch template build
vs. compiling each template from scratch. Everything is measured in one run, each measurement
in its own child process (peak RSS from getrusage), and reported as ratios.

    python benchmarks/bench.py [--files N --rows M --big-rows R --templates T]
                               [--repeat K] [--json out.json] [--quick] [--corpus DIR]
                               [--lo-files L] [--shapes-only]

Ingest, floor and naive are each run --repeat times (default 2), alternating, and the fastest
run of each counts: a shared machine's load spikes then disturb the ratios less.

The corpus is generated with the library (demo key, demo vocabulary) and cached in --corpus
(default build/bench-corpus-<files>x<rows>-<big>); a second run reuses it. The small files are
also measured as Excel and LibreOffice save them, and each hand-written reader and writer
against the library path (shapes.py); --shapes-only runs just that part.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import shapes  # noqa: E402
from benchcorpus import ISSUED_AT, bench_units, make_corpus  # noqa: E402

from titletemplate import demo  # noqa: E402
from titletemplate.columns import COLUMNS, DATA_SHEET, FIRST_DATA_ROW  # noqa: E402
from titletemplate.keys import load_private_key, load_public_key  # noqa: E402
from titletemplate.template.build import build_template, build_templates  # noqa: E402
from titletemplate.vocab import Unit, Vocab  # noqa: E402
from titletemplate.vocabcheck import load_vocab  # noqa: E402

WIDTH = len(COLUMNS)
_KEYS = tuple(c.key for c in COLUMNS)


# --- measurements (each runs in a child process) -----------------------------------------


def _files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.xlsx"))


def m_ingest(folder: Path, work: Path) -> int:
    from titletemplate.batch import ingest

    vocab = load_vocab()
    key, _ = load_private_key(demo.DEMO_DIR / "demo-private.pem")
    public, _ = load_public_key(demo.DEMO_DIR / "demo-public.pem")
    result = ingest([folder], work, vocab=vocab, public_key=public, private_key=key,
                    received_at=ISSUED_AT)  # fmt: skip
    return int(result.totals["rows"])


def _calamine_rows(path: Path) -> list[list[object]]:
    from python_calamine import CalamineWorkbook

    with CalamineWorkbook.from_path(str(path)) as book:
        rows = book.get_sheet_by_name(DATA_SHEET).to_python(skip_empty_area=False)
    return [list(r[:WIDTH]) for r in rows[FIRST_DATA_ROW - 1 :] if any(r[:WIDTH])]


def m_floor(folder: Path, work: Path) -> int:
    import xlsxwriter

    n = sum(len(_calamine_rows(p)) for p in _files(folder))
    wb = xlsxwriter.Workbook(str(work / "floor.xlsx"), {"constant_memory": True})
    ws = wb.add_worksheet()
    for r in range(n):
        ws.write_row(r, 0, [f"value {r} {c}" for c in range(WIDTH)])
    wb.close()
    return n


def m_naive(folder: Path, work: Path) -> int:
    import openpyxl

    out = openpyxl.Workbook()
    ws = out.active
    n = 0
    for p in _files(folder):
        wb = openpyxl.load_workbook(p, read_only=True, data_only=True)
        for row in wb[DATA_SHEET].iter_rows(min_row=FIRST_DATA_ROW, max_col=WIDTH,
                                            values_only=True):  # fmt: skip
            if any(v not in (None, "") for v in row):
                ws.append(list(row))
                n += 1
        wb.close()
    out.save(work / "naive.xlsx")
    return n


def _build_args(count: int, rows: int | None) -> tuple[Vocab, list[Unit], Any, dict[str, Any]]:
    vocab = load_vocab()
    key, _ = load_private_key(demo.DEMO_DIR / "demo-private.pem")
    return vocab, bench_units(vocab, count), key, {"issued_at": ISSUED_AT, "rows": rows}


def m_build_batch(count: int, rows: int | None, work: Path) -> int:
    vocab, units, key, opts = _build_args(count, rows)
    return len(build_templates(vocab, units, key, work, jobs=2, **opts))


def m_build_scratch(count: int, rows: int | None, work: Path) -> int:
    vocab, units, key, opts = _build_args(count, rows)
    for i, unit in enumerate(units):
        (work / f"{i:05d}.xlsx").write_bytes(build_template(vocab, unit, key, **opts))
    return len(units)


MEASURES: dict[str, Callable[..., int | tuple[int, float]]] = {
    "ingest": m_ingest,
    "floor": m_floor,
    "naive": m_naive,
    **{f"read_{v}": (lambda f, w, v=v: shapes.m_read(f, w, v)) for v in shapes.READ_VARIANTS},
    **{f"scan_{v}": (lambda f, w, v=v: shapes.m_scan(f, w, v)) for v in shapes.READ_VARIANTS},
    **{f"write_{v}": (lambda f, w, v=v: shapes.m_write(f, w, v)) for v in shapes.WRITE_VARIANTS},
}


def _cpu_seconds() -> float:
    """CPU time of this process and its finished children (worker pools are joined)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def child_main(argv: Sequence[str]) -> None:
    """`bench.py --child NAME ARGS...`: run one measurement, print its JSON line."""
    name, *rest = argv
    work = Path(tempfile.mkdtemp(prefix=f"bench-{name}-"))
    try:
        cpu_start = _cpu_seconds()
        start = time.perf_counter()
        timed: float | None = None  # a measure that times only its own part returns it
        if name in MEASURES:
            done = MEASURES[name](Path(rest[0]), work)
            count, timed = done if isinstance(done, tuple) else (done, None)
        else:
            rows = int(rest[1]) if rest[1] != "-" else None
            fn = m_build_batch if name == "build_batch" else m_build_scratch
            count = fn(int(rest[0]), rows, work)
        seconds = time.perf_counter() - start if timed is None else timed
    finally:
        shutil.rmtree(work, ignore_errors=True)
    cpu = _cpu_seconds() - cpu_start
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(  # "cores": CPU seconds per wall second, 2.0 = both cores busy throughout
        json.dumps(
            {
                "seconds": seconds,
                "count": count,
                "rss_mb": max(own.ru_maxrss, kids.ru_maxrss) / 1024,
                "cores": cpu / seconds if seconds else 0.0,
            }
        )
    )


def run_child(*args: str) -> dict[str, Any]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", *args]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{args[0]} failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def fastest(runs: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The fastest run's time (the least disturbed by other load), the highest peak RSS."""
    best = dict(min(runs, key=lambda r: r["seconds"]))
    best["rss_mb"] = max(r["rss_mb"] for r in runs)
    best["runs"] = [round(r["seconds"], 3) for r in runs]
    return best


# --- report ------------------------------------------------------------------------------


def _line(name: str, m: dict[str, Any], unit: str, ref: str, ratio: float | None) -> str:
    rate = m["count"] / m["seconds"] if m["seconds"] else 0.0
    r = f"{ratio:6.2f}x {ref}" if ratio is not None else ""
    return (
        f"| {name:<26} | {m['seconds']:8.2f} | {rate:12,.0f} {unit:<11} | {r:<22} "
        f"| {m['rss_mb']:7.0f} | {m.get('cores', 0.0):5.2f} |"
    )


def main(argv: Sequence[str] | None = None) -> int:
    args_in = list(sys.argv[1:] if argv is None else argv)
    if args_in[:1] == ["--child"]:
        child_main(args_in[1:])
        return 0
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--files", type=int, default=200)
    p.add_argument("--rows", type=int, default=500)
    p.add_argument("--big-rows", type=int, default=100_000)
    p.add_argument("--templates", type=int, default=1_000)
    p.add_argument("--template-rows", type=int, default=None, help="default: the campaign's")
    p.add_argument(
        "--scratch-sample", type=int, default=100,
        help="from-scratch builds timed (rate extrapolated to --templates)",
    )  # fmt: skip
    p.add_argument("--corpus", type=Path, default=None)
    p.add_argument("--json", type=Path, default=None)
    p.add_argument(
        "--repeat", type=int, default=2,
        help="runs of each ingest, floor and naive measurement; the fastest counts",
    )  # fmt: skip
    p.add_argument("--lo-files", type=int, default=20, help="small files resaved by LibreOffice")
    p.add_argument("--shapes-only", action="store_true", help="only the shapes part")
    p.add_argument("--quick", action="store_true", help="tiny corpus: checks the script runs")
    p.add_argument(
        "--archive-only", action="store_true", help="only: the small files as one zip vs folder"
    )
    a = p.parse_args(args_in)
    if a.quick:
        a.files, a.rows, a.big_rows, a.templates, a.scratch_sample = 3, 20, 200, 4, 4
        a.repeat, a.lo_files = 1, 0
        a.template_rows = a.template_rows or 50
    template_rows = a.template_rows or load_vocab().campaign.rows
    corpus = a.corpus or ROOT / "build" / f"bench-corpus-{a.files}x{a.rows}-{a.big_rows}"
    t0 = time.perf_counter()
    make_corpus(corpus, a.files, a.rows, a.big_rows, template_rows)
    made = [] if a.archive_only else shapes.make_shapes(corpus, a.lo_files)
    print(f"corpus: {corpus} {made} ({time.perf_counter() - t0:.1f} s)", flush=True)
    results: dict[str, Any] = {
        "params": {
            "files": a.files, "rows": a.rows, "big_rows": a.big_rows,
            "templates": a.templates, "template_rows": template_rows,
            "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        },
    }  # fmt: skip
    lines = [
        "| measurement                |  seconds |         rate             | ratio"
        "                  | RSS MB  | cores |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    if a.archive_only:
        return _archive_only(corpus, a.repeat, lines)
    shaped, shape_lines = shapes.measure(corpus, made, a.repeat, run_child, fastest, _line)
    results["shapes"] = shaped
    if a.shapes_only:
        print("\n".join([*lines, *shape_lines]))
        if a.json:
            a.json.write_text(json.dumps(results, indent=2))
        return 0
    quarter = corpus / "quarter"  # a quarter of the small files: memory must not grow with them
    quarter.mkdir(exist_ok=True)
    for small in _files(corpus / "small")[: max(1, a.files // 4)]:
        if not (quarter / small.name).exists():
            (quarter / small.name).symlink_to(small)
    results["quarter"] = {"ingest": run_child("ingest", str(quarter))}
    part = results["quarter"]["ingest"]
    lines.append(_line("ingest quarter (files/4)", part, "rows/s", "", None))
    for label, folder in (("small", corpus / "small"), ("big", corpus / "big")):
        kinds = ("floor", "naive", "ingest")
        runs: dict[str, list[dict[str, Any]]] = {k: [] for k in kinds}
        for _ in range(max(a.repeat, 1)):  # alternating: a slow spell slows all three
            for k in kinds:
                runs[k].append(run_child(k, str(folder)))
        m = {k: fastest(runs[k]) for k in kinds}
        ing, floor, naive = m["ingest"], m["floor"], m["naive"]
        ratios = {
            "ingest_vs_floor": ing["seconds"] / floor["seconds"],
            "naive_vs_ingest": naive["seconds"] / ing["seconds"],
        }
        results[label] = {**m, **ratios}
        lines.append(_line(f"ingest {label}", ing, "rows/s", "of floor", ratios["ingest_vs_floor"]))
        lines.append(_line(f"I/O floor {label}", floor, "rows/s", "", None))
        speedup = ratios["naive_vs_ingest"]
        lines.append(_line(f"naive openpyxl {label}", naive, "rows/s", "of ingest", speedup))
    rows_arg = str(a.template_rows) if a.template_rows else "-"
    batch = run_child("build_batch", str(a.templates), rows_arg)
    sample = min(a.scratch_sample, a.templates)
    scratch = run_child("build_scratch", str(sample), rows_arg)
    speedup = (batch["count"] / batch["seconds"]) / (scratch["count"] / scratch["seconds"])
    results["build"] = {"batch": batch, "scratch": scratch, "batch_vs_scratch": speedup}
    lines.append(_line("build batch (jobs=2)", batch, "templates/s", "speed-up", speedup))
    lines.append(_line(f"build from scratch ({sample})", scratch, "templates/s", "", None))
    print("\n".join([*lines, *shape_lines]))
    print(
        "\n"
        + json.dumps(
            {
                "ingest_vs_floor_small": round(results["small"]["ingest_vs_floor"], 2),
                "naive_vs_ingest_small": round(results["small"]["naive_vs_ingest"], 2),
                "ingest_vs_floor_big": round(results["big"]["ingest_vs_floor"], 2),
                "naive_vs_ingest_big": round(results["big"]["naive_vs_ingest"], 2),
                "batch_vs_scratch": round(speedup, 2),
            }
        )
    )
    if a.json:
        a.json.write_text(json.dumps(results, indent=2))
    return 0


def _zipped(folder: Path) -> Path:
    """The folder's files as one deflated zip, as a department forwards them (cached)."""
    target = folder.with_suffix(".zip")
    if not target.exists():
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
            for file in _files(folder):
                zf.write(file, f"units/{file.name}")
    return target


def _archive_only(corpus: Path, repeat: int, lines: list[str]) -> int:
    """Ingest of the small files as one zip against the same files as a folder: what the
    expansion into the private folder costs."""
    archive = _zipped(corpus / "small")
    runs: dict[str, list[dict[str, Any]]] = {"folder": [], "zip": []}
    for _ in range(max(repeat, 1)):
        runs["folder"].append(run_child("ingest", str(corpus / "small")))
        runs["zip"].append(run_child("ingest", str(archive)))
    folder, zipped = fastest(runs["folder"]), fastest(runs["zip"])
    ratio = zipped["seconds"] / folder["seconds"]
    lines.append(_line("ingest small, folder", folder, "rows/s", "", None))
    lines.append(_line("ingest small, one .zip", zipped, "rows/s", "of folder", ratio))
    print("\n".join(lines))
    print("\n" + json.dumps({"zip_vs_folder_small": round(ratio, 3)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
