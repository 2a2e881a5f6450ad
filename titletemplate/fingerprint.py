"""Template identity: the signed semantic fields kept on the hidden checksum sheet."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, fields, replace

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from . import __version__
from .columns import LAYOUT_VERSION
from .keys import key_fingerprint
from .rules import RULESET_VERSION
from .vocab import Unit, Vocab

DOC_PROPERTY = "titletemplate_identity"  # custom document property: the same fields as JSON


@dataclass(frozen=True, slots=True)
class Identity:
    """Who a template was issued to and from which vocabulary; signed by the bureau.

    Never sign raw XML: office suites re-serialise it. These text fields survive a re-save.
    Every sheet of the template is generated from what they name: the titles sheet (the
    notice's sheet2) and the hidden lists from the vocabulary `vocab_fingerprint` covers
    (titles.yaml included), the layout from `layout_version` and `generator_version`.
    """

    template_id: str
    unit_name: str
    unit_code: str
    campaign: str
    vocab_fingerprint: str
    ruleset_version: str
    layout_version: str
    generator_version: str
    issued_at: str  # ISO 8601, seconds, UTC
    # keys.key_fingerprint of the signing key, so that a check with another key can say so
    # instead of calling the file tampered. Templates issued before it have none ("").
    key_fingerprint: str = ""
    # A correction only: the template ids it corrects and, per prefilled row, the row it was
    # copied from (see Origin).
    corrects: str = ""
    source_rows: str = ""
    signature: str = ""  # base64 Ed25519 over `payload()`

    def payload(self) -> bytes:
        data = {k: v for k, v in self.set_fields().items() if k != "signature"}
        return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()

    def set_fields(self) -> dict[str, str]:
        """The fields a template carries, by name (an empty optional field is left out)."""
        return {k: v for k, v in asdict(self).items() if v or k not in OPTIONAL_FIELDS}

    def rows(self) -> list[tuple[str, str]]:
        """(field, value) pairs in sheet order; a value longer than a cell holds (a large
        correction's source_rows) continues in rows of the same field name."""
        out: list[tuple[str, str]] = []
        for field, value in self.set_fields().items():
            parts = [value[i : i + CELL_PART] for i in range(0, len(value), CELL_PART)]
            out += [(field, part) for part in parts or [""]]
        return out


# Excel holds at most 32,767 characters in a cell; the checksum sheet's parts stay below that.
CELL_PART = 32_000
FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in fields(Identity))
# Fields left out of the payload, the sheet and the JSON when empty, so that templates issued
# before they existed keep their payload and signature.
OPTIONAL_FIELDS = frozenset({"key_fingerprint", "corrects", "source_rows"})
_SOURCE = re.compile(r"t(\d+)r(\d+)(?:-(\d+))?")


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a correction's prefilled rows come from: `rows[i]` is the (template id, Excel
    row) that prefilled row i was copied from."""

    rows: tuple[tuple[str, int], ...]

    def encoded(self) -> tuple[str, str]:
        """(corrects, source_rows) for the identity: the template ids, space-separated, and
        one token per run of consecutive rows, `t<k>r<first>[-<last>]` with k the template's
        index ("t0r8-12,t1r9"; no token reads as a number or a date after a re-save)."""
        templates = list(dict.fromkeys(t for t, _ in self.rows))
        index = {t: k for k, t in enumerate(templates)}
        runs: list[list[int]] = []  # [k, first, last]
        for template, row in self.rows:
            k = index[template]
            if runs and runs[-1][0] == k and runs[-1][2] + 1 == row:
                runs[-1][2] = row
            else:
                runs.append([k, row, row])
        tokens = [f"t{k}r{a}" if a == b else f"t{k}r{a}-{b}" for k, a, b in runs]
        return " ".join(templates), ",".join(tokens)


def parse_origin(corrects: str, source_rows: str) -> Origin | None:
    """The Origin of a correction's identity fields; None for a template that is not a
    correction (or fields that do not parse, which a valid signature rules out)."""
    templates = corrects.split()
    if not templates or not source_rows:
        return None
    rows: list[tuple[str, int]] = []
    for token in source_rows.split(","):
        m = _SOURCE.fullmatch(token)
        if m is None or int(m[1]) >= len(templates):
            return None
        first, last = int(m[2]), int(m[3] or m[2])
        rows += [(templates[int(m[1])], r) for r in range(first, last + 1)]
    return Origin(tuple(rows))


def template_id(vocab: Vocab, unit: Unit, issued_at: str, origin: Origin | None = None) -> str:
    parts = [vocab.campaign.code, unit.name, unit.code, vocab.fingerprint, issued_at]
    if origin is not None:  # a correction never shares the id of the template it corrects
        parts += origin.encoded()
    seed = "\n".join(parts)
    return f"{vocab.campaign.code}-{hashlib.sha256(seed.encode()).hexdigest()[:16]}"


def make_identity(
    vocab: Vocab,
    unit: Unit,
    issued_at: str,
    key: Ed25519PrivateKey,
    origin: Origin | None = None,
    *,
    layout: str = LAYOUT_VERSION,
) -> Identity:
    """The signed identity of the template for `unit` (of a correction, with `origin`; in
    `layout`, the current by default)."""
    corrects, source_rows = origin.encoded() if origin is not None else ("", "")
    unsigned = Identity(
        template_id=template_id(vocab, unit, issued_at, origin),
        unit_name=unit.name,
        unit_code=unit.code,
        campaign=vocab.campaign.code,
        vocab_fingerprint=vocab.fingerprint,
        ruleset_version=RULESET_VERSION,
        layout_version=layout,
        generator_version=__version__,
        issued_at=issued_at,
        key_fingerprint=key_fingerprint(key.public_key()),
        corrects=corrects,
        source_rows=source_rows,
    )
    signature = base64.b64encode(key.sign(unsigned.payload())).decode("ascii")
    return replace(unsigned, signature=signature)


def verify_identity(identity: Identity, key: Ed25519PublicKey) -> bool:
    """True when the signature matches every field."""
    try:
        key.verify(base64.b64decode(identity.signature, validate=True), identity.payload())
    except (InvalidSignature, ValueError):
        return False
    return True


def identity_from_rows(rows: Sequence[Sequence[object]]) -> Identity | None:
    """Parse the checksum sheet's (field, value) rows, joining the rows a long value continues
    in (Identity.rows); None when a field is missing."""
    found: dict[str, str] = {}
    for row in rows:
        if len(row) >= 2 and isinstance(row[0], str) and row[0] in FIELD_NAMES:
            value = row[1]
            if isinstance(value, float) and value.is_integer():
                value = int(value)  # a re-save may turn a digit-only text cell into a number
            found[row[0]] = found.get(row[0], "") + ("" if value is None else str(value))
    if not _complete(found):
        return None
    return Identity(**found)


def _complete(found: Mapping[str, object]) -> bool:
    return set(FIELD_NAMES) - OPTIONAL_FIELDS <= set(found) <= set(FIELD_NAMES)


def identity_from_json(text: str) -> Identity | None:
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict) or not _complete(data):
        return None
    return Identity(**{k: str(v) for k, v in data.items()})


def identity_json(identity: Identity) -> str:
    data = identity.set_fields()
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
