"""The state of one queue in one session: its elements, capacity and closed flag, and the
blocking enqueue and dequeue that TF's queue kernels implement.

Waiting calls (an enqueue on a full queue, a dequeue on an empty one) block the thread that runs
them, releasing the GIL, until another thread's run changes the queue, the queue is closed, or
its session closes (CancelledError, as TF cancels pending ops then)."""

from __future__ import annotations

import heapq
import itertools
import threading
from collections import deque
from typing import Any

import numpy as np

from ..framework import errors

_WAIT = 0.05  # seconds between checks of a session closing under a waiting call


def _shape_str(shape: Any) -> str:
    return "[" + ",".join("?" if d is None else str(d) for d in shape) + "]"


class QueueState:
    """``kind``: "FIFOQueue", "PaddingFIFOQueue", "RandomShuffleQueue" or "PriorityQueue";
    ``shapes``: a list per component (None entries unknown) or None."""

    def __init__(
        self,
        kind: str,
        name: str,
        capacity: int,
        n_components: int,
        shapes: list | None,
        min_after_dequeue: int = 0,
        seeds: tuple = (None, None),
    ) -> None:
        self.kind = kind
        self.name = name
        self.capacity = capacity if capacity is not None and capacity >= 0 else 2**62
        self.n = n_components
        self.shapes = shapes
        self.min_after_dequeue = min_after_dequeue
        self.cond = threading.Condition()
        self.closed = False
        self.cancel_enqueues = False
        self.session_closed = False
        self.items: Any = [] if kind in ("RandomShuffleQueue", "PriorityQueue") else deque()
        self._order = itertools.count()
        s1, s2 = seeds
        self.rng = np.random.default_rng(None if s1 is None else [s1, s2 or 0])

    # -- bookkeeping ---------------------------------------------------------------------------
    def size(self) -> int:
        return len(self.items)

    def close(self, cancel_pending_enqueues: bool = False) -> None:
        with self.cond:
            self.closed = True
            self.cancel_enqueues = self.cancel_enqueues or cancel_pending_enqueues
            self.cond.notify_all()

    def close_session(self) -> None:
        with self.cond:
            self.session_closed = True
            self.closed = True
            self.cond.notify_all()

    def _check_session(self) -> None:
        if self.session_closed:
            raise errors.CancelledError(None, None, "Session has been closed.")

    def _check_component(self, i: int, value: np.ndarray, batched: bool) -> None:
        if self.shapes is None or self.shapes[i] is None:
            return
        want = self.shapes[i]
        got = value.shape[1:] if batched else value.shape
        if len(got) != len(want) or any(w is not None and w != g for w, g in zip(want, got)):
            raise errors.InvalidArgumentError(
                None,
                None,
                f"Shape mismatch in tuple component {i}. Expected {_shape_str(want)}, got "
                f"{_shape_str(got)}",
            )

    # -- enqueue -------------------------------------------------------------------------------
    def enqueue(self, components: list, many: bool) -> None:
        arrays = [np.asarray(c) for c in components]
        for i, a in enumerate(arrays):
            if many and a.ndim == 0:
                raise errors.InvalidArgumentError(
                    None, None, f"Input {i} to enqueue_many must have rank >= 1"
                )
            self._check_component(i, a, many)
        if many:
            n = {a.shape[0] for a in arrays}
            if len(n) != 1:
                raise errors.InvalidArgumentError(
                    None,
                    None,
                    "All input tensors must have the same size in the 0th dimension. "
                    f"Component 0's size was {arrays[0].shape[0]}",
                )
            elements = [[np.array(a[k], dtype=a.dtype) for a in arrays] for k in range(n.pop())]
        else:
            elements = [[a.copy() for a in arrays]]
        with self.cond:
            for element in elements:
                while True:
                    self._check_session()
                    if self.closed:
                        raise errors.CancelledError(
                            None, None, f"{self.kind} '{self.name}' is closed."
                        )
                    if len(self.items) < self.capacity:
                        break
                    self.cond.wait(_WAIT)
                self._push(element)
                self.cond.notify_all()

    def _push(self, element: list) -> None:
        if self.kind == "PriorityQueue":
            heapq.heappush(self.items, (int(element[0]), next(self._order), element))
        else:
            self.items.append(element)

    def _pop(self) -> list:
        if self.kind == "PriorityQueue":
            return heapq.heappop(self.items)[2]
        if self.kind == "RandomShuffleQueue":
            i = int(self.rng.integers(len(self.items)))
            self.items[i], self.items[-1] = self.items[-1], self.items[i]
            return self.items.pop()
        return self.items.popleft()

    # -- dequeue -------------------------------------------------------------------------------
    def dequeue(self, n: int | None, up_to: bool = False) -> list:
        """One element (``n`` None) or ``n`` stacked; ``up_to``: fewer when the queue is
        closed (at least one)."""
        want = 1 if n is None else n
        if n is not None and n < 0:
            raise errors.InvalidArgumentError(None, None, f"Dequeue requested {n} < 0 elements")
        with self.cond:
            while True:
                self._check_session()
                have = len(self.items)
                keep = self.min_after_dequeue if not self.closed else 0
                if have - keep >= want and (have > 0 or want == 0):
                    break
                if self.closed:
                    if up_to and have > 0:
                        want = have
                        break
                    raise errors.OutOfRangeError(
                        None,
                        None,
                        f"{self.kind} '{self.name}' is closed and has insufficient elements "
                        f"(requested {want}, current size {have})",
                    )
                self.cond.wait(_WAIT)
            elements = [self._pop() for _ in range(want)]
            self.cond.notify_all()
        if n is None:
            return elements[0]
        return self._stack(elements)

    def _stack(self, elements: list) -> list:
        out = []
        for i in range(self.n):
            parts = [np.asarray(e[i]) for e in elements]
            if self.kind == "PaddingFIFOQueue" and parts:
                rank = parts[0].ndim
                target = [max(p.shape[d] for p in parts) for d in range(rank)]
                res = np.zeros([len(parts), *target], dtype=parts[0].dtype)
                if res.dtype == object:
                    res[...] = b""
                for k, p in enumerate(parts):
                    idx: tuple[Any, ...] = (k, *[slice(0, s) for s in p.shape])
                    res[idx] = p
                out.append(res)
            elif parts:
                out.append(np.stack(parts))
            else:
                shape = self.shapes[i] if self.shapes else []
                out.append(np.zeros([0, *[d or 0 for d in shape]]))
        return out
