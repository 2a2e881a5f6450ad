"""Bureau key pair (Ed25519): generate, load, and derive per-template sheet passwords."""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .errors import KeyFileError

PRIVATE_KEY_ENV = "TITLETEMPLATE_KEY_FILE"
PUBLIC_KEY_ENV = "TITLETEMPLATE_PUBLIC_KEY"
PRIVATE_KEY_NAME = "bureau-private.pem"
PUBLIC_KEY_NAME = "bureau-public.pem"
DEMO_DIR = Path(__file__).resolve().parent / "demo_keys"
PASSWORD_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"
PASSWORD_LENGTH = 12


def generate_keypair(out_dir: str | Path) -> tuple[Path, Path]:
    """Write a new key pair; the private key file is readable by its owner only.

    Raises:
        KeyFileError: `key-exists` when a private key is already there (never overwritten).
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    private_path, public_path = out / PRIVATE_KEY_NAME, out / PUBLIC_KEY_NAME
    if private_path.exists():
        raise KeyFileError("key-exists", str(private_path))
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    fd = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    public_path.write_bytes(public_pem(key.public_key()))
    return private_path, public_path


def key_fingerprint(key: Ed25519PublicKey) -> str:
    """A short name of the key pair, the same from either half: 16 hex digits of the SHA-256
    of the raw public key, grouped by four ("3f2a-91c0-...") to be read out on the phone."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    digest = hashlib.sha256(raw).hexdigest()[:16]
    return "-".join(digest[i : i + 4] for i in range(0, 16, 4))


def public_pem(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def _resolve(path: str | Path | None, env: str, demo_name: str) -> tuple[Path, bool]:
    chosen = path or os.environ.get(env)
    if chosen:
        return Path(chosen), False
    return DEMO_DIR / demo_name, True


def load_private_key(path: str | Path | None = None) -> tuple[Ed25519PrivateKey, bool]:
    """The bureau's private key from `path`, $TITLETEMPLATE_KEY_FILE, or the demo key.

    Returns:
        The key and whether it is the built-in demo key.
    """
    resolved, demo = _resolve(path, PRIVATE_KEY_ENV, "demo-private.pem")
    try:
        key = serialization.load_pem_private_key(resolved.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise KeyFileError("key-unreadable", f"{resolved.name}: {type(exc).__name__}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFileError("key-unreadable", f"{resolved.name}: not Ed25519")
    return key, demo


def load_public_key(path: str | Path | None = None) -> tuple[Ed25519PublicKey, bool]:
    """The bureau's public key from `path`, $TITLETEMPLATE_PUBLIC_KEY, or the demo key."""
    resolved, demo = _resolve(path, PUBLIC_KEY_ENV, "demo-public.pem")
    try:
        key = serialization.load_pem_public_key(resolved.read_bytes())
    except (OSError, ValueError, TypeError) as exc:
        raise KeyFileError("key-unreadable", f"{resolved.name}: {type(exc).__name__}") from None
    if not isinstance(key, Ed25519PublicKey):
        raise KeyFileError("key-unreadable", f"{resolved.name}: not Ed25519")
    return key, demo


def sheet_password(key: Ed25519PrivateKey, template_id: str) -> str:
    """A per-template sheet password only the private key's holder can derive."""
    secret = key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    digest = hmac.new(secret, b"sheet-password:" + template_id.encode(), hashlib.sha256).digest()
    return "".join(PASSWORD_ALPHABET[b % len(PASSWORD_ALPHABET)] for b in digest[:PASSWORD_LENGTH])
