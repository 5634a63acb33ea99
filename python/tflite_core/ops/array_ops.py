"""Array ops: placeholders, identity, shapes, reshape, expand_dims/squeeze, transpose,
concat/split, stack/unstack, fill/zeros/ones, cast and the broadcasting helpers of gradients, each
with its shape rule, kernel and gradient. (Constants are ``framework.constant_op``'s; slicing,
tile and pad are ``slicing_ops``'.)"""

from __future__ import annotations

import math

import numpy as np

from ..framework import dtypes as _dt
from ..framework.constant_op import constant, convert_to_tensor
from ..framework.graph import Tensor, get_default_graph, name_scope, shape_error
from ..framework.op_util import (
    check_same_dtype,
    const_ints,
    is_symbolic,
    make_op,
    make_tensor,
    norm_axes,
    same_shape,
    scalar_int,
    shape_input,
    to_tensors,
)
from ..framework.registry import (
    NotDifferentiable,
    OpKind,
    RegisterGradient,
    at_run_time,
    register_op,
)
from ..framework.tensor_shape import TensorShape, as_shape, shape_str


def shape_tensor(shape, name: str) -> Tensor:
    """``shape`` (dims, a begin, multiples, ...) as a 1-D int tensor: a Tensor or Variable as
    it is; a list holding scalar int tensors packed into one (``tf.stack``, as TF converts such
    a list); a list, array or fully defined ``TensorShape`` of ints a constant named ``name``."""
    if is_symbolic(shape):
        return convert_to_tensor(shape)
    if isinstance(shape, (list, tuple)) and any(is_symbolic(d) for d in shape):
        dtype = next(convert_to_tensor(d).dtype for d in shape if is_symbolic(d))
        return stack([convert_to_tensor(d, dtype=dtype) for d in shape], name=name)
    if isinstance(shape, TensorShape):
        shape = shape.as_list()
    dims = [int(d) for d in np.asarray(shape, dtype=object).reshape(-1)]
    return constant(np.asarray(dims, np.int32), name=name)


# ---- Placeholder ------------------------------------------------------------------------------
def _placeholder_shape(op, in_shapes, value_of):
    return [op.get_attr("shape")]


register_op("Placeholder", _placeholder_shape, kind=OpKind.PLACEHOLDER)
NotDifferentiable("Placeholder")


def placeholder(dtype, shape=None, name=None) -> Tensor:
    """A value fed at run time: ``x = tf.placeholder("float", [1, 3])``."""
    dtype = _dt.as_dtype(dtype)
    s = TensorShape(None) if shape is None else as_shape(shape)
    return make_tensor(
        "Placeholder", [], dtype, {"dtype": dtype, "shape": s}, name or "Placeholder"
    )


def placeholder_with_default(input, shape, name=None) -> Tensor:
    """Like ``identity(input)``, but ``input`` may be replaced by a feed."""
    x = convert_to_tensor(input)
    out = make_tensor("Identity", [x], x.dtype, None, name or "PlaceholderWithDefault")
    out.set_shape(shape)
    return out


# ---- Identity, StopGradient --------------------------------------------------------------------
register_op("Identity", same_shape, "copy", kind=OpKind.ALIAS)
register_op("StopGradient", same_shape, "copy", kind=OpKind.ALIAS)
NotDifferentiable("StopGradient")


@RegisterGradient("Identity")
def _identity_grad(op, grad):
    return [grad]


def identity(input, name=None) -> Tensor:
    """Returns a tensor with the same value as ``input``."""
    x = convert_to_tensor(input)
    return make_tensor("Identity", [x], x.dtype, None, name or "Identity")


def stop_gradient(input, name=None) -> Tensor:
    """The same value, but gradients do not flow through it."""
    x = convert_to_tensor(input)
    return make_tensor("StopGradient", [x], x.dtype, None, name or "StopGradient")


