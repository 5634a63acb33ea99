"""``map(num_parallel_calls=N)``'s engine: N worker threads that each take the next element from
the upstream iterator themselves, apply the function, and post the result under the element's
index; the consumer yields the results in input order (TF's ``deterministic`` default).

A thread pool with one task per element (``submit`` / ``result``) wakes a sleeping thread for
every element and then waits for it: about 45 us a hand-off on a 2-core VM, more than a small
map function costs. Here the workers run without hand-offs while results are wanted; a worker
waits only when it is ``2 N`` elements ahead of the consumer, and the consumer only when the
next result is not there yet.

Threads gain only where the function's work releases the GIL (kernels, JPEG decoding) for
longer than its Python parts hold it; where they do not, two threads run slower than one (the
GIL handed back and forth). So the map measures both, as TF's autotuning measures its
parallelism: ``PROBE`` elements run in the consumer's thread, the next ``PROBE`` on the
workers, and the faster (wall time per element the consumer sees) runs the rest.

An error raised by the function, or by the upstream iterator, reaches the consumer at the
element where it happened, as in the serial map; the consumer stopping early (the iterator
re-initialised, the session closed: ``Context.stop``) stops the workers.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from .context import Context

PROBE = 64  # elements timed in each mode before one is kept


class _Workers:
    """``width`` threads mapping ``source``'s elements from index ``first`` on."""

    def __init__(
        self, source: Iterator[list], call: Callable, width: int, ctx: Context, first: int
    ):
        self.source, self.call, self.ctx = source, call, ctx
        self.cond = threading.Condition()
        self.source_lock = threading.Lock()  # (the upstream generator: one thread at a time)
        self.results: dict[int, Any] = {}  # index -> output list, or the exception raised
        self.next_in = first  # the index the next element taken from upstream gets
        self.next_out = first  # the index the consumer waits for
        self.end: int | None = None  # the index upstream ended at
        self.stop = False
        self.ahead = 2 * width
        self.threads = [
            threading.Thread(target=self._work, name=f"tflite_core-map-{i}", daemon=True)
            for i in range(width)
        ]
        ctx.threads.extend(self.threads)
        for th in self.threads:
            th.start()

    def _stopped(self) -> bool:
        return self.stop or self.ctx.stop.is_set()

    def _take(self) -> tuple[int, Any] | None:
        """The next upstream element (or the exception upstream raised) and its index; None
        once upstream has ended or the workers are stopped."""
        with self.source_lock:
            if self.end is not None or self._stopped():
                return None
            k = self.next_in
            element: Any
            try:
                element = next(self.source)
            except StopIteration:
                self.end = k
                with self.cond:
                    self.cond.notify_all()
                return None
            except BaseException as e:  # (raised to the consumer at this element)
                element = e
                self.end = k + 1
            self.next_in = k + 1
            return k, element

    def _work(self) -> None:
        while True:
            with self.cond:
                while not self._stopped() and self.next_in - self.next_out >= self.ahead:
                    self.cond.wait(0.05)
            got = self._take()
            if got is None:
                return
            k, element = got
            out: Any = element
            if not isinstance(element, BaseException):
                try:
                    out = self.call(element, k)
                except BaseException as e:
                    out = e
            with self.cond:
                self.results[k] = out
                self.cond.notify_all()

    def outputs(self, count: int | None = None) -> Iterator[list]:
        """The next ``count`` outputs (all of them: None) in order, fewer where upstream ends
        (or the iterator is being stopped); an exception for an index is raised there."""
        while count is None or count > 0:
            with self.cond:
                k = self.next_out
                while k not in self.results and (self.end is None or k < self.end):
                    if self.ctx.stop.is_set():
                        return
                    self.cond.wait(0.05)
                if k not in self.results:
                    return
                item = self.results.pop(k)
                self.next_out = k + 1
                self.cond.notify_all()
            if isinstance(item, BaseException):
                raise item
            yield item
            if count is not None:
                count -= 1

    def shut(self) -> None:
        """Stops the threads; the outputs of the elements they took stay in ``results``."""
        with self.cond:
            self.stop = True
            self.cond.notify_all()
        for th in self.threads:
            th.join(timeout=10.0)


def keep_workers(serial_s: float, workers_s: float) -> bool:
    """Whether the workers, having taken ``workers_s`` for ``PROBE`` elements, keep mapping
    (against ``serial_s`` in the consumer's thread)."""
    return workers_s < serial_s


def parallel_map(
    source: Iterator[list], call: Callable[[list, int], list], width: int, ctx: Context
) -> Iterator[list]:
    """``call(element, index)`` over ``source``, in order: on ``width`` threads or in this one,
    whichever the first ``2 PROBE`` elements show faster."""
    workers: _Workers | None = None
    try:
        t0 = time.perf_counter()
        k = 0
        for element in itertools.islice(source, PROBE):  # PROBE elements here, timed
            yield call(element, k)
            k += 1
        if k < PROBE:
            return
        serial = time.perf_counter() - t0
        workers = _Workers(source, call, width, ctx, k)
        t0 = time.perf_counter()
        yield from workers.outputs(PROBE)  # then PROBE on the workers
        if keep_workers(serial, time.perf_counter() - t0):
            yield from workers.outputs()
            return
        workers.shut()  # (serial was faster: what the workers took, then the rest here)
        yield from workers.outputs(workers.next_in - workers.next_out)
        if workers.end is None and not ctx.stop.is_set():
            for k, element in enumerate(source, start=workers.next_in):
                yield call(element, k)
    finally:
        if workers is not None:
            workers.shut()
        close = getattr(source, "close", None)
        lock = workers.source_lock if workers is not None else threading.Lock()
        if close is not None and lock.acquire(timeout=10.0):  # (a worker may be inside it)
            try:
                close()
            finally:
                lock.release()
