"""TF's form of the op types of our own that graphs built here hold: the gradients' helpers
(``ReducedShape``, ``ReductionSize``, ``SumToShape``, ``SplitLike``, ``ProdGrad``), the sparse
gradient-descent step, ``VariableRank``, the fused LSTM ops (``lstm_forms``) and
``ShapeOpOutput`` (one output of a TF shape op that ``import_shape_ops`` read). TF has no such
op types, so a ``GraphDef`` writes each as the TF nodes that compute the same values (the graphs
TF's own gradients build: ``reduced_shape``, ``Sum`` over ``BroadcastGradientArgs``' indices
then ``Reshape``, ``ConcatOffset`` and ``Slice``, ...); the last node carries the op's name and
its outputs in the op's order, so that TF and ``tf.import_graph_def`` here read the files
written here. Where the values are known when the graph is built (static shapes) the nodes are
constants. Op types with no TF form (or ops of them that have none) are written as they are and
read back here only (``op_signatures._OWN``).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from . import dtypes as _dt
from .graph_def_forms import Form, Nodes
from .lstm_forms import LSTM_FORMS


def _known(t) -> np.ndarray | None:
    """The value of a ``Const`` input (None for any other)."""
    if t.op.type == "Const":
        return np.asarray(t.op._attrs["value"])
    return None


def _static_value(op) -> np.ndarray | None:
    """A shape op's value where its input's shape is fully defined and its axes known."""
    x = op._inputs[0]
    if not x.shape.is_fully_defined():
        return None
    i = op._attrs.get("axis_from")
    if i is not None and _known(op._inputs[i]) is None:
        return None
    shapes = [tuple(x.shape.as_list())]
    return op._def.value_fn(op, shapes, lambda k: _known(op._inputs[k]))


def _const(value: np.ndarray) -> Form:
    return Form("Const", [], {"value": value, "dtype": _dt.as_dtype(value.dtype)}, replace=True)


def _axes(op, b: Nodes):
    """The op's reduction axes as int32, non-negative (TF's ``reduced_shape`` normalisation):
    a ``Const`` where the attribute and the rank are known, else ``FloorMod`` nodes;
    ``(axes, rank)`` with the rank a ``Const`` or a ``Rank`` node."""
    x = op._inputs[0]
    r = x.shape.ndims
    rank = b.const(r, _dt.int32) if r is not None else b("Rank", 0, T=x.dtype)
    i = op._attrs.get("axis_from")
    if i is None:
        axis = op._attrs.get("axis")
        if axis is None:
            if r is not None:
                return b.const(np.arange(r), _dt.int32), rank
            zero, one = b.const(0, _dt.int32), b.const(1, _dt.int32)
            return b("Range", zero, rank, one, Tidx=_dt.int32), rank
        if r is not None:
            return b.const([a % r for a in axis], _dt.int32), rank
        given = b.const(axis, _dt.int32)
    else:
        given = i
        if op._inputs[i].dtype != _dt.int32:
            attrs = {"SrcT": op._inputs[i].dtype, "DstT": _dt.int32, "Truncate": False}
            given = b("Cast", i, **attrs)
    shifted = b("AddV2", given, rank, T=_dt.int32)
    return b("FloorMod", shifted, rank, T=_dt.int32), rank


def _range(b: Nodes, rank, r: int | None):
    if r is not None:
        return b.const(np.arange(r), _dt.int32)
    return b("Range", b.const(0, _dt.int32), rank, b.const(1, _dt.int32), Tidx=_dt.int32)


def _reduced_shape(op) -> Form | None:
    """``shape(x)`` with the reduced dimensions 1 (int64): TF's ``reduced_shape``, a
    ``DynamicStitch`` of the shape and ones at the axes."""
    v = _static_value(op)
    if v is not None:
        return _const(np.asarray(v, np.int64))
    b = Nodes()
    x = op._inputs[0]
    axes, rank = _axes(op, b)
    shape = b("Shape", 0, T=x.dtype, out_type=_dt.int64)
    if axes.value is not None:
        ones = b.const(np.ones(len(axes.value)), _dt.int64)
    else:
        n = b("Shape", axes, T=_dt.int32, out_type=_dt.int32)
        ones = b("Fill", n, b.const(1, _dt.int64), T=_dt.int64, index_type=_dt.int32)
    inputs = [_range(b, rank, x.shape.ndims), axes, shape, ones]
    return Form("DynamicStitch", inputs, {"N": 2, "T": _dt.int64}, replace=True)


def _cast_to(t, src: _dt.DType, dst: _dt.DType) -> Form:
    return Form("Cast", [t], {"SrcT": src, "DstT": dst, "Truncate": False}, replace=True)


def _reduction_size(op) -> Form | None:
    """The number of elements each reduction over the axes combines, in dtype ``T``: ``Size``,
    or the ``Prod`` of the gathered ``Shape``, then a ``Cast``."""
    dtype = op._attrs["T"]
    v = _static_value(op)
    if v is not None:
        return _const(np.asarray(v, dtype.np))
    b = Nodes()
    x = op._inputs[0]
    if op._attrs.get("axis") is None and op._attrs.get("axis_from") is None:
        if dtype in (_dt.int32, _dt.int64):
            return Form("Size", [0], {"T": x.dtype, "out_type": dtype}, replace=True)
        n = b("Size", 0, T=x.dtype, out_type=_dt.int64)
        return _cast_to(n, _dt.int64, dtype)
    axes, _ = _axes(op, b)
    shape = b("Shape", 0, T=x.dtype, out_type=_dt.int64)
    zero = b.const(0, _dt.int32)
    attrs = {"Tparams": _dt.int64, "Tindices": _dt.int32, "Taxis": _dt.int32, "batch_dims": 0}
    dims = b("GatherV2", shape, axes, zero, **attrs)
    prod_attrs = {"T": _dt.int64, "Tidx": _dt.int32, "keep_dims": False}
    if dtype == _dt.int64:
        return Form("Prod", [dims, zero], prod_attrs, replace=True)
    n = b("Prod", dims, zero, **prod_attrs)
    return _cast_to(n, _dt.int64, dtype)


def _sum_to_shape(op) -> Form | None:
    """``grad`` summed to ``like``'s shape: ``Reshape(Sum(grad, axes), shape(like))``, the axes
    constant where ``like``'s shape is known, else ``BroadcastGradientArgs``' (TF's gradients
    of broadcasting ops)."""
    g, like = op._inputs
    b = Nodes()
    sum_attrs = {"T": g.dtype, "Tidx": _dt.int32, "keep_dims": False}
    rs_attrs = {"T": g.dtype, "Tshape": _dt.int32}
    if like.shape.is_fully_defined() and g.shape.ndims is not None:
        dims = like.shape.as_list()
        lead = g.shape.ndims - len(dims)
        if lead < 0:
            return None
        axes = [*range(lead), *(lead + i for i, d in enumerate(dims) if d == 1)]
        total = b("Sum", 0, b.const(axes, _dt.int32), **sum_attrs)
        return Form("Reshape", [total, b.const(dims, _dt.int32)], rs_attrs, replace=True)
    sg = b("Shape", 0, T=g.dtype, out_type=_dt.int32)
    sx = b("Shape", 1, T=like.dtype, out_type=_dt.int32)
    args = b("BroadcastGradientArgs", sg, sx, T=_dt.int32)
    total = b("Sum", 0, (args, 1), **sum_attrs)
    return Form("Reshape", [total, sx], rs_attrs, replace=True)


def _dim(t, a: int) -> int | None:
    return t.shape.as_list()[a] if t.shape.ndims is not None and a < t.shape.ndims else None


def _split_like(op) -> Form | None:
    """``grad`` cut along the axis into pieces the sizes of the other inputs (a concat's
    gradient): ``SplitV`` where the sizes are known, else TF's ``ConcatOffset`` and ``Slice``s."""
    g = op._inputs[0]
    n = len(op._outputs)
    likes = list(range(1, 1 + n))
    b = Nodes()
    axis = op._attrs.get("axis")
    axis_in = None if axis is not None else len(op._inputs) - 1
    fed = _known(op._inputs[-1]) if axis is None else None
    if fed is not None:
        axis = int(fed)
    r = g.shape.ndims
    if axis is not None and r is not None:
        a = axis % r
        sizes = [_dim(op._inputs[k], a) for k in likes]
        if all(s is not None for s in sizes):
            attrs = {"T": g.dtype, "Tlen": _dt.int32, "num_split": n}
            sizes_in = b.const(sizes, _dt.int32)
            return Form("SplitV", [0, sizes_in, b.const(a, _dt.int32)], attrs, replace=True)
    if axis is not None and r is not None:
        dim = b.const(axis % r, _dt.int32)
    else:
        rank = b.const(r, _dt.int32) if r is not None else b("Rank", 0, T=g.dtype)
        given = b.const(axis, _dt.int32) if axis is not None else axis_in
        if axis is None and op._inputs[-1].dtype != _dt.int32:
            cast = {"SrcT": op._inputs[-1].dtype, "DstT": _dt.int32, "Truncate": False}
            given = b("Cast", axis_in, **cast)
        dim = b("FloorMod", b("AddV2", given, rank, T=_dt.int32), rank, T=_dt.int32)
    shapes = [b("Shape", k, T=op._inputs[k].dtype, out_type=_dt.int32) for k in likes]
    offsets = b("ConcatOffset", dim, *shapes, N=n, shape_type=_dt.int32)
    parts = [b("Slice", 0, (offsets, k), shapes[k], T=g.dtype, Index=_dt.int32) for k in range(n)]
    return Form("IdentityN", parts, {"T": [g.dtype] * n}, replace=True)


