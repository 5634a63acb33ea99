"""``tf.linalg``: matrix products and the matrix helpers (as TF's names)."""

from __future__ import annotations

from .nn.clip_ops import global_norm
from .ops.einsum_ops import einsum
from .ops.linalg_factor_ops import (
    cholesky,
    lu,
    qr,
    svd,
)
from .ops.linalg_factor_ops import log_matrix_determinant as slogdet
from .ops.linalg_factor_ops import matrix_determinant as det
from .ops.linalg_factor_ops import matrix_exponential as expm
from .ops.linalg_factor_ops import matrix_inverse as inv
from .ops.linalg_factor_ops import matrix_solve as solve
from .ops.linalg_factor_ops import matrix_square_root as sqrtm
from .ops.linalg_factor_ops import matrix_triangular_solve as triangular_solve
from .ops.linalg_factor_ops import self_adjoint_eig as eigh
from .ops.linalg_factor_ops import self_adjoint_eigvals as eigvalsh
from .ops.linalg_impl_ops import (
    cholesky_solve,
    eigh_tridiagonal,
    logdet,
    lu_matrix_inverse,
    lu_reconstruct,
    lu_solve,
    matrix_rank,
    normalize,
    pinv,
    tensor_diag,
    tensor_diag_part,
    tridiagonal_matmul,
    tridiagonal_solve,
)
from .ops.linalg_impl_ops import matrix_solve_ls as lstsq
from .ops.linalg_ops import (
    adjoint,
    band_part,
    cross,
    eye,
    matrix_transpose,
    matvec,
    norm,
    tensordot,
    trace,
)
from .ops.linalg_ops import matrix_diag as diag
from .ops.linalg_ops import matrix_diag_part as diag_part
from .ops.linalg_ops import matrix_set_diag as set_diag
from .ops.linalg_ops import matrix_transpose as transpose
from .ops.linear_operator import (
    LinearOperator,
    LinearOperatorAdjoint,
    LinearOperatorBlockDiag,
    LinearOperatorBlockLowerTriangular,
    LinearOperatorCirculant,
    LinearOperatorCirculant2D,
    LinearOperatorCirculant3D,
    LinearOperatorComposition,
    LinearOperatorDiag,
    LinearOperatorFullMatrix,
    LinearOperatorHouseholder,
    LinearOperatorIdentity,
    LinearOperatorInversion,
    LinearOperatorKronecker,
    LinearOperatorLowerTriangular,
    LinearOperatorLowRankUpdate,
    LinearOperatorPermutation,
    LinearOperatorScaledIdentity,
    LinearOperatorToeplitz,
    LinearOperatorTridiag,
    LinearOperatorZeros,
)
from .ops.math_extra_ops import l2_normalize
from .ops.math_ops import matmul
