"""``tf.linalg.LinearOperator`` and its structured subclasses, as TF's names, signatures and
results. Each operator defines its dense matrix (``_to_dense``, built from our ops as TF's
``_to_dense`` is); the base class answers every query from it: ``matmul``/``matvec`` by batched
matmul, ``solve``/``solvevec`` by LU solves, ``determinant`` and ``log_abs_determinant`` by LU,
``diag_part``, ``trace``, ``cholesky``, ``eigvals``, ``cond``. The values are TF's (up to rounding);
the structure-exploiting shortcuts of TF's subclasses (a diagonal solve by division, a
Kronecker solve factor by factor, ...) are not reproduced, so large structured operators cost
what their dense matrices cost. Gradients come from the ops the results are made of.

>>> with tf.Session() as sess:
...     op = tf.linalg.LinearOperatorDiag([1.0, 2.0])
...     print(sess.run(op.matvec([3.0, 4.0])))
[3. 8.]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..framework import dtypes as _dt
from ..framework.constant_op import constant, convert_to_tensor
from ..framework.graph import Tensor, name_scope
from ..framework.tensor_shape import TensorShape
from .array_ops import broadcast_to, cast, concat, expand_dims, reshape, shape, squeeze, zeros
from .indexing_ops import gather, one_hot
from .linalg_factor_ops import (
    cholesky,
    log_matrix_determinant,
    matrix_determinant,
    matrix_inverse,
    matrix_solve,
    self_adjoint_eigvals,
    svd,
)
from .linalg_impl_ops import _dense_tridiagonal
from .linalg_ops import band_part, eye, matrix_diag, matrix_diag_part, matrix_transpose, trace
from .math_ops import abs as abs_
from .math_ops import log, matmul, reduce_max, reduce_min, reduce_prod, reduce_sum, sqrt


def _dim_value(d: Any) -> Any:
    return None if d is None else int(d)


class LinearOperator:
    """Base class of TF's linear operators: a (batch of) ``[M, N]`` matrices ``A`` known
    through ``to_dense()`` and the queries below. Subclasses define ``_to_dense``."""

    def __init__(
        self,
        dtype: Any,
        graph_parents: Any = None,
        is_non_singular: bool | None = None,
        is_self_adjoint: bool | None = None,
        is_positive_definite: bool | None = None,
        is_square: bool | None = None,
        name: str | None = None,
        parameters: dict | None = None,
    ):
        if is_positive_definite:
            if is_non_singular is False:
                raise ValueError("A positive definite matrix is always non-singular.")
            is_non_singular = True
        if is_non_singular and is_square is False:
            raise ValueError("A non-singular matrix is always square.")
        if is_non_singular:
            is_square = True
        if is_self_adjoint:
            if is_square is False:
                raise ValueError("A self-adjoint matrix is always square.")
            is_square = True
        self._dtype = _dt.as_dtype(dtype) if dtype is not None else None
        self._graph_parents = list(graph_parents or [])
        self._is_non_singular = is_non_singular
        self._is_self_adjoint = is_self_adjoint
        self._is_positive_definite = is_positive_definite
        self._is_square_set = is_square
        self._name = name or type(self).__name__
        self._parameters = dict(parameters or {})
        self._dense: Tensor | None = None

    # ---- what subclasses define ------------------------------------------------------------
    def _to_dense(self) -> Tensor:
        raise NotImplementedError(f"{type(self).__name__} does not define _to_dense")

    # ---- properties --------------------------------------------------------------------------
    @property
    def dtype(self) -> Any:
        return self._dtype

    @property
    def name(self) -> str:
        return self._name

    @property
    def parameters(self) -> dict:
        return dict(self._parameters)

    @property
    def graph_parents(self) -> list:
        return list(self._graph_parents)

    @property
    def is_non_singular(self) -> bool | None:
        return self._is_non_singular

    @property
    def is_self_adjoint(self) -> bool | None:
        return self._is_self_adjoint

    @property
    def is_positive_definite(self) -> bool | None:
        return self._is_positive_definite

    @property
    def is_square(self) -> bool | None:
        rows, cols = self.shape.as_list()[-2:] if self.shape.ndims else (None, None)
        if rows is not None and cols is not None:
            return rows == cols
        return self._is_square_set

    @property
    def shape(self) -> TensorShape:
        return self.to_dense().shape

    def shape_tensor(self, name: str = "shape_tensor") -> Tensor:
        return shape(self.to_dense(), name=name)

    @property
    def batch_shape(self) -> TensorShape:
        s = self.shape
        return TensorShape(None) if s.ndims is None else TensorShape(s.as_list()[:-2])

    def batch_shape_tensor(self, name: str = "batch_shape_tensor") -> Tensor:
        return self.shape_tensor()[:-2]

    @property
    def tensor_rank(self) -> int | None:
        return self.shape.ndims

    def tensor_rank_tensor(self, name: str = "tensor_rank_tensor") -> Tensor:
        return shape(self.shape_tensor())[0]

    @property
    def domain_dimension(self) -> Any:
        return _dim_value(self.shape.as_list()[-1]) if self.shape.ndims else None

    def domain_dimension_tensor(self, name: str = "domain_dimension_tensor") -> Tensor:
        return self.shape_tensor()[-1]

    @property
    def range_dimension(self) -> Any:
        return _dim_value(self.shape.as_list()[-2]) if self.shape.ndims else None

    def range_dimension_tensor(self, name: str = "range_dimension_tensor") -> Tensor:
        return self.shape_tensor()[-2]

    # ---- queries -----------------------------------------------------------------------------
    def to_dense(self, name: str = "to_dense") -> Tensor:
        """The dense ``[..., M, N]`` matrices."""
        if self._dense is None:
            with name_scope(self._name):
                self._dense = convert_to_tensor(self._to_dense())
        return self._dense

    def matmul(
        self, x: Any, adjoint: bool = False, adjoint_arg: bool = False, name: str = "matmul"
    ) -> Any:
        """``A @ x`` (``A^H`` with ``adjoint``, ``x^H`` with ``adjoint_arg``); an operator ``x``
        gives a ``LinearOperatorComposition``."""
        if isinstance(x, LinearOperator):
            left = self.adjoint() if adjoint else self
            right = x.adjoint() if adjoint_arg else x
            return LinearOperatorComposition([left, right])
        with name_scope(self._name), name_scope(name):
            x = convert_to_tensor(x, dtype=self.dtype)
            return matmul(self.to_dense(), x, adjoint_a=adjoint, adjoint_b=adjoint_arg)

    def __matmul__(self, other: Any) -> Any:
        return self.matmul(other)

    def matvec(self, x: Any, adjoint: bool = False, name: str = "matvec") -> Tensor:
        """``A @ x`` for vectors ``[..., N]``."""
        with name_scope(self._name), name_scope(name):
            x = convert_to_tensor(x, dtype=self.dtype)
            y = matmul(self.to_dense(), expand_dims(x, -1), adjoint_a=adjoint)
            return squeeze(y, [-1])

    def _check_square(self, what: str) -> None:
        if self.is_square is False:
            raise NotImplementedError(f"{what} not implemented for a non-square operator.")

    def determinant(self, name: str = "det") -> Tensor:
        self._check_square("Determinant")
        with name_scope(self._name):
            return matrix_determinant(self.to_dense(), name=name)

    def log_abs_determinant(self, name: str = "log_abs_det") -> Tensor:
        self._check_square("Determinant")
        with name_scope(self._name):
            return log_matrix_determinant(self.to_dense(), name=name)[1]

    def solve(
        self, rhs: Any, adjoint: bool = False, adjoint_arg: bool = False, name: str = "solve"
    ) -> Any:
        """``x`` with ``A @ x = rhs`` (``A^H`` with ``adjoint``, ``rhs^H`` with
        ``adjoint_arg``); an operator ``rhs`` gives ``A^{-1} @ rhs`` as a composition."""
        if self.is_non_singular is False:
            raise NotImplementedError(
                "Exact solve not implemented for an operator that is expected to be singular."
            )
        self._check_square("Exact solve")
        if isinstance(rhs, LinearOperator):
            left = self.adjoint() if adjoint else self
            right = rhs.adjoint() if adjoint_arg else rhs
            return LinearOperatorComposition([left.inverse(), right])
        with name_scope(self._name), name_scope(name):
            b = convert_to_tensor(rhs, dtype=self.dtype)
            if adjoint_arg:
                b = matrix_transpose(b)
            a, b = _broadcast_batches(self.to_dense(), b)
            return matrix_solve(a, b, adjoint=adjoint)

    def solvevec(self, rhs: Any, adjoint: bool = False, name: str = "solve") -> Tensor:
        with name_scope(self._name):
            b = convert_to_tensor(rhs, dtype=self.dtype)
            return squeeze(self.solve(expand_dims(b, -1), adjoint=adjoint, name=name), [-1])

    def diag_part(self, name: str = "diag_part") -> Tensor:
        with name_scope(self._name):
            return matrix_diag_part(self.to_dense(), name=name)

    def trace(self, name: str = "trace") -> Tensor:
        with name_scope(self._name):
            return trace(self.to_dense(), name=name)

    def add_to_tensor(self, x: Any, name: str = "add_to_tensor") -> Tensor:
        with name_scope(self._name):
            return self.to_dense() + convert_to_tensor(x, dtype=self.dtype)

    def adjoint(self, name: str = "adjoint") -> LinearOperator:
        if self.is_self_adjoint is True:
            return self
        return LinearOperatorAdjoint(self)

    @property
    def H(self) -> LinearOperator:
        return self.adjoint()

    def inverse(self, name: str = "inverse") -> LinearOperator:
        if self.is_square is False:
            raise ValueError(
                "Cannot take the Inverse: This operator represents a non square matrix."
            )
        if self.is_non_singular is False:
            raise ValueError("Cannot take the Inverse: This operator represents a singular matrix.")
        return LinearOperatorInversion(self)

    def cholesky(self, name: str = "cholesky") -> LinearOperator:
        if not self._is_positive_definite or not self._is_self_adjoint:
            raise ValueError(
                "Cholesky decomposition only exists for self-adjoint positive definite matrices."
            )
        return LinearOperatorLowerTriangular(
            cholesky(self.to_dense()), is_non_singular=True, is_square=True
        )

    def eigvals(self, name: str = "eigvals") -> Tensor:
        if not self.is_self_adjoint:
            raise NotImplementedError("Only self-adjoint matrices are supported.")
        with name_scope(self._name):
            return self_adjoint_eigvals(self.to_dense(), name=name)

    def cond(self, name: str = "cond") -> Tensor:
        with name_scope(self._name):
            s = svd(self.to_dense(), compute_uv=False)
            return reduce_max(s, axis=-1) / reduce_min(s, axis=-1)


def _broadcast_batches(a: Tensor, b: Tensor) -> tuple[Tensor, Tensor]:
    """``a`` ``[..., M, M]`` and ``b`` ``[..., M, K]`` with one batch shape (static shapes)."""
    sa, sb = a.shape, b.shape
    if sa.ndims is None or sb.ndims is None:
        return a, b
    ba: list[Any] = sa.as_list()[:-2]
    bb: list[Any] = sb.as_list()[:-2]
    if ba == bb or None in ba or None in bb:
        return a, b
    batch = list(np.broadcast_shapes(tuple(int(d) for d in ba), tuple(int(d) for d in bb)))
    return (
        broadcast_to(a, [*batch, *sa.as_list()[-2:]]) if ba != batch else a,
        broadcast_to(b, [*batch, *sb.as_list()[-2:]]) if bb != batch else b,
    )


def _flags(kw: dict) -> dict:
    return {
        k: kw[k]
        for k in ("is_non_singular", "is_self_adjoint", "is_positive_definite", "is_square")
        if k in kw
    }


# ---- operators defined by a tensor ---------------------------------------------------------------
class LinearOperatorFullMatrix(LinearOperator):
    """The operator of a dense ``[..., M, N]`` matrix."""

    def __init__(
        self,
        matrix: Any,
        is_non_singular: bool | None = None,
        is_self_adjoint: bool | None = None,
        is_positive_definite: bool | None = None,
        is_square: bool | None = None,
        name: str = "LinearOperatorFullMatrix",
    ):
        self._matrix = convert_to_tensor(matrix)
        super().__init__(
            self._matrix.dtype,
            [self._matrix],
            is_non_singular,
            is_self_adjoint,
            is_positive_definite,
            is_square,
            name,
            {"matrix": matrix},
        )

    def _to_dense(self) -> Tensor:
        return self._matrix


class LinearOperatorDiag(LinearOperator):
    """``diag(d)`` for ``d`` ``[..., N]``."""

    def __init__(
        self,
        diag: Any,
        is_non_singular: bool | None = None,
        is_self_adjoint: bool | None = None,
        is_positive_definite: bool | None = None,
        is_square: bool | None = True,
        name: str = "LinearOperatorDiag",
    ):
        self._diag = convert_to_tensor(diag)
        if self._diag.shape.ndims is not None and self._diag.shape.ndims < 1:
            raise ValueError(f"Argument diag must have at least 1 dimension.  Found: {self._diag}")
        if is_square is False:
            raise ValueError("Only square diagonal operators currently supported.")
        super().__init__(
            self._diag.dtype,
            [self._diag],
            is_non_singular,
            is_self_adjoint if is_self_adjoint is not None else True,
            is_positive_definite,
            True,
            name,
            {"diag": diag},
        )

    @property
    def diag(self) -> Tensor:
        return self._diag

    def _to_dense(self) -> Tensor:
        return matrix_diag(self._diag)


class LinearOperatorLowerTriangular(LinearOperator):
    """The lower triangle of ``tril`` ``[..., N, N]`` (the rest is ignored)."""

    def __init__(
        self,
        tril: Any,
        is_non_singular: bool | None = None,
        is_self_adjoint: bool | None = None,
        is_positive_definite: bool | None = None,
        is_square: bool | None = None,
        name: str = "LinearOperatorLowerTriangular",
    ):
        self._tril = convert_to_tensor(tril)
        if is_square is False:
            raise ValueError("Only square lower triangular operators supported at this time.")
        super().__init__(
            self._tril.dtype,
            [self._tril],
            is_non_singular,
            is_self_adjoint,
            is_positive_definite,
            True,
            name,
            {"tril": tril},
        )

    def _to_dense(self) -> Tensor:
        return band_part(self._tril, -1, 0)


class LinearOperatorIdentity(LinearOperator):
    """The ``[N, N]`` identity (with ``batch_shape`` leading dimensions)."""

    def __init__(
        self,
        num_rows: Any,
        batch_shape: Any = None,
        dtype: Any = None,
        is_non_singular: bool | None = True,
        is_self_adjoint: bool | None = True,
        is_positive_definite: bool | None = True,
        is_square: bool | None = True,
        assert_proper_shapes: bool = False,
        name: str = "LinearOperatorIdentity",
    ):
        if not is_self_adjoint or not is_positive_definite or not is_non_singular:
            raise ValueError("An identity operator is always self-adjoint, positive definite.")
        self._num_rows, self._batch_shape_arg = num_rows, batch_shape
        super().__init__(
            dtype or _dt.float32,
            [],
            True,
            True,
            True,
            True,
            name,
            {"num_rows": num_rows, "batch_shape": batch_shape, "dtype": dtype},
        )

    def _to_dense(self) -> Tensor:
        return eye(self._num_rows, batch_shape=self._batch_shape_arg, dtype=self.dtype)


class LinearOperatorScaledIdentity(LinearOperator):
    """``multiplier * I`` (``multiplier`` ``[...]``: one scale a batch member)."""

    def __init__(
        self,
        num_rows: Any,
        multiplier: Any,
        is_non_singular: bool | None = None,
        is_self_adjoint: bool | None = None,
        is_positive_definite: bool | None = None,
        is_square: bool | None = True,
        assert_proper_shapes: bool = False,
        name: str = "LinearOperatorScaledIdentity",
    ):
        self._multiplier = convert_to_tensor(multiplier)
        self._num_rows = num_rows
        super().__init__(
            self._multiplier.dtype,
            [self._multiplier],
            is_non_singular,
            is_self_adjoint,
            is_positive_definite,
            True,
            name,
            {"num_rows": num_rows, "multiplier": multiplier},
        )

    @property
    def multiplier(self) -> Tensor:
        return self._multiplier

    def _to_dense(self) -> Tensor:
        ident = eye(self._num_rows, dtype=self.dtype)
        return expand_dims(expand_dims(self._multiplier, -1), -1) * ident


class LinearOperatorZeros(LinearOperator):
    """The ``[M, N]`` zero matrix (with ``batch_shape`` leading dimensions)."""

    def __init__(
        self,
        num_rows: Any,
        num_columns: Any = None,
        batch_shape: Any = None,
        dtype: Any = None,
        is_non_singular: bool | None = False,
        is_self_adjoint: bool | None = True,
        is_positive_definite: bool | None = False,
        is_square: bool | None = True,
        assert_proper_shapes: bool = False,
        name: str = "LinearOperatorZeros",
    ):
        if is_non_singular:
            raise ValueError("A Zeros operator is always singular.")
        if is_positive_definite:
            raise ValueError("A Zeros operator is never positive-definite.")
        self._rows = num_rows
        self._cols = num_rows if num_columns is None else num_columns
        self._batch = batch_shape
        super().__init__(
            dtype or _dt.float32,
            [],
            False,
            True if num_columns is None else is_self_adjoint,
            False,
            num_columns is None or is_square,
            name,
            {"num_rows": num_rows, "num_columns": num_columns, "batch_shape": batch_shape},
        )

    def _to_dense(self) -> Tensor:
        dims = [*(list(self._batch) if self._batch is not None else []), self._rows, self._cols]
        return zeros(dims, dtype=self.dtype)


class LinearOperatorPermutation(LinearOperator):
    """The permutation matrix ``P`` with ``P[..., i, perm[i]] = 1``."""

    def __init__(
        self,
        perm: Any,
        dtype: Any = _dt.float32,
        is_non_singular: bool | None = None,
        is_self_adjoint: bool | None = None,
        is_positive_definite: bool | None = None,
        is_square: bool | None = None,
        name: str = "LinearOperatorPermutation",
    ):
        self._perm = convert_to_tensor(perm)
        if self._perm.dtype not in (_dt.int32, _dt.int64):
            raise TypeError(f"perm must be integer dtype. Found {self._perm.dtype}")
        if is_non_singular is False:
            raise ValueError("A Permutation operator is always non-singular.")
        super().__init__(
            dtype,
            [self._perm],
            True,
            is_self_adjoint,
            is_positive_definite,
            True,
            name,
            {"perm": perm, "dtype": dtype},
        )

    @property
    def perm(self) -> Tensor:
        return self._perm

    def _to_dense(self) -> Tensor:
        n = self._perm.shape.as_list()[-1] if self._perm.shape.ndims else None
        depth: Any = n if n is not None else shape(self._perm)[-1]
        return one_hot(self._perm, depth, dtype=self.dtype)


class LinearOperatorHouseholder(LinearOperator):
    """The reflection ``I - 2 v v^H / |v|^2`` across the hyperplane orthogonal to
    ``reflection_axis`` ``v`` ``[..., N]``."""

    def __init__(
        self,
        reflection_axis: Any,
        is_non_singular: bool | None = None,
        is_self_adjoint: bool | None = None,
        is_positive_definite: bool | None = None,
        is_square: bool | None = None,
        name: str = "LinearOperatorHouseholder",
    ):
        self._axis = convert_to_tensor(reflection_axis)
        if is_self_adjoint is False:
            raise ValueError("A Householder operator is always self adjoint.")
        if is_non_singular is False:
            raise ValueError("A Householder operator is always non-singular.")
        if is_positive_definite is True:
            raise ValueError("A Householder operator is always non-positive definite.")
        super().__init__(
            self._axis.dtype,
            [self._axis],
            True,
            True,
            is_positive_definite,
            True,
            name,
            {"reflection_axis": reflection_axis},
        )

    @property
    def reflection_axis(self) -> Tensor:
        return self._axis

    def _to_dense(self) -> Tensor:
        v = self._axis / expand_dims(sqrt(reduce_sum(self._axis * self._axis, -1)), -1)
        col = expand_dims(v, -1)
        n = self._axis.shape.as_list()[-1] if self._axis.shape.ndims else shape(self._axis)[-1]
        return eye(n, dtype=self.dtype) - 2 * matmul(col, col, adjoint_b=True)


class LinearOperatorToeplitz(LinearOperator):
    """The Toeplitz matrix with first column ``col`` and first row ``row`` (``[..., N]``;
    ``row[0]`` is ignored): ``T[i, j] = col[i - j]`` on and below the diagonal, ``row[j - i]``
    above it."""

    def __init__(
        self,
        col: Any,
        row: Any,
        is_non_singular: bool | None = None,
        is_self_adjoint: bool | None = None,
        is_positive_definite: bool | None = None,
        is_square: bool | None = None,
        name: str = "LinearOperatorToeplitz",
    ):
        self._col = convert_to_tensor(col)
        self._row = convert_to_tensor(row, dtype=self._col.dtype)
        super().__init__(
            self._col.dtype,
            [self._col, self._row],
            is_non_singular,
            is_self_adjoint,
            is_positive_definite,
            True,
            name,
            {"col": col, "row": row},
        )

    @property
    def col(self) -> Tensor:
        return self._col

    @property
    def row(self) -> Tensor:
        return self._row

    def _to_dense(self) -> Tensor:
        n = self._col.shape.as_list()[-1] if self._col.shape.ndims else None
        if n is None:
            raise ValueError("LinearOperatorToeplitz needs the length of col known at graph build")
        i, j = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
        idx = np.where(i >= j, i - j, n + j - i).astype(np.int32)
        col, row = _broadcast_same(self._col, self._row)
        return gather(concat([col, row], -1), constant(idx), axis=-1)


def _broadcast_same(a: Tensor, b: Tensor) -> tuple[Tensor, Tensor]:
    zero_a = a * 0
    zero_b = b * 0
    return a + zero_b, b + zero_a


class LinearOperatorTridiag(LinearOperator):
    """A tridiagonal matrix from its diagonals (``compact`` ``[..., 3, N]``: super, main and
    sub diagonals; ``sequence``; or ``matrix``)."""

    def __init__(
        self,
        diagonals: Any,
        diagonals_format: str = "compact",
        is_non_singular: bool | None = None,
        is_self_adjoint: bool | None = None,
        is_positive_definite: bool | None = None,
        is_square: bool | None = None,
        name: str = "LinearOperatorTridiag",
    ):
        if diagonals_format not in ("compact", "sequence", "matrix"):
            raise ValueError(
                "Diagonals Format must be one of compact, matrix, sequence, got : "
                f"{diagonals_format}"
            )
        if diagonals_format == "sequence":
            self._diagonals: Any = [convert_to_tensor(d) for d in diagonals]
            dtype = self._diagonals[0].dtype
        else:
            self._diagonals = convert_to_tensor(diagonals)
            dtype = self._diagonals.dtype
        self._format = diagonals_format
        super().__init__(
            dtype,
            [],
            is_non_singular,
            is_self_adjoint,
            is_positive_definite,
            True,
            name,
            {"diagonals": diagonals, "diagonals_format": diagonals_format},
        )

    @property
    def diagonals(self) -> Any:
        return self._diagonals

    @property
    def diagonals_format(self) -> str:
        return self._format

    def _to_dense(self) -> Tensor:
        return _dense_tridiagonal(self._diagonals, self._format)


class _BaseLinearOperatorCirculant(LinearOperator):
    """Circulant operators of ``block_depth`` 1, 2 or 3 from their ``spectrum`` (the DFT of
    the convolution kernel, its eigenvalues), for a real ``input_output_dtype``: the dense
    matrix holds the real part of ``ifft(spectrum)`` at the circular offsets, as TF's
    real-dtype results do, and the determinant is the product of the spectrum. For a Hermitian
    spectrum (``spectrum[k] = spectrum[-k]``: a real operator) every query is TF's; for others
    TF's operator is complex and only ``to_dense``/``matmul`` (their real parts) agree."""

    _block_depth = 1

    def __init__(
        self,
        spectrum: Any,
        input_output_dtype: Any = "complex64",
        is_non_singular: bool | None = None,
        is_self_adjoint: bool | None = None,
        is_positive_definite: bool | None = None,
        is_square: bool | None = True,
        name: str = "LinearOperatorCirculant",
    ):
        # TF's default is complex64; tflite_core has no complex dtypes
        if isinstance(input_output_dtype, str) and input_output_dtype.startswith("complex"):
            raise TypeError(
                "tflite_core's circulant operators take a real input_output_dtype, got "
                f"{input_output_dtype}"
            )
        dtype = _dt.as_dtype(input_output_dtype)
        if not dtype.is_floating:
            raise TypeError(
                "tflite_core's circulant operators take a real input_output_dtype, got "
                f"{dtype.name}"
            )
        self._spectrum = convert_to_tensor(spectrum)
        dims: list[Any] | None = (
            self._spectrum.shape.as_list() if self._spectrum.shape.ndims is not None else None
        )
        if dims is None or len(dims) < self._block_depth or None in dims[-self._block_depth :]:
            raise ValueError(
                f"spectrum must have rank >= {self._block_depth} with its last "
                f"{self._block_depth} dimensions known, got {self._spectrum.shape}"
            )
        self._block_shape = [int(d) for d in dims[-self._block_depth :]]
        super().__init__(
            dtype,
            [self._spectrum],
            is_non_singular,
            is_self_adjoint,
            is_positive_definite,
            True,
            name,
            {"spectrum": spectrum, "input_output_dtype": input_output_dtype},
        )

    @property
    def spectrum(self) -> Tensor:
        return self._spectrum

    @property
    def block_depth(self) -> int:
        return self._block_depth

    def block_shape_tensor(self) -> Tensor:
        return constant(np.array(self._block_shape, np.int32))

    @property
    def block_shape(self) -> TensorShape:
        return TensorShape(self._block_shape)

    def _to_dense(self) -> Tensor:
        bs = self._block_shape
        n = int(np.prod(bs))
        grid = np.stack([g.reshape(-1) for g in np.meshgrid(*map(np.arange, bs), indexing="ij")], 1)
        phase = sum(
            np.outer(grid[:, d], grid[:, d]) / bs[d] for d in range(len(bs))
        )  # [m, k]: sum_d m_d k_d / N_d
        kernel = (np.cos(2 * np.pi * phase) / n).astype(self.dtype.np)
        spec = self._spectrum_real()
        batch = spec.shape.as_list()[: -len(bs)]
        flat = (
            reshape(spec, [*[-1 if d is None else d for d in batch], n])
            if batch
            else reshape(spec, [n])
        )
        h = matmul(expand_dims(flat, -2), constant(kernel))  # [..., 1, n]: real(ifft(spectrum))
        h = squeeze(h, [-2])
        offsets = np.mod(grid[:, None, :] - grid[None, :, :], bs)  # [i, j, d]
        idx = np.ravel_multi_index(tuple(offsets[..., d] for d in range(len(bs))), bs)
        return gather(h, constant(idx.astype(np.int32)), axis=-1)

    def _spectrum_real(self) -> Tensor:
        return (
            self._spectrum
            if self._spectrum.dtype == self.dtype
            else cast(self._spectrum, self.dtype)
        )

    def determinant(self, name: str = "det") -> Tensor:
        """As TF: the product of the spectrum (the eigenvalues)."""
        axes = list(range(-self._block_depth, 0))
        with name_scope(self._name):
            return reduce_prod(self._spectrum_real(), axes, name=name)

    def log_abs_determinant(self, name: str = "log_abs_det") -> Tensor:
        axes = list(range(-self._block_depth, 0))
        with name_scope(self._name):
            return reduce_sum(log(abs_(self._spectrum_real())), axes, name=name)


