"""Shape manipulation: expand_dims, squeeze, stack/unstack, tile, pad and strided_slice.

``ExpandDims``, ``Squeeze``, ``Pad`` and ``PadV2`` are op types of their own (the first two share
their input's buffer, as ``Reshape``); ``stack``, ``unstack``, ``tile``, mirror padding and
``strided_slice`` are built from existing ops and get their gradients from them.

>>> x = tf.constant([[1, 2], [3, 4]])
>>> with tf.Session() as sess:
...     print(sess.run(tf.pad(x, [[0, 1], [1, 0]])))
[[0 1 2]
 [0 3 4]
 [0 0 0]]
"""

from __future__ import annotations

import numpy as np

from . import dtypes as _dt
from .array_ops import (
    broadcast_to,
    concat,
    constant,
    identity,
    reshape,
    shape,
    split,
)
from .graph import Tensor, constant_value, convert_to_tensor, get_default_graph, name_scope
from .graph import shape_error as _shape_error
from .op_util import check_same_dtype, make_tensor, to_tensors
from .registry import RegisterGradient, register_op
from .tensor_shape import TensorShape

_FULL = ("slice", None, None, None)


def _const_ints(value, what: str) -> list:
    """``value`` (a list, an array or a constant tensor) as a flat list of Python ints."""
    if hasattr(value, "_tflite_as_tensor"):
        value = convert_to_tensor(value)
    if isinstance(value, Tensor):
        v = constant_value(value)
        if v is None:
            raise TypeError(
                f"{what} must be known when the graph is built (a list or a constant), got {value}"
            )
        value = v
    arr = np.asarray(value)
    if arr.size and arr.dtype.kind not in "iu":
        raise TypeError(f"{what} must be integers, got {value!r}")
    return [int(v) for v in arr.reshape(-1)]


def _scalar_int(v) -> int:
    return int(np.asarray(v).reshape(-1)[0])


# ---- ExpandDims, Squeeze -----------------------------------------------------------------------
def _expand_dims_shape(op, in_shapes, value_of):
    s, dim = in_shapes[0], value_of(1)
    if dim is None or s.ndims is None:
        return [TensorShape(None)]
    r, a = s.ndims, _scalar_int(dim)
    if not -r - 1 <= a <= r:
        raise _shape_error(
            "ExpandDims",
            op.name,
            f"Tried to expand dim index {a} for tensor with {r} dimensions",
            in_shapes,
        )
    a = a % (r + 1)
    d = s.as_list()
    return [TensorShape(d[:a] + [1] + d[a:])]


register_op(
    "ExpandDims",
    _expand_dims_shape,
    "copy",
    kernel_inputs=(0,),
    value_inputs=(1,),
    kind="alias",
)


@RegisterGradient("ExpandDims")
def _expand_dims_grad(op, grad):
    return [reshape(grad, shape(op.inputs[0])), None]


def expand_dims(input, axis=None, name=None, dim=None) -> Tensor:  # noqa: A002
    """Inserts a dimension of size 1 at ``axis`` (negative: counted from the end of the result).

    >>> tf.expand_dims(tf.placeholder("float", [None, None]), 1).shape.as_list()
    [None, 1, None]
    """
    if axis is not None and dim is not None:
        raise ValueError("Cannot specify both 'axis' and 'dim'")
    axis = dim if axis is None else axis
    if axis is None:
        raise ValueError("Must specify an axis argument to tf.expand_dims()")
    x = convert_to_tensor(input)
    with name_scope(name, "ExpandDims", [x]) as scope:
        a = constant(np.int32(_scalar_int(_const_ints(axis, "axis"))), name="dim")
        return make_tensor("ExpandDims", [x, a], x.dtype, {"Tdim": _dt.int32}, scope)


def _squeeze_shape(op, in_shapes, value_of):
    s, axes = in_shapes[0], op.get_attr("squeeze_dims")
    if s.ndims is None:
        return [TensorShape(None)]
    d = s.as_list()
    r = len(d)
    if not axes:  # every dimension of size 1; an unknown one might be 1 (as TF: unknown shape)
        if None in d:
            return [TensorShape(None)]
        return [TensorShape([n for n in d if n != 1])]
    drop = set()
    for a in axes:
        if not -r <= a < r:
            raise _shape_error(
                "Squeeze",
                op.name,
                f"Tried to squeeze dim index {a} for tensor with {r} dimensions",
                in_shapes,
            )
        a %= r
        if d[a] not in (None, 1):
            raise _shape_error(
                "Squeeze",
                op.name,
                f"Can not squeeze dim[{a}], expected a dimension of 1, got {d[a]}",
                in_shapes,
            )
        drop.add(a)
    return [TensorShape([n for i, n in enumerate(d) if i not in drop])]


