"""SparseTensor ops (TF's ``sparse_ops.py``, ``sparse_grad.py`` and the sparse segment
reductions): the kernels SparseToDense, SparseTensorDenseMatMul, SparseReorder,
SparseTensorDenseAdd, SparseReduceSum/Max, SparseSoftmax and SparseSegment{Sum,Mean,SqrtN}[With
NumSegments], each with its shape rule and gradient; and the composites TF also builds from
other ops (retain, slice, transpose, eye, from_dense, ...). Output sizes that depend on values
(the number of entries ``tf.where`` finds, the segments of a sorted segment reduction) are
computed by a pre-plan before the plan runs (``OpDef.value_inputs``).
"""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from ..framework import dtypes as _dt
from ..framework.constant_op import constant, convert_to_tensor
from ..framework.graph import Tensor, constant_value, name_scope, shape_error
from ..framework.op_util import check_dtype_in, make_op, partial_ints
from ..framework.registry import NotDifferentiable, OpKind, RegisterGradient, register_op
from ..framework.sparse_tensor import (
    SparseTensor,
    SparseTensorValue,
    convert_to_tensor_or_sparse_tensor,
)
from ..framework.tensor_shape import TensorShape
from .array_ops import (
    cast,
    concat,
    expand_dims,
    fill,
    identity,
    ones,
    placeholder,
    placeholder_with_default,
    reshape,
    shape,
    stack,
    transpose,
    zeros,
    zeros_like,
)
from .indexing_ops import (
    IndexedSlices,
    gather,
    range,
    unsorted_segment_sum,
    where_indices,
    where_v2,
)
from .math_extra_ops import (
    cumprod,
    cumsum,
    logical_not,
    reduce_all,
    reduce_any,
    unsorted_segment_max,
    unsorted_segment_min,
)
from .math_ops import (
    equal,
    floordiv,
    floormod,
    greater,
    greater_equal,
    less,
    matmul,
    maximum,
    minimum,
    not_equal,
    reduce_max,
    reduce_prod,
    reduce_sum,
    sqrt,
)

FLOATS = (_dt.float32, _dt.float64)
NUMBERS = (_dt.float32, _dt.float64, _dt.int32, _dt.int64)


# ---- helpers ------------------------------------------------------------------------------------
def _sparse(x: Any, what: str = "sp_input") -> SparseTensor:
    x = convert_to_tensor_or_sparse_tensor(x)
    if not isinstance(x, SparseTensor):
        raise TypeError(f"Input {what} must be a SparseTensor, got {type(x).__name__}")
    return x


def _int64(x: Any, name: str = "x") -> Tensor:
    t = convert_to_tensor(x, dtype=None if isinstance(x, Tensor) else _dt.int64, name=name)
    return t if t.dtype == _dt.int64 else cast(t, _dt.int64)


def _vector_value(op, value_of, i) -> list | None:
    """Input ``i`` of ``op`` (a shape vector) as ints when known, else its partial value."""
    v = value_of(i)
    if v is not None:
        return [int(d) for d in np.asarray(v).reshape(-1)]
    return partial_ints(op._inputs[i])


def _strides(dims: Tensor) -> Tensor:
    """Row-major strides of a dense shape (int64): ``cumprod(dims, exclusive, reverse)``."""
    return cumprod(dims, exclusive=True, reverse=True)


def _flat_positions(indices: Tensor, dims: Tensor) -> Tensor:
    """The row-major position of each index row [N, rank] in a dense tensor of shape ``dims``."""
    return reduce_sum(indices * _strides(dims), axis=1)


def _rank(sp: SparseTensor) -> int:
    ds, ind = sp.dense_shape.shape, sp.indices.shape
    r = ds.as_list()[0] if ds.ndims == 1 else None
    if r is None:
        r = ind.as_list()[1] if ind.ndims == 2 else None
    if r is None:
        raise ValueError("the rank of the SparseTensor must be known at graph build")
    return int(r)


def _check_entries(sp: SparseTensor) -> None:
    n1, n2 = sp.indices.shape, sp.values.shape
    if n1.ndims == 2 and n2.ndims == 1 and not n1[0].is_compatible_with(n2[0]):
        raise ValueError(f"indices {n1} and values {n2} do not hold the same number of entries")


# ---- Where-based composites ---------------------------------------------------------------------
def _positions(mask: Tensor) -> Tensor:
    """The positions (int64 [M]) where the boolean vector ``mask`` is true."""
    return reshape(where_indices(mask), [-1])


# ---- SparseToDense ------------------------------------------------------------------------------
def _to_dense_shape(op, in_shapes, value_of):
    dims = _vector_value(op, value_of, 1)
    if dims is None:
        n = in_shapes[1].as_list()[0] if in_shapes[1].ndims == 1 else None
        return [TensorShape(None if n is None else [None] * n)]
    return [TensorShape([None if d is None or d < 0 else d for d in dims])]


register_op(
    "SparseToDense",
    _to_dense_shape,
    "sparse_to_dense",
    value_inputs=(1,),
    attrs_fn=lambda op, *_: ([int(op.get_attr("validate_indices"))], []),
)


@RegisterGradient("SparseToDense")
def _sparse_to_dense_grad(op, grad):
    ind, dims, vals, _ = op.inputs  # values: the gradient at their positions (gather_nd)
    rank = size_of(dims)
    rows = reshape(ind, stack([constant(-1, ind.dtype), cast(rank, ind.dtype)]))
    at = _flat_positions(cast(rows, _dt.int64), cast(dims, _dt.int64))
    vals_grad = gather(reshape(grad, [-1]), at)
    if vals.shape.ndims == 0:
        vals_grad = reduce_sum(vals_grad)
    default_grad = reduce_sum(grad) - reduce_sum(vals_grad)
    return [None, None, vals_grad, default_grad]


def size_of(t: Tensor) -> Tensor:
    return reduce_prod(shape(t, out_type=_dt.int64))


def sparse_to_dense(
    sparse_indices, output_shape, sparse_values, default_value=0, validate_indices=True, name=None
):
    """A dense tensor of ``output_shape`` holding ``sparse_values`` at ``sparse_indices`` and
    ``default_value`` elsewhere (indices checked in range and, with ``validate_indices``, sorted
    and unique).

    >>> with tf.Session() as sess:
    ...     print(sess.run(tf.sparse_to_dense([[0, 1], [1, 0]], [2, 2], [5, 6])))
    [[0 5]
     [6 0]]
    """
    with name_scope(name, "SparseToDense", [sparse_indices, sparse_values]) as scope:
        ind = convert_to_tensor(sparse_indices, name="sparse_indices")
        check_dtype_in("SparseToDense", ind, (_dt.int32, _dt.int64), "sparse_indices")
        dims = convert_to_tensor(output_shape, dtype=ind.dtype, name="output_shape")
        vals = convert_to_tensor(sparse_values, name="sparse_values")
        dflt = convert_to_tensor(default_value, dtype=vals.dtype, name="default_value")
        attrs = {"T": vals.dtype, "Tindices": ind.dtype, "validate_indices": bool(validate_indices)}
        op = make_op("SparseToDense", [ind, dims, vals, dflt], [vals.dtype], attrs, scope)
        return op.outputs[0]


def sparse_tensor_to_dense(sp_input, default_value=None, validate_indices=True, name=None):
    """The dense tensor a SparseTensor stands for (``default_value``, default 0, elsewhere).

    >>> st = tf.SparseTensor([[0, 1]], [3.0], [1, 2])
    >>> with tf.Session() as sess:
    ...     print(sess.run(tf.sparse.to_dense(st)))
    [[0. 3.]]
    """
    sp = _sparse(sp_input)
    if default_value is None:
        default_value = np.zeros((), sp.dtype.np)
    out = sparse_to_dense(
        sp.indices, sp.dense_shape, sp.values, default_value, validate_indices, name
    )
    out._shape = out.shape.merge_with(sp.shape) if sp.shape.ndims is not None else out.shape
    return out


