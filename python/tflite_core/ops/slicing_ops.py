"""Slicing, and the ops built from slices: ``StridedSlice`` (``tensor[...]``, ``tf.slice``,
``tf.strided_slice``; a scalar index known only when run becomes a gather), ``tile`` and ``pad``.

``Pad`` and ``PadV2`` are op types of their own; ``tile`` and mirror padding are built from
slices, broadcasts and concatenations and get their gradients from them.

>>> x = tf.constant([[1, 2], [3, 4]])
>>> with tf.Session() as sess:
...     print(sess.run(tf.pad(x, [[0, 1], [1, 0]])))
[[0 1 2]
 [0 3 4]
 [0 0 0]]
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..framework.constant_op import constant, convert_to_tensor
from ..framework.graph import Tensor, constant_value, get_default_graph, name_scope, shape_error
from ..framework.op_util import const_ints, is_symbolic, make_tensor
from ..framework.registry import RegisterGradient, register_op
from ..framework.tensor_shape import TensorShape
from .array_ops import broadcast_to, concat, identity, reshape
from .indexing_ops import gather, normalized_index

if TYPE_CHECKING:
    from ..framework.type_aliases import (
        TensorLike,
    )

_pyslice = slice  # the builtin: this module defines tf.slice
_FULL = ("slice", None, None, None)


# ---- StridedSlice (tensor[...]) ---------------------------------------------------------------
def _slice_plan(spec, dims):
    """Resolves a slice spec against dims -> (begin, strides, sizes per input dim, out dims)."""
    n_real = sum(1 for k in spec if k[0] in ("int", "slice"))
    begin: list[int | None] = []
    strides: list[int] = []
    sizes: list[int | None] = []
    out: list[int | None] = []
    d = 0
    for k in spec:
        if k[0] == "ellipsis":
            for _ in range(len(dims) - n_real):
                begin.append(0)
                strides.append(1)
                sizes.append(dims[d])
                out.append(dims[d])
                d += 1
            continue
        if k[0] == "newaxis":
            out.append(1)
            continue
        if d >= len(dims):
            raise ValueError(
                f"Index out of range: too many indices for a tensor of rank {len(dims)}"
            )
        n = dims[d]
        if k[0] == "int":
            i = k[1]
            if n is not None:
                if not -n <= i < n:
                    raise ValueError(f"slice index {i} of dimension {d} out of bounds for size {n}")
                i %= n
            elif i < 0:
                i = None
            begin.append(i)
            strides.append(1)
            sizes.append(1)
        else:
            _, start, stop, step = k
            if n is None:
                begin.append(None)
                strides.append(step or 1)
                sizes.append(None)
                out.append(None)
            else:
                b, e, s = _pyslice(start, stop, step).indices(n)
                m = len(range(b, e, s))
                begin.append(b if m else 0)
                strides.append(s)
                sizes.append(m)
                out.append(m)
        d += 1
    while d < len(dims):
        begin.append(0)
        strides.append(1)
        sizes.append(dims[d])
        out.append(dims[d])
        d += 1
    return begin, strides, sizes, out


def _slice_shape(op, in_shapes, value_of):
    s = in_shapes[0]
    if s.ndims is None:
        return [TensorShape(None)]
    try:
        return [TensorShape(_slice_plan(op.get_attr("spec"), s.as_list())[3])]
    except ValueError as e:  # name the op and the shape, as TF's shape errors do
        raise shape_error(op.type, op.name, str(e), in_shapes) from None


def _slice_attrs(op, in_shapes, out_shapes, value_of):
    b, st, sz, _ = _slice_plan(op.get_attr("spec"), list(in_shapes[0]))
    return [int(x) for x in b + st + sz], []


def _slice_grad_attrs(op, in_shapes, out_shapes, value_of):
    b, st, sz, _ = _slice_plan(op.get_attr("spec"), list(out_shapes[0]))
    return [int(x) for x in b + st + sz], []


register_op("StridedSlice", _slice_shape, "strided_slice", attrs_fn=_slice_attrs)
register_op(
    "StridedSliceGrad",
    lambda op, s, v: [s[1]],
    "strided_slice_grad",
    kernel_inputs=(0,),
    attrs_fn=_slice_grad_attrs,
)


@RegisterGradient("StridedSliceGrad")
def _strided_slice_grad_grad(op, grad):
    # Linear in dy (input 0): its gradient is the same slice of grad; input 1 gives the shape.
    return [
        make_tensor(
            "StridedSlice", [grad], grad.dtype, {"spec": op.get_attr("spec")}, "strided_slice"
        ),
        None,
    ]


@RegisterGradient("StridedSlice")
def _strided_slice_grad(op, grad):
    return [
        make_tensor(
            "StridedSliceGrad",
            [grad, op.inputs[0]],
            grad.dtype,
            {"spec": op.get_attr("spec")},
            "StridedSliceGrad",
        )
    ]


def _index_value(v, what):
    """A Python int from an int, a NumPy integer or a scalar int tensor whose value is known at
    graph build (a constant); ``None`` for a scalar int tensor known only when run."""
    if isinstance(v, numbers.Integral):
        return int(v)
    if hasattr(v, "_tflite_as_tensor"):
        v = convert_to_tensor(v)
    if isinstance(v, Tensor):
        if not v.dtype.is_integer or v.shape.ndims not in (None, 0):
            raise TypeError(
                "Only integers, slices (`:`), ellipsis (`...`), tf.newaxis (`None`) and scalar "
                f"tf.int32/tf.int64 tensors are valid indices, got {v!r}"
            )
        c = constant_value(v)
        return None if c is None else int(c)
    raise TypeError(
        "Only integers, slices (`:`), ellipsis (`...`), tf.newaxis (`None`) and scalar "
        f"tf.int32/tf.int64 tensors are valid indices, got {v!r}{what}"
    )


def _index_spec(key):
    """A slice key as a spec: entries ("ellipsis",), ("newaxis",), ("int", i) and ("slice",
    start, stop, step); ("dyn", tensor) for a scalar int tensor whose value is known only when
    run (``getitem`` gathers along that dimension)."""
    key = key if isinstance(key, tuple) else (key,)
    spec: list[tuple[Any, ...]] = []
    for k in key:
        if k is Ellipsis:
            spec.append(("ellipsis",))
        elif k is None:
            spec.append(("newaxis",))
        elif isinstance(k, _pyslice):
            bounds = []
            for v in (k.start, k.stop, k.step):
                b = None if v is None else _index_value(v, " as a slice bound")
                if v is not None and b is None:
                    raise TypeError(
                        f"slice bounds must be known when the graph is built, got {v!r}"
                    )
                bounds.append(b)
            if bounds[2] == 0:
                raise ValueError("slice step cannot be zero")
            spec.append(("slice", *bounds))
        else:
            i = _index_value(k, "")
            spec.append(("int", i) if i is not None else ("dyn", convert_to_tensor(k)))
    if sum(1 for k in spec if k[0] == "ellipsis") > 1:
        raise ValueError("an index can only have a single ellipsis")
    return tuple(spec)


def getitem(tensor: TensorLike, key: Any) -> Tensor:
    """``tensor[key]`` (``Tensor.__getitem__``): NumPy basic indexing, as TF's."""
    x = convert_to_tensor(tensor)
    spec = _index_spec(key)
    if any(k[0] == "dyn" for k in spec):
        return _dynamic_getitem(x, spec)
    return make_tensor("StridedSlice", [x], x.dtype, {"spec": spec}, "strided_slice")