register_op("Squeeze", _squeeze_shape, "copy", kind="alias")


@RegisterGradient("Squeeze")
def _squeeze_grad(op, grad):
    return [reshape(grad, shape(op.inputs[0]))]


def squeeze(input, axis=None, name=None, squeeze_dims=None) -> Tensor:  # noqa: A002
    """Removes dimensions of size 1: all of them, or those in ``axis`` (which must be 1).

    >>> tf.squeeze(tf.zeros([1, 2, 1, 3]), [0]).shape.as_list()
    [2, 1, 3]
    """
    if axis is not None and squeeze_dims is not None:
        raise ValueError("Cannot specify both 'squeeze_dims' and 'axis'")
    axis = squeeze_dims if axis is None else axis
    x = convert_to_tensor(input)
    axes = [] if axis is None else _const_ints(axis, "axis")
    return make_tensor("Squeeze", [x], x.dtype, {"squeeze_dims": axes}, name or "Squeeze")


# ---- stack / unstack ---------------------------------------------------------------------------
def _is_symbolic(v) -> bool:
    return isinstance(v, Tensor) or hasattr(v, "_tflite_as_tensor")


def _merged_shape(op_type, name, tensors):
    """The common static shape of ``tensors``; ValueError (naming the op and shapes) if none."""
    shapes = [t.shape for t in tensors]
    out = TensorShape(None)
    for i, s in enumerate(shapes):
        if out.ndims is not None and s.ndims is not None:
            if out.ndims != s.ndims:
                raise _shape_error(
                    op_type,
                    name,
                    f"Shapes must be equal rank, but are {out.ndims} and {s.ndims}",
                    shapes,
                )
            for j, (p, q) in enumerate(zip(out.as_list(), s.as_list())):
                if p is not None and q is not None and p != q:
                    raise _shape_error(
                        op_type,
                        name,
                        f"Dimension {j} in both shapes must be equal, but are {p} and {q}",
                        shapes,
                    )
        out = out.merge_with(s) if out.ndims is not None or s.ndims is None else s
    return out


def stack(values, axis=0, name="stack") -> Tensor:
    """Joins same-shape tensors along a new dimension ``axis`` (TF 0.x: ``tf.pack``).

    >>> tf.stack([tf.zeros([2, 3]), tf.ones([2, 3])], axis=1).shape.as_list()
    [2, 2, 3]
    """
    values = list(values)
    if not values:
        raise ValueError("stack needs at least one tensor")
    if axis == 0 and not any(_is_symbolic(v) for v in values):
        try:  # as TF: a list of constants is one constant
            return constant(values, name=name)
        except (TypeError, ValueError):
            pass
    ts = to_tensors(values)
    check_same_dtype("Pack", ts, [f"values[{i}]" for i in range(len(ts))])
    g = get_default_graph()
    op_name = g.unique_name(name or "stack", mark_as_used=False)
    s = _merged_shape("Pack", op_name, ts)
    if s.ndims is not None and not -s.ndims - 1 <= axis <= s.ndims:
        raise ValueError(f"axis = {axis} not in [{-s.ndims - 1}, {s.ndims + 1})")
    with name_scope(name, "stack", ts) as scope:
        parts = [expand_dims(t, axis) for t in ts]
        if len(parts) == 1:
            return identity(parts[0], name=scope)
        return concat(parts, axis, name=scope)


def unstack(value, num=None, axis=0, name="unstack") -> list:
    """Splits ``value`` along ``axis`` into ``num`` tensors of one rank less (TF 0.x:
    ``tf.unpack``); ``num`` defaults to the static size of that dimension.

    >>> [t.shape.as_list() for t in tf.unstack(tf.zeros([2, 3]), axis=1)]
    [[2], [2], [2]]
    """
    x = convert_to_tensor(value)
    s = x.shape
    if s.ndims is not None:
        r = s.ndims
        if not -r <= axis < r:
            raise ValueError(f"axis = {axis} not in [{-r}, {r})")
        axis %= r
        n = s.as_list()[axis]
        if num is None:
            num = n
        if num is None:
            raise ValueError(f"Cannot infer num from shape {s}")
        if n is not None and n != num:
            raise _shape_error("Unpack", name, f"Dimension must be {num} but is {n}", [s])
    elif num is None or axis < 0:
        raise ValueError(f"Cannot infer num from shape {s}")
    with name_scope(name, "unstack", [x]):
        parts = split(x, num, axis) if num > 1 else [x] * num
        return [squeeze(p, [axis]) for p in parts]


