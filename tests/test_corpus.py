"""The corpus of returned files (issue 7): each case alone through ingest with its literal
outcome, then every case in one batch."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from corpus.generate import CASES, LAST_INPUT_ROW, Case, Ctx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from helpers_ingest import issues, run
from lohelper import find_soffice

from titletemplate.columns import FIRST_DATA_ROW
from titletemplate.vocab import Vocab


def _param(case: Case) -> object:
    marks = [getattr(pytest.mark, m) for m in case.marks]
    return pytest.param(case, id=case.name, marks=marks)


@pytest.fixture(scope="session")
def ctx(
    vocab: Vocab, private_key: Ed25519PrivateKey, tmp_path_factory: pytest.TempPathFactory
) -> Ctx:
    assert FIRST_DATA_ROW + vocab.campaign.rows - 1 == LAST_INPUT_ROW, "update the corpus"
    return Ctx(vocab, private_key, tmp_path_factory.mktemp("lo-profile"))


def _needs_office(case: Case) -> None:
    if "libreoffice" in case.marks and find_soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed")


def _accounting(files: list[dict[str, object]], totals: dict[str, int]) -> None:
    parts = ("valid_rows", "invalid_rows", "duplicate_rows", "excluded_rows")
    for f in files:
        assert f["rows"] == sum(f[p] for p in parts), f  # type: ignore[misc]
    assert totals["rows"] == sum(totals[p] for p in parts)
    assert totals["rows"] == sum(f["rows"] for f in files)  # type: ignore[misc]


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_case_outcome(case: Case, ctx: Ctx, tmp_path: Path, public_key: Ed25519PublicKey) -> None:
    _needs_office(case)
    path = case.make(tmp_path / "in", ctx)
    result = run([path], tmp_path / "out", ctx.vocab, public_key)
    (summary,) = result.files
    assert (summary["status"], summary["code"]) == (case.status, case.code)
    assert issues(result, path.name) == list(case.findings)
    assert (summary["rows"], summary["valid_rows"]) == (case.rows, case.valid)
    report = json.loads(result.report_json.read_text("utf-8"))
    _accounting(report["files"], report["totals"])


def test_all_cases_in_one_batch(ctx: Ctx, tmp_path: Path, public_key: Ed25519PublicKey) -> None:
    folder = tmp_path / "in"
    made = {}
    for case in CASES:
        if "libreoffice" in case.marks and find_soffice() is None:
            continue
        made[case.make(folder, ctx).name] = case
    result = run([folder], tmp_path / "out", ctx.vocab, public_key)
    report = json.loads(result.report_json.read_text("utf-8"))
    status = {Path(f["path"]).name: f["status"] for f in report["files"]}
    assert status == {name: case.status for name, case in made.items()}
    _accounting(report["files"], report["totals"])
    assert report["totals"]["accepted_files"] == sum(c.status == "accepted" for c in made.values())
    assert report["totals"]["rows"] == sum(c.rows for c in made.values())