def slice(
    input_: TensorLike, begin: TensorLike, size: TensorLike, name: str | None = None
) -> Tensor:
    """``input_[begin[i] : begin[i] + size[i]]`` in every dimension (size -1: to the end)."""
    x = convert_to_tensor(input_)
    key = tuple(
        _pyslice(int(b), None if int(s) == -1 else int(b) + int(s))
        for b, s in zip(np.asarray(begin).reshape(-1), np.asarray(size).reshape(-1))
    )
    return make_tensor("StridedSlice", [x], x.dtype, {"spec": _index_spec(key)}, name or "Slice")


# ---- tile --------------------------------------------------------------------------------------
def tile(input: TensorLike, multiples: TensorLike, name: str | None = None) -> Tensor:
    """``input`` repeated ``multiples[i]`` times along dimension ``i`` (as ``np.tile``).

    Built from Reshape, BroadcastTo and Reshape when the shape is fully known, else from
    ConcatV2 (``multiples`` must be known when the graph is built).

    >>> tf.tile(tf.zeros([2, 3]), [2, 1]).shape.as_list()
    [4, 3]
    """
    x = convert_to_tensor(input)
    m = const_ints(multiples, "multiples")
    r = x.shape.ndims
    if r is None:
        raise ValueError("tile needs an input of known rank")
    op_name = get_default_graph().unique_name(name or "Tile", mark_as_used=False)
    if len(m) != r:
        raise shape_error(
            "Tile",
            op_name,
            f"Expected multiples argument to be a vector of length {r} but got length {len(m)}",
            [x.shape, TensorShape([len(m)])],
        )
    for i, k in enumerate(m):
        if k < 0:
            raise ValueError(f"Expected multiples[{i}] >= 0, but got {k}")
    with name_scope(name, "Tile", [x]) as scope:
        d = x.shape.as_list()
        if all(k == 1 for k in m):
            return identity(x, name=scope)
        known = [n for n in d if n is not None]
        if len(known) == len(d):
            ones = [1] * r
            spread = [v for pair in zip(ones, known) for v in pair]
            target = [v for pair in zip(m, known) for v in pair]
            big = broadcast_to(reshape(x, spread), target)
            return reshape(big, [k * n for k, n in zip(m, known)], name=scope)
        out = x
        for a, k in enumerate(m):
            if k == 0:
                out = getitem(out, (_pyslice(None),) * a + (_pyslice(0, 0),))
            elif k > 1:
                out = concat([out] * k, a)
        return identity(out, name=scope)


