"""The LAPACK-backed ops of ``tf.linalg`` (``cpp/linalg.cc``): Cholesky, determinants,
inverses, solves, QR, SVD, the symmetric eigendecomposition, LU, the matrix square root and the
matrix exponential, each with TF's shape rules and TF's gradient (``linalg_grad.py``) beside it,
built from our ops. The composites TF builds in Python on top of them (``cholesky_solve``,
``logdet``, ``matrix_solve_ls``, ``lu_solve``, ``pinv``, ...) are in ``linalg_impl_ops.py``.

>>> with tf.Session() as sess:
...     print(sess.run(tf.linalg.det([[2.0, 1.0], [1.0, 3.0]])))
5.0
"""

from __future__ import annotations

from typing import Any

from ..framework import dtypes as _dt
from ..framework.constant_op import convert_to_tensor
from ..framework.graph import Tensor, name_scope, shape_error
from ..framework.op_util import (
    FLOATS,
    broadcast_shapes,
    check_dtype_in,
    check_same_dtype,
    make_op,
    make_tensor,
)
from ..framework.registry import RegisterGradient, register_op
from ..framework.tensor_shape import TensorShape
from ..framework.type_aliases import TensorLike
from .array_ops import concat, expand_dims, reshape, shape, sum_to, zeros_like
from .linalg_ops import band_part, eye, matrix_diag, matrix_diag_part, matrix_set_diag
from .linalg_ops import matrix_transpose as _mt
from .math_ops import matmul, reciprocal, square
from .slicing_ops import getitem

# ---- shapes --------------------------------------------------------------------------------------


def _matrix(op, s: TensorShape, what: str = "input") -> tuple[list | None, Any, Any]:
    """(batch dims or None, rows, columns) of a [..., M, N] input; rank < 2 is TF's error."""
    if s.ndims is None:
        return None, None, None
    if s.ndims < 2:
        raise shape_error(
            op.type, op.name, f"Shape must be at least rank 2 but is rank {s.ndims}", [s]
        )
    d = s.as_list()
    return d[:-2], d[-2], d[-1]


def _square(op, s: TensorShape) -> tuple[list | None, Any]:
    batch, m, n = _matrix(op, s)
    if m is not None and n is not None and m != n:
        raise shape_error(op.type, op.name, f"Dimensions must be equal, but are {m} and {n}", [s])
    return batch, m if m is not None else n


def _shape(batch, *tail) -> TensorShape:
    return TensorShape(None) if batch is None else TensorShape([*batch, *tail])


def _same_as_square(op, in_shapes, value_of):
    batch, n = _square(op, in_shapes[0])
    return [_shape(batch, n, n)]


def _det_shape(op, in_shapes, value_of):
    batch, _ = _square(op, in_shapes[0])
    return [_shape(batch)] * (len(op.outputs) if op.outputs else 1)


def _floats(op_type: str, *ts: Tensor) -> None:
    check_dtype_in(op_type, ts[0], FLOATS, "input")
    if len(ts) > 1:
        check_same_dtype(op_type, list(ts), ("matrix", "rhs"))


def _zeros_if_none(g, t: Tensor) -> Tensor:
    return zeros_like(t) if g is None else g


def _flag(attr: str):
    return lambda op, i, o, v: ([int(bool(op.get_attr(attr)))], [])


# ---- Cholesky ------------------------------------------------------------------------------------
register_op("Cholesky", _same_as_square, "cholesky")


def cholesky(input: TensorLike, name: str | None = None) -> Tensor:
    """The lower Cholesky factors ``L`` (``L @ L^T = input``) of ``[..., M, M]`` symmetric
    positive definite matrices; only the lower triangles of the inputs are read."""
    x = convert_to_tensor(input)
    _floats("Cholesky", x)
    return make_tensor("Cholesky", [x], x.dtype, None, name or "Cholesky")


