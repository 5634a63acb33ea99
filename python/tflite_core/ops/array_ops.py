"""Array ops: placeholders, identity, shapes, reshape, expand_dims/squeeze, transpose,
concat/split, stack/unstack, fill/zeros/ones, cast and the broadcasting helpers of gradients, each
with its shape rule, kernel and gradient. (Constants are ``framework.constant_op``'s; slicing,
tile and pad are ``slicing_ops``'.)"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, overload

import numpy as np

from ..framework import dtypes as _dt
from ..framework.constant_op import (
    _holds_tensors,
    constant,
    convert_to_tensor,
    register_autopack,
)
from ..framework.graph import Tensor, get_default_graph, name_scope, shape_error
from ..framework.op_util import (
    arg_value,
    check_same_dtype,
    const_ints,
    int_arg,
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

if TYPE_CHECKING:
    from ..framework.type_aliases import (
        AxisLike,
        DTypeLike,
        ShapeLike,
        ShapeTensorLike,
        TensorLike,
    )

if TYPE_CHECKING:
    from ..framework.type_aliases import (
        AxisLike,
        DTypeLike,
        ShapeTensorLike,
        TensorLike,
    )


def shape_tensor(shape: ShapeTensorLike, name: str) -> Tensor:
    """``shape`` (dims, a begin, multiples, ...) as a 1-D int tensor: a Tensor or Variable as
    it is; a list holding scalar int tensors packed into one (``tf.stack``, as TF converts such
    a list); a list, array or fully defined ``TensorShape`` of ints a constant named ``name``."""
    if is_symbolic(shape):
        return convert_to_tensor(shape)
    if isinstance(shape, (list, tuple)) and any(is_symbolic(d) for d in shape):
        return _autopack(shape, None, name)
    if isinstance(shape, TensorShape):
        shape = shape.as_list()
    dims = [int(d) for d in np.asarray(shape, dtype=object).reshape(-1)]
    return constant(np.asarray(dims, np.int32), name=name)


def _autopack(value, dtype, name) -> Tensor:
    """A (nested) list holding tensors as one tensor: its elements stacked (TF's autopacking;
    plain numbers take the dtype of the first tensor among them)."""
    if dtype is None:
        dtype = next(_first_tensor(value)).dtype
    parts = [
        _autopack(v, dtype, None)
        if isinstance(v, (list, tuple)) and _holds_tensors(v)
        else convert_to_tensor(v, dtype=dtype)
        for v in value
    ]
    return stack(parts, name=name or "packed")


def _first_tensor(value):
    for v in value:
        if isinstance(v, (list, tuple)):
            yield from _first_tensor(v)
        elif is_symbolic(v):
            yield convert_to_tensor(v)


register_autopack(_autopack)


# ---- Placeholder ------------------------------------------------------------------------------
def _placeholder_shape(op, in_shapes, value_of):
    return [op.get_attr("shape")]


register_op("Placeholder", _placeholder_shape, kind=OpKind.PLACEHOLDER)
NotDifferentiable("Placeholder")


def placeholder(
    dtype: DTypeLike, shape: ShapeLike | None = None, name: str | None = None
) -> Tensor:
    """A value fed at run time: ``x = tf.placeholder("float", [1, 3])``."""
    dtype = _dt.as_dtype(dtype)
    s = TensorShape(None) if shape is None else as_shape(shape)
    return make_tensor(
        "Placeholder", [], dtype, {"dtype": dtype, "shape": s}, name or "Placeholder"
    )


def placeholder_with_default(
    input: TensorLike, shape: ShapeLike, name: str | None = None
) -> Tensor:
    """Like ``identity(input)``, but ``input`` may be replaced by a feed (TF's
    ``PlaceholderWithDefault``): its static shape is ``shape`` (which may be less specific than
    the default's), and its value is never known at graph-build time."""
    x = convert_to_tensor(input)
    shape = as_shape(shape)
    if not shape.is_compatible_with(x.shape):
        if x.shape.ndims != shape.ndims:
            msg = f"Shapes must be equal rank, but are {x.shape.ndims} and {shape.ndims}"
        else:
            i, a, b = next(
                (i, a, b)
                for i, (a, b) in enumerate(zip(x.shape.as_list(), shape.as_list()))
                if a is not None and b is not None and a != b
            )
            msg = (
                f"Dimension {i} in both shapes must be equal, but are {a} and {b}. "
                f"Shapes are {shape_str(x.shape)} and {shape_str(shape)}."
            )
        raise ValueError(
            f"{msg} for 'PlaceholderWithDefault' with input shapes: {shape_str(x.shape)}."
        )
    attrs = {"dtype": x.dtype, "shape": shape}
    return make_tensor(
        "PlaceholderWithDefault", [x], x.dtype, attrs, name or "PlaceholderWithDefault"
    )


def _placeholder_with_default_shape(op, in_shapes, value_of):
    """The ``shape`` attribute when the graph is built; the default's shape when it runs."""
    return [in_shapes[0] if at_run_time(value_of) else op.get_attr("shape")]


register_op("PlaceholderWithDefault", _placeholder_with_default_shape, "copy", kind=OpKind.ALIAS)


@RegisterGradient("PlaceholderWithDefault")
def _placeholder_with_default_grad(op, grad):
    return [grad]


# ---- Identity, StopGradient --------------------------------------------------------------------
register_op("Identity", same_shape, "copy", kind=OpKind.ALIAS)
register_op("StopGradient", same_shape, "copy", kind=OpKind.ALIAS)
NotDifferentiable("StopGradient")


@RegisterGradient("Identity")
def _identity_grad(op, grad):
    return [grad]


def identity(input: TensorLike, name: str | None = None) -> Tensor:
    """Returns a tensor with the same value as ``input``."""
    x = convert_to_tensor(input)
    return make_tensor("Identity", [x], x.dtype, None, name or "Identity")


def stop_gradient(input: TensorLike, name: str | None = None) -> Tensor:
    """The same value, but gradients do not flow through it."""
    x = convert_to_tensor(input)
    return make_tensor("StopGradient", [x], x.dtype, None, name or "StopGradient")


# ---- compile-time shape values -----------------------------------------------------------------
def _register_shape_op(type_name, value_fn, out_shape_fn):
    def shape_fn(op, in_shapes, value_of):
        return [out_shape_fn(op, in_shapes)]

    register_op(type_name, shape_fn, kind=OpKind.SHAPE, value_fn=value_fn, value_inputs=(1,))
    NotDifferentiable(type_name)


_register_shape_op(
    "Shape",
    lambda op, shapes, value_of: np.array(shapes[0], dtype=op.get_attr("out_type").np),
    lambda op, s: TensorShape([s[0].ndims]),
)


def reduction_axes(op, rank: int, value_of):
    """The axes a reduction (or its gradient helpers) reduces, normalised against ``rank``:
    attribute ``axis`` (None: all), or for axes known only when run the value of input
    ``axis_from``; None while that is unknown."""
    i = op._attrs.get("axis_from")
    if i is None:
        return norm_axes(op._attrs.get("axis"), rank, op)
    v = value_of(i)
    if v is None:
        return None
    axes = [int(a) for a in np.asarray(v).reshape(-1)]
    for a in axes:
        if not -rank <= a < rank:  # TF's run-time message
            raise ValueError(
                f"Invalid reduction dimension ({a} for input with {rank} dimension(s) "
                f"for '{op.name}'"
            )
    return norm_axes(axes, rank, op)


def axis_arg(op):
    """A reduction's ``axis`` argument as it was given: a list (or None), or its tensor input."""
    i = op._attrs.get("axis_from")
    return op._attrs.get("axis") if i is None else op.inputs[i]


def axis_attrs(axis, what: str = "axis") -> tuple[dict, list]:
    """A reduction's ``axis`` argument as ``(attrs, extra inputs)``: a list known at graph build
    in attribute ``axis``; an int tensor known only when run as an extra input (its index,
    ``axis_from``, is set by the caller's position)."""
    if axis is None:
        return {"axis": None}, []
    known, extra = int_arg(axis, what)
    if extra:
        return {"axis": None}, extra
    return {"axis": [known] if isinstance(known, int) else known}, []


def _reduced_shape_value(op, shapes, value_of=None):
    axes = reduction_axes(op, len(shapes[0]), value_of)
    if axes is None:
        return None
    return np.array([1 if i in axes else d for i, d in enumerate(shapes[0])], dtype=np.int64)


_register_shape_op("ReducedShape", _reduced_shape_value, lambda op, s: TensorShape([s[0].ndims]))


def _reduction_size_value(op, shapes, value_of=None):
    axes = reduction_axes(op, len(shapes[0]), value_of)
    if axes is None:
        return None
    n = int(np.prod([shapes[0][a] for a in axes])) if axes else 1
    return np.array(n, dtype=op.get_attr("T").np)


_register_shape_op("ReductionSize", _reduction_size_value, lambda op, s: TensorShape([]))


def shape(input: TensorLike, name: str | None = None, out_type: DTypeLike = _dt.int32) -> Tensor:
    """The shape of ``input`` as a 1-D int tensor."""
    x = convert_to_tensor(input)
    return make_tensor(
        "Shape", [x], _dt.as_dtype(out_type), {"out_type": _dt.as_dtype(out_type)}, name or "Shape"
    )


def size(input: TensorLike, name: str | None = None, out_type: DTypeLike = _dt.int32) -> Tensor:
    x = convert_to_tensor(input)
    return cast(
        make_tensor(
            "ReductionSize", [x], _dt.int64, {"axis": None, "T": _dt.int64}, name or "Size"
        ),
        out_type,
    )


def rank(input: TensorLike, name: str | None = None) -> Tensor:
    x = convert_to_tensor(input)
    if x.shape.ndims is None:
        raise ValueError("rank() needs a tensor of known rank")
    return constant(x.shape.ndims, dtype=_dt.int32, name=name or "Rank")


def reduced_shape(x: Tensor, axis: AxisLike | None) -> Tensor:
    """``shape(x)`` with the ``axis`` dimensions (a list, None: all, or an int tensor) 1."""
    attrs, extra = axis_attrs(axis)
    if extra:
        attrs["axis_from"] = 1
    return make_tensor("ReducedShape", [x, *extra], _dt.int64, attrs, "ReducedShape")


def reduction_size(x: Tensor, axis: AxisLike | None) -> Tensor:
    """The number of elements of ``x`` each reduction over ``axis`` combines."""
    attrs, extra = axis_attrs(axis)
    attrs["T"] = x.dtype
    if extra:
        attrs["axis_from"] = 1
    return make_tensor("ReductionSize", [x, *extra], x.dtype, attrs, "ReductionSize")


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


def reshape(tensor: TensorLike, shape: ShapeTensorLike, name: str | None = None) -> Tensor:
    """Same elements, new shape; one dimension may be -1."""
    x = convert_to_tensor(tensor)
    s = shape_tensor(shape, "Reshape/shape")
    return make_tensor("Reshape", [x, s], x.dtype, None, name or "Reshape")


# ---- ExpandDims, Squeeze -----------------------------------------------------------------------
def _expand_dims_shape(op, in_shapes, value_of):
    s, dim = in_shapes[0], value_of(1)
    if s.ndims is None:
        return [TensorShape(None)]
    if dim is None:  # an axis known only when run: as TF, an unknown shape
        return [TensorShape(None)]
    if np.size(dim) != 1:
        raise shape_error(
            "ExpandDims",
            op.name,
            f"'dim' must be a tensor with a single value, got {np.size(dim)} values",
            in_shapes,
        )
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


def expand_dims(
    input: TensorLike,
    axis: AxisLike | None = None,
    name: str | None = None,
    dim: AxisLike | None = None,
) -> Tensor:
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
        known, extra = int_arg(axis, "axis")
        a = extra[0] if extra else constant(np.int32(scalar_int(known)), name="dim")
        return make_tensor("ExpandDims", [x, a], x.dtype, {"Tdim": a.dtype}, scope)


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


def squeeze(
    input: TensorLike,
    axis: AxisLike | None = None,
    name: str | None = None,
    squeeze_dims: Any = None,
) -> Tensor:
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
def _perm(op, in_shapes, value_of):
    """The permutation (checked against the input's rank, in TF's words), or None while it is
    unknown."""
    s, p = in_shapes[0], arg_value(op, "perm", value_of, 1)
    if p is None or s.ndims is None:
        return None
    p = [int(v) for v in p.reshape(-1)]
    r = s.ndims
    if len(p) != r:
        raise shape_error(
            "Transpose",
            op.name,
            f"transpose expects a vector of size {r}. But input(1) is a vector of size {len(p)}",
            in_shapes,
        )
    for i in range(r):
        if not 0 <= p[i] < r:
            raise shape_error("Transpose", op.name, f"{p[i]} is out of range [0 .. {r})", in_shapes)
    for i in range(r):
        if i not in p:
            listed = ",".join(str(v) for v in p)
            raise shape_error("Transpose", op.name, f"{i} is missing from {{{listed}}}.", in_shapes)
    return p


def _transpose_shape(op, in_shapes, value_of):
    s = in_shapes[0]
    p = _perm(op, in_shapes, value_of)
    if p is None:
        if s.ndims is not None:
            return [TensorShape([None] * s.ndims)]
        known = op._attrs.get("perm")
        n = len(known) if known is not None else None
        if n is None and len(op._inputs) > 1 and op._inputs[1].shape.ndims == 1:
            n = op._inputs[1].shape.as_list()[0]
        return [TensorShape(None if n is None else [None] * n)]
    d = s.as_list()
    return [TensorShape([d[i] for i in p])]


register_op(
    "Transpose",
    _transpose_shape,
    "transpose",
    kernel_inputs=(0,),
    value_inputs=(1,),
    attrs_fn=lambda op, i, o, v: (_perm(op, [TensorShape(s) for s in i], v), []),
)


@RegisterGradient("Transpose")
def _transpose_grad(op, grad):
    p = op._attrs.get("perm")
    if p is not None:
        return [transpose(grad, np.argsort(p))]
    return [transpose(grad, invert_permutation(op.inputs[1])), None]


def transpose(
    a: TensorLike, perm: Any = None, name: str = "transpose", conjugate: Any = False
) -> Tensor:
    """Permutes dimensions (``perm``: a list, or an int tensor known only when run); the
    default reverses them."""
    x = convert_to_tensor(a)
    if perm is None:
        if x.shape.ndims is None:
            raise ValueError("transpose without perm needs a tensor of known rank")
        perm = list(range(x.shape.ndims))[::-1]
    known, extra = int_arg(perm, "perm")
    if known is not None:
        known = [known] if isinstance(known, int) else known
    return make_tensor("Transpose", [x, *extra], x.dtype, {"perm": known}, name or "transpose")


def _invert_permutation_shape(op, in_shapes, value_of):
    s = in_shapes[0]
    if s.ndims is not None and s.ndims != 1:
        raise shape_error("InvertPermutation", op.name, "Shape must be rank 1", in_shapes)
    return [s if s.ndims is not None else TensorShape([None])]


register_op("InvertPermutation", _invert_permutation_shape, "invert_permutation")
NotDifferentiable("InvertPermutation")


def invert_permutation(x, name=None) -> Tensor:
    """The inverse of the permutation ``x`` (a 1-D int tensor): ``y[x[i]] = i``."""
    t = convert_to_tensor(x)
    if t.dtype not in (_dt.int32, _dt.int64):
        raise TypeError(
            f"Value passed to parameter 'x' has DataType {t.dtype.name} not in list of allowed "
            "values: int32, int64"
        )
    return make_tensor("InvertPermutation", [t], t.dtype, None, name or "InvertPermutation")


# ---- Concat and Split --------------------------------------------------------------------------
def _axis(op, value_of):
    """The op's axis: attribute ``axis``, or (an axis known only when run) the value of its last
    input; None while unknown."""
    a = arg_value(op, "axis", value_of, -1)
    return None if a is None else int(a.reshape(-1)[0])


def _values_n(op) -> int:
    """The number of tensors a ConcatV2 joins (its last input is a run-time axis if it has one)."""
    return len(op._inputs) - (op._attrs.get("axis") is None)


def _trailing_axis(op):
    return [len(op._inputs) - 1] if op._attrs.get("axis") is None else []


def _concat_shape(op, in_shapes, value_of):
    in_shapes = in_shapes[: _values_n(op)]
    axis = _axis(op, value_of)
    ranks = {s.ndims for s in in_shapes if s.ndims is not None}
    if not ranks:
        return [TensorShape(None)]
    if len(ranks) > 1:
        raise shape_error("ConcatV2", op.name, "Shape must be of equal rank", in_shapes)
    r = ranks.pop()
    if axis is None:
        return [TensorShape([None] * r)]
    if not -r <= axis < r:
        raise shape_error(
            "ConcatV2",
            op.name,
            f"ConcatOp : Expected concatenating dimensions in the range [{-r}, {r}), but got "
            f"{axis}",
            in_shapes,
        )
    a = axis % r
    out: list[int | None] = [None] * r
    total: int | None = 0
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
    return [_axis(op, v)], []


register_op(
    "ConcatV2",
    _concat_shape,
    "concat",
    kernel_inputs=lambda op: range(_values_n(op)),
    value_inputs=_trailing_axis,
    attrs_fn=_axis_attr,
)


def _axis_input(op):
    """The op's axis as a graph value: its attribute, or its run-time axis input."""
    a = op._attrs.get("axis")
    return ([], a) if a is not None else ([op.inputs[-1]], None)


@RegisterGradient("ConcatV2")
def _concat_grad(op, grad):
    n = _values_n(op)
    extra, axis = _axis_input(op)
    parts = make_op(
        "SplitLike",
        [grad, *op.inputs[:n], *extra],
        [grad.dtype] * n,
        {"axis": axis},
        "SplitLike",
    ).outputs
    return [*parts, *[None] * len(extra)]


def _split_like_shape(op, in_shapes, value_of):
    g = in_shapes[0]
    axis = _axis(op, value_of)
    out = []
    for s in in_shapes[1 : 1 + len(op._outputs)]:
        if s.ndims is None or g.ndims is None or axis is None:
            out.append(TensorShape(None) if s.ndims is None else TensorShape([None] * s.ndims))
            continue
        a = axis % s.ndims
        out.append(
            TensorShape([s.as_list()[i] if i == a else g.as_list()[i] for i in range(s.ndims)])
        )
    return out


register_op(
    "SplitLike",
    _split_like_shape,
    "split",
    kernel_inputs=(0,),
    value_inputs=_trailing_axis,
    attrs_fn=_axis_attr,
)


@RegisterGradient("SplitLike")
def _split_like_grad(op, *grads):
    # The pieces of input 0 go back together; the other inputs only give their shapes.
    gs = [g if g is not None else zeros_like(o) for g, o in zip(grads, op.outputs)]
    extra, axis = _axis_input(op)
    return [concat(gs, axis if axis is not None else extra[0])] + [None] * (len(op.inputs) - 1)


@overload
def concat(values: Sequence[TensorLike], axis: int | Tensor, name: str = "concat") -> Tensor: ...
@overload
def concat(values: int | Tensor, axis: Sequence[TensorLike], name: str = "concat") -> Tensor: ...
def concat(values: Any, axis: Any, name: str = "concat") -> Tensor:  # TF 0.x: (concat_dim, values)
    """Joins tensors along ``axis`` (an int, or a scalar int tensor known only when run). The
    deck's ``concat(concat_dim, values)`` also works."""
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
    known, extra = int_arg(axis, "axis")
    if known is not None and not isinstance(known, int):
        known = scalar_int(known)
    if len(ts) == 1:
        return identity(ts[0], name=name)
    return make_tensor("ConcatV2", [*ts, *extra], ts[0].dtype, {"axis": known}, name or "concat")


def _split_shape(op, in_shapes, value_of):
    s, axis, sizes = in_shapes[0], _axis(op, value_of), op.get_attr("size_splits")
    if s.ndims is None:
        return [TensorShape(None)] * len(sizes)
    if axis is None:
        return [TensorShape([None] * s.ndims)] * len(sizes)
    if not -s.ndims <= axis < s.ndims:
        raise shape_error(
            "Split",
            op.name,
            f"-input rank(-{s.ndims}) <= split_dim < input rank ({s.ndims}), but got {axis}",
            in_shapes,
        )
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
                f"Number of ways to split should evenly divide the split dimension, but got "
                f"split_dim {a} (size = {n}) and num_split {k}",
                in_shapes,
            )
        sizes = [None if n is None else n // k] * k
    if n is not None and None not in sizes and sum(sizes) != n:
        raise shape_error(
            "Split",
            op.name,
            "Determined shape must either match input shape along split_dim exactly if fully "
            f"specified, or be less than the size of the input along split_dim if not fully "
            f"specified.  Got: {sum(sizes)}",
            in_shapes,
        )
    return [TensorShape([*d[:a], z, *d[a + 1 :]]) for z in sizes]


register_op(
    "Split", _split_shape, "split", kernel_inputs=(0,), value_inputs=(1,), attrs_fn=_axis_attr
)


@RegisterGradient("Split")
def _split_grad(op, *grads):
    gs = [g if g is not None else zeros_like(o) for g, o in zip(grads, op.outputs)]
    extra, axis = _axis_input(op)
    return [concat(gs, axis if axis is not None else extra[0]), *[None] * len(extra)]


def split(
    value: TensorLike,
    num_or_size_splits: Any,
    axis: Any = 0,  # an int; TF 0.x order split(split_dim, num_split, value): the tensor
    num: int | None = None,
    name: str = "split",
) -> list[Tensor]:
    """Splits a tensor into pieces along ``axis`` (an int, or a scalar int tensor known only
    when run).

    TF 1.x order ``split(value, num_or_size_splits, axis)``; the deck's TF 0.x order
    ``split(split_dim, num_split, value)`` is recognised when the first argument is an int and the
    third a tensor.
    """
    if isinstance(value, (int, np.integer)) and not isinstance(axis, (int, np.integer)):
        value, axis = axis, value  # split(split_dim, num_split, value)
    x = convert_to_tensor(value)
    known, extra = int_arg(axis, "axis")
    if known is not None and not isinstance(known, int):
        known = scalar_int(known)
    if isinstance(num_or_size_splits, (int, np.integer)):
        k = int(num_or_size_splits)
        attrs = {"axis": known, "num_split": k, "size_splits": [0] * k}
    else:
        sizes = const_ints(num_or_size_splits, "num_or_size_splits")
        attrs = {"axis": known, "num_split": None, "size_splits": sizes}
        k = len(sizes)
    return list(make_op("Split", [x, *extra], [x.dtype] * k, attrs, name or "split").outputs)


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


def stack(values: Sequence[TensorLike], axis: int = 0, name: str = "stack") -> Tensor:
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


def unstack(
    value: TensorLike, num: int | None = None, axis: int = 0, name: str = "unstack"
) -> list[Tensor]:
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


def fill(dims: Any, value: TensorLike, name: str | None = None) -> Tensor:
    """A tensor of shape ``dims`` filled with the scalar ``value``."""
    v = convert_to_tensor(value)
    return make_tensor("Fill", [shape_tensor(dims, "Fill/dims"), v], v.dtype, None, name or "Fill")


def _filled(shape, dtype, name, value, default: str) -> Tensor:
    """A constant when it has fewer than 1000 elements; else, as in TF, ``Fill`` of a scalar,
    so a big initial value does not bloat the GraphDef."""
    dtype = _dt.as_dtype(dtype)
    if dtype is _dt.string and value == 0:
        value = b""  # (TF's zeros of strings: empty ones)
    if is_symbolic(shape) or (isinstance(shape, (list, tuple)) and _holds_tensors(shape)):
        return fill(shape, constant(value, dtype=dtype), name=name or default)
    dims = [int(d) for d in as_shape(shape).as_list()]  # type: ignore[arg-type]  # None: TypeError
    if math.prod(dims) < 1000:
        return constant(np.full(dims, value, dtype.np), name=name or default)
    with name_scope(name or default) as scope:
        dims_t = shape_tensor(dims, "shape_as_tensor")
        return fill(dims_t, constant(value, dtype=dtype), name=scope)


def zeros(
    shape: ShapeTensorLike, dtype: DTypeLike = _dt.float32, name: str | None = None
) -> Tensor:
    """``tf.zeros([1, 3])``: a tensor of zeros.

    >>> tf.zeros([2, 3]).op.type, tf.zeros([1000, 10]).op.type
    ('Const', 'Fill')
    """
    return _filled(shape, dtype, name, 0, "zeros")


def ones(shape: ShapeTensorLike, dtype: DTypeLike = _dt.float32, name: str | None = None) -> Tensor:
    """``tf.ones([1, 3])``: a tensor of ones (a constant, or ``Fill`` when big)."""
    return _filled(shape, dtype, name, 1, "ones")


def zeros_like(
    tensor: TensorLike,
    dtype: DTypeLike | None = None,
    name: str | None = None,
    optimize: bool = True,
) -> Tensor:
    x = convert_to_tensor(tensor)
    dtype = _dt.as_dtype(dtype) if dtype is not None else x.dtype
    with name_scope(name, "zeros_like", [x]):  # (strings: empty ones, as TF's)
        return fill(shape(x), constant(b"" if dtype is _dt.string else 0, dtype=dtype))


def ones_like(
    tensor: TensorLike,
    dtype: DTypeLike | None = None,
    name: str | None = None,
    optimize: bool = True,
) -> Tensor:
    x = convert_to_tensor(tensor)
    dtype = _dt.as_dtype(dtype) if dtype is not None else x.dtype
    with name_scope(name, "ones_like", [x]):
        return fill(shape(x), constant(1, dtype=dtype))


# ---- Cast ----------------------------------------------------------------------------------------
register_op("Cast", same_shape, "cast")


@RegisterGradient("Cast")
def _cast_grad(op, grad):
    src = op.inputs[0].dtype
    if (src.is_floating or src.is_complex) and (grad.dtype.is_floating or grad.dtype.is_complex):
        return [cast(grad, src)]
    return [None]


def cast(x: TensorLike, dtype: DTypeLike, name: str | None = None) -> Tensor:
    """Converts ``x`` to ``dtype`` (float to int truncates toward zero)."""
    x = convert_to_tensor(x)
    dtype = _dt.as_dtype(dtype)
    if dtype not in _dt.KERNEL_DTYPES:
        raise TypeError(f"cast to {dtype.name} is not supported")
    if x.dtype == dtype:
        return x
    return make_tensor("Cast", [x], dtype, {"SrcT": x.dtype, "DstT": dtype}, name or "Cast")


def to_float(x: TensorLike, name: str = "ToFloat") -> Tensor:
    return cast(x, _dt.float32, name=name)


def to_double(x: TensorLike, name: str = "ToDouble") -> Tensor:
    return cast(x, _dt.float64, name=name)


def to_int32(x: TensorLike, name: str = "ToInt32") -> Tensor:
    return cast(x, _dt.int32, name=name)


def to_int64(x: TensorLike, name: str = "ToInt64") -> Tensor:
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


def broadcast_to(input: TensorLike, shape: ShapeTensorLike, name: str | None = None) -> Tensor:
    x = convert_to_tensor(input)
    s = shape_tensor(shape, "Const")
    return make_tensor("BroadcastTo", [x, s], x.dtype, None, name or "BroadcastTo")


# ---- GuaranteeConst ------------------------------------------------------------------------------
register_op("GuaranteeConst", same_shape, "copy", kind=OpKind.ALIAS)


@RegisterGradient("GuaranteeConst")
def _guarantee_const_grad(op, grad):
    # TF registers no gradient for GuaranteeConst: tf.gradients through it is TF's LookupError.
    raise LookupError(f"No gradient defined for operation '{op.name}' (op type: {op.type})")


def guarantee_const(input: TensorLike, name: str | None = None) -> Tensor:
    """``input``, promised constant for the session's lifetime (an identity here)."""
    x = convert_to_tensor(input)
    return make_tensor("GuaranteeConst", [x], x.dtype, None, name or "GuaranteeConst")
