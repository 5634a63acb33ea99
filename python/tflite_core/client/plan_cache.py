"""The bound on a Session's compiled plans: least recently used plans go first.

A Session compiles one plan per (fetches, feeds, feed shapes) signature and keeps it for the next
run with the same signature. Programs that feed many shapes (variable-length sequences, a last
partial batch, images of different sizes) would keep every plan and its buffers for ever; this
cache keeps at most ``MAX_SIGNATURES`` signatures and ``MAX_BYTES`` of plan buffers per Session
(the most recently used signature always stays), and drops the least recently used beyond that.
A dropped signature is compiled again when it is fed again.

The plans themselves stay where ``Executable.run`` finds them fastest (``Executable.pools``,
one list of idle plans per feed-shape signature); this class keeps their sizes across all of a
Session's executables and removes the pools it evicts.
"""

from __future__ import annotations

import itertools
import threading

MAX_SIGNATURES = 64
"""Feed-shape signatures a Session keeps compiled plans for (across all its fetch sets)."""
MAX_BYTES = 1 << 30
"""Bytes of plan buffers (outputs, constants, scratch; not variables) a Session keeps."""


class PlanCache:
    """Sizes and use of one Session's plans (see the module docstring).

    The run path stays cheap: a run takes an idle plan from ``exe.pools[sig]``, puts it back and
    stamps ``exe.used[sig]`` with the next tick of ``clock``; only a new plan takes the lock,
    counts its bytes and evicts the least recently stamped signatures. An evicted signature's
    pool list is dropped, so a plan that was running meanwhile goes back to a list nobody holds
    and is freed with it.
    """

    def __init__(self, max_signatures: int = MAX_SIGNATURES, max_bytes: int = MAX_BYTES):
        self.max_signatures = max_signatures
        self.max_bytes = max_bytes
        self.clock = itertools.count(1)
        self._lock = threading.Lock()
        self._entries: dict = {}  # (executable, sig) -> bytes of its plans
        self._bytes = 0

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def nbytes(self) -> int:
        return self._bytes

    def add(self, exe, sig, plan) -> list:
        """Counts the new ``plan`` of ``exe`` for ``sig``; returns the pool list to return it
        to after its run, having evicted what exceeds the bounds."""
        key = (exe, sig)
        with self._lock:
            self._entries[key] = self._entries.get(key, 0) + plan.nbytes
            self._bytes += plan.nbytes
            exe.used[sig] = next(self.clock)
            pool = exe.pools.setdefault(sig, [])
            while len(self._entries) > 1 and (
                len(self._entries) > self.max_signatures or self._bytes > self.max_bytes
            ):
                victim = min(
                    (k for k in self._entries if k != key), key=lambda k: k[0].used.get(k[1], 0)
                )
                self._bytes -= self._entries.pop(victim)
                victim[0].pools.pop(victim[1], None)
                victim[0].used.pop(victim[1], None)
            return pool

    def clear(self) -> None:
        with self._lock:
            for exe, sig in self._entries:
                exe.pools.pop(sig, None)
            self._entries.clear()
            self._bytes = 0
