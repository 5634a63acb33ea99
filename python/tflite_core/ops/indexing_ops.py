"""Indexing ops: ``where`` (Select), ``gather`` (GatherV2), ``unsorted_segment_sum``, ``range`` and
``one_hot``, each with its shape rule, kernel and gradient; and ``IndexedSlices``, the sparse
gradient of ``gather``.

>>> params = tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
>>> with tf.Session() as sess:
...     print(sess.run(tf.gather(params, [2, 0])))
[[5. 6.]
 [1. 2.]]
"""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING, Any

import numpy as np

from ..framework import dtypes as _dt
from ..framework.constant_op import constant, convert_to_tensor
from ..framework.graph import Tensor, constant_value, get_default_graph, name_scope, shape_error
from ..framework.op_util import (
    NUMERIC,
    broadcast_shapes,
    check_dtype_in,
    check_same_dtype,
    int_arg,
    make_tensor,
    scalar_int,
    to_tensors,
)
from ..framework.registry import NotDifferentiable, RegisterGradient, at_run_time, register_op
from ..framework.tensor_shape import TensorShape
from .array_ops import cast, concat, expand_dims, reshape, shape, sum_to, transpose, zeros_like
from .math_ops import add, equal, greater_equal, less

if TYPE_CHECKING:
    from ..framework.graph import Graph, Operation
    from ..framework.type_aliases import (
        AxisLike,
        DTypeLike,
        TensorLike,
    )

if TYPE_CHECKING:
    from ..framework.type_aliases import (
        AxisLike,
        DTypeLike,
        TensorLike,
    )

INDEX_DTYPES = (_dt.int32, _dt.int64)
_pyrange = builtins.range  # this module defines tf.range


def size_of_dim(x: Tensor, axis: int, dtype: _dt.DType = _dt.int32) -> Tensor:
    """``shape(x)[axis]`` as a scalar whose value is known when the plan is compiled."""
    return make_tensor("ReductionSize", [x], dtype, {"axis": [axis], "T": dtype}, "ReductionSize")


def num_elements(x: Tensor, dtype: _dt.DType = _dt.int32) -> Tensor:
    return make_tensor("ReductionSize", [x], dtype, {"axis": None, "T": dtype}, "ReductionSize")


# ---- Select (TF 1.x: one shape) and SelectV2 (NumPy broadcasting) -------------------------------
def _select_shape(op, in_shapes, value_of):
    c, x, y = in_shapes
    if not x.is_compatible_with(y):
        raise shape_error("Select", op.name, "Shapes of x and y must be equal", in_shapes)
    s = x.merge_with(y)
    if not c.is_compatible_with(s):
        raise shape_error("Select", op.name, "Shapes of condition and x must be equal", in_shapes)
    return [s.merge_with(c) if c.ndims is not None else s]


def _select_v2_shape(op, in_shapes, value_of):
    c, x, y = in_shapes
    return [broadcast_shapes(op, c, broadcast_shapes(op, x, y))]


register_op("Select", _select_shape, "select")
register_op("SelectV2", _select_v2_shape, "select")


def select(
    cond: Tensor, x: Tensor, y: Tensor, name: str = "Select", op_type: str = "Select"
) -> Tensor:
    return make_tensor(op_type, [cond, x, y], x.dtype, {"T": x.dtype}, name)


@RegisterGradient("Select")
def _select_grad(op, grad):
    c = op.inputs[0]  # the gradient goes to the selected branch
    zeros = zeros_like(grad)
    return [None, select(c, grad, zeros), select(c, zeros, grad)]


@RegisterGradient("SelectV2")
def _select_v2_grad(op, grad):
    c, x, y = op.inputs  # the selected branch, summed over what broadcasting added
    zeros = zeros_like(grad)
    return [
        None,
        sum_to(select(c, grad, zeros, op_type="SelectV2"), x),
        sum_to(select(c, zeros, grad, op_type="SelectV2"), y),
    ]


