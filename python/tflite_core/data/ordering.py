"""Nodes that reorder, cut, repeat or buffer elements: ``shuffle``, ``repeat``, ``take``,
``skip``, ``shard``, ``enumerate``, ``prefetch``, ``cache``."""

from __future__ import annotations

import os
import pickle
import queue
import threading
from collections.abc import Iterator
from typing import Any

import numpy as np

from ..framework import dtypes as _dt
from ..framework import errors
from ..framework.graph import Tensor
from ..ops.random_ops import get_seed
from . import structure
from .context import Context
from .node import INFINITE, UNKNOWN, Node, scalar_input


class ShuffleNode(Node):
    """TF's shuffle buffer: ``buffer_size`` elements held; each output is a uniformly drawn one,
    replaced by the next input. Seeded as TF's ops (graph and op seed); unseeded, drawn anew
    each time an iterator is initialised; ``reshuffle_each_iteration``: a new order each epoch
    of a ``repeat``. (The order is not TF's: its random stream is its own.)"""

    def __init__(self, upstream: Node, buffer_size: Any, seed: Any, reshuffle: bool | None) -> None:
        self.upstream = (upstream,)
        self.spec = upstream.spec
        self.size = scalar_input(buffer_size, _dt.int64, "buffer_size")
        self.seeds = get_seed(seed)
        self.reshuffle = True if reshuffle is None else bool(reshuffle)

    def inputs(self) -> list[Tensor]:
        return [self.size]

    def iterate(self, ctx: Context) -> Iterator[list]:
        n = ctx.scalar(self.size)
        if n <= 0 and n != -1:
            raise errors.InvalidArgumentError(None, None, "buffer_size must be greater than zero.")
        epoch = ctx.state.get(self, 0)
        ctx.state[self] = epoch + 1
        s1, s2 = self.seeds
        base = [ctx.entropy] if s1 is None else [s1, s2 or 0]
        rng = np.random.default_rng(base + ([epoch] if self.reshuffle else []))
        buf: list = []
        source = self.upstream[0].iterate(ctx)
        for element in source:
            buf.append(element)
            if len(buf) == n:
                break
        for element in source:
            i = int(rng.integers(len(buf)))
            yield buf[i]
            buf[i] = element
        while buf:
            i = int(rng.integers(len(buf)))
            buf[i], buf[-1] = buf[-1], buf[i]
            yield buf.pop()

    def cardinality(self, ctx: Context) -> int:
        return self.upstream[0].cardinality(ctx)


class RepeatNode(Node):
    def __init__(self, upstream: Node, count: Any) -> None:
        self.upstream = (upstream,)
        self.spec = upstream.spec
        self.count = scalar_input(-1 if count is None else count, _dt.int64, "count")

    def inputs(self) -> list[Tensor]:
        return [self.count]

    def iterate(self, ctx: Context) -> Iterator[list]:
        n = ctx.scalar(self.count)
        k = 0
        while n < 0 or k < n:
            empty = True
            for element in self.upstream[0].iterate(ctx):
                empty = False
                yield element
            if empty:  # (an empty input repeated forever ends, as TF)
                return
            k += 1

    def cardinality(self, ctx: Context) -> int:
        n = ctx.scalar(self.count)
        c = self.upstream[0].cardinality(ctx)
        if n < 0:
            return 0 if c == 0 else INFINITE if c != UNKNOWN else UNKNOWN
        return c * n if c >= 0 else c


class TakeNode(Node):
    def __init__(self, upstream: Node, count: Any) -> None:
        self.upstream = (upstream,)
        self.spec = upstream.spec
        self.count = scalar_input(count, _dt.int64, "count")

    def inputs(self) -> list[Tensor]:
        return [self.count]

    def iterate(self, ctx: Context) -> Iterator[list]:
        n = ctx.scalar(self.count)
        if n == 0:
            return
        for k, element in enumerate(self.upstream[0].iterate(ctx), 1):
            yield element
            if k == n:
                return

    def cardinality(self, ctx: Context) -> int:
        n, c = ctx.scalar(self.count), self.upstream[0].cardinality(ctx)
        if n < 0:
            return c
        return min(n, c) if c >= 0 else (n if c == INFINITE else UNKNOWN)


class SkipNode(Node):
    def __init__(self, upstream: Node, count: Any) -> None:
        self.upstream = (upstream,)
        self.spec = upstream.spec
        self.count = scalar_input(count, _dt.int64, "count")

    def inputs(self) -> list[Tensor]:
        return [self.count]

    def iterate(self, ctx: Context) -> Iterator[list]:
        n = ctx.scalar(self.count)
        for k, element in enumerate(self.upstream[0].iterate(ctx)):
            if n < 0:
                return
            if k >= n:
                yield element

    def cardinality(self, ctx: Context) -> int:
        n, c = ctx.scalar(self.count), self.upstream[0].cardinality(ctx)
        if c < 0:
            return c
        return 0 if n < 0 else max(c - n, 0)