class LinearOperatorCirculant(_BaseLinearOperatorCirculant):
    """A circulant ``[N, N]`` operator: ``A x = ifft(spectrum * fft(x))`` (real dtypes)."""

    _block_depth = 1


class LinearOperatorCirculant2D(_BaseLinearOperatorCirculant):
    """A block circulant operator with circulant blocks, from a ``[..., N1, N2]`` spectrum
    (real dtypes)."""

    _block_depth = 2

    def __init__(self, spectrum: Any, input_output_dtype: Any = "complex64", **kwargs: Any):
        kwargs.setdefault("name", "LinearOperatorCirculant2D")
        super().__init__(spectrum, input_output_dtype, **kwargs)


class LinearOperatorCirculant3D(_BaseLinearOperatorCirculant):
    """A doubly block circulant operator from a ``[..., N1, N2, N3]`` spectrum (real
    dtypes)."""

    _block_depth = 3

    def __init__(self, spectrum: Any, input_output_dtype: Any = "complex64", **kwargs: Any):
        kwargs.setdefault("name", "LinearOperatorCirculant3D")
        super().__init__(spectrum, input_output_dtype, **kwargs)


# ---- operators made of operators -----------------------------------------------------------------
class LinearOperatorAdjoint(LinearOperator):
    """The adjoint (conjugate transpose) of ``operator``."""

    def __init__(
        self,
        operator: LinearOperator,
        is_non_singular: bool | None = None,
        is_self_adjoint: bool | None = None,
        is_positive_definite: bool | None = None,
        is_square: bool | None = None,
        name: str | None = None,
    ):
        self._operator = operator
        super().__init__(
            operator.dtype,
            [],
            operator.is_non_singular if is_non_singular is None else is_non_singular,
            operator.is_self_adjoint if is_self_adjoint is None else is_self_adjoint,
            operator.is_positive_definite if is_positive_definite is None else is_positive_definite,
            is_square,
            name or operator.name + "_adjoint",
            {"operator": operator},
        )

    @property
    def operator(self) -> LinearOperator:
        return self._operator

    def _to_dense(self) -> Tensor:
        return matrix_transpose(self._operator.to_dense())


