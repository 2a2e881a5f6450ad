"""A correction of thousands of scattered rows: its origin is longer than a cell holds, so the
checksum sheet continues it over rows; it is signed, read back whole and ingested."""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from helpers_ingest import ISSUED_AT, run
from python_calamine import CalamineWorkbook

from titletemplate.columns import META_SHEET
from titletemplate.fingerprint import (
    CELL_PART,
    Origin,
    identity_from_rows,
    parse_origin,
    verify_identity,
)
from titletemplate.template import stampfill
from titletemplate.template.build import build_template
from titletemplate.vocab import Vocab

ROWS = 3_700  # every other row, from row 10,008 on, of two returned files: ~36,000 characters


def test_an_origin_longer_than_a_cell_is_signed_read_and_ingested(
    vocab: Vocab, private_key: Ed25519PrivateKey, tmp_path: Path
) -> None:
    unit = next(u for u in vocab.units if u.kind == "employer")
    origin = Origin(tuple((f"T-{i % 2}", 10_008 + 2 * i) for i in range(ROWS)))
    assert len(origin.encoded()[1]) > CELL_PART
    prefill = [{"name": f"张{i:04d}"} for i in range(ROWS)]
    marks = {(0, "id_number"): "证件号码为空"}
    args = {"issued_at": ISSUED_AT, "rows": ROWS + 10, "prefill": prefill, "marks": marks}
    # The fast path has one checksum row per field: it declines, the full build continues.
    fast = stampfill.build_filled(vocab, unit, private_key, origin=origin, **args)
    assert fast is None
    data = build_template(vocab, unit, private_key, origin=origin, **args)
    path = tmp_path / "更正.xlsx"
    path.write_bytes(data)
    with CalamineWorkbook.from_path(str(path)) as book:
        rows = book.get_sheet_by_name(META_SHEET).to_python()
    assert sum(1 for r in rows if r and r[0] == "source_rows") == 2
    assert all(len(str(r[1])) <= CELL_PART for r in rows if len(r) > 1)
    identity = identity_from_rows(rows)
    assert identity is not None and verify_identity(identity, private_key.public_key())
    assert parse_origin(identity.corrects, identity.source_rows) == origin

    result = run([path], tmp_path / "out", vocab, private_key.public_key())
    (file,) = result.files
    assert file["status"] == "accepted" and file["rows"] == ROWS, file