# ---- SparseTensorDenseMatMul --------------------------------------------------------------------
def _sdmm_shape(op, in_shapes, value_of):
    dims = _vector_value(op, value_of, 2)
    adj_a, adj_b = op.get_attr("adjoint_a"), op.get_attr("adjoint_b")
    b = in_shapes[3]
    if b.ndims is not None and b.ndims != 2:
        raise shape_error("SparseTensorDenseMatMul", op.name, "b must be a matrix", in_shapes)
    rows = None if dims is None or len(dims) != 2 else dims[1 if adj_a else 0]
    cols = None if b.ndims is None else b[0 if adj_b else 1]
    return [TensorShape([rows, cols])]


register_op(
    "SparseTensorDenseMatMul",
    _sdmm_shape,
    "sparse_dense_matmul",
    value_inputs=(2,),
    attrs_fn=lambda op, *_: (
        [int(op.get_attr("adjoint_a")), int(op.get_attr("adjoint_b"))],
        [],
    ),
)


@RegisterGradient("SparseTensorDenseMatMul")
def _sdmm_grad(op, grad):
    # d b = op(A)^T @ grad (as b's layout); d values[k] = sum_j grad[r_k, j] * op(b)[c_k, j]
    ind, vals, dims, b = op.inputs
    adj_a, adj_b = op.get_attr("adjoint_a"), op.get_attr("adjoint_b")
    b_grad = _sdmm(ind, vals, dims, grad, not adj_a, False)
    if adj_b:
        b_grad = transpose(b_grad)
    rows, cols = ind[:, 0], ind[:, 1]
    parts_a = gather(grad, cols if adj_a else rows)
    parts_b = gather(transpose(b) if adj_b else b, rows if adj_a else cols)
    return [None, reduce_sum(parts_a * parts_b, axis=1), None, b_grad]


def _sdmm(ind, vals, dims, b, adjoint_a, adjoint_b, name=None):
    attrs = {"T": vals.dtype, "Tindices": ind.dtype, "adjoint_a": bool(adjoint_a)}
    attrs["adjoint_b"] = bool(adjoint_b)
    return make_op(
        "SparseTensorDenseMatMul", [ind, vals, dims, b], [vals.dtype], attrs, name
    ).outputs[0]


def sparse_tensor_dense_matmul(sp_a, b, adjoint_a=False, adjoint_b=False, name=None):
    """``op(A) @ op(B)`` for a sparse matrix ``A`` (a rank-2 SparseTensor) and a dense ``B``;
    ``op`` transposes where ``adjoint_*`` is set.

    >>> a = tf.SparseTensor([[0, 1], [1, 0]], [2.0, 3.0], [2, 2])
    >>> with tf.Session() as sess:
    ...     print(sess.run(tf.sparse.sparse_dense_matmul(a, [[1.0], [10.0]])))
    [[20.]
     [ 3.]]
    """
    sp = _sparse(sp_a, "sp_a")
    with name_scope(name, "SparseTensorDenseMatMul", [sp.indices, sp.values, b]) as scope:
        bt = convert_to_tensor(b, dtype=sp.dtype, name="b")
        check_dtype_in("SparseTensorDenseMatMul", bt, NUMBERS, "b")
        return _sdmm(sp.indices, sp.values, sp.dense_shape, bt, adjoint_a, adjoint_b, scope)


def sparse_matmul(
    a, b, transpose_a=False, transpose_b=False, a_is_sparse=False, b_is_sparse=False, name=None
):
    """``a @ b`` for dense matrices (the sparsity hints only choose TF's kernel: a MatMul)."""
    return matmul(
        a,
        b,
        transpose_a=transpose_a,
        transpose_b=transpose_b,
        a_is_sparse=a_is_sparse,
        b_is_sparse=b_is_sparse,
        name=name or "SparseMatMul",
    )


# ---- SparseReorder ------------------------------------------------------------------------------
register_op(
    "SparseReorder", lambda op, in_shapes, value_of: [in_shapes[0], in_shapes[1]], "sparse_reorder"
)


@RegisterGradient("SparseReorder")
def _sparse_reorder_grad(op, unused_indices_grad, grad):
    # the values move by the sort's permutation p: d input[p[k]] = grad[k]
    if grad is None:  # only the indices were used
        return [None, None, None]
    ind, _, dims = op.inputs
    n = shape(ind, out_type=_dt.int64)[0]
    perm = _reorder(ind, range(n, dtype=_dt.int64), dims)[1]
    return [None, unsorted_segment_sum(grad, perm, n), None]


def _reorder(ind, vals, dims, name=None):
    op = make_op(
        "SparseReorder", [ind, vals, dims], [ind.dtype, vals.dtype], {"T": vals.dtype}, name
    )
    return op.outputs


def sparse_reorder(sp_input, name=None):
    """The same SparseTensor with its entries in row-major (lexicographic index) order.

    >>> st = tf.SparseTensor([[1, 0], [0, 1]], [1, 2], [2, 2])
    >>> with tf.Session() as sess:
    ...     print(sess.run(tf.sparse.reorder(st)).values)
    [2 1]
    """
    sp = _sparse(sp_input)
    with name_scope(name, "SparseReorder", [sp.indices, sp.values]) as scope:
        ind, vals = _reorder(sp.indices, sp.values, sp.dense_shape, scope)
        out = SparseTensor(ind, vals, identity(sp.dense_shape))
        out.set_shape(sp.shape)
        return out


# ---- SparseSegmentSum / Mean / SqrtN ------------------------------------------------------------
_SEGMENT_MODES = {"Sum": 0, "Mean": 1, "SqrtN": 2}


def _segment_shape(op, in_shapes, value_of):
    with_n = len(op._inputs) == 4
    data = in_shapes[0]
    for i, what in ((1, "indices"), (2, "segment_ids")):
        if in_shapes[i].ndims not in (None, 1):
            raise shape_error(op.type, op.name, f"{what} should be a vector", in_shapes)
    v = value_of(3 if with_n else 2)
    if v is None:
        n = None
    elif with_n:
        n = int(np.asarray(v).reshape(()))
    else:
        seg = np.asarray(v).reshape(-1)
        n = int(seg[-1]) + 1 if seg.size else 0
    if data.ndims is None:
        return [TensorShape(None)]
    return [TensorShape([n, *data.as_list()[1:]])]


for _name, _mode in _SEGMENT_MODES.items():
    for _with_n in (False, True):
        register_op(
            f"SparseSegment{_name}" + ("WithNumSegments" if _with_n else ""),
            _segment_shape,
            "sparse_segment",
            kernel_inputs=(0, 1, 2),
            value_inputs=(3,) if _with_n else (2,),
            attrs_fn=lambda op, *_, m=_mode, w=_with_n: ([m, int(w)], []),
        )


def _segment_grad(op, grad):
    # d data = unsorted_segment_sum(grad[segment_ids] / scale, indices, rows), scale per segment
    # 1 (sum), its count (mean) or the count's square root (sqrt_n)
    data, ids, seg = op.inputs[:3]
    mode = _SEGMENT_MODES[op.type[len("SparseSegment") :].replace("WithNumSegments", "")]
    g = grad
    if mode:
        nseg = shape(grad, out_type=_dt.int64)[0]
        seg64 = cast(seg, _dt.int64)
        counts = unsorted_segment_sum(ones(shape(seg64), grad.dtype), seg64, nseg)
        counts = maximum(counts, ones_like_t(counts))
        if mode == 2:
            counts = sqrt(counts)
        extra = [1] * (data.shape.ndims - 1) if data.shape.ndims else []
        g = grad / reshape(counts, [-1, *extra])
    rows = shape(data, out_type=_dt.int64)[0]
    d = unsorted_segment_sum(gather(g, seg), ids, rows)
    return [d, None, None] + ([None] if len(op.inputs) == 4 else [])


def ones_like_t(t: Tensor) -> Tensor:
    return ones(shape(t), t.dtype)


for _name in _SEGMENT_MODES:
    RegisterGradient(f"SparseSegment{_name}")(_segment_grad)
    RegisterGradient(f"SparseSegment{_name}WithNumSegments")(_segment_grad)