class LinearOperatorInversion(LinearOperator):
    """The inverse of a square, non-singular ``operator``."""

    def __init__(
        self,
        operator: LinearOperator,
        is_non_singular: bool | None = None,
        is_self_adjoint: bool | None = None,
        is_positive_definite: bool | None = None,
        is_square: bool | None = None,
        name: str | None = None,
    ):
        if operator.is_non_singular is False or is_non_singular is False:
            raise ValueError(
                f"operator and supplied hints must be `non_singular`. Found: "
                f"operator.is_non_singular = {operator.is_non_singular}, "
                f"is_non_singular = {is_non_singular}."
            )
        if operator.is_square is False or is_square is False:
            raise ValueError(
                f"operator and supplied hints must be `is_square`. Found: "
                f"operator.is_square = {operator.is_square}, is_square = {is_square}."
            )
        self._operator = operator
        super().__init__(
            operator.dtype,
            [],
            operator.is_non_singular if is_non_singular is None else is_non_singular,
            operator.is_self_adjoint if is_self_adjoint is None else is_self_adjoint,
            operator.is_positive_definite if is_positive_definite is None else is_positive_definite,
            True,
            name or operator.name + "_inv",
            {"operator": operator},
        )

    @property
    def operator(self) -> LinearOperator:
        return self._operator

    def _to_dense(self) -> Tensor:
        return matrix_inverse(self._operator.to_dense())


