"""The archive's lock: one writer at a time, whichever command writes, released even by SIGKILL."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import IO


class AlreadyRunning(RuntimeError):
    pass


def take_lock(db_path: Path) -> IO[str]:
    """An exclusive lock beside the archive, held while the returned file stays open.

    flock is released by the kernel when the process dies, even by SIGKILL, so a killed
    run never leaves a stale lock behind.
    """
    db_path.parent.mkdir(parents=True, exist_ok=True)
    lock_file = open(f"{db_path}.lock", "a+", encoding="utf-8")  # noqa: SIM115 - held open
    try:
        fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        lock_file.seek(0)
        holder = lock_file.read().strip() or "unknown"
        lock_file.close()
        raise AlreadyRunning(f"another crawl of {db_path} is running (pid {holder})") from None
    lock_file.seek(0)
    lock_file.truncate()
    lock_file.write(str(os.getpid()))
    lock_file.flush()
    return lock_file