@RegisterGradient("Cholesky")
def _cholesky_grad(op, grad):
    # l^{-H} @ ((l^H @ grad) * (tril(ones) - 1/2 eye)) @ l^{-1}, symmetrised
    low = op.outputs[0]
    n = shape(low)[-1]
    l_inv = matrix_triangular_solve(low, eye(n, batch_shape=shape(low)[:-2], dtype=low.dtype))
    middle = matmul(low, grad, adjoint_a=True)
    middle = matrix_set_diag(middle, 0.5 * matrix_diag_part(middle))
    middle = band_part(middle, -1, 0)
    grad_a = matmul(matmul(l_inv, middle, adjoint_a=True), l_inv)
    grad_a += _mt(grad_a)
    return [grad_a * 0.5]


# ---- determinants --------------------------------------------------------------------------------
register_op("MatrixDeterminant", _det_shape, "matrix_determinant")
register_op("LogMatrixDeterminant", _det_shape, "log_matrix_determinant")


def matrix_determinant(input: TensorLike, name: str | None = None) -> Tensor:
    """The determinants of ``[..., M, M]`` matrices: ``[...]``."""
    x = convert_to_tensor(input)
    _floats("MatrixDeterminant", x)
    return make_tensor("MatrixDeterminant", [x], x.dtype, None, name or "MatrixDeterminant")


def log_matrix_determinant(input: TensorLike, name: str | None = None) -> tuple[Tensor, Tensor]:
    """``(sign, log_abs_determinant)`` of ``[..., M, M]`` matrices (sign 0 and -inf when one is
    singular)."""
    x = convert_to_tensor(input)
    _floats("LogMatrixDeterminant", x)
    op = make_op(
        "LogMatrixDeterminant", [x], [x.dtype, x.dtype], None, name or "LogMatrixDeterminant"
    )
    return op.outputs[0], op.outputs[1]


def _times_inverse_adjoint(a: Tensor, per_matrix: Tensor) -> Tensor:
    inv = matrix_inverse(a, adjoint=True)
    return reshape(per_matrix, concat([shape(per_matrix), [1, 1]], 0)) * inv


@RegisterGradient("MatrixDeterminant")
def _determinant_grad(op, grad):
    # d det(A) / dA = det(A) A^{-H}
    return [_times_inverse_adjoint(op.inputs[0], grad * op.outputs[0])]


@RegisterGradient("LogMatrixDeterminant")
def _log_determinant_grad(op, _, grad_b):
    # d log|det(A)| / dA = A^{-H}; the sign has no gradient
    if grad_b is None:
        return [None]
    return [_times_inverse_adjoint(op.inputs[0], grad_b)]


# ---- inverse and solves --------------------------------------------------------------------------
register_op("MatrixInverse", _same_as_square, "matrix_inverse", attrs_fn=_flag("adjoint"))


def matrix_inverse(input: TensorLike, adjoint: bool = False, name: str | None = None) -> Tensor:
    """The inverses of ``[..., M, M]`` matrices (of their adjoints with ``adjoint``); a singular
    one is an InvalidArgumentError when the graph runs."""
    x = convert_to_tensor(input)
    _floats("MatrixInverse", x)
    return make_tensor(
        "MatrixInverse", [x], x.dtype, {"adjoint": bool(adjoint)}, name or "MatrixInverse"
    )


@RegisterGradient("MatrixInverse")
def _inverse_grad(op, grad):
    ainv = op.outputs[0]
    adj = op.get_attr("adjoint")
    return [-matmul(ainv, matmul(grad, ainv, adjoint_a=adj, adjoint_b=not adj), adjoint_a=not adj)]


def _solve_shape(op, in_shapes, value_of):
    a, b = in_shapes
    batch, n = _square(op, a)
    rb, rm, rk = _matrix(op, b, "rhs")
    if batch is not None and rb is not None:
        if len(batch) != len(rb) or not TensorShape(batch).is_compatible_with(TensorShape(rb)):
            raise shape_error(
                op.type,
                op.name,
                f"Shapes must be equal rank, but are {len(batch) + 2} and {len(rb) + 2}"
                if len(batch) != len(rb)
                else "Batch dimensions of matrix and rhs must be equal",
                in_shapes,
            )
        batch = TensorShape(batch).merge_with(TensorShape(rb)).as_list()
    if n is not None and rm is not None and n != rm:
        raise shape_error(
            op.type, op.name, f"Dimensions must be equal, but are {n} and {rm}", in_shapes
        )
    batch = rb if batch is None else batch
    return [_shape(batch, n if n is not None else rm, rk)]


