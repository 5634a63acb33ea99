"""``tf.linalg.LinearOperator*`` side by side with TF 2.21 ``compat.v1``: each operator's dense
matrix, products, solves, determinants, diagonal, trace and static shape, and the gradients of
a product with respect to the operator's parameters, on the same inputs."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as real_tf

import tflite_core as tf

T = real_tf.compat.v1
RNG = np.random.default_rng(5)
N = 3
SQ = RNG.standard_normal((2, N, N)) + 3 * np.eye(N)
VEC = RNG.standard_normal((2, N)) + 2.0


def _full(m, a):
    return m.linalg.LinearOperatorFullMatrix(a, is_non_singular=True)


def _hermitian(shape, depth):
    """A real spectrum with spectrum[k] = spectrum[-k] over the last ``depth`` axes (a real
    circulant operator), away from 0."""
    r = RNG.standard_normal(shape)
    axes = tuple(range(len(shape) - depth, len(shape)))
    flipped = np.roll(np.flip(r, axes), 1, axes)  # r[-k mod N]
    return 3.0 + 0.5 * (r + flipped)


# name -> (builder(module, *params) -> operator, params, the operator is non-singular)
OPERATORS = {
    "FullMatrix": (lambda m, a: m.linalg.LinearOperatorFullMatrix(a), [SQ], True),
    "Diag": (lambda m, d: m.linalg.LinearOperatorDiag(d), [VEC], True),
    "LowerTriangular": (lambda m, a: m.linalg.LinearOperatorLowerTriangular(a), [SQ], True),
    "Identity": (
        lambda m, a: m.linalg.LinearOperatorComposition(
            [_full(m, a), m.linalg.LinearOperatorIdentity(N, batch_shape=[2], dtype=m.float64)]
        ),
        [SQ],
        True,
    ),
    "ScaledIdentity": (
        lambda m, c: m.linalg.LinearOperatorScaledIdentity(N, c),
        [np.array([1.5, -2.0])],
        True,
    ),
    "Zeros": (
        lambda m, a: m.linalg.LinearOperatorLowRankUpdate(
            m.linalg.LinearOperatorZeros(N, batch_shape=[2], dtype=m.float64), a
        ),
        [SQ],
        False,  # as TF: an update of a singular base is not known to be invertible
    ),
    "Adjoint": (lambda m, a: m.linalg.LinearOperatorAdjoint(_full(m, a)), [SQ], True),
    "Inversion": (lambda m, a: m.linalg.LinearOperatorInversion(_full(m, a)), [SQ], True),
    "Composition": (
        lambda m, a, d: m.linalg.LinearOperatorComposition(
            [_full(m, a), m.linalg.LinearOperatorDiag(d)]
        ),
        [SQ, VEC],
        True,
    ),
    "BlockDiag": (
        lambda m, a, d: m.linalg.LinearOperatorBlockDiag(
            [_full(m, a), m.linalg.LinearOperatorDiag(d[..., :2])]
        ),
        [SQ, VEC],
        True,
    ),
    "BlockLowerTriangular": (
        lambda m, a, b, d: m.linalg.LinearOperatorBlockLowerTriangular(
            [[_full(m, a)], [m.linalg.LinearOperatorFullMatrix(b), m.linalg.LinearOperatorDiag(d)]]
        ),
        [SQ, RNG.standard_normal((2, N, N)), VEC],
        True,
    ),
    "Kronecker": (
        lambda m, a, d: m.linalg.LinearOperatorKronecker(
            [_full(m, a), m.linalg.LinearOperatorDiag(d[..., :2])]
        ),
        [SQ, VEC],
        True,
    ),
    "LowRankUpdate": (
        lambda m, d, u, s: m.linalg.LinearOperatorLowRankUpdate(
            m.linalg.LinearOperatorDiag(d), u, diag_update=s
        ),
        [VEC, RNG.standard_normal((2, N, 2)), np.array([[0.5, 2.0], [1.0, 0.25]])],
        True,
    ),
    "LowRankUpdate (v)": (
        lambda m, a, u, v: m.linalg.LinearOperatorLowRankUpdate(_full(m, a), u, v=v),
        [SQ, 0.3 * RNG.standard_normal((2, N, 1)), 0.3 * RNG.standard_normal((2, N, 1))],
        True,
    ),
    "Permutation": (
        lambda m, a: m.linalg.LinearOperatorComposition(
            [
                m.linalg.LinearOperatorPermutation(
                    m.constant([[2, 0, 1], [1, 2, 0]]), dtype=m.float64
                ),
                _full(m, a),
            ]
        ),
        [SQ],
        True,
    ),
    "Householder": (lambda m, v: m.linalg.LinearOperatorHouseholder(v), [VEC], True),
    "Toeplitz": (
        lambda m, c, r: m.linalg.LinearOperatorToeplitz(c, r),
        [VEC + 3.0, RNG.standard_normal((2, N))],
        True,
    ),
    "Tridiag": (
        lambda m, d: m.linalg.LinearOperatorTridiag(d),
        [RNG.standard_normal((2, 3, N)) + np.array([0.0, 4.0, 0.0])[:, None]],
        True,
    ),
    "Tridiag (sequence)": (
        lambda m, a, b, c: m.linalg.LinearOperatorTridiag([a, b, c], diagonals_format="sequence"),
        [
            RNG.standard_normal((2, N)),
            RNG.standard_normal((2, N)) + 4.0,
            RNG.standard_normal((2, N)),
        ],
        True,
    ),
    "Circulant": (
        lambda m, s: m.linalg.LinearOperatorCirculant(s, input_output_dtype=m.float64),
        [_hermitian((2, 4), 1)],
        True,
    ),
    "Circulant2D": (
        lambda m, s: m.linalg.LinearOperatorCirculant2D(s, input_output_dtype=m.float64),
        [_hermitian((2, 2, 3), 2)],
        True,
    ),
    "Circulant3D": (
        lambda m, s: m.linalg.LinearOperatorCirculant3D(s, input_output_dtype=m.float64),
        [_hermitian((2, 2, 3), 3)],
        True,
    ),
}


def _both(build, feeds):
    out = []
    for mod, graph in ((tf, tf.Graph()), (T, real_tf.Graph())):
        with graph.as_default():
            ps = [mod.placeholder(mod.as_dtype(v.dtype), v.shape) for v in feeds]
            fetch = build(mod, *ps)
            with mod.Session(graph=graph) as sess:
                out.append(sess.run(fetch, dict(zip(ps, feeds))))
    return out


@pytest.mark.parametrize("case", list(OPERATORS), ids=list(OPERATORS))
def test_operator_matches_tensorflow(case):
    make, params, invertible = OPERATORS[case]
    statics = []

    def build(m, *ps):
        op = make(m, *ps)
        n = op.shape.as_list()[-1]
        x = m.constant(np.linspace(-1.0, 1.0, 2 * n * 2).reshape(2, n, 2))
        v = m.constant(np.linspace(0.5, 1.5, 2 * n).reshape(2, n))
        ys = [
            op.to_dense(),
            op.matmul(x),
            op.matmul(x, adjoint=True),
            op.matmul(m.linalg.matrix_transpose(x), adjoint_arg=True),
            op.matvec(v),
            op.diag_part(),
            op.trace(),
            op.add_to_tensor(m.ones([2, n, n], m.float64)),
        ]
        if invertible:
            ys += [
                op.determinant(),
                op.log_abs_determinant(),
                op.solve(x),
                op.solve(x, adjoint=True),
                op.solvevec(v),
                op.inverse().to_dense(),
            ]
        ys.append(op.adjoint().to_dense())
        loss = m.add_n([m.reduce_sum(y * y) for y in ys[:5]])
        statics.append(
            (
                op.shape.as_list(),
                op.batch_shape.as_list(),
                op.domain_dimension,
                op.range_dimension,
                op.tensor_rank,
                op.is_square,
                op.dtype.name,
            )
        )
        return ys + [g for g in m.gradients(loss, list(ps)) if g is not None]

    ours, theirs = _both(build, params)
    assert len(ours) == len(theirs)
    for i, (got, want) in enumerate(zip(ours, theirs)):
        got, want = np.asarray(got), np.asarray(want)
        assert got.shape == want.shape and got.dtype == want.dtype, (case, i)
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-10, err_msg=f"{case} [{i}]")
    assert statics[0] == statics[1]


def test_operator_flags_and_errors_as_tensorflows():
    for mod, graph in ((tf, tf.Graph()), (T, real_tf.Graph())):
        with graph.as_default():
            la = mod.linalg
            d = la.LinearOperatorDiag([1.0, 2.0], is_positive_definite=True)
            assert d.is_non_singular and d.is_square and d.is_self_adjoint
            z = la.LinearOperatorZeros(2)
            assert z.is_non_singular is False
            with pytest.raises(NotImplementedError):
                z.solve(mod.ones([2, 1]))
            with pytest.raises(ValueError):
                la.LinearOperatorDiag([1.0, 2.0], is_positive_definite=True, is_non_singular=False)
            with pytest.raises(ValueError):
                la.LinearOperatorInversion(z)
            full = la.LinearOperatorFullMatrix(mod.ones([2, 2]))
            assert isinstance(full.matmul(full), la.LinearOperator)
            rect = la.LinearOperatorFullMatrix(mod.ones([2, 3]))
            assert rect.is_square is False
            with pytest.raises(NotImplementedError):
                rect.determinant()


def test_circulant_operators_need_a_real_dtype():
    with tf.Graph().as_default(), pytest.raises(TypeError, match="real input_output_dtype"):
        tf.linalg.LinearOperatorCirculant([1.0, 2.0])  # TF's default: complex64


def test_cholesky_and_eigvals_of_a_positive_definite_operator():
    a = SQ @ np.swapaxes(SQ, -1, -2)

    def build(m, x):
        op = m.linalg.LinearOperatorFullMatrix(x, is_self_adjoint=True, is_positive_definite=True)
        return [op.cholesky().to_dense(), op.eigvals(), op.cond()]

    ours, theirs = _both(build, [a])
    for got, want in zip(ours, theirs):
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-10)