def _sparse_segment(kind, data, indices, segment_ids, name, num_segments):
    op_type = f"SparseSegment{kind}" + ("" if num_segments is None else "WithNumSegments")
    with name_scope(name, op_type, [data, indices, segment_ids]) as scope:
        d = convert_to_tensor(data, name="data")
        check_dtype_in(op_type, d, FLOATS, "data")
        ids = convert_to_tensor(indices, name="indices")
        seg = convert_to_tensor(segment_ids, name="segment_ids")
        check_dtype_in(op_type, ids, (_dt.int32, _dt.int64), "indices")
        check_dtype_in(op_type, seg, (_dt.int32, _dt.int64), "segment_ids")
        ins = [d, ids, seg]
        attrs = {"T": d.dtype, "Tidx": ids.dtype, "Tsegmentids": seg.dtype}
        if num_segments is not None:
            ins.append(convert_to_tensor(num_segments, name="num_segments"))
            attrs["Tnumsegments"] = ins[-1].dtype
        return make_op(op_type, ins, [d.dtype], attrs, scope).outputs[0]


def sparse_segment_sum(
    data, indices, segment_ids, name=None, num_segments=None, sparse_gradient=False
):
    """``out[s] = sum(data[indices[k]] for k with segment_ids[k] == s)`` (sorted segment ids;
    ``num_segments`` rows, or up to the last id).

    >>> with tf.Session() as sess:
    ...     print(sess.run(tf.sparse.segment_sum([[1.0], [2.0], [4.0]], [0, 2, 1], [0, 0, 1])))
    [[5.]
     [2.]]
    """
    return _sparse_segment("Sum", data, indices, segment_ids, name, num_segments)


def sparse_segment_mean(
    data, indices, segment_ids, name=None, num_segments=None, sparse_gradient=False
):
    """As :func:`sparse_segment_sum`, divided by each segment's size (0 for an empty one)."""
    return _sparse_segment("Mean", data, indices, segment_ids, name, num_segments)


def sparse_segment_sqrt_n(
    data, indices, segment_ids, name=None, num_segments=None, sparse_gradient=False
):
    """As :func:`sparse_segment_sum`, divided by the square root of each segment's size."""
    return _sparse_segment("SqrtN", data, indices, segment_ids, name, num_segments)


# ---- SparseTensorDenseAdd and sparse_add --------------------------------------------------------
register_op("SparseTensorDenseAdd", lambda op, in_shapes, v: [in_shapes[3]], "sparse_dense_add")


@RegisterGradient("SparseTensorDenseAdd")
def _sparse_dense_add_grad(op, grad):
    ind, _, dims, _ = op.inputs  # values: the gradient at their positions; b: all of it
    at = _flat_positions(cast(ind, _dt.int64), cast(dims, _dt.int64))
    return [None, gather(reshape(grad, [-1]), at), None, grad]


def _union(a: SparseTensor, b: SparseTensor):
    """The entries of a and b merged by index: (sorted unique indices, the sorted values, each
    entry's group, the number of groups, each group's size)."""
    ind = concat([a.indices, b.indices], 0)
    vals = concat([a.values, b.values], 0)
    s_ind, s_vals = _reorder(ind, vals, a.dense_shape)
    rank = shape(s_ind, out_type=_dt.int64)[1]
    prev = concat([fill(stack([constant(1, _dt.int64), rank]), constant(-1, _dt.int64)), s_ind], 0)
    is_new = reduce_any(not_equal(s_ind, prev[:-1]), axis=1)
    group = cumsum(cast(is_new, _dt.int64)) - constant(1, _dt.int64)
    n = reduce_sum(cast(is_new, _dt.int64))
    out_ind = unsorted_segment_max(s_ind, group, n)  # every row of a group is its index
    counts = unsorted_segment_sum(ones(shape(group), _dt.int32), group, n)
    return out_ind, s_vals, group, n, counts


def _add_value_inputs(op):
    t = constant_value(op._inputs[6])
    if t is not None and not np.any(np.asarray(t)):
        return [0, 2, 3, 5]  # no threshold: the count depends on the indices only
    return [0, 1, 2, 3, 4, 5, 6]


def _add_count(a_ind, a_val, b_ind, b_val, thresh) -> int:
    """The entries of SparseAdd's sum: the union of the (row-major, unique) indices, less the
    sums of two entries smaller in magnitude than ``thresh``."""
    na = len(a_ind)
    rows = np.concatenate([a_ind, b_ind])  # both [N, rank]
    if not len(rows):
        return 0
    uniq, inv = np.unique(rows, axis=0, return_inverse=True)
    inv = inv.reshape(-1)
    count = len(uniq)
    if thresh is not None and np.any(np.asarray(thresh)):
        _, ia, ib = np.intersect1d(inv[:na], inv[na:], return_indices=True)
        sums = np.asarray(a_val)[ia] + np.asarray(b_val)[ib]
        count -= int(np.sum(np.abs(sums) < np.asarray(thresh).reshape(())))
    return count


def _sparse_add_shape(op, in_shapes, value_of):
    rank = in_shapes[2].as_list()[0] if in_shapes[2].ndims == 1 else None
    a_ind, b_ind = value_of(0), value_of(3)
    nnz = None
    if a_ind is not None and b_ind is not None:
        r = 0 if rank is None else rank
        a_ind, b_ind = np.asarray(a_ind).reshape(-1, r), np.asarray(b_ind).reshape(-1, r)
        if 6 in _add_value_inputs(op):
            a_val, b_val, thresh = value_of(1), value_of(4), value_of(6)
            if a_val is not None and b_val is not None and thresh is not None:
                nnz = _add_count(a_ind, a_val, b_ind, b_val, thresh)
        else:
            nnz = _add_count(a_ind, None, b_ind, None, None)
    return [TensorShape([nnz, rank]), TensorShape([nnz]), TensorShape([rank])]


register_op("SparseAdd", _sparse_add_shape, "sparse_add", value_inputs=_add_value_inputs)


@RegisterGradient("SparseAdd")
def _sparse_add_grad(op, unused_ind_grad, val_grad, unused_shape_grad):
    # each operand's value gets the sum's gradient at its index (0 where its sum was dropped)
    a_ind, b_ind = op.inputs[0], op.inputs[3]
    g = make_op(
        "SparseAddGrad",
        [val_grad, a_ind, b_ind, op.outputs[0]],
        [val_grad.dtype, val_grad.dtype],
        {"T": val_grad.dtype},
    ).outputs
    return [None, g[0], None, None, g[1], None, None]


register_op(
    "SparseAddGrad",
    lambda op, in_shapes, v: [
        TensorShape([in_shapes[1].as_list()[0] if in_shapes[1].ndims == 2 else None]),
        TensorShape([in_shapes[2].as_list()[0] if in_shapes[2].ndims == 2 else None]),
    ],
    "sparse_add_grad",
)
NotDifferentiable("SparseAddGrad")