def _where_coords_shape(op, in_shapes, value_of):
    # [number of true elements, rank]: the count is known when a plan is compiled for the
    # condition's value (a pre-plan computes it); at graph build unknown, as in TF
    c = in_shapes[0]
    v = value_of(0) if at_run_time(value_of) else None
    n = None if v is None else int(np.count_nonzero(v))
    return [TensorShape([n, c.ndims])] if c.ndims is not None else [TensorShape([n, None])]


register_op("Where", _where_coords_shape, "where", value_inputs=(0,))
NotDifferentiable("Where")


def where(
    condition: TensorLike,
    x: TensorLike | None = None,
    y: TensorLike | None = None,
    name: str | None = None,
) -> Tensor:
    """With one argument, the coordinates of the true (nonzero) elements of ``condition``
    (int64 ``[count, rank]``, op Where; the plan is compiled for the condition's value).
    Otherwise the elements of ``x`` where ``condition`` is true, else of ``y`` (TF 1.x's rule:
    ``x`` and ``y`` have one shape; ``condition`` has it too (op Select), or is a vector over the
    first dimension (reshaped to a column, op SelectV2)).

    >>> c = tf.constant([True, False])
    >>> with tf.Session() as sess:
    ...     print(sess.run(tf.where(c, [[1, 2], [3, 4]], [[5, 6], [7, 8]])))
    [[1 2]
     [7 8]]
    """
    if x is None and y is None:
        return where_indices(condition, name)
    if x is None or y is None:
        raise ValueError("x and y must both be non-None or both be None.")
    c = convert_to_tensor(condition)
    x, y = to_tensors([x, y])
    check_same_dtype("Select", [x, y], ("t", "e"))
    if c.dtype != _dt.bool:
        raise TypeError(
            f"Input 'condition' of 'Select' Op has type {c.dtype.name} that does not match "
            "expected type of bool."
        )
    op_name = get_default_graph().unique_name(name or "Select", mark_as_used=False)
    shapes = [c.shape, x.shape, y.shape]
    if not x.shape.is_compatible_with(y.shape):
        raise shape_error("Select", op_name, "Shapes of x and y must be equal", shapes)
    xs = x.shape.merge_with(y.shape)
    cs = c.shape
    if cs.is_compatible_with(xs):
        return select(c, x, y, name or "Select")
    if cs.ndims == 1 and xs.ndims is not None and xs.ndims > 1:
        if not cs[0].is_compatible_with(xs[0]):
            raise shape_error(
                "Select",
                op_name,
                f"Dimensions must be equal, but are {cs[0]} and {xs[0]}",
                shapes,
            )
        with name_scope(name, "Select", [c, x, y]) as scope:
            rows = reshape(c, [-1] + [1] * (xs.ndims - 1))  # one condition per row
            return select(rows, x, y, scope, op_type="SelectV2")
    raise shape_error(
        "Select",
        op_name,
        f"Shapes must be equal rank, but are {cs.ndims} and {xs.ndims}",
        shapes,
    )


def where_indices(condition: TensorLike, name: str | None = None) -> Tensor:
    """``tf.where(condition)``: the int64 coordinates [num_true, rank] of the true (non-zero)
    elements, in row-major order (op Where; the count is computed before the plan runs).

    >>> with tf.Session() as sess:
    ...     print(sess.run(tf.where([[True, False], [False, True]])))
    [[0 0]
     [1 1]]
    """
    c = convert_to_tensor(condition)
    return make_tensor("Where", [c], _dt.int64, {"T": c.dtype}, name or "Where")