register_op("MatrixSolve", _solve_shape, "matrix_solve", attrs_fn=_flag("adjoint"))


def matrix_solve(
    matrix: TensorLike, rhs: TensorLike, adjoint: bool = False, name: str | None = None
) -> Tensor:
    """Solves ``matrix @ x = rhs`` (``adjoint(matrix) @ x = rhs`` with ``adjoint``) for
    ``[..., M, M]`` matrices and ``[..., M, K]`` right-hand sides of the same batch shape."""
    a = convert_to_tensor(matrix)
    b = convert_to_tensor(rhs, dtype=a.dtype)
    _floats("MatrixSolve", a, b)
    return make_tensor(
        "MatrixSolve", [a, b], a.dtype, {"adjoint": bool(adjoint)}, name or "MatrixSolve"
    )


@RegisterGradient("MatrixSolve")
def _solve_grad(op, grad):
    a = op.inputs[0]
    adj = op.get_attr("adjoint")
    c = op.outputs[0]
    grad_b = matrix_solve(a, grad, adjoint=not adj)
    grad_a = -matmul(c, grad_b, adjoint_b=True) if adj else -matmul(grad_b, c, adjoint_b=True)
    return [grad_a, grad_b]


def _triangular_solve_shape(op, in_shapes, value_of):
    a, b = in_shapes
    batch, n = _square(op, a)
    rb, rm, rk = _matrix(op, b, "rhs")
    if n is not None and rm is not None and n != rm:
        raise shape_error(
            op.type, op.name, f"Dimensions must be equal, but are {n} and {rm}", in_shapes
        )
    if batch is None or rb is None:
        return [TensorShape(None)]
    out = broadcast_shapes(op, TensorShape(batch), TensorShape(rb))
    return [_shape(out.as_list(), n if n is not None else rm, rk)]


register_op(
    "MatrixTriangularSolve",
    _triangular_solve_shape,
    "matrix_triangular_solve",
    attrs_fn=lambda op, i, o, v: (
        [int(bool(op.get_attr("lower"))), int(bool(op.get_attr("adjoint")))],
        [],
    ),
)


def matrix_triangular_solve(
    matrix: TensorLike,
    rhs: TensorLike,
    lower: bool = True,
    adjoint: bool = False,
    name: str | None = None,
) -> Tensor:
    """Solves ``matrix @ x = rhs`` for lower (or, ``lower=False``, upper) triangular
    ``[..., M, M]`` matrices, reading only that triangle; batch dimensions broadcast."""
    a = convert_to_tensor(matrix)
    b = convert_to_tensor(rhs, dtype=a.dtype)
    _floats("MatrixTriangularSolve", a, b)
    with name_scope(name, "triangular_solve", [a, b]):
        return make_tensor(
            "MatrixTriangularSolve",
            [a, b],
            a.dtype,
            {"lower": bool(lower), "adjoint": bool(adjoint)},
            "MatrixTriangularSolve",
        )


@RegisterGradient("MatrixTriangularSolve")
def _triangular_solve_grad(op, grad):
    a, b = op.inputs
    adj, low = op.get_attr("adjoint"), op.get_attr("lower")
    c = op.outputs[0]
    grad_b = matrix_triangular_solve(a, grad, lower=low, adjoint=not adj)
    grad_a = -matmul(c, grad_b, adjoint_b=True) if adj else -matmul(grad_b, c, adjoint_b=True)
    grad_a = band_part(grad_a, -1, 0) if low else band_part(grad_a, 0, -1)
    return [sum_to(grad_a, a), sum_to(grad_b, b)]


def _solve_ls_shape(op, in_shapes, value_of):
    a, b = in_shapes[0], in_shapes[1]
    batch, m, n = _matrix(op, a, "matrix")
    _, rm, rk = _matrix(op, b, "rhs")
    if m is not None and rm is not None and m != rm:
        raise shape_error(
            op.type, op.name, f"Dimensions must be equal, but are {m} and {rm}", in_shapes
        )
    return [_shape(batch, n, rk)]