# ---- compile-time shape values -----------------------------------------------------------------
def _register_shape_op(type_name, value_fn, out_shape_fn):
    def shape_fn(op, in_shapes, value_of):
        return [out_shape_fn(op, in_shapes)]

    register_op(type_name, shape_fn, kind=OpKind.SHAPE, value_fn=value_fn)
    NotDifferentiable(type_name)


_register_shape_op(
    "Shape",
    lambda op, shapes: np.array(shapes[0], dtype=op.get_attr("out_type").np),
    lambda op, s: TensorShape([s[0].ndims]),
)


def _reduced_shape_value(op, shapes):
    axes = norm_axes(op.get_attr("axis"), len(shapes[0]))
    return np.array([1 if i in axes else d for i, d in enumerate(shapes[0])], dtype=np.int64)


_register_shape_op("ReducedShape", _reduced_shape_value, lambda op, s: TensorShape([s[0].ndims]))


def _reduction_size_value(op, shapes):
    axes = norm_axes(op.get_attr("axis"), len(shapes[0]))
    n = int(np.prod([shapes[0][a] for a in axes])) if axes else 1
    return np.array(n, dtype=op.get_attr("T").np)


_register_shape_op("ReductionSize", _reduction_size_value, lambda op, s: TensorShape([]))


def shape(input, name=None, out_type=_dt.int32) -> Tensor:
    """The shape of ``input`` as a 1-D int tensor."""
    x = convert_to_tensor(input)
    return make_tensor(
        "Shape", [x], _dt.as_dtype(out_type), {"out_type": _dt.as_dtype(out_type)}, name or "Shape"
    )


def size(input, name=None, out_type=_dt.int32) -> Tensor:
    x = convert_to_tensor(input)
    return cast(
        make_tensor(
            "ReductionSize", [x], _dt.int64, {"axis": None, "T": _dt.int64}, name or "Size"
        ),
        out_type,
    )


def rank(input, name=None) -> Tensor:
    x = convert_to_tensor(input)
    if x.shape.ndims is None:
        raise ValueError("rank() needs a tensor of known rank")
    return constant(x.shape.ndims, dtype=_dt.int32, name=name or "Rank")


def reduced_shape(x: Tensor, axis) -> Tensor:
    return make_tensor("ReducedShape", [x], _dt.int64, {"axis": axis}, "ReducedShape")


def reduction_size(x: Tensor, axis) -> Tensor:
    return make_tensor("ReductionSize", [x], x.dtype, {"axis": axis, "T": x.dtype}, "ReductionSize")