def where_v2(
    condition: TensorLike,
    x: TensorLike | None = None,
    y: TensorLike | None = None,
    name: str | None = None,
) -> Tensor:
    """``np.where(condition, x, y)`` with NumPy broadcasting of all three (op SelectV2)."""
    if x is None or y is None:
        return where(condition, x, y, name)  # the same errors
    c = convert_to_tensor(condition)
    x, y = to_tensors([x, y])
    check_same_dtype("SelectV2", [x, y], ("t", "e"))
    if c.dtype != _dt.bool:
        raise TypeError(
            f"Input 'condition' of 'SelectV2' Op has type {c.dtype.name} that does not match "
            "expected type of bool."
        )
    return select(c, x, y, name or "SelectV2", op_type="SelectV2")


# ---- GatherV2 and UnsortedSegmentSum ------------------------------------------------------------
def _gather_axis(op, params_shape, value_of):
    a = value_of(2)
    if a is None or params_shape.ndims is None:
        return None
    a, r = int(np.asarray(a).reshape(())), params_shape.ndims
    if not -r <= a < r:
        raise shape_error(
            "GatherV2",
            op.name,
            f"Expected axis in the range [{-r}, {r}), but got {a}",
            [params_shape],
        )
    return a % r


def _gather_shape(op, in_shapes, value_of):
    p, i = in_shapes[0], in_shapes[1]
    a = _gather_axis(op, p, value_of)
    if a is None or i.ndims is None:
        if p.ndims is not None and i.ndims is not None:  # axis known only when run
            return [TensorShape([None] * (p.ndims + i.ndims - 1))]
        return [TensorShape(None)]
    d = p.as_list()
    return [TensorShape(d[:a] + i.as_list() + d[a + 1 :])]


register_op(
    "GatherV2",
    _gather_shape,
    "gather",
    kernel_inputs=(0, 1),
    value_inputs=(2,),
    attrs_fn=lambda op, i, o, v: ([_gather_axis(op, TensorShape(i[0]), v)], []),
    graphdef_dtype=lambda op: None,  # TF's GatherV2 has Tparams, no T
)


@RegisterGradient("GatherV2")
def _gather_grad(op, grad):
    # params[..., ids, ...] -> the gradient rows summed back into their ids (dense, not
    # IndexedSlices): unsorted_segment_sum over the gathered dimension.
    params, ids, axis = op.inputs
    known = constant_value(axis)
    if known is None or params.shape.ndims is None:
        raise ValueError(
            f"The gradient of '{op.name}' needs its axis and the rank of its params known when "
            "the graph is built"
        )
    a = int(np.asarray(known).reshape(())) % params.shape.ndims
    n = size_of_dim(params, a)
    if a == 0:  # as TF: IndexedSlices(grad rows, ids) of params' shape; dense where needed
        return [_gather_slices(params, ids, grad, n), None, None]
    ri, rp = ids.shape.ndims, params.shape.ndims
    if ri is None:
        raise ValueError(f"The gradient of '{op.name}' needs indices of known rank")
    rg = rp - 1 + ri
    front = list(_pyrange(a, a + ri)) + list(_pyrange(a)) + list(_pyrange(a + ri, rg))
    summed = unsorted_segment_sum(transpose(grad, front), ids, n)  # [n] + P[:a] + P[a+1:]
    back = [*list(_pyrange(1, a + 1)), 0, *list(_pyrange(a + 1, rp))]
    return [transpose(summed, back), None, None]


def _gather_slices(params, ids, grad, n):
    inner = params.shape.as_list()[1:] if params.shape.ndims is not None else None
    if ids.shape.ndims != 1:
        if inner is None or any(d is None for d in inner):
            return unsorted_segment_sum(grad, ids, n)  # rows of unknown size: dense
        ids, grad = reshape(ids, [-1]), reshape(grad, [-1, *inner])
    return IndexedSlices(grad, ids, shape(params), _num_rows=n)


