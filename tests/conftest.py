"""Shared fixtures: the real vocabulary, the demo key pair, a fixed issue time."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from lohelper import LibreOffice, find_soffice

from titletemplate.keys import load_private_key, load_public_key
from titletemplate.vocab import Vocab
from titletemplate.vocabcheck import load_vocab

ISSUED_AT = "2021-03-17T08:00:00Z"
# Run the whole suite with the worker processes started another way, e.g.
# TITLETEMPLATE_TEST_START_METHOD=spawn (Windows, macOS) or forkserver (Linux from Python 3.14).
START_METHOD_ENV = "TITLETEMPLATE_TEST_START_METHOD"


def pytest_configure(config: pytest.Config) -> None:
    if method := os.environ.get(START_METHOD_ENV):
        multiprocessing.set_start_method(method, force=True)


@pytest.fixture
def forked_workers() -> Iterator[None]:
    """Worker processes started by fork, for a test that patches code the workers run: only a
    forked worker inherits the patch, so under spawn or forkserver such a test would fail or,
    worse, pass without taking the route it names. tests/test_windows.py covers those."""
    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("a patch reaches worker processes only when they are forked")
    before = multiprocessing.get_start_method(allow_none=True)
    multiprocessing.set_start_method("fork", force=True)
    try:
        yield
    finally:
        multiprocessing.set_start_method(before, force=True)


@pytest.fixture(scope="session")
def vocab() -> Vocab:
    return load_vocab()


@pytest.fixture(scope="session")
def private_key() -> Ed25519PrivateKey:
    return load_private_key()[0]


@pytest.fixture(scope="session")
def public_key() -> Ed25519PublicKey:
    return load_public_key()[0]


@pytest.fixture(scope="session")
def unit(vocab: Vocab):  # type: ignore[no-untyped-def]
    return vocab.find_unit("日照市技师学院")


@pytest.fixture(scope="session")
def office(tmp_path_factory: pytest.TempPathFactory) -> LibreOffice:
    """One headless LibreOffice for the session (CI must have it; elsewhere tests skip)."""
    if find_soffice() is None:
        if os.environ.get("CI"):
            pytest.fail("soffice not found: CI must install libreoffice-calc-nogui")
        pytest.skip("LibreOffice (soffice) is not installed")
    return LibreOffice(tmp_path_factory.mktemp("lo-profile"))


@pytest.fixture(scope="session")
def returned_corpus(
    vocab: Vocab, private_key: Ed25519PrivateKey, tmp_path_factory: pytest.TempPathFactory
) -> list[tuple[object, Path]]:
    """Every case of the returned-file corpus written once: (case, path)."""
    from corpus.generate import Ctx, make_all

    ctx = Ctx(vocab, private_key, tmp_path_factory.mktemp("lo-profile"))
    return list(make_all(tmp_path_factory.mktemp("corpus"), ctx))