def sparse_add(a, b, threshold=None, thresh=None):
    """``a + b`` where one or both are SparseTensors: dense for a dense operand (op
    SparseTensorDenseAdd), else a SparseTensor of the union of their indices (op SparseAdd;
    both in row-major order); a sum of two entries smaller in magnitude than ``threshold`` is
    dropped.

    >>> a = tf.SparseTensor([[0, 0]], [1.0], [2, 2])
    >>> b = tf.SparseTensor([[0, 0], [1, 1]], [2.0, 3.0], [2, 2])
    >>> with tf.Session() as sess:
    ...     print(sess.run(tf.sparse.add(a, b)).values)
    [3. 3.]
    """
    if threshold is None:
        threshold = 0 if thresh is None else thresh
    sa = isinstance(a, (SparseTensor, SparseTensorValue))
    sb = isinstance(b, (SparseTensor, SparseTensorValue))
    if not sa and not sb:
        raise TypeError("At least one input should be SparseTensor; do you mean to use tf.add()?")
    if sa and sb:
        a, b = _sparse(a, "a"), _sparse(b, "b")
        with name_scope(None, "SparseAdd", [a.indices, a.values, b.indices, b.values]) as scope:
            bv = b.values if b.dtype == a.dtype else cast(b.values, a.dtype)
            thr = convert_to_tensor(threshold, dtype=a.dtype, name="threshold")
            ins = [a.indices, a.values, a.dense_shape, b.indices, bv, b.dense_shape, thr]
            attrs = {"T": a.dtype, "Treal": a.dtype}
            outs = make_op("SparseAdd", ins, [_dt.int64, a.dtype, _dt.int64], attrs, scope).outputs
            out = SparseTensor(*outs)
            out.set_shape(a.shape.merge_with(b.shape) if a.shape.ndims is not None else b.shape)
            return out
    if sb:
        a, b = b, a
    a = _sparse(a, "a")
    with name_scope(None, "SparseTensorDenseAdd", [a.indices, a.values, b]) as scope:
        bt = convert_to_tensor(b, dtype=a.dtype, name="b")
        attrs = {"T": a.dtype, "Tindices": _dt.int64}
        ins = [a.indices, a.values, a.dense_shape, bt]
        return make_op("SparseTensorDenseAdd", ins, [a.dtype], attrs, scope).outputs[0]


def _sparse_extreme(fn, zero_fn, sp_a, sp_b, name, what):
    a, b = _sparse(sp_a, "sp_a"), _sparse(sp_b, "sp_b")
    with name_scope(name, what, [a.indices, a.values, b.indices, b.values]):
        out_ind, s_vals, group, n, counts = _union(a, b)
        r = fn(s_vals, group, n)
        r = where_v2(greater(counts, 1), r, zero_fn(r, zeros_like(r)))  # a missing entry is 0
        out = SparseTensor(out_ind, r, identity(a.dense_shape))
        out.set_shape(a.shape)
        return out


def sparse_maximum(sp_a, sp_b, name=None):
    """The element-wise maximum of two SparseTensors of one shape (a missing entry is 0)."""
    return _sparse_extreme(unsorted_segment_max, maximum, sp_a, sp_b, name, "SparseSparseMaximum")


def sparse_minimum(sp_a, sp_b, name=None):
    """The element-wise minimum of two SparseTensors of one shape (a missing entry is 0)."""
    return _sparse_extreme(unsorted_segment_min, minimum, sp_a, sp_b, name, "SparseSparseMinimum")


# ---- SparseReduceSum / SparseReduceMax ----------------------------------------------------------
def _reduce_mask(op, value_of, rank):
    axes = value_of(3)
    if axes is None or rank is None:
        return None
    mask = [False] * rank
    for a in np.asarray(axes).reshape(-1):
        a = int(a)
        if not -rank <= a < rank:
            raise shape_error(
                op.type, op.name, f"Invalid reduction dimension {a} for input with {rank} dims", []
            )
        mask[a % rank] = True
    return mask


def _sparse_reduce_shape(op, in_shapes, value_of):
    dims = _vector_value(op, value_of, 2)
    rank = len(dims) if dims is not None else None
    mask = _reduce_mask(op, value_of, rank)
    keep = op.get_attr("keep_dims")
    if mask is None or dims is None:
        return [TensorShape([None] * rank if keep and rank is not None else None)]
    if keep:
        return [TensorShape([1 if m else d for d, m in zip(dims, mask)])]
    return [TensorShape([d for d, m in zip(dims, mask) if not m])]


def _sparse_reduce_attrs(is_max):
    def attrs_fn(op, in_shapes, out_shapes, value_of):
        dims = _vector_value(op, value_of, 2)
        mask = _reduce_mask(op, value_of, None if dims is None else len(dims))
        if mask is None:
            raise ValueError(f"[{op.type}] input_shape and reduction_axes must be known to run")
        return [int(is_max), *[int(m) for m in mask]], []

    return attrs_fn


for _t, _is_max in (("SparseReduceSum", False), ("SparseReduceMax", True)):
    register_op(
        _t,
        _sparse_reduce_shape,
        "sparse_reduce",
        kernel_inputs=(0, 1, 2),
        value_inputs=(2, 3),
        attrs_fn=_sparse_reduce_attrs(_is_max),
    )
NotDifferentiable("SparseReduceMax")


def _gather_reduced(dense, ind, dims, axes):
    """For each entry, the element of ``dense`` (a reduction over ``axes`` with kept dims)
    that its index reduces into."""
    rank = shape(dims, out_type=_dt.int64)[0]
    axes = floormod(cast(reshape(axes, [-1]), _dt.int64), rank)
    reduced = reduce_any(equal(expand_dims(range(rank, dtype=_dt.int64), 1), axes), axis=1)
    one = ones_like_t(dims)
    kept_dims = where_v2(reduced, one, dims)
    kept_ind = ind * cast(logical_not(reduced), _dt.int64)
    return gather(reshape(dense, [-1]), _flat_positions(kept_ind, kept_dims))


@RegisterGradient("SparseReduceSum")
def _sparse_reduce_sum_grad(op, grad):
    ind, _, dims, axes = op.inputs  # each value gets the gradient of the sum it went into
    return [None, _gather_reduced(grad, ind, dims, axes), None, None]


def _axes(sp: SparseTensor, axis):
    if axis is None:
        return range(shape(sp.dense_shape)[0], dtype=_dt.int32)
    return convert_to_tensor(axis, dtype=_dt.int32, name="reduction_axes")


def _sparse_reduce(op_type, sp_input, axis, keepdims, reduction_axes, keep_dims, name):
    if axis is None:
        axis = reduction_axes
    if keepdims is None:
        keepdims = bool(keep_dims)
    sp = _sparse(sp_input)
    check_dtype_in(op_type, sp.values, NUMBERS, "input_values")
    with name_scope(name, op_type, [sp.indices, sp.values]) as scope:
        ins = [sp.indices, sp.values, sp.dense_shape, _axes(sp, axis)]
        attrs = {"T": sp.dtype, "keep_dims": bool(keepdims)}
        return make_op(op_type, ins, [sp.dtype], attrs, scope).outputs[0]


def sparse_reduce_sum(
    sp_input, axis=None, keepdims=None, reduction_axes=None, keep_dims=None, name=None
):
    """The sum of a SparseTensor's entries over ``axis`` (all when None): a dense tensor.

    >>> st = tf.SparseTensor([[0, 0], [0, 2], [1, 1]], [1.0, 2.0, 3.0], [2, 3])
    >>> with tf.Session() as sess:
    ...     print(sess.run(tf.sparse.reduce_sum(st, 1)))
    [3. 3.]
    """
    return _sparse_reduce(
        "SparseReduceSum", sp_input, axis, keepdims, reduction_axes, keep_dims, name
    )


def sparse_reduce_max(
    sp_input, axis=None, keepdims=None, reduction_axes=None, keep_dims=None, name=None
):
    """The largest entry over ``axis`` (0 where no entry falls): a dense tensor."""
    return _sparse_reduce(
        "SparseReduceMax", sp_input, axis, keepdims, reduction_axes, keep_dims, name
    )


def _reduce_sparse(dense_fn, sp_input, axis, keepdims, reduction_axes, keep_dims, name, what):
    sp = _sparse(sp_input)
    with name_scope(name, what, [sp.indices, sp.values]):
        dense = dense_fn(sp, axis, keepdims, reduction_axes, keep_dims)
        ones_sp = SparseTensor(sp.indices, ones(shape(sp.values), _dt.int32), sp.dense_shape)
        counts = sparse_reduce_sum(ones_sp, axis, keepdims, reduction_axes, keep_dims)
        ind = where_indices(greater(counts, 0))  # the groups some entry falls in
        at = _positions(reshape(greater(counts, 0), [-1]))
        return SparseTensor(ind, gather(reshape(dense, [-1]), at), shape(dense, out_type=_dt.int64))


def sparse_reduce_sum_sparse(
    sp_input, axis=None, keepdims=None, reduction_axes=None, keep_dims=None, name=None
):
    """As :func:`sparse_reduce_sum`, as a SparseTensor of the sums some entry went into."""
    return _reduce_sparse(
        sparse_reduce_sum, sp_input, axis, keepdims, reduction_axes, keep_dims, name,
        "SparseReduceSumSparse",
    )  # fmt: skip


