"""Matrix helpers of ``tf.linalg`` built from the op families below (as TF builds several of
them in Python): transposes of the last two dimensions, identity matrices, diagonals and bands
(masks of ``range`` comparisons and ``SelectV2``, so NaNs off the diagonal stay where they are),
traces, ``tensordot``, ``matvec``, ``cross`` and vector/matrix norms. Their gradients come from
the ops they are made of.

>>> with tf.Session() as sess:
...     print(sess.run(tf.linalg.band_part(tf.ones([3, 3]), 0, 1)))
[[1. 1. 0.]
 [0. 1. 1.]
 [0. 0. 1.]]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..framework import dtypes as _dt
from ..framework.constant_op import constant, convert_to_tensor
from ..framework.graph import Tensor, constant_value, name_scope
from ..framework.type_aliases import TensorLike
from .array_ops import (
    broadcast_to,
    cast,
    concat,
    expand_dims,
    reshape,
    shape,
    stack,
    transpose,
    zeros_like,
)
from .indexing_ops import range as _range
from .indexing_ops import select
from .math_ops import (
    abs,
    add,
    equal,
    less,
    less_equal,
    matmul,
    reduce_max,
    reduce_sum,
    sqrt,
    subtract,
)
from .slicing_ops import getitem

_pyslice = slice


def matrix_transpose(
    a: TensorLike, name: str = "matrix_transpose", conjugate: bool = False
) -> Tensor:
    """``a`` with its last two dimensions swapped (``tf.linalg.matrix_transpose``)."""
    x = convert_to_tensor(a)
    with name_scope(name, "matrix_transpose", [x]) as scope:
        r = x.shape.ndims
        if r is None:
            n = _rank_of(x)
            perm = concat([_range(0, n - 2), stack([n - 1, n - 2])], 0)
            return transpose(x, perm, name=scope)
        if r < 2:
            raise ValueError(
                f"Argument 'a' should be a (batch) matrix with rank >= 2.  Found: {x.shape}"
            )
        return transpose(x, [*range(r - 2), r - 1, r - 2], name=scope)


def _rank_of(x: Tensor) -> Tensor:
    return shape(shape(x))[0]


def adjoint(matrix: TensorLike, name: str | None = None) -> Tensor:
    """The conjugate transpose of the last two dimensions (the transpose, for real dtypes)."""
    return matrix_transpose(matrix, name=name or "adjoint")


def _dims(x: Tensor) -> tuple[Any, Any]:
    """The last two dimensions of ``x``: ints where known, else scalar int32 tensors."""
    d = x.shape.as_list() if x.shape.ndims is not None else None
    s = None
    out: list[Any] = []
    for i in (-2, -1):
        if d is not None and d[i] is not None:
            out.append(d[i])
        else:
            s = shape(x) if s is None else s
            out.append(getitem(s, i))
    return out[0], out[1]


def _index_grid(m: Any, n: Any) -> tuple[Tensor, Tensor]:
    """Row and column indices ``[m, 1]`` and ``[1, n]`` (int32) for masks over matrices."""
    rows = reshape(_range(0, m), [-1, 1])
    cols = reshape(_range(0, n), [1, -1])
    return rows, cols


def eye(
    num_rows: Any,
    num_columns: Any = None,
    batch_shape: Any = None,
    dtype: Any = _dt.float32,
    name: str | None = None,
) -> Tensor:
    """An identity matrix ``[*batch_shape, num_rows, num_columns]`` (a constant when the sizes
    are known at graph build)."""
    dtype = _dt.as_dtype(dtype)
    with name_scope(name, "eye") as scope:
        cols = num_rows if num_columns is None else num_columns
        known = [constant_value(v) if isinstance(v, Tensor) else v for v in (num_rows, cols)]
        batch = batch_shape
        if isinstance(batch, Tensor):
            c = constant_value(batch)
            batch = None if c is None else [int(v) for v in np.asarray(c).reshape(-1)]
        if all(k is not None for k in known) and (batch_shape is None or batch is not None):
            m, n = (int(np.asarray(k)) for k in known)
            value = np.eye(m, n, dtype=dtype.np)
            if batch:
                value = np.broadcast_to(value, (*batch, m, n)).copy()
            return constant(value, name=scope)
        rows, cols_i = _index_grid(num_rows, cols)
        e = cast(equal(rows, cols_i), dtype)
        if batch_shape is None:
            return e
        target = concat([convert_to_tensor(batch_shape, dtype=_dt.int32), shape(e)], 0)
        return broadcast_to(e, target, name=scope)


def _diag_mask(x: Tensor) -> Tensor:
    m, n = _dims(x)
    rows, cols = _index_grid(m, n)
    return equal(rows, cols)


def matrix_diag(diagonal: TensorLike, name: str = "diag") -> Tensor:
    """``[..., n]`` -> ``[..., n, n]`` matrices with ``diagonal`` on their diagonals."""
    d = convert_to_tensor(diagonal)
    with name_scope(name, "diag", [d]) as scope:
        col = expand_dims(d, -1)  # [..., n, 1]
        last = d.shape.as_list()[-1] if d.shape.ndims else None
        n: Any = last if last is not None else getitem(shape(d), -1)
        rows, cols = _index_grid(n, n)
        return select(equal(rows, cols), col, zeros_like(col), scope, op_type="SelectV2")


def matrix_diag_part(input: TensorLike, name: str = "diag_part") -> Tensor:
    """The main diagonals ``[..., min(m, n)]`` of ``[..., m, n]`` matrices."""
    x = convert_to_tensor(input)
    with name_scope(name, "diag_part", [x]) as scope:
        m, n = _dims(x)
        kept = select(_diag_mask(x), x, zeros_like(x), "kept", op_type="SelectV2")
        if isinstance(m, int) and isinstance(n, int) and m <= n:
            return reduce_sum(kept, -1, name=scope)  # row i holds x[i, i]
        if isinstance(m, int) and isinstance(n, int):
            return reduce_sum(kept, -2, name=scope)  # column j holds x[j, j]
        rows = reduce_sum(kept, -1)
        k = minimum_int(m, n)
        return getitem(rows, (Ellipsis, _pyslice(0, k)))


def minimum_int(a: Any, b: Any) -> Any:
    if isinstance(a, int) and isinstance(b, int):
        return min(a, b)
    a, b = convert_to_tensor(a, dtype=_dt.int32), convert_to_tensor(b, dtype=_dt.int32)
    return select(less(a, b), a, b)


def trace(x: TensorLike, name: str | None = None) -> Tensor:
    """The sums of the main diagonals of ``[..., m, n]`` matrices."""
    t = convert_to_tensor(x)
    with name_scope(name, "Trace", [t]) as scope:
        return reduce_sum(matrix_diag_part(t), -1, name=scope)


def matrix_set_diag(
    input: TensorLike, diagonal: TensorLike, name: str = "set_diag", k: int = 0
) -> Tensor:
    """``input`` with its main diagonals replaced by ``diagonal`` (``[..., min(m, n)]``)."""
    if k != 0:
        raise ValueError(f"matrix_set_diag supports the main diagonal (k=0), got k={k}")
    x = convert_to_tensor(input)
    d = convert_to_tensor(diagonal, dtype=x.dtype)
    with name_scope(name, "set_diag", [x, d]) as scope:
        m, n = _dims(x)
        if not (isinstance(m, int) and isinstance(n, int)):
            raise ValueError("matrix_set_diag needs the last two dimensions known")
        spread = expand_dims(d, -1 if m <= n else -2)  # (i, j) reads d[i] (or d[j])
        return select(_diag_mask(x), spread, x, scope, op_type="SelectV2")


def band_part(input: TensorLike, num_lower: Any, num_upper: Any, name: str | None = None) -> Tensor:
    """Keeps the band of ``[..., m, n]`` matrices: ``num_lower`` subdiagonals and ``num_upper``
    superdiagonals (negative: all of them), zeros elsewhere."""
    x = convert_to_tensor(input)
    with name_scope(name, "MatrixBandPart", [x]) as scope:
        m, n = _dims(x)
        rows, cols = _index_grid(m, n)
        big = constant(np.int32(2**30))

        def limit(v):
            c = constant_value(v) if isinstance(v, Tensor) else v
            if c is not None:
                c = int(np.asarray(c))
                return big if c < 0 else constant(np.int32(c))
            t = cast(v, _dt.int32)
            return select(less(t, 0), big, t)

        below = less_equal(subtract(rows, cols), limit(num_lower))
        above = less_equal(subtract(cols, rows), limit(num_upper))
        both = equal(add(cast(below, _dt.int32), cast(above, _dt.int32)), 2)
        return select(both, x, zeros_like(x), scope, op_type="SelectV2")


def tensordot(a: TensorLike, b: TensorLike, axes: Any, name: str | None = None) -> Tensor:
    """Sums of products over ``axes`` (an int: the last ``axes`` of ``a`` with the first of
    ``b``; or two lists of axes), as TF's: a transpose, a reshape and one matmul."""
    x, y = convert_to_tensor(a), convert_to_tensor(b)
    if x.shape.ndims is None or y.shape.ndims is None:
        raise ValueError("tensordot needs inputs of known rank")
    rx, ry = x.shape.ndims, y.shape.ndims
    if isinstance(axes, (int, np.integer)):
        k = int(axes)
        if k < 0 or k > min(rx, ry):
            raise ValueError(f"'axes' must be at most {min(rx, ry)}, got {k}")
        ax, ay = list(range(rx - k, rx)), list(range(k))
    else:
        pair = list(axes)
        if len(pair) != 2:
            raise ValueError(f"'axes' must be an integer or have length 2, got {axes!r}")
        ax = [int(v) for v in np.atleast_1d(pair[0])]
        ay = [int(v) for v in np.atleast_1d(pair[1])]
        if len(ax) != len(ay):
            raise ValueError(
                f"Different number of contraction axes 'a' and 'b', {len(ax)} != {len(ay)}."
            )
        ax, ay = [v % rx for v in ax], [v % ry for v in ay]
    with name_scope(name, "Tensordot", [x, y]) as scope:
        free_x = [i for i in range(rx) if i not in ax]
        free_y = [i for i in range(ry) if i not in ay]
        sx, sy = shape(x), shape(y)

        def dims(s, idx):
            return stack([getitem(s, i) for i in idx]) if idx else constant(np.zeros(0, np.int32))

        def prod(s, idx):
            return _prod(s, idx) if idx else constant(np.int32(1))

        xm = reshape(transpose(x, free_x + ax), stack([prod(sx, free_x), prod(sx, ax)]))
        ym = reshape(transpose(y, ay + free_y), stack([prod(sy, ay), prod(sy, free_y)]))
        out = matmul(xm, ym)
        return reshape(out, concat([dims(sx, free_x), dims(sy, free_y)], 0), name=scope)


