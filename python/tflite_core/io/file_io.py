"""Crash-safe file writes: temporary names that carry the writer's process id, atomic replacement,
and the removal of what a killed writer left behind.

A file is written under ``<path>.tempstate<pid>-<random>`` (TensorFlow's BundleWriter also writes
``<file>.tempstate<random>``) or ``<path>.tmp<pid>-<random>`` and renamed into place. A process
killed before the rename leaves that temporary file; ``remove_stale_temp_files`` deletes the ones
whose writer is no longer running (never those of a live process, which may be writing them).
Nothing is fsync'ed (TensorFlow does not either): this protects against a crash of the process,
not against a power loss.
"""

from __future__ import annotations

import contextlib
import glob
import os
import re
import shutil
import uuid

_TEMP = re.compile(r"\.(?:tempstate|tmp|saving)(\d+)-[0-9a-f]{32}")


def temp_name(path: str, kind: str = "tempstate") -> str:
    """A temporary name beside ``path``: ``<path>.<kind><pid>-<random>``."""
    return f"{path}.{kind}{os.getpid()}-{uuid.uuid4().hex}"


def atomic_write(path: str, data: bytes) -> None:
    """Writes ``path`` through a temp file in its directory and ``os.replace``."""
    tmp = temp_name(path, "tmp")
    try:
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(tmp)
        raise


def replace_with_link(src: str, dst: str) -> None:
    """Makes ``dst`` the file ``src`` is, atomically, keeping ``src`` (a hard link, or a copy
    where the file system has no hard links)."""
    tmp = temp_name(dst, "tmp")
    try:
        try:
            os.link(src, tmp)
        except OSError:
            shutil.copyfile(src, tmp)
        os.replace(tmp, dst)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(tmp)
        raise


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # e.g. another user's process
        return True
    return True


def remove_stale_temp_files(prefix: str) -> list[str]:
    """Deletes the temporary files of writers no longer running among the files named
    ``prefix*`` (``prefix`` a path); returns the paths deleted."""
    removed = []
    for path in glob.glob(glob.escape(prefix) + "*"):
        m = _TEMP.search(os.path.basename(path))
        if m is None or _running(int(m.group(1))):
            continue
        with contextlib.suppress(OSError):
            os.remove(path)
            removed.append(path)
    return removed