def _prod_grad(op) -> Form | None:
    """``dy * prod(other elements of x's group)`` as TF's ``_ProdGrad``: exclusive ``Cumprod``s
    from both ends (exact where x has zeros), over the one reduced axis, or, for several, over
    the reduced dimensions transposed to the front and flattened. Where x's rank or the axes
    are not known the op is written as it is."""
    x = op._inputs[0]
    r = x.shape.ndims
    i = op._attrs.get("axis_from")
    axis = op._attrs.get("axis") if i is None else _known(op._inputs[i])
    if r is None or (i is not None and axis is None):
        return None
    axes = sorted({int(a) % r for a in np.ravel(axis)} if axis is not None else set(range(r)))
    b, dt = Nodes(), x.dtype
    if not axes:
        return Form("Mul", [1, b("OnesLike", 0, T=dt)], {"T": dt}, replace=True)
    cum = {"T": dt, "Tidx": _dt.int32, "exclusive": True}
    if len(axes) == 1:
        a = b.const(axes[0], _dt.int32)
        left = b("Cumprod", 0, a, **cum, reverse=False)
        right = b("Cumprod", 0, a, **cum, reverse=True)
        return Form("Mul", [1, b("Mul", left, right, T=dt)], {"T": dt}, replace=True)
    dims = x.shape.as_list()
    other = [k for k in range(r) if k not in axes]
    perm = axes + other
    tr = {"T": dt, "Tperm": _dt.int32}
    rs = {"T": dt, "Tshape": _dt.int32}
    xt = b("Transpose", 0, b.const(perm, _dt.int32), **tr)
    zero = b.const(0, _dt.int32)
    if all(dims[k] is not None for k in axes):
        flat = b.const([int(np.prod([dims[k] for k in axes])), -1], _dt.int32)
    else:  # the reduced dimensions' product, known when run
        shape = b("Shape", 0, T=dt, out_type=_dt.int32)
        gather = {"Tparams": _dt.int32, "Tindices": _dt.int32, "Taxis": _dt.int32, "batch_dims": 0}
        dims_in = b("GatherV2", shape, b.const(axes, _dt.int32), zero, **gather)
        n = b("Prod", dims_in, zero, T=_dt.int32, Tidx=_dt.int32, keep_dims=True)
        flat = b("ConcatV2", n, b.const([-1], _dt.int32), zero, N=2, T=_dt.int32, Tidx=_dt.int32)
    m = b("Reshape", xt, flat, **rs)
    left = b("Cumprod", m, zero, **cum, reverse=False)
    right = b("Cumprod", m, zero, **cum, reverse=True)
    if x.shape.is_fully_defined():
        permuted = b.const([dims[k] for k in perm], _dt.int32)
    else:
        permuted = b("Shape", xt, T=dt, out_type=_dt.int32)
    others = b("Reshape", b("Mul", left, right, T=dt), permuted, **rs)
    back = b("Transpose", others, b.const(np.argsort(perm), _dt.int32), **tr)
    return Form("Mul", [1, back], {"T": dt}, replace=True)


