"""The linalg kernels (``cpp/linalg.cc``) over ``numpy.linalg``: batched over the leading
dimensions, in the input's dtype. cholesky (lower factor of the lower triangle; a NaN lower
triangle where the matrix is not positive definite, as TF 2.21), matrix_determinant,
log_matrix_determinant (-> sign, log|det|), matrix_inverse (ints = [adjoint]), matrix_solve
(ints = [adjoint]), matrix_triangular_solve (batch dims broadcast; ints = [lower, adjoint]),
matrix_solve_ls (minimum-norm least squares), qr (ints = [full_matrices]), svd (ints =
[compute_uv, full_matrices]), self_adjoint_eig (lower triangle; ints = [compute_v]), lu (-> lu, p
with a[p] = L @ U), matrix_square_root (symmetric: through the eigendecomposition; else the
Denman-Beavers iteration) and matrix_exponential (the [13/13] Pade approximant with scaling and
squaring). NumPy's LAPACK runs the same routines as the kernel's (getrf, geqrf/orgqr, gesdd,
syevd on the lower triangle), so the factors agree (eigen and singular vectors up to signs).
"""

from __future__ import annotations

import numpy as np

from .registry import KernelError, _float_only, _kernel


def _square(op: str, a: np.ndarray) -> int:
    _float_only(op, a)
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise KernelError(f"[{op}] Input matrix must be square, got shape {list(a.shape)}")
    return a.shape[-1]


def _lower_sym(a: np.ndarray) -> np.ndarray:
    low = np.tril(a)
    return low + np.swapaxes(np.tril(a, -1), -1, -2)


def _check(op: str, out: np.ndarray, shape: tuple) -> None:
    if out.shape != tuple(shape):
        raise KernelError(f"[{op}] output has the wrong shape {list(out.shape)}")


@_kernel("cholesky")
def _cholesky(inputs, outputs, ints, floats):
    a = inputs[0]
    _square("Cholesky", a)
    _check("Cholesky", outputs[0], a.shape)
    if a.size == 0:
        return
    sym = _lower_sym(a)
    for i in np.ndindex(*a.shape[:-2]):
        try:
            outputs[0][i] = np.linalg.cholesky(sym[i])
        except np.linalg.LinAlgError:  # as TF 2.21: NaN in the lower triangle
            outputs[0][i] = np.where(np.tri(a.shape[-1], dtype=bool), np.nan, 0.0)