def _check_operators(operators: Any, what: str) -> list:
    ops = list(operators)
    if not ops:
        raise ValueError(f"Expected a non-empty list of operators. Found: {ops}")
    dtypes = {o.dtype for o in ops}
    if len(dtypes) > 1:
        raise TypeError(
            "Expected all operators to have the same dtype.  Found "
            f"{sorted(d.name for d in dtypes)}"
        )
    return ops


class LinearOperatorComposition(LinearOperator):
    """The product ``A1 @ A2 @ ... @ AJ`` of ``operators``."""

    def __init__(
        self,
        operators: Any,
        is_non_singular: bool | None = None,
        is_self_adjoint: bool | None = None,
        is_positive_definite: bool | None = None,
        is_square: bool | None = None,
        name: str | None = None,
    ):
        self._operators = _check_operators(operators, "composition")
        if is_non_singular is None and all(o.is_non_singular for o in self._operators):
            is_non_singular = True
        super().__init__(
            self._operators[0].dtype,
            [],
            is_non_singular,
            is_self_adjoint,
            is_positive_definite,
            is_square,
            name or "_o_".join(o.name for o in self._operators),
            {"operators": operators},
        )

    @property
    def operators(self) -> list:
        return list(self._operators)

    def _to_dense(self) -> Tensor:
        out = self._operators[0].to_dense()
        for o in self._operators[1:]:
            out = matmul(out, o.to_dense())
        return out


