"""Template identity: the signed semantic fields kept on the hidden checksum sheet."""

from __future__ import annotations

import base64
import hashlib
import json
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
    signature: str = ""  # base64 Ed25519 over `payload()`

    def payload(self) -> bytes:
        data = {k: v for k, v in self._fields().items() if k != "signature"}
        return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()

    def rows(self) -> list[tuple[str, str]]:
        """(field, value) pairs in sheet order."""
        return list(self._fields().items())

    def _fields(self) -> dict[str, str]:
        """The fields a template carries: an empty key_fingerprint is left out, so that the
        templates issued before it keep their payload and signature."""
        data = asdict(self)
        if not self.key_fingerprint:
            del data["key_fingerprint"]
        return data


FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in fields(Identity))
OPTIONAL_FIELDS = frozenset({"key_fingerprint"})


def template_id(vocab: Vocab, unit: Unit, issued_at: str) -> str:
    seed = "\n".join((vocab.campaign.code, unit.name, unit.code, vocab.fingerprint, issued_at))
    return f"{vocab.campaign.code}-{hashlib.sha256(seed.encode()).hexdigest()[:16]}"


def make_identity(vocab: Vocab, unit: Unit, issued_at: str, key: Ed25519PrivateKey) -> Identity:
    """The signed identity of the template for `unit`."""
    unsigned = Identity(
        template_id=template_id(vocab, unit, issued_at),
        unit_name=unit.name,
        unit_code=unit.code,
        campaign=vocab.campaign.code,
        vocab_fingerprint=vocab.fingerprint,
        ruleset_version=RULESET_VERSION,
        layout_version=LAYOUT_VERSION,
        generator_version=__version__,
        issued_at=issued_at,
        key_fingerprint=key_fingerprint(key.public_key()),
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
    """Parse the checksum sheet's (field, value) rows; None when a field is missing."""
    found: dict[str, str] = {}
    for row in rows:
        if len(row) >= 2 and isinstance(row[0], str) and row[0] in FIELD_NAMES:
            value = row[1]
            if isinstance(value, float) and value.is_integer():
                value = int(value)  # a re-save may turn a digit-only text cell into a number
            found[row[0]] = "" if value is None else str(value)
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
    return json.dumps(identity._fields(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