def _sparse_apply_gradient_descent(op) -> Form | None:
    """``var[ids] -= lr * values`` (duplicates summed): TF's ``ScatterSub`` of the scaled rows,
    as TF's ``GradientDescentOptimizer`` updates a ref variable by a sparse gradient."""
    var, _lr, values, ids = op._inputs
    b = Nodes()
    scaled = b("Mul", 2, 1, T=values.dtype)
    attrs = {
        "T": var.dtype,
        "Tindices": ids.dtype,
        "use_locking": bool(op._attrs.get("use_locking", False)),
    }
    return Form("ScatterSub", [0, 3, scaled], attrs, replace=True)


def _variable_rank(op) -> Form | None:
    """A variable's rank, failing while it is uninitialised: TF's ``Rank`` of the ref."""
    return Form("Rank", [0], {"T": op._inputs[0].dtype}, replace=True)


def _shape_op_output(op) -> Form | None:
    """One output of a TF shape op read here (``BroadcastGradientArgs``, ``ConcatOffset``): the
    TF node, and an ``Identity`` of the output."""
    b = Nodes()
    attrs = {k: v for k, v in op._attrs.items() if k not in ("tf_type", "index")}
    node = b(op._attrs["tf_type"], *range(len(op._inputs)), **attrs)
    k = int(op._attrs["index"])
    return Form("Identity", [(node, k)], {"T": op._outputs[0].dtype}, replace=True)


OWN_FORMS: dict[str, Callable[..., Form | None]] = {
    "ReducedShape": _reduced_shape,
    "ReductionSize": _reduction_size,
    "SumToShape": _sum_to_shape,
    "SplitLike": _split_like,
    "ProdGrad": _prod_grad,
    "SparseApplyGradientDescent": _sparse_apply_gradient_descent,
    "VariableRank": _variable_rank,
    "ShapeOpOutput": _shape_op_output,
    **LSTM_FORMS,
}


def own_form(op) -> Form | None:
    """The TF form of an op of one of our own types (None: another type, or an op written as
    it is: ``op_signatures._OWN`` lists the types that may be)."""
    f = OWN_FORMS.get(op.type)
    return f(op) if f is not None else None