# ---- Reshape -----------------------------------------------------------------------------------
def _resolve_reshape(op, src: TensorShape, target) -> TensorShape:
    """The static shape of ``reshape(x, target)``: TF's shape inference (SetOutputShapeForReshape).

    With a 0 among the known target dims the -1 stays unknown (the element count says nothing
    about it); two -1s are left to the kernel.
    """
    target = [int(d) for d in np.asarray(target).reshape(-1)]
    if target.count(-1) > 1:
        return TensorShape([None if d == -1 else d for d in target])
    n = src.num_elements()
    if n is None:
        return TensorShape([None if d == -1 else d for d in target])
    known = int(np.prod([d for d in target if d != -1]))
    if -1 in target and known > 0:
        if n % known:
            raise ValueError(
                f"[Reshape] Dimension size must be evenly divisible by {known} but is {n} for "
                f"'{op.name}' (op: 'Reshape')"
            )
        return TensorShape([n // known if d == -1 else d for d in target])
    if -1 in target and n == 0:
        return TensorShape([None if d == -1 else d for d in target])
    if n != known:
        shown = [None if d == -1 else d for d in target]
        raise ValueError(
            f"[Reshape] Cannot reshape a tensor with {n} elements to shape "
            f"{shape_str(shown)} ({known} elements) for '{op.name}' (op: 'Reshape')"
        )
    return TensorShape(target)


def _reshape_kernel_shape(src: tuple, target) -> TensorShape:
    """The shape TF's Reshape kernel gives (reshape_op.h): a 0 in the target leaves the input's
    0 dims out of the count that infers the -1, so ``zeros([0, 4])`` reshaped to ``[-1, 0]`` is
    ``[4, 0]``; errors are TF's InvalidArgumentError messages."""
    target = [int(d) for d in np.asarray(target).reshape(-1)]
    n = int(np.prod(src))
    unknown, product, has_zero = -1, 1, False
    for i, d in enumerate(target):
        if d == -1:
            if unknown != -1:
                raise ValueError(
                    f"[Reshape] Only one input size may be -1, not both {unknown} and {i}"
                )
            unknown = i
        elif d < 0:
            raise ValueError(f"[Reshape] Size {i} must be non-negative, not {d}")
        elif d == 0:
            has_zero = True
        else:
            product *= d
    if unknown != -1:
        counted = [d for d in src if d > 0 or not has_zero]
        missing = int(np.prod(counted)) // product
        if len(counted) == len(src) and product * missing != n:  # (no 0 dim left out)
            raise ValueError(
                f"[Reshape] Input to reshape is a tensor with {n} values, but the requested "
                f"shape requires a multiple of {product}"
            )
        target[unknown] = missing
    m = int(np.prod(target))
    if m != n:
        raise ValueError(
            f"[Reshape] Input to reshape is a tensor with {n} values, but the requested shape "
            f"has {m}"
        )
    return TensorShape(target)


def _reshape_shape(op, in_shapes, value_of):
    target = value_of(1)
    if target is None:
        return [shape_input(op, 1, in_shapes, value_of)]
    if at_run_time(value_of) and in_shapes[0].is_fully_defined():
        return [_reshape_kernel_shape(tuple(in_shapes[0].as_list()), target)]
    return [_resolve_reshape(op, in_shapes[0], target)]


register_op(
    "Reshape", _reshape_shape, "copy", kernel_inputs=(0,), value_inputs=(1,), kind=OpKind.ALIAS
)


@RegisterGradient("Reshape")
def _reshape_grad(op, grad):
    return [reshape(grad, shape(op.inputs[0])), None]


def reshape(tensor, shape, name=None) -> Tensor:
    """Same elements, new shape; one dimension may be -1."""
    x = convert_to_tensor(tensor)
    s = shape_tensor(shape, "Reshape/shape")
    return make_tensor("Reshape", [x, s], x.dtype, None, name or "Reshape")


# ---- ExpandDims, Squeeze -----------------------------------------------------------------------
def _expand_dims_shape(op, in_shapes, value_of):
    s, dim = in_shapes[0], value_of(1)
    if dim is None or s.ndims is None:
        return [TensorShape(None)]
    r, a = s.ndims, scalar_int(dim)
    if not -r - 1 <= a <= r:
        raise shape_error(
            "ExpandDims",
            op.name,
            f"Tried to expand dim index {a} for tensor with {r} dimensions",
            in_shapes,
        )
    a = a % (r + 1)
    d = s.as_list()
    return [TensorShape([*d[:a], 1, *d[a:]])]


register_op(
    "ExpandDims",
    _expand_dims_shape,
    "copy",
    kernel_inputs=(0,),
    value_inputs=(1,),
    kind=OpKind.ALIAS,
)


@RegisterGradient("ExpandDims")
def _expand_dims_grad(op, grad):
    return [reshape(grad, shape(op.inputs[0])), None]


def expand_dims(input, axis=None, name=None, dim=None) -> Tensor:
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
        a = constant(np.int32(scalar_int(const_ints(axis, "axis"))), name="dim")
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
            raise shape_error(
                "Squeeze",
                op.name,
                f"Tried to squeeze dim index {a} for tensor with {r} dimensions",
                in_shapes,
            )
        a %= r
        if d[a] not in (None, 1):
            raise shape_error(
                "Squeeze",
                op.name,
                f"Can not squeeze dim[{a}], expected a dimension of 1, got {d[a]}",
                in_shapes,
            )
        drop.add(a)
    return [TensorShape([n for i, n in enumerate(d) if i not in drop])]


register_op("Squeeze", _squeeze_shape, "copy", kind=OpKind.ALIAS)


@RegisterGradient("Squeeze")
def _squeeze_grad(op, grad):
    return [reshape(grad, shape(op.inputs[0]))]


def squeeze(input, axis=None, name=None, squeeze_dims=None) -> Tensor:
    """Removes dimensions of size 1: all of them, or those in ``axis`` (which must be 1).

    >>> tf.squeeze(tf.zeros([1, 2, 1, 3]), [0]).shape.as_list()
    [2, 1, 3]
    """
    if axis is not None and squeeze_dims is not None:
        raise ValueError("Cannot specify both 'squeeze_dims' and 'axis'")
    axis = squeeze_dims if axis is None else axis
    x = convert_to_tensor(input)
    axes = [] if axis is None else const_ints(axis, "axis")
    return make_tensor("Squeeze", [x], x.dtype, {"squeeze_dims": axes}, name or "Squeeze")


# ---- Transpose ---------------------------------------------------------------------------------
def _transpose_shape(op, in_shapes, value_of):
    s, perm = in_shapes[0], op.get_attr("perm")
    if s.ndims is None:
        return [TensorShape(None) if perm is None else TensorShape([None] * len(perm))]
    if sorted(perm) != list(range(s.ndims)):
        raise shape_error("Transpose", op.name, f"perm {list(perm)} is not a permutation", [s])
    d = s.as_list()
    return [TensorShape([d[p] for p in perm])]


register_op(
    "Transpose",
    _transpose_shape,
    "transpose",
    attrs_fn=lambda op, i, o, v: (list(op.get_attr("perm")), []),
)


@RegisterGradient("Transpose")
def _transpose_grad(op, grad):
    perm = op.get_attr("perm")
    return [transpose(grad, list(np.argsort(perm)))]


def transpose(a, perm=None, name="transpose", conjugate=False) -> Tensor:
    """Permutes dimensions; the default reverses them."""
    x = convert_to_tensor(a)
    if perm is None:
        if x.shape.ndims is None:
            raise ValueError("transpose without perm needs a tensor of known rank")
        perm = list(range(x.shape.ndims))[::-1]
    perm = [int(p) for p in np.asarray(perm).reshape(-1)]
    return make_tensor("Transpose", [x], x.dtype, {"perm": perm}, name or "transpose")


# ---- Concat and Split --------------------------------------------------------------------------
def _concat_shape(op, in_shapes, value_of):
    axis = op.get_attr("axis")
    ranks = {s.ndims for s in in_shapes if s.ndims is not None}
    if not ranks:
        return [TensorShape(None)]
    if len(ranks) > 1:
        raise shape_error("ConcatV2", op.name, "Shape must be of equal rank", in_shapes)
    r = ranks.pop()
    if not -r <= axis < r:
        raise ValueError(f"[ConcatV2] axis {axis} out of range for rank {r} in '{op.name}'")
    a = axis % r
    out = [None] * r
    total = 0
    for s in in_shapes:
        if s.ndims is None:
            total = None
            continue
        d = s.as_list()
        for i in range(r):
            if i == a:
                continue
            if out[i] is None:
                out[i] = d[i]
            elif d[i] is not None and d[i] != out[i]:
                raise shape_error(
                    "ConcatV2",
                    op.name,
                    f"Dimension {i} in both shapes must be equal, but are {out[i]} and {d[i]}",
                    in_shapes,
                )
        total = None if total is None or d[a] is None else total + d[a]
    out[a] = total
    return [TensorShape(out)]


def _axis_attr(op, i, o, v):
    return [op.get_attr("axis")], []


register_op("ConcatV2", _concat_shape, "concat", attrs_fn=_axis_attr)


@RegisterGradient("ConcatV2")
def _concat_grad(op, grad):
    parts = make_op(
        "SplitLike",
        [grad, *op.inputs],
        [grad.dtype] * len(op.inputs),
        {"axis": op.get_attr("axis")},
        "SplitLike",
    ).outputs
    return list(parts)


def _split_like_shape(op, in_shapes, value_of):
    g = in_shapes[0]
    axis = op.get_attr("axis")
    out = []
    for s in in_shapes[1:]:
        if s.ndims is None or g.ndims is None:
            out.append(s)
            continue
        a = axis % s.ndims
        out.append(
            TensorShape([s.as_list()[i] if i == a else g.as_list()[i] for i in range(s.ndims)])
        )
    return out


register_op("SplitLike", _split_like_shape, "split", kernel_inputs=(0,), attrs_fn=_axis_attr)


@RegisterGradient("SplitLike")
def _split_like_grad(op, *grads):
    # The pieces of input 0 go back together; the other inputs only give their shapes.
    gs = [g if g is not None else zeros_like(o) for g, o in zip(grads, op.outputs)]
    return [concat(gs, op.get_attr("axis"))] + [None] * (len(op.inputs) - 1)


def concat(values, axis, name="concat") -> Tensor:
    """Joins tensors along ``axis``. The deck's ``concat(concat_dim, values)`` also works."""
    if isinstance(values, (int, np.integer)) and not isinstance(axis, (int, np.integer)):
        values, axis = axis, values  # TF 0.x order: concat(concat_dim, values)
    ts = [convert_to_tensor(v) for v in values]
    if not ts:
        raise ValueError("concat needs at least one tensor")
    for t in ts[1:]:
        if t.dtype != ts[0].dtype:
            raise TypeError(
                f"concat: tensors must share a dtype, got {ts[0].dtype.name} and {t.dtype.name}"
            )
    if len(ts) == 1:
        return identity(ts[0], name=name)
    return make_tensor("ConcatV2", ts, ts[0].dtype, {"axis": int(axis)}, name or "concat")


def _split_shape(op, in_shapes, value_of):
    s, axis, sizes = in_shapes[0], op.get_attr("axis"), op.get_attr("size_splits")
    if s.ndims is None:
        return [TensorShape(None)] * len(sizes)
    if not -s.ndims <= axis < s.ndims:
        raise ValueError(f"[Split] axis {axis} out of range for rank {s.ndims} in '{op.name}'")
    a = axis % s.ndims
    d = s.as_list()
    n = d[a]
    sizes = list(sizes)
    if -1 in sizes:
        known = sum(x for x in sizes if x != -1)
        sizes = [None if n is None else n - known if x == -1 else x for x in sizes]
    elif op.get_attr("num_split") is not None:
        k = op.get_attr("num_split")
        if n is not None and n % k:
            raise shape_error(
                "Split",
                op.name,
                f"Dimension size must be evenly divisible by {k} but is {n}",
                in_shapes,
            )
        sizes = [None if n is None else n // k] * k
    if n is not None and None not in sizes and sum(sizes) != n:
        raise shape_error("Split", op.name, f"sizes {sizes} do not add up to {n}", in_shapes)
    return [TensorShape([*d[:a], z, *d[a + 1 :]]) for z in sizes]


register_op("Split", _split_shape, "split", attrs_fn=_axis_attr)


@RegisterGradient("Split")
def _split_grad(op, *grads):
    gs = [g if g is not None else zeros_like(o) for g, o in zip(grads, op.outputs)]
    return [concat(gs, op.get_attr("axis"))]


def split(value, num_or_size_splits, axis=0, num=None, name="split"):
    """Splits a tensor into pieces along ``axis``.

    TF 1.x order ``split(value, num_or_size_splits, axis)``; the deck's TF 0.x order
    ``split(split_dim, num_split, value)`` is recognised when the first argument is an int and the
    third a tensor.
    """
    if isinstance(value, (int, np.integer)) and not isinstance(axis, (int, np.integer)):
        value, axis = axis, value  # split(split_dim, num_split, value)
    x = convert_to_tensor(value)
    if isinstance(num_or_size_splits, (int, np.integer)):
        k = int(num_or_size_splits)
        attrs = {"axis": int(axis), "num_split": k, "size_splits": [0] * k}
    else:
        sizes = [int(s) for s in np.asarray(num_or_size_splits).reshape(-1)]
        attrs = {"axis": int(axis), "num_split": None, "size_splits": sizes}
        k = len(sizes)
    return list(make_op("Split", [x], [x.dtype] * k, attrs, name or "split").outputs)


# ---- stack / unstack ---------------------------------------------------------------------------
def _merged_shape(op_type, name, tensors):
    """The common static shape of ``tensors``; ValueError (naming the op and shapes) if none."""
    shapes = [t.shape for t in tensors]
    out = TensorShape(None)
    for _i, s in enumerate(shapes):
        if out.ndims is not None and s.ndims is not None:
            if out.ndims != s.ndims:
                raise shape_error(
                    op_type,
                    name,
                    f"Shapes must be equal rank, but are {out.ndims} and {s.ndims}",
                    shapes,
                )
            for j, (p, q) in enumerate(zip(out.as_list(), s.as_list())):
                if p is not None and q is not None and p != q:
                    raise shape_error(
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
    if axis == 0 and not any(is_symbolic(v) for v in values):
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
            raise shape_error("Unpack", name, f"Dimension must be {num} but is {n}", [s])
    elif num is None or axis < 0:
        raise ValueError(f"Cannot infer num from shape {s}")
    with name_scope(name, "unstack", [x]):
        parts = split(x, num, axis) if num > 1 else [x] * num
        return [squeeze(p, [axis]) for p in parts]


pack = stack
unpack = unstack


# ---- Fill, zeros, ones --------------------------------------------------------------------------
def _fill_shape(op, in_shapes, value_of):
    dims = value_of(0)
    if dims is None:
        return [shape_input(op, 0, in_shapes, value_of)]
    dims = [int(d) for d in np.asarray(dims).reshape(-1)]
    if any(d < 0 for d in dims):
        raise ValueError(f"[Fill] dims must be >= 0, got {dims} for '{op.name}'")
    return [TensorShape(dims)]


register_op("Fill", _fill_shape, "fill", kernel_inputs=(1,), value_inputs=(0,))


@RegisterGradient("Fill")
def _fill_grad(op, grad):
    return [None, sum_to(grad, op.inputs[1])]  # d value = the sum of grad (value is a scalar)


def fill(dims, value, name=None) -> Tensor:
    """A tensor of shape ``dims`` filled with the scalar ``value``."""
    v = convert_to_tensor(value)
    return make_tensor("Fill", [shape_tensor(dims, "Fill/dims"), v], v.dtype, None, name or "Fill")


def _filled(shape, dtype, name, value, default: str) -> Tensor:
    """A constant when it has fewer than 1000 elements; else, as in TF, ``Fill`` of a scalar,
    so a big initial value does not bloat the GraphDef."""
    dtype = _dt.as_dtype(dtype)
    if isinstance(shape, Tensor):
        return fill(shape, constant(value, dtype=dtype), name=name or default)
    dims = [int(d) for d in as_shape(shape).as_list()]
    if math.prod(dims) < 1000:
        return constant(np.full(dims, value, dtype.np), name=name or default)
    with name_scope(name or default) as scope:
        dims_t = shape_tensor(dims, "shape_as_tensor")
        return fill(dims_t, constant(value, dtype=dtype), name=scope)


def zeros(shape, dtype=_dt.float32, name=None) -> Tensor:
    """``tf.zeros([1, 3])``: a tensor of zeros.

    >>> tf.zeros([2, 3]).op.type, tf.zeros([1000, 10]).op.type
    ('Const', 'Fill')
    """
    return _filled(shape, dtype, name, 0, "zeros")


def ones(shape, dtype=_dt.float32, name=None) -> Tensor:
    """``tf.ones([1, 3])``: a tensor of ones (a constant, or ``Fill`` when big)."""
    return _filled(shape, dtype, name, 1, "ones")


def zeros_like(tensor, dtype=None, name=None, optimize=True) -> Tensor:
    x = convert_to_tensor(tensor)
    dtype = _dt.as_dtype(dtype) if dtype is not None else x.dtype
    with name_scope(name, "zeros_like", [x]):
        return fill(shape(x), constant(0, dtype=dtype))


def ones_like(tensor, dtype=None, name=None, optimize=True) -> Tensor:
    x = convert_to_tensor(tensor)
    dtype = _dt.as_dtype(dtype) if dtype is not None else x.dtype
    with name_scope(name, "ones_like", [x]):
        return fill(shape(x), constant(1, dtype=dtype))


# ---- Cast ----------------------------------------------------------------------------------------
register_op("Cast", same_shape, "cast")


@RegisterGradient("Cast")
def _cast_grad(op, grad):
    src = op.inputs[0].dtype
    if src.is_floating and grad.dtype.is_floating:
        return [cast(grad, src)]
    return [None]


def cast(x, dtype, name=None) -> Tensor:
    """Converts ``x`` to ``dtype`` (float to int truncates toward zero)."""
    x = convert_to_tensor(x)
    dtype = _dt.as_dtype(dtype)
    if dtype not in _dt.KERNEL_DTYPES:
        raise TypeError(f"cast to {dtype.name} is not supported")
    if x.dtype == dtype:
        return x
    return make_tensor("Cast", [x], dtype, {"SrcT": x.dtype, "DstT": dtype}, name or "Cast")


def to_float(x, name="ToFloat"):
    return cast(x, _dt.float32, name=name)


def to_double(x, name="ToDouble"):
    return cast(x, _dt.float64, name=name)


def to_int32(x, name="ToInt32"):
    return cast(x, _dt.int32, name=name)


def to_int64(x, name="ToInt64"):
    return cast(x, _dt.int64, name=name)


# ---- broadcasting helpers for gradients ----------------------------------------------------------
def _sum_to_attrs(op, in_shapes, out_shapes, value_of):
    g, x = list(in_shapes[0]), list(in_shapes[1])
    lead = len(g) - len(x)
    if lead < 0:
        raise ValueError(f"[SumToShape] cannot reduce {g} to {x}")
    mask = [1] * lead + [1 if xd == 1 and gd != 1 else 0 for gd, xd in zip(g[lead:], x)]
    return mask, []


def _same_shape_in_out(in_shapes, out_shapes):
    return tuple(in_shapes[0]) == tuple(out_shapes[0])


register_op(
    "SumToShape",
    lambda op, s, v: [s[1]],
    "reduce_sum",
    kernel_inputs=(0,),
    attrs_fn=_sum_to_attrs,
    alias_if=_same_shape_in_out,
)


def _broadcast_to_shape(op, in_shapes, value_of):
    return [shape_input(op, 1, in_shapes, value_of)]


register_op(
    "BroadcastTo",
    _broadcast_to_shape,
    "broadcast_to",
    kernel_inputs=(0,),
    value_inputs=(1,),
    alias_if=_same_shape_in_out,
)


@RegisterGradient("SumToShape")
def _sum_to_grad(op, grad):
    return [broadcast_to(grad, shape(op.inputs[0])), None]


@RegisterGradient("BroadcastTo")
def _broadcast_to_grad(op, grad):
    return [sum_to(grad, op.inputs[0]), None]


def sum_to(grad: Tensor, like: Tensor) -> Tensor:
    """Sums ``grad`` over the dimensions that broadcasting added to ``like``."""
    if grad.shape.is_fully_defined() and grad.shape == like.shape:
        return grad
    return make_tensor("SumToShape", [grad, like], grad.dtype, None, "SumToShape")


def broadcast_to(input, shape, name=None) -> Tensor:
    x = convert_to_tensor(input)
    s = shape_tensor(shape, "Const")
    return make_tensor("BroadcastTo", [x, s], x.dtype, None, name or "BroadcastTo")