register_op("MatrixSolveLs", _solve_ls_shape, "matrix_solve_ls", kernel_inputs=(0, 1))


def matrix_solve_ls_kernel(
    matrix: Tensor, rhs: Tensor, l2_regularizer: Any, fast: bool, name: str | None
) -> Tensor:
    """The MatrixSolveLs op (``matrix_solve_ls(fast=False)``): minimum-norm least squares."""
    _floats("MatrixSolveLs", matrix, rhs)
    l2 = convert_to_tensor(l2_regularizer, dtype=_dt.float64)
    return make_tensor(
        "MatrixSolveLs",
        [matrix, rhs, l2],
        matrix.dtype,
        {"fast": bool(fast)},
        name or "MatrixSolveLs",
    )


@RegisterGradient("MatrixSolveLs")
def _solve_ls_grad(op, grad):
    # as TF: only the fast (Cholesky) path has a gradient; matrix_solve_ls builds it from other
    # ops here where the matrix dimensions are known at graph build
    if not op.get_attr("fast"):
        raise ValueError("Gradient not defined for fast=False")
    raise ValueError(
        "matrix_solve_ls: the gradient of the fast path needs the matrix dimensions known at "
        "graph build"
    )


# ---- QR, SVD, eigendecomposition, LU -------------------------------------------------------------
def _qr_shape(op, in_shapes, value_of):
    batch, m, n = _matrix(op, in_shapes[0])
    full = op.get_attr("full_matrices")
    p = None if m is None or n is None else min(m, n)
    qc = m if full else p
    return [_shape(batch, m, qc), _shape(batch, qc, n)]


register_op("Qr", _qr_shape, "qr", attrs_fn=_flag("full_matrices"))


def qr(
    input: TensorLike, full_matrices: bool = False, name: str | None = None
) -> tuple[Tensor, Tensor]:
    """``(q, r)`` with ``input = q @ r`` (Householder QR, LAPACK's signs as TF's Eigen):
    ``q`` ``[..., M, P]`` orthonormal columns and ``r`` ``[..., P, N]`` upper triangular,
    ``P = min(M, N)`` (``M`` with ``full_matrices``)."""
    x = convert_to_tensor(input)
    _floats("Qr", x)
    op = make_op(
        "Qr", [x], [x.dtype, x.dtype], {"full_matrices": bool(full_matrices)}, name or "Qr"
    )
    return op.outputs[0], op.outputs[1]


@RegisterGradient("Qr")
def _qr_grad(op, dq, dr):
    q, r = op.outputs
    dq, dr = _zeros_if_none(dq, q), _zeros_if_none(dr, r)
    if r.shape.ndims is None or r.shape.as_list()[-2] is None or r.shape.as_list()[-1] is None:
        raise NotImplementedError(
            f"QrGrad not implemented with dynamic shapes. Received r.shape: {r.shape}"
        )
    rr, rc = r.shape.as_list()[-2:]
    qr_, qc = q.shape.as_list()[-2:]
    if rr > rc and qr_ == qc:
        raise NotImplementedError(
            "QrGrad not implemented when nrows > ncols and full_matrices is true. Received "
            f"r.shape={r.shape} with nrows={rr}and ncols={rc}."
        )

    def tri_solve(x, r):  # x @ adjoint(inverse(r)) for upper-triangular r
        return _mt(matrix_triangular_solve(r, _mt(x), lower=False, adjoint=False))

    def square_and_deep(q, r, dq, dr):
        qdq = matmul(q, dq, adjoint_a=True)
        qdq_ = qdq - _mt(qdq)
        rdr = matmul(r, dr, adjoint_b=True)
        rdr_ = rdr - _mt(rdr)
        tril = band_part(qdq_ + rdr_, -1, 0)
        grad_a = matmul(q, dr + tri_solve(tril, r))
        grad_b = tri_solve(dq - matmul(q, qdq), r)
        return grad_a + grad_b

    m, n = qr_, rc
    if m >= n:
        return [square_and_deep(q, r, dq, dr)]
    a = op.inputs[0]
    y = getitem(a, (Ellipsis, slice(None), slice(m, None)))
    u = getitem(r, (Ellipsis, slice(None), slice(None, m)))
    dv = getitem(dr, (Ellipsis, slice(None), slice(m, None)))
    du = getitem(dr, (Ellipsis, slice(None), slice(None, m)))
    dy = matmul(q, dv)
    dx = square_and_deep(q, u, dq + matmul(y, dv, adjoint_b=True), du)
    return [concat([dx, dy], -1)]