def gather(
    params: TensorLike,
    indices: TensorLike,
    validate_indices: bool | None = None,
    name: str | None = None,
    axis: AxisLike = 0,
) -> Tensor:
    """``np.take(params, indices, axis)``: slices of ``params`` along ``axis`` at ``indices``.

    An index outside ``[0, params.shape[axis])`` is an InvalidArgumentError when run, naming the
    op and the index. Along axis 0 the gradient of ``params`` is a ``tf.IndexedSlices`` (dense:
    unsorted_segment_sum of the incoming gradient, where a dense tensor is needed).
    """
    p = convert_to_tensor(params)
    i = convert_to_tensor(indices)
    check_dtype_in("GatherV2", i, INDEX_DTYPES, "indices")
    with name_scope(name, "GatherV2", [p, i]) as scope:
        known, extra = int_arg(axis, "axis")
        a = extra[0] if extra else constant(np.int32(scalar_int(known)), name="axis")
        attrs = {"Tparams": p.dtype, "Tindices": i.dtype, "Taxis": a.dtype}
        return make_tensor("GatherV2", [p, i, a], p.dtype, attrs, scope)


def _uss_shape(op, in_shapes, value_of):
    d, ids = in_shapes[0], in_shapes[1]
    n = value_of(2)
    n = None if n is None else int(np.asarray(n).reshape(()))
    if n is not None and n < 0:
        raise shape_error(
            "UnsortedSegmentSum", op.name, f"num_segments must be >= 0, got {n}", in_shapes
        )
    if d.ndims is None or ids.ndims is None:
        return [TensorShape(None)]
    prefix = TensorShape(d.as_list()[: ids.ndims])
    if ids.ndims > d.ndims or not prefix.is_compatible_with(ids):
        raise shape_error(
            "UnsortedSegmentSum",
            op.name,
            "segment_ids.shape must be a prefix of data.shape",
            in_shapes,
        )
    return [TensorShape([n, *d.as_list()[ids.ndims :]])]


register_op(
    "UnsortedSegmentSum",
    _uss_shape,
    "unsorted_segment_sum",
    kernel_inputs=(0, 1),
    value_inputs=(2,),
)


@RegisterGradient("UnsortedSegmentSum")
def _uss_grad(op, grad):
    # Each element gets its segment's gradient; those with a negative id (dropped) get 0: TF's
    # _GatherDropNegatives.
    ids = op.inputs[1]
    zero = constant(0, dtype=ids.dtype)
    gathered = gather(grad, select(less(ids, zero), zeros_like(ids), ids, "clipped_ids"))
    keep = greater_equal(ids, zero)
    extra = gathered.shape.ndims - ids.shape.ndims if ids.shape.ndims is not None else None
    if extra is None or gathered.shape.ndims is None:
        return [gathered, None, None]  # (rank unknown: ids are assumed non-negative)
    for _ in _pyrange(extra):
        keep = expand_dims(keep, -1)
    return [where_v2(keep, gathered, zeros_like(gathered)), None, None]


def unsorted_segment_sum(
    data: TensorLike, segment_ids: TensorLike, num_segments: int | Tensor, name: str | None = None
) -> Tensor:
    """``out[s] = sum of data[i] over segment_ids[i] == s`` for ``s`` in ``[0, num_segments)``.

    ``segment_ids`` has the shape of a prefix of ``data``'s; ``num_segments`` must be known when
    the plan is compiled (a constant, a fed value or a shape). As TF, rows with a negative id
    are dropped, and an id ``>= num_segments`` is an InvalidArgumentError naming it.
    """
    d = convert_to_tensor(data)
    ids = convert_to_tensor(segment_ids)
    check_dtype_in("UnsortedSegmentSum", d, NUMERIC, "data")
    check_dtype_in("UnsortedSegmentSum", ids, INDEX_DTYPES, "segment_ids")
    with name_scope(name, "UnsortedSegmentSum", [d, ids]) as scope:
        n = (
            num_segments
            if isinstance(num_segments, Tensor)
            else constant(np.int32(num_segments), name="num_segments")
        )
        attrs = {"Tindices": ids.dtype, "Tnumsegments": n.dtype}
        return make_tensor("UnsortedSegmentSum", [d, ids, n], d.dtype, attrs, scope)


