"""lohelper runs a command once more when LibreOffice dies by a signal, and only then."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from lohelper import LibreOffice, LibreOfficeCrash, LibreOfficeError

# A stand-in for soffice: `--convert-to` writes <stem>.<ext> into --outdir, after dying by
# SIGSEGV as many times as CRASHES says (counted in a file next to it); EXIT=n exits with n.
_FAKE = """#!/bin/sh
dir=$(dirname "$0")
count=$(cat "$dir/count" 2>/dev/null || echo 0)
echo $((count + 1)) > "$dir/count"
if [ "$count" -lt "$(cat "$dir/crashes")" ]; then kill -SEGV $$; fi
if [ -n "$EXIT" ]; then exit "$EXIT"; fi
while [ $# -gt 0 ]; do
  case "$1" in
    --convert-to) ext=${2%%:*}; shift 2;;
    --outdir) out=$2; shift 2;;
    *) src=$1; shift;;
  esac
done
name=$(basename "$src"); : > "$out/${name%.*}.$ext"
"""


def _office(tmp_path: Path, crashes: int) -> LibreOffice:
    fake = tmp_path / "bin" / "soffice"
    fake.parent.mkdir()
    fake.write_text(_FAKE)
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    (fake.parent / "crashes").write_text(str(crashes))
    return LibreOffice(tmp_path / "profile", soffice=str(fake), timeout=30)


def _runs(tmp_path: Path) -> int:
    return int((tmp_path / "bin" / "count").read_text())


def test_a_crash_is_retried_once(tmp_path: Path) -> None:
    src = tmp_path / "a.xlsx"
    src.write_bytes(b"")
    office = _office(tmp_path, crashes=1)
    assert office.convert(src, tmp_path / "out", "pdf:calc_pdf_Export").name == "a.pdf"
    assert _runs(tmp_path) == 2


def test_a_second_crash_is_reported(tmp_path: Path) -> None:
    src = tmp_path / "a.xlsx"
    src.write_bytes(b"")
    with pytest.raises(LibreOfficeCrash, match="exit -11"):
        _office(tmp_path, crashes=2).convert(src, tmp_path / "out", "pdf:calc_pdf_Export")
    assert _runs(tmp_path) == 2


def test_a_failure_that_is_not_a_crash_is_not_retried(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = tmp_path / "a.xlsx"
    src.write_bytes(b"")
    monkeypatch.setenv("EXIT", "3")
    with pytest.raises(LibreOfficeError, match="exit 3") as caught:
        _office(tmp_path, crashes=0).convert(src, tmp_path / "out", "pdf:calc_pdf_Export")
    assert not isinstance(caught.value, LibreOfficeCrash)
    assert _runs(tmp_path) == 1
