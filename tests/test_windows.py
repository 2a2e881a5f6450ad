"""Ready for Windows as far as Linux can show it: the batch build and ingest with workers
started by spawn (Windows, macOS) and forkserver (Linux from Python 3.14), Chinese file names
with spaces, paths longer than Windows allows, and the workers' watch on their parent."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from helpers_ingest import PORT, SCHOOL, counts, fill, issues, row, run

from titletemplate import files, paths
from titletemplate.cli import main
from titletemplate.errors import TitleTemplateError
from titletemplate.ingest.inputs import find_input_files
from titletemplate.template import build as template
from titletemplate.vocab import Vocab

ISSUED_AT = "2021-03-17T08:00:00Z"
METHODS = ["spawn", "forkserver"]


@pytest.fixture(params=METHODS, ids=METHODS)
def start_method(request: pytest.FixtureRequest) -> Iterator[str]:
    """Every pool of the library starts its workers this way during the test."""
    before = multiprocessing.get_start_method(allow_none=True)
    multiprocessing.set_start_method(request.param, force=True)
    try:
        yield request.param
    finally:
        multiprocessing.set_start_method(before, force=True)


def test_batch_build_in_workers_started_by(
    start_method: str, vocab: Vocab, private_key: Ed25519PrivateKey, tmp_path: Path
) -> None:
    units = list(vocab.units[:3])
    build = template.build_templates
    alone = build(vocab, units, private_key, tmp_path / "a", issued_at=ISSUED_AT, rows=20, jobs=1)
    assert multiprocessing.get_start_method() == start_method
    pooled = build(vocab, units, private_key, tmp_path / "b", issued_at=ISSUED_AT, rows=20, jobs=2)
    assert pooled == alone
    for entry in alone:
        assert (tmp_path / "b" / entry.file).read_bytes() == (
            tmp_path / "a" / entry.file
        ).read_bytes()


def test_ingest_in_workers_started_by(
    start_method: str,
    vocab: Vocab,
    private_key: Ed25519PrivateKey,
    public_key: Ed25519PublicKey,
    tmp_path: Path,
) -> None:
    folder = tmp_path / "报送 文件"
    fill(
        vocab,
        private_key,
        SCHOOL,
        folder / "日照市 第一中学 回执.xlsx",
        [row("li", 1), row("wang", 2)],
    )
    bad = row("zhao", 3, id_number="370102197308291817")
    fill(vocab, private_key, PORT, folder / "港集团 第 2 批.xlsx", [bad])
    expected = run([folder], tmp_path / "one", vocab, public_key, private_key, jobs=1)
    pooled = run([folder], tmp_path / "two", vocab, public_key, private_key, jobs=2)
    assert (
        counts(pooled)
        == counts(expected)
        == [
            ("日照市 第一中学 回执.xlsx", "accepted", 2, 2, 0, 0, 0),
            ("港集团 第 2 批.xlsx", "accepted", 1, 0, 1, 0, 0),
        ]
    )
    assert issues(pooled) == issues(expected) == [("id-number-checksum", 8, "D")]
    assert [p.name for p in pooled.corrections] == [p.name for p in expected.corrections]


def test_cli_ingest_of_chinese_names_with_spaces(
    vocab: Vocab, private_key: Ed25519PrivateKey, tmp_path: Path
) -> None:
    returned = fill(vocab, private_key, SCHOOL, tmp_path / "回 收" / "第一 中学.xlsx", [row()])
    out = tmp_path / "汇总 结果"
    result = CliRunner().invoke(main, ["ingest", str(returned.parent), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert f"{SCHOOL} | 第一 中学.xlsx | 接收 | 1 | 1 | 0 | 0 | 0" in result.stdout
    assert (out / "consolidated.xlsx").exists()


@pytest.fixture
def windows_paths(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(paths, "ON_WINDOWS", True)


def _deep(base: Path, length: int) -> Path:
    """A folder under `base` whose absolute path is `length` characters long."""
    room = length - len(str(base.absolute())) - 1
    parts = [f"{'深' * 50}{i}" for i in range(room // 52)]
    path = base.joinpath(*parts)
    rest = length - len(str(path.absolute())) - 1
    return path / ("x" * rest) if rest > 0 else path


def test_path_length_limit_is_windows_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    long = _deep(tmp_path, 300) / "a.xlsx"
    monkeypatch.setattr(paths, "ON_WINDOWS", False)
    assert paths.too_long(long) == 0
    monkeypatch.setattr(paths, "ON_WINDOWS", True)
    assert paths.too_long(long) == 307
    assert paths.too_long(_deep(tmp_path, 259)) == 0
    assert paths.too_long(_deep(tmp_path, 260)) == 260


@pytest.mark.usefixtures("windows_paths")
def test_a_returned_file_on_a_too_long_path_is_a_coded_finding(
    vocab: Vocab, private_key: Ed25519PrivateKey, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    fill(vocab, private_key, SCHOOL, folder / "ok.xlsx", [row()])
    deep = _deep(folder, 255)
    fill(vocab, private_key, SCHOOL, deep / "单位 回执.xlsx", [row()])
    files, found = find_input_files([folder])
    assert [f.name for f in files] == ["ok.xlsx"]
    length = len(str((deep / "单位 回执.xlsx").absolute()))
    assert [(i.code, i.file, i.detail) for i in found] == [
        ("file-path-too-long", "单位 回执.xlsx", str(length))
    ]


@pytest.mark.usefixtures("windows_paths")
def test_an_output_folder_on_a_too_long_path_stops_before_anything_is_written(
    vocab: Vocab, private_key: Ed25519PrivateKey, tmp_path: Path
) -> None:
    returned = fill(vocab, private_key, SCHOOL, tmp_path / "in" / "a.xlsx", [row()])
    out = _deep(tmp_path / "out", 250)
    result = CliRunner().invoke(main, ["ingest", str(returned), "--out", str(out)])
    assert result.exit_code == 3
    assert "错误[output-path-too-long]" in result.stderr
    assert not (tmp_path / "out").exists()
    with pytest.raises(TitleTemplateError) as err:
        template.build_templates(vocab, vocab.units[:2], private_key, out, issued_at=ISSUED_AT)
    assert err.value.code == "output-path-too-long"
    assert not (tmp_path / "out").exists()


_ORPHAN = """
import sys, time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from titletemplate.workers import watch_parent

