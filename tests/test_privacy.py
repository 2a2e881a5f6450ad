"""Data protection (issue 7): ID numbers masked in the console, the log, errors.xlsx and
report.json; formula-safe CSV; the bureau key in no output; atomic reports; a store that
survives a hard crash. Extends test_roundtrip (masked reports) and test_ingest (interrupted
batch) rather than repeating them."""

from __future__ import annotations

import base64
import contextlib
import csv
import gc
import io
import os
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from helpers_ingest import GOOD, PEOPLE, PORT, RECEIVED_AT, SCHOOL, fill, row, run, xlsx_text
from python_calamine import CalamineWorkbook

from titletemplate.cli import LOG_NAME, main
from titletemplate.columns import COLUMNS
from titletemplate.ingest import reader
from titletemplate.reports import report
from titletemplate.reports.report import write_consolidated
from titletemplate.vocab import Vocab

TESTS = Path(__file__).resolve().parent
WRONG_CHECK = "370102197308291817"  # GOOD's ID with a wrong check digit
LI, WANG = PEOPLE["li"][0], PEOPLE["wang"][0]


def _masked(number: str) -> str:
    return number[:6] + "********" + number[-4:]


@pytest.fixture
def returned(vocab: Vocab, private_key: Ed25519PrivateKey, tmp_path: Path) -> Path:
    """a.xlsx: one valid row (li) and one with a wrong check digit; b.xlsx crashes the reader
    with wang's ID in the exception text (see `crashing_reader`)."""
    folder = tmp_path / "in"
    fill(
        vocab,
        private_key,
        SCHOOL,
        folder / "a.xlsx",
        [row("li", 1), row(None, 2, id_number=WRONG_CHECK)],
    )
    fill(vocab, private_key, PORT, folder / "b.xlsx", [row("zhao", 3)])
    return folder


@pytest.fixture
def crashing_reader(monkeypatch: pytest.MonkeyPatch, forked_workers: None) -> None:
    real: Callable[..., reader.Submission] = reader.read_submission

    def flaky(path: Path, *args: Any, **kwargs: Any) -> reader.Submission:
        if Path(path).name == "b.xlsx":
            raise RuntimeError(f"bug while reading {WANG}")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(reader, "read_submission", flaky)


@pytest.mark.usefixtures("crashing_reader")
@pytest.mark.parametrize("mask", [True, False], ids=["mask-ids", "no-mask-ids"])
def test_cli_ingest_masks_ids_in_console_log_and_reports(
    returned: Path, tmp_path: Path, mask: bool
) -> None:
    out = tmp_path / "out"
    args = ["ingest", str(returned), "--out", str(out)]
    result = CliRunner().invoke(main, [*args] if mask else [*args, "--no-mask-ids"])
    assert result.exit_code == 1, result.output
    console = result.output + result.stderr
    log = (out / LOG_NAME).read_text("utf-8")
    reports = (out / "report.json").read_text("utf-8") + xlsx_text(out / "errors.xlsx")
    assert "RuntimeError" in log and _masked(WANG) in log
    assert [i for i in (LI, WANG, WRONG_CHECK) if i in log] == []  # the log: always masked
    # The console lists the issue messages: masked like the reports unless asked.
    assert (WRONG_CHECK in console, _masked(WRONG_CHECK) in console) == (not mask, mask)
    assert LI not in console and WANG not in console
    # Reports show the rejected row's ID masked unless asked; the deliverable is never masked.
    assert (WRONG_CHECK in reports, _masked(WRONG_CHECK) in reports) == (not mask, mask)
    assert LI not in reports
    assert LI in (out / "consolidated.csv").read_text("utf-8-sig")
    assert LI in xlsx_text(out / "consolidated.xlsx")


@pytest.mark.parametrize("trigger", ["=", "+", "-", "@", "\t", "\r"])
def test_every_csv_formula_trigger_is_neutralised(
    trigger: str, tmp_path: Path, vocab: Vocab
) -> None:
    values = {**GOOD, "name": trigger + "SUM(A1)"}
    rows = [tuple(values[c.key] for c in COLUMNS)]
    _, csv_path = write_consolidated(tmp_path / "c.xlsx", tmp_path / "c.csv", rows, vocab)
    with csv_path.open(encoding="utf-8-sig", newline="") as fh:
        cells = list(csv.reader(fh))[1]
    assert cells[4] == "'" + trigger + "SUM(A1)"
    assert cells[3] == GOOD["id_number"]  # digits are data, not a trigger


def _secrets(key: Ed25519PrivateKey) -> list[bytes]:
    """The private key in every form it could leak: PEM lines, raw seed, hex, base64."""
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    seed = key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    body = [line for line in pem.splitlines() if line and not line.startswith(b"-----")]
    return [*body, seed, seed.hex().encode(), base64.b64encode(seed)]


def _all_bytes(folder: Path) -> dict[str, bytes]:
    """Every output file, and every part inside the workbooks."""
    found: dict[str, bytes] = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = path.read_bytes()
        found[str(path)] = data
        # The store is not a zip, though the returned files it keeps for `bundle` end in a
        # zip directory that is_zipfile finds; their bytes are searched as they are.
        if data.startswith(b"PK") and zipfile.is_zipfile(io.BytesIO(data)):
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                for name in zf.namelist():
                    found[f"{path}!{name}"] = zf.read(name)
    return found


