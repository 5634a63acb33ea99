"""Array ops: constants, placeholders, identity, shapes, reshape, transpose, concat, split,
slicing, fill, cast and broadcasting helpers, each with its shape rule, kernel and gradient."""

from __future__ import annotations

import math
import numbers
from typing import Optional

import numpy as np

from . import dtypes as _dt
from .graph import Tensor, convert_to_tensor, get_default_graph, name_scope, shape_error
from .op_util import graph_of, make_op, make_tensor, norm_axes, same_shape, shape_input
from .registry import NotDifferentiable, RegisterGradient, register_op
from .tensor_shape import TensorShape, as_shape, shape_str

_pyslice = slice  # the builtin: this module defines tf.slice


# ---- Const ------------------------------------------------------------------------------------
def _const_shape(op, in_shapes, value_of):
    return [TensorShape(op.get_attr("value").shape)]


register_op("Const", _const_shape, kind="const")
NotDifferentiable("Const")


def _infer_value(value, dtype: Optional[_dt.DType]) -> np.ndarray:
    is_numpy = isinstance(value, (np.ndarray, np.generic))
    if isinstance(value, Tensor):
        raise TypeError("constant() takes a Python or NumPy value, not a Tensor")
    arr = np.asarray(value)
    if arr.dtype == object:
        raise TypeError(f"Cannot convert {value!r} to a tensor: ragged or non-numeric")
    if dtype is None:
        if arr.dtype.kind == "f" and not is_numpy:
            arr = arr.astype(np.float32)  # Python floats are float32, as in TF
        elif arr.dtype.kind in "iu" and not is_numpy:
            big = arr.size and (
                arr.max() > np.iinfo(np.int32).max or arr.min() < np.iinfo(np.int32).min
            )
            arr = arr.astype(np.int64 if big else np.int32)
        elif arr.dtype == np.float16 or arr.dtype.kind in "uc" or arr.dtype.kind in "SUO":
            if arr.dtype.kind in "SUOc":
                raise TypeError(f"Unsupported value type {arr.dtype} for a tensor")
        return np.array(arr, order="C")
    np_dt = dtype.np
    if arr.dtype.kind == "f" and np_dt.kind in "iub" and not np.all(np.equal(np.mod(arr, 1), 0)):
        raise TypeError(
            f"Expected {dtype.name}, got {value!r} of type '{type(value).__name__}' instead."
        )
    if arr.dtype.kind == "b" and np_dt.kind != "b":
        raise TypeError(f"Expected {dtype.name}, got a bool value instead.")
    return np.array(arr, dtype=np_dt, order="C")


def constant(value, dtype=None, shape=None, name="Const", verify_shape=False) -> Tensor:
    """A constant tensor: ``tf.constant([[1., 2.]])`` (Python floats become float32).

    >>> tf.constant([1.0, 2.0]).dtype
    tf.float32
    """
    dtype = None if dtype is None else _dt.as_dtype(dtype)
    arr = _infer_value(value, dtype)
    if shape is not None:
        shape = [int(d) for d in as_shape(shape).as_list()]
        if arr.size == 1:
            arr = np.full(shape, arr.reshape(()), dtype=arr.dtype)
        elif verify_shape and list(arr.shape) != shape:
            raise TypeError(f"Expected Tensor's shape: {tuple(shape)}, got {arr.shape}.")
        elif int(np.prod(shape)) == arr.size:
            arr = arr.reshape(shape)
        else:
            raise ValueError(
                f"Too many elements provided. Needed at most {int(np.prod(shape))}, "
                f"but received {arr.size}"
            )
    out_dtype = _dt.as_dtype(arr.dtype)
    return make_tensor("Const", [], out_dtype, {"value": arr, "dtype": out_dtype}, name)


def shape_tensor(shape, name: str) -> Tensor:
    """``shape`` as a 1-D int32 tensor: a Tensor is used as it is; a list, array or
    ``TensorShape`` becomes a constant named ``name``."""
    if isinstance(shape, Tensor):
        return shape
    dims = [int(d) for d in np.asarray(shape, dtype=object).reshape(-1)]
    return constant(np.asarray(dims, np.int32), name=name)


# ---- Placeholder ------------------------------------------------------------------------------
def _placeholder_shape(op, in_shapes, value_of):
    return [op.get_attr("shape")]


register_op("Placeholder", _placeholder_shape, kind="placeholder")
NotDifferentiable("Placeholder")


def placeholder(dtype, shape=None, name=None) -> Tensor:
    """A value fed at run time: ``x = tf.placeholder("float", [1, 3])``."""
    dtype = _dt.as_dtype(dtype)
    s = TensorShape(None) if shape is None else as_shape(shape)
    return make_tensor(
        "Placeholder", [], dtype, {"dtype": dtype, "shape": s}, name or "Placeholder"
    )