def _prod(s: Tensor, idx: list) -> Tensor:
    out = getitem(s, idx[0])
    for i in idx[1:]:
        out = out * getitem(s, i)
    return out


def matvec(
    a: TensorLike,
    b: TensorLike,
    transpose_a: bool = False,
    adjoint_a: bool = False,
    a_is_sparse: bool = False,
    b_is_sparse: bool = False,
    name: str | None = None,
) -> Tensor:
    """``a @ b`` for matrices ``[..., m, n]`` and vectors ``[..., n]``: ``[..., m]``."""
    x, v = convert_to_tensor(a), convert_to_tensor(b)
    with name_scope(name, "MatVec", [x, v]) as scope:
        out = matmul(x, expand_dims(v, -1), transpose_a=transpose_a, adjoint_a=adjoint_a)
        return reshape(out, shape(out)[:-1], name=scope)


def cross(a: TensorLike, b: TensorLike, name: str | None = None) -> Tensor:
    """Cross products of ``[..., 3]`` vectors."""
    x, y = convert_to_tensor(a), convert_to_tensor(b)
    with name_scope(name, "Cross", [x, y]) as scope:
        if x.shape.ndims is not None and x.shape.as_list()[-1] not in (None, 3):
            raise ValueError(f"inner dimension of a must be 3, got {x.shape}")
        c = [getitem(x, (Ellipsis, i)) for i in range(3)]
        d = [getitem(y, (Ellipsis, i)) for i in range(3)]
        return stack(
            [c[1] * d[2] - c[2] * d[1], c[2] * d[0] - c[0] * d[2], c[0] * d[1] - c[1] * d[0]],
            axis=-1,
            name=scope,
        )