def normalized_index(x: Tensor, i: Tensor, axis: int) -> Tensor:
    """A scalar index into dimension ``axis`` of ``x``, a negative one counted from the end."""
    i = convert_to_tensor(i)
    n = size_of_dim(x, axis, i.dtype)
    zero = constant(0, dtype=i.dtype)
    return select(less(i, zero), add(i, n), i, "index")


# ---- Range ---------------------------------------------------------------------------------------
def _range_shape(op, in_shapes, value_of):
    for s in in_shapes:
        if s.ndims not in (None, 0):
            raise shape_error(
                "Range", op.name, f"Shape must be rank 0 but is rank {s.ndims}", in_shapes
            )
    vals = [value_of(i) for i in _pyrange(3)]
    if any(v is None for v in vals):
        return [TensorShape([None])]
    start, limit, delta = (np.asarray(v).reshape(()).item() for v in vals)
    where = f" for '{op.name}' (op: 'Range')"
    if delta == 0:
        raise ValueError(f"[Range] Requires delta != 0: {delta}{where}")
    if delta > 0 and start > limit:
        raise ValueError(f"[Range] Requires start <= limit when delta > 0: {start}/{limit}{where}")
    if delta < 0 and start < limit:
        raise ValueError(f"[Range] Requires start >= limit when delta < 0: {start}/{limit}{where}")
    return [TensorShape([_range_length(start, limit, delta, op.outputs[0].dtype.np)])]


def _range_length(start, limit, delta, dtype) -> int:
    """The length TensorFlow (and the ``range`` kernel) gives: ``ceil(|(limit - start) / delta|)``
    computed in the range's own dtype (float32 ranges in float32), exact for integers."""
    if np.dtype(dtype).kind in "iu":
        span, step = abs(int(limit) - int(start)), abs(int(delta))
        return (span + step - 1) // step
    t = np.dtype(dtype).type
    with np.errstate(all="ignore"):
        return int(np.ceil(np.abs((t(limit) - t(start)) / t(delta))))


register_op(
    "Range",
    _range_shape,
    "range",
    value_inputs=(0, 1, 2),
    graphdef_dtype=lambda op: None,  # TF's Range has Tidx, no T
)
NotDifferentiable("Range")

_RANGE_HIERARCHY = (_dt.int32, _dt.int64, _dt.bfloat16, _dt.float32, _dt.float64)


def range(
    start: TensorLike,
    limit: TensorLike | None = None,
    delta: TensorLike = 1,
    dtype: DTypeLike | None = None,
    name: str = "range",
) -> Tensor:
    """``[start, start + delta, ...]`` up to (not including) ``limit``; ``range(n)`` counts from 0.

    Without ``dtype``, the widest of the arguments' types (int32 < int64 < bfloat16 < float32 <
    float64; TF's ``tf.range`` takes no other).
    The length must be known when the plan is compiled: the arguments are constants, fed values
    or shapes.

    >>> with tf.Session() as sess:
    ...     print(sess.run(tf.range(3, 18, 3)))
    [ 3  6  9 12 15]
    """
    if limit is None:
        start, limit = 0, start
    args = [start, limit, delta]
    with name_scope(name, "Range", [a for a in args if isinstance(a, Tensor)]) as scope:
        if dtype is None:
            kinds = [a.dtype if isinstance(a, Tensor) else convert_to_tensor(a).dtype for a in args]
            for k in kinds:
                if k not in _RANGE_HIERARCHY:
                    raise TypeError(f"range: unsupported type {k.name}")
            dtype = max(kinds, key=_RANGE_HIERARCHY.index)
        dtype = _dt.as_dtype(dtype)
        ts = [_as_dtype(a, dtype, n) for a, n in zip(args, ("start", "limit", "delta"))]
        return make_tensor("Range", ts, dtype, {"Tidx": dtype}, scope)


