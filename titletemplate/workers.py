"""The worker processes of titletemplate: one way to start a pool, hand the vocabulary and a
key over, set each worker up once, watch the parent, and bring errors back with their codes.

Batch builds (template/build.py), file checks (ingest/checkfile.py) and bulk outputs
(reports/outputs.py) all start their pools here:

- `hand_over(vocab, key)` is what travels to a worker: the vocabulary as its plain fields (its
  MappingProxyType lookups do not pickle) and an Ed25519 key as raw bytes; `take_over` turns
  it back into a Vocab and a key. A pool's set-up function receives it with its own
  arguments and returns the worker's state, which its tasks get from `state()`.
- Workers started with fork hold the other ends of their task pipes, so when the batch
  process is killed (not a power cut: everything stops then, but a `kill -9` or a crash) they
  would wait for tasks forever. A daemon thread in each worker notices that its parent is
  gone and exits (`watch_parent`).
- An error raised by a task reaches the parent with its code (TitleTemplateError pickles its
  fields); `portable` makes any other exception safe to send back, the worker's traceback
  kept as a note.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import threading
import time
import traceback
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .vocab import Vocab, plain_fields

POLL_SECONDS = 1.0

Key = Ed25519PrivateKey | Ed25519PublicKey
# (the vocabulary's plain fields, (key kind, raw key bytes) or None)
Handover = tuple[dict[str, Any], tuple[str, bytes] | None]

_state: Any = None
_ready = False


def hand_over(vocab: Vocab, key: Key | None = None) -> Handover:
    """The vocabulary and key in a form that pickles (and unpickles fast)."""
    if isinstance(key, Ed25519PrivateKey):
        raw = key.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )
        return plain_fields(vocab), ("private", raw)
    if isinstance(key, Ed25519PublicKey):
        raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return plain_fields(vocab), ("public", raw)
    return plain_fields(vocab), None


def take_over(handover: Handover) -> tuple[Vocab, Any]:
    """The Vocab and key that `hand_over` packed (key None when none was handed over)."""
    fields, packed = handover
    vocab = Vocab(**fields)
    if packed is None:
        return vocab, None
    kind, raw = packed
    if kind == "private":
        return vocab, Ed25519PrivateKey.from_private_bytes(raw)
    return vocab, Ed25519PublicKey.from_public_bytes(raw)


def start_pool(
    jobs: int, setup: Callable[..., Any] | None = None, *args: Any
) -> ProcessPoolExecutor:
    """A pool of `jobs` workers, each of which watches its parent and then runs
    `setup(*args)` once (a module-level function: it must pickle) and keeps what it returns
    for its tasks (`state()`)."""
    return ProcessPoolExecutor(jobs, initializer=_initialise, initargs=(setup, args))


def _initialise(setup: Callable[..., Any] | None, args: tuple[Any, ...]) -> None:
    global _state, _ready
    watch_parent()
    _state = None if setup is None else setup(*args)
    _ready = True


def state() -> Any:
    """In a worker: what the pool's set-up function returned."""
    if not _ready:
        raise RuntimeError("worker not initialised")
    return _state


def portable(exc: BaseException) -> BaseException:
    """`exc`, or a RuntimeError naming its type when it does not pickle, with the worker's
    traceback as a note (the parent logs it; the worker's frames are gone by then)."""
    text = "".join(traceback.format_exception(exc))
    try:
        pickle.dumps(exc)
        sent = exc
    except Exception:
        sent = RuntimeError(type(exc).__name__)
    sent.__cause__ = None
    sent.add_note(f"in worker process:\n{text}")
    return sent


def watch_parent() -> None:
    """Exit this (worker) process soon after the process that started it is gone.

    multiprocessing gives every child a sentinel of its parent (a pipe on POSIX under fork,
    spawn and forkserver alike, a process handle on Windows) that becomes ready when the parent
    exits; the thread waits on it without polling. Outside multiprocessing there is no
    sentinel, and a change of os.getppid() is watched instead (POSIX: the orphan is re-parented).
    """
    parent = multiprocessing.parent_process()
    if parent is None and os.name != "posix":
        return  # Windows, not a multiprocessing child: nothing tells, nothing to wait for
    first = os.getppid()

    def run() -> None:
        if parent is not None:
            parent.join()
        else:
            while os.getppid() == first:
                time.sleep(POLL_SECONDS)
        os._exit(1)

    threading.Thread(target=run, name="titletemplate-parent-watch", daemon=True).start()
