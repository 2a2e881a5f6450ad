"""The benchmark scripts run on tiny inputs (no timing is checked: benchmarks are not tests)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from lohelper import find_soffice, find_uno_python

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
        counts = {data["shapes"][shape][f"read_{v}"]["count"] for v in ("ours", "library")}
        assert counts == {data["small"]["ingest"]["count"]}
    assert data["shapes"]["write"]["fastxlsx"]["count"] == data["small"]["ingest"]["count"]


CLERK = BENCH.parent / "clerk.py"


@pytest.mark.libreoffice
def test_clerk_quick_runs(tmp_path: Path) -> None:
    if find_soffice() is None or find_uno_python() is None:
        if os.environ.get("CI"):
            pytest.fail("soffice and python3-uno are required in CI")
        pytest.skip("LibreOffice with python3-uno is not installed")
    out = tmp_path / "clerk.json"
    done = subprocess.run(
        [sys.executable, str(CLERK), "--quick", "--json", str(out)],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    data = json.loads(out.read_text())
    assert {r["label"] for r in data["runs"]} == {"baseline", "template"}
    assert all(r["flagged"] == [] for r in data["runs"])  # valid rows show clean in both
    assert "| 10 | edit 证件号码 |" in done.stdout
    assert "| 10 | edit 证件号码, last row |" in done.stdout
    assert "| 10 | edit 证件号码, first row |" in done.stdout
    assert data["sizes"]["template"]["file"] < data["sizes"]["baseline"]["file"]