# ---- Pad, PadV2, mirror padding -----------------------------------------------------------------
def _paddings(op, in_shapes, value_of):
    """The paddings as an [rank, 2] int array, or None while unknown; checks them."""
    s, p = in_shapes[0], value_of(1)
    if p is None:
        return None
    p = np.asarray(p)
    r = s.ndims if s.ndims is not None else (p.shape[0] if p.ndim == 2 else None)
    if p.ndim != 2 or p.shape[1] != 2 or (r is not None and p.shape[0] != r):
        raise shape_error(
            op.type,
            op.name,
            f"paddings must be a matrix with shape [{r}, 2], got {list(p.shape)}",
            in_shapes,
        )
    if (p < 0).any():
        bad = p[(p < 0).any(axis=1)][0]
        raise shape_error(
            op.type, op.name, f"Paddings must be non-negative: {bad[0]} {bad[1]}", in_shapes
        )
    return p.astype(np.int64)


def _pad_shape(op, in_shapes, value_of):
    s, p = in_shapes[0], _paddings(op, in_shapes, value_of)
    if p is None:
        return [TensorShape(None if s.ndims is None else [None] * s.ndims)]
    if s.ndims is None:
        return [TensorShape([None] * p.shape[0])]
    return [
        TensorShape([None if n is None else n + int(b + e) for n, (b, e) in zip(s.as_list(), p)])
    ]


def _pad_attrs(op, in_shapes, out_shapes, value_of):
    p = _paddings(op, [TensorShape(s) for s in in_shapes], value_of)
    value = 0.0 if op.type == "Pad" else float(np.asarray(value_of(2)).reshape(()))
    return [int(v) for v in p.reshape(-1)], [value]


