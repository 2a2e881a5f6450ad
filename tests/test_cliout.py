"""What the command line shows: Chinese help everywhere, --json and --quiet for scripts, and
output that survives a GBK console or a file."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner
from conftest import ISSUED_AT
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from helpers_ingest import SCHOOL, fill, row

from titletemplate.cli import main
from titletemplate.vocab import Vocab
from titletemplate.vocabdir import PACKAGED_VOCAB_DIR, VOCAB_ENV

ROOT = Path(__file__).resolve().parent.parent
CJK = re.compile(r"[\u3400-\u9fff]")


def _commands(command: click.Command, path: str = "titletemplate") -> Iterator[tuple[str, Any]]:
    yield path, command
    for name, sub in getattr(command, "commands", {}).items():
        yield from _commands(sub, f"{path} {name}")


def test_every_command_and_option_has_chinese_help() -> None:
    english = []
    for path, command in _commands(main):
        ctx = click.Context(command, info_name=path)
        if not CJK.search(command.help or ""):
            english.append(path)
        for param in command.get_params(ctx):
            if isinstance(param, click.Option) and not CJK.search(param.help or ""):
                english.append(f"{path} {max(param.opts, key=len)}")
    assert english == [], "add the help text to clitexts.CLI_HELP_TEXTS"


def test_help_page_is_chinese_and_option_names_stay() -> None:
    result = CliRunner().invoke(main, ["ingest", "--help"])
    assert result.exit_code == 0
    assert "--split-by-office" in result.stdout and "--no-mask-ids" in result.stdout
    assert "显示本帮助并退出" in result.stdout
    assert "Show this message" not in result.stdout


@pytest.fixture
def returned(tmp_path: Path, vocab: Vocab, private_key: Ed25519PrivateKey) -> Path:
    bad = row(id_number="370102197308291817")  # wrong check character
    return fill(vocab, private_key, SCHOOL, tmp_path / "in" / "a.xlsx", [row(), bad])


def test_ingest_json_is_a_summary_for_scripts(tmp_path: Path, returned: Path) -> None:
    result = CliRunner().invoke(
        main, ["ingest", str(returned), "--out", str(tmp_path / "o"), "--json"]
    )
    assert result.exit_code == 1
    summary = json.loads(result.stdout)
    assert summary["exit_code"] == 1
    assert summary["totals"] == {
        "files": 1, "accepted_files": 1, "rejected_files": 0, "ignored_files": 0, "rows": 2,
        "valid_rows": 1, "invalid_rows": 1, "duplicate_rows": 0, "excluded_rows": 0,
        "withdrawn_rows": 0, "outdated_rows": 0,
    }  # fmt: skip
    assert summary["issue_counts"] == {"id-number-checksum": 1}
    assert [(f["unit"], f["status"], f["rows"]) for f in summary["files"]] == [
        (SCHOOL, "accepted", 2)
    ]
    assert summary["vocab"]["source"] in ("cwd", "packaged")
    assert Path(summary["outputs"]["errors_xlsx"]).exists()
    assert result.stdout.isascii()  # the same bytes in any code page
    assert "370102197308291817" not in result.output


def test_ingest_quiet_prints_nothing_but_the_exit_code_speaks(
    tmp_path: Path, returned: Path
) -> None:
    result = CliRunner().invoke(main, ["ingest", str(returned), "--out", str(tmp_path), "-q"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "使用字典" not in result.stderr
    assert (tmp_path / "errors.xlsx").exists()


def test_build_json_names_each_template(tmp_path: Path) -> None:
    args = ["build", "--unit", SCHOOL, "--out", str(tmp_path), "--rows", "5", "--json", "-q"]
    result = CliRunner().invoke(main, [*args, "--issued-at", ISSUED_AT])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["templates"] == [
        {
            "unit": SCHOOL,
            "unit_code": "123711000000000198",
            "path": str(tmp_path / f"{SCHOOL}.xlsx"),
        }
    ]
    assert summary["demo_key"] is True and summary["manifest"] is None
    assert "内置演示密钥" in result.stderr  # -q keeps warnings


def _run(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[bytes]:
    environ = {**os.environ, "PYTHONPATH": str(ROOT), **env}
    environ.pop(VOCAB_ENV, None)
    return subprocess.run(
        [sys.executable, "-m", "titletemplate", *args],
        cwd=cwd,
        env=environ,
        capture_output=True,
        check=False,
    )


def test_a_gbk_console_gets_every_character(tmp_path: Path) -> None:
    # "䶮" is not in GBK: a strict GBK stdout would crash on it halfway through the output.
    unit = "䶮 测试 单位"
    args = [
        "build",
        "--unit",
        unit,
        "--out",
        str(tmp_path),
        "--rows",
        "5",
        "--issued-at",
        ISSUED_AT,
    ]
    done = _run(args, tmp_path, PYTHONIOENCODING="gbk")
    assert done.returncode == 0, done.stderr.decode("gb18030")
    assert done.stdout.decode("gb18030").strip() == f"已生成模板: {tmp_path / f'{unit}.xlsx'}"
    stderr = done.stderr.decode("gb18030")
    assert f"单位“{unit}”不在 units.yaml 中" in stderr
    assert f"使用字典: {PACKAGED_VOCAB_DIR}(程序内置字典)" in stderr
    assert "已生成模板" in done.stdout.decode("gbk", "replace")  # GBK text reads as GBK


def test_output_to_a_file_is_whole(tmp_path: Path) -> None:
    out = tmp_path / "out.txt"
    with out.open("wb") as stdout:
        done = subprocess.run(
            [sys.executable, "-m", "titletemplate", "vocab", "check"],
            cwd=tmp_path,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=stdout,
            stderr=subprocess.PIPE,
            check=False,
        )
    assert done.returncode == 0
    assert out.read_text("utf-8").startswith("字典检查通过")


def test_a_usage_error_on_a_gbk_console_names_what_was_typed(tmp_path: Path) -> None:
    done = _run(["䶮"], tmp_path, PYTHONIOENCODING="gbk")
    assert done.returncode == 2
    assert "'䶮'" in done.stderr.decode("gb18030")
