"""Fuzzing (issue 7): random cell values through normalisation and the rules, and damaged
copies of a valid returned file through the reader and ingest. Never a crash, always a code."""

from __future__ import annotations

import datetime as dt
import io
import random
import tempfile
import zipfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from helpers_ingest import GOOD, SCHOOL, fill, issues, row, run
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from titletemplate.columns import COLUMNS
from titletemplate.errors import CATALOGUE, Scope, SubmissionError
from titletemplate.ingest.reader import Submission, read_submission
from titletemplate.ingest.validate import validate_row
from titletemplate.normalize import ErrorValue, FormulaValue
from titletemplate.vocab import Vocab

SHEET_PART = "xl/worksheets/sheet1.xml"
FAST = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
FEW = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
FILE_SCOPES = (Scope.FILE, Scope.SHEET)

_controls = st.characters(min_codepoint=0, max_codepoint=0x1F) | st.sampled_from(
    "\u200b\ufeff\u3000\u00a0\u2028_x000D_"
)
_text = st.text(st.characters(codec="utf-8") | _controls, max_size=40)
CELL = st.one_of(
    st.none(),
    _text,
    st.text(st.sampled_from("0123456789Xx３７０ -"), min_size=14, max_size=20),  # ID-ish
    st.text(min_size=150, max_size=400),  # around the 200-character limit
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.datetimes(min_value=dt.datetime(1, 1, 1)),
    st.dates(),
    st.times(),
    st.booleans(),
    st.builds(ErrorValue, st.sampled_from(["#N/A", "#VALUE!", "#REF!", "#DIV/0!", "#NAME?"])),
    st.builds(FormulaValue, _text),
)
_GOOD_CELLS = [GOOD[c.key] for c in COLUMNS]


def _coded(raw: list[object], vocab: Vocab, date1904: bool) -> None:
    checked = validate_row(raw, vocab, date1904)
    assert set(checked.values) == {c.key for c in COLUMNS}
    assert all(isinstance(v, str) for v in checked.values.values())
    keys = {c.key for c in COLUMNS}
    for f in checked.findings:
        assert f.code in CATALOGUE and f.column in keys, f
    assert isinstance(checked.ok, bool)


@FAST
@given(raw=st.lists(CELL, min_size=0, max_size=14), date1904=st.booleans())
def test_random_rows_give_coded_findings(raw: list[object], date1904: bool, vocab: Vocab) -> None:
    _coded(raw, vocab, date1904)


@FAST
@given(changes=st.dictionaries(st.integers(0, len(COLUMNS) - 1), CELL, min_size=1, max_size=4))
def test_a_valid_row_with_random_cells_gives_coded_findings(
    changes: dict[int, object], vocab: Vocab
) -> None:
    # Mostly-valid rows reach the cross-column rules (gender vs ID, cascade, date window).
    raw: list[object] = list(_GOOD_CELLS)
    for index, value in changes.items():
        raw[index] = value
    _coded(raw, vocab, False)


# --- damaged files --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def valid_file(
    vocab: Vocab, private_key: Ed25519PrivateKey, tmp_path_factory: pytest.TempPathFactory
) -> bytes:
    path = tmp_path_factory.mktemp("fuzz") / "valid.xlsx"
    return fill(vocab, private_key, SCHOOL, path, [row("li", 1), row("wang", 2)]).read_bytes()


def _outcome(data: bytes, vocab: Vocab, public_key: Ed25519PublicKey) -> str:
    """ "accepted", or the code of a file-level rejection; every row still validates."""
    with tempfile.TemporaryDirectory(prefix="tt-fuzz-") as tmp:
        path = Path(tmp, "mutant.xlsx")
        path.write_bytes(data)
        try:
            sub: Submission = read_submission(path, vocab, public_key)
        except SubmissionError as exc:
            assert exc.code in CATALOGUE and CATALOGUE[exc.code].scope in FILE_SCOPES, exc
            return exc.code
    for r in sub.rows:
        _coded(list(r.cells), vocab, sub.date1904)
    return "accepted"


def _with_part(data: bytes, part: str, content: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            body = content if info.filename == part else zin.read(info)
            zout.writestr(info, body, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def test_the_unmutated_file_is_accepted(
    valid_file: bytes, vocab: Vocab, public_key: Ed25519PublicKey
) -> None:
    assert _outcome(valid_file, vocab, public_key) == "accepted"


@FEW
@given(cut=st.floats(0.0, 0.999))
def test_a_truncated_file_is_a_file_level_code(
    cut: float, valid_file: bytes, vocab: Vocab, public_key: Ed25519PublicKey
) -> None:
    code = _outcome(valid_file[: int(len(valid_file) * cut)], vocab, public_key)
    assert code in ("file-empty", "file-corrupt", "file-csv", "file-not-xlsx")


@FEW
@given(flips=st.lists(st.tuples(st.floats(0.0, 0.999), st.integers(0, 255)), min_size=1,
                      max_size=8))  # fmt: skip
def test_flipped_bytes_in_the_sheet_xml_never_crash(
    flips: list[tuple[float, int]], valid_file: bytes, vocab: Vocab, public_key: Ed25519PublicKey
) -> None:
    with zipfile.ZipFile(io.BytesIO(valid_file)) as zf:
        sheet = bytearray(zf.read(SHEET_PART))
    for where, byte in flips:
        sheet[int(len(sheet) * where)] = byte
    _outcome(_with_part(valid_file, SHEET_PART, bytes(sheet)), vocab, public_key)


@FEW
@given(flips=st.lists(st.tuples(st.floats(0.0, 0.999), st.integers(0, 255)), min_size=1,
                      max_size=4))  # fmt: skip
def test_flipped_bytes_anywhere_in_the_zip_never_crash(
    flips: list[tuple[float, int]], valid_file: bytes, vocab: Vocab, public_key: Ed25519PublicKey
) -> None:
    data = bytearray(valid_file)
    for where, byte in flips:
        data[int(len(data) * where)] = byte
    _outcome(bytes(data), vocab, public_key)


def test_a_batch_of_mutants_is_fully_accounted(
    valid_file: bytes, vocab: Vocab, public_key: Ed25519PublicKey, tmp_path: Path
) -> None:
    rng = random.Random(7)  # fixed: the same mutants on every run
    with zipfile.ZipFile(io.BytesIO(valid_file)) as zf:
        sheet = zf.read(SHEET_PART)
    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(12):
        body = bytearray(sheet)
        for _ in range(n + 1):
            body[rng.randrange(len(body))] = rng.randrange(256)
        mutant = _with_part(valid_file, SHEET_PART, bytes(body))
        (folder / f"sheet-{n:02d}.xlsx").write_bytes(mutant)
        (folder / f"cut-{n:02d}.xlsx").write_bytes(valid_file[: rng.randrange(len(valid_file))])
    result = run([folder], tmp_path / "out", vocab, public_key)
    assert len(result.files) == 24
    assert all(f["status"] == "accepted" or f["code"] for f in result.files)
    assert all(code in CATALOGUE for code, _, _ in issues(result))
    parts = ("valid_rows", "invalid_rows", "duplicate_rows", "excluded_rows")
    for f in result.files:
        assert f["rows"] == sum(f[p] for p in parts)  # type: ignore[literal-required]
