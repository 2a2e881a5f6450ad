"""Every workbook the project writes passes an independent Open XML validator for Excel 2007
(openxml-audit, a port of the Open XML SDK's validator): templates (batch-stamped and built
from scratch), returned files as the demo fills them, corrections, consolidated.xlsx (also split
by office), errors.xlsx, status.xlsx and a bundle's summary.xlsx."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from helpers_ingest import run
from openxml_audit import FileFormat, OpenXmlValidator

from titletemplate.batch import DB_NAME
from titletemplate.bundle import make_bundle
from titletemplate.demo import DemoResult, run_demo
from titletemplate.vocab import Vocab

# The one warning left on purpose: the report workbooks are streamed with inline strings, as
# xlsxwriter's constant_memory mode writes them (see ooxml/fastxlsx.py); Excel moves them to a
# shared-string table when it saves the file again, which changes no value.
INLINE_STRINGS = "inline-string cell(s)"


@pytest.fixture(scope="module")
def written(
    tmp_path_factory: pytest.TempPathFactory, vocab: Vocab, public_key: Ed25519PublicKey
) -> dict[str, list[Path]]:
    out = tmp_path_factory.mktemp("audit")
    demo: DemoResult = run_demo(out / "demo")
    report = out / "demo" / "report"
    split = out / "split"
    run([out / "demo" / "returned"], split, vocab, public_key, split_by_office=True)
    bundle = make_bundle(report / DB_NAME, out / "bundle.zip", vocab)
    summary = out / "summary.xlsx"
    with zipfile.ZipFile(bundle.path) as zf:
        summary.write_bytes(zf.read("summary.xlsx"))
    return {
        "template": list(demo.templates),
        "returned": list(demo.submissions),
        "correction": sorted((report / "corrections").glob("*.xlsx")),
        "consolidated": [report / "consolidated.xlsx", split / "consolidated.xlsx"],
        "errors": [report / "errors.xlsx"],
        "summary": [summary],
        "status": sorted(report.glob("status*.xlsx")) + sorted(split.glob("status*.xlsx")),
    }


KINDS = ["template", "returned", "correction", "consolidated", "errors", "summary", "status"]


@pytest.mark.parametrize("kind", KINDS)
def test_workbooks_pass_openxml_audit_for_office_2007(
    written: dict[str, list[Path]], kind: str
) -> None:
    validator = OpenXmlValidator(file_format=FileFormat.OFFICE_2007, max_errors=0)
    assert written[kind]
    for path in written[kind]:
        result = validator.validate(path)
        errors = [str(e) for e in result.errors if e.severity.value == "error"]
        warnings = [str(e) for e in result.errors if e.severity.value == "warning"]
        assert errors == [], (path.name, errors[:5])
        assert [w for w in warnings if INLINE_STRINGS not in w] == [], (path.name, warnings[:5])