def pid():
    import os
    return os.getpid()

if __name__ == "__main__":
    context = get_context(sys.argv[1])
    with ProcessPoolExecutor(1, mp_context=context, initializer=watch_parent) as pool:
        print(pool.submit(pid).result(), flush=True)
        time.sleep(60)
"""


@pytest.mark.parametrize("method", ["fork", "spawn", "forkserver"])
def test_a_worker_leaves_when_its_batch_process_is_killed(method: str, tmp_path: Path) -> None:
    script = tmp_path / "orphan.py"
    script.write_text(_ORPHAN, "utf-8")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    with subprocess.Popen(
        [sys.executable, str(script), method], env=env, stdout=subprocess.PIPE, text=True
    ) as proc:
        assert proc.stdout is not None
        try:
            worker = int(proc.stdout.readline())
        finally:
            proc.kill()  # the batch process dies without a word to its workers
    assert _gone(worker, within=10.0)


def _gone(pid: int, within: float) -> bool:
    """The process has exited (a zombie not yet reaped by init counts as exited)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except FileNotFoundError:
            return True
        if state == "Z":
            return True
        time.sleep(0.1)
    return False


def test_build_of_one_unit_names_the_file_as_windows_allows(tmp_path: Path) -> None:
    args = ["build", "--unit", "东港区 人社局: 职称/科", "--out", str(tmp_path), "--rows", "5"]
    result = CliRunner().invoke(main, [*args, "--issued-at", ISSUED_AT])
    assert result.exit_code == 0, result.output
    assert [p.name for p in tmp_path.iterdir()] == ["东港区 人社局_ 职称_科.xlsx"]


def test_an_output_open_in_excel_is_a_coded_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "consolidated.xlsx"
    target.write_bytes(b"old")

    def locked(src: str, dst: str) -> None:  # what Windows says while Excel has dst open
        raise PermissionError(13, "Permission denied", dst)

    monkeypatch.setattr(files.os, "replace", locked)
    with pytest.raises(TitleTemplateError) as err:
        files.write_bytes_atomic(target, b"new")
    assert (err.value.code, err.value.detail) == ("output-file-locked", str(target))
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["consolidated.xlsx"]  # no temp file left
