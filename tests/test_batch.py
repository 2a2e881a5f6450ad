"""Batch builds stamp per-unit parts into one compiled template: the bytes must equal what
build_template gives for each unit, including units whose strings defeat the stamp."""

from __future__ import annotations

from pathlib import Path

import pytest

from titletemplate.keys import load_private_key
from titletemplate.template import build as template
from titletemplate.template.stamp import make_probe, probe_unit, stamp
from titletemplate.vocab import Unit, Vocab
from titletemplate.vocabcheck import load_vocab

ISSUED_AT = "2021-03-17T08:00:00Z"
ROWS = 30


@pytest.fixture(scope="module")
def vocab() -> Vocab:
    return load_vocab()


def _units(vocab: Vocab) -> list[Unit]:
    base = vocab.units[0]
    return [
        *vocab.units[:3],
        Unit(name=base.name + ' & <x> "quoted"', code="X1"),
        Unit(name=" padded ", code=""),
        Unit(name="campaign", code="unit_name"),  # strings already on the checksum sheet
        Unit(name="same", code="same"),  # name equals code: one shared string
        Unit(name="ctrl\x01char_x0041_", code="C"),
        Unit(name=probe_unit().code, code="X1"),  # another of the probe's own unit strings
    ]


def test_batch_equals_build_template(vocab: Vocab, tmp_path: Path) -> None:
    key, _ = load_private_key()
    units = _units(vocab)
    entries = template.build_templates(
        vocab, units, key, tmp_path, issued_at=ISSUED_AT, rows=ROWS, jobs=1
    )
    for unit, entry in zip(units, entries, strict=True):
        expected = template.build_template(vocab, unit, key, issued_at=ISSUED_AT, rows=ROWS)
        assert (tmp_path / entry.file).read_bytes() == expected, unit.name


def test_batch_with_two_workers_equals_single(vocab: Vocab, tmp_path: Path) -> None:
    key, _ = load_private_key()
    units = list(vocab.units[:4])
    one = template.build_templates(vocab, units, key, tmp_path / "a", issued_at=ISSUED_AT,
                                   rows=ROWS, jobs=1)  # fmt: skip
    two = template.build_templates(vocab, units, key, tmp_path / "b", issued_at=ISSUED_AT,
                                   rows=ROWS, jobs=2)  # fmt: skip
    assert one == two


def test_stamp_declines_colliding_strings(vocab: Vocab) -> None:
    key, _ = load_private_key()
    data = template.build_template(vocab, probe_unit(), key, issued_at=ISSUED_AT, rows=ROWS)
    probe = make_probe(vocab, key, data, ISSUED_AT)
    assert probe is not None
    assert stamp(probe, vocab, Unit(name="a new unit"), key, ISSUED_AT) is not None
    assert stamp(probe, vocab, Unit(name="campaign"), key, ISSUED_AT) is None
    assert stamp(probe, vocab, Unit(name="same", code="same"), key, ISSUED_AT) is None
    assert stamp(probe, vocab, Unit(name=probe_unit().code), key, ISSUED_AT) is None