class ShardNode(Node):
    def __init__(self, upstream: Node, num_shards: Any, index: Any) -> None:
        self.upstream = (upstream,)
        self.spec = upstream.spec
        self.n = scalar_input(num_shards, _dt.int64, "num_shards")
        self.index = scalar_input(index, _dt.int64, "index")

    def inputs(self) -> list[Tensor]:
        return [self.n, self.index]

    def _params(self, ctx: Context) -> tuple[int, int]:
        n, i = ctx.scalar(self.n), ctx.scalar(self.index)
        if n <= 0:
            raise errors.InvalidArgumentError(
                None,
                None,
                f"Number of shards must be greater than zero (currently num_shards = {n}).",
            )
        if not 0 <= i < n:
            raise errors.InvalidArgumentError(
                None, None, f"Index must be between 0 and {n - 1} (currently index = {i})."
            )
        return n, i

    def iterate(self, ctx: Context) -> Iterator[list]:
        n, i = self._params(ctx)
        for k, element in enumerate(self.upstream[0].iterate(ctx)):
            if k % n == i:
                yield element

    def cardinality(self, ctx: Context) -> int:
        n, i = self._params(ctx)
        c = self.upstream[0].cardinality(ctx)
        return c // n + (1 if i < c % n else 0) if c >= 0 else c


class EnumerateNode(Node):
    def __init__(self, upstream: Node, start: Any) -> None:
        self.upstream = (upstream,)
        self.start = scalar_input(start, _dt.int64, "start")
        self.spec = (structure.TensorSpec([], _dt.int64), upstream.spec)

    def inputs(self) -> list[Tensor]:
        return [self.start]

    def iterate(self, ctx: Context) -> Iterator[list]:
        for k, element in enumerate(self.upstream[0].iterate(ctx), ctx.scalar(self.start)):
            yield [np.asarray(k, np.int64), *element]

    def cardinality(self, ctx: Context) -> int:
        return self.upstream[0].cardinality(ctx)


_END = object()


class PrefetchNode(Node):
    """Elements computed ahead by a background thread (``buffer_size`` of them; AUTOTUNE: 2),
    so the pipeline's work overlaps the step that consumes them. An error in the pipeline
    reaches the consumer at the element where it happened; closing the session or
    re-initialising the iterator stops the thread."""

    def __init__(self, upstream: Node, buffer_size: Any) -> None:
        self.upstream = (upstream,)
        self.spec = upstream.spec
        self.size = scalar_input(buffer_size, _dt.int64, "buffer_size")

    def inputs(self) -> list[Tensor]:
        return [self.size]

    def iterate(self, ctx: Context) -> Iterator[list]:
        n = ctx.scalar(self.size)
        if n < -1:
            raise errors.InvalidArgumentError(None, None, "buffer_size must be >= -1 (AUTOTUNE).")
        q: queue.Queue = queue.Queue(maxsize=max(n, 1) if n != -1 else 2)
        stop = threading.Event()

        def put(item: Any) -> bool:
            while not (stop.is_set() or ctx.stop.is_set()):
                try:
                    q.put(item, timeout=0.05)
                    return True
                except queue.Full:
                    continue
            return False

        def produce() -> None:
            source = self.upstream[0].iterate(ctx)
            try:
                for element in source:
                    if not put(element):
                        return
                put(_END)
            except BaseException as e:  # (delivered to the consumer, raised there)
                put(e)
            finally:
                source.close()  # type: ignore[attr-defined]

        th = threading.Thread(target=produce, name="tflite_core-prefetch", daemon=True)
        ctx.threads.append(th)
        th.start()
        try:
            while True:
                item = q.get()
                if item is _END:
                    return
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            stop.set()
            th.join(timeout=10.0)

    def cardinality(self, ctx: Context) -> int:
        return self.upstream[0].cardinality(ctx)


class CacheNode(Node):
    """The first complete pass's elements, kept and replayed: in memory (``filename`` ""), or
    in the file ``filename`` (written when a pass completes, read by later iterators, even in
    another process, while it exists)."""

    def __init__(self, upstream: Node, filename: Any) -> None:
        self.upstream = (upstream,)
        self.spec = upstream.spec
        self.filename = structure.to_tensors(filename, "cache filename")

    def inputs(self) -> list[Tensor]:
        return [self.filename]

    def iterate(self, ctx: Context) -> Iterator[list]:
        name = ctx.string(self.filename)
        cached = ctx.state.get(self)
        path = name + ".tflite_core_cache" if name else None
        if cached is None and path and os.path.exists(path):
            with open(path, "rb") as f:
                cached = pickle.load(f)
        if cached is not None:
            yield from ([np.array(v, copy=True) for v in e] for e in cached)
            return
        seen = []
        for element in self.upstream[0].iterate(ctx):
            seen.append(element)
            yield element
        ctx.state[self] = seen
        if path:
            tmp = path + ".tmp"
            with open(tmp, "wb") as f:
                pickle.dump(seen, f)
            os.replace(tmp, path)

    def cardinality(self, ctx: Context) -> int:
        return self.upstream[0].cardinality(ctx)


class TakeWhileNode(Node):
    def __init__(self, upstream: Node, predicate: Any) -> None:
        self.upstream = (upstream,)
        self.functions = (predicate,)
        self.spec = upstream.spec

    def iterate(self, ctx: Context) -> Iterator[list]:
        call = self.functions[0].bind(ctx)
        for element in self.upstream[0].iterate(ctx):
            if not bool(call(element)[0]):
                return
            yield element