pack = stack
unpack = unstack


# ---- tile --------------------------------------------------------------------------------------
def tile(input, multiples, name=None) -> Tensor:  # noqa: A002
    """``input`` repeated ``multiples[i]`` times along dimension ``i`` (as ``np.tile``).

    Built from Reshape, BroadcastTo and Reshape when the shape is fully known, else from
    ConcatV2 (``multiples`` must be known when the graph is built).

    >>> tf.tile(tf.zeros([2, 3]), [2, 1]).shape.as_list()
    [4, 3]
    """
    x = convert_to_tensor(input)
    m = _const_ints(multiples, "multiples")
    r = x.shape.ndims
    if r is None:
        raise ValueError("tile needs an input of known rank")
    op_name = get_default_graph().unique_name(name or "Tile", mark_as_used=False)
    if len(m) != r:
        raise _shape_error(
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
        if None not in d:
            spread = [v for pair in zip([1] * r, d) for v in pair]
            target = [v for pair in zip(m, d) for v in pair]
            big = broadcast_to(reshape(x, spread), target)
            return reshape(big, [k * n for k, n in zip(m, d)], name=scope)
        out = x
        for a, k in enumerate(m):
            if k == 0:
                out = out[(slice(None),) * a + (slice(0, 0),)]
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
        raise _shape_error(
            op.type,
            op.name,
            f"paddings must be a matrix with shape [{r}, 2], got {list(p.shape)}",
            in_shapes,
        )
    if (p < 0).any():
        bad = p[(p < 0).any(axis=1)][0]
        raise _shape_error(
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
    key = tuple(slice(int(b), -int(e) if e else None) for b, e in np.asarray(p))
    return grad[key]


@RegisterGradient("Pad")
def _pad_grad(op, grad):
    return [_unpad(op, grad), None]


@RegisterGradient("PadV2")
def _pad_v2_grad(op, grad):
    return [_unpad(op, grad), None, None]  # as TF: no gradient for constant_values


def pad(tensor, paddings, mode="CONSTANT", name=None, constant_values=0) -> Tensor:
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
            if not _is_symbolic(constant_values) and np.all(np.asarray(constant_values) == 0):
                return make_tensor("Pad", [x, pads], x.dtype, {"Tpaddings": pads.dtype}, scope)
            cv = convert_to_tensor(constant_values, dtype=x.dtype, name="constant_values")
            return make_tensor("PadV2", [x, pads, cv], x.dtype, {"Tpaddings": pads.dtype}, scope)
    if mode not in ("REFLECT", "SYMMETRIC"):
        raise ValueError(f"Unknown padding mode: {mode}")
    p = np.asarray(_const_ints(paddings, "paddings")).reshape(-1, 2)
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
            lead = (slice(None),) * a
            parts = []
            if b:
                first = b - 1 if mode == "SYMMETRIC" else b
                stop = None if mode == "SYMMETRIC" else 0
                parts.append(out[lead + (slice(first, stop, -1),)])
            parts.append(out)
            if e:
                start = -1 if mode == "SYMMETRIC" else -2
                parts.append(out[lead + (slice(start, start - e, -1),)])
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
    input_,
    begin,
    end,
    strides=None,
    begin_mask=0,
    end_mask=0,
    ellipsis_mask=0,
    new_axis_mask=0,
    shrink_axis_mask=0,
    var=None,
    name=None,
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
    b, e = _const_ints(begin, "begin"), _const_ints(end, "end")
    s = [1] * len(b) if strides is None else _const_ints(strides, "strides")
    if not len(b) == len(e) == len(s):
        raise ValueError(
            "Expected begin, end, and strides to be 1D equal size tensors, but got shapes "
            f"[{len(b)}], [{len(e)}], and [{len(s)}] instead."
        )
    if bin(ellipsis_mask).count("1") > 1:
        raise ValueError("Multiple ellipses in slice spec not allowed")
    spec = []
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
    from .indexing_ops import _normalized_index, gather

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
            y = gather(y, _normalized_index(y, i, a), axis=a)
        return y
