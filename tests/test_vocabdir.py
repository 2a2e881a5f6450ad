"""Which vocabulary a command uses (--vocab, $TITLETEMPLATE_VOCAB, ./vocab, the packaged copy),
what it says about it, and `vocab init`."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from titletemplate.cli import main
from titletemplate.errors import VocabError
from titletemplate.vocabdir import (
    PACKAGED_VOCAB_DIR,
    VOCAB_ENV,
    VocabLocation,
    VocabSource,
    find_vocab_dir,
    init_vocab_dir,
)

ROOT = Path(__file__).resolve().parent.parent


def _folder(path: Path, with_yaml: bool = True) -> Path:
    path.mkdir(parents=True)
    if with_yaml:
        (path / "levels.yaml").write_text("levels: []\n", "utf-8")
    return path


def test_lookup_order_option_env_cwd_packaged(tmp_path: Path) -> None:
    option, env = _folder(tmp_path / "opt"), _folder(tmp_path / "env")
    cwd_vocab = _folder(tmp_path / "work" / "vocab")
    work, environ = tmp_path / "work", {VOCAB_ENV: str(env)}
    assert find_vocab_dir(option, environ=environ, cwd=work) == VocabLocation(
        option, VocabSource.OPTION
    )
    assert find_vocab_dir(None, environ=environ, cwd=work) == VocabLocation(env, VocabSource.ENV)
    assert find_vocab_dir(None, environ={}, cwd=work) == VocabLocation(cwd_vocab, VocabSource.CWD)
    assert find_vocab_dir(None, environ={}, cwd=tmp_path) == VocabLocation(
        PACKAGED_VOCAB_DIR, VocabSource.PACKAGED
    )


def test_a_vocab_folder_without_yaml_in_the_current_folder_is_not_taken(tmp_path: Path) -> None:
    _folder(tmp_path / "vocab", with_yaml=False)
    assert find_vocab_dir(None, environ={}, cwd=tmp_path).source == VocabSource.PACKAGED


@pytest.mark.parametrize("via", ["option", "env"], ids=["option", "env"])
def test_a_named_folder_that_does_not_exist_stops_with_a_code(tmp_path: Path, via: str) -> None:
    missing = tmp_path / "typo"
    with pytest.raises(VocabError) as err:
        if via == "option":
            find_vocab_dir(missing, environ={}, cwd=tmp_path)
        else:
            find_vocab_dir(None, environ={VOCAB_ENV: str(missing)}, cwd=tmp_path)
    assert err.value.code == "vocab-dir-missing"


def test_the_packaged_copy_is_the_repository_vocab_in_a_checkout() -> None:
    assert PACKAGED_VOCAB_DIR == ROOT / "vocab"


def test_init_copies_every_file_with_its_comments_and_never_overwrites(tmp_path: Path) -> None:
    target = tmp_path / "bureau" / "vocab"
    written = init_vocab_dir(target)
    assert sorted(p.name for p in written) == sorted(p.name for p in (ROOT / "vocab").iterdir())
    levels = (target / "levels.yaml").read_text("utf-8")
    assert levels == (ROOT / "vocab" / "levels.yaml").read_text("utf-8")
    assert levels.startswith("#")
    (target / "levels.yaml").write_text("edited", "utf-8")
    with pytest.raises(VocabError) as err:
        init_vocab_dir(target)
    assert err.value.code == "vocab-dir-exists"
    assert (target / "levels.yaml").read_text("utf-8") == "edited"
    init_vocab_dir(target, overwrite=True)
    assert (target / "levels.yaml").read_text("utf-8") == levels


def test_cli_init_then_check_uses_the_copy_in_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(VOCAB_ENV, raising=False)
    runner = CliRunner()
    init = runner.invoke(main, ["vocab", "init", "vocab"])
    assert init.exit_code == 0, init.output
    again = runner.invoke(main, ["vocab", "init", "vocab"])
    assert again.exit_code == 3
    assert "[vocab-dir-exists]" in again.stderr
    check = runner.invoke(main, ["vocab", "check"])
    assert check.exit_code == 0, check.output
    assert f"使用字典: {Path.cwd() / 'vocab'}(当前文件夹下的 vocab)" in check.stderr
    assert sorted(os.listdir(tmp_path)) == ["vocab"]  # no log folder left behind


def test_cli_says_when_it_uses_the_packaged_vocabulary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(VOCAB_ENV, raising=False)
    result = CliRunner().invoke(main, ["vocab", "check"])
    assert result.exit_code == 0, result.output
    assert f"使用字典: {PACKAGED_VOCAB_DIR}(程序内置字典)" in result.stderr


def test_cli_missing_vocab_folder_is_one_coded_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["vocab", "check", "--vocab", str(tmp_path / "typo")])
    assert result.exit_code == 3
    assert "[vocab-dir-missing]" in result.stderr
    assert "字典检查发现" not in result.stderr


def test_python_dash_m_runs_the_command_line(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop(VOCAB_ENV, None)
    done = subprocess.run(
        [sys.executable, "-m", "titletemplate", "vocab", "check"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    assert "程序内置字典" in done.stderr.decode("utf-8")


def test_pyproject_lists_every_package_folder() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]
    on_disk = {
        ".".join(p.relative_to(ROOT).parts)
        for p in [ROOT / "titletemplate", *(ROOT / "titletemplate").rglob("*")]
        if p.is_dir() and p.name != "__pycache__"
    }
    listed = set(config["packages"]) - {"titletemplate.packaged_vocab"}
    assert listed == on_disk, "add the new subpackage to [tool.setuptools] packages"
    assert config["package-dir"] == {"titletemplate.packaged_vocab": "vocab"}
