"""Nd indexing: ``gather_nd``, ``scatter_nd``, ``tensor_scatter_*`` (values), the in-place
``scatter_*`` / ``scatter_nd_*`` updates of variables, ``batch_gather`` and
``batch_scatter_update``; each op with its shape rule, kernel (``cpp/scatter.cc``) and gradient.

An nd index is the last dimension of ``indices``: ``indices[..., :depth]`` names a slice of the
tensor's first ``depth`` dimensions. Indices are checked when the graph runs; one out of range is
an InvalidArgumentError naming the op and the index, as TF's.

>>> with tf.Session() as sess:
...     print(sess.run(tf.gather_nd([[1, 2], [3, 4]], [[1, 0], [0, 1]])))
[3 2]
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..framework import dtypes as _dt
from ..framework.constant_op import constant, convert_to_tensor
from ..framework.graph import Tensor, name_scope, shape_error
from ..framework.op_util import NUMERIC, check_dtype_in, make_tensor, shape_input
from ..framework.registry import NotDifferentiable, OpKind, RegisterGradient, register_op
from ..framework.tensor_shape import TensorShape
from .array_ops import (
    cast,
    concat,
    expand_dims,
    identity,
    ones_like,
    shape,
    squeeze,
    zeros_like,
)
from .indexing_ops import INDEX_DTYPES, IndexedSlices, size_of_dim
from .math_ops import add, divide, equal, multiply, negative
from .variables import Variable, _ref_of

if TYPE_CHECKING:
    from ..framework.type_aliases import ShapeTensorLike, TensorLike

_MODES = {"update": 0, "add": 1, "sub": 2, "max": 3, "min": 4, "mul": 5, "div": 6}


def _index_depth(op, indices: TensorShape, rank: int | None):
    """The nd index depth (``indices.shape[-1]``), checked against ``rank``; None if unknown."""
    if indices.ndims is None:
        return None
    if indices.ndims < 1:
        raise shape_error(
            op.type, op.name, f"indices must be at least 1-D, got rank {indices.ndims}", [indices]
        )
    depth = indices.as_list()[-1]
    if depth is not None and rank is not None and depth > rank:
        raise shape_error(
            op.type,
            op.name,
            f"index innermost dimension length must be <= params rank; saw: {depth} vs. {rank}",
            [indices],
        )
    return depth


def _updates_shape(op, indices: TensorShape, target: TensorShape, updates: TensorShape, shapes):
    """Checks ``updates`` against ``indices.shape[:-1] + target.shape[depth:]`` (and, as TF,
    that an empty target gets no indices or updates)."""
    some = any(s.is_fully_defined() and (s.num_elements() or 0) > 0 for s in (indices, updates))
    if some and target.is_fully_defined() and target.num_elements() == 0:
        raise shape_error(op.type, op.name, "Indices and updates specified for empty input", shapes)
    depth = _index_depth(op, indices, target.ndims)
    if depth is None or target.ndims is None or updates.ndims is None:
        return
    want = TensorShape(indices.as_list()[:-1] + target.as_list()[depth:])
    if not want.is_compatible_with(updates):
        raise shape_error(
            op.type,
            op.name,
            f"Dimensions of updates must be indices.shape[:-1] + shape[{depth}:], expected "
            f"{want} but got {updates}",
            shapes,
        )


# ---- GatherNd ------------------------------------------------------------------------------------
def _gather_nd_shape(op, in_shapes, value_of):
    p, i = in_shapes
    depth = _index_depth(op, i, p.ndims)
    if depth is None or p.ndims is None:
        return [TensorShape(None)]
    return [TensorShape(i.as_list()[:-1] + p.as_list()[depth:])]


register_op("GatherNd", _gather_nd_shape, "gather_nd", graphdef_dtype=lambda op: None)


@RegisterGradient("GatherNd")
def _gather_nd_grad(op, grad):
    # params[indices] -> the gradient slices added back at their indices (duplicates summed)
    params, indices = op.inputs
    if indices.shape.ndims == 2 and indices.shape.as_list()[-1] == 1:
        n = size_of_dim(params, 0, indices.dtype)
        rows = squeeze(indices, [-1])
        return [IndexedSlices(grad, rows, shape(params, out_type=indices.dtype), _num_rows=n), None]
    return [scatter_nd(indices, grad, shape(params, out_type=indices.dtype)), None]


def _batch_indices(indices: Tensor, batch_dims: int) -> Tensor:
    """``indices [B..., N..., depth]`` with the coordinates of its first ``batch_dims``
    dimensions put in front of each index (``[B..., N..., batch_dims + depth]``)."""
    shp = indices.shape
    if shp.ndims is None or not shp[:batch_dims].is_fully_defined():
        raise ValueError("batch_dims needs indices whose batch dimensions are known")
    dims = [int(d or 0) for d in shp.as_list()]
    parts = []
    for d in range(batch_dims):
        grid = np.arange(dims[d]).reshape([dims[d] if k == d else 1 for k in range(len(dims))])
        coord = constant(grid.astype(indices.dtype.np))
        parts.append(multiply(coord, ones_like(indices[..., :1])))
    return concat([*parts, indices], -1)


def gather_nd(
    params: TensorLike, indices: TensorLike, name: str | None = None, batch_dims: int = 0
) -> Tensor:
    """Slices of ``params`` at the nd ``indices``: ``out[i...] = params[indices[i...]]``
    (``indices[..., :depth]`` index the first ``depth`` dimensions).

    >>> with tf.Session() as sess:
    ...     print(sess.run(tf.gather_nd([[1, 2], [3, 4]], [[1], [0]])))
    [[3 4]
     [1 2]]
    """
    p = convert_to_tensor(params)
    i = convert_to_tensor(indices)
    check_dtype_in("GatherNd", i, INDEX_DTYPES, "indices")
    with name_scope(name, "GatherNd", [p, i]) as scope:
        if batch_dims:
            i = _batch_indices(i, int(batch_dims))
        attrs = {"Tparams": p.dtype, "Tindices": i.dtype}
        return make_tensor("GatherNd", [p, i], p.dtype, attrs, scope)


def batch_gather(params: TensorLike, indices: TensorLike, name: str | None = None) -> Tensor:
    """``params[b..., indices[b..., j], ...]``: a gather per batch, the batch being all but the
    last dimension of ``indices`` (TF 1.x's deprecated ``batch_gather``; built on GatherNd).

    >>> with tf.Session() as sess:
    ...     print(sess.run(tf.batch_gather([[1, 2, 3], [4, 5, 6]], [[2, 0], [1, 1]])))
    [[3 1]
     [5 5]]
    """
    p = convert_to_tensor(params)
    i = convert_to_tensor(indices)
    r = i.shape.ndims
    if r is None:
        raise ValueError("batch_gather needs indices of known rank")
    with name_scope(name, "BatchGather", [p, i]) as scope:
        return gather_nd(p, expand_dims(i, -1), name=scope, batch_dims=r - 1)


# ---- ScatterNd and TensorScatter* ----------------------------------------------------------------
def _scatter_nd_shape(op, in_shapes, value_of):
    i, u = in_shapes[0], in_shapes[1]
    out = shape_input(op, 2, in_shapes, value_of)
    _updates_shape(op, i, out, u, in_shapes)
    return [out]


register_op(
    "ScatterNd",
    _scatter_nd_shape,
    "scatter_nd",
    kernel_inputs=(0, 1),
    value_inputs=(2,),
    graphdef_dtype=lambda op: op.outputs[0].dtype,
)


@RegisterGradient("ScatterNd")
def _scatter_nd_grad(op, grad):
    return [None, gather_nd(grad, op.inputs[0]), None]


def scatter_nd(
    indices: TensorLike, updates: TensorLike, shape: ShapeTensorLike, name: str | None = None
) -> Tensor:
    """A tensor of ``shape``, zeros but where ``updates`` are added at the nd ``indices``
    (indices named twice add up).

    >>> with tf.Session() as sess:
    ...     print(sess.run(tf.scatter_nd([[1], [3], [1]], [9, 10, 11], [4])))
    [ 0 20  0 10]
    """
    i = convert_to_tensor(indices)
    u = convert_to_tensor(updates)
    check_dtype_in("ScatterNd", i, INDEX_DTYPES, "indices")
    check_dtype_in("ScatterNd", u, NUMERIC, "updates")
    with name_scope(name, "ScatterNd", [i, u]) as scope:
        s = shape if isinstance(shape, Tensor) else constant(np.asarray(shape, i.dtype.np))
        if s.dtype != i.dtype:
            s = cast(s, i.dtype)
        return make_tensor("ScatterNd", [i, u, s], u.dtype, {"Tindices": i.dtype}, scope)


def _tensor_scatter_shape(op, in_shapes, value_of):
    t, i, u = in_shapes
    _updates_shape(op, i, t, u, in_shapes)
    return [t]


def _mode_attr(mode):
    return lambda op, i, o, v: ([mode], [])


for _name in ("Update", "Add", "Sub", "Max", "Min"):
    register_op(
        f"TensorScatter{_name}",
        _tensor_scatter_shape,
        "tensor_scatter",
        attrs_fn=_mode_attr(_MODES[_name.lower()]),
    )


@RegisterGradient("TensorScatterUpdate")
def _tensor_scatter_update_grad(op, grad):
    # the overwritten elements get no gradient; the updates get theirs
    indices = op.inputs[1]
    zeros = zeros_like(op.inputs[2], dtype=grad.dtype)
    return [
        tensor_scatter_update(identity(grad), indices, zeros),
        None,
        gather_nd(grad, indices),
    ]


@RegisterGradient("TensorScatterAdd")
def _tensor_scatter_add_grad(op, grad):
    return [identity(grad), None, gather_nd(grad, op.inputs[1])]


@RegisterGradient("TensorScatterSub")
def _tensor_scatter_sub_grad(op, grad):
    return [identity(grad), None, negative(gather_nd(grad, op.inputs[1]))]


def _tensor_scatter_min_or_max_grad(op, grad):
    # the gradient goes to the elements equal to the result, split evenly between ties
    x, indices, y = op.inputs
    out = op.outputs[0]
    x_ind = cast(equal(x, out), grad.dtype)
    y_ind = cast(equal(y, gather_nd(out, indices)), grad.dtype)
    ys_ind = scatter_nd(indices, y_ind, shape(x, out_type=indices.dtype))
    ind = add(x_ind, ys_ind)
    x_grad = divide(multiply(grad, x_ind), ind)
    y_grad = multiply(gather_nd(divide(grad, ind), indices), y_ind)
    return [x_grad, None, y_grad]


RegisterGradient("TensorScatterMax")(_tensor_scatter_min_or_max_grad)
RegisterGradient("TensorScatterMin")(_tensor_scatter_min_or_max_grad)


def _tensor_scatter(kind: str, tensor, indices, updates, name) -> Tensor:
    op_type = f"TensorScatter{kind}"
    t = convert_to_tensor(tensor)
    i = convert_to_tensor(indices)
    u = convert_to_tensor(updates, dtype=t.dtype)
    check_dtype_in(op_type, i, INDEX_DTYPES, "indices")
    allowed = (*NUMERIC, _dt.bool) if kind == "Update" else NUMERIC
    check_dtype_in(op_type, t, allowed, "tensor")
    attrs = {"T": t.dtype, "Tindices": i.dtype}
    return make_tensor(op_type, [t, i, u], t.dtype, attrs, name or op_type)


def tensor_scatter_update(tensor, indices, updates, name=None) -> Tensor:
    """A copy of ``tensor`` with ``updates`` written at the nd ``indices`` (for an index named
    twice, the last update wins here; TF leaves the order unspecified).

    >>> with tf.Session() as sess:
    ...     print(sess.run(tf.tensor_scatter_nd_update([1, 2, 3, 4], [[1], [3]], [9, 10])))
    [ 1  9  3 10]
    """
    return _tensor_scatter("Update", tensor, indices, updates, name)


def tensor_scatter_add(tensor, indices, updates, name=None) -> Tensor:
    """A copy of ``tensor`` with ``updates`` added at the nd ``indices``."""
    return _tensor_scatter("Add", tensor, indices, updates, name)


def tensor_scatter_sub(tensor, indices, updates, name=None) -> Tensor:
    """A copy of ``tensor`` with ``updates`` subtracted at the nd ``indices``."""
    return _tensor_scatter("Sub", tensor, indices, updates, name)


def tensor_scatter_max(tensor, indices, updates, name=None) -> Tensor:
    """A copy of ``tensor``, the elements at the nd ``indices`` the maximum of theirs and
    ``updates``."""
    return _tensor_scatter("Max", tensor, indices, updates, name)


def tensor_scatter_min(tensor, indices, updates, name=None) -> Tensor:
    """A copy of ``tensor``, the elements at the nd ``indices`` the minimum of theirs and
    ``updates``."""
    return _tensor_scatter("Min", tensor, indices, updates, name)


# ---- in-place updates of variables ---------------------------------------------------------------
def _scatter_ref_shape(op, in_shapes, value_of):
    ref, i, u = in_shapes
    if ref.ndims is not None and ref.ndims < 1:
        raise shape_error(
            op.type, op.name, "Shape must be at least rank 1 but is rank 0", in_shapes
        )
    if u.ndims == 0 or ref.ndims is None or i.ndims is None or u.ndims is None:
        return [ref]
    want = TensorShape(i.as_list() + ref.as_list()[1:])
    if not want.is_compatible_with(u):
        raise shape_error(
            op.type,
            op.name,
            f"Shapes must be equal rank, or updates a scalar: updates {u} must be "
            f"indices.shape + params.shape[1:] = {want}",
            in_shapes,
        )
    return [ref]


def _scatter_nd_ref_shape(op, in_shapes, value_of):
    ref, i, u = in_shapes
    _updates_shape(op, i, ref, u, in_shapes)
    return [ref]


def _ref_attrs(mode: int, nd: int):
    return lambda op, i, o, v: ([mode, nd], [])


for _kind in ("Update", "Add", "Sub", "Mul", "Div", "Max", "Min"):
    register_op(
        f"Scatter{_kind}",
        _scatter_ref_shape,
        "scatter_ref",
        kernel_inputs=(1, 2),
        attrs_fn=_ref_attrs(_MODES[_kind.lower()], 0),
        kind=OpKind.ASSIGN,
        stateful=True,
    )
    NotDifferentiable(f"Scatter{_kind}")
for _kind in ("Update", "Add", "Sub"):
    register_op(
        f"ScatterNd{_kind}",
        _scatter_nd_ref_shape,
        "scatter_ref",
        kernel_inputs=(1, 2),
        attrs_fn=_ref_attrs(_MODES[_kind.lower()], 1),
        kind=OpKind.ASSIGN,
        stateful=True,
    )
    NotDifferentiable(f"ScatterNd{_kind}")


def _scatter_ref(op_type: str, ref, indices, updates, use_locking, name) -> Tensor:
    r = _ref_of(ref)
    i = convert_to_tensor(indices)
    u = convert_to_tensor(updates, dtype=r.dtype)
    check_dtype_in(op_type, i, INDEX_DTYPES, "indices")
    check_dtype_in(op_type, r, NUMERIC, "ref")
    attrs = {"T": r.dtype, "Tindices": i.dtype, "use_locking": bool(use_locking)}
    return make_tensor(op_type, [r, i, u], r.dtype, attrs, name or op_type)


def scatter_update(
    ref: Variable | Tensor, indices: TensorLike, updates: TensorLike, use_locking=True, name=None
) -> Tensor:
    """``ref[indices] = updates`` in place (rows of the first dimension; ``updates`` has shape
    ``indices.shape + ref.shape[1:]`` or is a scalar); evaluates to the updated variable.

    >>> v = tf.Variable([1.0, 2.0, 3.0])
    >>> with tf.Session() as sess:
    ...     sess.run(v.initializer)
    ...     print(sess.run(tf.scatter_update(v, [2, 0], [30.0, 10.0])))
    [10.  2. 30.]
    """
    return _scatter_ref("ScatterUpdate", ref, indices, updates, use_locking, name)


def scatter_add(ref, indices, updates, use_locking=False, name=None) -> Tensor:
    """``ref[indices] += updates`` in place (rows named twice add up)."""
    return _scatter_ref("ScatterAdd", ref, indices, updates, use_locking, name)


def scatter_sub(ref, indices, updates, use_locking=False, name=None) -> Tensor:
    """``ref[indices] -= updates`` in place."""
    return _scatter_ref("ScatterSub", ref, indices, updates, use_locking, name)


def scatter_mul(ref, indices, updates, use_locking=False, name=None) -> Tensor:
    """``ref[indices] *= updates`` in place."""
    return _scatter_ref("ScatterMul", ref, indices, updates, use_locking, name)


def scatter_div(ref, indices, updates, use_locking=False, name=None) -> Tensor:
    """``ref[indices] /= updates`` in place (integer division by zero is an error)."""
    return _scatter_ref("ScatterDiv", ref, indices, updates, use_locking, name)


def scatter_max(ref, indices, updates, use_locking=False, name=None) -> Tensor:
    """``ref[indices] = max(ref[indices], updates)`` in place."""
    return _scatter_ref("ScatterMax", ref, indices, updates, use_locking, name)


def scatter_min(ref, indices, updates, use_locking=False, name=None) -> Tensor:
    """``ref[indices] = min(ref[indices], updates)`` in place."""
    return _scatter_ref("ScatterMin", ref, indices, updates, use_locking, name)


def scatter_nd_update(ref, indices, updates, use_locking=True, name=None) -> Tensor:
    """``ref[indices] = updates`` in place at nd ``indices``."""
    return _scatter_ref("ScatterNdUpdate", ref, indices, updates, use_locking, name)


def scatter_nd_add(ref, indices, updates, use_locking=False, name=None) -> Tensor:
    """``ref[indices] += updates`` in place at nd ``indices``."""
    return _scatter_ref("ScatterNdAdd", ref, indices, updates, use_locking, name)


def scatter_nd_sub(ref, indices, updates, use_locking=False, name=None) -> Tensor:
    """``ref[indices] -= updates`` in place at nd ``indices``."""
    return _scatter_ref("ScatterNdSub", ref, indices, updates, use_locking, name)


def batch_scatter_update(ref, indices, updates, use_locking=True, name=None) -> Tensor:
    """``ref[b..., indices[b..., j]] = updates[b..., j]`` in place: a scatter_update per batch,
    the batch being all but the last dimension of ``indices`` (a ScatterNdUpdate, as TF)."""
    i = convert_to_tensor(indices)
    r = i.shape.ndims
    if r is None:
        raise ValueError("batch_scatter_update needs indices of known rank")
    with name_scope(name, "BatchScatterUpdate", [i]):
        nd = _batch_indices(expand_dims(i, -1), r - 1)
        return scatter_nd_update(ref, nd, updates, use_locking=use_locking)