def _block_rows(rows: list[list[Any]], cols: list[Any], dtype: Any) -> Tensor:
    """A dense matrix from rows of blocks (None: a zero block of that row's and column's size)."""
    out_rows = []
    for blocks in rows:
        rows_n = next(b for b in blocks if b is not None)
        m = rows_n.shape.as_list()[-2]
        batch = rows_n.shape.as_list()[:-2]
        parts = [
            b if b is not None else zeros([*batch, m, n], dtype=dtype) for b, n in zip(blocks, cols)
        ]
        out_rows.append(concat(parts, -1))
    return concat(out_rows, -2)


def _known_dims(t: Tensor, what: str) -> tuple[int, int]:
    d: list[Any] | None = t.shape.as_list() if t.shape.ndims is not None else None
    if d is None or None in d:
        raise ValueError(f"{what} needs operators of fully known shapes")
    return int(d[-2]), int(d[-1])


class LinearOperatorBlockDiag(LinearOperator):
    """The block-diagonal matrix of ``operators`` (square blocks)."""

    def __init__(
        self,
        operators: Any,
        is_non_singular: bool | None = None,
        is_self_adjoint: bool | None = None,
        is_positive_definite: bool | None = None,
        is_square: bool | None = True,
        name: str | None = None,
    ):
        self._operators = _check_operators(operators, "block diag")
        if is_non_singular is None and all(o.is_non_singular for o in self._operators):
            is_non_singular = True
        if is_self_adjoint is None and all(o.is_self_adjoint for o in self._operators):
            is_self_adjoint = True
        if is_positive_definite is None and all(o.is_positive_definite for o in self._operators):
            is_positive_definite = True
        super().__init__(
            self._operators[0].dtype,
            [],
            is_non_singular,
            is_self_adjoint,
            is_positive_definite,
            is_square,
            name or "_ds_".join(o.name for o in self._operators),
            {"operators": operators},
        )

    @property
    def operators(self) -> list:
        return list(self._operators)

    def _to_dense(self) -> Tensor:
        dense = [o.to_dense() for o in self._operators]
        cols = [_known_dims(d, "LinearOperatorBlockDiag")[1] for d in dense]
        rows = [[d if i == j else None for j in range(len(dense))] for i, d in enumerate(dense)]
        return _block_rows(rows, cols, self.dtype)