def placeholder_with_default(input, shape, name=None) -> Tensor:  # noqa: A002
    """Like ``identity(input)``, but ``input`` may be replaced by a feed."""
    x = convert_to_tensor(input)
    out = make_tensor("Identity", [x], x.dtype, None, name or "PlaceholderWithDefault")
    out.set_shape(shape)
    return out


# ---- Identity, StopGradient --------------------------------------------------------------------
register_op("Identity", same_shape, "copy", kind="alias")
register_op("StopGradient", same_shape, "copy", kind="alias")
NotDifferentiable("StopGradient")


@RegisterGradient("Identity")
def _identity_grad(op, grad):
    return [grad]


def identity(input, name=None) -> Tensor:  # noqa: A002
    """Returns a tensor with the same value as ``input``."""
    x = convert_to_tensor(input)
    return make_tensor("Identity", [x], x.dtype, None, name or "Identity")


def stop_gradient(input, name=None) -> Tensor:  # noqa: A002
    """The same value, but gradients do not flow through it."""
    x = convert_to_tensor(input)
    return make_tensor("StopGradient", [x], x.dtype, None, name or "StopGradient")


# ---- compile-time shape values -----------------------------------------------------------------
def _register_shape_op(type_name, value_fn, out_shape_fn):
    def shape_fn(op, in_shapes, value_of):
        return [out_shape_fn(op, in_shapes)]

    register_op(type_name, shape_fn, kind="shape", extra={"value_fn": value_fn})
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


def shape(input, name=None, out_type=_dt.int32) -> Tensor:  # noqa: A002
    """The shape of ``input`` as a 1-D int tensor."""
    x = convert_to_tensor(input)
    return make_tensor(
        "Shape", [x], _dt.as_dtype(out_type), {"out_type": _dt.as_dtype(out_type)}, name or "Shape"
    )


def size(input, name=None, out_type=_dt.int32) -> Tensor:  # noqa: A002
    x = convert_to_tensor(input)
    return cast(
        make_tensor(
            "ReductionSize", [x], _dt.int64, {"axis": None, "T": _dt.int64}, name or "Size"
        ),
        out_type,
    )


def rank(input, name=None) -> Tensor:  # noqa: A002
    x = convert_to_tensor(input)
    if x.shape.ndims is None:
        raise ValueError("rank() needs a tensor of known rank")
    return constant(x.shape.ndims, dtype=_dt.int32, name=name or "Rank")


def _reduced_shape(x: Tensor, axis) -> Tensor:
    return make_tensor("ReducedShape", [x], _dt.int64, {"axis": axis}, "ReducedShape")


def _reduction_size(x: Tensor, axis) -> Tensor:
    return make_tensor("ReductionSize", [x], x.dtype, {"axis": axis, "T": x.dtype}, "ReductionSize")


