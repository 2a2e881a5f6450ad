"""The benchmark script runs on a tiny corpus (no timing is checked: benchmarks are not tests)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "benchmarks" / "bench.py"


def test_bench_quick_runs(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    done = subprocess.run(
        [sys.executable, str(BENCH), "--quick", "--corpus", str(tmp_path / "corpus"),
         "--json", str(out)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    labels = ("ingest small", "I/O floor small", "naive openpyxl big", "build batch",
              "read library excel", "write xlsxwriter c_m")  # fmt: skip
    for label in labels:
        assert label in done.stdout
    data = json.loads(out.read_text())
    assert {"params", "small", "big", "build"} <= set(data)
    for part in ("small", "big"):
        assert {"ingest", "floor", "naive", "ingest_vs_floor", "naive_vs_ingest"} <= set(data[part])
        assert data[part]["ingest"]["count"] > 0
        assert data[part]["ingest"]["rss_mb"] > 0
    assert data["build"]["batch"]["count"] == data["params"]["templates"]
    for shape in ("small", "excel"):  # the same rows read three ways
        counts = {
            data["shapes"][shape][f"read_{v}"]["count"] for v in ("ours", "calamine", "library")
        }
        assert counts == {data["small"]["ingest"]["count"]}
    assert data["shapes"]["write"]["fastxlsx"]["count"] == data["small"]["ingest"]["count"]