register_op("Pad", _pad_shape, "pad", kernel_inputs=(0,), value_inputs=(1,), attrs_fn=_pad_attrs)
register_op(
    "PadV2", _pad_shape, "pad", kernel_inputs=(0,), value_inputs=(1, 2), attrs_fn=_pad_attrs
)


def _unpad(op, grad):
    """The part of ``grad`` over the unpadded input: a slice (paddings known at graph build)."""
    p = constant_value(op.inputs[1])
    if p is None:
        raise NotImplementedError(
            f"The gradient of {op.type} '{op.name}' needs paddings known when the graph is built"
        )
    key = tuple(_pyslice(int(b), -int(e) if e else None) for b, e in np.asarray(p))
    return getitem(grad, key)


@RegisterGradient("Pad")
def _pad_grad(op, grad):
    return [_unpad(op, grad), None]


@RegisterGradient("PadV2")
def _pad_v2_grad(op, grad):
    return [_unpad(op, grad), None, None]  # as TF: no gradient for constant_values


def pad(
    tensor: TensorLike,
    paddings: TensorLike,
    mode: str = "CONSTANT",
    name: str | None = None,
    constant_values: Any = 0,
) -> Tensor:
    """Pads ``tensor`` with ``paddings[i] = [before, after]`` entries along dimension ``i``.

    ``mode``: "CONSTANT" (``constant_values``; op Pad, or PadV2 for a non-zero value),
    "REFLECT" (mirror without the edge, padding < size) or "SYMMETRIC" (mirror with the edge,
    padding <= size); the mirror modes are built from slices and concat and need ``paddings``
    known when the graph is built.
    """
    x = convert_to_tensor(tensor)
    mode = str(mode).upper()
    if mode == "CONSTANT":
        with name_scope(name, "Pad", [x]) as scope:
            pads = paddings if isinstance(paddings, Tensor) else _paddings_const(paddings)
            if not is_symbolic(constant_values) and np.all(np.asarray(constant_values) == 0):
                return make_tensor("Pad", [x, pads], x.dtype, {"Tpaddings": pads.dtype}, scope)
            cv = convert_to_tensor(constant_values, dtype=x.dtype, name="constant_values")
            return make_tensor("PadV2", [x, pads, cv], x.dtype, {"Tpaddings": pads.dtype}, scope)
    if mode not in ("REFLECT", "SYMMETRIC"):
        raise ValueError(f"Unknown padding mode: {mode}")
    p = np.asarray(const_ints(paddings, "paddings")).reshape(-1, 2)
    r = x.shape.ndims
    if r is None or p.shape[0] != r or (p < 0).any():
        raise ValueError(f"paddings must be a non-negative [{r}, 2] matrix, got {p.tolist()}")
    with name_scope(name, "MirrorPad", [x]) as scope:
        out = x
        for a, (b, e) in enumerate(p):
            n = x.shape.as_list()[a]
            limit = n if mode == "SYMMETRIC" else None if n is None else n - 1
            if limit is not None and (b > limit or e > limit):
                raise ValueError(
                    f"paddings must be {'no greater than' if mode == 'SYMMETRIC' else 'less than'}"
                    f" the dimension size: {b}, {e} vs. {n} in dimension {a}"
                )
            lead = (_pyslice(None),) * a
            parts = []
            if b:
                first = b - 1 if mode == "SYMMETRIC" else b
                stop = None if mode == "SYMMETRIC" else 0
                parts.append(getitem(out, (*lead, _pyslice(first, stop, -1))))
            parts.append(out)
            if e:
                start = -1 if mode == "SYMMETRIC" else -2
                parts.append(getitem(out, (*lead, _pyslice(start, start - e, -1))))
            out = concat(parts, a) if len(parts) > 1 else out
        return identity(out, name=scope)


def _paddings_const(paddings) -> Tensor:
    arr = np.asarray(paddings)
    if arr.size == 0:
        arr = arr.reshape(0, 2).astype(np.int32)  # a scalar's paddings: []
    if arr.size and arr.dtype.kind not in "iu":
        raise TypeError(f"paddings must be integers, got {paddings!r}")
    return constant(arr.astype(np.int64 if arr.dtype == np.int64 else np.int32), name="paddings")