def sparse_reduce_max_sparse(
    sp_input, axis=None, keepdims=None, reduction_axes=None, keep_dims=None, name=None
):
    """As :func:`sparse_reduce_max`, as a SparseTensor of the maxima some entry went into."""
    return _reduce_sparse(
        sparse_reduce_max, sp_input, axis, keepdims, reduction_axes, keep_dims, name,
        "SparseReduceMaxSparse",
    )  # fmt: skip


# ---- SparseSoftmax ------------------------------------------------------------------------------
register_op("SparseSoftmax", lambda op, in_shapes, v: [in_shapes[1]], "sparse_softmax")


@RegisterGradient("SparseSoftmax")
def _sparse_softmax_grad(op, grad):
    # d x = (grad - sum_row(grad * y)) * y, rows: the entries sharing all but the last index
    ind, _, dims = op.inputs
    y = op.outputs[0]
    last = constant([-1], _dt.int32)
    row_sums = make_op(
        "SparseReduceSum",
        [ind, grad * y, dims, last],
        [y.dtype],
        {"T": y.dtype, "keep_dims": True},
    ).outputs[0]
    return [None, (grad - _gather_reduced(row_sums, ind, dims, last)) * y, None]


def sparse_softmax(sp_input, name=None):
    """Softmax over the entries of each innermost row (the entries sharing all but the last
    index), as if the missing ones were -inf; a SparseTensor of the same indices.

    >>> st = tf.SparseTensor([[0, 0], [0, 2], [1, 1]], [1.0, 1.0, 5.0], [2, 3])
    >>> with tf.Session() as sess:
    ...     print(sess.run(tf.sparse.softmax(st)).values)
    [0.5 0.5 1. ]
    """
    sp = _sparse(sp_input)
    check_dtype_in("SparseSoftmax", sp.values, FLOATS, "sp_values")
    with name_scope(name, "SparseSoftmax", [sp.indices, sp.values]) as scope:
        ins = [sp.indices, sp.values, sp.dense_shape]
        vals = make_op("SparseSoftmax", ins, [sp.dtype], {"T": sp.dtype}, scope).outputs[0]
        out = SparseTensor(sp.indices, vals, sp.dense_shape)
        out.set_shape(sp.shape)
        return out


# ---- SparseCross (hashed) -----------------------------------------------------------------------
_DEFAULT_HASH_KEY = 0xDECAFCAFFE


def _cross_sizes(op, in_shapes, value_of):
    """(batch, entries, widest row) of a SparseCross, or None while values are unknown."""
    ns = op.get_attr("N")
    dense = in_shapes[3 * ns :]
    batch = None
    counts = []
    for i in builtins.range(ns):
        ind, dims = value_of(i), value_of(2 * ns + i)
        if ind is None or dims is None:
            return None
        batch = int(np.asarray(dims).reshape(-1)[0])
        rows = np.asarray(ind).reshape(-1, 2)[:, 0]
        if rows.size and (rows.min() < 0 or rows.max() >= batch):
            raise ValueError(f"[SparseCross] Invalid batch index in sparse input {i}")
        counts.append(np.bincount(rows, minlength=batch)[:batch])
    for d in dense:
        if not d.is_fully_defined():
            return None
        batch = d.as_list()[0] if batch is None else batch
        counts.append(np.full(batch, d.as_list()[1]))
    if batch is None or not counts:
        return 0, 0, 0
    per_row = np.prod(np.stack(counts).astype(np.int64), axis=0)
    return batch, int(per_row.sum()), int(per_row.max(initial=0))


def _cross_shape(op, in_shapes, value_of):
    sizes = _cross_sizes(op, in_shapes, value_of)
    nnz = None if sizes is None else sizes[1]
    return [TensorShape([nnz, 2]), TensorShape([nnz]), TensorShape([2])]


register_op(
    "SparseCross",
    _cross_shape,
    "sparse_cross",
    value_inputs=lambda op: [
        *builtins.range(op.get_attr("N")),
        *builtins.range(2 * op.get_attr("N"), 3 * op.get_attr("N")),
    ],
    attrs_fn=lambda op, *_: (
        [op.get_attr("N"), op.get_attr("num_buckets"), _as_int64(op.get_attr("hash_key"))],
        [],
    ),
)
NotDifferentiable("SparseCross")


def _as_int64(v: int) -> int:
    """A uint64 attribute as the int64 of the same bits."""
    v &= (1 << 64) - 1
    return v - (1 << 64) if v >= 1 << 63 else v


def sparse_cross_hashed(inputs, num_buckets=0, hash_key=None, name=None):
    """The hashed crosses of int features: per row, every combination of one feature of each
    input (SparseTensors, then dense [batch, k] Tensors), fingerprinted (TF's FingerprintCat64
    from ``hash_key``) into ``[0, num_buckets)`` when ``num_buckets > 0``.

    >>> a = tf.SparseTensor([[0, 0], [1, 0], [1, 1]], tf.constant([3, 4, 5], tf.int64), [2, 2])
    >>> with tf.Session() as sess:
    ...     print(sess.run(tf.sparse.cross_hashed([a, [[1], [2]]], num_buckets=100)).values)
    [... ... ...]
    """
    if not isinstance(inputs, (tuple, list)):
        raise TypeError("Inputs must be a list")
    sps = [x for x in inputs if isinstance(x, SparseTensor)]
    dense = [convert_to_tensor(x) for x in inputs if not isinstance(x, SparseTensor)]
    for x in [*[s.values for s in sps], *dense]:
        if x.dtype == _dt.string:
            raise TypeError("sparse.cross_hashed: string features are not supported")
    vals = [cast(s.values, _dt.int64) if s.dtype != _dt.int64 else s.values for s in sps]
    dense = [cast(d, _dt.int64) if d.dtype != _dt.int64 else d for d in dense]
    ins = [*[s.indices for s in sps], *vals, *[s.dense_shape for s in sps], *dense]
    attrs = {
        "N": len(sps),
        "hashed_output": True,
        "num_buckets": int(num_buckets),
        "hash_key": int(hash_key or _DEFAULT_HASH_KEY),
        "sparse_types": [_dt.int64] * len(sps),
        "dense_types": [_dt.int64] * len(dense),
        "out_type": _dt.int64,
        "internal_type": _dt.int64,
    }
    op = make_op("SparseCross", ins, [_dt.int64] * 3, attrs, name or "SparseCross")
    return SparseTensor(*op.outputs)


def _cross_strings(op, *arrays):
    """SparseCrossV2 in Python (a host op: its values are strings): per row, every combination
    of one feature of each input joined by ``sep``, the last input varying fastest."""
    ns = op.get_attr("N")
    sep = op.get_attr("sep")
    inds, vals, dims, dense = (
        arrays[:ns],
        arrays[ns : 2 * ns],
        arrays[2 * ns : 3 * ns],
        arrays[3 * ns :],
    )
    batch = int(dims[0][0]) if ns else (len(dense[0]) if dense else 0)
    out_i, out_v, width = [], [], 0
    for r in builtins.range(batch):
        cols = [list(v[np.asarray(i).reshape(-1, 2)[:, 0] == r]) for i, v in zip(inds, vals)]
        cols += [list(d[r]) for d in dense]
        combos: list[list] = [[]] if cols else []
        for fs in cols:
            combos = [[*c, f] for c in combos for f in fs]
        for k, c in enumerate(combos):
            out_i.append([r, k])
            out_v.append(sep.join(str(int(f)) for f in c).encode())
        width = max(width, len(combos))
    values = np.empty(len(out_v), object)
    values[:] = out_v
    return [
        np.array(out_i, np.int64).reshape(-1, 2),
        values,
        np.array([batch, width], np.int64),
    ]


register_op(
    "SparseCrossV2",
    lambda op, in_shapes, v: [TensorShape([None, 2]), TensorShape([None]), TensorShape([2])],
    kind=OpKind.HOST,
    host_fn=_cross_strings,
)
NotDifferentiable("SparseCrossV2")


