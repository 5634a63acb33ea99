"""Matrix products and ``tf.linalg`` side by side with TF 2.21 ``compat.v1``: values and
gradients on the same inputs."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as real_tf

import tflite_core as tf

T = real_tf.compat.v1
RNG = np.random.default_rng(11)


def _both(build, feeds):
    """``sess.run(build(module)(placeholders))`` in tflite_core and in TF on the same feeds."""
    out = []
    for mod, graph in ((tf, tf.Graph()), (T, real_tf.Graph())):
        with graph.as_default():
            ps = [mod.placeholder(mod.as_dtype(v.dtype), v.shape) for v in feeds]
            fetch = build(mod, *ps)
            with mod.Session(graph=graph) as sess:
                out.append(sess.run(fetch, dict(zip(ps, feeds))))
    return out


@pytest.mark.parametrize(
    ("sa", "sb", "adj"),
    [
        ((2, 3, 4), (2, 4, 5), (False, False)),
        ((2, 1, 3, 4), (5, 5, 4), (False, True)),  # batch broadcast, b adjoint
        ((4, 3), (2, 4, 6), (True, False)),  # a rank-2 side
        ((3, 2, 4, 3), (3, 2, 5, 4), (True, True)),
    ],
)
def test_batched_matmul_and_gradients(sa, sb, adj):
    a = RNG.standard_normal(sa)
    b = RNG.standard_normal(sb)

    def build(m, x, y):
        z = m.matmul(x, y, adjoint_a=adj[0], adjoint_b=adj[1])
        loss = m.reduce_sum(z * z)
        return [z, *m.gradients(loss, [x, y])]

    ours, theirs = _both(build, [a, b])
    for got, want in zip(ours, theirs):
        assert got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-10)


def test_batched_matmul_shape_errors_at_graph_build():
    for mod in (tf, T):
        g = tf.Graph() if mod is tf else real_tf.Graph()
        with g.as_default():
            with pytest.raises(ValueError, match="Dimensions must be equal"):
                mod.matmul(mod.zeros([2, 3, 4]), mod.zeros([2, 5, 6]))
            with pytest.raises(ValueError):
                mod.matmul(mod.zeros([2, 3, 4]), mod.zeros([3, 4, 6]))  # batch 2 vs 3


def _close(ours, theirs):
    assert len(ours) == len(theirs)
    for got, want in zip(ours, theirs):
        got, want = np.asarray(got), np.asarray(want)
        assert got.shape == want.shape and got.dtype == want.dtype, (got, want)
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


M = RNG.standard_normal((2, 3, 4))
SQ = RNG.standard_normal((2, 3, 3))
V = RNG.standard_normal((2, 3))

LINALG = {
    "matrix_transpose": (lambda m, x: m.linalg.matrix_transpose(x), [M]),
    "transpose": (lambda m, x: m.linalg.transpose(x), [M]),
    "adjoint": (lambda m, x: m.linalg.adjoint(x), [M]),
    "diag": (lambda m, v: m.linalg.diag(v), [V]),
    "diag_part (wide)": (lambda m, x: m.linalg.diag_part(x), [M]),
    "diag_part (tall)": (lambda m, x: m.linalg.diag_part(m.linalg.transpose(x)), [M]),
    "trace": (lambda m, x: m.linalg.trace(x), [M]),
    "set_diag": (lambda m, x, v: m.linalg.set_diag(x, v), [SQ, V]),
    "band_part": (lambda m, x: m.linalg.band_part(x, 1, 0), [M]),
    "band_part (all below)": (lambda m, x: m.linalg.band_part(x, -1, 1), [M]),
    "tensordot (int)": (
        lambda m, x, y: m.linalg.tensordot(x, y, 1),
        [M, RNG.standard_normal((4, 5))],
    ),
    "tensordot (pairs)": (
        lambda m, x, y: m.linalg.tensordot(x, y, [[0, 2], [1, 0]]),
        [M, RNG.standard_normal((4, 2, 5))],
    ),
    "matvec": (lambda m, x, v: m.linalg.matvec(x, v), [M, RNG.standard_normal((2, 4))]),
    "cross": (lambda m, x, y: m.linalg.cross(x, y), [V, RNG.standard_normal((2, 3))]),
    "norm": (lambda m, x: m.linalg.norm(x), [M]),
    "norm (1, axis)": (lambda m, x: m.linalg.norm(x, 1, axis=1), [M]),
    "norm (inf, axis)": (lambda m, x: m.linalg.norm(x, np.inf, axis=-1, keepdims=True), [M]),
    "norm (p=3)": (lambda m, x: m.linalg.norm(x, 3, axis=0), [M]),
    "norm (fro)": (lambda m, x: m.linalg.norm(x, "fro", axis=[1, 2]), [M]),
    "norm (matrix 1)": (lambda m, x: m.linalg.norm(x, 1, axis=[-2, -1]), [M]),
    "norm (matrix inf)": (lambda m, x: m.linalg.norm(x, np.inf, axis=[1, 2], keepdims=True), [M]),
    "global_norm": (lambda m, x, v: m.linalg.global_norm([x, v]), [M, V]),
}


@pytest.mark.parametrize("case", list(LINALG), ids=list(LINALG))
def test_linalg_values_and_gradients_match_tensorflow(case):
    fn, feeds = LINALG[case]

    def build(m, *ps):
        y = fn(m, *ps)
        loss = m.reduce_sum(y * y * y)
        grads = [g for g in m.gradients(loss, list(ps)) if g is not None]
        return [y, *grads]

    ours, theirs = _both(build, feeds)
    _close(ours, theirs)


def test_eye_matches_tensorflow():
    def build(m, n):
        return [
            m.linalg.eye(3),
            m.linalg.eye(2, 4, batch_shape=[2], dtype=m.int32),
            m.linalg.eye(n, 2),
        ]

    _close(*_both(build, [np.int32(3)]))


def test_nan_off_the_diagonal_stays_as_tensorflows():
    x = np.array([[1.0, np.nan], [np.inf, 4.0]])
    ours, theirs = _both(lambda m, a: [m.linalg.diag_part(a), m.linalg.band_part(a, 0, 0)], [x])
    for got, want in zip(ours, theirs):
        np.testing.assert_array_equal(got, want)


# ---- decompositions, solves and their composites -------------------------------------------------
A = RNG.standard_normal((2, 4, 4))  # general (invertible almost surely)
SPD = A @ np.swapaxes(A, -1, -2) + 4 * np.eye(4)
B = RNG.standard_normal((2, 4, 3))
TALL = RNG.standard_normal((2, 5, 3))
NONSYM = SPD + 0.3 * np.triu(A, 1)  # eigenvalues near SPD's: a real principal square root


def _lower(m, x):
    return m.linalg.band_part(x, -1, 0) + 4 * m.eye(4, dtype=m.float64)


def _upper(m, x):
    return m.linalg.band_part(x, 0, -1) + 4 * m.eye(4, dtype=m.float64)


def _sym(m, x):
    return (x + m.linalg.matrix_transpose(x)) / 2


DECOMPOSITIONS = {
    "cholesky": (lambda m, x: m.linalg.cholesky(_sym(m, x)), [SPD]),
    "cholesky (tf.cholesky)": (lambda m, x: m.cholesky(_sym(m, x)), [SPD]),
    "det": (lambda m, x: m.linalg.det(x), [A]),
    "matrix_determinant": (lambda m, x: m.matrix_determinant(x), [A]),
    "slogdet": (lambda m, x: list(m.linalg.slogdet(x)), [A]),
    "logdet": (lambda m, x: m.linalg.logdet(_sym(m, x)), [SPD]),
    "inv": (lambda m, x: m.linalg.inv(x), [A]),
    "matrix_inverse (adjoint)": (lambda m, x: m.matrix_inverse(x, adjoint=True), [A]),
    "solve": (lambda m, x, y: m.linalg.solve(x, y), [A, B]),
    "matrix_solve (adjoint)": (lambda m, x, y: m.matrix_solve(x, y, adjoint=True), [A, B]),
    "triangular_solve": (lambda m, x, y: m.linalg.triangular_solve(_lower(m, x), y), [A, B]),
    "matrix_triangular_solve (upper, adjoint)": (
        lambda m, x, y: m.matrix_triangular_solve(_upper(m, x), y, lower=False, adjoint=True),
        [A, B],
    ),
    "triangular_solve (broadcast)": (
        lambda m, x, y: m.linalg.triangular_solve(_lower(m, x), y),
        [A[:1], RNG.standard_normal((3, 1, 4, 2))],
    ),
    "cholesky_solve": (
        lambda m, x, y: m.linalg.cholesky_solve(m.linalg.cholesky(_sym(m, x)), y),
        [SPD, B],
    ),
    "tf.cholesky_solve": (
        lambda m, x, y: m.cholesky_solve(m.cholesky(_sym(m, x)), y),
        [SPD, B],
    ),
    "lstsq (overdetermined)": (lambda m, x, y: m.linalg.lstsq(x, y), [TALL, TALL[..., :2]]),
    "lstsq (l2)": (
        lambda m, x, y: m.linalg.lstsq(x, y, l2_regularizer=0.25),
        [TALL, TALL[..., :2]],
    ),
    "matrix_solve_ls (underdetermined)": (
        lambda m, x, y: m.matrix_solve_ls(m.linalg.matrix_transpose(x), y),
        [TALL, B[..., :3, :]],
    ),
    "qr": (lambda m, x: list(m.linalg.qr(x)), [TALL]),
    "qr (wide)": (lambda m, x: list(m.qr(m.linalg.matrix_transpose(x))), [TALL]),
    "svd (values)": (lambda m, x: m.linalg.svd(x, compute_uv=False), [TALL]),
    "tf.svd (values)": (lambda m, x: m.svd(m.linalg.matrix_transpose(x), compute_uv=False), [TALL]),
    "eigvalsh": (lambda m, x: m.linalg.eigvalsh(x), [NONSYM]),
    "self_adjoint_eigvals": (lambda m, x: m.self_adjoint_eigvals(x), [NONSYM]),
    "sqrtm (symmetric)": (lambda m, x: m.linalg.sqrtm(_sym(m, x)), [SPD]),
    "matrix_square_root": (lambda m, x: m.matrix_square_root(x), [NONSYM]),
    "expm": (lambda m, x: m.linalg.expm(x), [A]),
    "expm (squarings)": (lambda m, x: m.linalg.expm(3.0 * x), [A]),
    "pinv": (lambda m, x: m.linalg.pinv(x), [TALL]),
    "lu_reconstruct": (lambda m, x: m.linalg.lu_reconstruct(*m.linalg.lu(x)), [A]),
    "lu_matrix_inverse": (lambda m, x: m.linalg.lu_matrix_inverse(*m.linalg.lu(x)), [A]),
    "lu_solve": (lambda m, x, y: m.linalg.lu_solve(*m.linalg.lu(x), y), [A, B]),
    "einsum (matmul)": (lambda m, x, y: m.einsum("bij,bjk->bik", x, y), [A, B]),
    "linalg.einsum (ellipsis)": (
        lambda m, x, y: m.linalg.einsum("...ij,...ik->...jk", x, y),
        [A, B],
    ),
    "einsum (trace)": (lambda m, x: m.einsum("bii->b", x), [A]),
    "einsum (outer)": (lambda m, x, y: m.einsum("bij,bkl->bijkl", x, y), [A, B]),
    "einsum (implicit)": (lambda m, x, y: m.einsum("ij,jk", x, y), [A[0], B[0]]),
    "einsum (sum)": (lambda m, x: m.einsum("ij->", x), [A[0]]),
    "einsum (transpose)": (lambda m, x: m.einsum("bij->jbi", x), [B]),
    "einsum (three)": (lambda m, x, y, z: m.einsum("ij,jk,kl->il", x, y, z), [A[0], A[1], B[0]]),
    "einsum (broadcast)": (lambda m, x, y: m.einsum("...ij,...jk->...ik", x, y), [A, B[0]]),
    "tridiagonal_matmul": (
        lambda m, d, y: m.linalg.tridiagonal_matmul(d, y),
        [RNG.standard_normal((2, 3, 4)), B],
    ),
    "tridiagonal_matmul (sequence)": (
        lambda m, a, b, c, y: m.linalg.tridiagonal_matmul(
            [a, b, c], y, diagonals_format="sequence"
        ),
        [*RNG.standard_normal((3, 4)), B[0]],
    ),
    "tridiagonal_solve": (
        lambda m, d, y: m.linalg.tridiagonal_solve(d, y),
        [RNG.standard_normal((2, 3, 4)) + np.array([0.0, 5.0, 0.0])[:, None], B],
    ),
    "tridiagonal_solve (vector rhs)": (
        lambda m, d, y: m.linalg.tridiagonal_solve(d, y),
        [RNG.standard_normal((3, 4)) + np.array([0.0, 5.0, 0.0])[:, None], B[0, :, 0]],
    ),
    "tridiagonal_solve (matrix)": (
        lambda m, x, y: m.linalg.tridiagonal_solve(x, y, diagonals_format="matrix"),
        [SPD, B],
    ),
    "normalize": (lambda m, x: list(m.linalg.normalize(x, axis=-1)), [B]),
    "normalize (ord 1)": (lambda m, x: list(m.linalg.normalize(x, ord=1, axis=[-2, -1])), [B]),
    "l2_normalize": (lambda m, x: m.linalg.l2_normalize(x, axis=1), [B]),
    "tensor_diag": (lambda m, x: m.linalg.tensor_diag(x), [B[0]]),
    "diag": (lambda m, x: m.diag(x), [V[0]]),
    "tensor_diag_part": (
        lambda m, x: m.linalg.tensor_diag_part(x),
        [RNG.standard_normal((2, 3, 2, 3))],
    ),
    "diag_part": (lambda m, x: m.diag_part(x), [SQ[0]]),
}


@pytest.mark.parametrize("case", list(DECOMPOSITIONS), ids=list(DECOMPOSITIONS))
def test_decompositions_values_and_gradients_match_tensorflow(case):
    fn, feeds = DECOMPOSITIONS[case]

    def build(m, *ps):
        ys = fn(m, *ps)
        ys = ys if isinstance(ys, list) else [ys]
        loss = m.add_n([m.reduce_sum(y * y * y) for y in ys])
        wrt = list(ps) if "lu" not in case else list(ps[1:])  # as TF: Lu has no gradient
        grads = [g for g in m.gradients(loss, wrt) if g is not None] if wrt else []
        return [*ys, *grads]

    ours, theirs = _both(build, feeds)
    assert len(ours) == len(theirs)
    for got, want in zip(ours, theirs):
        got, want = np.asarray(got), np.asarray(want)
        assert got.shape == want.shape and got.dtype == want.dtype, (case, got, want)
        np.testing.assert_allclose(got, want, rtol=1e-7, atol=1e-8, err_msg=case)


def test_lu_matches_tensorflow():
    ours, theirs = _both(lambda m, x: list(m.linalg.lu(x, output_idx_type=m.int64)), [A])
    for got, want in zip(ours, theirs):
        assert got.dtype == want.dtype
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("full_matrices", [False, True])
@pytest.mark.parametrize("shape", [(2, 4, 3), (3, 4), (2, 4, 4)])
def test_svd_invariants_and_gradients_match_tensorflow(dtype, full_matrices, shape):
    """Singular vectors are defined up to signs: compare s, |u|, |v| and the gradients of
    sign-invariant losses (s and the squares of u's and v's entries)."""
    x = RNG.standard_normal(shape).astype(dtype)

    def build(m, a):
        s, u, v = m.linalg.svd(a, full_matrices=full_matrices)
        p = min(shape[-2:])
        uk, vk = u[..., :p], v[..., :p]
        w = np.arange(1, p + 1, dtype=dtype)
        loss = m.reduce_sum(s * w) + m.reduce_sum(uk * uk * w) + m.reduce_sum(vk * vk * w[::-1])
        recon = m.matmul(uk * m.expand_dims(s, -2), vk, adjoint_b=True)
        return [s, m.abs(uk), m.abs(vk), recon, *m.gradients(loss, [a])]

    ours, theirs = _both(build, [x])
    tol = {"rtol": 1e-4, "atol": 1e-4} if dtype == np.float32 else {"rtol": 1e-8, "atol": 1e-9}
    for got, want in zip(ours, theirs):
        np.testing.assert_allclose(got, want, **tol)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_eigh_invariants_and_gradients_match_tensorflow(dtype):
    x = NONSYM.astype(dtype)  # only the lower triangle is read

    def build(m, a):
        e, v = m.linalg.eigh(a)
        w = np.arange(1, 5, dtype=dtype)
        loss = m.reduce_sum(e * e) + m.reduce_sum(v * v * w)
        return [e, m.abs(v), *m.gradients(loss, [a]), m.self_adjoint_eig(a)[0]]

    ours, theirs = _both(build, [x])
    tol = {"rtol": 1e-4, "atol": 1e-4} if dtype == np.float32 else {"rtol": 1e-8, "atol": 1e-9}
    for got, want in zip(ours, theirs):
        np.testing.assert_allclose(got, want, **tol)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_float32_and_float64_results_match_tensorflow(dtype):
    """Each kernel in both dtypes against TF (float32 to 1e-4)."""
    a, b, spd = A.astype(dtype), B.astype(dtype), SPD.astype(dtype)

    def build(m, x, y, p):
        return [
            m.linalg.cholesky(p),
            m.linalg.det(x),
            *m.linalg.slogdet(x),
            m.linalg.inv(x),
            m.linalg.solve(x, y),
            m.linalg.triangular_solve(x, y),
            *m.linalg.qr(x),
            m.linalg.svd(x, compute_uv=False),
            m.linalg.eigvalsh(p),
            m.linalg.sqrtm(p),
            m.linalg.expm(x),
            m.linalg.lstsq(y, x[..., :3]),
        ]

    ours, theirs = _both(build, [a, b, spd])
    tol = {"rtol": 1e-4, "atol": 1e-4} if dtype == np.float32 else {"rtol": 1e-9, "atol": 1e-10}
    for got, want in zip(ours, theirs):
        assert got.dtype == want.dtype
        np.testing.assert_allclose(got, want, **tol)


def test_eigh_tridiagonal_matches_tensorflow():
    alpha, beta = RNG.standard_normal(5), RNG.standard_normal(4)

    def build(m, a, b):
        e = m.linalg.eigh_tridiagonal(a, b)
        ei = m.linalg.eigh_tridiagonal(a, b, select="i", select_range=[1, 3])
        e2, v = m.linalg.eigh_tridiagonal(a, b, eigvals_only=False)
        return [e, ei, e2, m.abs(v)]

    ours, theirs = _both(build, [alpha, beta])
    for got, want in zip(ours, theirs):
        np.testing.assert_allclose(got, want, rtol=1e-8, atol=1e-8)


def test_matrix_rank_and_pinv_of_rank_deficient_matrices_match_tensorflow():
    low_rank = RNG.standard_normal((2, 5, 2)) @ RNG.standard_normal((2, 2, 4))

    def build(m, x):
        return [m.linalg.matrix_rank(x), m.linalg.matrix_rank(x, tol=1e-3), m.linalg.pinv(x)]

    ours, theirs = _both(build, [low_rank])
    for got, want in zip(ours, theirs):
        assert got.dtype == want.dtype
        np.testing.assert_allclose(got, want, rtol=1e-8, atol=1e-10)


@pytest.mark.bad_input
@pytest.mark.parametrize(
    ("build", "feed"),
    [
        (lambda m, x: m.linalg.inv(x), np.ones((3, 3))),
        (lambda m, x: m.linalg.solve(x, m.ones([3, 1], m.float64)), np.ones((3, 3))),
    ],
)
def test_bad_matrices_give_tensorflows_invalid_argument_messages(build, feed):
    messages = []
    for mod, graph in ((tf, tf.Graph()), (T, real_tf.Graph())):
        with graph.as_default():
            x = mod.placeholder(mod.float64, [3, 3])
            y = build(mod, x)
            with (
                mod.Session(graph=graph) as sess,
                pytest.raises(mod.errors.InvalidArgumentError) as e,
            ):
                sess.run(y, {x: feed})
            messages.append(e.value.message)
    ours, theirs = messages
    lines = theirs.split("\n")
    core = next(lines[i - 1] for i, line in enumerate(lines) if line.strip().startswith("[[{{node"))
    assert core.strip() in ours, (ours, theirs)


def test_cholesky_of_an_indefinite_matrix_is_nan_as_tensorflows():
    """TF 2.21 no longer fails: the lower triangle of the output is NaN (TF leaves the upper
    one uninitialised; ours is zero), and the other matrices of the batch are factored."""
    feed = np.stack([-np.eye(3), 2 * np.eye(3)])
    ours, theirs = _both(lambda m, x: m.linalg.cholesky(x), [feed])
    low = np.tril_indices(3)
    np.testing.assert_array_equal(ours[0][low], theirs[0][low])
    assert np.isnan(ours[0][low]).all() and (ours[0][np.triu_indices(3, 1)] == 0).all()
    np.testing.assert_array_equal(ours[1], theirs[1])


@pytest.mark.bad_input
@pytest.mark.parametrize(
    "build",
    [
        lambda m, x: m.linalg.cholesky(x),
        lambda m, x: m.linalg.det(x),
        lambda m, x: m.linalg.inv(x),
        lambda m, x: m.linalg.eigh(x),
        lambda m, x: m.linalg.solve(x, x),
        lambda m, x: m.linalg.sqrtm(x),
    ],
)
def test_non_square_matrices_are_value_errors_at_graph_build_as_tensorflows(build):
    for mod, graph in ((tf, tf.Graph()), (T, real_tf.Graph())):
        with graph.as_default(), pytest.raises(ValueError, match="Dimensions must be equal"):
            build(mod, mod.zeros([2, 3, 4], mod.float64))


def test_einsum_errors_as_tensorflows():
    for mod, graph in ((tf, tf.Graph()), (T, real_tf.Graph())):
        with graph.as_default():
            with pytest.raises(ValueError):
                mod.einsum("ij,jk->ik", mod.zeros([2, 3]))  # one operand for two terms
            with pytest.raises(ValueError):
                mod.einsum("ij->ik", mod.zeros([2, 3]))  # k is in no input
