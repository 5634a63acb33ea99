"""The op table's linalg rows (``ops/linalg_factor_ops.py``): Cholesky, determinants, inverse,
solves, least squares, QR, SVD, the symmetric eigendecomposition, LU, the matrix square root and
the matrix exponential. Every row gets the table's checks (``op_table.table_tests``).

Matrices come from a drawn seed (distinct singular values and eigenvalues, so factors are
unique up to signs), symmetric positive definite for Cholesky, diagonally dominant where a
solve needs an invertible matrix. Singular and eigen vectors are compared after fixing each
column's sign by its first row (a ``stop_gradient``-ed sign, so gradients are those of a smooth
branch); Cholesky's and the symmetric eigendecomposition's builds read symmetric inputs where
TF's gradients assume them. The composites TF builds from these ops are checked side by side
with TF in test_linalg_vs_tf.py.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import strategies as st
from op_table import Row, table_tests

import tflite_core as tf

LOOSE = {"rtol": 1e-4, "atol": 1e-5}  # factorisations: LAPACK against NumPy's LAPACK


# ---- draws ---------------------------------------------------------------------------------------
def _mats(ctx, kind="plain", rect=False, max_n=4):
    lo = 0 if ctx.mode == "forward" else 1
    batch = tuple(ctx.shape(max_dims=2, max_side=3)) if ctx.draw(st.booleans()) else ()
    if ctx.mode == "partial" and not batch and ctx.draw(st.booleans()):
        batch = (ctx.draw(st.integers(1, 3)),)
    if ctx.mode == "forward" and any(d == 0 for d in batch):
        batch = ()
    hi = 3 if ctx.grad else max_n
    m = ctx.draw(st.integers(lo, hi))
    n = ctx.draw(st.integers(lo, hi)) if rect else m
    rng = np.random.default_rng(ctx.draw(st.integers(0, 2**16)))
    a = rng.standard_normal((*batch, m, n))
    if kind == "spd":
        a = a @ np.swapaxes(a, -1, -2) + m * np.eye(m)
    elif kind == "dominant":
        a = a + 3 * m * np.eye(m)
    elif kind == "positive":
        a = 0.3 * a + (m + 1) * np.eye(m)
    elif kind == "small":
        a = a * 0.5
    elif kind == "separated":  # (eigenvalues at least ~2m apart: a float32 eigenvector moves by
        # eps / gap, and a random matrix's gap can be tiny, 1.3e-5 off NumPy's in one draw)
        a = a + 4 * m * np.diag(np.arange(m))
    elif kind == "ls":  # (full rank and well conditioned: float32 least squares of a random
        # matrix lost three digits to cancellation, 93.40 against NumPy's 93.38)
        a = a + 3 * max(m, n) * np.eye(m, n)
    return a.astype(ctx.dtype), rng


def mats_draw(kind="plain", rect=False, **kw_draws):
    def draw(ctx):
        a, _ = _mats(ctx, kind, rect)
        return [a], {k: ctx.draw(v) for k, v in kw_draws.items()}

    return draw


def solve_draw(broadcast=False, ls=False):
    def draw(ctx):
        a, rng = _mats(ctx, "ls" if ls else "dominant", rect=ls)
        batch, rows = a.shape[:-2], a.shape[-2]
        if broadcast:
            batch = tuple(1 if ctx.draw(st.booleans()) else d for d in batch)
            a = a[tuple(slice(0, 1) if ctx.draw(st.booleans()) else slice(None) for _ in batch)]
        k = ctx.draw(st.integers(0 if ctx.mode == "forward" else 1, 3))
        b = rng.standard_normal((*batch, rows, k)).astype(ctx.dtype)
        if ls:
            return [a, b], {}
        kw = {"adjoint": ctx.draw(st.booleans())}
        if broadcast:
            kw["lower"] = ctx.draw(st.booleans())
        return [a, b], kw

    return draw


def qr_draw(ctx):
    a, _ = _mats(ctx, rect=True)
    full = ctx.draw(st.booleans())
    if ctx.grad and a.shape[-2] > a.shape[-1]:
        full = False  # TF's QrGrad: not implemented for full_matrices with M > N
    return [a], {"full_matrices": full}


def svd_draw(ctx):
    a, _ = _mats(ctx, rect=True)
    m, n = a.shape[-2:]
    full = ctx.draw(st.booleans()) and abs(m - n) <= 1  # the complement is one column at most
    return [a], {"full_matrices": full, "compute_uv": ctx.draw(st.booleans())}


# ---- builds and references -----------------------------------------------------------------------
def _sym(x):
    return (x + tf.linalg.matrix_transpose(x)) / 2


def _np_sym(a):
    return (a + np.swapaxes(a, -1, -2)) / 2


def _signs(t):
    """Each column of t with the sign that makes its first row non-negative."""
    first = t[..., :1, :]
    s = tf.stop_gradient(tf.sign(first))
    return t * tf.where_v2(tf.equal(s, 0), tf.ones_like(s), s)


def _np_signs(a):
    s = np.sign(a[..., :1, :])
    return a * np.where(s == 0, 1, s)


def _per_matrix(fn, a, *rest):
    """fn on each matrix of a batch (stacked back), for NumPy routines without batching."""
    batch = a.shape[:-2]
    outs = [fn(a[i], *(r[i] for r in rest)) for i in np.ndindex(*batch)]
    if not outs:
        return None
    return np.stack(outs).reshape(*batch, *np.shape(outs[0]))


def np_cholesky(a):
    if a.shape[-1] == 0:
        return a.copy()
    return np.linalg.cholesky(a.astype(np.float64)).astype(a.dtype)


def np_det(a):
    if a.shape[-1] == 0:
        return np.ones(a.shape[:-2], a.dtype)
    return np.linalg.det(a.astype(np.float64)).astype(a.dtype)


def np_slogdet(a):
    if a.shape[-1] == 0:
        return [np.ones(a.shape[:-2], a.dtype), np.zeros(a.shape[:-2], a.dtype)]
    s, la = np.linalg.slogdet(a.astype(np.float64))
    return [s.astype(a.dtype), la.astype(a.dtype)]


def np_inverse(a, adjoint=False):
    if a.shape[-1] == 0:
        return a.copy()
    x = np.swapaxes(a, -1, -2) if adjoint else a
    return np.linalg.inv(x.astype(np.float64)).astype(a.dtype)


def np_solve(a, b, adjoint=False, lower=None):
    if lower is not None:
        a = np.tril(a) if lower else np.triu(a)
    batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    n, k = a.shape[-1], b.shape[-1]
    out = np.zeros((*batch, n, k), a.dtype)
    if n == 0 or k == 0 or 0 in batch:
        return out
    x = np.swapaxes(a, -1, -2) if adjoint else a
    x = np.broadcast_to(x, (*batch, n, n)).astype(np.float64)
    return np.linalg.solve(x, np.broadcast_to(b, (*batch, n, k))).astype(a.dtype)


def np_lstsq(a, b):
    m, n = a.shape[-2:]
    out = np.zeros((*a.shape[:-2], n, b.shape[-1]), a.dtype)
    for i in np.ndindex(*a.shape[:-2]):
        if m and n and b.shape[-1]:
            out[i] = np.linalg.lstsq(a[i].astype(np.float64), b[i].astype(np.float64), rcond=None)[
                0
            ]
    return out


def np_qr(a, full_matrices=False):
    m, n = a.shape[-2:]
    qc = m if full_matrices else min(m, n)
    batch = a.shape[:-2]
    if m == 0 or n == 0:
        return [
            np.broadcast_to(np.eye(m, qc, dtype=a.dtype), (*batch, m, qc)).copy(),
            np.zeros((*batch, qc, n), a.dtype),
        ]
    q, r = np.linalg.qr(a.astype(np.float64), mode="complete" if full_matrices else "reduced")
    return [q.astype(a.dtype), r.astype(a.dtype)]


def build_svd(x, full_matrices, compute_uv):
    if not compute_uv:
        return tf.linalg.svd(x, full_matrices=full_matrices, compute_uv=False)
    s, u, v = tf.linalg.svd(x, full_matrices=full_matrices)
    return [s, _signs(u), _signs(v)]


def np_svd(a, full_matrices, compute_uv):
    m, n = a.shape[-2:]
    p = min(m, n)
    batch = a.shape[:-2]
    if p == 0:
        s = np.zeros((*batch, 0), a.dtype)
        uc, vc = (m, n) if full_matrices else (p, p)
        eye = [
            np.broadcast_to(np.eye(r, c, dtype=a.dtype), (*batch, r, c)).copy()
            for r, c in ((m, uc), (n, vc))
        ]
        return [s, *eye] if compute_uv else s
    x = a.astype(np.float64)
    if not compute_uv:
        return np.linalg.svd(x, compute_uv=False).astype(a.dtype)
    u, s, vt = np.linalg.svd(x, full_matrices=full_matrices)
    v = np.swapaxes(vt, -1, -2)
    return [s.astype(a.dtype), _np_signs(u).astype(a.dtype), _np_signs(v).astype(a.dtype)]


def build_eigh(x):
    e, v = tf.linalg.eigh(x)
    return [e, _signs(v)]


def np_eigh(a):
    low = np.tril(a) + np.swapaxes(np.tril(a, -1), -1, -2)
    if a.shape[-1] == 0:
        return [np.zeros(a.shape[:-1], a.dtype), a.copy()]
    e, v = np.linalg.eigh(low.astype(np.float64))
    return [e.astype(a.dtype), _np_signs(v).astype(a.dtype)]


def build_lu(x, output_idx_type):
    lu, p = tf.linalg.lu(x, output_idx_type=output_idx_type)
    return [lu, p]


def np_lu(a, output_idx_type):
    n = a.shape[-1]
    lu = np.zeros(a.shape, a.dtype)
    perm = np.zeros(
        a.shape[:-1],
        np.dtype(output_idx_type.name if hasattr(output_idx_type, "name") else output_idx_type),
    )
    for i in np.ndindex(*a.shape[:-2]):
        m = a[i].astype(np.float64)
        p = np.arange(n)
        for k in range(n):
            j = k + int(np.argmax(np.abs(m[k:, k])))
            m[[k, j]], p[[k, j]] = m[[j, k]], p[[j, k]]
            m[k + 1 :, k] /= m[k, k]
            m[k + 1 :, k + 1 :] -= np.outer(m[k + 1 :, k], m[k, k + 1 :])
        lu[i], perm[i] = m, p
    return [lu, perm]


def np_sqrtm(a):
    def one(m):
        e, v = np.linalg.eig(m.astype(np.float64))
        return np.real(v @ np.diag(np.sqrt(e.astype(complex))) @ np.linalg.inv(v))

    out = _per_matrix(one, a) if a.shape[-1] else None
    return a.copy() if out is None else out.astype(a.dtype)


def np_expm(a):
    def one(m):
        norm = np.max(np.sum(np.abs(m), axis=0))
        s = max(0, math.ceil(math.log2(norm))) + 2 if norm > 0 else 0
        x = m / 2.0**s
        term, total = np.eye(len(m)), np.eye(len(m))
        for k in range(1, 30):
            term = term @ x / k
            total = total + term
        for _ in range(s):
            total = total @ total
        return total

    out = _per_matrix(one, a.astype(np.float64)) if a.shape[-1] else None
    return a.copy() if out is None else out.astype(a.dtype)


ROWS = [
    Row(
        "Cholesky",
        lambda x: tf.linalg.cholesky(_sym(x)),
        lambda a: np_cholesky(_np_sym(a)),
        mats_draw("spd"),
    ),
    Row("MatrixDeterminant", tf.linalg.det, np_det, mats_draw("dominant")),
    Row(
        "LogMatrixDeterminant",
        lambda x: list(tf.linalg.slogdet(x)),
        np_slogdet,
        mats_draw("dominant"),
    ),
    Row(
        "MatrixInverse",
        lambda x, adjoint: tf.linalg.inv(x, adjoint=adjoint),
        np_inverse,
        mats_draw("dominant", adjoint=st.booleans()),
    ),
    Row("MatrixSolve", tf.linalg.solve, np_solve, solve_draw()),
    Row("MatrixTriangularSolve", tf.linalg.triangular_solve, np_solve, solve_draw(broadcast=True)),
    Row(
        "MatrixSolveLs",
        lambda a, b: tf.linalg.lstsq(a, b, fast=False),
        np_lstsq,
        solve_draw(ls=True),
        grad="lookup",
        tol=LOOSE,
    ),
    Row(
        "Qr",
        lambda x, full_matrices: list(tf.linalg.qr(x, full_matrices)),
        np_qr,
        qr_draw,
        tol=LOOSE,
    ),
    Row("Svd", build_svd, np_svd, svd_draw, tol=LOOSE),
    Row("SelfAdjointEigV2", build_eigh, np_eigh, mats_draw("separated"), tol=LOOSE),
    Row(
        "Lu",
        build_lu,
        np_lu,
        mats_draw("dominant", output_idx_type=st.sampled_from([tf.int32, tf.int64])),
        grad="lookup",
        tol=LOOSE,
    ),
    Row("MatrixSquareRoot", tf.linalg.sqrtm, np_sqrtm, mats_draw("positive"), tol=LOOSE),
    Row("MatrixExponential", tf.linalg.expm, np_expm, mats_draw("small"), tol=LOOSE),
]
globals().update(table_tests(ROWS))  # test_forward_matches_numpy[<op>], ... for these rows


# ---- beyond the table ----------------------------------------------------------------------------
def _run(fetch, feeds=None):
    with tf.Session() as sess:
        return sess.run(fetch, feeds)


@pytest.mark.bad_input
@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda x: tf.linalg.inv(x), "Input is not invertible."),
        (
            lambda x: tf.linalg.solve(x, tf.ones([3, 1], tf.float64)),
            "Input matrix is not invertible.",
        ),
    ],
)
def test_singular_matrices_are_invalid_argument(build, message):
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float64, [3, 3])
        y = build(x)
        with pytest.raises(tf.errors.InvalidArgumentError, match=message):
            _run(y, {x: np.ones((3, 3))})


@pytest.mark.bad_input
@pytest.mark.parametrize(
    "build",
    [
        tf.linalg.cholesky,
        tf.linalg.inv,
        tf.linalg.det,
        tf.linalg.eigh,
        tf.linalg.sqrtm,
        tf.linalg.expm,
        tf.linalg.lu,
    ],
)
def test_non_square_inputs_fail_at_graph_build(build):
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="Dimensions must be equal, but are 3 and 4"):
            build(tf.zeros([2, 3, 4], tf.float64))
        with pytest.raises(ValueError, match="must be at least rank 2"):
            build(tf.zeros([3], tf.float64))


@pytest.mark.bad_input
def test_integer_inputs_are_type_errors():
    with tf.Graph().as_default(), pytest.raises(TypeError):
        tf.linalg.cholesky(tf.zeros([2, 2], tf.int32))


def test_lu_and_lstsq_without_fast_have_tfs_gradient_errors():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float64, [3, 3])
        with pytest.raises(LookupError, match="op type: Lu"):
            tf.gradients(tf.linalg.lu(x)[0], x)
        with pytest.raises(ValueError, match="Gradient not defined for fast=False"):
            tf.gradients(tf.linalg.lstsq(x, x, fast=False), x)


def test_batched_inverse_matches_numpy_on_many_matrices():
    """A batch large enough to run on several OpenMP threads (OpenBLAS's pool at one thread)."""
    a = np.random.default_rng(3).standard_normal((64, 6, 6)) + 6 * np.eye(6)
    with tf.Graph().as_default():
        got = _run(tf.linalg.inv(tf.constant(a)))
    np.testing.assert_allclose(got, np.linalg.inv(a), rtol=1e-10, atol=1e-12)


def test_large_single_matrix_uses_lapack_threads():
    a = np.random.default_rng(4).standard_normal((200, 200))
    spd = a @ a.T + 200 * np.eye(200)
    with tf.Graph().as_default():
        low, det_ratio = _run(
            [tf.linalg.cholesky(tf.constant(spd)), tf.linalg.logdet(tf.constant(spd))]
        )
    np.testing.assert_allclose(low, np.linalg.cholesky(spd), rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(det_ratio, np.linalg.slogdet(spd)[1], rtol=1e-10)


def test_output_idx_type_and_lu_types():
    with tf.Graph().as_default():
        lu, p = tf.linalg.lu(tf.eye(3), output_idx_type=tf.int64)
        assert p.dtype == tf.int64 and lu.dtype == tf.float32
        with pytest.raises(TypeError):
            tf.linalg.lu(tf.eye(3), output_idx_type=tf.float32)