class LinearOperatorBlockLowerTriangular(LinearOperator):
    """The block lower-triangular matrix of ``operators`` ``[[A11], [A21, A22], ...]``."""

    def __init__(
        self,
        operators: Any,
        is_non_singular: bool | None = None,
        is_self_adjoint: bool | None = None,
        is_positive_definite: bool | None = None,
        is_square: bool | None = None,
        name: str = "LinearOperatorBlockLowerTriangular",
    ):
        self._operators = [list(r) for r in operators]
        if not self._operators:
            raise ValueError(f"Expected a non-empty list of operators. Found: {operators}")
        for i, r in enumerate(self._operators):
            if len(r) != i + 1:
                raise ValueError(
                    f"Argument `operators[{i}]` must contain `{i + 1}` blocks. Found: {len(r)}"
                )
        _check_operators([o for r in self._operators for o in r], "block lower triangular")
        if is_non_singular is None and all(r[-1].is_non_singular for r in self._operators):
            is_non_singular = True
        super().__init__(
            self._operators[0][0].dtype,
            [],
            is_non_singular,
            is_self_adjoint,
            is_positive_definite,
            True,
            name,
            {"operators": operators},
        )

    @property
    def operators(self) -> list:
        return [list(r) for r in self._operators]

    def _to_dense(self) -> Tensor:
        k = len(self._operators)
        diag = [r[-1].to_dense() for r in self._operators]
        cols = [_known_dims(d, "LinearOperatorBlockLowerTriangular")[1] for d in diag]
        rows = [
            [r[j].to_dense() if j <= i else None for j in range(k)]
            for i, r in enumerate(self._operators)
        ]
        return _block_rows(rows, cols, self.dtype)


