"""What every worker process of titletemplate does first.

Workers started with fork hold the other ends of their task pipes, so when the batch process
is killed (not a power cut: everything stops then, but a `kill -9` or a crash) they would wait
for tasks forever. A daemon thread in each worker notices that its parent is gone and exits.
"""

from __future__ import annotations

import os
import threading
import time

POLL_SECONDS = 1.0


def watch_parent() -> None:
    """Exit this (worker) process within POLL_SECONDS once the process that started it is gone."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(POLL_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="titletemplate-parent-watch", daemon=True).start()