def _svd_shape(op, in_shapes, value_of):
    batch, m, n = _matrix(op, in_shapes[0])
    p = None if m is None or n is None else min(m, n)
    if not op.get_attr("compute_uv"):
        return [_shape(batch, p), TensorShape([0]), TensorShape([0])]
    full = op.get_attr("full_matrices")
    return [
        _shape(batch, p),
        _shape(batch, m, m if full else p),
        _shape(batch, n, n if full else p),
    ]


register_op(
    "Svd",
    _svd_shape,
    "svd",
    attrs_fn=lambda op, i, o, v: (
        [int(bool(op.get_attr("compute_uv"))), int(bool(op.get_attr("full_matrices")))],
        [],
    ),
)


def svd(
    tensor: TensorLike,
    full_matrices: bool = False,
    compute_uv: bool = True,
    name: str | None = None,
) -> Any:
    """The singular values ``s`` ``[..., P]`` (descending) and, with ``compute_uv``, the
    singular vectors: ``(s, u, v)`` with ``tensor = u @ diag(s) @ adjoint(v)``."""
    x = convert_to_tensor(tensor)
    _floats("Svd", x)
    op = make_op(
        "Svd",
        [x],
        [x.dtype] * 3,
        {"compute_uv": bool(compute_uv), "full_matrices": bool(full_matrices)},
        name or "Svd",
    )
    if compute_uv:
        return op.outputs[0], op.outputs[1], op.outputs[2]
    return op.outputs[0]


def _safe_reciprocal(x: Tensor, epsilon: float = 1e-20) -> Tensor:
    return x * reciprocal(x * x + epsilon)


@RegisterGradient("Svd")
def _svd_grad(op, grad_s, grad_u, grad_v):
    a = op.inputs[0]
    a_shape = a.shape
    s = op.outputs[0]
    grad_s = _zeros_if_none(grad_s, s)
    grad_s_mat = matrix_diag(grad_s)
    if not op.get_attr("compute_uv"):
        _, u, v = svd(a, compute_uv=True)
        return [matmul(u, matmul(grad_s_mat, v, adjoint_b=True))]
    full = op.get_attr("full_matrices")
    u, v = op.outputs[1], op.outputs[2]
    grad_u, grad_v = _zeros_if_none(grad_u, u), _zeros_if_none(grad_v, v)
    if a_shape.ndims is None or a_shape.as_list()[-2] is None or a_shape.as_list()[-1] is None:
        raise NotImplementedError(
            "SVD gradient has not been implemented for input with unknown inner matrix shape."
        )
    m, n = a_shape.as_list()[-2:]
    use_adjoint = False
    if m > n:
        use_adjoint = True
        m, n = n, m
        u, v = v, u
        grad_u, grad_v = grad_v, grad_u
    if full and abs(m - n) > 1:
        raise NotImplementedError(
            "svd gradient is not implemented for abs(m - n) > 1 when full_matrices is True. "
            f"Received: m={m} and n={n} from op input={a} with shape={a_shape}."
        )
    s_mat = matrix_diag(s)
    s2 = square(s)
    f = matrix_set_diag(_safe_reciprocal(expand_dims(s2, -2) - expand_dims(s2, -1)), zeros_like(s))
    s_inv_mat = matrix_diag(_safe_reciprocal(s))
    v1 = getitem(v, (Ellipsis, slice(None), slice(None, m)))
    grad_v1 = getitem(grad_v, (Ellipsis, slice(None), slice(None, m)))
    u_gu = matmul(u, grad_u, adjoint_a=True)
    v_gv = matmul(v1, grad_v1, adjoint_a=True)
    f_u = f * u_gu
    f_v = f * v_gv
    term1_nouv = grad_s_mat + matmul(f_u + _mt(f_u), s_mat) + matmul(s_mat, f_v + _mt(f_v))
    term1 = matmul(u, matmul(term1_nouv, v1, adjoint_b=True))
    if m == n:
        grad_a = term1
    else:
        gv1t = _mt(grad_v1)
        gv1t_v1 = matmul(gv1t, v1)
        term2_nous = gv1t - matmul(gv1t_v1, v1, adjoint_b=True)
        if full:
            v2 = getitem(v, (Ellipsis, slice(None), slice(m, n)))
            grad_v2 = getitem(grad_v, (Ellipsis, slice(None), slice(m, n)))
            v1t_gv2 = matmul(v1, grad_v2, adjoint_a=True)
            term2_nous -= matmul(v1t_gv2, v2, adjoint_b=True)
        term2 = matmul(matmul(u, s_inv_mat), term2_nous)
        grad_a = term1 + term2
    return [_mt(grad_a) if use_adjoint else grad_a]