def _as_dtype(v, dtype, name) -> Tensor:
    """``v`` as a ``dtype`` tensor, as a constant where its value is known (so the plan can read
    it), else cast."""
    if isinstance(v, Tensor):
        if v.dtype == dtype:
            return v
        c = constant_value(v)
        return cast(v, dtype) if c is None else constant(np.asarray(c).astype(dtype.np), name=name)
    return convert_to_tensor(np.asarray(v).astype(dtype.np), name=name)


# ---- one_hot -------------------------------------------------------------------------------------
def one_hot(
    indices: TensorLike,
    depth: TensorLike,
    on_value: TensorLike | None = None,
    off_value: TensorLike | None = None,
    axis: int | None = None,
    dtype: DTypeLike | None = None,
    name: str | None = None,
) -> Tensor:
    """A one-hot tensor: ``on_value`` where ``indices`` equals the position along the new
    dimension ``axis`` (default: last), else ``off_value`` (indices outside ``[0, depth)`` give a
    row of ``off_value``). Built from Range, Equal and Select.

    >>> with tf.Session() as sess:
    ...     print(sess.run(tf.one_hot([0, 2, -1], 3)))
    [[1. 0. 0.]
     [0. 0. 1.]
     [0. 0. 0.]]
    """
    idx = convert_to_tensor(indices)
    if idx.dtype not in INDEX_DTYPES:
        raise TypeError(f"indices must be int32 or int64, got {idx.dtype.name}")
    on_dtype = None if on_value is None else convert_to_tensor(on_value).dtype
    off_dtype = None if off_value is None else convert_to_tensor(off_value).dtype
    if dtype is not None:  # as TF: given values must have the given dtype
        dtype = _dt.as_dtype(dtype)
        for d, which in ((on_dtype, "on_value"), (off_dtype, "off_value")):
            if d is not None and d != dtype:
                raise TypeError(
                    f"dtype <dtype: '{d.name}'> of {which} does not match dtype parameter "
                    f"<dtype: '{dtype.name}'>"
                )
    if on_dtype is not None and off_dtype is not None and on_dtype != off_dtype:
        raise TypeError(
            f"dtype <dtype: '{on_dtype.name}'> of on_value does not match dtype "
            f"<dtype: '{off_dtype.name}'> of off_value"
        )
    dtype = dtype or on_dtype or off_dtype or _dt.float32
    axis = -1 if axis is None else int(axis)
    r = idx.shape.ndims
    with name_scope(name, "one_hot", [idx]) as scope:
        on = _as_dtype(1 if on_value is None else on_value, dtype, "on_value")
        off = _as_dtype(0 if off_value is None else off_value, dtype, "off_value")
        if axis != -1:
            if r is None:
                raise ValueError("one_hot with axis != -1 needs indices of known rank")
            if not 0 <= axis <= r:
                raise ValueError(
                    f"Expected axis to be -1 or between [0, {r + 1}).  But received: {axis}"
                )
        a = r if axis == -1 and r is not None else axis
        classes = range(0, depth, 1, dtype=idx.dtype, name="classes")
        if r is not None and a < r:
            classes = reshape(classes, [-1] + [1] * (r - a))
        mask = equal(expand_dims(idx, a), classes)
        return select(mask, on, off, scope, op_type="SelectV2")