# ---- Reshape -----------------------------------------------------------------------------------
def _resolve_reshape(op, src: TensorShape, target) -> TensorShape:
    target = [int(d) for d in np.asarray(target).reshape(-1)]
    if target.count(-1) > 1:
        raise ValueError(f"[Reshape] can only infer one dimension for '{op.name}', got {target}")
    n = src.num_elements()
    if -1 in target:
        known = int(np.prod([d for d in target if d != -1]))
        if n is None:
            return TensorShape([None if d == -1 else d for d in target])
        if known == 0 or n % known:
            raise ValueError(
                f"[Reshape] Cannot reshape a tensor with {n} elements to shape "
                f"{target} for '{op.name}' (op: 'Reshape')"
            )
        target = [n // known if d == -1 else d for d in target]
    elif n is not None and n != int(np.prod(target)):
        raise ValueError(
            f"[Reshape] Cannot reshape a tensor with {n} elements to shape "
            f"{shape_str(target)} ({int(np.prod(target))} elements) for '{op.name}' "
            "(op: 'Reshape')"
        )
    return TensorShape(target)


def _reshape_shape(op, in_shapes, value_of):
    target = value_of(1)
    if target is None:
        return [shape_input(op, 1, in_shapes, value_of)]
    return [_resolve_reshape(op, in_shapes[0], target)]


register_op("Reshape", _reshape_shape, "copy", kernel_inputs=(0,), value_inputs=(1,), kind="alias")


@RegisterGradient("Reshape")
def _reshape_grad(op, grad):
    return [reshape(grad, shape(op.inputs[0])), None]


def reshape(tensor, shape, name=None) -> Tensor:  # noqa: A002
    """Same elements, new shape; one dimension may be -1."""
    x = convert_to_tensor(tensor)
    s = shape_tensor(shape, "Reshape/shape")
    return make_tensor("Reshape", [x, s], x.dtype, None, name or "Reshape")


def expand_dims(input, axis=None, name=None, dim=None) -> Tensor:  # noqa: A002
    """Inserts a dimension of size 1 at ``axis`` (see ``manip_ops.expand_dims``)."""
    from .manip_ops import expand_dims as _expand_dims

    return _expand_dims(input, axis, name, dim)


def squeeze(input, axis=None, name=None, squeeze_dims=None) -> Tensor:  # noqa: A002
    """Removes dimensions of size 1 (see ``manip_ops.squeeze``)."""
    from .manip_ops import squeeze as _squeeze

    return _squeeze(input, axis, name, squeeze_dims)


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
        [grad] + op.inputs,
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
    return [TensorShape(d[:a] + [z] + d[a + 1 :]) for z in sizes]


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


# ---- StridedSlice (tensor[...]) ---------------------------------------------------------------
def _slice_plan(spec, dims):
    """Resolves a slice spec against dims -> (begin, strides, sizes per input dim, out dims)."""
    n_real = sum(1 for k in spec if k[0] in ("int", "slice"))
    begin, strides, sizes, out = [], [], [], []
    d = 0
    for k in spec:
        if k[0] == "ellipsis":
            for _ in range(len(dims) - n_real):
                begin.append(0), strides.append(1), sizes.append(dims[d]), out.append(dims[d])
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
            begin.append(i), strides.append(1), sizes.append(1)
        else:
            _, start, stop, step = k
            if n is None:
                begin.append(None), strides.append(step or 1), sizes.append(None), out.append(None)
            else:
                b, e, s = _pyslice(start, stop, step).indices(n)
                m = len(range(b, e, s))
                begin.append(b if m else 0), strides.append(s), sizes.append(m), out.append(m)
        d += 1
    while d < len(dims):
        begin.append(0), strides.append(1), sizes.append(dims[d]), out.append(dims[d])
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
        from .graph import constant_value

        c = constant_value(v)
        return None if c is None else int(c)
    raise TypeError(
        "Only integers, slices (`:`), ellipsis (`...`), tf.newaxis (`None`) and scalar "
        f"tf.int32/tf.int64 tensors are valid indices, got {v!r}{what}"
    )


def _index_spec(key):
    """A slice key as a spec: entries ("ellipsis",), ("newaxis",), ("int", i) and ("slice",
    start, stop, step); ("dyn", tensor) for a scalar int tensor whose value is known only when
    run (``_getitem`` gathers along that dimension)."""
    key = key if isinstance(key, tuple) else (key,)
    spec = []
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


def _getitem(tensor, key):
    x = convert_to_tensor(tensor)
    spec = _index_spec(key)
    if any(k[0] == "dyn" for k in spec):
        from .manip_ops import _dynamic_getitem

        return _dynamic_getitem(x, spec)
    return make_tensor("StridedSlice", [x], x.dtype, {"spec": spec}, "strided_slice")


Tensor.__getitem__ = _getitem


def slice(input_, begin, size, name=None) -> Tensor:  # noqa: A001 - TF's name
    """``input_[begin[i] : begin[i] + size[i]]`` in every dimension (size -1: to the end)."""
    x = convert_to_tensor(input_)
    key = tuple(
        _pyslice(int(b), None if int(s) == -1 else int(b) + int(s))
        for b, s in zip(np.asarray(begin).reshape(-1), np.asarray(size).reshape(-1))
    )
    return make_tensor("StridedSlice", [x], x.dtype, {"spec": _index_spec(key)}, name or "Slice")


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
    from .math_ops import reduce_sum

    return [None, reduce_sum(grad)]


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


def broadcast_to(input, shape, name=None) -> Tensor:  # noqa: A002
    x = convert_to_tensor(input)
    s = shape_tensor(shape, "Const")
    return make_tensor("BroadcastTo", [x, s], x.dtype, None, name or "BroadcastTo")


# ---- NoOp ----------------------------------------------------------------------------------------
register_op("NoOp", lambda op, s, v: [], kind="noop")
NotDifferentiable("NoOp")


def no_op(name=None):
    """An op that does nothing; useful with control dependencies."""
    return get_default_graph().create_op("NoOp", [], [], None, name or "NoOp")


def group(*inputs, **kwargs):
    """An op that runs all ``inputs`` (ops or tensors)."""
    name = kwargs.pop("name", None)
    if kwargs:
        raise TypeError(f"Unknown keyword arguments: {list(kwargs)}")
    flat = []
    for i in inputs:
        if isinstance(i, (list, tuple)):
            flat.extend(i)
        else:
            flat.append(i)
    g = graph_of(*flat)
    with g.as_default(), g.control_dependencies([x for x in flat if x is not None]):
        return g.create_op("NoOp", [], [], None, name or "group_deps")


def tuple_(tensors, name=None, control_inputs=None):
    """Tensors with the same values, available only once all of them are computed."""
    ts = [convert_to_tensor(t) for t in tensors]
    with name_scope(name, "tuple", ts):
        gate = group(*ts, *(control_inputs or []))
        out = []
        with get_default_graph().control_dependencies([gate]):
            for t in ts:
                out.append(identity(t))
        return out
