"""The worker helper: the vocabulary and keys survive the hand-over, each worker runs its
set-up once and its tasks see what it returned, and errors come back with their codes."""

from __future__ import annotations

import os
import pickle

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from titletemplate import workers
from titletemplate.errors import SubmissionError, TemplateError
from titletemplate.vocab import Vocab


def _raw(key: Ed25519PrivateKey | Ed25519PublicKey) -> bytes:
    if isinstance(key, Ed25519PrivateKey):
        key = key.public_key()
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def test_the_vocabulary_and_either_key_survive_the_hand_over(
    vocab: Vocab, private_key: Ed25519PrivateKey, public_key: Ed25519PublicKey
) -> None:
    for key in (private_key, public_key, None):
        sent = pickle.loads(pickle.dumps(workers.hand_over(vocab, key)))
        got_vocab, got_key = workers.take_over(sent)
        assert got_vocab == vocab and got_vocab.fingerprint == vocab.fingerprint
        if key is None:
            assert got_key is None
        else:
            assert type(got_key) is type(key) and _raw(got_key) == _raw(key)


def _setup(handover: workers.Handover, label: str) -> tuple[int, str, str]:
    vocab, _ = workers.take_over(handover)
    return os.getpid(), label, vocab.campaign.code


def _task(n: int) -> tuple[int, str, str, int]:
    pid, label, campaign = workers.state()
    return pid, label, campaign, n * n


def _fail(code: str) -> None:
    raise TemplateError(code, "detail") if code else RuntimeError("plain")


def test_each_worker_is_set_up_once_and_its_tasks_see_the_state(vocab: Vocab) -> None:
    with workers.start_pool(2, _setup, workers.hand_over(vocab), "batch") as pool:
        done = list(pool.map(_task, range(20)))
    assert [d[3] for d in done] == [n * n for n in range(20)]
    assert {(d[1], d[2]) for d in done} == {("batch", vocab.campaign.code)}
    assert all(pid != os.getpid() for pid, *_ in done)


def test_a_coded_error_reaches_the_parent_with_its_code(vocab: Vocab) -> None:
    with workers.start_pool(1) as pool, pytest.raises(TemplateError) as caught:
        pool.submit(_fail, "template-tampered").result()
    assert (caught.value.code, caught.value.detail) == ("template-tampered", "detail")


def test_state_outside_a_worker_is_an_error() -> None:
    if workers._ready:  # pragma: no cover - only a worker sets it
        pytest.skip("this process was set up as a worker")
    with pytest.raises(RuntimeError):
        workers.state()


class _Unpicklable(Exception):
    def __init__(self) -> None:
        super().__init__("cannot travel")
        self.handle = lambda: None  # a lambda does not pickle


def test_portable_keeps_what_pickles_and_replaces_what_does_not() -> None:
    coded = SubmissionError("file-corrupt", "BadZipFile")
    sent = workers.portable(coded)
    back = pickle.loads(pickle.dumps(sent))
    assert (back.code, back.detail) == ("file-corrupt", "BadZipFile")
    assert any("in worker process" in note for note in back.__notes__)
    try:
        raise _Unpicklable
    except _Unpicklable as exc:
        replaced = workers.portable(exc)
    again = pickle.loads(pickle.dumps(replaced))
    assert isinstance(again, RuntimeError) and str(again) == "_Unpicklable"
    assert "cannot travel" in "".join(again.__notes__)
