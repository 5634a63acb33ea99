"""Source nodes: ``from_tensors``, ``from_tensor_slices``, ``range``, ``from_generator``; and the
nodes that join datasets: ``zip``, ``concatenate``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from ..framework import dtypes as _dt
from ..framework import errors
from ..framework.graph import Tensor
from ..framework.tensor_shape import Dimension, TensorShape
from ..io.gfile import glob
from ..ops.random_ops import get_seed
from . import structure
from .context import Context
from .errors_util import from_python
from .node import INFINITE, UNKNOWN, Node, as_bytes_list, scalar_input


class TensorsNode(Node):
    """One element: the tensors' values."""

    def __init__(self, element: Any) -> None:
        tensors = structure.to_tensors(element, "from_tensors")
        self.spec = structure.spec_of(tensors)
        self.components: list[Tensor] = structure.flatten(tensors)

    def inputs(self) -> list[Tensor]:
        return self.components

    def iterate(self, ctx: Context) -> Iterator[list]:
        yield [np.asarray(ctx.value(t)) for t in self.components]

    def cardinality(self, ctx: Context) -> int:
        return 1


class SlicesNode(Node):
    """The slices of the tensors along their first dimension."""

    def __init__(self, element: Any) -> None:
        tensors = structure.to_tensors(element, "from_tensor_slices")
        self.components = structure.flatten(tensors)
        if not self.components:
            raise ValueError("Invalid `element`. `element` should not be empty.")
        first = Dimension(None)
        for t in self.components:
            if t.shape.rank == 0:
                raise ValueError(
                    f"Unbatching a tensor is only supported for rank >= 1, got {t.name} of shape ()"
                )
            if t.shape.rank is not None:
                first = first.merge_with(t.shape[0])  # (ValueError: "Dimensions 2 and 3 ...")
        self.spec = structure.map_structure(
            lambda t: structure.TensorSpec(
                t.shape[1:] if t.shape.rank is not None else TensorShape(None), t.dtype
            ),
            tensors,
        )

    def inputs(self) -> list[Tensor]:
        return self.components

    def _values(self, ctx: Context) -> list[np.ndarray]:
        vals = [np.asarray(ctx.value(t)) for t in self.components]
        n = {v.shape[0] for v in vals}
        if len(n) > 1:
            sizes = ", ".join(str(v.shape[0]) for v in vals)
            raise errors.InvalidArgumentError(
                None, None, f"All components must have the same size in the 0th dimension: {sizes}"
            )
        return vals

    def iterate(self, ctx: Context) -> Iterator[list]:
        vals = self._values(ctx)
        for i in range(vals[0].shape[0]):
            yield [v[i] for v in vals]

    def cardinality(self, ctx: Context) -> int:
        return int(np.asarray(ctx.value(self.components[0])).shape[0])


class RangeNode(Node):
    def __init__(self, args: tuple, output_type: Any) -> None:
        if not 1 <= len(args) <= 3:
            raise ValueError(f"Invalid arguments to RangeDataset: {args}")
        start, stop, step = (0, args[0], 1) if len(args) == 1 else (*args, 1)[:3]
        self.args = [
            scalar_input(a, _dt.int64, n)
            for a, n in zip((start, stop, step), ("start", "stop", "step"))
        ]
        self.dtype = _dt.as_dtype(output_type)
        self.spec = structure.TensorSpec([], self.dtype)

    def inputs(self) -> list[Tensor]:
        return self.args

    def _range(self, ctx: Context) -> range:
        start, stop, step = (ctx.scalar(t) for t in self.args)
        if step == 0:
            raise errors.InvalidArgumentError(None, None, "step must be a non-zero integer.")
        return range(start, stop, step)

    def iterate(self, ctx: Context) -> Iterator[list]:
        np_dt = self.dtype.np
        for v in self._range(ctx):
            yield [np.asarray(v, np_dt)]

    def cardinality(self, ctx: Context) -> int:
        return len(self._range(ctx))