# ---- IndexedSlices: sparse gradients ---------------------------------------------------------
class IndexedSlices:
    """TF's ``IndexedSlices(values, indices, dense_shape)``: a sparse gradient, the rows
    ``values`` of a tensor of shape ``dense_shape`` at ``indices`` (rows named twice are summed).
    ``tf.gather``/``embedding_lookup`` produce it as the gradient of their params,
    ``tf.gradients`` passes it through, and the optimisers apply it as a scatter update touching
    only those rows. Where a dense tensor is needed (fetched, added to a dense gradient, passed
    to an op) it converts with ``unsorted_segment_sum``.

    >>> import numpy as np
    >>> table = tf.Variable(np.zeros((4, 2), np.float32))
    >>> g = tf.gradients(tf.reduce_sum(tf.nn.embedding_lookup(table, [3, 1, 3])), table)[0]
    >>> isinstance(g, tf.IndexedSlices)
    True
    >>> with tf.Session() as sess:
    ...     sess.run(tf.global_variables_initializer())
    ...     print(sess.run(g))
    [[0. 0.]
     [1. 1.]
     [0. 0.]
     [2. 2.]]

    Args:
        values: the rows, shape ``[n] + dense_shape[1:]``.
        indices: int32/int64 vector of ``n`` row ids.
        dense_shape: the dense tensor's shape (an int tensor), or None.
    """

    def __init__(
        self,
        values: TensorLike,
        indices: TensorLike,
        dense_shape: TensorLike | None = None,
        _num_rows: Tensor | None = None,
    ) -> None:
        self._values = convert_to_tensor(values)
        self._indices = convert_to_tensor(indices)
        self._dense_shape = None if dense_shape is None else convert_to_tensor(dense_shape)
        self._num_rows = _num_rows  # a scalar known when the plan compiles: dense_shape[0]
        self._dense: Tensor | None = None

    @property
    def values(self) -> Tensor:
        return self._values

    @property
    def indices(self) -> Tensor:
        return self._indices

    @property
    def dense_shape(self) -> Tensor | None:
        return self._dense_shape

    @property
    def dtype(self) -> _dt.DType:
        return self._values.dtype

    @property
    def graph(self) -> Graph:
        return self._values.graph

    @property
    def op(self) -> Operation:
        return self._values.op

    @property
    def name(self) -> str:
        return self._values.name

    @property
    def device(self) -> str:
        return ""

    def __repr__(self) -> str:
        return (
            f"IndexedSlices(indices={self._indices!r}, values={self._values!r}, "
            f"dense_shape={self._dense_shape!r})"
        )

    def _to_dense(self) -> Tensor:
        """The dense tensor (created once): ``unsorted_segment_sum(values, indices, rows)``."""
        if self._dense is None:
            if self._num_rows is None:
                raise ValueError(
                    f"Cannot convert {self!r} to a dense tensor: its number of rows is unknown"
                )
            with self.graph.as_default():
                self._dense = unsorted_segment_sum(self._values, self._indices, self._num_rows)
        return self._dense

    def _tflite_as_tensor(self) -> Tensor:
        return self._to_dense()

    def _as_graph_element(self) -> Tensor:
        return self._to_dense()


def concat_slices(slices: list) -> IndexedSlices:
    """Several IndexedSlices of one tensor as one, by concatenation (as TF aggregates them)."""
    first = slices[0]
    idt = first.indices.dtype
    ids = [s.indices if s.indices.dtype == idt else cast(s.indices, idt) for s in slices]
    return IndexedSlices(
        concat([s.values for s in slices], 0),
        concat(ids, 0),
        first.dense_shape,
        _num_rows=first._num_rows,
    )


def convert_to_tensor_or_indexed_slices(
    value: Any, dtype: DTypeLike | None = None, name: str | None = None
) -> Tensor | IndexedSlices:
    """``value`` itself if it is an ``IndexedSlices`` (a ValueError if ``dtype`` differs), else
    ``convert_to_tensor(value, dtype, name)``."""
    if isinstance(value, IndexedSlices):
        if dtype is not None and _dt.as_dtype(dtype) != value.dtype:
            raise ValueError(
                f"Tensor conversion requested dtype {_dt.as_dtype(dtype).name} for IndexedSlices "
                f"with dtype {value.dtype.name}: {value!r}"
            )
        return value
    return convert_to_tensor(value, dtype=dtype, name=name)