class LinearOperatorKronecker(LinearOperator):
    """The Kronecker product ``A1 (x) A2 (x) ... (x) AJ`` of ``operators``."""

    def __init__(
        self,
        operators: Any,
        is_non_singular: bool | None = None,
        is_self_adjoint: bool | None = None,
        is_positive_definite: bool | None = None,
        is_square: bool | None = None,
        name: str | None = None,
    ):
        self._operators = _check_operators(operators, "kronecker")
        if is_non_singular is None and all(o.is_non_singular for o in self._operators):
            is_non_singular = True
        if is_self_adjoint is None and all(o.is_self_adjoint for o in self._operators):
            is_self_adjoint = True
        super().__init__(
            self._operators[0].dtype,
            [],
            is_non_singular,
            is_self_adjoint,
            is_positive_definite,
            is_square,
            name or "_x_".join(o.name for o in self._operators),
            {"operators": operators},
        )

    @property
    def operators(self) -> list:
        return list(self._operators)

    def _to_dense(self) -> Tensor:
        out = self._operators[0].to_dense()
        for o in self._operators[1:]:
            b = o.to_dense()
            m, n = _known_dims(out, "LinearOperatorKronecker")
            p, q = _known_dims(b, "LinearOperatorKronecker")
            batch = out.shape.as_list()[:-2]
            bb = b.shape.as_list()[:-2]
            prod = reshape(out, [*batch, m, 1, n, 1]) * reshape(b, [*bb, 1, p, 1, q])
            full = prod.shape.as_list()[:-4]
            out = reshape(prod, [*full, m * p, n * q])
        return out


