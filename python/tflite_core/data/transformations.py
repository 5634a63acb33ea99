"""Nodes that compute elements: ``map``, ``filter``, ``flat_map``, ``interleave``, ``batch``,
``padded_batch``, ``unbatch``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from ..framework import dtypes as _dt
from ..framework import errors
from ..framework.graph import Tensor
from ..framework.tensor_shape import TensorShape, as_shape
from . import structure
from .context import Context
from .functions import StructuredFunction
from .node import INFINITE, UNKNOWN, Node, bool_input, scalar_input
from .parallel_map import parallel_map


class MapNode(Node):
    """``fn`` on each element; with ``num_parallel_calls`` above 1, that many elements at once
    (the order kept, as TF's ``deterministic`` default)."""

    def __init__(self, upstream: Node, fn: StructuredFunction, parallel: int | None) -> None:
        self.upstream = (upstream,)
        self.functions = (fn,)
        self.fn = fn
        self.spec = fn.output_spec
        self.parallel = parallel

    def iterate(self, ctx: Context) -> Iterator[list]:
        call = self.fn.bind(ctx)
        source = self.upstream[0].iterate(ctx)
        if not self.parallel or self.parallel == 1:
            for k, element in enumerate(source):
                yield call(element, k)
            return
        width = self.parallel if self.parallel > 0 else 2
        yield from parallel_map(source, call, width, ctx)

    def cardinality(self, ctx: Context) -> int:
        # (TF 1.x's map does not preserve cardinality: a function may end the input early)
        c = self.upstream[0].cardinality(ctx)
        return c if c == INFINITE else UNKNOWN


class FilterNode(Node):
    def __init__(self, upstream: Node, predicate: StructuredFunction) -> None:
        out = predicate.output_spec
        if (
            not isinstance(out, structure.TensorSpec)
            or out.dtype != _dt.bool
            or not (out.shape.is_compatible_with(TensorShape([])))
        ):
            raise ValueError(
                "Invalid `predicate`. `predicate` must return a `tf.bool` scalar tensor, but its "
                f"return type was {out}."
            )
        self.upstream = (upstream,)
        self.functions = (predicate,)
        self.spec = upstream.spec

    def iterate(self, ctx: Context) -> Iterator[list]:
        call = self.functions[0].bind(ctx)
        for element in self.upstream[0].iterate(ctx):
            if bool(call(element)[0]):
                yield element


class FlatMapNode(Node):
    """The elements of the dataset ``fn`` makes of each element; with ``cycle_length``, the
    datasets of that many elements interleaved, ``block_length`` elements at a time."""

    def __init__(
        self,
        upstream: Node,
        fn: StructuredFunction,
        cycle_length: Any = None,
        block_length: Any = None,
    ) -> None:
        self.upstream = (upstream,)
        self.functions = (fn,)
        self.fn = fn
        assert fn.dataset is not None
        self.inner: Node = fn.dataset._node
        self.spec = fn.output_spec
        self.interleave = cycle_length is not None or block_length is not None
        self.cycle = scalar_input(
            -1 if cycle_length is None else cycle_length, _dt.int64, "cycle_length"
        )
        self.block = scalar_input(
            1 if block_length is None else block_length, _dt.int64, "block_length"
        )

    def inputs(self) -> list[Tensor]:
        return [self.cycle, self.block] if self.interleave else []

    def _inner(self, ctx: Context, call: Any, element: list) -> Iterator[list]:
        values = dict(ctx.values)
        values.update(zip(self.fn.outputs, call(element)))
        inner = Context(ctx.session, values)
        inner.state, inner.stop, inner.threads, inner.entropy = (
            ctx.state,
            ctx.stop,
            ctx.threads,
            ctx.entropy,
        )
        return self.inner.iterate(inner)

    def iterate(self, ctx: Context) -> Iterator[list]:
        call = self.fn.bind(ctx)
        source = self.upstream[0].iterate(ctx)
        if not self.interleave:
            for element in source:
                yield from self._inner(ctx, call, element)
            return
        cycle, block = ctx.scalar(self.cycle), ctx.scalar(self.block)
        if cycle == -1 or cycle == 0:  # (AUTOTUNE: TF picks the CPU count)
            cycle = 2
        if block <= 0:
            raise errors.InvalidArgumentError(None, None, "block_length must be greater than zero.")
        if cycle < 0:
            raise errors.InvalidArgumentError(None, None, "cycle_length must be greater than zero.")
        yield from interleave((self._inner(ctx, call, e) for e in source), cycle, block)


def interleave(sources: Iterator[Iterator[list]], cycle: int, block: int) -> Iterator[list]:
    """TF's InterleaveDataset order: a cycle of ``cycle`` slots, each giving ``block`` elements
    in turn; an exhausted slot is emptied and the cycle moves on; an empty slot is filled from
    ``sources`` when the cycle comes back to it."""
    slots: list = [None] * cycle
    index = block_index = 0
    open_ = 0
    end_of_input = False
    while not end_of_input or open_ > 0:
        it = slots[index]
        if it is not None:
            try:
                element = next(it)
            except StopIteration:
                slots[index] = None
                open_ -= 1
                index, block_index = (index + 1) % cycle, 0
                continue
            block_index += 1
            if block_index == block:
                index, block_index = (index + 1) % cycle, 0
            yield element
        elif not end_of_input:
            try:
                slots[index] = next(sources)
                open_ += 1
            except StopIteration:
                end_of_input = True
        else:
            index, block_index = (index + 1) % cycle, 0


def _batch_spec(spec: Any, batch: int | None) -> Any:
    return structure.map_structure(
        lambda s: structure.TensorSpec(TensorShape([batch]).concatenate(s.shape), s.dtype), spec
    )


def _static_int(t: Tensor) -> int | None:
    op = t.op
    if op.type == "Const":
        return int(np.asarray(op.get_attr("value")))
    return None


def _stack(parts: list, i: int) -> np.ndarray:
    first = parts[0]
    for k, p in enumerate(parts[1:], 1):
        if p.shape != first.shape:
            raise errors.InvalidArgumentError(
                None,
                None,
                f"Cannot batch tensors with different shapes in component {i}. First element had "
                f"shape {list(first.shape)} and element {k} had shape {list(p.shape)}.",
            )
    return np.stack(parts)


class BatchNode(Node):
    def __init__(self, upstream: Node, batch_size: Any, drop_remainder: Any) -> None:
        self.upstream = (upstream,)
        self.size = scalar_input(batch_size, _dt.int64, "batch_size")
        self.drop = bool_input(drop_remainder, "drop_remainder")
        n = _static_int(self.size)
        drop = self.drop.op.type == "Const" and bool(self.drop.op.get_attr("value"))
        self.spec = _batch_spec(upstream.spec, n if drop else None)

    def inputs(self) -> list[Tensor]:
        return [self.size, self.drop]

    def _params(self, ctx: Context) -> tuple[int, bool]:
        n = ctx.scalar(self.size)
        if n <= 0:
            raise errors.InvalidArgumentError(None, None, "Batch size must be greater than zero.")
        return n, bool(ctx.value(self.drop))

    def _finish(self, batch: list[list], ctx: Context) -> list:
        return [_stack([e[i] for e in batch], i) for i in range(len(batch[0]))]

    def iterate(self, ctx: Context) -> Iterator[list]:
        n, drop = self._params(ctx)
        batch: list[list] = []
        for element in self.upstream[0].iterate(ctx):
            batch.append(element)
            if len(batch) == n:
                yield self._finish(batch, ctx)
                batch = []
        if batch and not drop:
            yield self._finish(batch, ctx)

    def cardinality(self, ctx: Context) -> int:
        c = self.upstream[0].cardinality(ctx)
        if c < 0:
            return c
        n, drop = self._params(ctx)
        return c // n if drop else -(-c // n)


class PaddedBatchNode(BatchNode):
    """Batches whose components are padded (with ``padding_values``) to ``padded_shapes``
    (``None``/-1 dimensions: the batch's longest)."""

    def __init__(
        self,
        upstream: Node,
        batch_size: Any,
        padded_shapes: Any,
        padding_values: Any,
        drop_remainder: Any,
    ) -> None:
        super().__init__(upstream, batch_size, drop_remainder)
        flat_spec = structure.flatten(upstream.spec)
        if padded_shapes is None:
            shapes = [s.shape for s in flat_spec]
            if any(s.rank is None for s in shapes):
                raise ValueError(
                    "You must provide `padded_shapes` argument because component has unknown rank."
                )
            shapes = [TensorShape([None] * int(s.rank or 0)) for s in shapes]
        else:
            shapes = [
                as_shape(s) if not isinstance(s, Tensor) else TensorShape(None)
                for s in structure.flatten(padded_shapes)
            ]
            if len(shapes) != len(flat_spec):
                raise ValueError(
                    "The padded_shapes structure does not match the dataset's elements."
                )
        self.padded = [
            TensorShape([None if d == -1 else d for d in s.as_list()]) if s.rank is not None else s
            for s in shapes
        ]
        for ps, s in zip(self.padded, flat_spec):
            if ps.rank is not None and s.shape.rank is not None and ps.rank != s.shape.rank:
                raise ValueError(
                    f"The padded shape {ps} is not compatible with the shape {s.shape} of the "
                    "corresponding input component."
                )
        if padding_values is None:
            pads = [b"" if s.dtype == _dt.string else 0 for s in flat_spec]
        else:
            pads = structure.flatten(padding_values)
            if len(pads) != len(flat_spec):
                raise ValueError(
                    "The padding_values structure does not match the dataset's elements."
                )
        self.pads = [
            (p if isinstance(p, bytes) else str(p).encode())
            if s.dtype == _dt.string
            else np.asarray(p, s.dtype.np)
            for p, s in zip(pads, flat_spec)
        ]
        n = _static_int(self.size)
        drop = self.drop.op.type == "Const" and bool(self.drop.op.get_attr("value"))
        batch = n if drop else None
        self.spec = structure.pack(
            upstream.spec,
            [
                structure.TensorSpec(
                    TensorShape([batch]).concatenate(
                        TensorShape([d if d is not None else None for d in ps.as_list()])
                        if ps.rank is not None
                        else s.shape
                    ),
                    s.dtype,
                )
                for ps, s in zip(self.padded, flat_spec)
            ],
        )

    def _finish(self, batch: list[list], ctx: Context) -> list:
        out = []
        for i, (ps, pad) in enumerate(zip(self.padded, self.pads)):
            parts = [np.asarray(e[i]) for e in batch]
            rank = parts[0].ndim
            if any(p.ndim != rank for p in parts):
                raise errors.InvalidArgumentError(
                    None,
                    None,
                    "All elements in a batch must have the same rank as the padded shape for "
                    f"component{i}",
                )
            longest = [max(p.shape[d] for p in parts) for d in range(rank)]
            target = [
                longest[d] if ps.rank is None or ps.as_list()[d] is None else ps.as_list()[d]
                for d in range(rank)
            ]
            for p in parts:
                for d in range(rank):
                    if p.shape[d] > target[d]:
                        raise errors.InvalidArgumentError(
                            None,
                            None,
                            f"Attempted to pad to a smaller size than the input element. "
                            f"Component {i}, dimension {d}: padded size {target[d]}, element "
                            f"size {p.shape[d]}",
                        )
            res = np.empty([len(parts)] + [int(t or 0) for t in target], dtype=parts[0].dtype)
            res[...] = pad
            for k, p in enumerate(parts):
                idx: tuple[Any, ...] = (k, *[slice(0, s) for s in p.shape])
                res[idx] = p
            out.append(res)
        return out


class UnbatchNode(Node):
    def __init__(self, upstream: Node) -> None:
        flat = structure.flatten(upstream.spec)
        for s in flat:
            if s.shape.rank == 0:
                raise ValueError("Unbatching a dataset is only supported for rank >= 1")
        self.upstream = (upstream,)
        self.spec = structure.map_structure(
            lambda s: structure.TensorSpec(
                s.shape[1:] if s.shape.rank is not None else s.shape, s.dtype
            ),
            upstream.spec,
        )

    def iterate(self, ctx: Context) -> Iterator[list]:
        for element in self.upstream[0].iterate(ctx):
            n = {np.shape(v)[0] for v in element}
            if len(n) != 1:
                raise errors.InvalidArgumentError(
                    None, None, "Input element must have the same batch size in each component."
                )
            for i in range(n.pop()):
                yield [v[i] for v in element]

    def cardinality(self, ctx: Context) -> int:
        c = self.upstream[0].cardinality(ctx)
        return c if c == INFINITE else UNKNOWN
