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

from ..framework import dtypes as _dt
from ..framework.constant_op import _holds_tensors, constant, convert_to_tensor
from ..framework.graph import Tensor, constant_value, get_default_graph, name_scope, shape_error
from ..framework.op_util import (
    arg_value,
    const_ints,
    int_arg,
    is_symbolic,
    make_tensor,
    partial_ints,
    partial_value,
)
from ..framework.registry import RegisterGradient, register_op
from ..framework.tensor_shape import TensorShape
from .array_ops import cast, concat, identity, reshape, shape, stack
from .indexing_ops import gather, normalized_index
from .math_ops import reduce_sum

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


_MASKS = ("begin_mask", "end_mask", "ellipsis_mask", "new_axis_mask", "shrink_axis_mask")


def _masked_spec(b, e, s, masks) -> tuple:
    """A slice spec from ``begin``/``end``/``strides`` values and TF's five bit masks."""
    begin_mask, end_mask, ellipsis_mask, new_axis_mask, shrink_axis_mask = masks
    if not len(b) == len(e) == len(s):
        raise ValueError(
            "Expected begin, end, and strides to be 1D equal size tensors, but got shapes "
            f"[{len(b)}], [{len(e)}], and [{len(s)}] instead."
        )
    if bin(ellipsis_mask).count("1") > 1:
        raise ValueError("Multiple ellipses in slice spec not allowed")
    spec: list = []
    for i in range(len(b)):
        bit = 1 << i
        if ellipsis_mask & bit:
            spec.append(("ellipsis",))
        elif new_axis_mask & bit:
            spec.append(("newaxis",))
        elif shrink_axis_mask & bit:
            if s[i] is not None and s[i] <= 0:  # as TF: a positive stride (ignored)
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
    return tuple(spec)


def _spec(op, value_of, first: int = 1):
    """The op's slice spec: attribute ``spec``, or built from the values of its ``begin``,
    ``end`` and ``strides`` inputs (from ``first``) when they are known only when run; None
    while they are unknown."""
    spec = op._attrs.get("spec")
    if spec is not None:
        return spec
    vals = [value_of(i) for i in range(first, first + 3)]
    if any(v is None for v in vals):
        return None
    b, e, st = ([int(x) for x in np.asarray(v).reshape(-1)] for v in vals)
    return _masked_spec(b, e, st, [op._attrs[m] for m in _MASKS])


def _slice_shape(op, in_shapes, value_of):
    s = in_shapes[0]
    if s.ndims is None:
        return [TensorShape(None)]
    try:
        spec = _spec(op, value_of)
        if spec is None:  # bounds known only when run: as TF, an unknown shape
            return [TensorShape(None)]
        return [TensorShape(_slice_plan(spec, s.as_list())[3])]
    except ValueError as e:  # name the op and the shape, as TF's shape errors do
        raise shape_error(op.type, op.name, str(e), in_shapes) from None


def _slice_attrs(op, in_shapes, out_shapes, value_of):
    b, st, sz, _ = _slice_plan(_spec(op, value_of), list(in_shapes[0]))
    return [int(x) for x in b + st + sz], []


def _slice_grad_attrs(op, in_shapes, out_shapes, value_of):
    b, st, sz, _ = _slice_plan(_spec(op, value_of, 2), list(out_shapes[0]))
    return [int(x) for x in b + st + sz], []


register_op(
    "StridedSlice",
    _slice_shape,
    "strided_slice",
    kernel_inputs=(0,),
    value_inputs=(1, 2, 3),
    attrs_fn=_slice_attrs,
)
register_op(
    "StridedSliceGrad",
    lambda op, s, v: [s[1]],
    "strided_slice_grad",
    kernel_inputs=(0,),
    value_inputs=(2, 3, 4),
    attrs_fn=_slice_grad_attrs,
)


def _slice_attrs_of(op) -> dict:
    return {k: op._attrs[k] for k in ("spec", *_MASKS) if k in op._attrs}


