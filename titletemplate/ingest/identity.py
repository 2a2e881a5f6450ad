"""A returned workbook's template identity: read from its checksum sheet and document
properties, and verified against the bureau's public key, the campaign and the layout."""

from __future__ import annotations

import zipfile
from collections.abc import Sequence

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from ..columns import READABLE_LAYOUTS
from ..errors import Issue, SubmissionError
from ..fingerprint import (
    DOC_PROPERTY,
    Identity,
    identity_from_json,
    identity_from_rows,
    verify_identity,
)
from ..keys import key_fingerprint
from ..vocab import Vocab
from . import preflight

_CUSTOM_PROPS = "docProps/custom.xml"


def read_identity(meta: Sequence[Sequence[object]] | None, zf: zipfile.ZipFile) -> Identity | None:
    """The identity from the checksum sheet's rows of (field, value), None when the workbook
    has no such sheet; the custom document property is the tie-breaker.

    Raises:
        SubmissionError: `template-tampered` when the two disagree or neither can be read.
    """
    from_sheet = None if meta is None else identity_from_rows(meta)
    from_property = _property_identity(zf)
    if from_sheet is None and from_property is None and meta is not None:
        raise SubmissionError("template-tampered", "checksum sheet")
    if from_sheet is not None and from_property is not None and from_sheet != from_property:
        raise SubmissionError("template-tampered", "document property")
    return from_sheet or from_property


def _property_identity(zf: zipfile.ZipFile) -> Identity | None:
    """The identity JSON from the custom document properties, as protection.identity_properties
    splits it into parts of at most 255 characters: DOC_PROPERTY, DOC_PROPERTY_2, ..."""
    if _CUSTOM_PROPS not in zf.NameToInfo:
        return None
    props = {
        prop.get("name", ""): "".join(t for child in prop for t in child.itertext())
        for prop in preflight.parse_xml(zf, _CUSTOM_PROPS)
    }
    if DOC_PROPERTY not in props:
        return None
    parts = [props[DOC_PROPERTY]]
    while f"{DOC_PROPERTY}_{len(parts) + 1}" in props:
        parts.append(props[f"{DOC_PROPERTY}_{len(parts) + 1}"])
    return identity_from_json("".join(parts))


def check_identity(
    identity: Identity, vocab: Vocab, public_key: Ed25519PublicKey, file: str
) -> list[Issue]:
    """What a verified identity says about the file (an outdated vocabulary); raises when it
    cannot be trusted or belongs elsewhere."""
    if not verify_identity(identity, public_key):
        in_use = key_fingerprint(public_key)
        if identity.key_fingerprint and identity.key_fingerprint != in_use:
            # Signed by another bureau key: the wrong --public-key, not a forged file.
            raise SubmissionError("template-wrong-key", f"{identity.key_fingerprint} / {in_use}")
        raise SubmissionError("template-tampered", "signature")
    if identity.campaign != vocab.campaign.code:
        raise SubmissionError("template-wrong-campaign", identity.campaign)
    if identity.layout_version not in READABLE_LAYOUTS:
        raise SubmissionError("template-layout-unknown", identity.layout_version)
    if identity.vocab_fingerprint != vocab.fingerprint:
        return [Issue("template-vocab-outdated", file, detail=identity.vocab_fingerprint[:12])]
    return []