class GeneratorNode(Node):
    """The values ``generator(*args)`` yields, checked against the declared types and shapes."""

    def __init__(self, generator: Callable[..., Any], spec: Any, args: Any) -> None:
        if not callable(generator):
            raise TypeError("`generator` must be a Python callable.")
        self.generator = generator
        self.spec = spec
        self.args = (
            [] if args is None else [structure.to_tensors(a, "from_generator args") for a in args]
        )
        self.flat_spec = structure.flatten(spec)

    def inputs(self) -> list[Tensor]:
        return self.args

    def _element(self, value: Any) -> list:
        spec = self.spec
        if structure.is_nested(spec) and isinstance(value, list):
            value = tuple(value)
        if not structure.same_structure(spec, value):
            raise TypeError(
                "`generator` yielded an element that did not match the expected structure. "
                f"The expected structure was {structure.types_of(spec)}, but the yielded element "
                f"was {value}."
            )
        out = []
        for v, s in zip(structure.flatten(value), self.flat_spec):
            try:
                arr = structure.check_value(v, s, "`generator` yielded an element")
            except TypeError:
                raise TypeError(
                    "`generator` yielded an element that could not be converted to the "
                    f"expected type. The expected type was {s.dtype.name}, but the yielded "
                    f"element was {v}."
                ) from None
            except ValueError:
                raise ValueError(
                    f"`generator` yielded an element of shape {np.shape(v)} where an element "
                    f"of shape {tuple(s.shape.as_list()) if s.shape.rank is not None else None} "
                    "was expected."
                ) from None
            out.append(arr)
        return out

    def iterate(self, ctx: Context) -> Iterator[list]:
        args = [ctx.value(t) for t in self.args]
        try:
            it = iter(self.generator(*args))
        except Exception as e:
            raise from_python(e, "PyFunc") from None
        while True:
            try:
                value = next(it)
            except StopIteration:
                return
            except Exception as e:
                raise from_python(e, "PyFunc") from None
            try:
                element = self._element(value)
            except (TypeError, ValueError) as e:
                raise from_python(e, "PyFunc") from None
            yield element


class ZipNode(Node):
    def __init__(self, datasets: Any, nodes: list[Node]) -> None:
        self.upstream = tuple(nodes)
        self.spec = structure.pack(datasets, [n.spec for n in nodes])

    def iterate(self, ctx: Context) -> Iterator[list]:
        its = [n.iterate(ctx) for n in self.upstream]
        while True:
            element: list = []
            for it in its:
                try:
                    element += next(it)
                except StopIteration:
                    return
            yield element

    def cardinality(self, ctx: Context) -> int:
        cards = [n.cardinality(ctx) for n in self.upstream]
        finite = [c for c in cards if c >= 0]
        if finite:
            return min(finite)
        return UNKNOWN if UNKNOWN in cards else INFINITE


def _most_specific(a: TensorShape, b: TensorShape) -> TensorShape:
    if a.rank is None or b.rank is None or a.rank != b.rank:
        return TensorShape(None)
    return TensorShape([x if x == y else None for x, y in zip(a.as_list(), b.as_list())])


class ConcatenateNode(Node):
    def __init__(self, first: Node, second: Node) -> None:
        ta, tb = structure.types_of(first.spec), structure.types_of(second.spec)
        if not structure.same_structure(ta, tb) or structure.flatten(ta) != structure.flatten(tb):
            raise TypeError(f"Incompatible dataset elements:\n  {first.spec}\nvs.\n  {second.spec}")
        self.upstream = (first, second)
        self.spec = structure.pack(
            first.spec,
            [
                structure.TensorSpec(_most_specific(x.shape, y.shape), x.dtype)
                for x, y in zip(structure.flatten(first.spec), structure.flatten(second.spec))
            ],
        )

    def iterate(self, ctx: Context) -> Iterator[list]:
        yield from self.upstream[0].iterate(ctx)
        yield from self.upstream[1].iterate(ctx)

    def cardinality(self, ctx: Context) -> int:
        a, b = (n.cardinality(ctx) for n in self.upstream)
        if INFINITE in (a, b):
            return INFINITE
        if UNKNOWN in (a, b):
            return UNKNOWN
        return a + b


class ListFilesNode(Node):
    """The file names matching ``pattern`` (a string or a vector of them), sorted; shuffled
    (each epoch, as TF's ``list_files``) unless ``shuffle`` is False."""

    def __init__(self, pattern: Any, shuffle: bool | None, seed: Any) -> None:
        self.pattern = structure.to_tensors(pattern, "file_pattern")
        self.spec = structure.TensorSpec([], _dt.string)
        self.shuffle = True if shuffle is None else bool(shuffle)
        self.seeds = get_seed(seed)

    def inputs(self) -> list[Tensor]:
        return [self.pattern]

    def iterate(self, ctx: Context) -> Iterator[list]:
        patterns = as_bytes_list(ctx.value(self.pattern))
        names: list[str] = []
        for p in patterns:
            names += glob(p.decode())
        names = sorted(set(names))
        if not names:
            raise errors.InvalidArgumentError(
                None, None, f"No files matched pattern: {', '.join(p.decode() for p in patterns)}"
            )
        if self.shuffle:
            epoch = ctx.state.get(self, 0)
            ctx.state[self] = epoch + 1
            s1, s2 = self.seeds
            rng = np.random.default_rng(([ctx.entropy] if s1 is None else [s1, s2 or 0]) + [epoch])
            names = [names[i] for i in rng.permutation(len(names))]
        for n in names:
            yield [np.asarray(n.encode(), dtype=object)]
