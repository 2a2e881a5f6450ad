"""What every worker process of titletemplate does first.

Workers started with fork hold the other ends of their task pipes, so when the batch process
is killed (not a power cut: everything stops then, but a `kill -9` or a crash) they would wait
for tasks forever. A daemon thread in each worker notices that its parent is gone and exits.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time

POLL_SECONDS = 1.0


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