def _eig_shape(op, in_shapes, value_of):
    batch, n = _square(op, in_shapes[0])
    if not op.get_attr("compute_v"):
        return [_shape(batch, n), TensorShape([0])]
    return [_shape(batch, n), _shape(batch, n, n)]


register_op("SelfAdjointEigV2", _eig_shape, "self_adjoint_eig", attrs_fn=_flag("compute_v"))


def _self_adjoint_eig_v2(x: Tensor, compute_v: bool, name: str | None) -> Any:
    _floats("SelfAdjointEigV2", x)
    op = make_op(
        "SelfAdjointEigV2", [x], [x.dtype] * 2, {"compute_v": compute_v}, name or "SelfAdjointEigV2"
    )
    return op.outputs


def self_adjoint_eig(tensor: TensorLike, name: str | None = None) -> tuple[Tensor, Tensor]:
    """``(e, v)``: the eigenvalues (ascending) and eigenvectors (columns of ``v``) of
    ``[..., N, N]`` self-adjoint matrices; only the lower triangles are read."""
    e, v = _self_adjoint_eig_v2(convert_to_tensor(tensor), True, name)
    return e, v


def self_adjoint_eigvals(tensor: TensorLike, name: str | None = None) -> Tensor:
    """The eigenvalues (ascending) of ``[..., N, N]`` self-adjoint matrices."""
    return _self_adjoint_eig_v2(convert_to_tensor(tensor), False, name)[0]


@RegisterGradient("SelfAdjointEigV2")
def _eig_grad(op, grad_e, grad_v):
    e = op.outputs[0]
    grad_e = _zeros_if_none(grad_e, e)
    if op.get_attr("compute_v"):
        v = op.outputs[1]
        grad_v = _zeros_if_none(grad_v, v)
        # f(i, j) = 1 / (e_j - e_i) off the diagonal, 0 on it
        f = matrix_set_diag(
            _safe_reciprocal(expand_dims(e, -2) - expand_dims(e, -1)), zeros_like(e)
        )
        grad_a = matmul(
            v,
            matmul(matrix_diag(grad_e) + f * matmul(v, grad_v, adjoint_a=True), v, adjoint_b=True),
        )
    else:
        _, v = self_adjoint_eig(op.inputs[0])
        grad_a = matmul(v, matmul(matrix_diag(grad_e), v, adjoint_b=True))
    # the op reads only the lower triangle: symmetrise and keep it
    grad_a = band_part(grad_a + _mt(grad_a), -1, 0)
    return [matrix_set_diag(grad_a, 0.5 * matrix_diag_part(grad_a))]


def _lu_shape(op, in_shapes, value_of):
    batch, n = _square(op, in_shapes[0])
    return [_shape(batch, n, n), _shape(batch, n)]


register_op("Lu", _lu_shape, "lu")