def sparse_cross(inputs, name=None, separator=None):
    """The crosses of features as strings: per row, every combination of one feature of each
    input (SparseTensors, then dense [batch, k] Tensors) joined by ``separator`` (``"_X_"``).

    Int features only. The values are strings, which only the session's host side holds (like
    summaries: fetch them; no kernel reads them); the indices and dense shape are those of
    :func:`sparse_cross_hashed`, ordinary tensors.

    >>> a = tf.SparseTensor([[0, 0], [1, 0]], tf.constant([3, 4], tf.int64), [2, 1])
    >>> with tf.Session() as sess:
    ...     print(sess.run(tf.sparse.cross([a, [[7], [8]]])).values)
    [b'3_X_7' b'4_X_8']
    """
    if not isinstance(inputs, (tuple, list)):
        raise TypeError("Inputs must be a list")
    sps = [x for x in inputs if isinstance(x, SparseTensor)]
    dense = [convert_to_tensor(x) for x in inputs if not isinstance(x, SparseTensor)]
    if any(x.dtype == _dt.string for x in [*[s.values for s in sps], *dense]):
        raise TypeError("sparse.cross: string features are not supported (int features only)")
    vals = [s.values if s.dtype == _dt.int64 else cast(s.values, _dt.int64) for s in sps]
    dense = [d if d.dtype == _dt.int64 else cast(d, _dt.int64) for d in dense]
    ins = [*[s.indices for s in sps], *vals, *[s.dense_shape for s in sps], *dense]
    attrs = {
        "N": len(sps),
        "sep": "_X_" if separator is None else separator,
        "sparse_types": [v.dtype for v in vals],
        "dense_types": [d.dtype for d in dense],
    }
    with name_scope(name, "SparseCrossV2", ins) as scope:
        op = make_op("SparseCrossV2", ins, [_dt.int64, _dt.string, _dt.int64], attrs, scope)
        hashed = sparse_cross_hashed([*sps, *dense])  # the same indices and shape, as tensors
        return SparseTensor(hashed.indices, op.outputs[1], hashed.dense_shape)


# ---- composites ---------------------------------------------------------------------------------
def from_dense(tensor, name=None):
    """The SparseTensor of ``tensor``'s non-zero elements (row-major order).

    >>> with tf.Session() as sess:
    ...     print(sess.run(tf.sparse.from_dense([[0, 7], [8, 0]])).values)
    [7 8]
    """
    with name_scope(name, "dense_to_sparse", [tensor]):
        x = convert_to_tensor(tensor)
        ind = where_indices(not_equal(x, zeros_like(x)))
        dims = shape(x, out_type=_dt.int64)
        vals = gather(reshape(x, [-1]), _flat_positions(ind, dims))
        out = SparseTensor(ind, vals, dims)
        out.set_shape(x.shape)
        return out


def sparse_retain(sp_input, to_retain):
    """The entries of ``sp_input`` where the boolean vector ``to_retain`` is true."""
    sp = _sparse(sp_input)
    keep = convert_to_tensor(to_retain, dtype=_dt.bool)
    if keep.shape.ndims not in (None, 1):
        raise ValueError(f"Shape {keep.shape} must have rank 1")
    if sp.values.shape.ndims == 1 and not keep.shape.is_compatible_with(sp.values.shape):
        raise ValueError(f"Dimensions {keep.shape[0]} and {sp.values.shape[0]} are not compatible")
    at = _positions(keep)
    out = SparseTensor(gather(sp.indices, at), gather(sp.values, at), identity(sp.dense_shape))
    out.set_shape(sp.shape)
    return out


def sparse_reset_shape(sp_input, new_shape=None):
    """``sp_input`` with dense shape ``new_shape`` (default: the tight bounding box of its
    indices)."""
    sp = _sparse(sp_input)
    if new_shape is None:
        dims = reduce_max(sp.indices, axis=0) + constant(1, _dt.int64)
    else:
        dims = _int64(new_shape, "new_shape")
        old, new = constant_value(sp.dense_shape), constant_value(dims)
        if old is not None and new is not None:
            if np.shape(old) != np.shape(new):
                raise ValueError(f"new_shape {new} must have the rank of the shape {old}")
            if np.any(np.asarray(new) < np.asarray(old)):
                raise ValueError(f"new_shape {new} must not be smaller than the shape {old}")
    return SparseTensor(identity(sp.indices), identity(sp.values), dims)


def sparse_transpose(sp_input, perm=None, name=None):
    """The SparseTensor with its dimensions permuted by ``perm`` (default: reversed), reordered.

    >>> st = tf.SparseTensor([[0, 1]], [5], [2, 3])
    >>> with tf.Session() as sess:
    ...     print(sess.run(tf.sparse.transpose(st)).indices)
    [[1 0]]
    """
    sp = _sparse(sp_input)
    with name_scope(name, "SparseTranspose", [sp.indices, sp.values]):
        if perm is None:
            perm = list(builtins.range(_rank(sp) - 1, -1, -1))
        p = convert_to_tensor(perm, dtype=_dt.int64, name="perm")
        ind = gather(sp.indices, p, axis=1)
        dims = gather(sp.dense_shape, p)
        out = sparse_reorder(SparseTensor(ind, sp.values, dims))
        pv = constant_value(p)
        if sp.shape.ndims is not None and pv is not None:
            out.set_shape([sp.shape[int(i)] for i in np.asarray(pv).reshape(-1)])
        return out


def sparse_eye(num_rows, num_columns=None, dtype=_dt.float32, name=None):
    """The identity matrix [num_rows, num_columns] as a SparseTensor."""
    with name_scope(name, "eye", [num_rows, num_columns]):
        rows = _int64(num_rows, "num_rows")
        cols = rows if num_columns is None else _int64(num_columns, "num_columns")
        n = minimum(rows, cols)
        diag = range(n, dtype=_dt.int64)
        out = SparseTensor(
            stack([diag, diag], axis=1), ones(reshape(n, [1]), dtype), stack([rows, cols])
        )
        r, c = constant_value(rows), constant_value(cols)
        out.set_shape([None if r is None else int(r), None if c is None else int(c)])
        return out


def sparse_expand_dims(sp_input, axis=None, name=None):
    """``sp_input`` with a dimension of size 1 inserted at ``axis`` (default: last)."""
    sp = _sparse(sp_input)
    rank = _rank(sp)
    if axis is None:
        axis = -1
    av = constant_value(convert_to_tensor(axis))
    if av is None:
        raise TypeError("sparse.expand_dims needs an axis known at graph build")
    a = int(np.asarray(av).reshape(()))
    if not -rank - 1 <= a <= rank:
        raise ValueError(f"Axis {a} out of range [{-rank - 1}, {rank}]")
    if a < 0:
        a += rank + 1
    with name_scope(name, "ExpandDims", [sp.indices, sp.values]):
        n = shape(sp.indices, out_type=_dt.int64)[0]
        col = zeros(stack([n, constant(1, _dt.int64)]), _dt.int64)
        ind = concat([sp.indices[:, :a], col, sp.indices[:, a:]], 1)
        dims = concat([sp.dense_shape[:a], constant([1], _dt.int64), sp.dense_shape[a:]], 0)
        out = SparseTensor(ind, identity(sp.values), dims)
        if sp.shape.ndims is not None:
            s = sp.shape.as_list()
            out.set_shape([*s[:a], 1, *s[a:]])
        return out


def _slice_inside(ind, start, size):
    """Which index rows lie in the box [start, start + size) (NumPy, for the shape rule)."""
    ind = np.asarray(ind)
    st = np.asarray(start).reshape(-1)
    sz = np.asarray(size).reshape(-1)
    rank = ind.shape[1] if ind.ndim == 2 else 0
    for what, v in (("start", st), ("size", sz)):
        if v.size != rank:
            raise ValueError(
                f"[SparseSlice] Expected {what} to be a vector of length {rank} but got length "
                f"{v.size}"
            )
    return np.all((ind >= st) & (ind - st < sz), axis=1)