def test_the_bureau_private_key_is_in_no_output(
    returned: Path,
    tmp_path: Path,
    vocab: Vocab,
    private_key: Ed25519PrivateKey,
    public_key: Ed25519PublicKey,
) -> None:
    out = tmp_path / "out"
    result = run([returned], out, vocab, public_key, private_key, mask_ids=False)
    assert result.corrections  # the key signed something, so it was in use
    secrets = _secrets(private_key)
    leaks = [(name, s[:8]) for name, data in _all_bytes(out).items() for s in secrets if s in data]
    assert leaks == []


# xlsxwriter's constant_memory temp file of the abandoned workbook is closed only when it is
# garbage-collected; the interruption is the point of the test.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.usefixtures("forked_workers")
def test_an_interrupted_report_write_keeps_the_previous_reports(
    returned: Path,
    tmp_path: Path,
    vocab: Vocab,
    private_key: Ed25519PrivateKey,
    public_key: Ed25519PublicKey,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out = tmp_path / "out"
    run([returned / "a.xlsx"], out, vocab, public_key)
    before = {n: (out / n).read_bytes() for n in ("consolidated.xlsx", "consolidated.csv")}
    real_row = report._Book.row
    calls: list[int] = []

    def dying(*args: Any) -> None:
        calls.append(1)
        # unit line, numbers, header, li: then zhao, the last row of consolidated.xlsx
        if len(calls) == 5:
            raise KeyboardInterrupt
        real_row(*args)

    monkeypatch.setattr(report._Book, "row", staticmethod(dying))
    with pytest.raises(KeyboardInterrupt):
        run([returned], out, vocab, public_key)
    monkeypatch.undo()
    gc.collect()  # the abandoned workbook's temp file is closed here, under the mark above
    assert {n: (out / n).read_bytes() for n in before} == before
    assert sorted(p.name for p in out.iterdir() if p.name.endswith(".tmp")) == []
    again = run([returned], out, vocab, public_key)  # the store kept b.xlsx: nothing is lost
    assert [f["code"] for f in again.files] == ["file-already-ingested", "file-already-ingested"]
    assert (out / "consolidated.csv").read_text("utf-8-sig").count("\n") == 3  # header, li, zhao


_HARD_KILL = """
import os, sys
from titletemplate.batch import ingest
from titletemplate.keys import load_public_key
from titletemplate.ingest.store import Store
from titletemplate.vocabcheck import load_vocab

real, calls = Store._insert_issues, []

def dying(*args):
    calls.append(1)
    if len(calls) == 2:  # b.xlsx's rows are inserted, its transaction is still open
        os._exit(9)  # a power cut: no rollback, no finally, no close
    real(*args)

Store._insert_issues = staticmethod(dying)
ingest([sys.argv[1]], sys.argv[2], vocab=load_vocab(), public_key=load_public_key()[0],
       received_at=sys.argv[3])
"""


def _group_gone(group: int, within: float) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


def test_the_store_survives_a_hard_kill_mid_file(
    vocab: Vocab,
    private_key: Ed25519PrivateKey,
    public_key: Ed25519PublicKey,
    tmp_path: Path,
) -> None:
    folder = tmp_path / "in"
    fill(vocab, private_key, SCHOOL, folder / "a.xlsx", [row("li", 1)])
    fill(vocab, private_key, PORT, folder / "b.xlsx", [row("wang", 2), row("zhao", 3)])
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(TESTS.parent)}
    cmd = [sys.executable, "-c", _HARD_KILL, str(folder), str(out), RECEIVED_AT]
    # A session of its own: its worker processes must leave by themselves once it is killed
    # (workers.watch_parent); whatever is left is killed at the end.
    proc = subprocess.Popen(cmd, env=env, start_new_session=True)
    try:
        assert proc.wait(timeout=120) == 9
        assert _group_gone(proc.pid, within=10.0)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    db = sqlite3.connect(out / "titletemplate.db")
    try:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert db.execute("SELECT file_name FROM submissions").fetchall() == [("a.xlsx",)]
    finally:
        db.close()
    result = run([folder], out, vocab, public_key)
    assert [(Path(f["path"]).name, f["code"], f["valid_rows"]) for f in result.files] == [
        ("a.xlsx", "file-already-ingested", 1),
        ("b.xlsx", "", 2),
    ]
    db = sqlite3.connect(out / "titletemplate.db")
    try:
        assert db.execute("SELECT COUNT(*) FROM rows").fetchone() == (3,)
    finally:
        db.close()


def test_an_id_number_in_a_file_name_is_masked_too(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / f"张三{LI}.xlsx").write_bytes(b"")
    result = CliRunner().invoke(main, ["ingest", str(folder), "--out", str(tmp_path / "out")])
    shown = result.output + result.stderr + (tmp_path / "out" / "report.json").read_text("utf-8")
    assert LI not in shown
    written = list((tmp_path / "out").rglob("*.*"))
    assert {p.name for p in written} >= {"errors.xlsx", "report.json", "status.html"}
    for path in written:
        if path.suffix == ".xlsx":
            with CalamineWorkbook.from_path(str(path)) as book:
                cells = [
                    str(v)
                    for name in book.sheet_names
                    for row in book.get_sheet_by_name(name).to_python()
                    for v in row
                ]
            text = "\n".join(cells)
        elif path.suffix in (".json", ".html", ".csv"):
            text = path.read_text("utf-8")
        else:
            continue
        assert LI not in text, path.name
        if path.name in ("errors.xlsx", "report.json"):
            assert LI[:6] in text, path.name  # the file is named, masked