def lu(
    input: TensorLike, output_idx_type: Any = _dt.int32, name: str | None = None
) -> tuple[Tensor, Tensor]:
    """``(lu, p)``: the LU factors with partial pivoting of ``[..., M, M]`` matrices (``L``
    unit lower triangular below the diagonal, ``U`` on and above it) and the row permutation
    ``p`` with ``input[..., p, :] = L @ U``."""
    x = convert_to_tensor(input)
    _floats("Lu", x)
    idx = _dt.as_dtype(output_idx_type)
    if idx not in (_dt.int32, _dt.int64):
        raise TypeError(f"output_idx_type must be int32 or int64, got {idx.name}")
    op = make_op("Lu", [x], [x.dtype, idx], {"output_idx_type": idx}, name or "Lu")
    return op.outputs[0], op.outputs[1]


@RegisterGradient("Lu")
def _lu_grad(op, *grads):
    # TF registers no gradient for Lu: tf.gradients through it is TF's LookupError.
    raise LookupError(f"No gradient defined for operation '{op.name}' (op type: {op.type})")


# ---- matrix functions ----------------------------------------------------------------------------
register_op("MatrixSquareRoot", _same_as_square, "matrix_square_root")
register_op("MatrixExponential", _same_as_square, "matrix_exponential")


def matrix_square_root(input: TensorLike, name: str | None = None) -> Tensor:
    """The principal square roots of ``[..., M, M]`` matrices (NaN where one has no real
    principal square root)."""
    x = convert_to_tensor(input)
    _floats("MatrixSquareRoot", x)
    return make_tensor("MatrixSquareRoot", [x], x.dtype, None, name or "MatrixSquareRoot")


@RegisterGradient("MatrixSquareRoot")
def _sqrtm_grad(op, grad):
    # dA = R dR + dR R: solve the Sylvester equation (I (x) R^T + R (x) I) vec(dR) = vec(dA)
    r = op.outputs[0]
    s = shape(r)
    n = s[-1]
    batch = s[:-2]
    ident = eye(n, batch_shape=batch, dtype=r.dtype)

    def kron(b1, b2):
        b1r = reshape(b1, concat([batch, [n, 1, n, 1]], 0))
        b2r = reshape(b2, concat([batch, [1, n, 1, n]], 0))
        return reshape(b1r * b2r, concat([batch, [n * n, n * n]], 0))

    ksum = kron(ident, _mt(r)) + kron(r, ident)
    vec_da = reshape(_mt(grad), concat([batch, [n * n, 1]], 0))
    vec_dr = matrix_solve(ksum, vec_da)
    return [_mt(reshape(vec_dr, s))]


def matrix_exponential(input: TensorLike, name: str | None = None) -> Tensor:
    """``expm``: the exponentials of ``[..., M, M]`` matrices (scaling and squaring with a
    Pade approximant; NaN for non-finite inputs, as TF)."""
    x = convert_to_tensor(input)
    _floats("MatrixExponential", x)
    with name_scope(name, "matrix_exponential", [x]) as scope:
        return make_tensor("MatrixExponential", [x], x.dtype, None, scope)


@RegisterGradient("MatrixExponential")
def _expm_grad(op, grad):
    # the adjoint Frechet derivative: the upper-right block of expm([[A^T, G], [0, A^T]])
    a_t = _mt(op.inputs[0])
    top = concat([a_t, grad], -1)
    bottom = concat([zeros_like(a_t), a_t], -1)
    big = matrix_exponential(concat([top, bottom], -2))
    n = op.inputs[0].shape.as_list()[-1] if op.inputs[0].shape.ndims else None
    if n is None:
        n = shape(op.inputs[0])[-1]
    return [getitem(big, (Ellipsis, slice(None, n), slice(n, None)))]


__all__ = [
    "cholesky",
    "log_matrix_determinant",
    "lu",
    "matrix_determinant",
    "matrix_exponential",
    "matrix_inverse",
    "matrix_solve",
    "matrix_square_root",
    "matrix_triangular_solve",
    "qr",
    "self_adjoint_eig",
    "self_adjoint_eigvals",
    "svd",
]