class LinearOperatorLowRankUpdate(LinearOperator):
    """``base_operator + U diag(diag_update) V^H`` (``V = U`` when ``v`` is None; the identity
    for a missing ``diag_update``)."""

    def __init__(
        self,
        base_operator: LinearOperator,
        u: Any,
        diag_update: Any = None,
        v: Any = None,
        is_diag_update_positive: bool | None = None,
        is_non_singular: bool | None = None,
        is_self_adjoint: bool | None = None,
        is_positive_definite: bool | None = None,
        is_square: bool | None = None,
        name: str = "LinearOperatorLowRankUpdate",
    ):
        self._base = base_operator
        self._u = convert_to_tensor(u, dtype=base_operator.dtype)
        self._v = self._u if v is None else convert_to_tensor(v, dtype=base_operator.dtype)
        self._diag = (
            None
            if diag_update is None
            else convert_to_tensor(diag_update, dtype=base_operator.dtype)
        )
        self._is_diag_update_positive = is_diag_update_positive
        if v is None and is_self_adjoint is None and base_operator.is_self_adjoint:
            is_self_adjoint = True
        if (
            v is None
            and is_positive_definite is None
            and base_operator.is_positive_definite
            and (diag_update is None or is_diag_update_positive)
        ):
            is_positive_definite = True
        super().__init__(
            base_operator.dtype,
            [],
            is_non_singular,
            is_self_adjoint,
            is_positive_definite,
            is_square,
            name,
            {"base_operator": base_operator, "u": u, "diag_update": diag_update, "v": v},
        )

    @property
    def u(self) -> Tensor:
        return self._u

    @property
    def v(self) -> Tensor:
        return self._v

    @property
    def diag_update(self) -> Tensor | None:
        return self._diag

    @property
    def base_operator(self) -> LinearOperator:
        return self._base

    @property
    def is_diag_update_positive(self) -> bool | None:
        return self._is_diag_update_positive

    def _to_dense(self) -> Tensor:
        u = self._u if self._diag is None else self._u * expand_dims(self._diag, -2)
        return self._base.to_dense() + matmul(u, self._v, adjoint_b=True)


__all__ = [
    "LinearOperator",
    "LinearOperatorAdjoint",
    "LinearOperatorBlockDiag",
    "LinearOperatorBlockLowerTriangular",
    "LinearOperatorCirculant",
    "LinearOperatorCirculant2D",
    "LinearOperatorCirculant3D",
    "LinearOperatorComposition",
    "LinearOperatorDiag",
    "LinearOperatorFullMatrix",
    "LinearOperatorHouseholder",
    "LinearOperatorIdentity",
    "LinearOperatorInversion",
    "LinearOperatorKronecker",
    "LinearOperatorLowRankUpdate",
    "LinearOperatorLowerTriangular",
    "LinearOperatorPermutation",
    "LinearOperatorScaledIdentity",
    "LinearOperatorToeplitz",
    "LinearOperatorTridiag",
    "LinearOperatorZeros",
]