@RegisterGradient("StridedSliceGrad")
def _strided_slice_grad_grad(op, grad):
    # Linear in dy (input 0): its gradient is the same slice of grad; input 1 gives the shape.
    bounds = op.inputs[2:]
    return [
        make_tensor(
            "StridedSlice", [grad, *bounds], grad.dtype, _slice_attrs_of(op), "strided_slice"
        ),
        *[None] * (1 + len(bounds)),
    ]


@RegisterGradient("StridedSlice")
def _strided_slice_grad(op, grad):
    bounds = op.inputs[1:]
    return [
        make_tensor(
            "StridedSliceGrad",
            [grad, op.inputs[0], *bounds],
            grad.dtype,
            _slice_attrs_of(op),
            "StridedSliceGrad",
        ),
        *[None] * len(bounds),
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
    """``input_[begin[i] : begin[i] + size[i]]`` in every dimension (size -1: to the end);
    ``begin`` and ``size`` may be int tensors known only when run (op ``Slice``)."""
    x = convert_to_tensor(input_)
    (b, bx), (z, zx) = int_arg(begin, "begin"), int_arg(size, "size")
    if not bx and not zx:
        key = tuple(
            _pyslice(int(i), None if int(n) == -1 else int(i) + int(n))
            for i, n in zip(_as_list(b), _as_list(z))
        )
        return make_tensor(
            "StridedSlice", [x], x.dtype, {"spec": _index_spec(key)}, name or "Slice"
        )
    with name_scope(name, "Slice", [x]) as scope:
        dtype = (bx or zx)[0].dtype
        bt = bx[0] if bx else constant(np.asarray(_as_list(b), dtype.np), name="begin")
        zt = zx[0] if zx else constant(np.asarray(_as_list(z), dtype.np), name="size")
        return make_tensor("Slice", [x, bt, zt], x.dtype, {"Index": dtype}, scope)


def _slice_bounds(op, in_shapes, value_of):
    """Slice's (begin, size) resolved against the input's shape (size -1: to the end), checked
    in TF's words; None while either is unknown."""
    s, b, z = in_shapes[0], value_of(1), value_of(2)
    if b is None or z is None or s.ndims is None:
        return None
    b = [int(v) for v in np.asarray(b).reshape(-1)]
    z = [int(v) for v in np.asarray(z).reshape(-1)]
    r = s.ndims
    if len(b) != r or len(z) != r:
        raise shape_error(
            "Slice",
            op.name,
            f"Expected begin and size arguments to be 1-D tensors of size {r}, but got shapes "
            f"[{len(b)}] and [{len(z)}] instead.",
            in_shapes,
        )
    d = s.as_list()
    sizes = []
    for i in range(r):
        if d[i] is None:
            sizes.append(None if z[i] == -1 else z[i])
            continue
        if not 0 <= b[i] <= d[i]:
            raise shape_error(
                "Slice", op.name, f"Expected begin[{i}] in [0, {d[i]}], but got {b[i]}", in_shapes
            )
        n = d[i] - b[i] if z[i] == -1 else z[i]
        if not 0 <= n <= d[i] - b[i]:
            raise shape_error(
                "Slice",
                op.name,
                f"Expected size[{i}] in [0, {d[i] - b[i]}], but got {z[i]}",
                in_shapes,
            )
        sizes.append(n)
    return b, sizes


def _slice_op_shape(op, in_shapes, value_of):
    s = in_shapes[0]
    bounds = _slice_bounds(op, in_shapes, value_of)
    if bounds is not None:
        return [TensorShape(bounds[1])]
    b, z = partial_ints(op.inputs[1]), partial_ints(op.inputs[2])
    r = s.ndims if s.ndims is not None else None if z is None else len(z)
    if r is None:
        return [TensorShape(None)]
    if z is None or len(z) != r:
        return [TensorShape([None] * r)]
    d = s.as_list() if s.ndims is not None else [None] * r
    out = []
    for i in range(r):
        if z[i] is not None and z[i] >= 0:
            out.append(z[i])
        elif z[i] == -1 and b is not None and b[i] is not None and d[i] is not None:
            out.append(d[i] - b[i])
        else:
            out.append(None)
    return [TensorShape(out)]


def _begin_at_run_time(op) -> bool:
    """Whether a Slice's kernel reads its begin when it runs: a size known at graph build (no
    -1) with a begin that is not (``random_crop``'s random offset). One plan then serves every
    begin, which the kernel checks; otherwise begin is a compile-time value like size."""
    box = op._attrs.setdefault("_runtime_begin", [])  # (decided once per op)
    if not box:
        z, b = partial_ints(op._inputs[2]), partial_ints(op._inputs[1])
        known_size = z is not None and all(v is not None and v >= 0 for v in z)
        box.append(known_size and (b is None or None in b))
    return box[0]


def _slice_op_attrs(op, in_shapes, out_shapes, value_of):
    if _begin_at_run_time(op):  # (begin: the kernel's second input)
        sizes = partial_ints(op._inputs[2]) or []  # (all known: _begin_at_run_time)
        return [*[0] * len(sizes), *[1] * len(sizes), *sizes], []
    b, sizes = _slice_bounds(op, [TensorShape(s) for s in in_shapes], value_of)
    return [*b, *[1] * len(b), *sizes], []


register_op(
    "Slice",
    _slice_op_shape,
    "strided_slice",
    kernel_inputs=lambda op: (0, 1) if _begin_at_run_time(op) else (0,),
    value_inputs=lambda op: (2,) if _begin_at_run_time(op) else (1, 2),
    attrs_fn=_slice_op_attrs,
)


@RegisterGradient("Slice")
def _slice_grad(op, grad):
    x, begin = op.inputs[0], op.inputs[1]
    before = cast(begin, _dt.int32)
    after = shape(x) - before - shape(grad)
    paddings = stack([before, after], axis=1)
    return [pad(grad, paddings), None, None]


# ---- tile --------------------------------------------------------------------------------------
def _multiples(op, in_shapes, value_of):
    """Tile's multiples, checked in TF's words; None while unknown."""
    s, m = in_shapes[0], arg_value(op, "multiples", value_of, 1)
    if m is None:
        return None
    m = [int(v) for v in m.reshape(-1)]
    if s.ndims is not None and len(m) != s.ndims:
        raise shape_error(
            "Tile",
            op.name,
            f"Expected multiples argument to be a vector of length {s.ndims} but got length "
            f"{len(m)}",
            in_shapes,
        )
    for i, k in enumerate(m):
        if k < 0:
            raise shape_error(
                "Tile", op.name, f"Expected multiples[{i}] >= 0, but got {k}", in_shapes
            )
    return m


def _tile_shape(op, in_shapes, value_of):
    s = in_shapes[0]
    m = _multiples(op, in_shapes, value_of)
    if m is None and len(op._inputs) > 1:
        m = partial_ints(op.inputs[1])  # as far as it is known at graph build
    if m is None:
        return [TensorShape(None if s.ndims is None else [None] * s.ndims)]
    d = s.as_list() if s.ndims is not None else [None] * len(m)
    return [TensorShape([None if k is None or n is None else k * n for k, n in zip(m, d)])]


register_op(
    "Tile",
    _tile_shape,
    "tile",
    kernel_inputs=(0,),
    value_inputs=(1,),
    attrs_fn=lambda op, i, o, v: (_multiples(op, [TensorShape(s) for s in i], v), []),
)


@RegisterGradient("Tile")
def _tile_grad(op, grad):
    # as TF: the gradient viewed as [m0, d0, m1, d1, ...], summed over the multiples' axes
    x = op.inputs[0]
    r = x.shape.ndims
    if r is None:
        raise ValueError(f"The gradient of Tile '{op.name}' needs an input of known rank")
    known = op._attrs.get("multiples")
    m = (
        constant(np.asarray(known, np.int32), name="multiples")
        if known is not None
        else cast(op.inputs[1], _dt.int32)
    )
    split_shape = reshape(stack([m, shape(x)], axis=1), [-1])
    g = reduce_sum(reshape(grad, split_shape), list(range(0, 2 * r, 2)))
    return [g] if known is not None else [g, None]


def tile(input: TensorLike, multiples: TensorLike, name: str | None = None) -> Tensor:
    """``input`` repeated ``multiples[i]`` times along dimension ``i`` (as ``np.tile``);
    ``multiples`` may hold int tensors known only when run.

    >>> tf.tile(tf.zeros([2, 3]), [2, 1]).shape.as_list()
    [4, 3]
    """
    x = convert_to_tensor(input)
    known, extra = int_arg(multiples, "multiples")
    if known is not None:
        known = _as_list(known)
        r = x.shape.ndims
        op_name = get_default_graph().unique_name(name or "Tile", mark_as_used=False)
        if r is not None and len(known) != r:
            raise shape_error(
                "Tile",
                op_name,
                f"Expected multiples argument to be a vector of length {r} but got length "
                f"{len(known)}",
                [x.shape, TensorShape([len(known)])],
            )
        for i, k in enumerate(known):
            if k < 0:
                raise ValueError(f"Expected multiples[{i}] >= 0, but got {k}")
    return make_tensor("Tile", [x, *extra], x.dtype, {"multiples": known}, name or "Tile")


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
        q = partial_value(op.inputs[1])  # as far as it is known at graph build
        if s.ndims is None or q is None or q.shape != (s.ndims, 2):
            return [TensorShape(None if s.ndims is None else [None] * s.ndims)]
        return [
            TensorShape(
                [
                    None if None in (n, b, e) else n + int(b) + int(e)
                    for n, (b, e) in zip(s.as_list(), q)
                ]
            )
        ]
    if s.ndims is None:
        return [TensorShape([None] * p.shape[0])]
    return [
        TensorShape([None if n is None else n + int(b + e) for n, (b, e) in zip(s.as_list(), p)])
    ]


def _pad_attrs(op, in_shapes, out_shapes, value_of):
    p = _paddings(op, [TensorShape(s) for s in in_shapes], value_of)
    value = 0.0 if op.type == "Pad" else complex(np.asarray(value_of(2)).reshape(()))
    return [int(v) for v in p.reshape(-1)], [value.real, value.imag]


register_op("Pad", _pad_shape, "pad", kernel_inputs=(0,), value_inputs=(1,), attrs_fn=_pad_attrs)
register_op(
    "PadV2", _pad_shape, "pad", kernel_inputs=(0,), value_inputs=(1, 2), attrs_fn=_pad_attrs
)


def _unpad(op, grad):
    """The part of ``grad`` over the unpadded input: a slice (paddings known at graph build)."""
    p = constant_value(op.inputs[1])
    if p is None:  # paddings known only when run: a Slice from the padding before
        before = getitem(op.inputs[1], (_pyslice(None), 0))
        return slice(grad, before, shape(op.inputs[0]))
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
            symbolic = is_symbolic(paddings) or (
                isinstance(paddings, (list, tuple)) and _holds_tensors(paddings)
            )
            pads = convert_to_tensor(paddings) if symbolic else _paddings_const(paddings)
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
    masks = (begin_mask, end_mask, ellipsis_mask, new_axis_mask, shrink_axis_mask)
    args = [
        int_arg(v, n) if v is not None else (None, [])
        for v, n in ((begin, "begin"), (end, "end"), (strides, "strides"))
    ]
    if any(extra for _, extra in args):  # known only when run: inputs the plan reads
        runtime = [extra[0] if extra else None for (_, extra) in args]
        ref = next(t for t in runtime if t is not None)
        bounds = [
            t
            if t is not None
            else constant(
                np.asarray(
                    known if known is not None else [1] * int(ref.shape.as_list()[0] or 0),
                    ref.dtype.np,
                ).reshape(-1)
            )
            for t, (known, _) in zip(runtime, args)
        ]
        attrs = dict(zip(_MASKS, masks))
        attrs["spec"] = None
        return make_tensor("StridedSlice", [x, *bounds], x.dtype, attrs, name or "StridedSlice")
    b, e = _as_list(args[0][0]), _as_list(args[1][0])
    st = [1] * len(b) if strides is None else _as_list(args[2][0])
    spec = _masked_spec(b, e, st, masks)
    return make_tensor("StridedSlice", [x], x.dtype, {"spec": spec}, name or "StridedSlice")


def _as_list(v) -> list:
    return [v] if isinstance(v, int) else list(v)


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
