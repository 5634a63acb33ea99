"""The ``tf.linalg`` functions TF builds in Python on top of its decompositions
(``linalg_ops.py`` and ``linalg/linalg_impl.py``), built the same way from ours
(``linalg_factor_ops.py``): ``cholesky_solve``, ``logdet``, ``matrix_solve_ls`` (``lstsq``),
``lu_solve`` / ``lu_matrix_inverse`` / ``lu_reconstruct``, ``pinv``, ``matrix_rank``, the
tridiagonal helpers, ``eigh_tridiagonal``, ``tensor_diag`` / ``tensor_diag_part`` and
``normalize``. Their gradients come from the ops they are made of.

Row permutations (``lu``'s ``p``) are applied as products with one-hot permutation matrices,
which broadcast over batch dimensions as TF's gathers do.

>>> with tf.Session() as sess:
...     chol = tf.linalg.cholesky([[4.0, 2.0], [2.0, 3.0]])
...     print(sess.run(tf.linalg.cholesky_solve(chol, [[2.0], [1.0]])))
[[0.5]
 [0. ]]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..framework import dtypes as _dt
from ..framework.constant_op import constant, convert_to_tensor
from ..framework.graph import Tensor, name_scope
from ..framework.type_aliases import TensorLike
from .array_ops import cast, concat, expand_dims, reshape, shape, squeeze, stack
from .indexing_ops import one_hot, where_v2
from .indexing_ops import range as _range
from .linalg_factor_ops import (
    cholesky,
    matrix_solve,
    matrix_solve_ls_kernel,
    matrix_triangular_solve,
    self_adjoint_eig,
    self_adjoint_eigvals,
    svd,
)
from .linalg_ops import band_part, eye, matrix_diag, matrix_diag_part, matrix_transpose, norm
from .math_ops import greater, log, matmul, maximum, reduce_max, reduce_prod, reduce_sum
from .slicing_ops import getitem


def cholesky_solve(chol: TensorLike, rhs: TensorLike, name: str | None = None) -> Tensor:
    """Solves ``A x = rhs`` given ``chol``, the Cholesky factor of ``A`` (two triangular
    solves)."""
    c = convert_to_tensor(chol)
    with name_scope(name, "cholesky_solve", [c]):
        y = matrix_triangular_solve(c, rhs, adjoint=False, lower=True)
        return matrix_triangular_solve(c, y, adjoint=True, lower=True)


def logdet(matrix: TensorLike, name: str | None = None) -> Tensor:
    """``log(det(matrix))`` of Hermitian positive definite matrices, from their Cholesky
    factors: ``2 * sum(log(diag(L)))``."""
    with name_scope(name, "logdet", [matrix]):
        chol = cholesky(matrix)
        return 2.0 * reduce_sum(log(matrix_diag_part(chol)), axis=[-1])


def _regularized_gramian_cholesky(a: Tensor, l2: Any, first_kind: bool) -> Tensor:
    gramian = matmul(a, a, adjoint_a=first_kind, adjoint_b=not first_kind)
    if isinstance(l2, Tensor) or l2 != 0:
        s = shape(a)
        small = s[-1] if first_kind else s[-2]
        gramian += cast(l2, a.dtype) * eye(small, batch_shape=s[:-2], dtype=a.dtype)
    return cholesky(gramian)


def matrix_solve_ls(
    matrix: TensorLike,
    rhs: TensorLike,
    l2_regularizer: Any = 0.0,
    fast: bool = True,
    name: str | None = None,
) -> Tensor:
    """Least-squares solutions of ``matrix @ x = rhs`` (``tf.linalg.lstsq``): with ``fast``,
    from the Cholesky factors of the regularised normal equations (``l2_regularizer``), as TF's
    composite; otherwise the minimum-norm least-squares solution (``l2_regularizer`` ignored,
    not differentiable, as TF's)."""
    a = convert_to_tensor(matrix)
    b = convert_to_tensor(rhs, dtype=a.dtype)
    dims: list[Any] = a.shape.as_list()[-2:] if a.shape.ndims is not None else [None, None]
    if not fast or None in dims:
        if fast and (isinstance(l2_regularizer, Tensor) or l2_regularizer != 0):
            raise ValueError(
                "matrix_solve_ls with fast=True and an l2_regularizer needs the matrix "
                "dimensions known at graph build"
            )
        return matrix_solve_ls_kernel(a, b, l2_regularizer, fast, name)
    with name_scope(name, "matrix_solve_ls", [a, b]):
        if dims[0] >= dims[1]:  # overdetermined: (A^H A + l2 I)^{-1} A^H b
            chol = _regularized_gramian_cholesky(a, l2_regularizer, True)
            return cholesky_solve(chol, matmul(a, b, adjoint_a=True))
        chol = _regularized_gramian_cholesky(a, l2_regularizer, False)
        return matmul(a, cholesky_solve(chol, b), adjoint_a=True)


# ---- LU helpers ----------------------------------------------------------------------------------
def _unit_lower(lower_upper: Tensor) -> Tensor:
    n = shape(lower_upper)[-1]
    return (
        band_part(lower_upper, -1, 0)
        - band_part(lower_upper, 0, 0)
        + eye(n, dtype=lower_upper.dtype)
    )


def _permutation_matrix(perm: Tensor, n: Any, dtype: _dt.DType) -> Tensor:
    """``P`` with ``P[..., i, perm[i]] = 1``: ``P @ x`` is ``x[..., perm, :]``."""
    return one_hot(perm, n, dtype=dtype)


def _lu_args(lower_upper, perm):
    lu = convert_to_tensor(lower_upper, dtype=None)
    p = convert_to_tensor(perm)
    if lu.shape.ndims is not None and lu.shape.ndims < 2:
        raise ValueError("Input `lower_upper` must have at least 2 dimensions.")
    if p.shape.ndims is not None and p.shape.ndims < 1:
        raise ValueError("Input `perm` must have at least 1 dimension.")
    return lu, p


def lu_solve(
    lower_upper: TensorLike,
    perm: TensorLike,
    rhs: TensorLike,
    validate_args: bool = False,
    name: str | None = None,
) -> Tensor:
    """Solves ``A x = rhs`` from ``tf.linalg.lu(A)``'s ``lower_upper`` and ``perm``."""
    with name_scope(name or "lu_solve"):
        lu, p = _lu_args(lower_upper, perm)
        b = convert_to_tensor(rhs, dtype=lu.dtype)
        if b.shape.ndims is not None and b.shape.ndims < 2:
            raise ValueError("Input `rhs` must have at least 2 dimensions.")
        n_lu = lu.shape.as_list()[-1] if lu.shape.ndims else None
        n_b = b.shape.as_list()[-2] if b.shape.ndims else None
        if n_lu is not None and n_b is not None and n_lu != n_b:
            raise ValueError("`lower_upper.shape[-1]` must equal `rhs.shape[-1]`.")
        permuted = matmul(_permutation_matrix(p, shape(lu)[-1], lu.dtype), b)
        y = matrix_triangular_solve(_unit_lower(lu), permuted)
        return matrix_triangular_solve(lu, y, lower=False)


def lu_matrix_inverse(
    lower_upper: TensorLike, perm: TensorLike, validate_args: bool = False, name: str | None = None
) -> Tensor:
    """The inverse of ``A`` from ``tf.linalg.lu(A)``'s ``lower_upper`` and ``perm``."""
    with name_scope(name or "lu_matrix_inverse"):
        lu, p = _lu_args(lower_upper, perm)
        s = shape(lu)
        return lu_solve(lu, p, eye(s[-1], batch_shape=s[:-2], dtype=lu.dtype))


def lu_reconstruct(
    lower_upper: TensorLike, perm: TensorLike, validate_args: bool = False, name: str | None = None
) -> Tensor:
    """``A`` from ``tf.linalg.lu(A)``'s ``lower_upper`` and ``perm``: ``P^T @ L @ U``."""
    with name_scope(name or "lu_reconstruct"):
        lu, p = _lu_args(lower_upper, perm)
        x = matmul(_unit_lower(lu), band_part(lu, 0, -1))
        return matmul(_permutation_matrix(p, shape(lu)[-1], lu.dtype), x, adjoint_a=True)


# ---- SVD helpers ---------------------------------------------------------------------------------
def _max_dim(a: Tensor, dtype: _dt.DType) -> Any:
    d: list[Any] = a.shape.as_list()[-2:] if a.shape.ndims is not None else [None, None]
    if None not in d:
        return float(max(d))
    s = shape(a)
    return cast(maximum(s[-2], s[-1]), dtype)


def pinv(
    a: TensorLike, rcond: Any = None, validate_args: bool = False, name: str | None = None
) -> Tensor:
    """The Moore-Penrose pseudo-inverses of ``[..., M, N]`` matrices, from their SVD
    (singular values below ``rcond * max(s)`` dropped; default ``10 * max(M, N) * eps``)."""
    with name_scope(name or "pinv"):
        x = convert_to_tensor(a)
        dtype = x.dtype
        if rcond is None:
            rcond = 10.0 * _max_dim(x, dtype) * float(np.finfo(dtype.np).eps)
        rc = convert_to_tensor(rcond, dtype=dtype)
        s, u, v = svd(x, full_matrices=False, compute_uv=True)
        cutoff = rc * reduce_max(s, axis=-1)
        s = where_v2(greater(s, expand_dims(cutoff, -1)), s, constant(np.array(np.inf, dtype.np)))
        return matmul(v / expand_dims(s, -2), u, adjoint_b=True)


def matrix_rank(
    a: TensorLike, tol: Any = None, validate_args: bool = False, name: str | None = None
) -> Tensor:
    """The numerical ranks (int32) of ``[..., M, N]`` matrices: their singular values above
    ``tol`` (default ``eps * max(M, N) * max(s)``)."""
    with name_scope(name or "matrix_rank"):
        x = convert_to_tensor(a, dtype=None)
        s = svd(x, compute_uv=False)
        if tol is None:
            eps = float(np.finfo(x.dtype.np).eps)
            tol = eps * _max_dim(x, x.dtype) * reduce_max(s, axis=-1, keepdims=True)
        return reduce_sum(cast(greater(s, tol), _dt.int32), axis=-1)


# ---- tridiagonal matrices ------------------------------------------------------------------------
def _shift_up(n: Any, dtype: _dt.DType) -> Tensor:
    """``U`` with ``U[i, i + 1] = 1``."""
    return one_hot(
        _range(1, n + 1) if isinstance(n, Tensor) else list(range(1, n + 1)), n, dtype=dtype
    )


def _dense_tridiagonal(diagonals: Any, diagonals_format: str) -> Tensor:
    """The dense ``[..., M, M]`` matrices of TF's three diagonal formats."""
    if diagonals_format == "matrix":
        d = convert_to_tensor(diagonals)
        return band_part(d, 1, 1)
    if diagonals_format == "compact":
        d = convert_to_tensor(diagonals)
        if d.shape.ndims is not None and d.shape.ndims < 2:
            raise ValueError(f"Expected diagonals to have rank at least 2, got {d.shape.ndims}")
        if d.shape.ndims is not None and d.shape.as_list()[-2] not in (None, 3):
            raise ValueError(f"Expected 3 diagonals got {d.shape.as_list()[-2]}")
        sup, main, sub = (getitem(d, (Ellipsis, i, slice(None))) for i in range(3))
    elif diagonals_format == "sequence":
        if not isinstance(diagonals, (tuple, list)) or len(diagonals) != 3:
            raise ValueError("Expected diagonals to be a sequence of length 3.")
        sup, main, sub = (convert_to_tensor(t) for t in diagonals)
    else:
        raise ValueError(f"Unrecognized diagonals_format: {diagonals_format}")
    m = main.shape.as_list()[-1] if main.shape.ndims else None
    n: Any = m if m is not None else shape(main)[-1]
    up = _shift_up(n, main.dtype)
    # A[i, i] = main[i], A[i, i+1] = sup[i], A[i+1, i] = sub[i+1]
    return (
        matrix_diag(main)
        + matmul(matrix_diag(sup), up)
        + matmul(matrix_diag(sub), up, transpose_b=True)
    )


def tridiagonal_matmul(
    diagonals: Any, rhs: TensorLike, diagonals_format: str = "compact", name: str | None = None
) -> Tensor:
    """``A @ rhs`` for tridiagonal ``A`` given by its diagonals (``compact`` ``[..., 3, M]``:
    superdiagonal, main diagonal, subdiagonal; ``sequence``; or ``matrix``)."""
    with name_scope(name, "tridiagonal_matmul"):
        a = _dense_tridiagonal(diagonals, diagonals_format)
        return matmul(a, convert_to_tensor(rhs, dtype=a.dtype))


def tridiagonal_solve(
    diagonals: Any,
    rhs: TensorLike,
    diagonals_format: str = "compact",
    transpose_rhs: bool = False,
    conjugate_rhs: bool = False,
    name: str | None = None,
    partial_pivoting: bool = True,
    perturb_singular: bool = False,
) -> Tensor:
    """Solves ``A x = rhs`` for tridiagonal ``A`` given by its diagonals (as
    ``tridiagonal_matmul``); ``rhs`` ``[..., M, K]`` or ``[..., M]``."""
    if perturb_singular and not partial_pivoting:
        raise ValueError("partial_pivoting must be True if perturb_singular is.")
    if perturb_singular:
        raise ValueError("perturb_singular=True is not supported by tflite_core")
    with name_scope(name, "tridiagonal_solve"):
        a = _dense_tridiagonal(diagonals, diagonals_format)
        b = convert_to_tensor(rhs, dtype=a.dtype)
        if b.shape.ndims is not None and a.shape.ndims is not None:
            if b.shape.ndims == a.shape.ndims - 1:
                return squeeze(matrix_solve(a, expand_dims(b, -1)), [-1])
            if b.shape.ndims != a.shape.ndims:
                raise ValueError(
                    f"Expected the rank of rhs to be {a.shape.ndims - 1} or {a.shape.ndims}, "
                    f"got {b.shape.ndims}"
                )
        if transpose_rhs:
            b = matrix_transpose(b)
        return matrix_solve(a, b)


def eigh_tridiagonal(
    alpha: TensorLike,
    beta: TensorLike,
    eigvals_only: bool = True,
    select: str = "a",
    select_range: Any = None,
    tol: Any = None,
    name: str | None = None,
) -> Any:
    """The eigenvalues (ascending; with ``eigvals_only=False`` also the eigenvectors) of the
    real symmetric tridiagonal matrix with diagonal ``alpha`` ``[n]`` and off-diagonal ``beta``
    ``[n - 1]``; ``select`` "a" (all) or "i" (the indices ``select_range = [lo, hi]``)."""
    with name_scope(name or "eigh_tridiagonal"):
        al = convert_to_tensor(alpha)
        be = convert_to_tensor(beta, dtype=al.dtype)
        if al.shape.ndims != 1:
            raise ValueError("alpha must be a vector")
        if select not in ("a", "i", "v"):
            raise ValueError("select must be one of 'a', 'v', 'i'")
        if select == "v":
            raise ValueError("select='v' (a value range) is not supported by tflite_core")
        be_full = concat([be, constant(np.zeros(1, al.dtype.np))], 0)
        a = _dense_tridiagonal(
            [be_full, al, concat([constant(np.zeros(1, al.dtype.np)), be], 0)], "sequence"
        )
        if eigvals_only:
            e = self_adjoint_eigvals(a)
            v = None
        else:
            e, v = self_adjoint_eig(a)
        if select == "i":
            lo, hi = (int(i) for i in select_range)
            e = getitem(e, slice(lo, hi + 1))
            v = None if v is None else getitem(v, (slice(None), slice(lo, hi + 1)))
        return e if eigvals_only else (e, v)


# ---- tensor diagonals and normalize --------------------------------------------------------------
def tensor_diag(diagonal: TensorLike, name: str | None = None) -> Tensor:
    """``tf.diag``: the ``[D1..Dk, D1..Dk]`` tensor with ``diagonal`` ``[D1..Dk]`` on its
    diagonal (``out[i1..ik, i1..ik] = diagonal[i1..ik]``) and zeros elsewhere."""
    d = convert_to_tensor(diagonal)
    if d.shape.ndims is not None and d.shape.ndims < 1:
        raise ValueError(f"Input must be at least rank 1, got {d.shape.ndims}")
    with name_scope(name, "Diag", [d]) as scope:
        s = shape(d)
        return reshape(matrix_diag(reshape(d, [-1])), concat([s, s], 0), name=scope)


def tensor_diag_part(input: TensorLike, name: str | None = None) -> Tensor:
    """``tf.diag_part``: ``out[i1..ik] = input[i1..ik, i1..ik]`` of a ``[D1..Dk, D1..Dk]``
    tensor."""
    x = convert_to_tensor(input)
    r = x.shape.ndims
    if r is None:
        raise ValueError("tensor_diag_part needs an input of known rank")
    if r == 0 or r % 2:
        raise ValueError(f"Input must have even rank >= 2, got rank {r}")
    d = x.shape.as_list()
    if None not in d and d[: r // 2] != d[r // 2 :]:
        raise ValueError(
            f"Invalid proposed shape for diag_part: {x.shape} (its two halves must be equal)"
        )
    with name_scope(name, "DiagPart", [x]) as scope:
        half = getitem(shape(x), slice(0, r // 2))
        n = reduce_prod(half)
        return reshape(matrix_diag_part(reshape(x, stack([n, n]))), half, name=scope)


def normalize(
    tensor: TensorLike, ord: Any = "euclidean", axis: Any = None, name: str | None = None
) -> tuple[Tensor, Tensor]:
    """``(tensor / norm, norm)`` with ``norm = tf.norm(tensor, ord, axis, keepdims=True)``."""
    with name_scope(name, "normalize", [tensor]):
        x = convert_to_tensor(tensor)
        n = cast(norm(x, ord, axis, keepdims=True), x.dtype)
        return x / n, n


__all__ = [
    "cholesky_solve",
    "eigh_tridiagonal",
    "logdet",
    "lu_matrix_inverse",
    "lu_reconstruct",
    "lu_solve",
    "matrix_rank",
    "matrix_solve_ls",
    "normalize",
    "pinv",
    "tensor_diag",
    "tensor_diag_part",
    "tridiagonal_matmul",
    "tridiagonal_solve",
]