def _sparse_slice_shape(op, in_shapes, value_of):
    rank = in_shapes[2].as_list()[0] if in_shapes[2].ndims == 1 else None
    ind, start, size = value_of(0), value_of(3), value_of(4)
    m = None
    if ind is not None and start is not None and size is not None:
        m = int(np.sum(_slice_inside(ind, start, size)))
    return [TensorShape([m, rank]), TensorShape([m]), TensorShape([rank])]


register_op("SparseSlice", _sparse_slice_shape, "sparse_slice", value_inputs=(0, 3, 4))


@RegisterGradient("SparseSlice")
def _sparse_slice_grad(op, unused_ind_grad, grad, unused_shape_grad):
    # the kept entries (in order) get the gradient of their place in the slice; the others 0
    ind, _, _, start, size = op.inputs
    inside = reduce_all(
        stack([greater_equal(ind, start), less(ind - start, size)], axis=0), axis=[0, 2]
    )
    n = shape(ind, out_type=_dt.int64)[0]
    return [None, unsorted_segment_sum(grad, _positions(inside), n), None, None, None]


def sparse_slice(sp_input, start, size, name=None):
    """The entries inside the box ``[start, start + size)``, re-based to ``start`` (op
    SparseSlice); the dense shape is the box clipped to ``sp_input``'s.

    >>> st = tf.SparseTensor([[0, 1], [1, 2], [2, 0]], [1, 2, 3], [3, 3])
    >>> with tf.Session() as sess:
    ...     print(sess.run(tf.sparse.slice(st, [1, 0], [2, 2])).indices)
    [[1 0]]
    """
    sp = _sparse(sp_input)
    with name_scope(name, "SparseSlice", [sp.indices, sp.values]) as scope:
        ins = [sp.indices, sp.values, sp.dense_shape, _int64(start, "start"), _int64(size, "size")]
        attrs = {"T": sp.dtype}
        outs = make_op("SparseSlice", ins, [_dt.int64, sp.dtype, _dt.int64], attrs, scope).outputs
        return SparseTensor(*outs)


def sparse_split(
    keyword_required=None, sp_input=None, num_split=None, axis=None, name=None, split_dim=None
):
    """``sp_input`` split along ``axis`` into ``num_split`` SparseTensors (the first
    ``size % num_split`` one longer)."""
    if keyword_required is not None:
        raise ValueError("Keyword arguments are required for this function.")
    if sp_input is None:
        raise ValueError("sp_input is required")
    if num_split is None:
        raise ValueError("num_split is required")
    if axis is None:
        axis = split_dim
    if axis is None:
        raise ValueError("axis is required")
    sp = _sparse(sp_input)
    rank = _rank(sp)
    a = int(axis) % rank
    k = int(num_split)
    with name_scope(name, "SparseSplit", [sp.indices, sp.values]):
        dim = sp.dense_shape[a]
        base = floordiv(dim, constant(k, _dt.int64))
        rem = floormod(dim, constant(k, _dt.int64))
        unit = constant(np.eye(rank, dtype=np.int64)[a])
        out = []
        for i in builtins.range(k):
            ii = constant(i, _dt.int64)
            begin = ii * base + minimum(ii, rem)
            length = base + cast(less(ii, rem), _dt.int64)
            start = unit * begin
            size = sp.dense_shape * (constant(1, _dt.int64) - unit) + unit * length
            out.append(sparse_slice(sp, start, size))
        return out


def _sparse_concat_shape(op, in_shapes, value_of):
    n = op.get_attr("N")
    rows = [s.as_list()[0] if s.ndims == 2 else None for s in in_shapes[:n]]
    total = None if None in rows else sum(int(r or 0) for r in rows)
    rank = next((s.as_list()[0] for s in in_shapes[2 * n :] if s.ndims == 1), None)
    return [TensorShape([total, rank]), TensorShape([total]), TensorShape([rank])]


register_op(
    "SparseConcat",
    _sparse_concat_shape,
    "sparse_concat",
    attrs_fn=lambda op, *_: ([op.get_attr("N"), op.get_attr("concat_dim")], []),
)
NotDifferentiable("SparseConcat")


def sparse_concat(
    axis,
    sp_inputs,
    name=None,
    expand_nonconcat_dim=False,
    concat_dim=None,
    expand_nonconcat_dims=False,
):
    """The SparseTensors ``sp_inputs`` joined along ``axis`` (op SparseConcat; entries in
    row-major order); the other dimensions must agree, or with ``expand_nonconcat_dim`` they
    take their maximum.

    >>> a = tf.SparseTensor([[0, 0]], [1], [2, 2])
    >>> b = tf.SparseTensor([[1, 1]], [2], [2, 3])
    >>> with tf.Session() as sess:
    ...     print(sess.run(tf.sparse.concat(1, [a, b])).indices)
    [[0 0]
     [1 3]]
    """
    if concat_dim is not None:
        axis = concat_dim
    expand = expand_nonconcat_dim or expand_nonconcat_dims
    sps = [_sparse(s, "sp_inputs") for s in sp_inputs]
    rank = _rank(sps[0])
    a = int(axis)
    if not -rank <= a < rank:
        raise ValueError(f"Concat dimension must be in range [{-rank}, {rank}), got {a}")
    a %= rank
    shapes = [s.dense_shape for s in sps]
    if expand:
        top = reduce_max(stack(shapes), axis=0)
        shapes = [concat([top[:a], d[a : a + 1], top[a + 1 :]], 0) for d in shapes]
    elif all(s.shape.ndims is not None for s in sps):
        for s in sps[1:]:
            for d in builtins.range(rank):
                if d != a and not sps[0].shape[d].is_compatible_with(s.shape[d]):
                    raise ValueError(
                        f"Input shapes must match: got {sps[0].shape} and {s.shape} for concat "
                        f"axis {a}"
                    )
    dtype = sps[0].dtype
    vals = [s.values if s.dtype == dtype else cast(s.values, dtype) for s in sps]
    ins = [*[s.indices for s in sps], *vals, *shapes]
    attrs = {"N": len(sps), "concat_dim": a, "T": dtype}
    with name_scope(name, "SparseConcat", ins) as scope:
        outs = make_op("SparseConcat", ins, [_dt.int64, dtype, _dt.int64], attrs, scope).outputs
        out = SparseTensor(*outs)
        if not expand and all(s.shape.ndims is not None for s in sps):
            dims = sps[0].shape.as_list()
            along = [s.shape.as_list()[a] for s in sps]
            dims[a] = None if None in along else sum(int(d or 0) for d in along)
            out.set_shape(dims)
        return out


def _sparse_reshape_shape(op, in_shapes, value_of):
    ind, new = in_shapes[0], in_shapes[2]
    n = ind.as_list()[0] if ind.ndims == 2 else None
    r = new.as_list()[0] if new.ndims == 1 else None
    return [TensorShape([n, r]), TensorShape([r])]


register_op("SparseReshape", _sparse_reshape_shape, "sparse_reshape")
NotDifferentiable("SparseReshape")


def sparse_reshape(sp_input, shape, name=None):
    """The SparseTensor reshaped to ``shape`` (one ``-1`` inferred), entries in the same order.

    >>> st = tf.SparseTensor([[0, 1], [1, 2]], [1.0, 2.0], [2, 3])
    >>> with tf.Session() as sess:
    ...     print(sess.run(tf.sparse.reshape(st, [-1])).indices)
    [[1]
     [5]]
    """
    sp = _sparse(sp_input)
    with name_scope(name, "SparseReshape", [sp.indices, sp.values]) as scope:
        new = _int64(shape, "shape")
        dims = partial_ints(new)
        known = None
        if dims is not None:
            if dims.count(-1) > 1:
                raise ValueError(f"At most one dimension can be inferred (-1). Found: {dims}")
            known = [None if d is None or d < 0 else d for d in dims]
            if sp.shape.is_fully_defined() and None not in dims:
                total = int(np.prod([int(d or 0) for d in sp.shape.as_list()]))
                rest = int(np.prod([int(d) for d in dims if d is not None and d != -1]))
                if -1 in dims and rest and total % rest == 0:
                    known[dims.index(-1)] = total // rest
                elif -1 not in dims and rest != total:
                    raise ValueError(
                        f"Cannot reshape a tensor with {total} elements to shape {dims} "
                        f"({rest} elements)."
                    )
        ins = [sp.indices, sp.dense_shape, new]
        ind, out_shape = make_op("SparseReshape", ins, [_dt.int64, _dt.int64], {}, scope).outputs
        out = SparseTensor(ind, identity(sp.values), out_shape)
        if known is not None:
            out.set_shape(known)
        return out