def norm(
    tensor: TensorLike,
    ord: Any = "euclidean",
    axis: Any = None,
    keepdims: bool | None = None,
    name: str | None = None,
    keep_dims: bool | None = None,
) -> Tensor:
    """Vector norms (``ord`` "euclidean"/2, 1, ``np.inf`` or any p > 0 over one axis or all)
    and matrix norms (``ord`` "fro"/"euclidean", 1, ``np.inf`` over a pair of axes), as TF's
    ``tf.norm``."""
    x = convert_to_tensor(tensor)
    keep = bool(keepdims if keepdims is not None else keep_dims)
    matrix = isinstance(axis, (list, tuple)) and len(axis) == 2
    if axis is not None and not matrix:
        axis = [int(axis)] if np.ndim(axis) == 0 else [int(v) for v in axis]
        if len(axis) != 1:
            raise ValueError(
                f"'axis' must be None, an integer, or a tuple of 2 unique integers, got {axis}"
            )
    valid = ("fro", "euclidean", 1, 2, np.inf) if not matrix else ("fro", "euclidean", 1, np.inf)
    if not (ord in valid or (not matrix and isinstance(ord, (int, float)) and ord > 0)):
        raise ValueError(f"'ord' must be a supported vector or matrix norm, got {ord!r}")
    if ord == "fro" and not matrix and axis is not None:
        raise ValueError(f"'ord' must be a supported vector norm, got {ord}")
    with name_scope(name, "norm", [x]) as scope:
        a = abs(x)
        if matrix:
            r0, r1 = (int(v) for v in axis)
            if ord in ("fro", "euclidean"):
                return sqrt(reduce_sum(x * x, [r0, r1], keepdims=keep), name=scope)
            inner, outer = (r0, r1) if ord == 1 else (r1, r0)
            sums = reduce_sum(a, inner, keepdims=True)
            out = reduce_max(sums, outer, keepdims=True)
            return out if keep else reshape(out, _squeezed_shape(out, [r0, r1]), name=scope)
        if ord in ("euclidean", "fro", 2):
            return sqrt(reduce_sum(x * x, axis, keepdims=keep), name=scope)
        if ord == 1:
            return reduce_sum(a, axis, keepdims=keep, name=scope)
        if ord == np.inf:
            return reduce_max(a, axis, keepdims=keep, name=scope)
        p = constant(float(ord), dtype=x.dtype)
        return reduce_sum(a**p, axis, keepdims=keep) ** (1.0 / p)


def _squeezed_shape(t: Tensor, axes: list) -> Any:
    r = t.shape.ndims
    if r is None:
        raise ValueError("norm over a pair of axes needs an input of known rank")
    drop = {a % r for a in axes}
    s = shape(t)
    kept = [getitem(s, i) for i in range(r) if i not in drop]
    return stack(kept) if kept else constant(np.zeros(0, np.int32))


__all__ = [
    "adjoint",
    "band_part",
    "cross",
    "eye",
    "matrix_diag",
    "matrix_diag_part",
    "matrix_set_diag",
    "matrix_transpose",
    "matvec",
    "norm",
    "tensordot",
    "trace",
]