# ---- strided_slice and dynamic indices ----------------------------------------------------------
def strided_slice(
    input_: TensorLike,
    begin: TensorLike,
    end: TensorLike,
    strides: int | Sequence[int] | None = None,
    begin_mask: Any = 0,
    end_mask: Any = 0,
    ellipsis_mask: Any = 0,
    new_axis_mask: Any = 0,
    shrink_axis_mask: Any = 0,
    var: Any = None,
    name: str | None = None,
) -> Tensor:
    """TF's strided slice: entry ``i`` of ``begin``/``end``/``strides`` is a Python slice
    ``begin[i]:end[i]:strides[i]``, unless bit ``i`` of a mask says otherwise (begin_mask /
    end_mask: that bound is left out; ellipsis_mask: ``...``; new_axis_mask: ``tf.newaxis``;
    shrink_axis_mask: the single index ``begin[i]``, removing the dimension). ``begin``, ``end``
    and ``strides`` must be known when the graph is built.

    >>> x = tf.zeros([4, 5, 6])
    >>> tf.strided_slice(x, [1, 0], [3, 4], [1, 2], shrink_axis_mask=1).shape.as_list()
    [2, 6]
    """
    x = convert_to_tensor(input_)
    b, e = const_ints(begin, "begin"), const_ints(end, "end")
    s = [1] * len(b) if strides is None else const_ints(strides, "strides")
    if not len(b) == len(e) == len(s):
        raise ValueError(
            "Expected begin, end, and strides to be 1D equal size tensors, but got shapes "
            f"[{len(b)}], [{len(e)}], and [{len(s)}] instead."
        )
    if bin(ellipsis_mask).count("1") > 1:
        raise ValueError("Multiple ellipses in slice spec not allowed")
    spec: list[tuple[Any, ...]] = []
    for i in range(len(b)):
        bit = 1 << i
        if ellipsis_mask & bit:
            spec.append(("ellipsis",))
        elif new_axis_mask & bit:
            spec.append(("newaxis",))
        elif shrink_axis_mask & bit:
            if s[i] <= 0:  # as TF: a positive stride (ignored) on a shrunk dimension
                raise ValueError("only stride 1 allowed on non-range indexing.")
            spec.append(("int", b[i]))
        else:
            if s[i] == 0:
                raise ValueError(f"strides[{i}] must be non-zero")
            spec.append(
                (
                    "slice",
                    None if begin_mask & bit else b[i],
                    None if end_mask & bit else e[i],
                    s[i],
                )
            )
    return make_tensor("StridedSlice", [x], x.dtype, {"spec": tuple(spec)}, name or "StridedSlice")


def _dynamic_getitem(x: Tensor, spec) -> Tensor:
    """``x[key]`` where some indices are scalar int tensors known only when run: a strided slice
    of the static part, then a gather along each such dimension (negative indices count from the
    end; an index out of range is an InvalidArgumentError naming it)."""
    static = tuple(_FULL if k[0] == "dyn" else k for k in spec)
    y = x
    if any(k != _FULL for k in static):
        y = make_tensor("StridedSlice", [x], x.dtype, {"spec": static}, "strided_slice")
    n_real = sum(1 for k in spec if k[0] in ("int", "slice", "dyn"))
    pos, axes = 0, []
    for k in spec:
        if k[0] == "ellipsis":
            if x.shape.ndims is None:
                raise ValueError("indexing with an ellipsis and a tensor needs a known rank")
            pos += x.shape.ndims - n_real
        elif k[0] == "dyn":
            axes.append((pos, k[1]))
            pos += 1
        elif k[0] in ("slice", "newaxis"):
            pos += 1
    with name_scope(None, "strided_slice", [x]):
        for a, i in reversed(axes):
            y = gather(y, normalized_index(y, i, a), axis=a)
        return y
