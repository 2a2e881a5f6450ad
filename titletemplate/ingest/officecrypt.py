"""Office encryption (what Excel's and WPS's File > Encrypt writes): open a workbook with the
passwords given, and encrypt one for the trip up the chain. msoffcrypto-tool does the
cryptography: ECMA-376 agile encryption is too much to hand-write and it is well kept."""

from __future__ import annotations

import io
from collections.abc import Sequence

import msoffcrypto
from msoffcrypto.exceptions import DecryptionError, FileFormatError, InvalidKeyError, ParseError
from msoffcrypto.format.ooxml import OOXMLFile

# What msoffcrypto raises for a file it cannot parse or a key that does not fit.
_FAILED = (InvalidKeyError, DecryptionError, FileFormatError, ParseError, ValueError, KeyError,
           OSError, AssertionError)  # fmt: skip


def is_encrypted(data: bytes) -> bool:
    """True for an Office file (OLE container) that says it is encrypted."""
    try:
        return bool(msoffcrypto.OfficeFile(io.BytesIO(data)).is_encrypted())
    except _FAILED:
        return False


def decrypt(data: bytes, passwords: Sequence[str]) -> bytes | None:
    """The decrypted workbook with the first password that opens it; None if none does."""
    for password in passwords:
        out = io.BytesIO()
        try:
            office = msoffcrypto.OfficeFile(io.BytesIO(data))
            office.load_key(password=password, verify_password=True)
            office.decrypt(out)
        except _FAILED:
            continue  # the wrong password (or not a file msoffcrypto reads): try the next
        return out.getvalue()
    return None


def encrypt_workbook(data: bytes, password: str) -> bytes:
    """An `.xlsx` package encrypted as Excel does with a password to open (agile, AES-256)."""
    out = io.BytesIO()
    OOXMLFile(io.BytesIO(data)).encrypt(password, out)
    return out.getvalue()