def shape_of(t: Tensor) -> Tensor:
    return shape(t, out_type=_dt.int64)


def sparse_fill_empty_rows(sp_input, default_value, name=None):
    """``sp_input`` with an entry ``[row, 0, ...] = default_value`` in each row that has none,
    reordered; and the bool vector of those rows (``empty_row_indicator``)."""
    sp = _sparse(sp_input)
    rank = _rank(sp)
    with name_scope(name, "SparseFillEmptyRows", [sp.indices, sp.values]):
        dflt = convert_to_tensor(default_value, dtype=sp.dtype, name="default_value")
        nrows = sp.dense_shape[0]
        counts = unsorted_segment_sum(ones(shape(sp.values), _dt.int32), sp.indices[:, 0], nrows)
        empty = equal(counts, 0)
        rows = where_indices(empty)  # [M, 1]
        m = shape(rows, out_type=_dt.int64)[0]
        new_ind = concat([rows, zeros(stack([m, constant(rank - 1, _dt.int64)]), _dt.int64)], 1)
        ind = concat([sp.indices, new_ind], 0)
        vals = concat([sp.values, fill(reshape(m, [1]), dflt)], 0)
        out = sparse_reorder(SparseTensor(ind, vals, sp.dense_shape))
        out.set_shape(sp.shape)
        return out, empty


def sparse_merge(sp_ids, sp_values, vocab_size, name=None, already_sorted=False):
    """A SparseTensor whose last index is the id of ``sp_ids`` and value that of
    ``sp_values``: ``[..., ids[k]] = values[k]`` in a last dimension of ``vocab_size``."""
    ids_sp, vals_sp = _sparse(sp_ids, "sp_ids"), _sparse(sp_values, "sp_values")
    with name_scope(name, "SparseMerge", [ids_sp.values, vals_sp.values]):
        ids = cast(ids_sp.values, _dt.int64)
        vocab = _int64(vocab_size, "vocab_size")
        keep = ids_sp.indices[:, :-1]
        ind = concat([keep, reshape(ids, [-1, 1])], 1)
        dims = concat([ids_sp.dense_shape[:-1], reshape(vocab, [1])], 0)
        out = SparseTensor(ind, vals_sp.values, dims)
        if already_sorted:
            return out
        s = sparse_reorder(out)
        return SparseTensor(s.indices, s.values, dims)


def sparse_to_indicator(sp_input, vocab_size, name=None):
    """A dense bool tensor ``[..., vocab_size]``: True at ``[..., id]`` for every id of the
    SparseTensor ``sp_input``'s last dimension."""
    sp = _sparse(sp_input)
    with name_scope(name, "SparseToIndicator", [sp.indices, sp.values]):
        n = shape(sp.indices)[0]
        trues = fill(reshape(n, [1]), constant(True))
        merged = sparse_merge(sp, SparseTensor(sp.indices, trues, sp.dense_shape), vocab_size)
        return sparse_tensor_to_dense(merged, default_value=False, validate_indices=False)


def sparse_mask(a, mask_indices, name=None):
    """The rows of the IndexedSlices ``a`` whose index is not in ``mask_indices``."""
    with name_scope(name, "sparse_mask", [a.values, a.indices, mask_indices]):
        m = convert_to_tensor(mask_indices, dtype=a.indices.dtype)
        hit = reduce_any(equal(expand_dims(a.indices, 1), expand_dims(m, 0)), axis=1)
        at = _positions(logical_not(hit))
        return IndexedSlices(gather(a.values, at), gather(a.indices, at), a.dense_shape)


def sparse_placeholder(dtype, shape=None, name=None):
    """A SparseTensor of three placeholders, fed with a ``SparseTensorValue`` (or an
    ``(indices, values, dense_shape)`` triple); a known ``shape`` is the dense shape's default.

    >>> sp = tf.sparse_placeholder(tf.float32)
    >>> with tf.Session() as sess:
    ...     v = tf.SparseTensorValue([[0, 1]], [2.0], [2, 2])
    ...     print(sess.run(tf.sparse.to_dense(sp), {sp: v}))
    [[0. 2.]
     [0. 0.]]
    """
    sub = (lambda s: None) if name is None else (lambda s: f"{name}/{s}")
    if shape is None:
        rank = None
        dims = placeholder(_dt.int64, [None], name=sub("shape"))
        static = TensorShape(None)
    else:
        s = TensorShape(shape)
        rank = s.ndims
        static = s
        default = [-1 if d is None else int(d) for d in s.as_list()]
        dims_default = constant(np.asarray(default, np.int64), name=sub("shape_default") or "Const")
        dims = placeholder_with_default(dims_default, [rank], name=sub("shape"))
    vals = placeholder(dtype, [None], name=sub("values"))
    ind = placeholder(_dt.int64, [None, rank], name=sub("indices"))
    out = SparseTensor(ind, vals, dims)
    out._static = static
    return out


def sparse_bincount(
    values, weights=None, axis=0, minlength=None, maxlength=None, binary_output=False, name=None
):
    """Counts (or summed ``weights``) of each non-negative int value of a dense tensor or
    SparseTensor, as a SparseTensor of the values that occur: over everything (``axis=0``) or
    per row of a rank-2 input (``axis=-1``)."""
    with name_scope(name, "count", [values, weights]):
        is_sp = isinstance(values, (SparseTensor, SparseTensorValue))
        if is_sp:
            sp = _sparse(values, "values")
            v = cast(sp.values, _dt.int64)
            rows = sp.indices[:, 0]
        else:
            x = convert_to_tensor(values)
            v = cast(reshape(x, [-1]), _dt.int64)
            if axis not in (0, None) and x.shape.ndims != 2:
                raise ValueError("axis=-1 needs a rank-2 input")
            if axis not in (0, None):
                cols = shape(x, out_type=_dt.int64)[1]
                rows = floordiv(range(shape(v, out_type=_dt.int64)[0], dtype=_dt.int64), cols)
        if weights is None:
            w = ones(shape(v), _dt.int64)
        else:
            w = reshape(
                weights.values if isinstance(weights, SparseTensor) else convert_to_tensor(weights),
                [-1],
            )
        size = reduce_max(concat([constant([-1], _dt.int64), v], 0)) + constant(1, _dt.int64)
        if minlength is not None:
            size = maximum(size, _int64(minlength, "minlength"))
        if maxlength is not None:
            size = minimum(size, _int64(maxlength, "maxlength"))
        keep = _positions(less(v, size))
        v, w = gather(v, keep), gather(w, keep)
        if axis in (0, None):
            nrows, ids = constant(1, _dt.int64), v
        else:
            rows = gather(rows, keep)
            nrows = (
                sp.dense_shape[0]
                if is_sp
                else shape(convert_to_tensor(values), out_type=_dt.int64)[0]
            )
            ids = rows * size + v
        total = nrows * size
        present = greater(unsorted_segment_sum(ones(shape(ids), _dt.int32), ids, total), 0)
        sums = unsorted_segment_sum(w, ids, total)
        if binary_output:
            sums = cast(present, w.dtype)
        at = _positions(present)
        out_vals = gather(sums, at)
        if axis in (0, None):
            return SparseTensor(reshape(at, [-1, 1]), out_vals, reshape(size, [1]))
        ind = stack([floordiv(at, size), floormod(at, size)], axis=1)
        return SparseTensor(ind, out_vals, stack([nrows, size]))
