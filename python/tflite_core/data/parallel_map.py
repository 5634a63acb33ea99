"""``map(num_parallel_calls=N)``'s engine: N worker threads that each take the next element from
the upstream iterator themselves, apply the function, and post the result under the element's
index; the consumer yields the results in input order (TF's ``deterministic`` default).

A thread pool with one task per element (``submit`` / ``result``) wakes a sleeping thread for
every element and then waits for it: about 45 us a hand-off on a 2-core VM, more than a small
map function costs, so such a map ran slower on 2 threads than on 1. Here the workers run
without hand-offs while results are wanted; a worker waits only when it is ``2 N`` elements
ahead of the consumer, and the consumer only when the next result is not there yet.

An error raised by the function, or by the upstream iterator, reaches the consumer at the
element where it happened, as in the serial map; the consumer stopping early (the iterator
re-initialised, the session closed: ``Context.stop``) stops the workers.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

from .context import Context


class _Shared:
    """The state the workers and the consumer share (guarded by ``cond``)."""

    def __init__(self, width: int) -> None:
        self.cond = threading.Condition()
        self.source_lock = threading.Lock()  # (the upstream generator: one thread at a time)
        self.results: dict[int, Any] = {}  # index -> output list, or the exception raised
        self.next_in = 0  # the index the next element taken from upstream gets
        self.next_out = 0  # the index the consumer waits for
        self.end: int | None = None  # the index upstream ended at
        self.stop = False
        self.ahead = 2 * width


def parallel_map(
    source: Iterator[list], call: Callable[[list, int], list], width: int, ctx: Context
) -> Iterator[list]:
    """``call(element, index)`` over ``source`` on ``width`` threads, in order."""
    s = _Shared(width)

    def stopped() -> bool:
        return s.stop or ctx.stop.is_set()

    def take() -> tuple[int, Any] | None:
        """The next upstream element and its index; None once upstream has ended."""
        with s.source_lock:
            if s.end is not None or stopped():
                return None
            k = s.next_in
            element: Any
            try:
                element = next(source)
            except StopIteration:
                element = None
                s.end = k
            except BaseException as e:  # (raised to the consumer at this element)
                element = e
                s.end = k + 1
            else:
                s.next_in = k + 1
            if s.end == k:
                with s.cond:
                    s.cond.notify_all()
                return None
            return k, element

    def work() -> None:
        while True:
            with s.cond:
                while not stopped() and s.next_in - s.next_out >= s.ahead:
                    s.cond.wait(0.05)
            got = take()
            if got is None:
                return
            k, element = got
            if isinstance(element, BaseException):
                out: Any = element
            else:
                try:
                    out = call(element, k)
                except BaseException as e:
                    out = e
            with s.cond:
                s.results[k] = out
                s.cond.notify_all()
            if isinstance(element, BaseException):
                return

    threads = [
        threading.Thread(target=work, name=f"tflite_core-map-{i}", daemon=True)
        for i in range(width)
    ]
    ctx.threads.extend(threads)
    for th in threads:
        th.start()
    try:
        k = 0
        while True:
            with s.cond:
                while k not in s.results and (s.end is None or k < s.end):
                    if ctx.stop.is_set():
                        return
                    s.cond.wait(0.05)
                if k not in s.results:
                    return  # (upstream ended before k)
                item = s.results.pop(k)
                s.next_out = k + 1
                s.cond.notify_all()
            if isinstance(item, BaseException):
                raise item
            yield item
            k += 1
    finally:
        with s.cond:
            s.stop = True
            s.cond.notify_all()
        for th in threads:
            th.join(timeout=10.0)
        with s.source_lock:
            close = getattr(source, "close", None)
            if close is not None:
                close()