def _slogdet(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if a.shape[-1] == 0:
        return np.ones(a.shape[:-2]), np.zeros(a.shape[:-2])
    s, logabs = np.linalg.slogdet(a.astype(np.float64))
    logabs = np.where(s == 0, -np.inf, logabs)
    return s, logabs


@_kernel("matrix_determinant")
def _det(inputs, outputs, ints, floats):
    a = inputs[0]
    _square("MatrixDeterminant", a)
    _check("MatrixDeterminant", outputs[0], a.shape[:-2])
    s, logabs = _slogdet(a)
    outputs[0][...] = s * np.exp(logabs)


@_kernel("log_matrix_determinant")
def _logdet(inputs, outputs, ints, floats):
    a = inputs[0]
    _square("LogMatrixDeterminant", a)
    s, logabs = _slogdet(a)
    outputs[0][...] = s
    outputs[1][...] = logabs


@_kernel("matrix_inverse")
def _inverse(inputs, outputs, ints, floats):
    a = inputs[0]
    _square("MatrixInverse", a)
    if a.size == 0:
        return
    if ints[0]:
        a = np.swapaxes(a, -1, -2)
    if np.any(_singular(a)):
        raise KernelError("[MatrixInverse] Input is not invertible.")
    outputs[0][...] = np.linalg.inv(a)


def _singular(a: np.ndarray) -> np.ndarray:
    s, _ = _slogdet(a)
    return s == 0


@_kernel("matrix_solve")
def _solve(inputs, outputs, ints, floats):
    a, b = inputs
    _square("MatrixSolve", a)
    if a.shape[:-2] != b.shape[:-2] or b.shape[-2] != a.shape[-1]:
        raise KernelError(
            f"[MatrixSolve] matrix {list(a.shape)} and rhs {list(b.shape)} do not match"
        )
    if a.size == 0 or b.size == 0:
        return
    if np.any(_singular(a)):
        raise KernelError("[MatrixSolve] Input matrix is not invertible.")
    if ints[0]:
        a = np.swapaxes(a, -1, -2)
    outputs[0][...] = np.linalg.solve(a, b)


@_kernel("matrix_triangular_solve")
def _triangular_solve(inputs, outputs, ints, floats):
    a, b = inputs
    n = _square("MatrixTriangularSolve", a)
    if b.ndim < 2 or b.shape[-2] != n:
        raise KernelError("[MatrixTriangularSolve] matrix and rhs do not match")
    batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    _check("MatrixTriangularSolve", outputs[0], (*batch, n, b.shape[-1]))
    if outputs[0].size == 0:
        return
    t = np.tril(a) if ints[0] else np.triu(a)
    if ints[1]:
        t = np.swapaxes(t, -1, -2)
    t = np.broadcast_to(t, (*batch, n, n))
    with np.errstate(all="ignore"):
        outputs[0][...] = _substitute(t, np.broadcast_to(b, (*batch, n, b.shape[-1])))


def _substitute(t: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Forward or back substitution (which one: from the zero triangle), as trsm does."""
    n = t.shape[-1]
    lower = np.all(np.triu(t, 1) == 0)
    x = np.zeros(b.shape, np.result_type(t, b))
    order = range(n) if lower else range(n - 1, -1, -1)
    for i in order:
        acc = b[..., i, :] - np.einsum("...k,...kj->...j", t[..., i, :], x)
        x[..., i, :] = acc / t[..., i, i][..., None]
    return x


@_kernel("matrix_solve_ls")
def _solve_ls(inputs, outputs, ints, floats):
    a, b = inputs
    _float_only("MatrixSolveLs", a)
    out = outputs[0]
    out[...] = 0
    if a.size == 0 or b.size == 0:
        return
    for idx in np.ndindex(*a.shape[:-2]):
        out[idx] = np.linalg.lstsq(a[idx], b[idx], rcond=None)[0]


@_kernel("qr")
def _qr(inputs, outputs, ints, floats):
    a = inputs[0]
    _float_only("Qr", a)
    q, r = outputs
    if a.shape[-2] == 0 or a.shape[-1] == 0:
        r[...] = 0
        q[...] = np.eye(q.shape[-2], q.shape[-1]) if q.size else 0
        return
    qq, rr = np.linalg.qr(a, mode="complete" if ints[0] else "reduced")
    q[...], r[...] = qq, rr


@_kernel("svd")
def _svd(inputs, outputs, ints, floats):
    a = inputs[0]
    _float_only("Svd", a)
    s, u, v = outputs
    m, n = a.shape[-2:]
    if ints[0]:
        u[...] = np.eye(u.shape[-2], u.shape[-1])
        v[...] = np.eye(v.shape[-2], v.shape[-1])
    if min(m, n) == 0:
        return
    if not ints[0]:
        s[...] = np.linalg.svd(a, compute_uv=False)
        return
    uu, ss, vt = np.linalg.svd(a, full_matrices=bool(ints[1]))
    s[...], u[...], v[...] = ss, uu, np.swapaxes(vt, -1, -2)


@_kernel("self_adjoint_eig")
def _eigh(inputs, outputs, ints, floats):
    a = inputs[0]
    _square("SelfAdjointEigV2", a)
    if a.size == 0:
        return
    sym = _lower_sym(a)
    if ints[0]:
        outputs[0][...], outputs[1][...] = np.linalg.eigh(sym)
    else:
        outputs[0][...] = np.linalg.eigvalsh(sym)


def _lu1(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """getrf: partial pivoting on the largest magnitude (the first of ties)."""
    n = a.shape[0]
    lu = a.astype(np.float64 if a.dtype == np.float64 else np.float32).copy()
    perm = np.arange(n)
    for k in range(n):
        p = k + int(np.argmax(np.abs(lu[k:, k])))
        if p != k:
            lu[[k, p]] = lu[[p, k]]
            perm[[k, p]] = perm[[p, k]]
        if lu[k, k] != 0:
            lu[k + 1 :, k] /= lu[k, k]
            lu[k + 1 :, k + 1 :] -= np.outer(lu[k + 1 :, k], lu[k, k + 1 :])
    return lu, perm


@_kernel("lu")
def _lu(inputs, outputs, ints, floats):
    a = inputs[0]
    _square("Lu", a)
    for idx in np.ndindex(*a.shape[:-2]):
        lu, perm = _lu1(a[idx])
        outputs[0][idx] = lu
        outputs[1][idx] = perm


def _sqrtm1(a: np.ndarray) -> np.ndarray:
    if np.array_equal(a, a.T):
        e, v = np.linalg.eigh(a)
        return (v * np.sqrt(e)) @ v.T
    y, z = a.copy(), np.eye(a.shape[0])
    n = a.shape[0]
    scale, close = True, False
    for _ in range(100):
        if close:
            return y
        try:
            yi, zi = np.linalg.inv(y), np.linalg.inv(z)
        except np.linalg.LinAlgError:
            break
        g = 1.0
        if scale:
            g = np.exp(-(np.linalg.slogdet(y)[1] + np.linalg.slogdet(z)[1]) / (2.0 * n))
        y1 = 0.5 * (g * y + zi / g)
        z = 0.5 * (g * z + yi / g)
        diff, norm = np.sum((y1 - y) ** 2), np.sum(y1**2)
        y = y1
        scale = scale and diff > 1e-2 * norm
        close = diff <= 1e-20 * norm
    return np.full_like(a, np.nan)


@_kernel("matrix_square_root")
def _sqrtm(inputs, outputs, ints, floats):
    a = inputs[0]
    _square("MatrixSquareRoot", a)
    for idx in np.ndindex(*a.shape[:-2]):
        m = a[idx].astype(np.float64)
        outputs[0][idx] = _sqrtm1(m) if np.all(np.isfinite(m)) else np.nan


_PADE13 = [
    64764752532480000.0,
    32382376266240000.0,
    7771770303897600.0,
    1187353796428800.0,
    129060195264000.0,
    10559470521600.0,
    670442572800.0,
    33522128640.0,
    1323241920.0,
    40840800.0,
    960960.0,
    16380.0,
    182.0,
    1.0,
]


def _expm1(a: np.ndarray) -> np.ndarray:
    c = _PADE13
    norm1 = np.max(np.sum(np.abs(a), axis=0)) if a.size else 0.0
    if not np.isfinite(norm1):
        return np.full_like(a, np.nan)
    s = int(np.ceil(np.log2(norm1 / 5.371920351148152))) if norm1 > 5.371920351148152 else 0
    a = a * 2.0**-s
    ident = np.eye(a.shape[0])
    a2 = a @ a
    a4 = a2 @ a2
    a6 = a4 @ a2
    u = a @ (
        a6 @ (c[13] * a6 + c[11] * a4 + c[9] * a2)
        + c[7] * a6
        + c[5] * a4
        + c[3] * a2
        + c[1] * ident
    )
    v = (
        a6 @ (c[12] * a6 + c[10] * a4 + c[8] * a2)
        + c[6] * a6
        + c[4] * a4
        + c[2] * a2
        + c[0] * ident
    )
    try:
        r = np.linalg.solve(v - u, v + u)
    except np.linalg.LinAlgError:
        return np.full_like(a, np.nan)
    for _ in range(s):
        r = r @ r
    return r


@_kernel("matrix_exponential")
def _expm(inputs, outputs, ints, floats):
    a = inputs[0]
    _square("MatrixExponential", a)
    for idx in np.ndindex(*a.shape[:-2]):
        outputs[0][idx] = _expm1(a[idx].astype(np.float64))
